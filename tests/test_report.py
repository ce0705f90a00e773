"""The timing report's figures, recomputed here from the timeline and the plan without lectern's own helpers.

``reference()`` below is a second, independent implementation of every figure in report.json (written from the
issue, not from lectern/report/analysis.py): if the two disagree on any key, a test fails and names the key.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import re
import unicodedata
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

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
from lectern.errors import ConfigError
from lectern.report.analysis import PaceBand, PaceFlag, build_report, count_units, timeline_from_plan
from lectern.writers.report import render_json, render_md, render_notes, render_table

# --- hand-made speech: a plan and the timeline a build of it measured --------------------------------------------

S = [
    # (section, paragraph, text, measured start, measured end, breath groups)
    (0, 0, "同志们，今天是10月9日，节后上班第一天。", 0, 4200, ("同志们，", "今天是10月9日，", "节后上班第一天。")),
    (0, 0, "首先，我和某某同志一起向大家致以崇高的敬意！", 4700, 9800, ()),
    (1, 0, "一是所有工作都要负起责任来。", 11_600, 14_300, ()),
    (1, 1, "责任心是第一位的，工作要一件一件抓落实，不能等靠要，更不能推诿扯皮，要把工作做细做实做到位。", 15_200, 27_000, ()),
    (1, 1, "大家有没有信心？", 27_500, 29_000, ()),
    (2, 0, "二是所有工作都要动起来。", 33_800, 36_400, ()),
    (2, 0, "快干快上。", 36_900, 38_000, ()),
]
TITLES = [("开场", None, 0), ("所有工作都要负起责任来", "一是", 1), ("所有工作都要动起来", "二是", 1)]
SECTION_STARTS = [0, 11_600, 33_800]
TOTAL_MS = 38_000


def make_timeline(title: str = "在节后收心会上的讲话", titles: list[tuple[str, str | None, int]] = TITLES) -> Timeline:
    sections = []
    for i, (name, marker, level) in enumerate(titles):
        sentences = tuple(TimedSentence(t, a, b, breath_groups=g) for sec, _, t, a, b, g in S if sec == i)
        end = SECTION_STARTS[i + 1] if i + 1 < len(titles) else TOTAL_MS
        sections.append(TimedSection(i, level, marker, name, SECTION_STARTS[i], end, sentences))
    return Timeline("rehearsal.mp3", TOTAL_MS, "espeak", "cmn", tuple(sections), title=title, speaker="张三")


def make_plan() -> Plan:
    pauses: dict[int, tuple[Pause, ...]] = {
        0: (Pause(PauseKind.SENTENCE, 500),),
        1: (Pause(PauseKind.APPLAUSE, 3000), Pause(PauseKind.SECTION, 1800)),
        2: (Pause(PauseKind.PARAGRAPH, 900),),
        3: (Pause(PauseKind.SENTENCE, 450),),
        4: (Pause(PauseKind.APPLAUSE, 3000), Pause(PauseKind.SECTION, 1800)),
        5: (Pause(PauseKind.SENTENCE, 450),),
        6: (),
    }
    sections = []
    for i, (name, marker, level) in enumerate(TITLES):
        paragraphs = []
        for p in sorted({par for sec, par, *_ in S if sec == i}):
            paragraphs.append(
                Paragraph(
                    tuple(
                        Sentence(t, pauses[n], est_ms=b - a + 100, breath_groups=(t[:6], t[6:]) if len(t) > 12 else ())
                        for n, (sec, par, t, a, b, _) in enumerate(S)
                        if sec == i and par == p
                    )
                )
            )
        sections.append(Section(i, level, marker, name, tuple(paragraphs)))
    speech = Speech(
        title="在节后收心会上的讲话",
        meta=(("speaker", "张三"),),
        language=Language.ZH,
        sections=tuple(sections),
        unknown_markers=(UnknownMarker("[笑]", 2),),
    )
    script = CleanScript("speech.txt", "utf-8", "…", placeholders=(Placeholder("XX", 3),))
    est = sum(s.est_ms for s in speech.sentences)
    pause = sum(p.ms for s in speech.sentences for p in s.pauses)
    return Plan(speech, script, 220.0, Estimate(est, pause, 0))


# --- an independent reference implementation ----------------------------------------------------------------------


def units_of(text: str, language: Language) -> int:
    if language is Language.EN:
        return sum(1 for token in text.replace("—", " ").split() if any(c.isalnum() for c in token))
    return sum(1 for c in text if c in "0123456789０１２３４５６７８９" or unicodedata.name(c, "").startswith("CJK"))


def flag_of(pace: float | None, language: Language) -> str | None:
    if pace is None:
        return None
    if language is Language.EN:
        return "brisk" if pace > 165 else "slow" if pace < 100 else "ok"
    return "news-reader speed" if pace > 260 else "brisk" if pace > 240 else "slow" if pace < 150 else "ok"


def reference(
    tl: Timeline, plan: Plan | None, pace: float | None = None, target_ms: int | None = None
) -> dict[str, Any]:
    lang = tl.language
    total = tl.duration_ms
    speaker_pace = pace or (140.0 if lang is Language.EN else 220.0)
    per_min = lambda n, ms: None if ms == 0 else n / (ms / 60_000)  # noqa: E731

    sections = []
    flat = []
    for k, sec in enumerate(tl.sections):
        start = 0 if k == 0 else sec.start_ms
        end = tl.sections[k + 1].start_ms if k + 1 < len(tl.sections) else total
        speaking = sum(s.end_ms - s.start_ms for s in sec.sentences)
        n = sum(units_of(s.text, lang) for s in sec.sentences)
        paragraphs = sizes = None
        if plan is not None:
            planned = [sc for sc in plan.speech.sections if sc.index == sec.index][0]
            paragraphs = len(planned.paragraphs)
            sizes = [len(p.sentences) for p in planned.paragraphs]
        sections.append(
            {
                "index": sec.index,
                "level": sec.level,
                "marker": sec.marker,
                "title": sec.title,
                "start_ms": start,
                "duration_ms": end - start,
                "speaking_ms": speaking,
                "pause_ms": end - start - speaking,
                "share_percent": 100 * (end - start) / total,
                "units": n,
                "sentences": len(sec.sentences),
                "paragraphs": paragraphs,
                "pace_speaking": per_min(n, speaking),
                "pace_overall": per_min(n, end - start) if speaking else None,
                # under 10 s of speech the pause after a section swamps the pace: shown, never flagged
                "flag": flag_of(per_min(n, end - start), lang) if speaking >= 10_000 else None,
                "speaker_ms": round(n * 60_000 / speaker_pace) + (end - start - speaking),
                "paragraph_sentences": sizes,
            }
        )
        flat += [(s, sec) for s in sec.sentences]

    units = sum(x["units"] for x in sections)
    speaking = sum(s.end_ms - s.start_ms for s, _ in flat)
    pauses = total - speaking

    minutes = []
    cuts = list(range(0, total, 60_000))
    bounds = [(c, min(c + 60_000, total)) for c in cuts]
    if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] < 30_000:
        last = bounds.pop()
        bounds[-1] = (bounds[-1][0], last[1])
    for a, b in bounds:
        n = 0.0
        for s, _ in flat:
            inside = len(range(max(a, s.start_ms), min(b, s.end_ms)))
            if s.end_ms > s.start_ms:
                n += units_of(s.text, lang) * inside / (s.end_ms - s.start_ms)
        minutes.append({"start_ms": a, "end_ms": b, "units": n, "pace": n * 60_000 / (b - a)})

    rows = [
        {
            "number": i + 1,
            "section_index": sec.index,
            "section_title": sec.title,
            "text": s.text,
            "units": units_of(s.text, lang),
            "duration_ms": s.end_ms - s.start_ms,
        }
        for i, (s, sec) in enumerate(flat)
    ]
    spread = 25 if lang is Language.EN else 40
    delivery = []
    for label, p in (("slow", speaker_pace - spread), ("normal", speaker_pace), ("brisk", speaker_pace + spread)):
        sp = round(units * 60_000 / p)
        delivery.append({"label": label, "pace": p, "speaking_ms": sp, "pause_ms": pauses, "total_ms": sp + pauses})

    target = None
    if target_ms is not None:
        at_pace = delivery[1]["total_ms"]
        over = at_pace - target_ms
        longest = sorted((x for x in sections if x["units"]), key=lambda x: -x["speaker_ms"])[:3]
        target = {
            "target_ms": target_ms,
            "fits": over <= 0,
            "over_ms": over,
            "speaker_ms": at_pace,
            "measured_ms": total,
            "measured_over_ms": total - target_ms,
            "measured_fits": total <= target_ms,
            "pause_ms": pauses,
            "pauses_exceed": pauses >= target_ms,
            "units_to_cut": min(units, math.ceil(over / 60_000 * speaker_pace)) if over > 0 else 0,
            "units_spare": math.floor(-over / 60_000 * speaker_pace) if over < 0 else 0,
            "candidates": [x["index"] for x in longest],
        }

    plan_part: dict[str, Any] = {
        "placeholders": None,
        "placeholders_unfilled": None,
        "unknown_markers": None,
        "applause": None,
        "planned_pauses": None,
    }
    if plan is not None:
        every = [p for s in plan.speech.sentences for p in s.pauses]
        applause = [p for p in every if p.kind == PauseKind.APPLAUSE]
        plan_part = {
            "placeholders": [{"text": p.text, "count": p.count} for p in plan.script.placeholders],
            "placeholders_unfilled": sum(
                len(re.findall(re.escape(mark), s.text))
                for s in plan.speech.sentences
                for mark in {"某某", *(p.text for p in plan.script.placeholders)}
            ),
            "unknown_markers": [{"text": m.text, "count": m.count} for m in plan.speech.unknown_markers],
            "applause": {"count": len(applause), "ms": sum(p.ms for p in applause)},
            "planned_pauses": [
                {"kind": str(kind), "count": len(of), "ms": sum(p.ms for p in of)}
                for kind in PauseKind
                if (of := [p for p in every if p.kind == kind])
            ],
        }

    return {
        "schema": "lectern.report/1",
        "title": tl.title,
        "speaker": tl.speaker,
        "language": str(lang),
        "basis": "estimate" if tl.engine == "estimate" else "audio",
        "engine": tl.engine,
        "voice": tl.voice,
        "unit": "words" if lang is Language.EN else "字",
        "pace_unit": "wpm" if lang is Language.EN else "字/分",
        "total_ms": total,
        "speaking_ms": speaking,
        "pause_ms": pauses,
        "counts": {
            "sections": len(tl.sections),
            "paragraphs": None if plan is None else sum(len(s.paragraphs) for s in plan.speech.sections),
            "sentences": len(flat),
            "units": units,
        },
        "pace": {
            "speaking": per_min(units, speaking),
            "overall": per_min(units, total) if speaking else None,
            "flag": flag_of(per_min(units, total), lang) if speaking >= 10_000 else None,
        },
        "band": (
            {"slow": 100.0, "brisk": 165.0, "news": None, "basis": "section"}
            if lang is Language.EN
            else {"slow": 150.0, "brisk": 240.0, "news": 260.0, "basis": "section"}
        ),
        "sections": sections,
        "pace_by_minute": minutes,
        # the longest lists are compared without their breath groups (tested on their own below)
        "longest_sentences": {
            "by_units": sorted(rows, key=lambda r: -r["units"])[:5],
            "by_ms": sorted(rows, key=lambda r: -r["duration_ms"])[:5],
        },
        "delivery": {"speaker_pace": speaker_pace, "estimates": delivery},
        "target": target,
        **plan_part,
        "takes": [],  # the speaker's own takes (lectern take): none in a report rendered without them
    }


def assert_matches(actual: Any, expected: Any, where: str = "report") -> None:
    """Every key of the reference must be in report.json with the same value (floats to their JSON rounding)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), where
        # …and report.json has no figure the reference does not recompute (breath groups are tested on their own).
        # Section budgets and cuts are tested on their own (test_target_cuts.py).
        assert set(actual) - {"breath_groups", "budgets"} == set(expected), f"{where}: keys {sorted(set(actual) ^ set(expected))}"
        for key, value in expected.items():
            assert key in actual, f"{where}.{key} missing"
            assert_matches(actual[key], value, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{where}: {actual!r} vs {expected!r}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_matches(a, e, f"{where}[{i}]")
    elif isinstance(expected, float):
        assert actual == pytest.approx(expected, abs=0.051), f"{where}: {actual} vs {expected}"
    else:
        assert actual == expected, f"{where}: {actual!r} vs {expected!r}"


def report_json(tl: Timeline, plan: Plan | None = None, **kw: Any) -> dict[str, Any]:
    return json.loads(render_json(build_report(tl, plan, **kw)))


# --- every figure, recomputed --------------------------------------------------------------------------------------


@pytest.mark.parametrize("with_plan", [False, True])
@pytest.mark.parametrize("target_ms", [None, 20_000, 60_000, 5_000])
@pytest.mark.parametrize("pace", [None, 180.0, 260.0])
def test_every_json_figure_matches_the_reference(with_plan: bool, target_ms: int | None, pace: float | None) -> None:
    tl, plan = make_timeline(), (make_plan() if with_plan else None)
    assert_matches(report_json(tl, plan, pace=pace, target_ms=target_ms), reference(tl, plan, pace, target_ms))


def test_known_values_of_the_hand_made_speech() -> None:
    data = report_json(make_timeline(), make_plan(), target_ms=20_000)
    # 同志们今天是 (6) + 10 9 (3 digits) + 月日 (2) + 节后上班第一天 (7) = 18
    first = next(r for r in data["longest_sentences"]["by_ms"] if r["number"] == 1)
    assert first["units"] == 18
    assert data["counts"] == {"sections": 3, "paragraphs": 4, "sentences": 7, "units": data["counts"]["units"]}
    assert data["total_ms"] == 38_000
    assert [s["start_ms"] for s in data["sections"]] == [0, 11_600, 33_800]
    assert [s["duration_ms"] for s in data["sections"]] == [11_600, 22_200, 4_200]
    assert data["applause"] == {"count": 2, "ms": 6000}
    assert data["placeholders"] == [{"text": "XX", "count": 3}]
    assert data["placeholders_unfilled"] == 1  # the script's three XX: the spoken text still says 某某 once
    assert data["unknown_markers"] == [{"text": "[笑]", "count": 2}]
    assert data["basis"] == "audio"
    assert data["target"]["candidates"][0] == 1  # the long middle section is the first to trim


def test_report_numbers_are_consistent() -> None:
    data = report_json(make_timeline(), make_plan())
    assert sum(s["duration_ms"] for s in data["sections"]) == data["total_ms"]
    assert sum(s["share_percent"] for s in data["sections"]) == pytest.approx(100, abs=0.05)
    assert data["speaking_ms"] + data["pause_ms"] == data["total_ms"]
    assert sum(s["speaking_ms"] for s in data["sections"]) == data["speaking_ms"]
    assert sum(s["units"] for s in data["sections"]) == data["counts"]["units"]
    assert sum(m["units"] for m in data["pace_by_minute"]) == pytest.approx(data["counts"]["units"], abs=0.2)
    for d in data["delivery"]["estimates"]:
        assert d["total_ms"] == d["speaking_ms"] + d["pause_ms"]


# --- counting ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "n"),
    [
        ("同志们，今天是10月9日。", Language.ZH, 11),
        ("坚持24小时值班制度；", Language.ZH, 10),
        ("GDP增长５％", Language.ZH, 3),  # Latin letters and punctuation take no 字 slot; full-width digits do
        ("“安全、顺畅、舒心”", Language.ZH, 6),
        ("Good morning, everyone — it's a pleasure.", Language.EN, 6),
        ("We grew 12 percent in 2024.", Language.EN, 6),
        ("", Language.EN, 0),
    ],
)
def test_count_units(text: str, language: Language, n: int) -> None:
    assert count_units(text, language) == n
    assert units_of(text, language) == n


