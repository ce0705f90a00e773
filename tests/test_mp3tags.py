"""ID3 tags and chapters, read back with mutagen and with ffmpeg (the reader most players build on)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from lectern.ffmpeg import encode_mp3, ffmpeg_exe
from lectern.model import TimedSection, TimedSentence, Timeline
from lectern.audio.mp3tags import read_chapters, tag_rehearsal, tag_section

LONG = "（一）坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，加快构建新发展格局，着力推动高质量发展，更好统筹发展和安全，奋力开创各项工作新局面"


def timeline(titles: list[str], step_ms: int = 1000, speaker: str | None = "王明") -> Timeline:
    sections = tuple(
        TimedSection(i, 1, None, t, i * step_ms, (i + 1) * step_ms,
                     (TimedSentence(t, i * step_ms, i * step_ms + 500),))
        for i, t in enumerate(titles)
    )
    return Timeline("rehearsal.mp3", len(titles) * step_ms, "espeak", "cmn", sections, title="讲话", speaker=speaker)


@pytest.fixture
def silent_mp3(tmp_path: Path) -> Path:
    pcm = tmp_path / "s.pcm"
    pcm.write_bytes(bytes(2 * 24000 * 4))
    out = tmp_path / "s.mp3"
    encode_mp3(pcm, 24000, out)
    return out


def ffmpeg_chapters(path: Path) -> list[tuple[float, float, str]]:
    err = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr
    found = re.findall(r"Chapter #0:\d+: start (\d+\.\d+), end (\d+\.\d+)\n\s+Metadata:\n\s+title\s+: (.*)", err)
    return [(float(a), float(b), t.strip()) for a, b, t in found]


def test_long_chinese_chapter_titles_survive_in_mutagen_and_ffmpeg(silent_mp3: Path) -> None:
    titles = ["开场", LONG, "二、" + LONG, "结束语"]
    assert all(len(t.encode("utf-16-le")) >= 128 for t in titles[1:3])
    tag_rehearsal(silent_mp3, timeline(titles))
    assert read_chapters(silent_mp3) == tuple((t, i * 1000, (i + 1) * 1000) for i, t in enumerate(titles))
    # ffmpeg lists CHAP frames in file order and ignores CTOC: they must be in time order in the file.
    assert ffmpeg_chapters(silent_mp3) == [(i * 1.0, i + 1.0, t) for i, t in enumerate(titles)]


def test_rehearsal_tags_are_id3v23_with_album_speaker_and_toc(silent_mp3: Path) -> None:
    tag_rehearsal(silent_mp3, timeline(["a", "b"]))
    tags = ID3(silent_mp3)
    assert tags.version[:2] == (2, 3)
    assert str(tags["TIT2"]) == "讲话" and str(tags["TPE1"]) == "王明" and str(tags["TALB"]) == "lectern rehearsal"
    toc = tags.getall("CTOC")[0]
    assert list(toc.child_element_ids) == ["chp0", "chp1"]


def test_retagging_replaces_old_chapters_and_unknown_speaker_is_left_out(silent_mp3: Path) -> None:
    tag_rehearsal(silent_mp3, timeline(["a", "b", "c"]))
    tag_rehearsal(silent_mp3, timeline(["x"], speaker=None))
    assert read_chapters(silent_mp3) == (("x", 0, 1000),)
    assert "TPE1" not in ID3(silent_mp3)


def test_empty_title_falls_back_to_the_marker(silent_mp3: Path) -> None:
    base = timeline(["", "b"])
    sections = (TimedSection(0, 1, "一是", "", 0, 1000, ()), base.sections[1])
    tag_rehearsal(silent_mp3, Timeline("rehearsal.mp3", 2000, "espeak", "cmn", sections))
    assert [c[0] for c in read_chapters(silent_mp3)] == ["一是", "b"]
    assert str(ID3(silent_mp3)["TIT2"]) == "Rehearsal"


def test_section_file_tags(silent_mp3: Path) -> None:
    tl = timeline(["开场", LONG])
    tag_section(silent_mp3, tl, tl.sections[1], number=2, total=2)
    tags = ID3(silent_mp3)
    assert str(tags["TIT2"]) == LONG and str(tags["TRCK"]) == "2/2"
    assert str(tags["TALB"]) == "讲话 · lectern rehearsal"
    assert tags.version[:2] == (2, 3)
