"""Chapter tracks: a WebVTT chapters file and podcast-namespace ``chapters.json``, one chapter per section.

Also home of :func:`chapter_title`, the one way every writer names a section (CUE tracks, chapters, script marks),
so a listener sees the same name in the player, the cue sheet and the printed script.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from lectern.errors import InputError
from lectern.model import Timeline
from lectern.timecode import ms_to_seconds, ms_to_vtt, seconds_to_ms
from lectern.writers.subtitles import parse_vtt_blocks, vtt_text

PODCAST_CHAPTERS_VERSION = "1.2.0"  # https://github.com/Podcastindex-org/podcast-namespace chapters spec
UNTITLED_EXCERPT = 16  # characters of the first sentence that name a section with no title


class _SpokenText(Protocol):
    @property
    def text(self) -> str: ...


class _Titled(Protocol):
    """Both the planned :class:`~lectern.model.Section` and the measured :class:`~lectern.model.TimedSection`."""

    @property
    def index(self) -> int: ...
    @property
    def marker(self) -> str | None: ...
    @property
    def title(self) -> str: ...
    @property
    def sentences(self) -> Sequence[_SpokenText]: ...


def heading_text(marker: str | None, title: str) -> str:
    """Marker and title as one heading, the marker shown once: ``一是`` + ``所有工作…`` → ``一是所有工作…``.

    >>> heading_text("1.", "The economy"), heading_text("一、", "一、坚持"), heading_text(None, "开场")
    ('1. The economy', '一、坚持', '开场')
    """
    title = " ".join(title.split())
    marker = (marker or "").strip()
    if marker and not title.startswith(marker):
        # "一、坚持" and "一、GDP" read as written; "1. The economy" keeps the space a Latin title had after its
        # Latin marker.
        latin = marker[-1:].isascii() and title[:1].isascii() and title[:1].isalnum()
        title = f"{marker} {title}" if latin else marker + title
    return title


def chapter_title(section: _Titled) -> str:
    """The section's name as a speaker says it: marker and title on one line (``一是所有工作都要负起责任来``).

    Structure may keep the marker in the title or not; it is shown once either way. A section with no title (an
    opening before the first heading) is named by the start of what is said, which is what a listener recognises.

    >>> from lectern.model import TimedSection, TimedSentence
    >>> chapter_title(TimedSection(1, 1, "一、", "所有工作都要负起责任来", 0, 1, ()))
    '一、所有工作都要负起责任来'
    >>> chapter_title(TimedSection(2, 1, "First,", "responsibility", 0, 1, ()))
    'First, responsibility'
    >>> chapter_title(TimedSection(0, 0, None, "", 0, 1, (TimedSentence("今天是10月9日，节后上班第一天。", 0, 1),)))
    '今天是10月9日，节后上班第一天…'
    """
    title = heading_text(section.marker, section.title)
    if title:
        return title
    for sentence in section.sentences:
        spoken = " ".join(sentence.text.split())
        if spoken:
            return spoken if len(spoken) <= UNTITLED_EXCERPT else spoken[:UNTITLED_EXCERPT] + "…"
    return f"§{section.index + 1}"


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
