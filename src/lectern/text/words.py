"""English whose spaces a scraper stripped (``Ladiesandgentlemen,itismyhonour…``): word boundaries restored.

A voice cannot read ``itismyhonourtowelcomeyou``; spelling it out letter by letter would be worse. The boundaries are
recovered by the most probable split into English words (a unigram model: wordninja's list of 126,000 words ranked
by frequency in English Wikipedia, cost = log of the rank, as in wordninja), with a dynamic programme over the
letters of each glued run. Only a document that is mostly such runs is touched, and only its runs of 12 letters or
more; ordinary English (``Supercalifragilistic`` once in a speech) is left alone.

Linear: each letter is looked at with at most :data:`MAX_WORD` candidate word ends. A document with more glued
letters than :data:`MAX_LETTERS` is left as it is and the caller says so (a warning, not minutes of work).
"""

from __future__ import annotations

import gzip
import math
import re
from functools import cache
import importlib.util
from pathlib import Path

MAX_WORD = 20  # letters of the longest word tried (longer English words are rare enough to lose)
MAX_LETTERS = 40_000
MIN_RUN = 12  # a run shorter than this is a word, or two, left as written
GLUED_SHARE = 0.5  # of the letters, in runs of 20 letters or more: a stripped document
UNKNOWN_COST = 1e9

_RUN = re.compile(r"[A-Za-z]{%d,}" % MIN_RUN)
_LETTERS = re.compile(r"[A-Za-z]+")
_AFTER_MARK = re.compile(r"(?<=[A-Za-z][,;:])(?=[A-Za-z])|(?<=[a-z][.!?])(?=[A-Z][a-z])")


@cache
def _costs() -> dict[str, float]:
    # wordninja is one module with its word list beside it; importing it would build its own model first.
    spec = importlib.util.find_spec("wordninja")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("wordninja")
    words = gzip.decompress((Path(spec.origin).parent / "wordninja" / "wordninja_words.txt.gz").read_bytes()).decode().split()
    scale = math.log(len(words))
    return {w: math.log((i + 1) * scale) for i, w in enumerate(words) if len(w) <= MAX_WORD}


def is_stripped(text: str) -> bool:
    """Mostly letters glued into runs of 20 or more: an English text whose spaces were stripped."""
    runs = _LETTERS.findall(text)
    letters = sum(map(len, runs))
    glued = sum(len(r) for r in runs if len(r) >= 20)
    return letters >= 200 and glued >= GLUED_SHARE * letters


def split_run(run: str, costs: dict[str, float] | None = None) -> list[str]:
    """The most probable words of a run of letters, as written (case kept)."""
    costs = costs if costs is not None else _costs()
    low = run.lower()
    n = len(low)
    best = [0.0] + [0.0] * n
    back = [0] * (n + 1)
    for i in range(1, n + 1):
        top, length = UNKNOWN_COST * i, 1
        for k in range(1, min(MAX_WORD, i) + 1):
            c = best[i - k] + costs.get(low[i - k : i], UNKNOWN_COST)
            if c < top:
                top, length = c, k
        best[i], back[i] = top, length
    words = []
    i = n
    while i > 0:
        words.append(run[i - back[i] : i])
        i -= back[i]
    return words[::-1]


def restore(text: str) -> tuple[str, int]:
    """``text`` with the word boundaries of its glued runs restored, and the number of runs split (0: untouched,
    -1: a stripped text too long to restore)."""
    if not is_stripped(text):
        return text, 0
    if sum(len(m.group(0)) for m in _RUN.finditer(text)) > MAX_LETTERS:
        return text, -1
    costs = _costs()
    count = 0

    def split(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return " ".join(split_run(m.group(0), costs))

    text = _RUN.sub(split, text)
    return _AFTER_MARK.sub(" ", text), count
