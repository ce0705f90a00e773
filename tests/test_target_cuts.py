"""--target as the speaker's slot: section budgets (proportional or --budget) and the passages whose removal fits
each section over its share; lectern report OUT recomputes a report as complete as the build's (issue 13)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lectern.cli import app
from lectern.errors import ConfigError
from lectern.model import Language, Placeholder, TimedSection, TimedSentence, Timeline
from lectern.report.analysis import PauseCount, PlanFacts, build_report, check_budgets
from lectern.writers.report import facts_from_json, render_html, render_json, render_notes
from lectern.writers.timings import render_timings

# Three sections; every sentence is 22 字 spoken in 6 s, so at 220 字/分 it costs 6 s plus the pause after it.
S22 = "我们要坚定信心迎难而上全力以赴推动好各项工作。"  # 22 字


def _timeline() -> Timeline:
    sections = []
    t = 0
    layout = [("开场", None, 4), ("所有工作都要负起责任来", "一是", 6), ("结束语", None, 2)]
    for index, (title, marker, count) in enumerate(layout):
        start = t
        sentences = []
        for _ in range(count):
            sentences.append(TimedSentence(S22, t, t + 6_000))
            t += 7_000  # 1 s pause after each sentence
        sections.append(TimedSection(index, 0 if marker is None else 1, marker, title, start, t, tuple(sentences)))
    return Timeline("rehearsal.mp3", t, "espeak", "cmn", tuple(sections), title="讲话", language=Language.ZH)


FACTS = PlanFacts(
    paragraphs=((0, (1, 3)), (1, (1, 2, 3)), (2, (2,))),
    placeholders=(Placeholder("XX", 2),),
    unfilled=2,
    unknown_markers=(),
    planned_pauses=(PauseCount("sentence", 10, 4_500), PauseCount("applause", 1, 3_000)),
)


def test_budgets_are_proportional_and_over_budget_sections_get_cuts_that_fit() -> None:
    # 12 sentences × 7 s = 84 s; a 60 s slot: each section gets 60/84 of its length.
    report = build_report(_timeline(), facts=FACTS, target_ms=60_000)
    budgets = report.target.budgets
    assert [b.budget_ms for b in budgets] == [20_000, 30_000, 10_000]
    assert [b.over_ms for b in budgets] == [8_000, 12_000, 4_000]
    opening, one, closing = budgets
    # 8 s over: one 7 s sentence is not enough; paragraph 2 (3 sentences, 21 s) is more than twice the overrun;
    # two sentences (14 s) are the least that fits
    assert [[(p.kind, p.first, p.last, p.ms) for p in option] for option in opening.cuts] == [
        [("sentence", 1, 1, 7_000), ("sentence", 2, 2, 7_000)]
    ]
    # 12 s over: paragraph 2 of 一是 (sentences 6-7, 14 s) fits; its heading sentence 5 is never offered
    assert [[(p.kind, p.paragraph, p.first, p.last) for p in option] for option in one.cuts] == [
        [("paragraph", 2, 6, 7)]
    ]
    assert all(p.first != 5 for option in one.cuts for p in option)
    # 4 s over: one sentence
    assert [[(p.kind, p.first, p.ms, p.units) for p in option] for option in closing.cuts] == [
        [("sentence", 11, 7_000, 22)]
    ]
    notes = "\n".join(render_notes(report))
    assert "一是所有工作都要负起责任来: 1:24 for 0:30 (0:12 over)" not in notes  # speaker_ms, not audio
    assert "一是所有工作都要负起责任来: 0:42 for 0:30 (0:12 over): cut paragraph 2, sentences 6–7 (0:14, 44 字)" in notes


def test_a_given_budget_is_kept_and_the_rest_shared() -> None:
    report = build_report(_timeline(), facts=FACTS, target_ms=60_000, budgets=[("一是", 45_000)])
    budgets = report.target.budgets
    assert [(b.budget_ms, b.given) for b in budgets] == [(10_000, False), (45_000, True), (5_000, False)]
    assert budgets[1].cuts == ()  # within its own budget
    notes = "\n".join(render_notes(report))
    assert "(一是=0:45 as set, the rest in proportion)" in notes
    by_number = build_report(_timeline(), facts=FACTS, target_ms=60_000, budgets=[("2", 45_000)])
    assert by_number.target.budgets == budgets


@pytest.mark.parametrize(
    ("budgets", "target", "message"),
    [
        ([("三是", 10_000)], 60_000, "'三是' matches no section"),
        ([("9", 10_000)], 60_000, "there is no section 9"),
        ([("一是", 70_000)], 60_000, "add up to 1:10, leaving nothing"),
        ([("一是", 10_000), ("2", 10_000)], 60_000, "already has a budget"),
        ([("一是", 10_000)], None, "needs a target"),
    ],
)
def test_budgets_that_cannot_be_met_are_refused(budgets, target, message) -> None:  # noqa: ANN001
    with pytest.raises(ConfigError, match=message):
        check_budgets(budgets, _timeline().sections, target)
    with pytest.raises(ConfigError, match=message):
        build_report(_timeline(), facts=FACTS, target_ms=target, budgets=budgets)


def test_one_verdict_and_the_audio_named_as_the_voices() -> None:
    # "at -30% it lasts 14:01: add text…" then "Fits the 15:00 target": two verdicts. Now one, the speaker's.
    report = build_report(_timeline(), facts=FACTS, target_ms=120_000)
    notes = render_notes(report)
    assert sum(line.startswith(("Fits", "Over")) for line in notes) == 1
    assert "The rehearsal audio (the voice's own pace): 1:24, within the target." in notes
    assert not any("add text" in line or "cut text" in line for line in notes)


def test_report_json_keeps_what_a_recomputed_report_needs() -> None:
    report = build_report(_timeline(), facts=FACTS, target_ms=60_000)
    data = json.loads(render_json(report))
    assert facts_from_json(data) == FACTS
    assert data["target"]["budgets"][1]["cuts"][0][0]["kind"] == "paragraph"
    assert facts_from_json(json.loads(render_json(build_report(_timeline())))) is None  # nothing kept: None


def test_lectern_report_on_a_build_folder_is_as_complete_as_the_build(tmp_path: Path) -> None:
    # `lectern report OUT --target 8m` rewrote report.md/.html/.json with null paragraph, placeholder, applause and
    # pause counts ("— paragraphs" in the HTML), and did not say it had written anything.
    folder = tmp_path / "rehearsal"
    folder.mkdir()
    timeline = _timeline()
    (folder / "timings.json").write_text(render_timings(timeline), encoding="utf-8")
    build = build_report(timeline, facts=FACTS)
    (folder / "report.json").write_text(render_json(build), encoding="utf-8")
    result = CliRunner().invoke(app, ["report", str(folder), "--target", "1m"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert f"wrote report.md, report.html, report.json in {folder}/" in result.stderr
    data = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert data["counts"]["paragraphs"] == 6
    assert data["placeholders"] == [{"text": "XX", "count": 2}] and data["placeholders_unfilled"] == 2
    assert data["applause"] == {"count": 1, "ms": 3_000}
    assert [s["paragraphs"] for s in data["sections"]] == [2, 3, 1]
    assert data["target"]["target_ms"] == 60_000
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "— paragraphs" not in html and "<b>6</b><span>段</span>" in html
    assert "2 unfilled placeholder(s)" in result.stdout


def test_a_small_overrun_asks_for_a_trim_not_half_the_section() -> None:
    # The closing was 0:06 over its share and the advice was to cut its 0:30 sentence: half the section for 6 s.
    text = "同志们，" + "今年还有最后三个月，时间紧任务重，" * 12 + "散会。"
    sentence = TimedSentence(text, 0, 60_000)
    timeline = Timeline("a.mp3", 61_000, "espeak", "cmn", (TimedSection(0, 0, None, "结束语", 0, 61_000, (sentence,)),),
                        language=Language.ZH)
    report = build_report(timeline, target_ms=report_speaker_ms(timeline) - 5_000)
    (budget,) = report.target.budgets
    assert budget.over_ms == 5_000 and budget.cuts == ()
    assert budget.trim_units == 19  # 5 s at 220 字/分, rounded up
    assert any(line.endswith("(0:05 over): trim about 19 字 from its sentences") for line in render_notes(report))


def report_speaker_ms(timeline: Timeline) -> int:
    return build_report(timeline).sections[0].speaker_ms
