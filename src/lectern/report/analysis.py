"""The timing report: how long the speech is, which part drags or rushes, and whether it fits the slot (issue 5).

Every figure comes from a :class:`Timeline`: the measured audio after a build, or :func:`timeline_from_plan` for
``lectern report SCRIPT --estimate``, so both modes give the same report from the same code. The :class:`Plan`, when
given, adds what only the text knows (paragraphs, placeholders, unknown markers, applause waits, breath groups).
Rendering lives in :mod:`lectern.writers.report`; this module only computes.

Decisions a reader may question:

- Section spans tile the audio: a section runs from its start to the next section's start (the first from 0, the
  last to the end), so the pause after a section counts in the section that caused it, durations sum to the total
  and shares to 100%.
- Pace is in 字/分 for Chinese (CJK characters and digits, as in ``Estimate.chars``) and words/min for English. It is
  given over the speaking time (sentence spans only) and over the whole section (pauses included). Flags use the
  whole-section pace by default, because the norms in formats-and-norms.md (everyday Mandarin ≈ 240, news
  250–300, formal speech 180–240 字/分; 100–165 wpm) are characters per minute of running speech, pauses included;
  speaking-only pace is always higher and would flag nearly every well-paced section.
- The synthetic voice's pace is not the speaker's: the human estimate is the speech's 字 at the speaker's pace
  (default 220 字/分 or 140 wpm, a formal delivery) plus the same pauses. Target fit is judged on that estimate,
  since the slot is the speaker's, not the voice's; the measured audio's fit is given beside it.
"""

from __future__ import annotations

import bisect

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from lectern.errors import ConfigError
from lectern.model import (
    Language,
    PauseKind,
    Placeholder,
    Plan,
    TimedSection,
    TimedSentence,
    Timeline,
    UnknownMarker,
    heading_text,
)
from lectern.text.segment import count_units  # the plan's own unit, so the report's 字 are Estimate.chars

ESTIMATE_ENGINE = "estimate"  # Timeline.engine of a timeline made from the plan, so the report says it is estimated

# Speaker's default pace: a formal speech is delivered at ≈ 180–240 字/分 (formats-and-norms.md), read-aloud studies
# find ≈ 210–220; 140 wpm is the middle of the 100–165 wpm presentation band.
DEFAULT_PACE = {Language.ZH: 220.0, Language.EN: 140.0}
# A pace outside these is a slip (字 per second, a typo), not a speaker: refuse it rather than report nonsense.
PLAUSIBLE_PACE = {Language.ZH: (60.0, 600.0), Language.EN: (40.0, 400.0)}
# Slow/brisk columns of the human estimate are the speaker's pace ∓ this (180/220/260 字/分 at the default).
DELIVERY_SPREAD = {Language.ZH: 40.0, Language.EN: 25.0}
LONGEST_COUNT = 5
CANDIDATE_COUNT = 3
BREATH_GROUP_UNITS = {Language.ZH: 25, Language.EN: 12}  # ≲ 25 字 a breath, as plan cuts breath groups
MINUTE_MS = 60_000
# A section with less speech than this gets its pace shown but not flagged: over a heading or a "Thank you." the
# 1.8 s pause after a section is half the span, so the figure measures the pause table, not the delivery (a
# closing "Thank you all." at 66 wpm was flagged "slow"). Ten seconds is about two ordinary sentences.
MIN_FLAGGED_SPEAKING_MS = 10_000

_BREATH_BREAKS = (re.compile(r"(?<=[；;：:—])"), re.compile(r"(?<=[，,])"), re.compile(r"(?<=[、])"))


class PaceFlag(StrEnum):
    SLOW = "slow"
    OK = "ok"
    BRISK = "brisk"
    NEWS = "news-reader speed"


