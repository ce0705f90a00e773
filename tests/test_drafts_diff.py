"""``lectern diff``: sections matched across drafts (renamed, moved, split, merged), sentence changes, the JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from lectern.build import TextOptions, prepare
from lectern.cli import app
from lectern.drafts.diff import (
    diff_drafts,
    diff_plans,
    diff_to_json,
    draft_from_plan,
    draft_from_timeline,
    partial_tokenizer,
    word_diff,
)
from lectern.drafts.load import load_draft
from lectern.model import Language, TimedSection, TimedSentence, Timeline
from lectern.writers.timings import render_timings

from tests.conftest import EXAMPLE_SPEECH

OPENING = "同志们：\n今天我们召开会议，主要任务是部署下一阶段的工作。\n"
SAFETY = "一、抓好安全生产\n安全生产是头等大事。各单位要落实主体责任。要开展隐患排查整治。\n"
LIVING = "二、做好民生保障\n民生无小事。要保障市场供应。要稳定物价水平。\n"
STYLE = "三、加强作风建设\n作风建设永远在路上。要力戒形式主义。要狠抓工作落实。\n"
CLOSING = "同志们，让我们共同努力！\n"
TITLE = "在工作会议上的讲话\n\n"


def plan_of(tmp_path: Path, name: str, text: str):  # noqa: ANN201 - Plan
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return prepare(str(path), TextOptions(breath=False))


def by_title(diff) -> dict:  # noqa: ANN001
    return {s.title: s for s in diff.sections}


def test_same_draft_is_all_same(tmp_path: Path) -> None:
    text = TITLE + OPENING + SAFETY + LIVING + STYLE + CLOSING
    diff = diff_plans(plan_of(tmp_path, "a.txt", text), plan_of(tmp_path, "b.txt", text))
    assert [s.status for s in diff.sections] == ["same"] * 5
    assert diff.delta_ms == 0 and diff.unchanged


def test_a_renamed_section_keeps_its_identity(tmp_path: Path) -> None:
    old = plan_of(tmp_path, "a.txt", TITLE + OPENING + SAFETY + LIVING + STYLE + CLOSING)
    new = plan_of(tmp_path, "b.txt", TITLE + OPENING + SAFETY + LIVING.replace("做好民生保障", "兜牢民生底线") + STYLE + CLOSING)
    diff = diff_plans(old, new)
    assert [s.status for s in diff.sections] == ["same", "same", "renamed", "same", "same"]
    renamed = diff.sections[2]
    assert renamed.title == "二、兜牢民生底线" and renamed.old_title == "二、做好民生保障"
    # The heading is spoken as the section's first sentence: that sentence changed, nothing else.
    assert (renamed.count("added"), renamed.count("removed"), renamed.count("changed")) == (0, 0, 1)


def test_moved_sections_are_matched_by_title_across_renumbered_markers(tmp_path: Path) -> None:
    old = plan_of(tmp_path, "a.txt", TITLE + OPENING + SAFETY + LIVING + STYLE + CLOSING)
    swapped = SAFETY.replace("一、", "二、")
    new = plan_of(tmp_path, "b.txt", TITLE + OPENING + LIVING.replace("二、", "一、") + swapped + STYLE + CLOSING)
    diff = diff_plans(old, new)
    titles = [s.title for s in diff.sections]
    assert titles == ["开场", "一、做好民生保障", "二、抓好安全生产", "三、加强作风建设", "结束语"]
    statuses = {s.title: s.status for s in diff.sections}
    # Renumbered by the move, not renamed; the text did not change.
    assert statuses["一、做好民生保障"] == statuses["二、抓好安全生产"] == "same"
    assert sum(s.moved for s in diff.sections) == 1
    assert all(s.delta_ms == 0 for s in diff.sections)


def test_a_split_section_keeps_its_name_and_the_new_half_says_where_it_came_from(tmp_path: Path) -> None:
    long_safety = SAFETY.rstrip("\n") + "要加强应急值守。要做好舆情应对。要强化督导检查。\n"
    old = plan_of(tmp_path, "a.txt", TITLE + OPENING + long_safety + LIVING + CLOSING)
    split = ("一、抓好安全生产\n安全生产是头等大事。各单位要落实主体责任。要开展隐患排查整治。\n"
             "二、强化应急管理\n要加强应急值守。要做好舆情应对。要强化督导检查。\n")
    new = plan_of(tmp_path, "b.txt", TITLE + OPENING + split + LIVING.replace("二、", "三、") + CLOSING)
    diff = diff_plans(old, new)
    sections = by_title(diff)
    assert [s.status for s in diff.sections] == ["same", "changed", "added", "same", "same"]
    kept = sections["一、抓好安全生产"]
    assert kept.count("removed") == 3 and kept.count("added") == 0
    assert kept.new_ms < kept.old_ms
    added = sections["二、强化应急管理"]
    assert added.origin == "一、抓好安全生产"
    # The total hardly moves: the same sentences, one more heading and section pause.
    assert 0 < diff.delta_ms < 5000
    assert sections["三、做好民生保障"].status == "same"


def test_merged_and_removed_sections(tmp_path: Path) -> None:
    old = plan_of(tmp_path, "a.txt", TITLE + OPENING + SAFETY + LIVING + STYLE + CLOSING)
    merged = SAFETY.rstrip("\n") + "民生无小事。要保障市场供应。要稳定物价水平。\n"
    new = plan_of(tmp_path, "b.txt", TITLE + OPENING + merged + STYLE.replace("三、", "二、") + CLOSING)
    diff = diff_plans(old, new)
    assert [s.status for s in diff.sections] == ["same", "changed", "removed", "same", "same"]
    removed = diff.sections[2]
    assert removed.title == "二、做好民生保障" and removed.new_ms == 0 and removed.delta_ms == -removed.old_ms
    assert removed.origin == "一、抓好安全生产"
    assert diff.sections[1].count("added") == 3


def test_sentences_added_removed_and_changed(tmp_path: Path) -> None:
    old = plan_of(tmp_path, "a.txt", TITLE + OPENING + SAFETY + LIVING + CLOSING)
    edited = "一、抓好安全生产\n安全生产是重中之重。要开展隐患排查整治。要建立长效机制。\n"
    new = plan_of(tmp_path, "b.txt", TITLE + OPENING + edited + LIVING + CLOSING)
    section = by_title(diff_plans(old, new))["一、抓好安全生产"]
    kinds = [(c.kind, c.old, c.new) for c in section.sentences]
    assert ("changed", "安全生产是头等大事。", "安全生产是重中之重。") in kinds
    assert ("removed", "各单位要落实主体责任。", None) in kinds
    assert ("added", None, "要建立长效机制。") in kinds
    assert section.status == "changed"


def test_word_diff_cuts_chinese_at_jieba_words() -> None:
    shown = word_diff("今天是节后上班第一天。", "今天是节后上班头一天。", Language.ZH)
    assert shown == "今天是节后上班[-第一天-]{+头一天+}。"
    assert word_diff("We meet today.", "We gather today.", Language.EN) == "We [-meet-]{+gather+} today."


@pytest.fixture(scope="module")
def whole_dictionary():  # noqa: ANN201 - a jieba.Tokenizer with jieba's whole dictionary loaded
    import jieba

    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


_EXAMPLE_TEXT = EXAMPLE_SPEECH.read_text(encoding="utf-8")


def test_the_partial_dictionary_cuts_every_sentence_of_the_example_as_the_whole_one(whole_dictionary) -> None:  # noqa: ANN001
    sentences = [s + "。" for s in _EXAMPLE_TEXT.replace("\n", "").split("。") if s]
    partial = partial_tokenizer(sentences)
    assert len(partial.FREQ) < len(whole_dictionary.FREQ) // 100  # it really is partial
    for sentence in sentences:
        for hmm in (True, False):
            assert list(partial.cut(sentence, HMM=hmm)) == list(whole_dictionary.cut(sentence, HMM=hmm)), sentence


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(sorted(set(_EXAMPLE_TEXT[:600]) | set("-]^\\[ ab12.，")))).map("".join))
def test_the_partial_dictionary_cuts_any_text_as_the_whole_one(whole_dictionary, text: str) -> None:  # noqa: ANN001
    assert list(partial_tokenizer([text]).cut(text)) == list(whole_dictionary.cut(text))


def test_json_contract(tmp_path: Path) -> None:
    old = tmp_path / "a.txt"
    new = tmp_path / "b.txt"
    old.write_text(TITLE + OPENING + SAFETY + LIVING + CLOSING, encoding="utf-8")
    new.write_text(TITLE + OPENING + SAFETY + STYLE.replace("三、", "二、") + CLOSING, encoding="utf-8")
    result = CliRunner().invoke(app, ["diff", str(old), str(new), "--json", "--target", "1m"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc["total"]) >= {"old_ms", "new_ms", "delta_ms"}
    total = doc["total"]
    assert total["delta_ms"] == total["new_ms"] - total["old_ms"]
    assert total["old_ms"] == prepare(str(old)).estimate.total_ms
    statuses = []
    for section in doc["sections"]:
        assert {"title", "status", "old_ms", "new_ms", "delta_ms", "sentences"} <= set(section)
        assert section["status"] in {"same", "changed", "added", "removed", "renamed"}
        assert section["delta_ms"] == section["new_ms"] - section["old_ms"]
        assert set(section["sentences"]) == {"added", "removed", "changed"}
        assert all(isinstance(v, int) for v in section["sentences"].values())
        statuses.append((section["title"], section["status"]))
    assert ("二、加强作风建设", "added") in statuses and ("二、做好民生保障", "removed") in statuses
    assert sum(s["new_ms"] for s in doc["sections"]) == total["new_ms"]


def test_the_table_and_the_word_diff_are_printed(tmp_path: Path) -> None:
    old = tmp_path / "a.txt"
    new = tmp_path / "b.txt"
    old.write_text(TITLE + OPENING + SAFETY + LIVING + CLOSING, encoding="utf-8")
    new.write_text(TITLE + OPENING + SAFETY.replace("头等大事", "重中之重") + LIVING + CLOSING, encoding="utf-8")
    result = CliRunner().invoke(app, ["diff", str(old), str(new), "--target", "20s"])
    assert result.exit_code == 0, result.output
    assert "安全生产是[-头等大事-]{+重中之重+}。" in result.stdout
    assert "over the 0:20 target" in result.stdout


def test_a_built_folder_is_compared_by_its_measured_lengths(tmp_path: Path) -> None:
    def timeline(lengths: list[int]) -> Timeline:
        sections, t = [], 0
        for k, ms in enumerate(lengths):
            sections.append(TimedSection(k, 1, f"{'一二三'[k]}、", f"第{k + 1}部分", t, t + ms - 500,
                                         (TimedSentence(f"第{k + 1}部分的内容。", t, t + ms - 500),)))
            t += ms
        return Timeline("rehearsal.mp3", t, "espeak", "cmn", tuple(sections), language=Language.ZH)

    for name, lengths in (("old", [10_000, 20_000, 5_000]), ("new", [10_000, 26_000, 5_000])):
        (tmp_path / name).mkdir()
        (tmp_path / name / "timings.json").write_text(render_timings(timeline(lengths)), encoding="utf-8")
    diff = diff_drafts(load_draft(str(tmp_path / "old")), load_draft(str(tmp_path / "new" / "timings.json")))
    assert [(s.status, s.delta_ms) for s in diff.sections] == [("same", 0), ("same", 6000), ("same", 0)]
    assert (diff.old_ms, diff.new_ms) == (35_000, 41_000) and diff.measured == (True, True)


def test_a_folder_without_timings_is_one_error_line(tmp_path: Path) -> None:
    script = tmp_path / "a.txt"
    script.write_text(TITLE + OPENING + SAFETY, encoding="utf-8")
    result = CliRunner().invoke(app, ["diff", str(tmp_path), str(script)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {tmp_path}: is a folder without timings.json: give a script or a rehearsal folder"


def test_draft_lengths_match_the_plan_estimate(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, "a.txt", TITLE + OPENING + SAFETY + LIVING + CLOSING)
    assert draft_from_plan(plan).total_ms == plan.estimate.total_ms


@pytest.mark.parametrize("lengths", [[3000, 4000]])
def test_timeline_draft_tiles_the_audio(lengths: list[int]) -> None:
    sections = (TimedSection(0, 0, None, "开场", 0, 2500, (TimedSentence("你好。", 0, 2500),)),
                TimedSection(1, 1, "一、", "工作", 3000, 6500, (TimedSentence("工作。", 3000, 6500),)))
    draft = draft_from_timeline(Timeline("r.mp3", 7000, "espeak", "cmn", sections))
    assert [s.ms for s in draft.sections] == [3000, 4000] and draft.total_ms == 7000


def test_a_script_against_its_rehearsal_folder_does_not_count_blanks_as_changes(tmp_path: Path) -> None:
    # timings.json records what was spoken (XX read as 某某); the script has XX. Compared as spoken, nothing changed.
    plan = plan_of(tmp_path, "a.txt", TITLE + "同志们：\n我和XX同志向大家致以敬意。\n" + SAFETY + LIVING + CLOSING)
    sections, t = [], 0
    for section in plan.speech.sections:
        timed = []
        for s in section.sentences:
            timed.append(TimedSentence(s.text, t, t + s.est_ms))
            t += s.est_ms + s.pause_after_ms
        sections.append(TimedSection(section.index, section.level, section.marker, section.title,
                                     timed[0].start_ms, timed[-1].end_ms, tuple(timed)))
    timeline = Timeline("rehearsal.mp3", t, "espeak", "cmn", tuple(sections), language=Language.ZH)
    assert any("某某" in s.text for s in timeline.sections[0].sentences)
    diff = diff_drafts(draft_from_plan(plan), draft_from_timeline(timeline))
    assert len(diff.sections) == len(plan.speech.sections) and all(s.status == "same" for s in diff.sections)
    assert diff.measured == (False, True)
