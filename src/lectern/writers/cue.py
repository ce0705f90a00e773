"""The CUE sheet: one track per section of ``rehearsal.mp3``, so a player (foobar2000, VLC, a CD burner) can jump
to "二是…" the way a speaker thinks of the speech.

The format has limits lectern must respect (CDRWIN cue sheet, as read by foobar2000 and libcue):

* at most :data:`MAX_TRACKS` tracks. With more sections, deeper levels are merged into their parent first: keep the
  sections of level ≤ L for the deepest L that fits, so a 2-hour report keeps every 一、 and （一） and folds the
  1. and （1） into them. Levels 0 (opening, closing) and 1 are always kept; if even those exceed 99 (a list of
  hundreds of 一是… items) the first 99 are kept and the rest play on inside track 99.
* no escape for ``"`` inside a quoted string: straight quotes in a title become “ ” (paired in order), which
  every reader shows correctly; control characters and line breaks become spaces.
* ``INDEX 01 mm:ss:ff`` in 1/75 s frames, rounded down by :mod:`lectern.timecode` so a jump never lands after the
  first syllable; minutes go past 99 for long speeches, as foobar2000 and libcue read them.
* encoding: UTF-8. foobar2000 needs the BOM to take a cue sheet as UTF-8 (it assumes the system code page
  otherwise); other readers choke on it, hence ``bom=`` (``lectern build --bom``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from lectern.errors import InputError
from lectern.model import TimedSection, Timeline
from lectern.timecode import cue_to_ms, ms_to_cue
from lectern.model import chapter_title

MAX_TRACKS = 99  # two-digit TRACK numbers: the Red Book limit every cue reader assumes
BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class CueTrack:
    number: int
    title: str
    performer: str | None
    start_ms: int  # INDEX 01, read back: at most one frame (13.3 ms) before the section's true start


@dataclass(frozen=True, slots=True)
class CueSheet:
    file: str
    title: str | None
    performer: str | None
    tracks: tuple[CueTrack, ...]


def cue_text(text: str) -> str:
    """A string that is legal inside a CUE ``"…"`` field.

    >>> cue_text('他说"我的岗位我负责"\\n好')
    '他说“我的岗位我负责” 好'
    """
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    opening = True
    out = []
    for ch in " ".join(text.split()):
        if ch == '"':
            out.append("“" if opening else "”")
            opening = not opening
        else:
            out.append(ch)
    return "".join(out)


def cue_tracks(timeline: Timeline) -> tuple[TimedSection, ...]:
    """The sections that become tracks: all of them when they fit, else the shallowest levels that fit."""
    sections = timeline.sections
    if len(sections) <= MAX_TRACKS:
        return sections
    levels = sorted({max(s.level, 1) for s in sections})
    kept: tuple[TimedSection, ...] = ()
    for level in levels:
        shallower = tuple(s for s in sections if s.level <= level)
        if len(shallower) > MAX_TRACKS:
            break
        kept = shallower
    if not kept:
        kept = tuple(s for s in sections if s.level <= levels[0])[:MAX_TRACKS]
    return kept


def _file_type(audio: str) -> str:
    return "MP3" if PurePosixPath(audio).suffix.lower() == ".mp3" else "WAVE"


def render_cue(timeline: Timeline, *, performer: str | None = None, bom: bool = False) -> str:
    """The cue sheet for ``timeline.audio``. ``performer`` (else the timeline's speaker) names every track.

    >>> from lectern.model import TimedSection
    >>> sections = (TimedSection(0, 0, None, "开场", 480, 5000, ()), TimedSection(1, 1, "一是", '"责任"', 62_500, 90_000, ()))
    >>> print(render_cue(Timeline("rehearsal.mp3", 90_000, "espeak", "cmn", sections, title="讲话"), performer="王明"), end="")
    TITLE "讲话"
    PERFORMER "王明"
    FILE "rehearsal.mp3" MP3
      TRACK 01 AUDIO
        TITLE "开场"
        PERFORMER "王明"
        INDEX 01 00:00:36
      TRACK 02 AUDIO
        TITLE "一是“责任”"
        PERFORMER "王明"
        INDEX 01 01:02:37
    """
    performer = performer or timeline.speaker
    rows = []
    if timeline.title:
        rows.append(f'TITLE "{cue_text(timeline.title)}"')
    if performer:
        rows.append(f'PERFORMER "{cue_text(performer)}"')
    rows.append(f'FILE "{cue_text(timeline.audio)}" {_file_type(timeline.audio)}')
    for number, section in enumerate(cue_tracks(timeline), start=1):
        rows.append(f"  TRACK {number:02d} AUDIO")
        rows.append(f'    TITLE "{cue_text(chapter_title(section))}"')
        if performer:
            rows.append(f'    PERFORMER "{cue_text(performer)}"')
        rows.append(f"    INDEX 01 {ms_to_cue(section.start_ms)}")
    return (BOM if bom else "") + "\n".join(rows) + "\n"


# Lenient: keywords in any case, values quoted or bare, CRLF, a BOM, REM lines and commands lectern never writes.
_COMMAND = re.compile(r'^\s*(?P<key>[A-Za-z]+)\s*(?P<rest>.*?)\s*$')
_QUOTED = re.compile(r'^"(?P<text>[^"]*)"(?P<after>.*)$')


def _value(rest: str) -> tuple[str, str]:
    """The first field of a command (quoted or bare) and what follows it."""
    if quoted := _QUOTED.match(rest):
        return quoted["text"], quoted["after"].strip()
    first, _, after = rest.partition(" ")
    return first, after.strip()


def parse_cue_sheet(text: str, *, path: str = "rehearsal.cue") -> CueSheet:
    """Read a cue sheet back (for tests): the file, the disc title/performer and every track's INDEX 01."""
    file = ""
    title = performer = None
    tracks: list[CueTrack] = []
    current: dict | None = None

    def close(line_no: int) -> None:
        if current is None:
            return
        if current.get("start_ms") is None:
            raise InputError(f"line {line_no}: TRACK {current['number']:02d} has no INDEX 01", path=path)
        tracks.append(CueTrack(current["number"], current.get("title", ""), current.get("performer"), current["start_ms"]))

    lines = text.lstrip(BOM).splitlines()
    for line_no, row in enumerate(lines, start=1):
        command = _COMMAND.match(row)
        if not command:
            continue
        key, rest = command["key"].upper(), command["rest"]
        if key == "FILE":
            file, _ = _value(rest)
        elif key == "TRACK":
            close(line_no)
            number, _ = _value(rest)
            if not number.isdigit():
                raise InputError(f"line {line_no}: TRACK needs a number, got {number!r}", path=path)
            current = {"number": int(number), "start_ms": None}
        elif key in ("TITLE", "PERFORMER"):
            value, _ = _value(rest)
            if current is None:
                title, performer = (value, performer) if key == "TITLE" else (title, value)
            else:
                current[key.lower()] = value
        elif key == "INDEX" and current is not None:
            index, stamp = _value(rest)
            if index.isdigit() and int(index) == 1:
                try:
                    current["start_ms"] = cue_to_ms(stamp)
                except InputError as e:
                    raise InputError(f"line {line_no}: {e.message}", path=path) from e
    close(len(lines))
    if not file:
        raise InputError("no FILE line: not a cue sheet", path=path)
    return CueSheet(file, title, performer, tuple(tracks))


def parse_cue(text: str) -> list[tuple[str, int]]:
    """(title, start_ms) of every track, in order."""
    return [(track.title, track.start_ms) for track in parse_cue_sheet(text).tracks]