@dataclass(frozen=True, slots=True)
class PaceBand:
    """The pace a listener follows comfortably; sections outside it are flagged.

    ``basis`` chooses which pace is flagged: ``"section"`` (pauses included, as the norms are measured) or
    ``"speaking"`` (sentence spans only).
    """

    slow: float
    brisk: float
    news: float | None = None
    basis: str = "section"

    def __post_init__(self) -> None:
        if not 0 < self.slow < self.brisk or (self.news is not None and self.news < self.brisk):
            raise ConfigError(f"pace band must rise: slow {self.slow} < brisk {self.brisk} ≤ news {self.news}")
        if self.basis not in ("section", "speaking"):
            raise ConfigError(f"pace band basis must be 'section' or 'speaking', not {self.basis!r}")

    @classmethod
    def for_language(cls, language: Language) -> PaceBand:
        if language is Language.EN:
            return cls(slow=100.0, brisk=165.0)  # PowerPoint Speaker Coach's good band
        return cls(slow=150.0, brisk=240.0, news=260.0)

    def flag(self, pace: float | None) -> PaceFlag | None:
        if pace is None:
            return None
        if self.news is not None and pace > self.news:
            return PaceFlag.NEWS
        if pace > self.brisk:
            return PaceFlag.BRISK
        if pace < self.slow:
            return PaceFlag.SLOW
        return PaceFlag.OK


@dataclass(frozen=True, slots=True)
class SectionTiming:
    index: int
    level: int
    marker: str | None
    title: str
    start_ms: int  # start of the section's span (0 for the first section)
    duration_ms: int  # to the next section's start: includes the pause after it
    speaking_ms: int
    pause_ms: int
    share: float  # of the total, 0..1
    units: int  # 字 or words
    sentences: int
    paragraphs: int | None  # from the plan; None without it
    pace_speaking: float | None  # units per minute of speaking time
    pace_overall: float | None  # units per minute of the whole span
    flag: PaceFlag | None
    speaker_ms: int  # at the speaker's pace, plus this section's pauses
    paragraph_sizes: tuple[int, ...] | None = None  # sentences in each paragraph, from the plan


@dataclass(frozen=True, slots=True)
class MinutePace:
    """Pace over one stretch of the audio (a minute; the last stretch absorbs a remainder under 30 s)."""

    start_ms: int
    end_ms: int
    units: float  # a sentence crossing the boundary is shared by time
    pace: float


@dataclass(frozen=True, slots=True)
class LongSentence:
    number: int  # 1-based in speaking order
    section_index: int
    section_title: str
    text: str
    units: int
    duration_ms: int
    breath_groups: tuple[str, ...]  # where to breathe; a single group means no break is needed


@dataclass(frozen=True, slots=True)
class PauseCount:
    kind: str
    count: int
    ms: int


@dataclass(frozen=True, slots=True)
class DeliveryEstimate:
    label: str  # "slow" | "normal" | "brisk"
    pace: float
    speaking_ms: int
    pause_ms: int

    @property
    def total_ms(self) -> int:
        return self.speaking_ms + self.pause_ms


@dataclass(frozen=True, slots=True)
class PlanFacts:
    """What only the script knows, in a form report.json keeps: ``lectern report OUT`` recomputes a report as
    complete as the build's from timings.json and these, with no script at hand."""

    paragraphs: tuple[tuple[int, tuple[int, ...]], ...]  # (section index, sentences in each paragraph)
    placeholders: tuple[Placeholder, ...]
    unfilled: int
    unknown_markers: tuple[UnknownMarker, ...]
    planned_pauses: tuple[PauseCount, ...]

    def paragraph_sizes(self, section_index: int) -> tuple[int, ...] | None:
        return next((sizes for index, sizes in self.paragraphs if index == section_index), None)


@dataclass(frozen=True, slots=True)
class Passage:
    """A stretch the speaker could cut: one sentence, or a whole paragraph, with what it costs at their pace."""

    kind: str  # "sentence" | "paragraph"
    section_index: int
    paragraph: int | None  # 1-based within its section; None when the paragraphs are not known
    first: int  # 1-based sentence numbers in speaking order, as in the longest-sentence lists
    last: int
    text: str  # the sentence, or the paragraph's first sentence
    units: int
    ms: int  # at the speaker's pace, with the pauses after its sentences


@dataclass(frozen=True, slots=True)
class SectionBudget:
    index: int
    budget_ms: int
    speaker_ms: int
    given: bool  # from --budget; otherwise a share of the target in proportion to the section's length
    cuts: tuple[tuple[Passage, ...], ...]  # ways to fit, least text first; each removes all its passages
    trim_units: int = 0  # the overrun in 字 (words) at the speaker's pace: what to trim when no passage fits

    @property
    def over_ms(self) -> int:
        return self.speaker_ms - self.budget_ms


