"""A take against the rehearsal and the target: the figures of the report's "Your delivery" part.

Per section: your time (the section's span in the recording: from its first sentence to the next section's start),
the voice's time, the target's share (the report's budget for the section, as the page holds it; else the target
split as the voice splits the speech; without a target, the voice's own time) and the difference. A section is *dragged* when you took over 15 % longer than your own average
against the voice, *rushed* when under 13 % (1/1.15): your average, so a speaker who is slower than the voice
throughout is not told every section drags. Sections shorter than ten seconds in the voice are not judged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lectern.model import Timeline
from lectern.rehearse.take import Delivery

DRAG = 1.15
MIN_JUDGED_MS = 10_000


@dataclass(frozen=True, slots=True)
class SectionComparison:
    index: int
    title: str
    yours_ms: int
    voice_ms: int
    target_ms: int | None  # the target's share for this section
    diff_ms: int  # yours − target share (or − the voice's time without a target)
    pace: float | None
    verdict: str | None  # "rushed" | "dragged" | None


@dataclass(frozen=True, slots=True)
class TakeComparison:
    number: int  # the take's number in takes/ (1-based)
    delivery: Delivery
    total_ms: int  # from the first sentence's start to the last one's end
    voice_ms: int  # the rehearsal's whole length
    target_ms: int | None
    sections: tuple[SectionComparison, ...]
    sections_in_script: int
    # A recording that stops early is held to the part it reads: the rehearsal up to the first sentence not read,
    # and the target's shares of that part (None for a whole take).
    read_voice_ms: int | None = None
    read_target_ms: int | None = None

    @property
    def voice_reference_ms(self) -> int:
        return self.voice_ms if self.read_voice_ms is None else self.read_voice_ms

    @property
    def target_reference_ms(self) -> int | None:
        if self.target_ms is None:
            return None
        return self.target_ms if self.read_target_ms is None else self.read_target_ms

    @property
    def diff_ms(self) -> int:
        target = self.target_reference_ms
        return self.total_ms - (target if target is not None else self.voice_reference_ms)

    @property
    def rushed(self) -> tuple[SectionComparison, ...]:
        return tuple(s for s in self.sections if s.verdict == "rushed")

    @property
    def dragged(self) -> tuple[SectionComparison, ...]:
        return tuple(s for s in self.sections if s.verdict == "dragged")


def compare(
    number: int,
    delivery: Delivery,
    timeline: Timeline,
    target_ms: int | None = None,
    shares: Mapping[int, int] | None = None,
) -> TakeComparison:
    """``shares``: each section's share of the target (section index → ms), the report's budgets; a section not in
    it gets the target split as the voice splits the speech."""
    voice_total = timeline.duration_ms
    sections = delivery.sections
    read_voice = _read_voice_ms(delivery, timeline)
    # The voice's time of each section timed; of the one the recording stops in, the part read.
    voice_of = {s.index: s.voice_ms for s in sections}
    if read_voice is not None and sections:
        last = sections[-1]
        start = next((0 if n == 0 else t.start_ms for n, t in enumerate(timeline.sections) if t.index == last.index), 0)
        voice_of[last.index] = min(max(read_voice - start, 0), last.voice_ms)
    yours = sum(s.duration_ms for s in sections)
    voice = sum(voice_of.values())
    average = yours / voice if voice else 1.0
    rows = []
    for s in sections:
        if target_ms and shares and s.index in shares:
            share: int | None = shares[s.index]
        else:
            share = round(target_ms * s.voice_ms / voice_total) if target_ms and voice_total else None
        voice_ms = voice_of[s.index]
        if share is not None and voice_ms < s.voice_ms:
            share = round(share * voice_ms / s.voice_ms) if s.voice_ms else 0
        verdict = None
        if voice_ms >= MIN_JUDGED_MS and average > 0:
            relative = s.duration_ms / voice_ms / average
            verdict = "dragged" if relative > DRAG else "rushed" if relative < 1 / DRAG else None
        reference = share if share is not None else voice_ms
        rows.append(SectionComparison(s.index, s.title, s.duration_ms, voice_ms, share, s.duration_ms - reference,
                                      s.pace, verdict))
    total = (sections[-1].end_ms - sections[0].start_ms) if sections else 0
    read_target = None
    if read_voice is not None and target_ms:
        read_target = sum(r.target_ms or 0 for r in rows)
    return TakeComparison(number, delivery, total, voice_total, target_ms, tuple(rows), len(timeline.sections),
                          read_voice, read_target)


def _read_voice_ms(delivery: Delivery, timeline: Timeline) -> int | None:
    """Where a recording that stops early stops in the rehearsal: the start of the first sentence it does not read."""
    stop = delivery.stopped_at
    if stop is None or stop <= 0:
        return None
    sentences = [s for section in timeline.sections for s in section.sentences]
    return sentences[stop].start_ms if stop < len(sentences) else None
