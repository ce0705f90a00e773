"""Cutting text into sentences and sentences into breath groups.

Sentences are the unit of synthesis and of the rehearsal page, so a wrong cut is audible: a pause in the middle of
``5.2%`` or inside a quotation. The splitters are single left-to-right scans (no backtracking regexes over the
whole text), so a 50,000-character line without punctuation costs the same as any other text of that length.

Breath groups use jieba to find word boundaries. jieba's dictionary takes about 1.4 s to load on this machine, so it
is imported only when a clause is too long to be cut at punctuation, and only once per process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import pairwise

from lectern.model import Language

# Sentence ends. ； ends a sentence in Chinese delivery (a breath and a short pause), as the issue specifies.
_ZH_ENDS = frozenset("。！？；!?;…")
_EN_ENDS = frozenset(".!?…")
# What may follow an end mark and still belong to the sentence: closing quotes and brackets, more end marks.
_CLOSERS = frozenset("”’」』）)》】〕］]\"'")
_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "（": "）", "(": ")", "《": "》", "【": "】", "〔": "〕"}
_CLOSING = {v: k for k, v in _PAIRS.items()}

# A quotation or bracket protects its end marks only while it is this short: an unclosed “ (a typo, or a quote
# that runs on for paragraphs) must not turn the rest of a paragraph into one sentence.
MAX_PROTECTED = 200
# Longest sentence handed to a speech engine. Longer runs (no punctuation at all, a long quotation) are cut at
# the last comma or space before this length; the engines' own limits are far above it.
MAX_SENTENCE = 300

# ≲ 25 字 per Chinese group; for English the most characters a group may hold, so that a stranded word can still
# join its neighbour (one subtitle cue of two lines holds it).
BREATH_UNITS = {Language.ZH: 25, Language.EN: 60}
_BREATH_PREFERRED = frozenset("，、：,:;；—")

# Abbreviations whose dot never ends a sentence (titles before a name, e.g./i.e. inside a clause) and those that
# end one only when a capitalised word follows (etc., a.m.).
_EN_NEVER_END = frozenset(
    "mr mrs ms dr prof st jr sr no nos vs gen sen rep gov lt col capt sgt hon rev fr pres e.g i.e cf al fig u.s u.k "
    "u.n u.s.a ph.d jan feb mar apr jun jul aug sep sept oct nov dec mt ft inc ltd co corp dept est approx".split()
)
_EN_MAYBE_END = frozenset("etc a.m p.m".split())

_ZH_UNIT = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff0-9０-９]")
_BRACKET = re.compile("[" + re.escape("".join(_PAIRS) + "".join(_CLOSING)) + '"]')
_CLOSER_CLASS = re.escape("".join(sorted(_CLOSERS)))
# A half-width full stop ends a Chinese sentence only right after a Chinese character or closing quote ("召开会议.");
# after a digit or a Latin letter it is a decimal point, an abbreviation or a heading number (5.2%, Mr., 1.).
_ZH_END_RUN = re.compile(
    f"(?:[。！？；!?;…]|(?<=[\u3400-\u4dbf\u4e00-\u9fff”’」』）%％])\\.(?![0-9]))[。！？；!?;…{_CLOSER_CLASS}]*"
)
_EN_END_RUN = re.compile(f"[.!?…][.!?…{_CLOSER_CLASS}]*")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")
# A capital roman numeral, as section headings number themselves (I. … XII.); "I." alone is also an initial.
_ROMAN_NUMBER = re.compile(r"^(?:X{0,3})(?:IX|IV|V?I{0,3})$")


def count_units(text: str, language: Language) -> int:
    """字 (CJK characters and digits) for Chinese, words for English: the units of a delivery rate."""
    if language == Language.EN:
        return len(_WORD.findall(text))
    return len(_ZH_UNIT.findall(text))


def protected_spans(text: str, *, straight_quotes: bool = True) -> list[tuple[int, int]]:
    """Matched quotes and brackets no longer than MAX_PROTECTED, as (open, close) offsets.

    One pass over the bracket characters only, with a stack; a closer that does not match the top of the stack is
    ignored rather than unwinding it, so a stray ） cannot unprotect an open quotation.
    """
    spans = []
    stack: list[tuple[str, int]] = []
    straight_open: int | None = None
    for m in _BRACKET.finditer(text):
        ch, i = m.group(), m.start()
        if ch in _PAIRS:
            stack.append((ch, i))
            if len(stack) > 64:  # a runaway of openers: keep the stack bounded
                del stack[0]
        elif ch in _CLOSING:
            if stack and stack[-1][0] == _CLOSING[ch]:
                _, start = stack.pop()
                if i - start <= MAX_PROTECTED:
                    spans.append((start, i))
        elif straight_quotes:
            if straight_open is None:
                straight_open = i
            else:
                if i - straight_open <= MAX_PROTECTED:
                    spans.append((straight_open, i))
                straight_open = None
    return spans


def _inside(spans: list[tuple[int, int]], positions: list[int]) -> list[bool]:
    """For each (sorted) position, whether it lies strictly inside a span: one sweep over span edges."""
    edges = sorted([(a + 1, 1) for a, _ in spans] + [(b, -1) for _, b in spans])
    out = []
    depth = 0
    k = 0
    for pos in positions:
        while k < len(edges) and edges[k][0] <= pos:
            depth += edges[k][1]
            k += 1
        out.append(depth > 0)
    return out


def sentence_ends(text: str, language: Language) -> list[int]:
    """Offsets just after each sentence end in ``text`` (the last one is ``len(text)`` when text remains).

    Chinese ends at 。！？；… (half-width !?; too: pasted text); English at . ! ? unless the dot belongs to a number
    (3.5), an abbreviation (Mr., U.S.) or an initial (Franklin D. Roosevelt). End marks inside a short quotation or
    bracket do not end the sentence, except at the very end of the quotation: 他说：“要抓落实。”
    """
    runs = list((_ZH_END_RUN if language == Language.ZH else _EN_END_RUN).finditer(text))
    n = len(text)
    cuts: list[int] = []
    if runs:
        spans = protected_spans(text)
        inside_mark = _inside(spans, [m.start() for m in runs])
        inside_last = _inside(spans, [m.end() - 1 for m in runs])
        for m, in_mark, in_last in zip(runs, inside_mark, inside_last):
            i, j = m.start(), m.end()
            # Inside a quotation only an end mark that the quotation's own closer follows ends the sentence.
            if in_mark and (in_last or text[j - 1] not in _CLOSERS):
                continue
            if language == Language.EN and not _en_is_end(text, i, j):
                continue
            cuts.append(j)
    if not cuts or cuts[-1] < n:
        if text[cuts[-1] if cuts else 0 :].strip():
            cuts.append(n)
        elif cuts:
            cuts[-1] = n
    return cuts


def _en_is_end(text: str, mark: int, after: int) -> bool:
    ch = text[mark]
    if ch == "." and mark + 1 < len(text) and text[mark + 1].isdigit() and mark > 0 and text[mark - 1].isdigit():
        return False  # 3.5
    nxt = after
    while nxt < len(text) and text[nxt] == " ":
        nxt += 1
    if nxt < len(text) and after < len(text) and text[after] not in " \t\n":
        return False  # no space after the mark: a URL, 3.5, "a.m.x"
    if ch != ".":
        return True
    k = mark
    while k > 0 and (text[k - 1].isalpha() or text[k - 1] == "."):
        k -= 1
    word = text[k:mark].lower()
    following = text[nxt] if nxt < len(text) else ""
    heading_number = (k < mark and not text[:k].strip() and _ROMAN_NUMBER.match(text[k:mark])) or re.fullmatch(
        r"\s*\d{1,2}", text[:mark]
    )
    if heading_number:
        return False  # a heading's number at the start of the paragraph: "II. What Remains", "3. Jobs"
    if word in _EN_NEVER_END:
        return False
    if len(word) == 1 and text[mark - 1].isupper():
        return False  # an initial: Franklin D. Roosevelt
    if word in _EN_MAYBE_END:
        return following.isupper()
    if following and following.islower():
        return False  # "and so on. then" is rarer than an unknown abbreviation
    return True


def split_sentences(text: str, language: Language, cuts: Iterable[int] = ()) -> list[tuple[int, int]]:
    """(start, end) of each sentence, also cut at ``cuts`` (pause markers, stage notes) and at MAX_SENTENCE."""
    forced = {_past_clause_mark(text, c) for c in cuts if 0 < c < len(text)}
    bounds = sorted(set(sentence_ends(text, language)) | forced)
    pieces = []
    start = 0
    for end in bounds:
        if end <= start:
            continue
        for a, b in _cut_overlong(text, start, end):
            pieces.append((a, b))
        start = end
    if start < len(text) and text[start:].strip():
        pieces.extend(_cut_overlong(text, start, len(text)))
    return pieces


def _past_clause_mark(text: str, cut: int) -> int:
    """A marker written just before a comma ("底线要求[停2秒]，任何…") pauses after the comma: a spoken piece never
    starts with a comma, and the comma stays with the words it belongs to."""
    while cut < len(text) and (text[cut] in _BREATH_PREFERRED or text[cut] in "。！？!?.…" or text[cut] in _CLOSERS):
        cut += 1
    return cut


def _cut_overlong(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a run longer than MAX_SENTENCE at the last comma (or space) in its second half, else hard at the limit."""
    out = []
    while end - start > MAX_SENTENCE:
        limit = start + MAX_SENTENCE
        cut = None
        for k in range(limit, start + MAX_SENTENCE // 2, -1):
            if text[k - 1] in _BREATH_PREFERRED:
                cut = k
                break
        if cut is None:
            for k in range(limit, start + MAX_SENTENCE // 2, -1):
                if text[k - 1] == " ":
                    cut = k
                    break
        cut = cut or limit
        out.append((start, cut))
        start = cut
    out.append((start, end))
    return out


# --- breath groups -----------------------------------------------------------------------------------------------

_jieba = None
HMM_MAX_CHARS = 80


def _words(text: str) -> list[str]:
    """jieba's words. Its HMM pass keeps unknown words such as names (王建国) whole, but made a 50,000-character run
    without punctuation take ≈ 10 s here, so a clause longer than HMM_MAX_CHARS (not found in real speeches) is cut
    with the dictionary alone.

    jieba's default tokenizer is shared with the subtitle writer, so a build loads its dictionary (≈ 1.4 s) once.
    """
    global _jieba
    if _jieba is None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _jieba = jieba
    return list(_jieba.cut(text, HMM=len(text) <= HMM_MAX_CHARS))


def breath_groups(text: str, language: Language) -> tuple[str, ...]:
    """The sentence cut into breath groups; joined back they give ``text`` exactly.

    Chinese: groups of ≲ BREATH_UNITS 字, cut at clause punctuation (，、：) first; a clause still too long is cut
    between jieba's words, never inside one. A single word longer than the limit stays whole.

    English: see :func:`_english_groups` (phrase boundaries, never inside a token).
    """
    if language == Language.EN:
        return _english_groups(text)
    limit = BREATH_UNITS[language]
    if _units(text) <= limit:
        return (text,) if text else ()
    clauses = _clauses(text)
    pieces: list[str] = []
    for clause in clauses:
        if _units(clause) <= limit:
            pieces.append(clause)
        else:
            pieces.extend(_pack(_words(clause), limit))
    groups = _pack(pieces, limit)
    return tuple(g for g in groups if g)


def _units(text: str) -> int:
    return sum(map(str.isalnum, text))


def _clauses(text: str) -> list[str]:
    out = []
    start = 0
    for i, ch in enumerate(text):
        if ch in _BREATH_PREFERRED:
            if ch in ",." and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
                continue  # a thousands separator or decimal point (11,000人), not a clause break
            j = i + 1
            while j < len(text) and (text[j] in _CLOSERS or text[j] == " "):
                j += 1
            if j > start and j < len(text):
                out.append(text[start:j])
                start = j
    out.append(text[start:])
    return [c for c in out if c]


def _pack(pieces: Sequence[str], limit: int) -> list[str]:
    """Greedy: join pieces while the group stays within the limit."""
    groups: list[str] = []
    current = ""
    current_units = 0
    for piece in pieces:
        u = _units(piece)
        if current and current_units + u > limit:
            groups.append(current)
            current, current_units = piece, u
        else:
            current += piece
            current_units += u
    if current:
        groups.append(current)
    return groups


# --- English breath groups ---------------------------------------------------------------------------------------
#
# Cutting English at a character count split "11,000" at its comma and stranded "full." on a line of its own. A
# speaker breathes at phrase edges, so the groups are chosen by one pass of dynamic programming over the sentence's
# tokens (runs of non-space characters: "11,000", "$4.5", "U.S." can never be cut) that minimises
#   · the price of each cut: free after ; : (a clause ends), cheap after , — ! ? and before a word that opens a
#     clause (and, but, which, because…), a little dearer before a preposition that opens a phrase (to, of, in…),
#     dearest anywhere else, and dearer still right after a word that needs what follows (the, of, and…);
#   · the price of each group: nothing for EN_BREATH_WORDS words, more the further outside; a group of one or two
#     words costs more than any cut can save, so "full." joins its neighbour whenever the result fits
#     BREATH_UNITS[EN] characters. Only a single token longer than that may exceed it.
# Each group is tried from every cut within BREATH_UNITS[EN] characters back, so the cost is linear in the text.

EN_BREATH_WORDS = (6, 14)  # the words one breath carries at a speaking pace of ≈ 2.5 words a second
# Words that open a clause: a speaker breathes before them, not after.
_EN_CLAUSE_WORDS = frozenset(
    "and but or nor so yet because although though unless until since while whereas which that who whom whose "
    "where when if".split()
)
# Prepositions that open a phrase: a weaker place to breathe than a clause word.
_EN_PHRASE_WORDS = frozenset(
    "to of in for with on at from by into onto through across over under after before without during between "
    "against toward towards about among".split()
)
# A group ending on one of these leaves the listener waiting for its noun or verb.
_EN_LEANING = _EN_CLAUSE_WORDS | _EN_PHRASE_WORDS | frozenset(
    "a an the my our your his her its their this these those".split()
)
_EN_TOKEN = re.compile(r"\S+\s*")
_EN_OPENERS = "\"'“‘([{«"
_EN_TRAILERS = "\"'”’)]}»"
# Costs of a cut, by what surrounds it; of a group, per word outside EN_BREATH_WORDS; of a group of ≤ 2 words.
_CUT_CLAUSE_END, _CUT_COMMA, _CUT_CLAUSE_WORD, _CUT_PHRASE_WORD, _CUT_PLAIN, _CUT_LEANING = 0, 1, 4, 5, 8, 4
_PER_WORD_OFF, _STRANDED = 2, 50


def _english_groups(text: str) -> tuple[str, ...]:
    """English breath groups at phrase boundaries, never inside a token (see the notes above)."""
    spans = [m.span() for m in _EN_TOKEN.finditer(text)]
    if len(spans) <= 1:
        return (text,) if text else ()
    starts = [0] + [a for a, _ in spans[1:]]  # spaces before the first word belong to the first group
    ends = [b for _, b in spans]  # a token carries the spaces after it: a group never starts with a space
    cores = [text[a:b].rstrip() for a, b in spans]
    core_ends = [a + len(c) for (a, _), c in zip(spans, cores)]
    n = len(spans)
    words = [0]
    for core in cores:
        words.append(words[-1] + any(ch.isalnum() for ch in core))
    cut_cost = [0] + [_en_cut_cost(cores[k - 1], cores[k]) for k in range(1, n)]
    limit = BREATH_UNITS[Language.EN]
    lo, hi = EN_BREATH_WORDS
    best = [0] + [float("inf")] * n
    back = [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            length = core_ends[j - 1] - spans[i][0]
            if length > limit and i < j - 1:
                break
            w = words[j] - words[i]
            cost = best[i] + cut_cost[i] + _PER_WORD_OFF * (max(0, lo - w) + max(0, w - hi))
            if w <= 2:
                cost += _STRANDED
            if cost < best[j]:
                best[j], back[j] = cost, i
    bounds = []
    j = n
    while j:
        bounds.append(j)
        j = back[j]
    bounds.append(0)
    bounds.reverse()
    return tuple(text[starts[a] : ends[b - 1]] for a, b in pairwise(bounds))


def _en_cut_cost(before: str, after: str) -> int:
    """What a breath between two tokens costs: low at a clause or phrase edge, high inside a phrase."""
    mark = before.rstrip(_EN_TRAILERS)[-1:]
    if mark in (";", ":"):
        return _CUT_CLAUSE_END
    if mark in (",", "—", "–", "!", "?") or after.startswith(("—", "–", "(")):
        return _CUT_COMMA
    if before.strip(_EN_OPENERS + _EN_TRAILERS).lower() in _EN_LEANING:
        return _CUT_PLAIN + _CUT_LEANING
    word = after.lstrip(_EN_OPENERS).lower()
    if word in _EN_CLAUSE_WORDS:
        return _CUT_CLAUSE_WORD
    if word in _EN_PHRASE_WORDS:
        return _CUT_PHRASE_WORD
    return _CUT_PLAIN