@dataclass(frozen=True, slots=True)
class TargetFit:
    target_ms: int
    pause_ms: int  # pauses alone; when they exceed the target, cutting 字 in place cannot fit it
    speaker_ms: int  # the human estimate at the speaker's pace
    speaker_over_ms: int  # > 0: too long by this much
    measured_ms: int
    measured_over_ms: int
    units_to_cut: int  # at the speaker's pace, to fit; 0 when it fits
    units_spare: int  # at the speaker's pace, room left; 0 when it does not fit
    candidates: tuple[int, ...]  # section indexes, longest first
    budgets: tuple[SectionBudget, ...] = ()

    @property
    def fits(self) -> bool:
        return self.speaker_over_ms <= 0

    @property
    def measured_fits(self) -> bool:
        return self.measured_over_ms <= 0

    @property
    def pauses_exceed(self) -> bool:
        return self.pause_ms >= self.target_ms


@dataclass(frozen=True, slots=True)
class Report:
    title: str | None
    speaker: str | None
    language: Language
    estimated: bool  # True when the timeline came from the plan, not from audio
    engine: str
    voice: str
    total_ms: int
    speaking_ms: int
    pause_ms: int
    section_count: int
    paragraph_count: int | None
    sentence_count: int
    units: int
    pace_speaking: float | None
    pace_overall: float | None
    flag: PaceFlag | None
    band: PaceBand
    sections: tuple[SectionTiming, ...]
    minutes: tuple[MinutePace, ...]
    longest_by_units: tuple[LongSentence, ...]
    longest_by_ms: tuple[LongSentence, ...]
    speaker_pace: float
    delivery: tuple[DeliveryEstimate, ...]  # slow, normal (the speaker's pace), brisk
    target: TargetFit | None = None
    has_plan: bool = False
    placeholders: tuple[Placeholder, ...] = ()  # as the script writes them, whether filled or not
    placeholders_unfilled: int | None = None  # blanks still spoken as 某某 (or as written): None without a plan
    unknown_markers: tuple[UnknownMarker, ...] = ()
    applause_count: int | None = None
    applause_ms: int | None = None
    planned_pauses: tuple[PauseCount, ...] = field(default=())

    @property
    def unit(self) -> str:
        return "words" if self.language is Language.EN else "字"

    @property
    def pace_unit(self) -> str:
        return "wpm" if self.language is Language.EN else "字/分"

    @property
    def speaker_estimate(self) -> DeliveryEstimate:
        return next(d for d in self.delivery if d.label == "normal")


def pace_per_minute(units: float, ms: int) -> float | None:
    return units * MINUTE_MS / ms if ms > 0 else None


def timeline_from_plan(plan: Plan) -> Timeline:
    """The plan's estimate laid out as a timeline: each sentence for its ``est_ms``, then its planned pauses.

    This is what ``lectern report SCRIPT --estimate`` reports on, so the estimate and a real build share one report.
    """
    speech = plan.speech
    t = 0
    sections = []
    for section in speech.sections:
        start = t
        timed = []
        for sentence in section.sentences:
            end = t + max(0, sentence.est_ms)
            timed.append(TimedSentence(sentence.text, t, end, breath_groups=sentence.breath_groups))
            t = end + sentence.pause_after_ms
        sections.append(
            TimedSection(section.index, section.level, section.marker, section.title, start, t, tuple(timed))
        )
    return Timeline(
        audio="",
        duration_ms=t,
        engine=ESTIMATE_ENGINE,
        voice="",
        sections=tuple(sections),
        title=speech.title,
        speaker=dict(speech.meta).get("speaker"),
        language=speech.language,
        meta=speech.meta,
    )


