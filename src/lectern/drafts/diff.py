"""Two drafts of a speech compared section by section: what moved, what was renamed, what it did to the timing.

A draft is reduced to what a speechwriter compares: its sections in speaking order, each with its heading, the
sentences as written and a length (the plan's estimate, or the measured span when the draft is a built rehearsal).
Everything here is pure over two :class:`Draft` values, made from a :class:`~lectern.model.Plan` (no synthesis) or
a :class:`~lectern.model.Timeline`; reading files is :mod:`lectern.drafts.load`'s job.

Sections are matched in three passes, each only over what the earlier ones left:

1. same marker and same title: the section kept its heading (it may have moved);
2. same title under another marker: ``一是…`` moved to second place is now ``二是…``, a rename of its marker;
3. by content: the share of written characters in sentences the two sections have in common. A pair matches when
   that share is at least MATCH_SHARE of the larger one, or when the smaller is almost all inside the larger
   (CONTAINED, a section split in two keeps its identity in the half with most of it). Best pairs first.

A section left over in the new draft is *added* (with ``origin``, the old section most of its sentences come from,
when it was split off one); one left over in the old draft is *removed* (with ``origin``, the new section most of
it went into, when it was merged). Matched sections are *same* (same heading, same sentences), *renamed* (heading
changed) or *changed* (sentences changed); ``moved`` marks the ones whose order among the others changed.

Within a matched section sentences are aligned with difflib; an old and a new sentence in the same changed run are
*changed* (shown as a word diff, jieba's words for Chinese) when they share at least SENTENCE_SIMILAR of their
characters, otherwise one is removed and the other added.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from lectern.model import Language, Plan, Timeline, heading_text
from lectern.timecode import clock

MATCH_SHARE = 0.5
CONTAINED = 0.8
SENTENCE_SIMILAR = 0.5
ORIGIN_SHARE = 0.5
EXCERPT = 16

Status = Literal["same", "changed", "added", "removed", "renamed"]


@dataclass(frozen=True, slots=True)
class DraftSection:
    index: int
    level: int
    marker: str | None
    title: str
    sentences: tuple[str, ...]  # as written (placeholders unfilled): what the writer edits
    ms: int  # estimated, or measured from the start of the section to the start of the next
    spoken: tuple[str, ...] = ()  # as spoken (blanks filled): all a rehearsal folder records

    @property
    def name(self) -> str:
        """The heading as the report and chapters show it, or the start of what is said when it has none."""
        heading = heading_text(self.marker, self.title)
        if heading:
            return heading
        first = " ".join(self.sentences[0].split()) if self.sentences else ""
        return (first if len(first) <= EXCERPT else first[:EXCERPT] + "…") or f"§{self.index + 1}"


@dataclass(frozen=True, slots=True)
class Draft:
    language: Language
    sections: tuple[DraftSection, ...]
    measured: bool = False  # lengths from built audio rather than the plan's estimate
    written: bool = True  # sentences as written; False: only as spoken (a rehearsal folder on its own)

    @property
    def total_ms(self) -> int:
        return sum(s.ms for s in self.sections)


@dataclass(frozen=True, slots=True)
class SentenceChange:
    kind: Literal["added", "removed", "changed"]
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class SectionDiff:
    title: str  # the new heading (the old one for a removed section)
    status: Status
    old_ms: int  # 0 for an added section
    new_ms: int  # 0 for a removed section
    sentences: tuple[SentenceChange, ...] = ()
    old_title: str | None = None
    moved: bool = False
    origin: str | None = None  # added: split off this old section; removed: merged into this new one

    @property
    def delta_ms(self) -> int:
        return self.new_ms - self.old_ms

    def count(self, kind: str) -> int:
        return sum(1 for c in self.sentences if c.kind == kind)


@dataclass(frozen=True, slots=True)
class DraftDiff:
    language: Language
    sections: tuple[SectionDiff, ...]
    old_ms: int
    new_ms: int
    measured: tuple[bool, bool] = (False, False)

    @property
    def delta_ms(self) -> int:
        return self.new_ms - self.old_ms

    @property
    def unchanged(self) -> bool:
        return all(s.status == "same" and not s.moved for s in self.sections)


# --- drafts from a plan or a timeline ----------------------------------------------------------------------------


def draft_from_plan(plan: Plan) -> Draft:
    """Lengths are the plan's estimate: each sentence's speaking time plus the pause after it."""
    sections = tuple(
        DraftSection(
            index=section.index,
            level=section.level,
            marker=section.marker,
            title=section.title,
            sentences=tuple(s.written or s.text for s in section.sentences),
            ms=sum(s.est_ms + s.pause_after_ms for s in section.sentences),
            spoken=tuple(s.text for s in section.sentences),
        )
        for section in plan.speech.sections
        if section.sentences
    )
    return Draft(plan.speech.language, sections, measured=False)


def draft_from_timeline(timeline: Timeline, plan: Plan | None = None) -> Draft:
    """Lengths are measured: from a section's start to the next one's (the last to the end of the audio), as the
    timing report counts them. With the plan that was built, sentences are compared as written."""
    written = {}
    if plan is not None:
        written = {s.index: tuple(x.written or x.text for x in s.sentences) for s in plan.speech.sections}
    timed = timeline.sections
    sections = []
    for k, section in enumerate(timed):
        end = timed[k + 1].start_ms if k + 1 < len(timed) else max(timeline.duration_ms, section.end_ms)
        spoken = tuple(s.text for s in section.sentences)
        texts = written.get(section.index)
        if texts is None or len(texts) != len(section.sentences):
            texts = spoken
        start = 0 if k == 0 else section.start_ms  # the silence before the first word is the first section's
        sections.append(DraftSection(section.index, section.level, section.marker, section.title, texts,
                                     max(0, end - start), spoken))
    return Draft(timeline.language, tuple(sections), measured=True, written=plan is not None)


# --- matching ----------------------------------------------------------------------------------------------------


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def _common_chars(a: DraftSection, b: DraftSection) -> int:
    """Characters in sentences the two sections both hold (as a multiset: a repeated sentence counts as often as
    both have it)."""
    shared = Counter(a.sentences) & Counter(b.sentences)
    return sum(len(s) * n for s, n in shared.items())


def _size(section: DraftSection) -> int:
    return max(1, sum(len(s) for s in section.sentences))


def _match(old: Sequence[DraftSection], new: Sequence[DraftSection]) -> dict[int, int]:
    """new position → old position for every matched pair."""
    pairs: dict[int, int] = {}
    taken: set[int] = set()

    def by_key(key) -> None:  # noqa: ANN001 - a function of a section
        index: dict[object, list[int]] = {}
        for i, section in enumerate(old):
            if i not in taken and key(section):
                index.setdefault(key(section), []).append(i)
        for j, section in enumerate(new):
            if j in pairs or not key(section):
                continue
            candidates = index.get(key(section))
            if candidates:
                i = candidates.pop(0)
                pairs[j] = i
                taken.add(i)

    by_key(lambda s: (_norm(s.marker), _norm(s.title)) if _norm(s.title) or _norm(s.marker) else None)
    by_key(lambda s: _norm(s.title) or None)

    scored = []
    for j, b in enumerate(new):
        if j in pairs:
            continue
        for i, a in enumerate(old):
            if i in taken:
                continue
            common = _common_chars(a, b)
            if not common:
                continue
            share = common / max(_size(a), _size(b))
            contained = common / min(_size(a), _size(b))
            if share >= MATCH_SHARE or contained >= CONTAINED:
                scored.append((share, contained, -abs(i - j), j, i))
    for _share, _contained, _distance, j, i in sorted(scored, reverse=True):
        if j not in pairs and i not in taken:
            pairs[j] = i
            taken.add(i)
    return pairs


def _moved(order: Sequence[int]) -> set[int]:
    """Old positions not on the longest increasing run of ``order``: the sections whose place changed."""
    if not order:
        return set()
    best = [1] * len(order)
    back = [-1] * len(order)
    for k in range(len(order)):
        for m in range(k):
            if order[m] < order[k] and best[m] + 1 > best[k]:
                best[k], back[k] = best[m] + 1, m
    k = max(range(len(order)), key=best.__getitem__)
    kept = set()
    while k >= 0:
        kept.add(order[k])
        k = back[k]
    return set(order) - kept


# --- sentences ---------------------------------------------------------------------------------------------------


def _similar(a: str, b: str) -> bool:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.ratio() >= SENTENCE_SIMILAR


def sentence_changes(old: Sequence[str], new: Sequence[str]) -> tuple[SentenceChange, ...]:
    """Sentences added, removed and changed, in the new draft's order."""
    changes: list[SentenceChange] = []
    matcher = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        gone, came = list(old[i1:i2]), list(new[j1:j2])
        # Pair each old sentence with the next similar new one, in order; the rest are removed or added.
        k = 0
        for sentence in gone:
            hit = next((m for m in range(k, len(came)) if _similar(sentence, came[m])), None)
            if hit is None:
                changes.append(SentenceChange("removed", sentence, None))
                continue
            changes.extend(SentenceChange("added", None, s) for s in came[k:hit])
            changes.append(SentenceChange("changed", sentence, came[hit]))
            k = hit + 1
        changes.extend(SentenceChange("added", None, s) for s in came[k:])
    return tuple(changes)


