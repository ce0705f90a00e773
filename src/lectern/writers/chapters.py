"""Chapter tracks: a WebVTT chapters file and podcast-namespace ``chapters.json``, one chapter per section.

Sections are named by :func:`lectern.model.chapter_title`, the one name the player, the cue sheet, the ID3 chapters
and the printed script share.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from lectern.errors import InputError
from lectern.model import Timeline, chapter_title
from lectern.timecode import ms_to_seconds, ms_to_vtt, seconds_to_ms
from lectern.writers.subtitles import parse_vtt_blocks, vtt_text

PODCAST_CHAPTERS_VERSION = "1.2.0"  # https://github.com/Podcastindex-org/podcast-namespace chapters spec


@dataclass(frozen=True, slots=True)
class Chapter:
    title: str
    start_ms: int
    end_ms: int | None = None


def _chapters(timeline: Timeline) -> tuple[Chapter, ...]:
    """Chapters tile the audio: each runs to the next section's start, so the pause after a section stays in it
    and a player's "next chapter" always lands on speech."""
    sections = timeline.sections
    chapters = []
    for i, section in enumerate(sections):
        end = sections[i + 1].start_ms if i + 1 < len(sections) else max(section.end_ms, timeline.duration_ms)
        chapters.append(Chapter(chapter_title(section), section.start_ms, max(end, section.start_ms)))
    return tuple(chapters)


def render_chapters_vtt(timeline: Timeline) -> str:
    """A WebVTT chapters track (``<track kind="chapters">``), one cue per section, titles escaped for WebVTT.

    >>> from lectern.model import TimedSection
    >>> t = Timeline("rehearsal.mp3", 9000, "espeak", "cmn", (TimedSection(0, 1, "一、", "A&B", 500, 4000, ()),))
    >>> print(render_chapters_vtt(t), end="")
    WEBVTT
    <BLANKLINE>
    1
    00:00:00.500 --> 00:00:09.000
    一、A&amp;B
    """
    blocks = ["WEBVTT\n"]
    for number, chapter in enumerate(_chapters(timeline), start=1):
        end = chapter.end_ms if chapter.end_ms is not None else chapter.start_ms
        blocks.append(f"{number}\n{ms_to_vtt(chapter.start_ms)} --> {ms_to_vtt(end)}\n{vtt_text(chapter.title)}\n")
    return "\n".join(blocks)


def parse_chapters_vtt(text: str) -> tuple[Chapter, ...]:
    """Read a chapters track back (for tests and ``lectern report``)."""
    return tuple(Chapter(" ".join(cue.lines), cue.start_ms, cue.end_ms) for cue in parse_vtt_blocks(text))


def render_chapters_json(timeline: Timeline) -> str:
    """Podcast namespace chapters (``<podcast:chapters type="application/json+chapters">``), startTime in seconds.

    >>> from lectern.model import TimedSection
    >>> t = Timeline("rehearsal.mp3", 9000, "espeak", "cmn", (TimedSection(0, 1, "一是", "责任", 12_500, 14_000, ()),))
    >>> print(render_chapters_json(t), end="")
    {
      "version": "1.2.0",
      "chapters": [
        {
          "startTime": 12.5,
          "title": "一是责任"
        }
      ]
    }
    """
    document = {
        "version": PODCAST_CHAPTERS_VERSION,
        "chapters": [
            {"startTime": ms_to_seconds(c.start_ms), "title": c.title} for c in _chapters(timeline)
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def parse_chapters_json(text: str, *, path: str = "chapters.json") -> tuple[Chapter, ...]:
    """Read ``chapters.json`` back: (title, start) per chapter, start exact to the ms."""
    try:
        document = json.loads(text)
        return tuple(
            Chapter(str(c.get("title", "")), seconds_to_ms(float(c["startTime"]))) for c in document["chapters"]
        )
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise InputError(f"not a podcast chapters file ({e})", path=path) from e