def build_report(
    timeline: Timeline,
    plan: Plan | None = None,
    *,
    pace: float | None = None,
    target_ms: int | None = None,
    band: PaceBand | None = None,
    facts: PlanFacts | None = None,
    budgets: Sequence[tuple[str, int]] = (),
) -> Report:
    """Compute every figure of the report. ``pace`` is the speaker's own (字/分 or wpm); ``target_ms`` the slot.

    What only the script knows comes from ``plan``, or without it from ``facts`` (kept in report.json by the build).
    ``budgets`` give some sections their own share of the target (``("一是", 120_000)``: a section number, or the
    start of its heading); the others share the rest in proportion to their length.
    """
    if plan is not None:
        facts = plan_facts(plan)
    language = timeline.language
    band = band or PaceBand.for_language(language)
    speaker_pace = DEFAULT_PACE[language] if pace is None else float(pace)
    low, high = PLAUSIBLE_PACE[language]
    if not low <= speaker_pace <= high:
        unit = "words/min" if language is Language.EN else "字/分"
        raise ConfigError(
            f"speaker's pace {speaker_pace:g} is outside {low:g}–{high:g} {unit} "
            f"(it is per minute: e.g. {DEFAULT_PACE[language]:g})"
        )
    total_ms = max(0, timeline.duration_ms)

    spans = _section_spans(timeline.sections, total_ms)
    fallback_groups = _plan_breath_groups(timeline, plan)

    section_rows = []
    all_sentences: list[tuple[TimedSentence, TimedSection]] = []
    for section, (start, end) in zip(timeline.sections, spans):
        duration = end - start
        speaking = sum(_span(s) for s in section.sentences)
        units = sum(count_units(s.text, language) for s in section.sentences)
        pace_speaking = pace_per_minute(units, speaking)
        # A section where nothing is spoken (a bare heading, a wait) has no pace: flagging it "slow" would mislead.
        pace_overall = pace_per_minute(units, duration) if speaking else None
        flagged = speaking >= MIN_FLAGGED_SPEAKING_MS
        sizes = facts.paragraph_sizes(section.index) if facts else None
        section_rows.append(
            SectionTiming(
                index=section.index,
                level=section.level,
                marker=section.marker,
                title=section.title,
                start_ms=start,
                duration_ms=duration,
                speaking_ms=speaking,
                pause_ms=duration - speaking,
                share=duration / total_ms if total_ms else 0.0,
                units=units,
                sentences=len(section.sentences),
                paragraphs=len(sizes) if sizes is not None else None,
                pace_speaking=pace_speaking,
                pace_overall=pace_overall,
                flag=band.flag(pace_speaking if band.basis == "speaking" else pace_overall) if flagged else None,
                speaker_ms=round(units * MINUTE_MS / speaker_pace) + (duration - speaking),
                paragraph_sizes=sizes,
            )
        )
        all_sentences.extend((s, section) for s in section.sentences)

    speaking_ms = sum(_span(s) for s, _ in all_sentences)
    pause_ms = total_ms - speaking_ms
    units = sum(row.units for row in section_rows)
    pace_speaking = pace_per_minute(units, speaking_ms)
    pace_overall = pace_per_minute(units, total_ms) if speaking_ms else None

    long_rows = [
        LongSentence(
            number=i + 1,
            section_index=section.index,
            section_title=section.title,
            text=sentence.text,
            units=count_units(sentence.text, language),
            duration_ms=_span(sentence),
            breath_groups=_whole_words(
                sentence.text,
                sentence.breath_groups or fallback_groups.get(i) or _breath_groups(sentence.text, language), language
            ),
        )
        for i, (sentence, section) in enumerate(all_sentences)
    ]
    by_units = sorted(long_rows, key=lambda r: (-r.units, r.number))[:LONGEST_COUNT]
    by_ms = sorted(long_rows, key=lambda r: (-r.duration_ms, r.number))[:LONGEST_COUNT]

    spread = DELIVERY_SPREAD[language]
    delivery = tuple(
        DeliveryEstimate(label, p, round(units * MINUTE_MS / p), pause_ms)
        for label, p in (("slow", speaker_pace - spread), ("normal", speaker_pace), ("brisk", speaker_pace + spread))
        if p > 0
    )

    target = None
    if target_ms is not None:
        target = _target_fit(target_ms, total_ms, speaker_pace, delivery, section_rows)
        passages = _passages(timeline, spans, facts, speaker_pace, language)
        target = replace(
            target, budgets=_budgets(target_ms, section_rows, timeline.sections, budgets, passages, speaker_pace)
        )
    elif budgets:
        raise ConfigError("a section budget needs a target: add --target (e.g. --target 15m)", path="--budget")

    applause_count = applause_ms = None
    planned_pauses: tuple[PauseCount, ...] = ()
    if facts is not None:
        planned_pauses = facts.planned_pauses
        applause = next((p for p in planned_pauses if p.kind == str(PauseKind.APPLAUSE)), None)
        applause_count, applause_ms = (applause.count, applause.ms) if applause else (0, 0)

    return Report(
        title=timeline.title,
        speaker=timeline.speaker,
        language=language,
        estimated=timeline.engine == ESTIMATE_ENGINE,
        engine=timeline.engine,
        voice=timeline.voice,
        total_ms=total_ms,
        speaking_ms=speaking_ms,
        pause_ms=pause_ms,
        section_count=len(section_rows),
        paragraph_count=sum(len(sizes) for _, sizes in facts.paragraphs) if facts else None,
        sentence_count=len(all_sentences),
        units=units,
        pace_speaking=pace_speaking,
        pace_overall=pace_overall,
        flag=(
            band.flag(pace_speaking if band.basis == "speaking" else pace_overall)
            if speaking_ms >= MIN_FLAGGED_SPEAKING_MS
            else None
        ),
        band=band,
        sections=tuple(section_rows),
        minutes=_minutes(all_sentences, total_ms, language),
        longest_by_units=tuple(by_units),
        longest_by_ms=tuple(by_ms),
        speaker_pace=speaker_pace,
        delivery=delivery,
        target=target,
        has_plan=facts is not None,
        placeholders=facts.placeholders if facts else (),
        placeholders_unfilled=facts.unfilled if facts else None,
        unknown_markers=facts.unknown_markers if facts else (),
        applause_count=applause_count,
        applause_ms=applause_ms,
        planned_pauses=planned_pauses,
    )


