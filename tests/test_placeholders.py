"""placeholders: which blanks are found (and which look-alikes are not), and filling by spelling or in order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lectern.model import Placeholder
from lectern.text.placeholders import Filler, Fills, fill, find

SCRIPT = "首先，我和XX、XX、xx同志一起，向ＸＸ县××镇＊＊村的同志们致敬。某某同志作了报告。20XX年，**同志到会。"


def test_find_counts_each_spelling_in_order_of_appearance() -> None:
    assert find(SCRIPT) == (
        Placeholder("XX", 3), Placeholder("xx", 1), Placeholder("ＸＸ", 1), Placeholder("××", 1),
        Placeholder("＊＊", 1), Placeholder("某某", 1), Placeholder("**", 1),
    )


@pytest.mark.parametrize(
    "text",
    [
        "XXL号的衣服",  # part of a Latin word
        "请登录www.xxx.com查询",  # inside a web address
        "The XX century saw two world wars.",  # Roman numeral in English
        "Super Bowl XX was played in 1986.",
        "这是**重点**内容",  # markdown emphasis pair
        "某些同志，某县，某一天",  # a single 某 is ordinary language
        "二○○八年，二〇〇八年",  # ○ and 〇 write zero in years
        "2**3 = 8",
    ],
)
def test_look_alikes_are_not_blanks(text: str) -> None:
    assert find(text) == ()


@pytest.mark.parametrize(
    ("text", "spelling"),
    [("我和 XX 同志", "XX"), ("XX：", "XX"), ("Dear XXX,", "XXX"), ("on xx date", "xx"), ("XXXX年", "XXXX")],
)
def test_blanks_with_spaces_or_in_english(text: str, spelling: str) -> None:
    assert find(text) == (Placeholder(spelling, 1),)


def test_a_single_x_standing_for_a_digit_is_a_blank() -> None:
    # Templates blank out dates and figures one digit at a time; read aloud they were "X月X日", "X点X亿元".
    text = "（20XX年X月X日）实现利润X.X亿元，出口额突破X000万美元，增长X%，选拔X名青年。"
    assert find(text) == (Placeholder("XX", 1), Placeholder("X", 7))
    assert fill("召开第X届大会", ["三"]) == "召开第三届大会"


@pytest.mark.parametrize(
    "text", ["做X光检查", "X型号的产品", "1920x1080的屏幕", "3×4等于12", "Windows X系统", "Malcolm X说过", "X.509证书"]
)
def test_a_single_x_that_is_a_letter_or_a_times_sign_is_not_a_blank(text: str) -> None:
    assert find(text) == ()


def test_default_fill_is_moumou() -> None:
    assert fill("我和XX、xx同志，ＸＸ县") == "我和某某、某某同志，某某县"


def test_named_fill_fills_that_spelling_everywhere() -> None:
    assert fill("我和XX、XX、xx同志", ["XX=王明"]) == "我和王明、王明、某某同志"


def test_positional_fills_in_order_and_the_rest_stay_moumou() -> None:
    assert fill("我和XX、XX、XX同志一起", ["王明", "李华"]) == "我和王明、李华、某某同志一起"


def test_named_and_positional_together() -> None:
    assert fill("XX县XX镇××村", ["××=张庄", "城关", "李村"]) == "城关县李村镇张庄村"


def test_fill_value_with_equals_that_is_not_a_blank_is_positional() -> None:
    assert Fills.parse(["王=明", "XX=王明", "ＸＸ = 李华"]) == Fills(
        named=(("XX", "王明"), ("ＸＸ", "李华")), positional=("王=明",))


def test_filler_carries_order_across_sentences() -> None:
    filler = Filler(["王明", "李华"])
    sentences = ["首先，我和XX同志代表县委致敬。", "没有空白。", "刚才，XX同志作了部署。", "XX同志也讲了话。"]
    assert [filler.fill(s) for s in sentences] == [
        "首先，我和王明同志代表县委致敬。", "没有空白。", "刚才，李华同志作了部署。", "某某同志也讲了话。"]
    assert filler.used == 2


@given(st.lists(st.sampled_from(["XX", "同志", "，", "××", "县委", "某某", "。"]), max_size=30),
       st.lists(st.sampled_from(["王明", "李华", "张三"]), max_size=5))
def test_fill_replaces_every_blank_and_nothing_else(parts: list[str], fills: list[str]) -> None:
    text = "讲话：" + "".join(parts)  # Chinese context: a lone "XX" in English is a Roman numeral
    filled = fill(text, fills)
    blanks = sum(p.count for p in find(text))
    assert all(set(p.text) == {"某"} for p in find(filled))  # only the default fills are left as blanks
    assert filled.replace("某某", "").replace("王明", "").replace("李华", "").replace("张三", "") == (
        text.replace("XX", "").replace("××", "").replace("某某", ""))
    assert sum(filled.count(name) for name in ("王明", "李华", "张三")) == min(blanks, len(fills))


def test_a_single_asterisk_before_a_unit_is_a_blank_and_elsewhere_a_mark() -> None:
    from lectern.text.placeholders import find

    found = find("今年发生*起事故死亡*人，背后是*个家庭的痛苦。\n")
    assert [(p.text, p.count) for p in found] == [("*", 3)]
    assert find("注*：本数据为初步统计。重点*要突出。\n") == ()


def test_underscore_blanks_in_chinese_text() -> None:
    text = "亲爱的20__届毕业生同学们：我们相聚在_大，在__大学的四年，今天____届的全体师生欢聚一堂。"
    assert find(text) == (Placeholder("__", 2), Placeholder("_", 1), Placeholder("____", 1))
    assert fill("相聚在_大") == "相聚在某某大"


@pytest.mark.parametrize("text", ["__init__方法", "调用snake_case函数", "文件名是report_2024.docx", "____", "a__b的值"])
def test_underscore_look_alikes_are_not_blanks(text: str) -> None:
    assert find(text) == ()


def test_stars_between_a_digit_and_chinese_blank_a_year() -> None:
    assert find("也是中国外交20**年开篇之作") == (Placeholder("**", 1),)
    assert find("2**3 = 8，2**10是1024") == ()


def test_a_single_letter_for_a_place_or_a_name() -> None:
    text = "x市二十届人大一次会议即将闭幕，全力推动x“走在前、进位次”。在X市第20届人民代表大会上，X区长讲了话。"
    assert find(text) == (Placeholder("x", 2), Placeholder("X", 2))


@pytest.mark.parametrize("text", ["做X光检查", "求x的值", "X型号的产品", "在x轴上取一点", "Malcolm X市场部", "1920x1080的屏幕"])
def test_a_single_letter_that_is_a_letter_stays(text: str) -> None:
    assert find(text) == ()

