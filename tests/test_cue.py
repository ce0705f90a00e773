"""CUE sheet: INDEX 01 within one frame (never after) of each section start, ≤ 99 tracks, legal quoted fields."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lectern.errors import InputError
from lectern.model import TimedSection, Timeline
from lectern.writers import cue
from lectern.model import chapter_title
from lectern.writers.cue import MAX_TRACKS, cue_text, cue_tracks, parse_cue, parse_cue_sheet, render_cue
from tests.strategies import PROPERTY, timelines

FRAME_MS = 1000 / 75


def _sections(levels: list[int], step_ms: int = 10_000) -> tuple[TimedSection, ...]:
    return tuple(
        TimedSection(i, level, None, f"第{i + 1}节", i * step_ms, (i + 1) * step_ms - 1000, ())
        for i, level in enumerate(levels)
    )


def _timeline(sections: tuple[TimedSection, ...], **kw) -> Timeline:
    return Timeline("rehearsal.mp3", len(sections) * 10_000, "espeak", "cmn", sections, **kw)


def test_doctests_pass() -> None:
    assert doctest.testmod(cue).failed == 0


@PROPERTY
@given(timelines())
def test_index_is_the_section_start_within_one_frame_never_after(timeline: Timeline) -> None:
    tracks = parse_cue(render_cue(timeline))
    kept = cue_tracks(timeline)
    assert len(tracks) == len(kept) <= MAX_TRACKS
    for (title, start_ms), section in zip(tracks, kept):
        assert title == cue_text(chapter_title(section))
        assert start_ms <= section.start_ms < start_ms + FRAME_MS
    starts = [start for _, start in tracks]
    assert starts == sorted(starts)


@settings(deadline=None, max_examples=60)
@given(st.lists(st.integers(0, 4), min_size=90, max_size=400))
def test_never_more_than_99_tracks(levels: list[int]) -> None:
    # Titles and text do not matter here (the round trip above covers them); drawing only levels keeps it fast.
    timeline = _timeline(_sections(levels))
    tracks = parse_cue(render_cue(timeline))
    assert 1 <= len(tracks) <= MAX_TRACKS
    kept = cue_tracks(timeline)
    deepest = max(max(s.level for s in kept), 1)
    shallower = [s for s in timeline.sections if s.level <= deepest]
    # Merging drops whole levels, deepest first: every section at or above the deepest kept level is a track,
    # unless the top levels alone overflow, and then they are cut to the first 99.
    assert list(kept) == (shallower if len(shallower) <= MAX_TRACKS else shallower[:MAX_TRACKS])
    assert [t for t, _ in tracks] == [cue_text(chapter_title(s)) for s in kept]
    deeper = [s.level for s in timeline.sections if s.level > deepest]
    if deeper:  # and no more could be kept: the next level down would overflow
        assert sum(1 for s in timeline.sections if s.level <= min(deeper)) > MAX_TRACKS


def test_exact_output_with_bom_performer_and_quotes() -> None:
    sections = (
        TimedSection(0, 0, None, "", 0, 4000, ()),
        TimedSection(1, 1, "一是", '所有工作都要"负起责任"来', 75_040, 90_000, ()),
    )
    text = render_cue(_timeline(sections, title='在节后收心会上的讲话'), performer="王明", bom=True)
    assert text == (
        "\ufeffTITLE \"在节后收心会上的讲话\"\n"
        'PERFORMER "王明"\n'
        'FILE "rehearsal.mp3" MP3\n'
        "  TRACK 01 AUDIO\n"
        '    TITLE "§1"\n'
        '    PERFORMER "王明"\n'
        "    INDEX 01 00:00:00\n"
        "  TRACK 02 AUDIO\n"
        '    TITLE "一是所有工作都要“负起责任”来"\n'
        '    PERFORMER "王明"\n'
        "    INDEX 01 01:15:03\n"
    )
    sheet = parse_cue_sheet(text)
    assert (sheet.file, sheet.title, sheet.performer) == ("rehearsal.mp3", "在节后收心会上的讲话", "王明")
    assert [t.start_ms for t in sheet.tracks] == [0, 75_040]


def test_without_title_or_performer_those_lines_are_left_out() -> None:
    text = render_cue(_timeline(_sections([1])))
    assert text == 'FILE "rehearsal.mp3" MP3\n  TRACK 01 AUDIO\n    TITLE "第1节"\n    INDEX 01 00:00:00\n'


def test_speaker_is_the_default_performer() -> None:
    assert parse_cue_sheet(render_cue(_timeline(_sections([1]), speaker="李华"))).tracks[0].performer == "李华"


def test_long_minutes_go_past_99() -> None:
    sections = (TimedSection(0, 1, None, "late", 2 * 3_600_000 + 500, 2 * 3_600_000 + 900, ()),)
    text = render_cue(_timeline(sections))
    assert "INDEX 01 120:00:37" in text
    assert parse_cue(text) == [("late", 7_200_494)]


def test_more_than_99_sections_merge_the_deepest_levels_first() -> None:
    # 10 level-1 headings, each with 5 level-2 and 5 level-3 sections: 110 sections.
    levels = [0] + [lvl for _ in range(10) for lvl in [1] + [2] * 5 + [3] * 5] + [0]
    timeline = _timeline(_sections(levels))
    tracks = cue_tracks(timeline)
    assert len(levels) == 112
    assert [s.level for s in tracks] == [s.level for s in timeline.sections if s.level <= 2]
    assert len(parse_cue(render_cue(timeline))) == 62


def test_more_than_99_top_level_sections_keep_the_first_99() -> None:
    timeline = _timeline(_sections([1] * 120 + [2] * 3))
    tracks = parse_cue(render_cue(timeline))
    assert len(tracks) == 99
    assert tracks[-1] == ("第99节", 98 * 10_000)


def test_cue_text_is_legal() -> None:
    assert cue_text('a "b" "c') == "a “b” “c"
    assert cue_text("line\nbreak\ttab\x00nul") == "line break tab nul"


def test_parser_is_lenient_and_reports_a_track_without_index() -> None:
    sheet = parse_cue_sheet('\ufeffREM x\r\nfile rehearsal.mp3 MP3\r\ntrack 1 audio\r\ntitle bare\r\nindex 00 00:00:00\r\nindex 01 00:01:00\r\n')
    assert [(t.number, t.title, t.start_ms) for t in sheet.tracks] == [(1, "bare", 1000)]
    with pytest.raises(InputError, match="TRACK 02 has no INDEX 01"):
        parse_cue('FILE "a.mp3" MP3\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n')
    with pytest.raises(InputError, match="line 3: CUE time out of range"):
        parse_cue('FILE "a.mp3" MP3\n  TRACK 01 AUDIO\n    INDEX 01 00:00:80\n')
    with pytest.raises(InputError, match="no FILE line"):
        parse_cue("TITLE \"x\"\n")