def plan_facts(plan: Plan) -> PlanFacts:
    """The script's part of the report (see :class:`PlanFacts`)."""
    counts: dict[str, list[int]] = {}
    for sentence in plan.speech.sentences:
        for p in sentence.pauses:
            c = counts.setdefault(str(p.kind), [0, 0])
            c[0] += 1
            c[1] += p.ms
    order = [str(k) for k in PauseKind]
    return PlanFacts(
        paragraphs=tuple(
            (s.index, tuple(len(p.sentences) for p in s.paragraphs)) for s in plan.speech.sections
        ),
        placeholders=plan.script.placeholders,
        unfilled=_unfilled(plan),
        unknown_markers=plan.speech.unknown_markers,
        planned_pauses=tuple(
            PauseCount(kind, c[0], c[1]) for kind, c in sorted(counts.items(), key=lambda kv: order.index(kv[0]))
        ),
    )


def _unfilled(plan: Plan) -> int:
    """Blanks the spoken text still holds: 某某 (the default reading) or a placeholder left as written.

    The script's own count says nothing about ``--fill``: a filled blank is spoken as the name, so only what is
    left in the spoken text is still to fill. A script that names someone 某某 on purpose is counted too; that
    is a template blank by the same convention.
    """
    spoken = "\n".join(s.text for s in plan.speech.sentences)
    marks = {p.text for p in plan.script.placeholders} | {"某某"}
    return sum(spoken.count(m) for m in marks)


def _span(sentence: TimedSentence) -> int:
    return max(0, sentence.end_ms - sentence.start_ms)


def _section_spans(sections: tuple[TimedSection, ...], total_ms: int) -> list[tuple[int, int]]:
    """Tile [0, total) by section starts; starts are clamped into order so a damaged timeline cannot go backwards."""
    starts = []
    previous = 0
    for i, section in enumerate(sections):
        start = 0 if i == 0 else min(max(section.start_ms, previous), total_ms)
        starts.append(start)
        previous = start
    ends = starts[1:] + [total_ms]
    return list(zip(starts, ends))