# --- pace flags --------------------------------------------------------------------------------------------------


def one_section(texts_and_spans: list[tuple[str, int, int]], total: int, language: Language = Language.ZH) -> Timeline:
    sentences = tuple(TimedSentence(t, a, b) for t, a, b in texts_and_spans)
    section = TimedSection(0, 0, None, "全文", 0, total, sentences)
    return Timeline("a.mp3", total, "espeak", "v", (section,), language=language)


@pytest.mark.parametrize(("chars", "flag"), [(140, "slow"), (200, "ok"), (250, "brisk"), (270, "news-reader speed")])
def test_zh_flags_against_the_norm_band(chars: int, flag: str) -> None:
    tl = one_section([("字" * chars, 0, 50_000)], 60_000)  # one minute with pauses: pace == chars
    data = report_json(tl)
    assert data["sections"][0]["pace_overall"] == pytest.approx(chars)
    assert data["sections"][0]["pace_speaking"] == pytest.approx(chars * 60 / 50, abs=0.05)
    assert data["sections"][0]["flag"] == flag == data["pace"]["flag"]


@pytest.mark.parametrize(("words", "flag"), [(90, "slow"), (140, "ok"), (170, "brisk"), (300, "brisk")])
def test_en_flags_in_words_per_minute(words: int, flag: str) -> None:
    tl = one_section([(" ".join(["word"] * words) + ".", 0, 60_000)], 60_000, Language.EN)
    data = report_json(tl)
    assert data["pace_unit"] == "wpm" and data["unit"] == "words"
    assert data["counts"]["units"] == words
    assert data["sections"][0]["flag"] == flag


