"""Subtitles for the rehearsal audio: SRT, WebVTT and LRC, all from one list of cues.

A cue is what fits on screen: at most :data:`MAX_LINES` lines of at most :data:`CJK_LINE` characters for Chinese
(the ≈ 15–20 a line that Chinese subtitling uses, see docs/formats-and-norms.md) or :data:`LATIN_LINE` for English
(the common 42-column broadcast limit). Lines break only between jieba words, never inside one; the only exception
is a single "word" longer than a line (a URL, a long number), which must be cut somewhere.

A long sentence becomes several cues. Where its breath groups are known (plan cuts them at word boundaries), a cue
holds whole breath groups when they fit, so a cue ends where the speaker breathes; otherwise the sentence is cut at
clause punctuation (，；：) first. Cues are timed from the engine's word boundaries where they exist (a cue starts
when its first word is spoken), otherwise in proportion to the characters spoken before it. A sentence's cues are
contiguous and lie within its measured [start_ms, end_ms], so cues never overlap and never run into a pause.

The writers are strict (only legal content: no ``-->`` in text, no blank lines inside a cue, WebVTT entities
escaped); the parsers, used by tests and ``lectern report``, are lenient (BOM, CRLF, ``.`` in SRT times, cue
settings, NOTE blocks).
"""

from __future__ import annotations

import functools
import html
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType

from lectern.errors import InputError
from lectern.model import Boundary, Timeline, TimedSentence
from lectern.timecode import (
    lrc_to_ms,
    ms_to_lrc,
    ms_to_srt,
    ms_to_vtt,
    srt_to_ms,
    vtt_to_ms,
)

CJK_LINE = 18
LATIN_LINE = 42
MAX_LINES = 2
# A cue on screen for less than this is a flash no one reads (a 0.45 s "仪式。" after "…启动"): it joins a neighbour.
MIN_CUE_MS = 800
LRC_ALBUM = "lectern rehearsal"

# Punctuation that must not start a line (it belongs to the word before) or end one (it opens the word after).
_CLOSING = set("，。！？；：、）》」』”’〉】〕…—·%,.!?;:)]}")  # ASCII quotes open and close: not glued
_OPENING = set("（《「『“‘〈【〔([{")
_CLAUSE_END = set("，；：、,;:")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


@dataclass(frozen=True, slots=True)
class SubtitleCue:
    start_ms: int
    end_ms: int
    lines: tuple[str, ...]


@functools.cache
def _jieba() -> ModuleType:
    """Import and initialise jieba once, on first use: building its dictionary takes about a second, which a
    command that writes no Chinese subtitles should not pay. Its "Building prefix dict" chatter is silenced."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def is_chinese(text: str) -> bool:
    """Chinese line rules apply to any sentence with a CJK character; a name in English changes nothing."""
    return bool(_CJK.search(text))


def words(text: str) -> list[str]:
    """The word tokens lines may break between (their concatenation is ``text``): jieba's for Chinese, runs of
    spaces and non-spaces otherwise. Tests use this same function to check no line cuts a word."""
    if is_chinese(text):
        return _keep_numbers_with_units([w for w in _jieba().cut(text) if w])
    return re.findall(r"\s+|\S+", text)


_NUMBER = re.compile(r"[0-9０-９][0-9０-９.,%％‰]*")
_UNIT = re.compile(r"[\u4e00-\u9fff]{1,2}")


def _keep_numbers_with_units(tokens: list[str]) -> list[str]:
    """jieba cuts 2846.3|亿元 and 2024|年; a line must not end on a bare number whose unit starts the next line,
    so a number and the short word after it (its unit or measure word) count as one word."""
    merged: list[str] = []
    for token in tokens:
        if merged and _UNIT.fullmatch(token) and _NUMBER.fullmatch(merged[-1]):
            merged[-1] += token
        else:
            merged.append(token)
    return merged


# --- cutting a sentence into lines and cues ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Line:
    start: int  # offsets into the sentence's normalised text
    end: int
    text: str
    breaks: bool  # ends a clause or a breath group: a good place to end a cue


_BREAK_AFTER = set("，；：、,;:。！？!?…")
_TRAILING_CLOSERS = "”’）》」』〉】〕)]}\"'"


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every word of the whole sentence: segmented once, so a breath group's words are the
    sentence's words (jieba run on a fragment may cut it differently)."""
    spans = []
    offset = 0
    for word in words(text):
        spans.append((offset, offset + len(word)))
        offset += len(word)
    return spans