def _minutes(
    sentences: list[tuple[TimedSentence, TimedSection]], total_ms: int, language: Language
) -> tuple[MinutePace, ...]:
    if total_ms <= 0:
        return ()
    edges = list(range(0, total_ms, MINUTE_MS)) + [total_ms]
    # A last stretch under half a minute gives a noisy pace: fold it into the minute before.
    if len(edges) > 2 and edges[-1] - edges[-2] < MINUTE_MS // 2:
        del edges[-2]
    # Each sentence shares its units out to the few stretches it overlaps (found by bisection), so a 2-hour speech
    # costs one pass over its sentences, not one per minute.
    units = [0.0] * (len(edges) - 1)
    for sentence, _ in sentences:
        span = _span(sentence)
        if span == 0:
            continue
        count = count_units(sentence.text, language)
        k = max(0, bisect.bisect_right(edges, sentence.start_ms) - 1)
        while k < len(units) and edges[k] < sentence.end_ms:
            overlap = min(edges[k + 1], sentence.end_ms) - max(edges[k], sentence.start_ms)
            if overlap > 0:
                units[k] += count * overlap / span
            k += 1
    return tuple(
        MinutePace(start, end, u, u * MINUTE_MS / (end - start)) for start, end, u in zip(edges, edges[1:], units)
    )


def _plan_breath_groups(timeline: Timeline, plan: Plan | None) -> dict[int, tuple[str, ...]]:
    """The plan's breath groups by sentence number, when the timeline's sentences are the plan's (same texts)."""
    if plan is None:
        return {}
    planned = plan.speech.sentences
    timed = [s for sec in timeline.sections for s in sec.sentences]
    if len(planned) != len(timed) or any(p.text != t.text for p, t in zip(planned, timed)):
        return {}
    return {i: p.breath_groups for i, p in enumerate(planned) if p.breath_groups}


def _whole_words(text: str, groups: Sequence[str], language: Language) -> tuple[str, ...]:
    """English breath groups with any edge inside a word closed up: the plan's groups once cut "11,|000 homes",
    and a "breathe:" hint in the middle of a number asks the speaker for what no one can do. Groups that do not
    spell the sentence are left as they are."""
    if language is not Language.EN:
        return tuple(groups)
    out: list[str] = []
    cursor = 0
    for group in groups:
        found = text.find(group.strip(), cursor)
        if found < 0:
            return tuple(groups)
        if out and found == cursor and found > 0 and not text[found - 1].isspace() and group.strip():
            out[-1] = out[-1].rstrip() + group.strip() + (" " if group[-1:].isspace() else "")
        else:
            out.append(group)
        cursor = found + len(group.strip())
    return tuple(out)


def _breath_groups(text: str, language: Language) -> tuple[str, ...]:
    """Where to breathe when the plan gave no breath groups: at punctuation, strongest first.

    A clause ends at ；/： (always a breath); a long clause breaks at commas, a long comma piece at 、, and short
    neighbours at the same level are joined up to a breath's length so the speaker is not told to gasp every four
    字. Only punctuation is used (no word segmentation), so a long stretch without any stays one group; the plan's
    jieba-based breath groups are preferred whenever they exist.
    """
    limit = BREATH_GROUP_UNITS[language]

    def cut(piece: str, level: int) -> list[str]:
        if count_units(piece, language) <= limit or level == len(_BREATH_BREAKS):
            return [piece]
        groups: list[str] = []
        for part in (p for p in _BREATH_BREAKS[level].split(piece) if p):
            for sub in cut(part, level + 1):
                if level > 0 and groups and count_units(groups[-1] + sub, language) <= limit:
                    groups[-1] += sub
                else:
                    groups.append(sub)
        return groups

    return tuple(g.strip() for g in cut(text, 0) if g.strip())


def _target_fit(
    target_ms: int,
    total_ms: int,
    speaker_pace: float,
    delivery: tuple[DeliveryEstimate, ...],
    sections: list[SectionTiming],
) -> TargetFit:
    normal = next(d for d in delivery if d.label == "normal")
    speaker_ms = normal.total_ms
    over = speaker_ms - target_ms
    # Cutting text shortens only the speaking part, so the 字 to cut are the overrun at the speaker's pace (never
    # more than there is: when the pauses alone overrun, whole passages and their pauses must go).
    units = sum(s.units for s in sections)
    to_cut = min(math.ceil(over * speaker_pace / MINUTE_MS), units) if over > 0 else 0
    spare = math.floor(-over * speaker_pace / MINUTE_MS) if over < 0 else 0
    spoken = [s for s in sections if s.units > 0]
    candidates = tuple(s.index for s in sorted(spoken, key=lambda s: (-s.speaker_ms, s.index))[:CANDIDATE_COUNT])
    return TargetFit(
        target_ms=target_ms,
        pause_ms=normal.pause_ms,
        speaker_ms=speaker_ms,
        speaker_over_ms=over,
        measured_ms=total_ms,
        measured_over_ms=total_ms - target_ms,
        units_to_cut=to_cut,
        units_spare=spare,
        candidates=candidates,
    )