def test_a_short_closing_shows_its_pace_but_is_not_flagged() -> None:
    # A real commencement build: a closing "Thank you all, and congratulations." (6 words) spoken in 3.1 s and then
    # the 1.8 s section pause came out at 66 wpm and was flagged "slow" -- a verdict on the pause table.
    body = TimedSentence(" ".join(["word"] * 140) + ".", 0, 60_000)
    thanks = TimedSentence("Thank you all, and congratulations graduates.", 61_000, 64_100)
    sections = (TimedSection(0, 0, None, "Opening", 0, 61_000, (body,)), TimedSection(1, 0, None, "Closing", 61_000, 66_000, (thanks,)))
    report = build_report(Timeline("a.mp3", 66_000, "espeak", "v", sections, language=Language.EN))
    closing = report.sections[1]
    assert closing.pace_overall == pytest.approx(6 / (5_000 / 60_000))
    assert closing.flag is None
    assert report.sections[0].flag is PaceFlag.OK
    assert not any("Closing" in line for line in render_md(report).split("## Flags")[1].splitlines()[:4])


def test_a_configured_band_and_basis_change_the_flag() -> None:
    tl = one_section([("字" * 200, 0, 40_000)], 60_000)  # 200 with pauses, 300 speaking
    assert build_report(tl).sections[0].flag is PaceFlag.OK
    strict = PaceBand(slow=100, brisk=180)
    assert build_report(tl, band=strict).sections[0].flag is PaceFlag.BRISK
    speaking = PaceBand(slow=150, brisk=240, news=260, basis="speaking")
    assert build_report(tl, band=speaking).sections[0].flag is PaceFlag.NEWS
    assert json.loads(render_json(build_report(tl, band=strict)))["band"] == {
        "slow": 100,
        "brisk": 180,
        "news": None,
        "basis": "section",
    }