def _atoms(text: str, start: int, end: int, limit: int, word_spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Unbreakable spans of text[start:end]: words with their punctuation glued on, pieces of over-long words."""
    spans = [(max(a, start), min(b, end)) for a, b in word_spans if a < end and b > start]
    glued: list[tuple[int, int]] = []
    pending_open: int | None = None
    for a, b in spans:
        token = text[a:b]
        if pending_open is not None:
            a, pending_open = pending_open, None
        if glued and not token.isspace() and all(c in _CLOSING for c in token):
            # "word ," keeps its stray space: the mark still belongs to the word, not to the next line.
            if len(glued) > 1 and text[glued[-1][0] : glued[-1][1]].isspace():
                glued.pop()
            glued[-1] = (glued[-1][0], b)
        elif all(c in _OPENING for c in token):
            pending_open = a
        else:
            glued.append((a, b))
    if pending_open is not None:
        glued.append((pending_open, end))
    atoms: list[tuple[int, int]] = []
    for a, b in glued:
        while b - a > limit and text[a:b].strip():
            atoms.append((a, a + limit))
            a += limit
        atoms.append((a, b))
    return atoms


def _ends_clause(chunk: str) -> bool:
    return chunk.rstrip().rstrip(_TRAILING_CLOSERS)[-1:] in _BREAK_AFTER


def _line(text: str, start: int, end: int, breaks: bool) -> _Line:
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    stripped = chunk.strip()
    return _Line(start + lead, start + lead + len(stripped), stripped.replace("-->", "→"), breaks)


def _fewest_lines(text: str, atoms: Sequence[tuple[int, int]], limit: int) -> int:
    """Greedy filling gives the fewest lines that can hold the atoms (spaces at a line's edges do not count)."""
    count, start = 0, None
    for a, b in atoms:
        if start is None:
            if text[a:b].strip():
                start, count = a, 1
        elif len(text[start:b].strip()) > limit:
            start, count = a, count + 1
    return count


def _segment_lines(
    text: str, start: int, end: int, limit: int, word_spans: Sequence[tuple[int, int]]
) -> list[_Line]:
    """Cut text[start:end] into the fewest lines of ≤ ``limit`` characters, at word boundaries, choosing among the
    cuts the one with even line lengths (20 字 as 10 + 10, not 18 + 2) that ends lines after clause punctuation.

    One pass of dynamic programming over the atoms: a line costs its squared distance from an even share, ending
    it mid-clause costs as much as being limit/2 characters off, and each line costs more than all of that can
    add up to, so the fewest lines always win.
    """
    if not text[start:end].strip():
        return []
    atoms = _atoms(text, start, end, limit, word_spans)
    count = max(_fewest_lines(text, atoms, limit), 1)
    share = len(text[start:end].strip()) / count
    clause_cost = (limit / 2) ** 2
    line_cost = (count + 1) * (limit**2 + clause_cost + 1)
    n = len(atoms)
    best = [0.0] + [float("inf")] * n
    back = [0] * (n + 1)
    for j in range(1, n + 1):
        line_end = atoms[j - 1][1]
        mid_clause = j < n and not _ends_clause(text[start:line_end])
        for i in range(j - 1, -1, -1):
            length = len(text[atoms[i][0] : line_end].strip())
            if length > limit:
                break
            if length:
                cost = best[i] + line_cost + (length - share) ** 2 + clause_cost * mid_clause
                if cost < best[j]:
                    best[j], back[j] = cost, i
    cuts = []
    j = n
    while j:
        cuts.append((back[j], j))
        j = back[j]
    return [
        _line(text, atoms[i][0], atoms[j - 1][1], j == n or _ends_clause(text[atoms[i][0] : atoms[j - 1][1]]))
        for i, j in reversed(cuts)
    ]


def _breath_cuts(text: str, groups: Sequence[str]) -> list[int] | None:
    """Where each breath group after the first starts in ``text``; None if the groups do not spell the text."""
    cuts = []
    cursor = 0
    for group in groups:
        group = _normalise(group)
        if not group:
            continue
        found = text.find(group, cursor)
        if found < 0 or text[cursor:found].strip():
            return None
        if cursor:
            cuts.append(found)
        cursor = found + len(group)
    if text[cursor:].strip():
        return None
    return cuts


def _sentence_lines(sentence: TimedSentence, text: str, limit: int) -> list[_Line]:
    """Lines never cross a breath group's edge; without (usable) breath groups the sentence is one segment."""
    cuts = _breath_cuts(text, sentence.breath_groups) if sentence.breath_groups else None
    spans = _word_spans(text)
    # A breath group edge inside one of the sentence's words is no place to breathe or to end a line: the plan's
    # groups once split "More than 11," from "000 homes". Such an edge is dropped and the words decide.
    inside = {c for a, b in spans for c in range(a + 1, b)}
    bounds = [0, *(c for c in cuts or () if c not in inside), len(text)]
    return [line for a, b in zip(bounds, bounds[1:]) for line in _segment_lines(text, a, b, limit, spans)]


def _cues(lines: Sequence[_Line], max_lines: int) -> list[list[_Line]]:
    """Group lines into cues of ≤ ``max_lines`` that end where a clause or breath group ends.

    A cue costs 2 and ending one mid-clause costs 3, so one extra (shorter) cue is worth it to keep a breath group
    on screen whole: the speaker pauses there, and a cue ending mid-phrase is the one that reads badly."""
    n = len(lines)
    best = [0] + [5 * n + 5] * n
    back = [0] * (n + 1)
    for j in range(1, n + 1):
        for size in range(max_lines, 0, -1):  # on a tie the fuller cue wins
            i = j - size
            if i < 0:
                continue
            cost = best[i] + 2 + (0 if j == n or lines[j - 1].breaks else 3)
            if cost < best[j]:
                best[j], back[j] = cost, i
    groups = []
    j = n
    while j:
        groups.append(list(lines[back[j] : j]))
        j = back[j]
    return groups[::-1]


def _word_starts(text: str, boundaries: Sequence[Boundary]) -> list[tuple[int, int]]:
    """(offset in text, start_ms) for each engine word found in order.

    An engine may report a word as it spoke it (``十月`` for ``10月``): such a word is skipped, and a word is only
    looked for a few characters ahead, so a common 字 (的, 是) is not matched a clause later, which would drag
    every cue after it out of step.
    """
    found = []
    cursor = 0
    for word in boundaries:
        token = _normalise(word.text)
        if not token:
            continue
        at = text.find(token, cursor, cursor + len(token) + _WORD_LOOKAHEAD)
        if at < 0:
            continue
        found.append((at, word.start_ms))
        cursor = at + len(token)
    return found


_WORD_LOOKAHEAD = 8  # characters an engine word may sit past the last one matched (skipped numbers, symbols)


def _spoken_weight(text: str) -> int:
    """What takes time to say: letters, digits and 字, not punctuation or spaces."""
    return sum(1 for ch in text if ch.isalnum())


def _times(sentence: TimedSentence, text: str, starts: Sequence[int]) -> list[int]:
    """Start time of each cue (by char offset), then the sentence end; non-decreasing and inside the sentence."""
    first, last = sentence.start_ms, sentence.end_ms
    span = last - first
    anchors = _word_starts(text, sentence.words)
    # A sentence of only symbols ("……") has no spoken weight; then every character counts the same.
    weigh = _spoken_weight if _spoken_weight(text) else len
    total = weigh(text)
    times = [first]
    for k, offset in enumerate(starts[1:], start=1):
        next_offset = starts[k + 1] if k + 1 < len(starts) else len(text)
        spoken = [ms for at, ms in anchors if offset <= at < next_offset]
        if spoken:
            at_ms = spoken[0]
        else:
            at_ms = first + span * weigh(text[:offset]) // total
        times.append(min(max(at_ms, times[-1]), last))
    times.append(last)
    # Every cue gets at least a millisecond where the sentence has that many: words said all at once (an engine
    # that reports them at the end) would otherwise leave cues of no length, that no player shows.
    if last - first >= len(times) - 1:
        for k in range(1, len(times) - 1):
            times[k] = max(times[k], times[k - 1] + 1)
        for k in range(len(times) - 2, 0, -1):
            times[k] = min(times[k], times[k + 1] - 1)
    return times


def _merge_short_cue(
    cues: list[list[_Line]], times: Sequence[int], text: str, limit: int, max_lines: int
) -> list[list[_Line]] | None:
    """The cues with the first one shorter than :data:`MIN_CUE_MS` joined to its shorter neighbour, or None.

    The two are laid out again as one stretch (the breath-group edge between them is given up: a cue no one can
    read is worse than a line that does not end on a breath) and cut into cues as usual; with evenly filled lines,
    what was a lone "仪式。" becomes part of a readable cue. None when no cue is short or re-cutting would leave as
    many cues as before (nothing gained).
    """
    spans = [times[k + 1] - times[k] for k in range(len(cues))]
    short = next((k for k, ms in enumerate(spans) if ms < MIN_CUE_MS), None)
    if short is None:
        return None
    if short == 0:
        other = 1
    elif short == len(cues) - 1:
        other = short - 1
    else:
        other = short - 1 if spans[short - 1] <= spans[short + 1] else short + 1
    a, b = min(short, other), max(short, other)
    start, end = cues[a][0].start, cues[b][-1].end
    lines = _segment_lines(text, start, end, limit, _word_spans(text))
    regrouped = _cues(lines, max_lines)
    if len(regrouped) > 2 or (len(regrouped) == 2 and regrouped[1][0].start == cues[b][0].start):
        return None  # the same edge again: nothing gained
    return cues[:a] + regrouped + cues[b + 1 :]


def sentence_cues(
    sentence: TimedSentence, *, cjk_line: int = CJK_LINE, latin_line: int = LATIN_LINE, max_lines: int = MAX_LINES
) -> tuple[SubtitleCue, ...]:
    """The cues that show one sentence, timed inside its [start_ms, end_ms].

    Cutting a sentence into cues (jieba, line filling) is the slow part of writing subtitles, and it depends only on
    the sentence measured from its own start: it is done once per sentence and remembered, so SRT, WebVTT and LRC
    share it and a rebuild after an edit (``lectern watch``) redoes only the edited sentence, whatever moved in time.
    The layout is shift-invariant (integer offsets from the start), so the remembered cues are exact.
    """
    start = sentence.start_ms
    relative = TimedSentence(
        sentence.text, 0, sentence.end_ms - start, sentence.breath_groups,
        tuple(Boundary(w.text, w.start_ms - start, w.end_ms - start) for w in sentence.words),
    )
    return tuple(
        SubtitleCue(cue.start_ms + start, cue.end_ms + start, cue.lines)
        for cue in _relative_cues(relative, cjk_line, latin_line, max_lines)
    )


@functools.lru_cache(maxsize=1 << 14)
def _relative_cues(sentence: TimedSentence, cjk_line: int, latin_line: int, max_lines: int) -> tuple[SubtitleCue, ...]:
    text = _normalise(sentence.text)
    if not text or sentence.end_ms <= sentence.start_ms:
        return ()  # nothing, or a silent take (a lone symbol the voice does not say): nothing heard, nothing shown
    limit = cjk_line if is_chinese(text) else latin_line
    cues = _cues(_sentence_lines(sentence, text, limit), max_lines)
    times = _times(sentence, text, [lines[0].start for lines in cues])
    # A merge removes a cue edge or moves one; the bound keeps two moves from undoing each other forever.
    for _ in range(2 * len(cues)):
        merged = _merge_short_cue(cues, times, text, limit, max_lines) if len(cues) > 1 else None
        if merged is None:
            break
        cues = merged
        times = _times(sentence, text, [lines[0].start for lines in cues])
    shown: list[SubtitleCue] = []
    for k, lines in enumerate(cues):
        said = tuple(line.text for line in lines)
        if times[k + 1] > times[k]:
            shown.append(SubtitleCue(times[k], times[k + 1], said))
        elif shown:  # no time of its own: its lines join the cue before, never a cue no one can see
            shown[-1] = SubtitleCue(shown[-1].start_ms, shown[-1].end_ms, shown[-1].lines + said)
        else:
            shown.append(SubtitleCue(times[k], times[k], said))  # joins the next one below
        if len(shown) == 2 and shown[0].end_ms <= shown[0].start_ms:
            shown[:2] = [SubtitleCue(shown[0].start_ms, shown[1].end_ms, shown[0].lines + shown[1].lines)]
    return tuple(shown)


def subtitle_cues(timeline: Timeline, **limits: int) -> tuple[SubtitleCue, ...]:
    """Every cue of the rehearsal in speaking order (keyword limits as in :func:`sentence_cues`): none empty, none
    overlapping the one before, times never going back.

    A build writes SRT, WebVTT and LRC from the same timeline: the cues of the last one asked for are kept.
    """
    key = tuple(sorted(limits.items()))
    if _last_cues and _last_cues[0] is timeline and _last_cues[1] == key:
        return _last_cues[2]
    shown: list[SubtitleCue] = []
    for section in timeline.sections:
        for sentence in section.sentences:
            for cue in sentence_cues(sentence, **limits):
                start = max(cue.start_ms, shown[-1].end_ms) if shown else cue.start_ms
                if cue.end_ms > start:
                    shown.append(SubtitleCue(start, cue.end_ms, cue.lines))
    cues = tuple(shown)
    _last_cues[:] = [timeline, key, cues]
    return cues


_last_cues: list = []  # [timeline, limits, cues]: held by identity, so a new timeline is never served old cues


# --- SRT and WebVTT ---------------------------------------------------------------------------------------------


def render_srt(timeline: Timeline) -> str:
    """SubRip: numbered cues, ``HH:MM:SS,mmm`` times. A 48-character sentence without breath groups becomes two cues,
    cut after clause punctuation and timed in proportion to the 字 before the cut (27 of 43 spoken):

    >>> from lectern.model import TimedSection
    >>> s = TimedSentence("双节假期已经过去，我们召开这次全县领导干部会议的主要目的，就是动员全县上下收心收神，到岗到位。", 1000, 9000)
    >>> t = Timeline("rehearsal.mp3", 9500, "espeak", "cmn", (TimedSection(0, 0, None, "", 1000, 9000, (s,)),))
    >>> print(render_srt(t), end="")
    1
    00:00:01,000 --> 00:00:06,023
    双节假期已经过去，我们召开这次
    全县领导干部会议的主要目的，
    <BLANKLINE>
    2
    00:00:06,023 --> 00:00:09,000
    就是动员全县上下收心收神，到岗到位。
    """
    return "\n".join(
        f"{n}\n{ms_to_srt(c.start_ms)} --> {ms_to_srt(c.end_ms)}\n" + "\n".join(c.lines) + "\n"
        for n, c in enumerate(subtitle_cues(timeline), start=1)
    )


def vtt_text(text: str) -> str:
    """Escape text for a WebVTT cue payload, where ``<`` starts a tag and ``&`` an entity.

    >>> vtt_text("<script> & co")
    '&lt;script&gt; &amp; co'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_vtt(timeline: Timeline) -> str:
    """WebVTT captions: the same cues as the SRT, ``HH:MM:SS.mmm`` times, text escaped."""
    blocks = ["WEBVTT\n"]
    for n, c in enumerate(subtitle_cues(timeline), start=1):
        payload = "\n".join(vtt_text(line) for line in c.lines)
        blocks.append(f"{n}\n{ms_to_vtt(c.start_ms)} --> {ms_to_vtt(c.end_ms)}\n{payload}\n")
    return "\n".join(blocks)


_ARROW = re.compile(r"^\s*(?P<start>\S+)\s*-->\s*(?P<end>\S+)(?:\s+.*)?$")


def _parse_blocks(text: str, to_ms: Callable[[str], int], kind: str) -> tuple[SubtitleCue, ...]:
    """Blocks separated by blank lines; a cue is an optional id line, a timing line and text lines."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    cues = []
    line_no = 1
    for block in re.split(r"\n[ \t]*\n", text):
        rows = block.split("\n")
        first_line = line_no
        line_no += len(rows) + 1
        rows_left = list(rows)
        while rows_left and not rows_left[0].strip():
            rows_left.pop(0)
            first_line += 1
        while rows_left and not rows_left[-1].strip():  # the file's final newline, or spaces after it
            rows_left.pop()
        if not rows_left:
            continue
        head = rows_left[0].strip()
        if kind == "WebVTT" and (head.startswith("WEBVTT") or head.split(" ")[0] in ("NOTE", "STYLE", "REGION")):
            continue
        timing_at = 0 if "-->" in rows_left[0] else 1
        if timing_at >= len(rows_left) or not (match := _ARROW.match(rows_left[timing_at])):
            raise InputError(f"line {first_line + timing_at}: expected a {kind} timing line ('start --> end')")
        try:
            start, end = to_ms(match["start"]), to_ms(match["end"])
        except InputError as e:
            raise InputError(f"line {first_line + timing_at}: {e.message}") from e
        lines = tuple(rows_left[timing_at + 1 :])
        if kind == "WebVTT":
            lines = tuple(html.unescape(line) for line in lines)
        cues.append(SubtitleCue(start, end, lines))
    return tuple(cues)


def parse_srt(text: str) -> tuple[SubtitleCue, ...]:
    """Read SubRip back into cues (times exact to the ms)."""
    return _parse_blocks(text, srt_to_ms, "SRT")


def parse_vtt_blocks(text: str) -> tuple[SubtitleCue, ...]:
    """Read any WebVTT file (captions or chapters) into cues; entities are unescaped."""
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise InputError("not a WebVTT file (the first line must be WEBVTT)")
    return _parse_blocks(text, vtt_to_ms, "WebVTT")


def parse_vtt(text: str) -> tuple[SubtitleCue, ...]:
    """Read WebVTT captions back into cues."""
    return parse_vtt_blocks(text)


# --- LRC --------------------------------------------------------------------------------------------------------


def _lrc_safe(text: str) -> str:
    """LRC has no escaping: a ``[`` in the text could read as another time tag, so brackets go full-width."""
    return _normalise(text).replace("[", "［").replace("]", "］")


def _one_line(lines: Sequence[str]) -> str:
    """Join a cue's lines as the sentence reads: nothing between 字, a space between English words."""
    joined = lines[0] if lines else ""
    for line in lines[1:]:
        wide = _CJK.match(joined[-1:]) or _CJK.match(line[:1])
        joined += line if wide else " " + line
    return joined


def render_lrc(timeline: Timeline) -> str:
    """LRC for karaoke-style players: a ``[ti:]`` header, then one ``[mm:ss.xx]`` line per cue (the same cues
    as the SRT, so a phone's lyric view shows at most two subtitle lines' worth at once).

    >>> from lectern.model import TimedSection
    >>> s = TimedSentence("Good morning.", 1234, 2500)
    >>> t = Timeline("rehearsal.mp3", 3000, "espeak", "en", (TimedSection(0, 0, None, "", 0, 2500, (s,)),), title="Talk")
    >>> print(render_lrc(t), end="")
    [ti:Talk]
    [al:lectern rehearsal]
    [length:00:03]
    [00:01.23]Good morning.
    """
    header = [f"[ti:{_lrc_safe(timeline.title or LRC_ALBUM)}]"]
    if timeline.speaker:
        header.append(f"[ar:{_lrc_safe(timeline.speaker)}]")
    header.append(f"[al:{LRC_ALBUM}]")
    minutes, seconds = divmod(timeline.duration_ms // 1000, 60)
    header.append(f"[length:{minutes:02d}:{seconds:02d}]")
    body = [f"{ms_to_lrc(c.start_ms)}{_lrc_safe(_one_line(c.lines))}" for c in subtitle_cues(timeline)]
    return "\n".join(header + body) + "\n"


_LRC_TAG = re.compile(r"\[(?P<key>[A-Za-z]+):(?P<value>[^\]]*)\]")
_LRC_TIMES = re.compile(r"^((?:\[\s*\d+:\d{1,2}(?:[.:]\d{1,3})?\s*\])+)(.*)$")


@dataclass(frozen=True, slots=True)
class Lyrics:
    tags: tuple[tuple[str, str], ...]  # ("ti", "…"), ("ar", "…"), …
    lines: tuple[tuple[int, str], ...]  # (start_ms, text), in file order


def parse_lrc(text: str) -> Lyrics:
    """Read LRC back: ID tags and timed lines (a line with several time tags yields one entry per tag)."""
    tags = []
    lines = []
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        row = raw.strip()
        if not row:
            continue
        if timed := _LRC_TIMES.match(row):
            for stamp in re.findall(r"\[[^\]]*\]", timed[1]):
                lines.append((lrc_to_ms(stamp), timed[2]))
        elif tag := _LRC_TAG.fullmatch(row):
            tags.append((tag["key"], tag["value"]))
        else:
            raise InputError(f"line {number}: not an LRC line ([mm:ss.xx]text or [tag:value])")
    return Lyrics(tuple(tags), tuple(lines))