# --- budgets and cuts ---------------------------------------------------------------------------------------------

# An overrun under this is within what a speaker varies from one run to the next: no cut is suggested for it.
MIN_CUT_MS = 2_000
CUT_OPTIONS = 2


def _passages(
    timeline: Timeline,
    spans: list[tuple[int, int]],
    facts: PlanFacts | None,
    speaker_pace: float,
    language: Language,
) -> dict[int, tuple[list[Passage], list[Passage]]]:
    """Each section's sentences and paragraphs as passages timed at the speaker's pace.

    A sentence costs its 字 at the speaker's pace plus the pause after it (to the next sentence, or to the next
    section for the last): cutting it removes both. A section's opening sentence under a marker is its heading
    ("一是所有工作都要负起责任来。") and is never offered; neither is a paragraph that is the whole section.
    """
    out: dict[int, tuple[list[Passage], list[Passage]]] = {}
    number = 0
    for section, (_start, end) in zip(timeline.sections, spans):
        timed = section.sentences
        costs = []
        for k, sentence in enumerate(timed):
            after = (timed[k + 1].start_ms if k + 1 < len(timed) else end) - sentence.end_ms
            units = count_units(sentence.text, language)
            costs.append((units, round(units * MINUTE_MS / speaker_pace) + max(0, after)))
        first_number = number + 1
        number += len(timed)
        heading = 1 if section.marker and timed else 0
        sentences = [
            Passage("sentence", section.index, None, first_number + k, first_number + k, timed[k].text, *costs[k])
            for k in range(heading, len(timed))
        ]
        sizes = facts.paragraph_sizes(section.index) if facts else None
        paragraphs: list[Passage] = []
        if sizes is not None and sum(sizes) == len(timed) and len(sizes) > 1:
            at = 0
            for p, size in enumerate(sizes):
                group = range(at, at + size)
                at += size
                if heading and 0 in group:
                    continue
                paragraphs.append(Passage(
                    "paragraph", section.index, p + 1, first_number + group.start, first_number + group.stop - 1,
                    timed[group.start].text, sum(costs[k][0] for k in group), sum(costs[k][1] for k in group),
                ))
            for sentence in sentences:  # a sentence knows its paragraph when the paragraphs are known
                k = sentence.first - first_number
                sentence_paragraph = next(i for i in range(len(sizes)) if k < sum(sizes[: i + 1])) + 1
                sentences[sentences.index(sentence)] = replace(sentence, paragraph=sentence_paragraph)
        out[section.index] = (sentences, paragraphs)
    return out


