"""Plan: pauses by position, marker and applause rules, estimate, fills, breath groups and the JSON contract."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lectern.errors import ScriptError
from lectern.model import CleanScript, Language, PauseKind, PauseTable, Placeholder, Removal
from lectern.text.plan import plan, plan_to_json
from lectern.text.segment import BREATH_UNITS, breath_groups, count_units
from lectern.text.structure import parse

FIXTURES = Path(__file__).parent / "fixtures" / "speeches"


def planned(text: str, **kwargs):
    script = CleanScript(path="speech.txt", encoding="utf-8", text=text)
    return plan(parse(script), script, **kwargs)


def pauses_of(the_plan) -> list[tuple[str, list[tuple[str, int]]]]:
    return [(s.text, [(p.kind.value, p.ms) for p in s.pauses]) for s in the_plan.speech.sentences]


_LIST = "\n".join(
    [
        "同志们：",
        "今天开个会。讲两点意见。",
        "第一，要抓学习。学习是前提，各级干部要把学习作为一种责任、一种追求、一种境界，持续在学懂弄通做实上下功夫，切实做到学思用贯通。",
        "第二，要抓落实。落实是关键，各级干部要把心思用在干事上，把功夫下在落实上，一张蓝图绘到底。",
        "谢谢大家！",
    ]
)


def test_structural_pauses_by_position() -> None:
    p = pauses_of(planned(_LIST))
    assert p == [
        ("同志们：", [("salutation", 800)]),
        ("今天开个会。", [("sentence", 450)]),
        ("讲两点意见。", [("section", 1800)]),
        ("第一，要抓学习。", [("sentence", 450)]),
        ("学习是前提，各级干部要把学习作为一种责任、一种追求、一种境界，持续在学懂弄通做实上下功夫，切实做到学思用贯通。", [("section", 1800)]),
        ("第二，要抓落实。", [("sentence", 450)]),
        ("落实是关键，各级干部要把心思用在干事上，把功夫下在落实上，一张蓝图绘到底。", [("section", 1800)]),
        ("谢谢大家！", []),  # the very last sentence: the rehearsal ends with the speech
    ]


def test_pause_table_is_configurable() -> None:
    table = PauseTable(sentence=300, paragraph=600, section=2500, salutation=1000, applause=5000, beat=1234, long=2222)
    p = pauses_of(planned("同志们：\n第一句。[停]第二句。//第三句。\n第二段。（掌声）\n末句。", pauses=table))
    assert p == [
        ("同志们：", [("salutation", 1000)]),
        ("第一句。", [("marker", 1234)]),
        ("第二句。", [("marker", 2222)]),
        ("第三句。", [("paragraph", 600)]),
        ("第二段。", [("paragraph", 600), ("applause", 5000)]),
        ("末句。", []),
    ]


def test_marker_replaces_the_structural_pause_only_when_longer_applause_always_adds() -> None:
    p = dict(pauses_of(planned("甲。[p200]乙。[停3秒]\n丙。[p100]（掌声）\n丁。")))
    assert p["甲。"] == [("sentence", 450)]  # 200 ms < 450: the structural pause stays
    assert p["乙。"] == [("marker", 3000)]  # 3 s > 900 (paragraph end): the marker replaces it
    assert p["丙。"] == [("paragraph", 900), ("applause", 3000)]


def test_a_piece_cut_by_a_rate_change_reads_on_without_pause() -> None:
    p = dict(pauses_of(planned("我们必须做到[慢]宁可十防九空，不可失防万一。[/慢]\n下一段。")))
    assert p["我们必须做到"] == []
    assert p["宁可十防九空，不可失防万一。"] == [("paragraph", 900)]


def test_estimate_at_the_delivery_rate_scaled_by_sentence_rate() -> None:
    twenty_two = "坚持稳中求进推动经济高质量发展我们要努力奋斗。"  # 22 字
    assert count_units(twenty_two, Language.ZH) == 22
    result = planned(f"{twenty_two}\n[慢]{twenty_two}[/慢]\n2024年")
    normal, slow, year = result.speech.sentences
    assert normal.est_ms == 6000  # 22 字 at 220 字/分
    assert slow.est_ms == round(6000 / 0.85)
    assert year.est_ms == round(5 * 60_000 / 220)  # digits count as 字
    est = result.estimate
    assert est.chars == 22 + 22 + 5
    assert est.speech_ms == normal.est_ms + slow.est_ms + year.est_ms
    assert est.pause_ms == sum(s.pause_after_ms for s in result.speech.sentences)
    assert est.total_ms == est.speech_ms + est.pause_ms
    assert planned(twenty_two, rate=110).speech.sentences[0].est_ms == 12000


def test_english_estimate_counts_words() -> None:
    result = planned("We will build the bridge together, and we will pay for it with trust and patience.")
    assert result.speech.language == Language.EN
    (s,) = result.speech.sentences
    assert result.rate == 140 and result.estimate.chars == 16
    assert s.est_ms == round(16 * 60_000 / 140)


@pytest.mark.parametrize("rate", [0, -5, 2.2, 5000])
def test_absurd_rate_is_a_script_error(rate: float) -> None:
    with pytest.raises(ScriptError) as err:
        planned("同志们：\n好。", rate=rate)
    assert err.value.path == "speech.txt" and "rate" in str(err.value)


def test_placeholders_are_spoken_as_mou_mou_or_filled_written_keeps_them() -> None:
    text = "同志们：\n刚才，XX同志作了部署。我和XX同志完全赞成。\nXX县要抓好落实。"
    default = planned(text).speech.sentences
    assert [s.text for s in default][1:3] == ["刚才，某某同志作了部署。", "我和某某同志完全赞成。"]
    assert default[1].written == "刚才，XX同志作了部署。"
    in_order = planned(text, fills=["王明", "李华"]).speech.sentences
    assert [s.text for s in in_order][1:] == ["刚才，王明同志作了部署。", "我和李华同志完全赞成。", "某某县要抓好落实。"]
    named = planned(text, fills=["XX=张三"]).speech.sentences
    assert all("XX" not in s.text and "某某" not in s.text for s in named)


def test_a_single_digit_blank_is_filled_in_the_spoken_text() -> None:
    # plan skips the filler on sentences that cannot hold a blank; a lone X (X.X亿元) must not be skipped.
    sentences = planned("同志们：\n全年实现利润X.X亿元。\n第X届大会在这里召开。").speech.sentences
    assert [s.text for s in sentences][1:] == ["全年实现利润某某.某某亿元。", "第某某届大会在这里召开。"]
    assert sentences[1].written == "全年实现利润X.X亿元。"


def test_breath_groups_join_back_and_stay_short() -> None:
    sentence = (
        "公安、应急、信访、林业、消防等部门严阵以待、严密防范，全县未发生影响社会稳定的群体性事件、刑事案件、"
        "治安案件、交通事故、森林火灾事故、安全生产事故和上访事件；"
    )
    groups = breath_groups(sentence, Language.ZH)
    assert "".join(groups) == sentence
    assert len(groups) >= 3
    assert all(count_units(g, Language.ZH) <= BREATH_UNITS[Language.ZH] for g in groups)


def test_breath_groups_cut_between_words_never_inside_one() -> None:
    from lectern.text.segment import _words  # the same jieba tokenizer, loaded once

    sentence = "我们要坚持以人民为中心的发展思想持续推进乡村全面振兴不断提高人民群众的获得感幸福感安全感"
    groups = breath_groups(sentence, Language.ZH)
    assert "".join(groups) == sentence and len(groups) >= 2
    boundaries = set()
    at = 0
    for word in _words(sentence):
        at += len(word)
        boundaries.add(at)
    cuts = [sum(len(g) for g in groups[: i + 1]) for i in range(len(groups) - 1)]
    assert all(c in boundaries for c in cuts)


def test_english_breath_groups_cut_at_commas_and_words() -> None:
    sentence = (
        "With malice toward none, with charity for all, with firmness in the right as God gives us to see the right"
    )
    groups = breath_groups(sentence, Language.EN)
    assert "".join(groups) == sentence
    # Two phrases of 8 and 13 words, cut at a comma: not three groups of 4, 4 and 13 words.
    assert groups == ("With malice toward none, with charity for all, ",
                      "with firmness in the right as God gives us to see the right")
    assert all(not g.startswith(" ") for g in groups)
    assert all(len(g.strip()) <= BREATH_UNITS[Language.EN] for g in groups)


def test_english_breath_groups_keep_numbers_whole_and_strand_no_word() -> None:
    # english_inaugural_roman.txt: a 42-character cut gave "More than 11," / "000 homes …" and a lone "full.".
    sentence = "More than 11,000 homes were connected this year, and the Chicago office repaid its loan in full."
    groups = breath_groups(sentence, Language.EN)
    assert "".join(groups) == sentence
    assert groups == (
        "More than 11,000 homes were connected this year, ", "and the Chicago office repaid its loan in full."
    )


def test_english_breath_groups_cut_before_a_clause_word_not_inside_a_phrase() -> None:
    sentence = "The U.S. delegation pledged $4.5 million to the fund, which will be repaid in full over ten years."
    groups = breath_groups(sentence, Language.EN)
    assert "".join(groups) == sentence
    assert groups[0] == "The U.S. delegation pledged $4.5 million to the fund, "
    long_run = "The U.S. Department of Transportation has offered a grant that covers 60 percent of the budget."
    assert breath_groups(long_run, Language.EN) == (
        "The U.S. Department of Transportation has offered a grant ", "that covers 60 percent of the budget."
    )


def test_a_short_english_sentence_is_one_breath_group() -> None:
    for sentence in ("Thank you.", "  Good morning, everyone. ", "First, let me explain why the bridge matters."):
        assert breath_groups(sentence, Language.EN) == (sentence,)
    assert breath_groups("", Language.EN) == ()


_EN_TOKENS = st.sampled_from(
    ("11,000", "$4.5", "U.S.", "3.5%", "the", "and", "of", "in", "full.", "which", "government", "county,",
     "responsibility;", "internationalization-and-cooperation-between-the-federal-and-local-levels", "—", ",",
     "(2024)", "“trust.”", "O'Brien", "a", "we", "will", "build", "schools", "bridges:", "x" * 70)
)
_EN_GAPS = st.sampled_from((" ", " ", " ", "  ", "\n", " \t"))


@settings(deadline=None, max_examples=200)
@given(st.lists(st.tuples(_EN_TOKENS, _EN_GAPS), max_size=60), st.sampled_from(("", " ")), st.booleans())
def test_english_breath_groups_join_back_and_never_cut_a_token(pairs, lead, trail) -> None:
    text = lead + "".join(tok + gap for tok, gap in pairs)
    if not trail:
        text = text.rstrip()
    groups = breath_groups(text, Language.EN)
    assert "".join(groups) == text
    assert all(groups)
    limit = BREATH_UNITS[Language.EN]
    at = 0
    for k, group in enumerate(groups):
        if k:
            assert not (text[at - 1].strip() and text[at].strip()), f"cut inside a token at {at}: {groups}"
            assert not group[0].isspace()
        at += len(group)
        # Over the limit only a single token, which cannot be cut.
        assert len(group.strip()) <= limit or len(group.split()) == 1
    # A group of one or two words sits next to its neighbours only when joining either one would overflow.
    words = [sum(any(c.isalnum() for c in t) for t in g.split()) for g in groups]
    for k, group in enumerate(groups):
        if words[k] <= 2:
            for m in (k - 1, k + 1):
                if 0 <= m < len(groups):
                    joined = (groups[min(k, m)] + groups[max(k, m)]).strip()
                    assert len(joined) > limit, f"{group!r} could join {groups[m]!r}"


def test_every_planned_sentence_has_breath_groups_that_join_to_its_text() -> None:
    text = (FIXTURES / "gov_headings.txt").read_text(encoding="utf-8")
    for s in planned(text).speech.sentences:
        assert "".join(s.breath_groups) == s.text


# --- JSON contract ---------------------------------------------------------------------------------------------------


def _types(value) -> object:
    """The shape of a JSON value: dict keys in order with their types, the first element of lists."""
    if isinstance(value, dict):
        return [(k, _types(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [_types(value[0])] if value else []
    return type(value).__name__


def test_plan_to_json_contract_keys_order_and_types() -> None:
    script = CleanScript(
        path="s.txt",
        encoding="gb18030",
        text="在全县大会上的讲话\n（2024年9月20日）\n同志们：\nXX同志讲得很好。[未知]\n谢谢大家！",
        removals=(Removal(line=1, text="酷乐文行整理", reason="brand"),),
        placeholders=(Placeholder("XX", 1),),
    )
    data = plan_to_json(plan(parse(script), script))
    json.dumps(data, ensure_ascii=False)  # serialisable as is
    assert list(data) == [
        "title", "meta", "encoding", "language", "removed", "placeholders", "sections", "estimate",
        "salutation", "unknown_markers", "blanks", "unused_fills",
    ]  # fmt: skip
    assert data["blanks"] == [
        {"number": 1, "text": "XX", "line": None, "before": "", "after": "同志讲得很好", "filled": None}
    ]
    assert data["title"] == "在全县大会上的讲话"
    assert data["meta"] == {"date": "2024年9月20日"}
    assert data["encoding"] == "gb18030" and data["language"] == "zh"
    assert data["removed"] == [{"line": 1, "text": "酷乐文行整理", "reason": "brand"}]
    assert data["placeholders"] == [{"text": "XX", "count": 1}]
    assert data["salutation"] == "同志们："
    assert data["unknown_markers"] == [{"text": "[未知]", "count": 1}]
    section = data["sections"][0]
    assert list(section) == ["index", "level", "marker", "title", "paragraphs"]
    sentence_shape = [("text", "str"), ("pause_after_ms", "int"), ("est_ms", "int")]
    assert _types(section["paragraphs"]) == [[("sentences", [sentence_shape])]]
    assert section["paragraphs"][1]["sentences"][0]["text"] == "某某同志讲得很好。"
    assert list(data["estimate"]) == ["speech_ms", "pause_ms", "total_ms", "chars"]
    assert all(isinstance(v, int) for v in data["estimate"].values())
    assert data["estimate"]["total_ms"] == data["estimate"]["speech_ms"] + data["estimate"]["pause_ms"]


def test_example_speech_plan_json(example_speech: Path) -> None:
    clean = pytest.importorskip("lectern.text.clean")
    ingest = pytest.importorskip("lectern.text.ingest")
    script = clean.clean(ingest.read_script(str(example_speech)))
    data = plan_to_json(plan(parse(script), script))
    assert data["title"] == "在节后收心会上的讲话"
    assert [(s["level"], s["title"]) for s in data["sections"]][1:4] == [
        (1, "所有工作都要负起责任来"),
        (1, "所有工作都要干出成效来"),
        (1, "所有积极因素都要充分调动起来"),
    ]
    assert [s["level"] for s in data["sections"]] == [0, 1, 1, 1, 0]
    assert [s["index"] for s in data["sections"]] == [0, 1, 2, 3, 4]
    spoken = "".join(t["text"] for s in data["sections"] for p in s["paragraphs"] for t in p["sentences"])
    assert "XX" not in spoken and "某某" in spoken
    assert not re.search("仅供学习|酷乐文行|QQ|订阅|举报|会员", spoken)
    assert sum(p["count"] for p in data["placeholders"] if p["text"] == "XX") >= 6
    first = data["sections"][0]["paragraphs"][0]["sentences"][0]
    assert first == {"text": "同志们：", "pause_after_ms": 800, "est_ms": round(3 * 60_000 / 220)}
    # ≈ 2,000 字 at 220 字/分: nine to ten minutes of speech.
    assert 8 * 60_000 < data["estimate"]["speech_ms"] < 11 * 60_000


def test_breath_groups_can_be_skipped_for_an_outline() -> None:
    text = (FIXTURES / "spoken_di.txt").read_text(encoding="utf-8")
    with_groups, without = planned(text), planned(text, breath=False)
    assert all(s.breath_groups == () for s in without.speech.sentences)
    assert all(s.breath_groups for s in with_groups.speech.sentences)
    assert plan_to_json(with_groups) == plan_to_json(without)


def test_an_overlong_run_cut_at_commas_gets_breaths() -> None:
    clause = "我们要坚持稳中求进工作总基调推动经济高质量发展，"
    result = planned(clause * 40)
    pieces = result.speech.sentences
    assert len(pieces) > 1
    assert all(s.pauses == (pieces[0].pauses[0],) for s in pieces[:-1])
    assert pieces[0].pauses[0].kind == PauseKind.BREATH and pieces[0].pauses[0].ms == 225


def test_chinese_breath_groups_never_cut_a_number_at_its_thousands_separator() -> None:
    from lectern.text.segment import breath_groups

    text = "今年全县新增就业岗位共计一万一千余个合计11,000个，比去年同期增长百分之十二以上，城镇登记失业率控制在百分之三以内。"
    groups = breath_groups(text, Language.ZH)
    assert "".join(groups) == text
    assert any("11,000" in g for g in groups)
