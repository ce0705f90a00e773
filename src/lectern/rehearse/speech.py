"""Where the speaker speaks and where they pause: energy in 10 ms frames against the recording's own noise floor.

The threshold sits between the floor (the quietest tenth of the frames: room tone, hiss) and the speech level (the
loudest twentieth), so a quiet phone recording and a loud studio one are read alike and steady background noise
raises the floor rather than being taken for speech. Gaps shorter than a pause (stops inside a word, a breath
between syllables) are closed, and clicks shorter than a syllable are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lectern.rehearse.decode import Audio

FRAME_MS = 10
MIN_PAUSE_MS = 150  # a comma pause is 200–400 ms; shorter gaps are stops inside words
MIN_SPEECH_MS = 80  # shorter bursts are clicks, taps on the phone, a chair
MIN_RANGE_DB = 12.0  # speech stands this far above the floor; less is silence or a steady hum


@dataclass(frozen=True, slots=True)
class Span:
    start_ms: int
    end_ms: int

    @property
    def ms(self) -> int:
        return self.end_ms - self.start_ms


@dataclass(frozen=True, slots=True)
class Heard:
    """Speech stretches in time order; the gaps between them are the pauses (each ≥ :data:`MIN_PAUSE_MS`)."""

    speech: tuple[Span, ...]
    duration_ms: int
    floor_db: float
    level_db: float

    @property
    def speaking_ms(self) -> int:
        return sum(s.ms for s in self.speech)

    @property
    def pauses(self) -> tuple[Span, ...]:
        return tuple(Span(a.end_ms, b.start_ms) for a, b in zip(self.speech, self.speech[1:]))


def frame_db(audio: Audio) -> np.ndarray:
    """RMS level of each 10 ms frame in dB relative to full scale (digital silence reads −100 dB)."""
    n = audio.sample_rate * FRAME_MS // 1000
    count = len(audio.samples) // n
    if count == 0:
        return np.zeros(0)
    frames = audio.samples[: count * n].astype(np.float32).reshape(count, n) / 32768.0
    power = np.mean(frames * frames, axis=1)
    return 10.0 * np.log10(power + 1e-10)


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) frame of each run of True."""
    padded = np.concatenate(([False], mask, [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return edges[0::2], edges[1::2]


def find_speech(audio: Audio) -> Heard:
    db = frame_db(audio)
    if len(db) == 0:
        return Heard((), audio.duration_ms, -100.0, -100.0)
    floor = float(np.percentile(db, 10))
    level = float(np.percentile(db, 95))
    if level - floor < MIN_RANGE_DB:
        return Heard((), audio.duration_ms, floor, level)
    threshold = floor + min(max(0.3 * (level - floor), 8.0), 25.0)
    mask = db > threshold
    starts, ends = _runs(mask)
    min_gap = MIN_PAUSE_MS // FRAME_MS
    # Close gaps shorter than a pause, then drop what is still too short to be a syllable.
    keep = np.ones(len(starts), dtype=bool)
    if len(starts) > 1:
        gaps = starts[1:] - ends[:-1]
        joined = gaps < min_gap
        group = np.concatenate(([0], np.cumsum(~joined)))
        merged_starts = starts[np.concatenate(([True], ~joined))]
        merged_ends = np.zeros(len(merged_starts), dtype=starts.dtype)
        np.maximum.at(merged_ends, group, ends)
        starts, ends = merged_starts, merged_ends
        keep = np.ones(len(starts), dtype=bool)
    keep &= (ends - starts) >= MIN_SPEECH_MS // FRAME_MS
    spans = tuple(Span(int(s) * FRAME_MS, int(e) * FRAME_MS) for s, e in zip(starts[keep], ends[keep]))
    return Heard(spans, audio.duration_ms, floor, level)
