"""The one interface every speech engine implements.

An engine renders one piece of text with one voice and returns raw PCM plus the boundaries it knows. It does not
cache, split text or place pauses: :mod:`lectern.audio.synthesize` does that for every engine alike, so an engine is small
and each one's quirks stay in its own module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from lectern.model import Boundary, Voice


@dataclass(frozen=True, slots=True)
class Rendering:
    """What an engine returns for one text: mono s16le PCM at ``sample_rate``, and boundaries where known."""

    pcm: bytes
    sample_rate: int
    boundaries: tuple[Boundary, ...] = ()

    @property
    def duration_ms(self) -> int:
        return len(self.pcm) // 2 * 1000 // self.sample_rate


@runtime_checkable
class Engine(Protocol):
    name: str  # "edge" | "espeak"
    version: str  # part of every cache key: a new engine version re-renders
    concurrency: int  # how many render() calls may run at once (1 for engines with global state)

    async def render(self, text: str, voice: Voice) -> Rendering:
        """Render ``text``; raise :class:`lectern.errors.EngineError` (naming the text) after any retries."""
        ...
