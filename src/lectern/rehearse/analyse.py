"""A recording of the speaker and the rehearsal it was read from → a :class:`Delivery`, or one clear error.

The rehearsal (its :class:`Timeline`, read from timings.json by the caller) gives every sentence's length in the
voice and the gaps between them; the recording gives speech and pauses; :mod:`lectern.rehearse.align` matches them.

What a bad recording gets:

- unreadable, empty, missing: an error naming the file (from :mod:`lectern.rehearse.decode`);
- silence, or a steady hum with no speech in it: an error;
- a recording of something else (music with no pauses; a length or pause pattern nothing like the script's): an
  error when it cannot be the script at all, a warning with the confidence when it merely fits poorly;
- a recording that stops early: the sections it reaches are timed, and a warning says in which sentence it stops.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from lectern.errors import InputError
from lectern.model import Timeline, chapter_title
from lectern.rehearse.align import Alignment, Expected, align
from lectern.rehearse.decode import Audio, decode_recording
from lectern.rehearse.speech import Heard, find_speech
from lectern.rehearse.take import Delivery, HeardPause, SectionDelivery, SentenceDelivery, Tap
from lectern.text.segment import count_units

MIN_SPEECH_MS = 2_000  # less than this is not a delivery of a speech
LONGEST_PAUSES = 5
LOW_CONFIDENCE = 0.5
QUIET_DB = -42.0  # the loudest speech below this: the microphone was far or muted
MINUTE_MS = 60_000


def expected_sentences(timeline: Timeline) -> list[Expected]:
    flat = [(section.index, sentence) for section in timeline.sections for sentence in section.sentences]
    out = []
    for n, (section, sentence) in enumerate(flat):
        gap = flat[n + 1][1].start_ms - sentence.end_ms if n + 1 < len(flat) else 0
        first = n == 0 or flat[n - 1][0] != section
        out.append(Expected(section, max(sentence.end_ms - sentence.start_ms, 1), max(gap, 0), first))
    return out


def analyse_audio(
    audio: Audio,
    timeline: Timeline,
    *,
    recording: str,
    taps: Sequence[Tap] = (),
    taps_path: str | None = None,
    created: str | None = None,
) -> Delivery:
    """The delivery heard in ``audio``; ``recording`` names the file in the take and in every error."""
    expected = expected_sentences(timeline)
    if not expected:
        raise InputError("the rehearsal has no sentences to compare with", path=recording)
    tap_at = _taps(taps, timeline, taps_path or recording)
    heard = find_speech(audio)
    _check_heard(heard, expected, recording, has_taps=bool(tap_at))
    alignment = align(expected, list(heard.speech), tap_at)
    return _delivery(audio, heard, alignment, timeline, expected, recording, taps, created)


def analyse_recording(
    path: Path, timeline: Timeline, *, taps: Sequence[Tap] = (), taps_path: str | None = None,
    created: str | None = None,
) -> Delivery:
    return analyse_audio(
        decode_recording(path), timeline, recording=str(path), taps=taps, taps_path=taps_path, created=created
    )


def _taps(taps: Sequence[Tap], timeline: Timeline, path: str) -> dict[int, int]:
    count = len(timeline.sections)
    at: dict[int, int] = {}
    for i, tap in enumerate(taps):
        if tap.section >= count:
            raise InputError(
                f"taps[{i}].section: {tap.section} is past the last section ({count - 1}): "
                "is this take from a build of another script?",
                path=path,
            )
        at.setdefault(tap.section, tap.ms)  # a section tapped twice (the speaker went back): its first start
    return at


def _check_heard(heard: Heard, expected: list[Expected], recording: str, *, has_taps: bool) -> None:
    if heard.speaking_ms < MIN_SPEECH_MS:
        level = "silent" if heard.level_db < -60 else "a steady sound with no speech in it"
        raise InputError(
            f"no speech heard: the recording is {level} ({heard.duration_ms / 1000:.1f} s long)", path=recording
        )
    script_ms = sum(e.voice_ms + e.gap_after_ms for e in expected)
    boundaries = len(expected) - 1
    pauses = len(heard.pauses)
    heard_span = heard.speech[-1].end_ms - heard.speech[0].start_ms
    # A recording that stops early holds only its share of the sentence breaks.
    breaks_heard = boundaries * min(1.0, heard_span / max(script_ms, 1))
    if breaks_heard >= 8 and pauses < breaks_heard * 0.25 and not has_taps:
        raise InputError(
            f"no pause structure that fits the script: {pauses} pauses heard in {heard_span / 1000:.0f} s, where "
            f"the script has about {breaks_heard:.0f} sentence breaks (is this a recording of the speech, or music?)",
            path=recording,
        )
    if heard_span > 3.0 * script_ms:
        raise InputError(
            f"{heard_span / 60000:.1f} min of speech for a script the voice reads in {script_ms / 60000:.1f} min: "
            "is this a recording of this speech?",
            path=recording,
        )


def _delivery(
    audio: Audio,
    heard: Heard,
    alignment: Alignment,
    timeline: Timeline,
    expected: list[Expected],
    recording: str,
    taps: Sequence[Tap],
    created: str | None,
) -> Delivery:
    language = timeline.language
    texts = [s.text for section in timeline.sections for s in section.sentences]
    placed = alignment.sentences
    by_section: dict[int, list] = {}
    for p in placed:
        by_section.setdefault(expected[p.index].section, []).append(p)
    voice_spans = _voice_spans(timeline)
    reached = [s for s in timeline.sections if s.index in by_section]
    sections = []
    for n, section in enumerate(reached):
        mine = by_section[section.index]
        start = mine[0].start_ms
        end = by_section[reached[n + 1].index][0].start_ms if n + 1 < len(reached) else mine[-1].end_ms
        speaking = sum(p.end_ms - p.start_ms for p in mine)
        units = sum(count_units(texts[p.index], language) for p in mine)
        sections.append(
            SectionDelivery(
                index=section.index,
                title=chapter_title(section),
                start_ms=start,
                end_ms=end,
                voice_ms=voice_spans.get(section.index, 0),
                speaking_ms=speaking,
                pace=_pace(units, end - start),
            )
        )
    first, last = placed[0].start_ms, placed[-1].end_ms
    speaking_ms = sum(p.end_ms - p.start_ms for p in placed)
    units = sum(count_units(texts[p.index], language) for p in placed)
    pauses = _longest_pauses(heard, first, last, sections)
    confidence = _confidence(alignment, heard, expected, has_taps=bool(taps))
    warnings = []
    if alignment.stopped_at is not None:
        i = alignment.stopped_at
        section = timeline.sections[expected[i].section]
        warnings.append(
            f"the recording stops before sentence {i + 1} of {len(expected)} (in {chapter_title(section)}: "
            f"“{_excerpt(texts[i])}”): the sections after it are not timed"
        )
    if confidence < LOW_CONFIDENCE:
        warnings.append(
            f"the pauses heard fit the script poorly (confidence {confidence:.2f}): the section times may be wrong; "
            "is this a recording of this speech? Tapping each section on the page's rehearse mode makes them exact"
        )
    if heard.level_db < QUIET_DB:
        warnings.append(f"a very quiet recording (speech peaks at {heard.level_db:.0f} dBFS): pauses may be missed")
    return Delivery(
        recording=Path(recording).name,
        duration_ms=audio.duration_ms,
        speaking_ms=speaking_ms,
        pause_ms=max(last - first - speaking_ms, 0),
        pace=_pace(units, last - first),
        sections=tuple(sections),
        sentences=tuple(SentenceDelivery(p.index, p.start_ms, p.end_ms) for p in placed),
        confidence=confidence,
        taps=tuple(taps),
        language=language.value,
        created=created or _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        source="lectern take",
        pauses=pauses,
        stopped_at=alignment.stopped_at,
        warnings=tuple(warnings),
    )


def _voice_spans(timeline: Timeline) -> dict[int, int]:
    """Each section's length in the rehearsal as the report counts it: to the next section's start."""
    spans = {}
    sections = timeline.sections
    for n, section in enumerate(sections):
        start = 0 if n == 0 else section.start_ms
        end = sections[n + 1].start_ms if n + 1 < len(sections) else timeline.duration_ms
        spans[section.index] = max(end - start, 0)
    return spans


def _pace(units: int, ms: int) -> float | None:
    return units * MINUTE_MS / ms if ms > 0 and units else None


def _longest_pauses(heard: Heard, first: int, last: int, sections: list[SectionDelivery]) -> tuple[HeardPause, ...]:
    inside = [p for p in heard.pauses if p.start_ms >= first and p.end_ms <= last]
    inside.sort(key=lambda p: -p.ms)
    out = []
    for p in inside[:LONGEST_PAUSES]:
        owner = next((s.index for s in reversed(sections) if s.start_ms <= p.start_ms), sections[0].index)
        out.append(HeardPause(p.start_ms, p.ms, owner))
    return tuple(out)


def _confidence(alignment: Alignment, heard: Heard, expected: list[Expected], *, has_taps: bool) -> float:
    """0..1 from two things a wrong alignment cannot fake together: sentence lengths that follow the rehearsal's
    (after each section's own rate), and section edges on the longer pauses of the recording."""
    if not alignment.sentences:
        return 0.0
    errors = np.array(alignment.duration_errors) if alignment.duration_errors else np.array([1.0])
    fit = max(0.0, 1.0 - float(np.percentile(np.minimum(errors, 1.0), 75)) / 0.3)
    pauses = np.array([p.ms for p in heard.pauses]) if heard.pauses else np.array([0])
    edges = []
    for p in alignment.sentences:
        if p.index > 0 and expected[p.index].section_start:
            before = next((q for q in heard.pauses if q.end_ms == p.start_ms), None)
            edges.append(0.0 if before is None else float((pauses < before.ms).mean()))
    edge_fit = float(np.mean(edges)) if edges else 0.7
    score = fit * (0.4 + 0.6 * edge_fit)
    if has_taps:
        score = max(score, 0.9 * fit)  # the speaker marked the sections; only the sentence fit is in question
    if alignment.stopped_at is not None:
        score *= 0.9
    return round(min(max(score, 0.0), 1.0), 2) if math.isfinite(score) else 0.0


def _excerpt(text: str, limit: int = 20) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"