_EN_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


Words = Callable[[str], list[str]]
_LONGEST_WORD = 16  # characters: jieba's dictionary has no longer entry


def chinese_words(texts: Iterable[str]) -> Words:
    """jieba's words (as ``jieba.cut`` gives them) for any of ``texts``, loading only the dictionary they can use.

    jieba's whole dictionary takes ≈ 0.8 s to load, more than ``lectern diff`` of a 10-minute speech takes in all.
    A cut only ever looks up substrings of the text it cuts, so the dictionary's entries that occur in the changed
    sentences (with their prefixes, and the total of all frequencies) cut them exactly as the whole one would: one
    pass over the dictionary file, ≈ 0.2 s. A warm process that has the whole dictionary loaded (``lectern watch``,
    after writing Chinese subtitles) uses it as it is.
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.dt if jieba.dt.initialized else partial_tokenizer(texts)
    return lambda text: [w for w in tokenizer.cut(text, HMM=len(text) <= 80) if w]


def partial_tokenizer(texts: Iterable[str]):  # noqa: ANN201 - a jieba.Tokenizer (jieba is imported on first use)
    """A jieba tokenizer holding the dictionary entries that occur in ``texts`` (see :func:`chinese_words`)."""
    import jieba

    wanted = {t[i:j] for t in texts for i in range(len(t)) for j in range(i + 1, min(len(t), i + _LONGEST_WORD) + 1)}
    with jieba.dt.get_dict_file() as f:
        entries = f.read().decode("utf-8")  # lines of "word count [tag]"
    total = sum(map(int, re.findall(r"^[^ \n]+ (\d+)", entries, re.M)))
    firsts = re.escape("".join(sorted({w[0] for w in wanted})))
    candidates = re.finditer(rf"^([{firsts}][^ \n]*) (\d+)", entries, re.M) if firsts else ()
    freq = {m[1]: int(m[2]) for m in candidates if m[1] in wanted}
    for word in list(freq):
        for k in range(1, len(word)):
            freq.setdefault(word[:k], 0)  # jieba's prefix entries: a lookup runs on while the prefix is known
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True
    return tokenizer


def _tokens(text: str, language: Language, words: Words | None) -> list[str]:
    if language == Language.EN or not _HAN.search(text):
        return _EN_TOKENS.findall(text)
    return (words or chinese_words([text]))(text)


_HAN = re.compile(r"[\u4e00-\u9fff]")


def word_diff(old: str, new: str, language: Language, words: Words | None = None) -> str:
    """``old`` turned into ``new`` with what went as ``[-…-]`` and what came as ``{+…+}`` (git's word diff), cut at
    words: jieba's for Chinese, so 节后→节前 shows as [-节后-]{+节前+}, not as one character. ``words``: a
    :func:`chinese_words` made once for all the sentences a diff shows."""
    a, b = _tokens(old, language, words), _tokens(new, language, words)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append("".join(a[i1:i2]))
            continue
        if i2 > i1:
            out.append("[-" + "".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + "".join(b[j1:j2]) + "+}")
    return "".join(out)


# --- the diff ----------------------------------------------------------------------------------------------------


def diff_drafts(old: Draft, new: Draft) -> DraftDiff:
    if not (old.written and new.written):
        # A rehearsal folder records sentences as spoken (XX read as 某某): compare both drafts that way, or every
        # blank would show as a change.
        old, new = _as_spoken(old), _as_spoken(new)
    pairs = _match(old.sections, new.sections)
    matched_old = set(pairs.values())
    moved = _moved([pairs[j] for j in sorted(pairs)])
    entries: list[tuple[float, SectionDiff]] = []  # (old position to place removed sections by, entry)
    for j, b in enumerate(new.sections):
        i = pairs.get(j)
        if i is None:
            origin = _origin(b, old.sections)
            entries.append((-1, SectionDiff(b.name, "added", 0, b.ms, tuple(
                SentenceChange("added", None, s) for s in b.sentences), origin=origin)))
            continue
        a = old.sections[i]
        changes = sentence_changes(_renumbered_heading(a, b), b.sentences)
        if _norm(a.title) != _norm(b.title) or not _same_kind(a.marker, b.marker):
            status: Status = "renamed"
        elif changes:
            status = "changed"
        else:
            status = "same"
        entries.append((i, SectionDiff(b.name, status, a.ms, b.ms, changes,
                                       old_title=a.name if a.name != b.name else None, moved=i in moved)))
    # A removed section is shown where it stood: after the entry of the old section before it.
    for i, a in enumerate(old.sections):
        if i in matched_old:
            continue
        removed = SectionDiff(a.name, "removed", a.ms, 0, tuple(
            SentenceChange("removed", s, None) for s in a.sentences), origin=_origin(a, new.sections))
        at = 0
        for k, (position, _entry) in enumerate(entries):
            if 0 <= position < i:
                at = k + 1
        entries.insert(at, (i, removed))
    return DraftDiff(new.language, tuple(e for _, e in entries), old.total_ms, new.total_ms,
                     (old.measured, new.measured))


_NUMERALS = re.compile(r"[一二三四五六七八九十百零〇两\dⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩIVXivx]+")


def _same_kind(a: str | None, b: str | None) -> bool:
    """``一是`` and ``二是``, ``（一）`` and ``（三）``: the same marker numbered anew, which is what moving a section
    or inserting one before it does; not a rename."""
    return _NUMERALS.sub("#", _norm(a)) == _NUMERALS.sub("#", _norm(b))


def _renumbered_heading(a: DraftSection, b: DraftSection) -> tuple[str, ...]:
    """``a``'s sentences with a spoken heading renumbered to ``b``'s marker (``一是所有工作…`` spoken as the first
    sentence is the same sentence as ``二是所有工作…`` once the section moved down one place), so a renumbering is
    not counted as a changed sentence."""
    if not (a.marker and b.marker and a.marker != b.marker and a.sentences and _same_kind(a.marker, b.marker)):
        return a.sentences
    first = a.sentences[0]
    if first.startswith(a.marker):
        return (b.marker + first[len(a.marker):], *a.sentences[1:])
    return a.sentences


def _as_spoken(draft: Draft) -> Draft:
    sections = tuple(replace(s, sentences=s.spoken or s.sentences) for s in draft.sections)
    return replace(draft, sections=sections, written=False)


def _origin(section: DraftSection, others: Sequence[DraftSection]) -> str | None:
    """The other draft's section holding most of this one's sentences: where a split or merged section went."""
    best = max(others, key=lambda o: _common_chars(section, o), default=None)
    if best is None or _common_chars(section, best) < ORIGIN_SHARE * _size(section):
        return None
    return best.name


def diff_plans(old: Plan, new: Plan) -> DraftDiff:
    """The text part only: estimates, no synthesis."""
    return diff_drafts(draft_from_plan(old), draft_from_plan(new))


# --- output ------------------------------------------------------------------------------------------------------


def diff_to_json(diff: DraftDiff, target_ms: int | None = None) -> dict[str, Any]:
    """The documented ``lectern diff --json`` contract; keys beyond it are additions at the end of each object."""
    total: dict[str, Any] = {"old_ms": diff.old_ms, "new_ms": diff.new_ms, "delta_ms": diff.delta_ms}
    if target_ms is not None:
        total["target_ms"] = target_ms
    return {
        "total": total,
        "sections": [
            {
                "title": s.title,
                "status": s.status,
                "old_ms": s.old_ms,
                "new_ms": s.new_ms,
                "delta_ms": s.delta_ms,
                "sentences": {k: s.count(k) for k in ("added", "removed", "changed")},
                "old_title": s.old_title,
                "moved": s.moved,
                "origin": s.origin,
                "changes": [{"kind": c.kind, "old": c.old, "new": c.new} for c in s.sentences],
            }
            for s in diff.sections
        ],
        "measured": {"old": diff.measured[0], "new": diff.measured[1]},
    }


def signed(ms: int) -> str:
    """A change in length: seconds with a tenth under a minute (a one-sentence edit is a few seconds), else m:ss."""
    if abs(ms) < 50:
        return "0.0s"
    sign = "+" if ms >= 0 else "−"
    if abs(ms) < 60_000:
        return f"{sign}{abs(ms) / 1000:.1f}s"
    return sign + clock(abs(ms))


def against_target(total_ms: int, target_ms: int) -> str:
    over = total_ms - target_ms
    if abs(over) <= target_ms * 0.01:
        return f"on the {clock(target_ms)} target"
    return f"{clock(abs(over))} {'over' if over > 0 else 'under'} the {clock(target_ms)} target"


def total_line(diff: DraftDiff, target_ms: int | None = None) -> str:
    line = f"total {clock(diff.old_ms)} → {clock(diff.new_ms)} ({signed(diff.delta_ms)})"
    if target_ms is not None:
        line += f"; {against_target(diff.new_ms, target_ms)} (was {against_target(diff.old_ms, target_ms)})"
    return line


def section_note(section: SectionDiff) -> str:
    """What happened to a section besides its length, in a few words."""
    notes = []
    if section.status == "renamed" and section.old_title:
        notes.append(f"was {section.old_title}")
    elif section.old_title:
        notes.append("renumbered")
    if section.status == "added" and section.origin:
        notes.append(f"split from {section.origin}")
    if section.status == "removed" and section.origin:
        notes.append(f"merged into {section.origin}")
    if section.moved:
        notes.append("moved")
    if section.status in ("changed", "renamed"):
        counts = [f"{sign}{section.count(kind)}" for kind, sign in (("added", "+"), ("removed", "−"), ("changed", "~"))
                  if section.count(kind)]
        if counts:
            notes.append(" ".join(counts) + " sentences")
    return "; ".join(notes)


def changed_sentences(diff: DraftDiff, *, limit: int | None = None) -> list[str]:
    """Both sides of every sentence shown as a word diff (the first ``limit`` changes of each section)."""
    return [text for s in diff.sections if s.status not in ("added", "removed")
            for c in s.sentences[:limit] if c.kind == "changed" for text in (c.old or "", c.new or "")]


def change_lines(section: SectionDiff, language: Language, *, limit: int | None = None,
                 words: Words | None = None) -> list[str]:
    """The section's sentence changes as lines: ``+ new``, ``− old``, ``~ word diff``."""
    if section.status in ("added", "removed"):
        return []
    lines = []
    for change in section.sentences[:limit]:
        if change.kind == "added":
            lines.append(f"+ {change.new}")
        elif change.kind == "removed":
            lines.append(f"− {change.old}")
        else:
            lines.append(f"~ {word_diff(change.old or '', change.new or '', language, words)}")
    if limit is not None and len(section.sentences) > limit:
        lines.append(f"… and {len(section.sentences) - limit} more")
    return lines
