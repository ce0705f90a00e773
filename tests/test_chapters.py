"""Chapters: a WebVTT chapters track and podcast-namespace JSON, one chapter per section, tiling the audio."""

from __future__ import annotations

import doctest
import json

import pytest
from hypothesis import given

from lectern.errors import InputError
from lectern import model
from lectern.model import TimedSection, TimedSentence, Timeline, chapter_title
from lectern.writers import chapters
from lectern.writers.chapters import (
    Chapter,
    parse_chapters_json,
    parse_chapters_vtt,
    render_chapters_json,
    render_chapters_vtt,
)
from tests.strategies import PROPERTY, timelines



def test_doctests_pass() -> None:
    # chapter_title and heading_text live in the model (one section name for every writer and the ID3 tags).
    results = [doctest.testmod(chapters), doctest.testmod(model)]
    assert sum(r.attempted for r in results) >= 4
    assert sum(r.failed for r in results) == 0


@PROPERTY
@given(timelines())
def test_chapters_round_trip_exactly_and_tile_the_audio(timeline: Timeline) -> None:
    titles = [chapter_title(s) for s in timeline.sections]
    starts = [s.start_ms for s in timeline.sections]
    from_json = parse_chapters_json(render_chapters_json(timeline))
    assert [c.title for c in from_json] == titles
    assert [c.start_ms for c in from_json] == starts
    from_vtt = parse_chapters_vtt(render_chapters_vtt(timeline))
    assert [c.title for c in from_vtt] == titles
    assert [c.start_ms for c in from_vtt] == starts
    assert [c.end_ms for c in from_vtt[:-1]] == starts[1:]
    assert from_vtt[-1].end_ms == max(timeline.duration_ms, timeline.sections[-1].end_ms)


def test_exact_json_and_vtt() -> None:
    sections = (
        TimedSection(0, 0, None, "", 480, 5000, (TimedSentence("同志们：", 480, 1500),)),
        TimedSection(1, 1, "一是", "所有工作都要负起责任来", 12_500, 60_000, ()),
    )
    timeline = Timeline("rehearsal.mp3", 61_234, "edge", "zh-CN-YunyangNeural", sections)
    assert json.loads(render_chapters_json(timeline)) == {
        "version": "1.2.0",
        "chapters": [{"startTime": 0.48, "title": "同志们："}, {"startTime": 12.5, "title": "一是所有工作都要负起责任来"}],
    }
    assert render_chapters_vtt(timeline) == (
        "WEBVTT\n\n"
        "1\n00:00:00.480 --> 00:00:12.500\n同志们：\n\n"
        "2\n00:00:12.500 --> 00:01:01.234\n一是所有工作都要负起责任来\n"
    )


@pytest.mark.parametrize(
    ("marker", "title", "expected"),
    [
        ("一、", "坚持稳中求进", "一、坚持稳中求进"),
        ("一、", "一、坚持稳中求进", "一、坚持稳中求进"),  # structure kept the marker in the title
        (None, "  Looking  ahead ", "Looking ahead"),
        ("第一，", "", "第一，"),
        ("1.", "The economy", "1. The economy"),
        ("(1)", "2024年", "(1) 2024年"),
    ],
)
def test_chapter_title(marker: str | None, title: str, expected: str) -> None:
    assert chapter_title(TimedSection(0, 1, marker, title, 0, 1, ())) == expected


def test_untitled_section_is_named_by_its_first_words() -> None:
    long = TimedSentence("Good morning everyone, and thank you for coming.", 0, 1)
    assert chapter_title(TimedSection(0, 0, None, "", 0, 1, (long,))) == "Good morning eve…"
    assert chapter_title(TimedSection(4, 0, None, "", 0, 1, ())) == "§5"


def test_bad_chapters_json_is_an_input_error() -> None:
    with pytest.raises(InputError, match="chapters.json: not a podcast chapters file"):
        parse_chapters_json('{"version": "1.2.0", "chapters": [{"title": "no start"}]}')
    with pytest.raises(InputError):
        parse_chapters_json("[")
    assert parse_chapters_json('{"chapters": [{"startTime": 1.25}]}') == (Chapter("", 1250),)
