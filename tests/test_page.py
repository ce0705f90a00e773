"""The rehearsal page as a string: escaping, the embedded data and its structure (the browser tests drive it)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lectern.model import (
    CleanScript,
    Estimate,
    Language,
    Paragraph,
    Pause,
    PauseKind,
    Placeholder,
    Plan,
    Section,
    Sentence,
    Speech,
    TimedSection,
    TimedSentence,
    Timeline,
    UnknownMarker,
)
from lectern.writers.page import render_page, script_json

HOSTILE = '<script>alert(1)</script>'
ATTRIBUTE_BREAK = '"><img src=x onerror=alert(1)>'
DATA_BLOCK = re.compile(r'<script type="application/json" id="lectern-data">(.*?)</script>', re.S)


def timeline(language: Language = Language.ZH, *, title: str | None = "在节后收心会上的讲话") -> Timeline:
    return Timeline(
        audio="rehearsal.mp3",
        duration_ms=9000,
        engine="espeak",
        voice="cmn",
        title=title,
        speaker="张三",
        language=language,
        sections=(
            TimedSection(
                index=0, level=0, marker=None, title="开场", start_ms=0, end_ms=4000,
                sentences=(
                    TimedSentence("同志们：", 0, 800),
                    TimedSentence("我和某某同志一起代表县委致以敬意。", 1200, 2600),
                    TimedSentence("今天是节后第一天。", 3000, 3900),
                ),
            ),
            TimedSection(
                index=1, level=1, marker="一是", title="所有工作都要负起责任来", start_ms=4000, end_ms=9000,
                sentences=(
                    TimedSentence("一是所有工作都要负起责任来。", 4000, 5600),
                    TimedSentence("责任心是第一位的。", 6500, 8800),
                ),
            ),
        ),
    )


def plan() -> Plan:
    sections = (
        Section(
            index=0, level=0, marker=None, title="开场",
            paragraphs=(
                Paragraph((Sentence("同志们：", written="同志们："),)),
                Paragraph(
                    (
                        Sentence(
                            "我和某某同志一起代表县委致以敬意。",
                            written="我和XX同志一起代表县委致以敬意。",
                            pauses=(Pause(PauseKind.SENTENCE, 450), Pause(PauseKind.APPLAUSE, 3000)),
                        ),
                        Sentence(
                            "今天是节后第一天。", written="今天是节后第一天。[咳]", pauses=(Pause(PauseKind.PARAGRAPH, 900),)
                        ),
                    )
                ),
            ),
        ),
        Section(
            index=1, level=1, marker="一是", title="所有工作都要负起责任来",
            paragraphs=(
                Paragraph(
                    (
                        Sentence("一是所有工作都要负起责任来。", written="一是所有工作都要负起责任来。",
                                 pauses=(Pause(PauseKind.MARKER, 800),)),
                        Sentence("责任心是第一位的。", written="责任心是第一位的。", rate=0.85),
                    )
                ),
            ),
        ),
    )
    speech = Speech(
        title="在节后收心会上的讲话", meta=(), language=Language.ZH, sections=sections,
        unknown_markers=(UnknownMarker("[咳]", 1),),
    )
    script = CleanScript(path="speech.txt", encoding="utf-8", text="…", placeholders=(Placeholder("XX", 1),))
    return Plan(speech=speech, script=script, rate=220.0, estimate=Estimate(speech_ms=7000, pause_ms=2000, chars=40))


def page_data(page: str) -> dict:
    blocks = DATA_BLOCK.findall(page)
    assert len(blocks) == 1
    return json.loads(blocks[0])


# --- escaping ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [HOSTILE, ATTRIBUTE_BREAK, "</script><!--<script>", "</SCRIPT >", "a & b > c < d", "<\\/script>", "\u2028\u2029"],
)
def test_script_json_round_trips_and_never_closes_the_block(text: str) -> None:
    value = {"text": text, "list": [text, 1]}
    encoded = script_json(value)
    assert "<" not in encoded and ">" not in encoded
    assert "</script" not in encoded.lower() and "<!--" not in encoded
    assert json.loads(encoded) == value


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/!-&\"'scriptSCRIPT \u2028=\\某X")), max_size=40))
def test_any_sentence_text_survives_the_page_unchanged(text: str) -> None:
    base = timeline()
    section = replace(base.sections[0], title=text, sentences=(TimedSentence(text, 0, 800),))
    page = render_page(replace(base, title=text, sections=(section,)))
    assert page.lower().count("</script") == 2
    data = page_data(page)
    assert data["sections"][0]["sentences"][0]["text"] == text
    assert data["sections"][0]["title"] == text


def test_hostile_script_text_never_reaches_the_markup() -> None:
    base = timeline(title=HOSTILE)
    first = base.sections[0]
    hostile = replace(
        base,
        meta=(("subtitle", ATTRIBUTE_BREAK),),
        sections=(
            replace(
                first,
                title=ATTRIBUTE_BREAK,
                sentences=(TimedSentence(HOSTILE, 0, 800), TimedSentence(ATTRIBUTE_BREAK, 1200, 2600),
                           TimedSentence("<!-- <script>", 3000, 3900)),
            ),
            base.sections[1],
        ),
    )
    page = render_page(hostile)
    # Exactly two script elements: the data block and the page's own code, each closed once.
    assert page.lower().count("<script") == 2
    assert page.lower().count("</script") == 2
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    # Outside the escaped title and the JSON block the script text appears nowhere.
    markup = DATA_BLOCK.sub("", page.replace("<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>", ""))
    assert "alert(1)" not in markup and "<img" not in markup
    data = page_data(page)
    assert data["title"] == HOSTILE
    assert data["sections"][0]["title"] == ATTRIBUTE_BREAK
    assert [s["text"] for s in data["sections"][0]["sentences"]] == [HOSTILE, ATTRIBUTE_BREAK, "<!-- <script>"]


def test_page_code_never_parses_text_as_markup() -> None:
    from importlib.resources import files

    js = "".join((files("lectern") / "data" / name).read_text(encoding="utf-8") for name in ("page.js", "rehearse.js"))
    css = (files("lectern") / "data" / "page.css").read_text(encoding="utf-8")
    for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "fetch(",
                  "XMLHttpRequest", "sendBeacon", "WebSocket"):
        assert risky not in js
    assert "</script" not in js.lower() and "<!--" not in js
    assert "</style" not in css.lower()


# --- structure --------------------------------------------------------------------------------------------------


def test_times_come_from_the_timeline_and_lang_from_its_language() -> None:
    page = render_page(timeline())
    assert '<html lang="zh">' in page
    data = page_data(page)
    assert data["audio"] == "rehearsal.mp3"
    assert data["duration_ms"] == 9000
    assert [(s["start_ms"], s["end_ms"]) for s in data["sections"]] == [(0, 4000), (4000, 9000)]
    assert [s["start_ms"] for sec in data["sections"] for s in sec["sentences"]] == [0, 1200, 3000, 4000, 6500]
    assert data["sections"][1]["marker"] == "一是"
    assert data["labels"]["contents"] == "目录"


def test_english_speech_gets_english_labels() -> None:
    page = render_page(timeline(Language.EN, title="Remarks"))
    assert '<html lang="en">' in page
    assert "<title>Remarks</title>" in page
    assert page_data(page)["labels"]["contents"] == "Contents"


def test_page_is_self_contained() -> None:
    page = DATA_BLOCK.sub("", render_page(timeline()))
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    assert "<style>" in page


def test_audio_is_referenced_relatively_and_url_quoted() -> None:
    data = page_data(render_page(replace(timeline(), audio="my take#1.mp3")))
    assert data["audio"] == "my%20take%231.mp3"


def test_plan_gives_written_text_marks_pauses_and_paragraphs() -> None:
    data = page_data(render_page(timeline(), plan()))
    opening = data["sections"][0]["sentences"]
    # The sentence as written, with its placeholder marked; what is spoken kept for a tooltip.
    assert opening[1]["text"] == "我和XX同志一起代表县委致以敬意。"
    assert opening[1]["spoken"] == "我和某某同志一起代表县委致以敬意。"
    assert opening[1]["parts"] == [["", "我和"], ["ph", "XX"], ["", "同志一起代表县委致以敬意。"]]
    assert opening[2]["parts"] == [["", "今天是节后第一天。"], ["unk", "[咳]"]]
    # Only the pauses the layout does not already show.
    assert opening[1]["pauses"] == [["applause", 3000]]
    assert "pauses" not in opening[2]
    assert data["sections"][1]["sentences"][0]["pauses"] == [["marker", 800]]
    assert data["sections"][0]["breaks"] == [1]
    assert data["sections"][1]["sentences"][1]["rate"] == 0.85
    assert "rate" not in opening[1]
    assert "parts" not in opening[0] and "spoken" not in opening[0]
    assert data["placeholders"] == [["XX", 1]]
    assert data["unknown_markers"] == [["[咳]", 1]]


def test_section_that_does_not_match_the_plan_falls_back_to_spoken_text() -> None:
    p = plan()
    short = replace(p.speech.sections[0], paragraphs=p.speech.sections[0].paragraphs[:1])
    mismatched = replace(p, speech=replace(p.speech, sections=(short, p.speech.sections[1])))
    data = page_data(render_page(timeline(), mismatched))
    assert [s["text"] for s in data["sections"][0]["sentences"]] == [
        "同志们：", "我和某某同志一起代表县委致以敬意。", "今天是节后第一天。",
    ]
    assert data["sections"][1]["sentences"][0]["pauses"] == [["marker", 800]]


def test_summary_is_measured_from_the_timeline_without_a_report() -> None:
    summary = page_data(render_page(timeline()))["summary"]
    assert summary["total_ms"] == 9000
    assert summary["speaking_ms"] == 800 + 1400 + 900 + 1600 + 2300
    assert summary["pause_ms"] == 9000 - summary["speaking_ms"]


def test_report_dict_overrides_summary_and_flags_sections() -> None:
    report = {
        "total_ms": 9100,
        "speech_ms": 7000,
        "pace": 231.4,
        "target_ms": 600000,
        "sections": [{"index": 0, "pace": 180}, {"index": 1, "pace": 275, "flag": "fast"}],
        "whatever": object(),
    }
    summary = page_data(render_page(timeline(), plan(), report))["summary"]
    assert summary["total_ms"] == 9100
    assert summary["speaking_ms"] == 7000
    assert summary["pace"] == 231.4
    assert summary["target_ms"] == 600000
    assert summary["sections"] == {"0": {"pace": 180, "flag": ""}, "1": {"pace": 275, "flag": "brisk"}}


def test_report_dataclass_is_read_like_a_dict() -> None:
    @dataclass(frozen=True)
    class Report:
        total_ms: int
        pace: float

    summary = page_data(render_page(timeline(), None, Report(total_ms=1234, pace=200.0)))["summary"]
    assert (summary["total_ms"], summary["pace"]) == (1234, 200.0)


def test_report_html_fragment_is_inlined() -> None:
    page = render_page(timeline(), plan(), '<table class="report"><tr><td>3:05</td></tr></table>')
    assert '<section id="report-fragment"><table class="report">' in page


def test_the_timing_reports_own_report_fills_the_summary() -> None:
    from lectern.report.analysis import build_report

    report = build_report(timeline(), plan(), target_ms=8000)
    summary = page_data(render_page(timeline(), plan(), report))["summary"]
    assert summary["total_ms"] == report.total_ms
    assert summary["speaking_ms"] == report.speaking_ms
    assert summary["target_ms"] == 8000
    assert summary["pace"] == pytest.approx(report.pace_overall)
    assert set(summary["sections"]) == {"0", "1"}
    assert summary["sections"]["1"]["pace"] == pytest.approx(report.sections[1].pace_overall)


def test_empty_timeline_still_renders() -> None:
    data = page_data(render_page(replace(timeline(), sections=(), duration_ms=0, title=None)))
    assert data["sections"] == [] and data["summary"]["total_ms"] == 0


def test_rehearse_mode_gets_each_sections_units_and_files_takes_under_the_spoken_words() -> None:
    data = page_data(render_page(timeline(), plan()))
    # 字 as the report counts them (CJK characters and digits), for the speaker's pace per section.
    assert [sec["units"] for sec in data["sections"]] == [3 + 16 + 8, 13 + 8]
    assert data["unit"] == "字"
    # The same words rebuilt with another voice keep their takes; other words do not share them.
    again = page_data(render_page(replace(timeline(), engine="edge", voice="x", duration_ms=9500)))
    assert again["speech_id"] == data["speech_id"]
    other = replace(timeline(), sections=(timeline().sections[0],))
    assert page_data(render_page(other))["speech_id"] != data["speech_id"]
    english = page_data(render_page(replace(timeline(Language.EN), sections=(
        replace(timeline().sections[0], sentences=(TimedSentence("Thank you all, friends.", 0, 900),)),
    ))))
    assert english["sections"][0]["units"] == 4 and english["unit"] == "words"
    assert english["labels"]["rehearse"] == "Rehearse" and data["labels"]["rehearse"] == "排练"


def test_the_reports_section_budgets_reach_the_rehearse_mode() -> None:
    from lectern.report.analysis import build_report

    report = build_report(timeline(), plan(), target_ms=8000, budgets=[("一是", 5000)])
    summary = page_data(render_page(timeline(), plan(), report))["summary"]
    # 一是 has its own 5 s; the opening gets the rest of the 8 s target.
    assert summary["budgets"] == {"0": 3000, "1": 5000}
    assert page_data(render_page(timeline(), plan(), {"target_ms": 8000}))["summary"]["budgets"] == {}
