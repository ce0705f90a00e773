"""Which stretch of the recording is which sentence: dynamic programming over the heard pauses.

No speech recognition is available offline, so the alignment uses what is known about the script: each sentence's
length in the rehearsal (the synthesized voice, measured), the pauses the structure puts between sentences (short
after a sentence, longer after a paragraph, longest after a section), and the pauses heard in the recording.

The recording is a sequence of speech stretches separated by pauses. An alignment cuts that sequence into
consecutive blocks, one block per sentence (or per two or three sentences the speaker ran together without a
pause). Its cost adds, per block:

- how far the block's length is from the sentence's rehearsal length times the speaker's rate (in log ratio, so
  20 % slow and 20 % fast weigh alike; short sentences are allowed more slack);
- the pauses left inside the block (commas, hesitations), the longer the dearer;
- minus a reward for the pause the block starts after, weighted by the boundary's kind: a section edge wants a long
  pause, a paragraph edge a fairly long one;
- a penalty for each sentence boundary with no pause at all (sentences run together);
- with taps from the page, the distance of a section's first block from the speaker's tap.

Stretches before the first sentence or after the last (a cough, "is this on?") may be skipped at a cost, and a
recording that stops early ends at the sentence it stops in, at a cost per second of script left unread. A
recording under SHORT_RATE of the script's length is read at the voice's pace (no one speaks that much faster) and
is taken to stop early; there the edge reward is counted net of an ordinary pause, so that fitting one more
sentence into the recording is not a gain in itself (it found the stopping sentence in 23 of 24 test takes).

The speaker's rate is estimated twice: first one rate for the whole recording, then, from that alignment, one per
section (drawn toward the overall rate), and the alignment is run again. So a speaker who drags one section by 20 %
and rushes the next is followed section by section. Each pass is O(sentences × K × L) vector operations over the
stretches (K ≤ 3 sentences a block, L ≤ 32 stretches a block): a 10-minute take aligns in well under a second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lectern.rehearse.speech import Span

MAX_RUN = 3  # sentences one block may hold (run together without a pause)
SIGMA = 0.15  # spread of a sentence's length around the rehearsal's times the rate (log ratio)
MAX_STRETCHES = 32  # speech stretches one sentence may hold (comma pauses, hesitations)
SKIP_PER_S = 8.0  # cost of a second of speech before the first or after the last sentence
UNREAD_PER_S = 0.3
MIN_UNREAD_MS = 10_000  # a recording "stops early" only when at least this much of the script is left  # cost of a second of script the recording never reaches
MERGE = 1.0  # cost of a sentence boundary with no pause, times the boundary's weight
TAP_PER_S2 = 6.0  # cost per squared second a section's start is off its tap
INNER = 1.0  # cost weight of a pause left inside a sentence
EDGE = 1.2  # reward weight of a pause at a sentence boundary
SECTION_WEIGHT, PARAGRAPH_WEIGHT, SENTENCE_WEIGHT = 2.5, 1.6, 1.0
PARAGRAPH_GAP_MS = 700  # the rehearsal's gap after a paragraph is 900 ms, after a sentence 450
RATE_SHRINK = 0.75
# The voice reads at a speaker's pace (espeak is calibrated to 220 字/分), so a speaker takes 0.7–1.6 of its time.
# Without this bound a recording that stops halfway aligns as the whole script read twice as fast.
RATE_RANGE = (0.7, 1.6)
# Each section's rate, as a factor of the current estimate: the DP picks one per section. Each step is about the
# spread a sentence's length is allowed (SIGMA), so no section falls between two levels.
LEVELS = np.array([0.8, 0.89, 1.0, 1.12, 1.25])
LEVEL_PRIOR = 1.0  # cost per block of a level away from 1, per squared log factor
REFINE = 1  # passes that re-estimate the rates from the alignment before it
RATE_PRIOR = 0.0  # cost per sentence of a rate away from the voice's, per squared log ratio
SHORT_RATE = 0.6
SHORT_UNREAD_PER_S = 0.03  # once the recording is known to stop early, where it stops is cheap to say  # a section's own rate counts this much, the overall rate the rest
_INF = 1e18


@dataclass(frozen=True, slots=True)
class Expected:
    """One sentence as the rehearsal has it: its spoken length and the gap before the next sentence."""

    section: int
    voice_ms: int
    gap_after_ms: int
    section_start: bool  # first sentence of its section


@dataclass(frozen=True, slots=True)
class Placed:
    index: int
    start_ms: int
    end_ms: int
    at_pause: bool  # the boundary before it fell on a heard pause (not run together)


@dataclass(frozen=True, slots=True)
class Alignment:
    sentences: tuple[Placed, ...]  # only the sentences the recording reaches
    stopped_at: int | None  # first sentence not reached, when the recording stops early
    rates: dict[int, float]  # section → the speaker's length / the rehearsal's length
    rate: float
    duration_errors: tuple[float, ...]  # per block: |ln(heard / expected at the section's rate)|


def _weight(e: Expected, gap_before: int) -> float:
    if e.section_start:
        return SECTION_WEIGHT
    return PARAGRAPH_WEIGHT if gap_before >= PARAGRAPH_GAP_MS else SENTENCE_WEIGHT


def _pause_value(ms: np.ndarray) -> np.ndarray:
    return np.log1p(ms / 200.0)


class _Problem:
    def __init__(self, expected: list[Expected], speech: list[Span], taps: dict[int, int]) -> None:
        self.expected = expected
        self.n = len(expected)
        self.m = len(speech)
        self.starts = np.array([s.start_ms for s in speech], dtype=np.float64)
        self.ends = np.array([s.end_ms for s in speech], dtype=np.float64)
        pause = np.zeros(self.m)
        pause[1:] = self.starts[1:] - self.ends[:-1]  # pause[j]: the pause before stretch j
        self.pause_value = _pause_value(pause)
        self.pause_value[0] = 0.0
        self.inner_cum = np.cumsum(self.pause_value)  # inner pauses of stretches b..j-1: cum[j-1] - cum[b]
        speech_ms = self.ends - self.starts
        self.speech_cum = np.concatenate(([0.0], np.cumsum(speech_ms)))  # speech in stretches 0..j-1
        gaps_before = [0] + [e.gap_after_ms for e in expected[:-1]]
        self.weights = [_weight(e, g) for e, g in zip(expected, gaps_before)]
        self.voice_cum = np.concatenate(([0.0], np.cumsum([e.voice_ms for e in expected])))
        self.gap_cum = np.concatenate(([0.0], np.cumsum([e.gap_after_ms for e in expected])))
        self.taps = taps
        # Every block as (l, j): stretches j-l..j-1 for l = 1..L and j = 1..m, with its first stretch and length.
        lengths = np.arange(1, min(MAX_STRETCHES, self.m) + 1)[:, None]
        last = np.arange(1, self.m + 1)[None, :]
        first = last - lengths
        self.block_valid = first >= 0
        self.block_first = np.maximum(first, 0)
        heard = self.ends[last - 1] - self.starts[self.block_first]
        self.log_heard = np.log(np.maximum(heard, 50.0))
        self.block_end_inner = INNER * self.inner_cum[last - 1]
        self.columns = np.arange(self.m)

    def expected_span(self, a: int, i: int) -> float:
        """Sentences a..i-1 run together: their voice lengths plus a fifth of the gaps between them."""
        voice = self.voice_cum[i] - self.voice_cum[a]
        gaps = self.gap_cum[i - 1] - self.gap_cum[a]
        return voice + 0.2 * gaps

    def solve(self, rates: list[float], unread_per_s: float = UNREAD_PER_S, block_bias: float = 0.0) -> tuple[list[tuple[int, int, int, int]], int, float]:
        """Blocks (a, i, b, j) — sentences a..i-1 in stretches b..j-1 — of the cheapest alignment, the number of
        sentences reached, and its cost.

        Each section is read at one of LEVELS times ``rates`` (chosen by the DP where the section starts), so a
        section read 20 % slower than the estimate is followed without waiting for the next pass."""
        n, m, v = self.n, self.m, len(LEVELS)
        cost = np.full((v, n + 1, m + 1), _INF)
        choice = np.zeros((v, n + 1, m + 1, 3), dtype=np.int32)  # k, l, level of the block before
        cost[:, 0, :] = SKIP_PER_S * self.speech_cum / 1000.0  # stretches before the first sentence are skipped
        log_levels = np.log(LEVELS)[:, None, None]
        level_prior = (LEVEL_PRIOR * np.log(LEVELS) ** 2)[:, None]
        for i in range(1, n + 1):
            for k in range(1, min(MAX_RUN, i) + 1):
                a = i - k
                if self.expected[a].section_start:
                    # A new section may change level: come from the cheapest level of the one before.
                    from_level = np.argmin(cost[:, a, :m], axis=0)
                    prev = np.broadcast_to(cost[from_level, a, np.arange(m)], (v, m))
                    from_level = np.broadcast_to(from_level, (v, m))
                else:
                    prev = cost[:, a, :m]
                    from_level = np.broadcast_to(np.arange(v)[:, None], (v, m))
                if prev.min() >= _INF:
                    continue
                span = max(self.expected_span(a, i), 200.0) * rates[a]
                sigma2 = SIGMA**2 + (400.0 / span) ** 2
                merge = MERGE * sum(self.weights[a + 1 : i])
                # What depends on the block's first stretch b alone, then on (b, j) through the heard length.
                begin = prev - INNER * self.inner_cum + level_prior
                if a > 0:
                    begin = begin - EDGE * self.weights[a] * (self.pause_value - block_bias)
                tap = self.taps.get(self.expected[a].section) if self.expected[a].section_start else None
                if tap is not None:
                    begin = begin + TAP_PER_S2 * ((self.starts - tap) / 1000.0) ** 2
                dur = (self.log_heard[None] - math.log(span) - log_levels) ** 2 / (2 * sigma2)
                total = begin[:, self.block_first] + dur
                total = np.where(self.block_valid[None], total + self.block_end_inner[None] + merge, _INF)
                best_l = np.argmin(total, axis=1)  # (v, m)
                best = np.take_along_axis(total, best_l[:, None, :], axis=1)[:, 0, :]
                better = best < cost[:, i, 1:]
                if better.any():
                    lv, col = np.nonzero(better)
                    cost[lv, i, col + 1] = best[lv, col]
                    choice[lv, i, col + 1, 0] = k
                    choice[lv, i, col + 1, 1] = best_l[lv, col] + 1
                    choice[lv, i, col + 1, 2] = from_level[lv, col - best_l[lv, col]]  # at the block's first stretch
        self.levels_used: dict[int, float] = {}
        full_cost = cost
        cost = cost.min(axis=0)
        end_level = full_cost.argmin(axis=0)
        # End: every sentence reached (stretches after it skipped), or the recording stops early.
        tail_skip = SKIP_PER_S * (self.speech_cum[m] - self.speech_cum) / 1000.0
        best_i, best_j, best = n, 0, _INF
        ends = cost[n] + tail_skip
        jn = int(np.argmin(ends))
        best, best_j = float(ends[jn]), jn
        def left(i: int) -> float:  # the script's length from sentence i on, in the rehearsal
            return float(self.voice_cum[n] - self.voice_cum[i] + self.gap_cum[n - 1] - self.gap_cum[i])

        for i in range(1, n):
            if left(i) * rates[min(i, n - 1)] < MIN_UNREAD_MS:
                break  # a few closing words missed are read as said quickly, not as a recording that stops
            early = float(cost[i, m] + unread_per_s * left(i) * rates[min(i, n - 1)] / 1000.0)
            if early < best:
                best_i, best_j, best = i, m, early
        blocks = []
        i, j = best_i, best_j
        level = int(end_level[i, j])
        while i > 0:
            k, l, before = (int(x) for x in choice[level, i, j])
            if k == 0:
                break
            blocks.append((i - k, i, j - l, j))
            self.levels_used[self.expected[i - k].section] = float(LEVELS[level])
            i, j, level = i - k, j - l, before
        blocks.reverse()
        return blocks, best_i, best


def align(expected: list[Expected], speech: list[Span], taps: dict[int, int] | None = None) -> Alignment:
    """Place each expected sentence in the heard speech (see the module's notes)."""
    if not expected or not speech:
        return Alignment((), 0 if expected else None, {}, 1.0, ())
    problem = _Problem(expected, speech, dict(taps or {}))
    heard_span = speech[-1].end_ms - speech[0].start_ms
    script_span = problem.voice_cum[-1] + problem.gap_cum[-2] if len(expected) > 1 else problem.voice_cum[-1]
    full = heard_span / max(script_span, 1.0)
    best = None
    # A recording much shorter than the script is read fast or stops early. Durations alone cannot tell (the
    # whole script squeezed evenly fits as well as half of it at the voice's pace), so the rate decides: under
    # SHORT_RATE of the voice's time is faster than anyone speaks, and the recording is taken to stop early.
    for start_rate in ([1.0] if full < SHORT_RATE else [full]):
        unread = UNREAD_PER_S if start_rate == full else SHORT_UNREAD_PER_S
        # Where a short recording stops, each sentence placed earns its edge reward: an ordinary pause's worth of
        # it is taken back, so placing more sentences is not a gain in itself.
        bias = 0.0 if start_rate == full else float(np.median(problem.pause_value[1:])) if problem.m > 1 else 0.0
        rates = [_bounded(start_rate)] * len(expected)
        blocks, reached, cost = problem.solve(rates, unread, bias)
        for _ in range(REFINE if start_rate == full else 0):  # a short recording: too little to learn rates from
            section_rates, rate = _rates(problem, blocks, expected)
            rates = [_bounded(section_rates.get(e.section, rate)) for e in expected]
            blocks, reached, cost = problem.solve(rates, unread, bias)
        cost += RATE_PRIOR * sum(math.log(rates[a]) ** 2 for a, _, _, _ in blocks)
        if best is None or cost < best[0]:
            best = (cost, blocks, reached, rates)
    _, blocks, reached, rates = best
    rates = [r * problem.levels_used.get(e.section, 1.0) for r, e in zip(rates, expected)]
    section_rates, rate = _rates(problem, blocks, expected)
    placed: list[Placed] = []
    errors = []
    for a, i, b, j in blocks:
        start, end = float(problem.starts[b]), float(problem.ends[j - 1])
        span = problem.expected_span(a, i) * rates[a]
        errors.append(abs(math.log(max(end - start, 50.0) / max(span, 1.0))))
        cuts = _cuts(problem, a, i, b, j)
        for offset, (s, e) in enumerate(cuts):
            placed.append(Placed(a + offset, int(round(s)), int(round(e)), at_pause=offset == 0 and a > 0 and b > 0))
    stopped = reached if reached < len(expected) else None
    return Alignment(tuple(placed), stopped, section_rates, rate, tuple(errors))


def _bounded(rate: float) -> float:
    return min(max(rate, RATE_RANGE[0]), RATE_RANGE[1])


def _rates(problem: _Problem, blocks: list[tuple[int, int, int, int]], expected: list[Expected]) -> tuple[dict[int, float], float]:
    heard: dict[int, float] = {}
    voice: dict[int, float] = {}
    for a, i, b, j in blocks:
        section = expected[a].section
        heard[section] = heard.get(section, 0.0) + float(problem.ends[j - 1] - problem.starts[b])
        voice[section] = voice.get(section, 0.0) + problem.expected_span(a, i)
    total_voice = sum(voice.values())
    overall = sum(heard.values()) / total_voice if total_voice else 1.0
    overall = max(overall, 0.05)
    rates = {
        s: math.exp(RATE_SHRINK * math.log(max(heard[s], 1.0) / max(voice[s], 1.0)) + (1 - RATE_SHRINK) * math.log(overall))
        for s in heard
    }
    return rates, overall


def _cuts(problem: _Problem, a: int, i: int, b: int, j: int) -> list[tuple[float, float]]:
    """Start and end of each sentence of a block: one sentence spans the block; sentences run together share it by
    their rehearsal lengths, each cut moved to a pause inside the block when one is near."""
    start, end = float(problem.starts[b]), float(problem.ends[j - 1])
    if i - a == 1:
        return [(start, end)]
    voices = [problem.expected[x].voice_ms for x in range(a, i)]
    total = float(sum(voices)) or 1.0
    cuts: list[tuple[float, float]] = []
    at = start
    acc = 0.0
    inner = [(float(problem.ends[x - 1]), float(problem.starts[x])) for x in range(b + 1, j)]
    for x, v in enumerate(voices[:-1]):
        acc += v
        point = start + (end - start) * acc / total
        near = [p for p in inner if abs((p[0] + p[1]) / 2 - point) < 0.15 * (end - start) and p[0] > at]
        if near:
            pause = min(near, key=lambda p: abs((p[0] + p[1]) / 2 - point))
            cuts.append((at, pause[0]))
            at = pause[1]
        else:
            cuts.append((at, point))
            at = point
    cuts.append((at, end))
    return cuts