def _cuts(
    over_ms: int, sentences: list[Passage], paragraphs: list[Passage], section_ms: int
) -> tuple[tuple[Passage, ...], ...]:
    """Ways to take ``over_ms`` out of a section, least text first.

    One sentence long enough, when there is one; a paragraph long enough but not much longer (a 2-minute paragraph
    is no answer to 20 seconds over); else the fewest sentences, longest first, that together are long enough; a
    long paragraph only when nothing else fits.
    """
    options: list[tuple[Passage, ...]] = []
    one_sentence = min((p for p in sentences if p.ms >= over_ms), key=lambda p: (p.ms, p.first), default=None)
    if one_sentence is not None:
        options.append((one_sentence,))
    fitting = [p for p in paragraphs if p.ms >= over_ms and p.first != p.last]
    one_paragraph = min(fitting, key=lambda p: (p.ms, p.first), default=None)
    if one_paragraph is not None and one_paragraph.ms <= 2 * over_ms:
        options.append((one_paragraph,))
    if not options:
        chosen: list[Passage] = []
        for passage in sorted(sentences, key=lambda p: (-p.ms, p.first)):
            chosen.append(passage)
            if sum(p.ms for p in chosen) >= over_ms:
                options.append(tuple(sorted(chosen, key=lambda p: p.first)))
                break
    if one_paragraph is not None and not options:
        options.append((one_paragraph,))
    # Half the section to save a few seconds is no advice (a 0:30 closing cut for 0:06): trimming is, said apart.
    options = [o for o in options if sum(p.ms for p in o) <= max(3 * over_ms, section_ms // 2)]
    return tuple(options[:CUT_OPTIONS])


def check_budgets(budgets: Sequence[tuple[str, int]], sections: Sequence[object], target_ms: int | None) -> None:
    """Refuse, before any synthesis, budgets that name no section (or one twice), add up past the target or come
    without one. ``sections`` are the plan's spoken sections (anything with ``index``, ``marker`` and ``title``)."""
    if not budgets:
        return
    if target_ms is None:
        raise ConfigError("a section budget needs a target: add --target (e.g. --target 15m)", path="--budget")
    seen = set()
    for key, _ in budgets:
        index = _resolve_budget(key, sections)  # type: ignore[arg-type]
        if index in seen:
            raise ConfigError(f"{key!r}: that section already has a budget", path="--budget")
        seen.add(index)
    given = sum(ms for _, ms in budgets)
    if given > target_ms or (given == target_ms and len(seen) < len(sections)):
        raise ConfigError(
            f"the budgets add up to {_clock_text(given)}, leaving nothing of the {_clock_text(target_ms)} target "
            "for the other sections", path="--budget",
        )


def _resolve_budget(key: str, sections: Sequence[TimedSection]) -> int:
    """The section a ``--budget`` names: its number in the table (``2``) or the start of its heading (``一是``)."""
    wanted = key.strip()
    if wanted.isdigit():
        number = int(wanted)
        if not 1 <= number <= len(sections):
            raise ConfigError(f"{key!r}: there is no section {number} (1–{len(sections)})", path="--budget")
        return sections[number - 1].index
    found = [s.index for s in sections if heading_text(s.marker, s.title).startswith(wanted) or s.title == wanted]
    if len(found) != 1:
        names = ", ".join(heading_text(s.marker, s.title)[:12] for s in sections)
        how = "matches no section" if not found else f"matches {len(found)} sections"
        raise ConfigError(f"{key!r} {how}: name a section by its number or the start of its heading ({names})",
                          path="--budget")
    return found[0]


def _budgets(
    target_ms: int,
    rows: list[SectionTiming],
    timed: Sequence[TimedSection],
    given: Sequence[tuple[str, int]],
    passages: dict[int, tuple[list[Passage], list[Passage]]],
    speaker_pace: float,
) -> tuple[SectionBudget, ...]:
    """Each section's share of the target at the speaker's pace, and how to fit the ones over it.

    Sections named in ``given`` get their budget; the rest of the target is shared by the others in proportion to
    their length at the speaker's pace, so a speech that fits overall has every section within its share.
    """
    fixed: dict[int, int] = {}
    for key, ms in given:
        index = _resolve_budget(key, timed)
        if index in fixed:
            raise ConfigError(f"{key!r}: that section already has a budget", path="--budget")
        fixed[index] = ms
    rest = target_ms - sum(fixed.values())
    if rest < 0 or (rest == 0 and len(fixed) < len(rows)):
        raise ConfigError(
            f"the budgets add up to {_clock_text(sum(fixed.values()))}, leaving nothing of the "
            f"{_clock_text(target_ms)} target for the other sections", path="--budget",
        )
    shared = sum(r.speaker_ms for r in rows if r.index not in fixed)
    out = []
    for row in rows:
        if row.index in fixed:
            budget = fixed[row.index]
        else:
            budget = round(rest * row.speaker_ms / shared) if shared else 0
        over = row.speaker_ms - budget
        sentences, paragraphs = passages.get(row.index, ([], []))
        cuts = _cuts(over, sentences, paragraphs, row.speaker_ms) if over >= MIN_CUT_MS else ()
        trim = math.ceil(over * speaker_pace / MINUTE_MS) if over > 0 else 0
        out.append(SectionBudget(row.index, budget, row.speaker_ms, row.index in fixed, cuts, trim))
    return tuple(out)


def _clock_text(ms: int) -> str:
    from lectern.timecode import clock

    return clock(ms)
