"""Inline pacing markers and stage notes: parsed lengths, offsets into the spoken text, rate spans, reports."""

from __future__ import annotations

import pytest

from lectern.errors import ScriptError
from lectern.text.markers import APPLAUSE_MS, BEAT_MS, FAST_RATE, LONG_MS, SLOW_RATE, pause_ms, scan_blocks
from lectern.model import Pause, PauseKind


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("停", BEAT_MS),
        ("停顿", BEAT_MS),
        ("pause", BEAT_MS),
        ("PAUSE", BEAT_MS),
        ("停2秒", 2000),
        ("停 2 秒", 2000),
        ("停0.5秒", 500),
        ("停两秒", 2000),
        ("停半秒", 500),
        ("停300毫秒", 300),
        ("停2", 2000),  # a bare number after 停 is seconds
        ("pause 2s", 2000),
        ("pause 1.5s", 1500),
        ("pause 750ms", 750),
        ("p800", 800),  # a bare number after p is milliseconds
        ("p 800", 800),
        ("重点", None),
        ("停下来想一想", None),
        ("page 2", None),
    ],
)
def test_pause_marker_lengths(body: str, expected: int | None) -> None:
    assert pause_ms(body) == expected


def test_markers_are_removed_and_located_in_the_spoken_text() -> None:
    (m,) = scan_blocks(["今年汛期来得早。[停]各地要高度重视。//我们必须做到[p800]万无一失。"])
    assert m.text == "今年汛期来得早。各地要高度重视。我们必须做到万无一失。"
    assert m.pauses == (
        (8, Pause(PauseKind.MARKER, BEAT_MS)),
        (16, Pause(PauseKind.MARKER, LONG_MS)),
        (22, Pause(PauseKind.MARKER, 800)),
    )
    assert m.text[:8].endswith("早。") and m.text[:22].endswith("做到")


def test_full_width_brackets_work_like_ascii() -> None:
    (m,) = scan_blocks(["这是底线［停2秒］，不能突破。"])
    assert m.text == "这是底线，不能突破。"
    assert m.pauses == ((4, Pause(PauseKind.MARKER, 2000)),)


def test_a_url_is_not_a_long_pause() -> None:
    (m,) = scan_blocks(["详见 http://example.gov.cn/a 的通知。"])
    assert m.pauses == ()
    assert "http://example.gov.cn/a" in m.text


def test_stage_notes_applause_wait_document_notes_are_metadata_other_parentheses_are_speech() -> None:
    (m,) = scan_blocks(["我们取得了巨大成就。（热烈掌声）县公安局（交警支队）要值班。（根据录音整理）(Applause.)"])
    assert m.text == "我们取得了巨大成就。县公安局（交警支队）要值班。"
    assert [p for _, p in m.pauses] == [Pause(PauseKind.APPLAUSE, APPLAUSE_MS)] * 2
    assert m.pauses[0][0] == len("我们取得了巨大成就。")
    assert m.notes == ("（根据录音整理）",)


@pytest.mark.parametrize("note", ["（掌声）", "（热烈掌声）", "（长时间热烈掌声）", "（笑声）", "(applause)", "[Applause]"])
def test_applause_spellings(note: str) -> None:
    (m,) = scan_blocks([f"谢谢大家！{note}"])
    assert m.text == "谢谢大家！"
    assert m.pauses == ((5, Pause(PauseKind.APPLAUSE, APPLAUSE_MS)),)
    assert m.unknown == ()


def test_unknown_brackets_are_reported_and_not_spoken() -> None:
    (m,) = scan_blocks(["[重点]这一点非常重要[注1]。"])
    assert m.text == "这一点非常重要。"
    assert m.unknown == ("[重点]", "[注1]")


def test_rate_span_runs_across_blocks_until_closed() -> None:
    a, b, c = scan_blocks(["前文[慢]宁可十防九空，", "不可失防万一。[/慢]后文", "正常"])
    assert a.rates == ((2, SLOW_RATE),)
    assert b.rates == ((0, SLOW_RATE), (7, 1.0))
    assert c.rates == ()


def test_an_unclosed_rate_ends_with_its_block() -> None:
    a, b = scan_blocks(["[快]下面我简单说几点。", "第二段照常。"])
    assert a.rates == ((0, FAST_RATE),)
    assert b.rates == ()


def test_absurd_pause_is_a_script_error_naming_the_file() -> None:
    with pytest.raises(ScriptError) as err:
        scan_blocks(["这里[停999秒]停很久。"], path="speech.txt")
    assert "speech.txt" in str(err.value) and "[停999秒]" in str(err.value)


@pytest.mark.parametrize(
    "note",
    ["（众笑）", "（笑）", "（鼓掌）", "（会场响起经久不息的热烈掌声）", "(Audience applauds.)", "(Standing ovation)",
     "(Crowd cheers)", "(Cheers and applause.)", "(Applause and cheers.)"],
)
def test_more_audience_reactions(note: str) -> None:
    (m,) = scan_blocks([f"这个问题很有意思。{note}"])
    assert m.text == "这个问题很有意思。" and m.pauses[0][1].kind == PauseKind.APPLAUSE


def test_a_long_parenthesis_is_speech_even_with_a_note_word() -> None:
    # Notes may be long now (English transcripts); a long aside is still the speaker's, not a document note.
    text = "县公安局（交警支队、治安支队、刑侦支队和各派出所要根据摘要分工）要配合。"
    (m,) = scan_blocks([text])
    assert m.text == text and m.notes == () and m.pauses == ()


def test_end_of_document_note_is_not_spoken() -> None:
    (m,) = scan_blocks(["努力奋斗！（全文完）"])
    assert m.text == "努力奋斗！" and m.notes == ("（全文完）",) and m.pauses == ()


@pytest.mark.parametrize("note", ["（停顿）", "（抬头）", "(pause)", "（环视全场）"])
def test_a_presenters_pause_or_look_up_note_is_a_beat(note: str) -> None:
    from lectern.text.markers import BEAT_MS, scan_blocks

    marked = scan_blocks([f"同志们{note}今天我们开会。"])[0]
    assert marked.text == "同志们今天我们开会。"
    assert [p.ms for _, p in marked.pauses] == [BEAT_MS]


def test_a_parenthesis_that_mentions_a_pause_is_speech() -> None:
    from lectern.text.markers import scan_blocks

    assert scan_blocks(["工程（停工三个月）已复工。"])[0].text == "工程（停工三个月）已复工。"
