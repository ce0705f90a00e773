"""Takes whose truth is known, assembled from a built rehearsal: each sentence's audio cut out of rehearsal.mp3 at
its measured span, sped up or slowed down per section, with pauses changed, shuffled, added and removed, and
background noise. Used by the accuracy tests and bench/take.py.
"""

from __future__ import annotations

import json
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lectern.rehearse.decode import SAMPLE_RATE, decode_recording


@dataclass(frozen=True)
class Truth:
    section_starts_ms: list[int]
    sentence_starts_ms: list[int]
    duration_ms: int


@dataclass(frozen=True)
class Rehearsal:
    sentences: list[np.ndarray]  # int16 audio of each sentence, in speaking order
    sections: list[int]  # section index of each sentence
    gaps: list[int]  # the rehearsal's gap after each sentence (ms)


def load_rehearsal(folder: Path) -> Rehearsal:
    audio = decode_recording(folder / "rehearsal.mp3")
    timings = json.loads((folder / "timings.json").read_text("utf-8"))
    sentences, sections, spans = [], [], []
    for section in timings["sections"]:
        for s in section["sentences"]:
            a, b = s["start_ms"] * SAMPLE_RATE // 1000, s["end_ms"] * SAMPLE_RATE // 1000
            sentences.append(audio.samples[a:b].copy())
            sections.append(section["index"])
            spans.append((s["start_ms"], s["end_ms"]))
    gaps = [b[0] - a[1] for a, b in zip(spans, spans[1:])] + [0]
    return Rehearsal(sentences, sections, gaps)


def _stretch(x: np.ndarray, factor: float) -> np.ndarray:
    """Longer by ``factor`` (pitch moves too, which energy-based pause detection does not mind)."""
    n = max(int(round(len(x) * factor)), 1)
    return np.interp(np.linspace(0, len(x) - 1, n), np.arange(len(x)), x.astype(np.float64)).astype(np.int16)


def _silence(ms: float) -> np.ndarray:
    return np.zeros(int(ms * SAMPLE_RATE / 1000), dtype=np.int16)


def _insert_pause(x: np.ndarray, ms: float, rng: np.random.Generator) -> np.ndarray:
    """A hesitation inside the sentence, at its quietest 10 ms between 25 % and 75 % of the way."""
    n = SAMPLE_RATE // 100
    lo, hi = len(x) // 4 // n, 3 * len(x) // 4 // n
    if hi <= lo + 1:
        return x
    frames = x[: hi * n].astype(np.float64).reshape(hi, n)
    quiet = lo + int(np.argmin((frames[lo:hi] ** 2).mean(axis=1)))
    return np.concatenate([x[: quiet * n], _silence(ms), x[quiet * n :]])


def make_take(
    rehearsal: Rehearsal,
    *,
    seed: int,
    rate_spread: float = 0.25,
    rate_center: float = 1.0,
    shuffle_pauses: bool = True,
    inner_pauses: float = 0.3,
    drop_pauses: float = 0.15,
    noise_db: float | None = -50.0,
    lead_ms: int = 1500,
    stop_after: int | None = None,
) -> tuple[np.ndarray, Truth]:
    """One take: per section a rate in 1 ± ``rate_spread``; sentence pauses shuffled and rescaled (section pauses
    0.8–2.5 s); a share ``inner_pauses`` of sentences get a 250–700 ms hesitation inside; a share ``drop_pauses`` of
    sentence boundaries run together; white noise at ``noise_db`` dBFS."""
    rng = np.random.default_rng(seed)
    sections = sorted(set(rehearsal.sections))
    rates = {s: rate_center * (1.0 + rng.uniform(-rate_spread, rate_spread)) for s in sections}
    gaps = list(rehearsal.gaps)
    inner_gaps = [g for i, g in enumerate(gaps[:-1]) if rehearsal.sections[i + 1] == rehearsal.sections[i]]
    if shuffle_pauses:
        rng.shuffle(inner_gaps)
    pieces = [_silence(lead_ms)]
    at = lead_ms
    sentence_starts, section_starts = [], {}
    count = len(rehearsal.sentences) if stop_after is None else stop_after
    k = 0
    for i in range(count):
        section = rehearsal.sections[i]
        audio = _stretch(rehearsal.sentences[i], rates[section])
        if rng.random() < inner_pauses:
            audio = _insert_pause(audio, rng.uniform(250, 700), rng)
        sentence_starts.append(at)
        section_starts.setdefault(section, at)
        pieces.append(audio)
        at += len(audio) * 1000 / SAMPLE_RATE
        if i + 1 < len(rehearsal.sentences):
            if rehearsal.sections[i + 1] != section:
                gap = rng.uniform(800, 2500)
            else:
                gap = inner_gaps[k % len(inner_gaps)] * rng.uniform(0.6, 1.8) if inner_gaps else 450
                k += 1
                if rng.random() < drop_pauses:
                    gap = rng.uniform(0, 60)
            pieces.append(_silence(gap))
            at += gap
    pieces.append(_silence(1200))
    take = np.concatenate(pieces).astype(np.float64)
    if noise_db is not None:
        take += rng.normal(0, 32768 * 10 ** (noise_db / 20), len(take))
    take = np.clip(take, -32768, 32767).astype(np.int16)
    truth = Truth([int(section_starts[s]) for s in sections if s in section_starts], [int(t) for t in sentence_starts],
                  len(take) * 1000 // SAMPLE_RATE)
    return take, truth


def write_wav(path: Path, samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(samples.astype("<i2").tobytes())
    return path