@pytest.mark.parametrize(
    "kwargs", [{"slow": 200, "brisk": 150}, {"slow": 0, "brisk": 150}, {"slow": 150, "brisk": 240, "news": 200},
               {"slow": 150, "brisk": 240, "basis": "words"}]
)  # fmt: skip
def test_a_nonsense_band_is_a_config_error(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        PaceBand(**kwargs)


def test_empty_and_silent_sections_have_no_pace() -> None:
    tl = Timeline(
        "a.mp3",
        10_000,
        "espeak",
        "v",
        (TimedSection(0, 0, None, "开场", 0, 3000, ()), TimedSection(1, 1, "一、", "正文", 3000, 10_000, ())),
    )
    data = report_json(tl, target_ms=60_000)
    assert [s["pace_overall"] for s in data["sections"]] == [None, None]
    assert data["pace"] == {"speaking": None, "overall": None, "flag": None}
    assert data["target"]["candidates"] == []


# --- human delivery and target fit -------------------------------------------------------------------------------


def test_speaker_pace_columns_and_target_cut() -> None:
    # 440 字 spoken, 60 s of pauses: at 220 字/分 that is 2:00 + 1:00.
    tl = one_section([("字" * 220, 0, 50_000), ("字" * 220, 80_000, 130_000)], 160_000)
    r = build_report(tl, target_ms=150_000)
    assert [(d.label, d.pace, d.total_ms) for d in r.delivery] == [
        ("slow", 180, round(440 / 180 * 60_000) + 60_000),
        ("normal", 220, 180_000),
        ("brisk", 260, round(440 / 260 * 60_000) + 60_000),
    ]
    assert r.target is not None
    assert not r.target.fits and r.target.speaker_over_ms == 30_000
    assert r.target.units_to_cut == 110  # 30 s at 220 字/分
    assert not r.target.measured_fits and r.target.measured_over_ms == 10_000
    md = render_md(r)  # a Chinese script's report speaks Chinese, as report.html does
    assert "需删去约 110 字" in md and "超出 2:30 的目标 0:30" in md


@pytest.mark.parametrize("pace", [0, -220, 4, 2000])
def test_an_implausible_speaker_pace_is_a_config_error(pace: float) -> None:
    with pytest.raises(ConfigError, match="per minute"):
        build_report(make_timeline(), pace=pace)


def test_target_fits_with_room_to_spare() -> None:
    tl = one_section([("字" * 220, 0, 50_000)], 60_000)
    r = build_report(tl, pace=220, target_ms=120_000)
    assert r.target is not None and r.target.fits
    assert r.target.units_spare == math.floor(50_000 / 60_000 * 220)
    assert "还余" in render_md(r)


def test_target_with_pauses_longer_than_the_slot_says_so() -> None:
    tl = one_section([("字" * 10, 0, 3000)], 100_000)
    r = build_report(tl, target_ms=60_000)
    assert r.target is not None and r.target.pauses_exceed
    assert r.target.units_to_cut == 10  # never more than the speech holds
    assert "仅停顿就有" in render_md(r)


# --- breath groups -----------------------------------------------------------------------------------------------


def test_an_english_breath_group_edge_inside_a_word_is_closed_up() -> None:
    # english_inaugural_roman.txt: the plan's groups cut "11,|000", and the report said "breathe: More than 11, / 000…".
    text = "More than 11,000 homes have been repaired or rebuilt, and every one of the 62 schools is open again."
    groups = ("More than 11,", "000 homes have been repaired or rebuilt, ", "and every one of the 62 schools ",
              "is open again.")
    sentence = TimedSentence(text, 0, 8_000, breath_groups=groups)
    tl = Timeline("a.mp3", 9_000, "espeak", "v", (TimedSection(0, 0, None, "Opening", 0, 9_000, (sentence,)),),
                  language=Language.EN)
    [row] = build_report(tl).longest_by_units
    assert [g.strip() for g in row.breath_groups] == [
        "More than 11,000 homes have been repaired or rebuilt,", "and every one of the 62 schools", "is open again."
    ]


def test_breath_groups_come_from_the_timeline_then_the_plan_then_commas() -> None:
    tl, plan = make_timeline(), make_plan()
    with_plan = {r.number: r.breath_groups for r in build_report(tl, plan).longest_by_units}
    without = {r.number: r.breath_groups for r in build_report(tl).longest_by_units}
    assert with_plan[1] == without[1] == ("同志们，", "今天是10月9日，", "节后上班第一天。")  # the timeline's own
    long_text = S[3][2]
    assert with_plan[4] == (long_text[:6], long_text[6:])  # the plan's
    assert "".join(without[4]) == long_text and len(without[4]) > 1  # cut at commas
    assert all(count_units(g, Language.ZH) <= 25 for g in without[4])


# --- estimate mode -----------------------------------------------------------------------------------------------


def test_timeline_from_plan_places_sentences_at_their_estimates_with_planned_pauses() -> None:
    plan = make_plan()
    tl = timeline_from_plan(plan)
    assert tl.duration_ms == plan.estimate.total_ms
    assert tl.title == "在节后收心会上的讲话" and tl.speaker == "张三" and tl.engine == "estimate"
    t = 0
    for timed, planned in zip([s for sec in tl.sections for s in sec.sentences], plan.speech.sentences):
        assert (timed.start_ms, timed.end_ms, timed.text) == (t, t + planned.est_ms, planned.text)
        t = timed.end_ms + planned.pause_after_ms
    assert [sec.start_ms for sec in tl.sections] == [sec.sentences[0].start_ms for sec in tl.sections]


def test_estimate_report_is_the_same_report_from_the_plan() -> None:
    plan = make_plan()
    tl = timeline_from_plan(plan)
    data = report_json(tl, plan, target_ms=30_000)
    assert data["basis"] == "estimate"
    assert_matches(data, reference(tl, plan, None, 30_000))
    md = render_md(build_report(tl, plan))
    assert "按讲稿估算" in md


# --- Markdown and terminal ---------------------------------------------------------------------------------------


def test_markdown_report_has_summary_sections_flags_and_fit() -> None:
    titles = [("开场", None, 0), ("一|二 <b>重点</b>", "一是", 1), ("所有工作都要动起来", "二是", 1)]
    md = render_md(build_report(make_timeline(titles=titles), make_plan(), target_ms=20_000))
    assert md.startswith("# 时间报告：在节后收心会上的讲话")
    assert "| 总时长 | 0:38 |" in md
    rows = [line for line in md.splitlines() if line.startswith("| 2 |")]
    assert len(rows) == 1
    assert "一是一\\|二 &lt;b&gt;重点&lt;/b&gt;" in rows[0]  # a title cannot break the table or open HTML
    assert rows[0].count(" | ") == 8
    assert "1 处待填写（讲稿中有 XX ×3）" in md
    assert "[笑] ×2" in md and "2 次掌声等待，共 0:06" in md
    assert "## 目标 0:20" in md and "超出 0:20 的目标" in md
    assert "换气：" in md
    assert "Timing report" not in md and "Total" not in md and "Sections" not in md  # no English left in it


def test_an_english_scripts_markdown_report_is_in_english() -> None:
    body = TimedSentence("We meet today to honour those who built this harbour, and those who keep it.", 0, 6_000)
    tl = Timeline("a.mp3", 7_000, "espeak", "en-us", (TimedSection(0, 0, None, "Speech", 0, 7_000, (body,)),),
                  title="Remarks", language=Language.EN)
    md = render_md(build_report(tl, target_ms=60_000))
    assert md.startswith("# Timing report: Remarks")
    for english in ("## Summary", "| Total | 0:07 |", "| Speaking / pauses |", "## Human delivery", "## Sections",
                    "| # | Section | Start | Duration | Share | words | Pace speaking | Pace section | Flag |",
                    "## Longest sentences", "## Target 1:00", "to spare"):
        assert english in md, english
    assert "时间报告" not in md and "总时长" not in md


def test_rich_table_shows_sections_and_keeps_markup_literal() -> None:
    titles = [("开场", None, 0), ("[bold red]重点[/]", "一是", 1), ("所有工作都要动起来", "二是", 1)]
    r = build_report(make_timeline(titles=titles), make_plan(), target_ms=20_000)
    console = Console(file=io.StringIO(), width=160, color_system=None)
    console.print(render_table(r, width=160))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "[bold red]重点[/]" in text
    assert "0:38" in text and "所有工作都要动起来" in text
    assert any(line.startswith("Over the 0:20 target") for line in render_notes(r))


# --- random timelines: the invariants hold and the reference agrees ----------------------------------------------


@st.composite
def timelines(draw: st.DrawFn) -> Timeline:
    language = draw(st.sampled_from([Language.ZH, Language.EN]))
    words = ["我们", "发展", "2024", "，", "。", "坚持"] if language is Language.ZH else ["we", "grow", "12", ",", "."]
    word = st.sampled_from(words)
    t = draw(st.integers(0, 3000))
    sections = []
    for i in range(draw(st.integers(1, 6))):
        start = t
        sentences = []
        for _ in range(draw(st.integers(0, 5))):
            text = " ".join(draw(st.lists(word, min_size=1, max_size=30)))
            length = draw(st.integers(0, 40_000))
            sentences.append(TimedSentence(text, t, t + length))
            t += length + draw(st.integers(0, 5000))
        sections.append(TimedSection(i, 1, None, f"第{i}部分", start, t, tuple(sentences)))
    total = t + draw(st.integers(0, 2000))
    return Timeline("a.mp3", total, "espeak", "v", tuple(sections), language=language)


@settings(max_examples=60, deadline=None)
@given(
    tl=timelines(),
    target=st.one_of(st.none(), st.integers(1000, 600_000)),
    pace=st.one_of(st.none(), st.integers(60, 400)),
)
def test_random_timelines_agree_with_the_reference(tl: Timeline, target: int | None, pace: int | None) -> None:
    if tl.duration_ms == 0:
        return
    data = report_json(tl, None, pace=pace, target_ms=target)
    assert_matches(data, reference(tl, None, float(pace) if pace else None, target))
    assert sum(s["duration_ms"] for s in data["sections"]) == data["total_ms"]
    if data["total_ms"]:
        assert sum(s["share_percent"] for s in data["sections"]) == pytest.approx(100, abs=0.01 * len(tl.sections))


def test_fallback_breath_groups_break_at_semicolons_then_commas_then_enumeration_commas() -> None:
    text = (
        "城乡各大商场超市、集贸市场供应充足，粮油肉蛋菜等生活必需品货丰价稳；"
        "公安、应急、信访、林业、消防等部门严阵以待、严密防范，全县未发生影响社会稳定的群体性事件、刑事案件、治安案件。"
    )
    tl = one_section([(text, 0, 30_000)], 30_000)
    (row,) = build_report(tl).longest_by_units[:1]
    assert "".join(row.breath_groups) == text
    assert row.breath_groups[1] == "粮油肉蛋菜等生活必需品货丰价稳；"  # a semicolon always ends a breath
    assert all(count_units(g, Language.ZH) <= 25 for g in row.breath_groups)
    assert row.breath_groups[2:] == (
        "公安、应急、信访、林业、消防等部门严阵以待、严密防范，",
        "全县未发生影响社会稳定的群体性事件、刑事案件、治安案件。",
    )
    short = one_section([("大家有没有信心？", 0, 2000)], 2000)
    assert build_report(short).longest_by_units[0].breath_groups == ("大家有没有信心？",)


def test_filled_placeholders_are_not_flagged() -> None:
    plan = make_plan()
    filled = [
        dataclasses.replace(sec, paragraphs=tuple(
            Paragraph(tuple(dataclasses.replace(s, text=s.text.replace("某某", "王明")) for s in par.sentences))
            for par in sec.paragraphs
        ))
        for sec in plan.speech.sections
    ]  # fmt: skip
    plan = dataclasses.replace(plan, speech=dataclasses.replace(plan.speech, sections=tuple(filled)))
    report = build_report(timeline_from_plan(plan), plan)
    assert report.placeholders_unfilled == 0
    assert "unfilled" not in render_md(report)
    assert report.placeholders == (Placeholder("XX", 3),)  # still listed as the script wrote them


def test_english_section_names_keep_a_space_after_the_marker() -> None:
    sentences = (TimedSentence("We grew twelve percent.", 0, 2000),)
    tl = Timeline(
        "a.mp3", 3000, "edge", "v", (TimedSection(0, 1, "1.", "The economy", 0, 3000, sentences),),
        language=Language.EN,
    )  # fmt: skip
    md = render_md(build_report(tl))
    assert "| 1 | 1. The economy | 0:00 | 0:03 | 100.0% | 4 |" in md
