"""ID3 tags and chapters for the rehearsal MP3s (mutagen).

Chapters are ID3v2 ``CHAP`` frames (start/end ms and a ``TIT2`` title sub-frame) under one ``CTOC`` table of
contents, the form podcast players and ffmpeg read. Tags are saved as ID3v2.3: ffmpeg reads a v2.4 frame size as a
plain integer and silently drops a CHAP whose title sub-frame is ≥ 128 bytes, which a long Chinese heading such as
``（一）坚持稳中求进…`` easily is (see docs "Pitfalls measured on this machine"). v2.3 has no UTF-8, so mutagen
stores the titles as UTF-16, which every reader handles.
"""

from __future__ import annotations

from pathlib import Path

from mutagen.id3 import (
    CHAP,
    CTOC,
    ID3,
    TALB,
    TIT2,
    TPE1,
    TRCK,
    CTOCFlags,
    ID3NoHeaderError,
)

from lectern.errors import OutputError
from lectern.model import TimedSection, Timeline
from lectern.model import chapter_title

ALBUM = "lectern rehearsal"
TOC_ID = "toc"
# A CHAP's byte offsets are unknown to us (the audio is measured in time); 0xFFFFFFFF means "use the times".
_NO_OFFSET = 0xFFFFFFFF


class _ChapterOrderID3(ID3):
    """mutagen sorts frames by size, which puts a long-titled chapter after shorter ones. ffmpeg lists CHAP
    frames in file order (it ignores CTOC), so an ffmpeg-based player would show the chapters shuffled: write the
    chapters in time order, after the text frames and the table of contents."""

    def _write(self, config):  # type: ignore[no-untyped-def]
        try:
            from mutagen.id3._tags import save_frame
        except ImportError:  # a future mutagen: fall back to its own order
            return super()._write(config)

        def rank(frame):  # type: ignore[no-untyped-def]
            if frame.FrameID == "CHAP":
                return (2, frame.start_time, frame.element_id)
            return (1 if frame.FrameID == "CTOC" else 0, 0, frame.HashKey)

        return bytearray().join(save_frame(f, config=config) for f in sorted(self.values(), key=rank))


def _fresh_tags(path: Path) -> ID3:
    try:
        tags = _ChapterOrderID3(path)
        tags.clear()
    except ID3NoHeaderError:
        tags = _ChapterOrderID3()
    return tags


def _save(tags: ID3, path: Path) -> None:
    try:
        tags.save(path, v2_version=3)
    except OSError as e:
        raise OutputError(f"cannot write MP3 tags: {e.strerror or e}", path=str(path)) from e


def tag_rehearsal(path: Path, timeline: Timeline, *, album: str = ALBUM) -> None:
    """Title, speaker, album and one chapter per section, in ``CTOC`` order.

    Chapter times are the timeline's section times (measured from the assembled audio), so the chapters, the CUE
    sheet and timings.json agree to the millisecond.
    """
    tags = _fresh_tags(path)
    tags.add(TIT2(encoding=1, text=[timeline.title or "Rehearsal"]))
    if timeline.speaker:
        tags.add(TPE1(encoding=1, text=[timeline.speaker]))
    tags.add(TALB(encoding=1, text=[album]))
    ids = []
    for n, section in enumerate(timeline.sections):
        element_id = f"chp{n}"
        ids.append(element_id)
        tags.add(
            CHAP(
                element_id=element_id,
                start_time=section.start_ms,
                end_time=max(section.end_ms, section.start_ms),
                start_offset=_NO_OFFSET,
                end_offset=_NO_OFFSET,
                sub_frames=[TIT2(encoding=1, text=[chapter_title(section)])],
            )
        )
    if ids:
        tags.add(
            CTOC(
                element_id=TOC_ID,
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=1, text=["Sections"])],
            )
        )
    _save(tags, path)


def tag_section(path: Path, timeline: Timeline, section: TimedSection, *, number: int, total: int,
                album: str = ALBUM) -> None:
    """Tags for one per-section file: a player lists them as the tracks of one album, in speaking order."""
    tags = _fresh_tags(path)
    tags.add(TIT2(encoding=1, text=[chapter_title(section)]))
    if timeline.speaker:
        tags.add(TPE1(encoding=1, text=[timeline.speaker]))
    tags.add(TALB(encoding=1, text=[f"{timeline.title} · {album}" if timeline.title else album]))
    tags.add(TRCK(encoding=1, text=[f"{number}/{total}"]))
    _save(tags, path)


def read_chapters(path: Path) -> tuple[tuple[str, int, int], ...]:
    """(title, start_ms, end_ms) per chapter in table-of-contents order, read back with mutagen (for tests)."""
    tags = ID3(path)
    chapters = {frame.element_id: frame for frame in tags.getall("CHAP")}
    tocs = tags.getall("CTOC")
    order = list(tocs[0].child_element_ids) if tocs else sorted(chapters)
    found = []
    for element_id in order:
        frame = chapters[element_id]
        title = str(frame.sub_frames["TIT2"].text[0]) if "TIT2" in frame.sub_frames else ""
        found.append((title, frame.start_time, frame.end_time))
    return tuple(found)
