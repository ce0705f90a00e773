"""The take file's schema (lectern.rehearse.take): what `lectern take` writes and the page's rehearse mode saves."""

from __future__ import annotations

import json

import pytest

from lectern.errors import InputError
from lectern.rehearse.take import (
    Delivery,
    HeardPause,
    SectionDelivery,
    SentenceDelivery,
    Tap,
    next_take_path,
    parse_delivery,
    parse_taps,
    render_delivery,
    take_paths,
)


def _delivery() -> Delivery:
    return Delivery(
        recording="take.webm", duration_ms=62_000, speaking_ms=50_000, pause_ms=12_000, pace=212.35,
        sections=(SectionDelivery(0, "开场", 400, 30_000, 28_000, 26_000, 220.0),
                  SectionDelivery(1, "一是", 30_000, 61_000, 33_000, 24_000, None)),
        sentences=(SentenceDelivery(0, 400, 5_000), SentenceDelivery(1, 5_600, 9_000)),
        confidence=0.876, taps=(Tap(1, 29_800),), language="zh", created="2026-12-02T18:00:00Z",
        pauses=(HeardPause(29_000, 1_000, 0),), stopped_at=None, warnings=("quiet recording",),
    )


def test_round_trip_keeps_every_field_and_the_documented_keys() -> None:
    text = render_delivery(_delivery())
    document = json.loads(text)
    assert list(document)[:9] == ["schema", "recording", "duration_ms", "speaking_ms", "pause_ms", "pace",
                                  "sections", "sentences", "confidence"]
    assert document["sections"][0] == {"index": 0, "title": "开场", "start_ms": 400, "end_ms": 30_000,
                                       "voice_ms": 28_000, "pace": 220.0, "speaking_ms": 26_000}
    assert document["taps"] == [{"section": 1, "ms": 29_800}]
    assert document["pace"] == 212.3 and document["confidence"] == 0.88 and document["pace_unit"] == "字/分"
    back = parse_delivery(text)
    assert back.sections == _delivery().sections and back.sentences == _delivery().sentences
    assert back.taps == (Tap(1, 29_800),) and back.pauses == _delivery().pauses
    assert back.warnings == ("quiet recording",) and back.confidence == pytest.approx(0.88)


def test_a_page_take_with_only_the_issue_keys_reads() -> None:
    page = {"recording": "take-1.webm", "duration_ms": 9000, "speaking_ms": 8000, "pause_ms": 1000, "pace": None,
            "sections": [{"index": 0, "title": "a", "start_ms": 0, "end_ms": 9000, "voice_ms": 8000, "pace": None}],
            "sentences": [], "confidence": None, "taps": [{"section": 0, "ms": 0}]}
    d = parse_delivery(json.dumps(page))
    assert d.sections[0].end_ms == 9000 and d.confidence is None and d.taps == (Tap(0, 0),)
    assert parse_taps(json.dumps(page)) == (Tap(0, 0),)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("[1]", "expected a JSON object"),
        ("{", "not JSON"),
        ('{"recording": "x"}', 'no "taps"'),
        ('{"taps": []}', '"taps" is empty'),
        ('{"taps": [{"section": 1}]}', "taps[0].ms: missing"),
        ('{"taps": [{"section": -1, "ms": 3}]}', "taps[0].section: expected a whole number"),
        ('{"taps": [{"section": 1, "ms": 2.5}]}', "taps[0].ms: expected a whole number"),
        ('{"taps": "soon"}', "taps: expected a list"),
    ],
)
def test_bad_taps_name_the_field(document: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]")) as caught:
        parse_taps(document, path="t.json")
    assert str(caught.value).startswith("t.json: ")


def test_take_numbers_are_never_reused(tmp_path) -> None:
    assert next_take_path(tmp_path).name == "001.json"
    (tmp_path / "takes").mkdir()
    for name in ("001.json", "003.json", "notes.txt", "010.json"):
        (tmp_path / "takes" / name).write_text("{}")
    assert [p.name for p in take_paths(tmp_path)] == ["001.json", "003.json", "010.json"]
    assert next_take_path(tmp_path).name == "011.json"
