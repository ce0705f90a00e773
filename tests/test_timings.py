"""timings.json: the documented shape, an exact round trip, and one clear InputError per kind of damage."""

from __future__ import annotations

import doctest
import json

import pytest
from hypothesis import given

from lectern.errors import InputError
from lectern.model import Boundary, Language, TimedSection, TimedSentence, Timeline
from lectern.writers import timings
from lectern.writers.timings import parse_timings, render_timings
from tests.strategies import PROPERTY, timelines


SENTENCE = TimedSentence(
    "同志们：", 480, 1500, breath_groups=("同志们：",), words=(Boundary("同志们", 480, 1400),)
)
TIMELINE = Timeline(
    "rehearsal.mp3",
    90_000,
    "edge",
    "zh-CN-YunyangNeural",
    (
        TimedSection(0, 0, None, "开场", 480, 1500, (SENTENCE,)),
        TimedSection(1, 1, "一是", "所有工作都要“负起责任”来", 3300, 88_000, ()),
    ),
    title="在节后收心会上的讲话",
    speaker="王明",
    meta=(("date", "2024年9月20日"),),
)


def test_doctests_pass() -> None:
    assert doctest.testmod(timings).failed == 0


@PROPERTY
@given(timelines())
def test_round_trip_is_exact(timeline: Timeline) -> None:
    text = render_timings(timeline)
    assert parse_timings(text) == timeline
    json.loads(text)  # and it is plain JSON


def test_documented_shape_and_key_order() -> None:
    document = json.loads(render_timings(TIMELINE))
    assert list(document) == ["audio", "duration_ms", "engine", "voice", "sections", "title", "speaker", "language", "meta"]
    assert document["sections"][1] == {
        "index": 1, "level": 1, "marker": "一是", "title": "所有工作都要“负起责任”来",
        "start_ms": 3300, "end_ms": 88_000, "sentences": [],
    }  # fmt: skip
    assert document["sections"][0]["sentences"] == [
        {"text": "同志们：", "start_ms": 480, "end_ms": 1500, "breath_groups": ["同志们："],
         "words": [["同志们", 480, 1400]]}
    ]  # fmt: skip
    assert (document["title"], document["speaker"], document["language"]) == ("在节后收心会上的讲话", "王明", "zh")


def test_text_is_written_as_is_one_sentence_a_line() -> None:
    text = render_timings(TIMELINE)
    assert '        {"text": "同志们：", "start_ms": 480, "end_ms": 1500, "breath_groups": ["同志们："], ' in text
    assert "\\u" not in text


def test_minimal_file_from_the_readme_loads_with_defaults() -> None:
    minimal = {
        "audio": "rehearsal.mp3", "duration_ms": 5000, "engine": "espeak", "voice": "cmn",
        "sections": [{"index": 0, "level": 1, "marker": None, "title": "Intro", "start_ms": 0, "end_ms": 4000,
                      "sentences": [{"text": "Hello.", "start_ms": 100, "end_ms": 900}], "future_key": 1}],
    }  # fmt: skip
    timeline = parse_timings("\ufeff" + json.dumps(minimal))
    assert timeline.language is Language.ZH and timeline.title is None and timeline.meta == ()
    assert timeline.sections[0].sentences == (TimedSentence("Hello.", 100, 900),)


def _damaged(change) -> str:
    document = json.loads(render_timings(TIMELINE))
    change(document)
    return json.dumps(document, ensure_ascii=False)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", r"not JSON \(line 1, column 2"),
        ("[]", "the file is not a timings object: expected an object"),
        (_damaged(lambda d: d.pop("duration_ms")), "duration_ms: missing"),
        (_damaged(lambda d: d.update(duration_ms=-5)), r"duration_ms: expected a whole number of ms ≥ 0, got -5"),
        (_damaged(lambda d: d["sections"][0]["sentences"][0].update(start_ms=1.5)),
         r"sections\[0\]\.sentences\[0\]\.start_ms: expected a whole number of ms ≥ 0, got 1.5"),
        (_damaged(lambda d: d["sections"][0]["sentences"][0].update(start_ms=True)), "start_ms: expected a whole"),
        (_damaged(lambda d: d["sections"][1].update(end_ms=3000)), r"sections\[1\]: ends \(3000 ms\) before it starts"),
        (_damaged(lambda d: d["sections"].reverse()), r"sections\[1\]: starts before the section ahead of it"),
        (_damaged(lambda d: d["sections"][0].update(title=None)), r"sections\[0\]\.title: expected a string"),
        (_damaged(lambda d: d["sections"][0].update(sentences="x")), r"sections\[0\]\.sentences: expected a list"),
        (_damaged(lambda d: d.update(language="fr")), "language: expected one of zh, en"),
        (_damaged(lambda d: d.update(meta=[["date"]])), r"meta\[0\]: expected \[key, value\]"),
        (_damaged(lambda d: d["sections"][0]["sentences"][0]["words"][0].pop()),
         r"sections\[0\]\.sentences\[0\]\.words\[0\]: expected \[text, start_ms, end_ms\], got \[\"同志们\", 480\]"),
        (_damaged(lambda d: d["sections"][0]["sentences"][0]["words"][0].__setitem__(2, 100)),
         r"sections\[0\]\.sentences\[0\]\.words\[0\]: ends \(100 ms\) before it starts \(480 ms\)"),
    ],
)
def test_damage_is_one_clear_input_error(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        parse_timings(text, path="out/timings.json")
    assert str(caught.value).startswith("out/timings.json: ")
