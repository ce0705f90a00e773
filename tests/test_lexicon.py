"""Pronunciation lexicon: polyphones and names (issue 3: 行长, 重庆, 长期, 单于)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lectern.errors import ConfigError
from lectern.text.lexicon import Entry, Lexicon, apply, from_pairs, is_pinyin, load_lexicon, normalize_pinyin

LEXICON = from_pairs(
    [
        ("行长", "hang2 zhang3"),
        ("重庆", "chong2 qing4"),
        ("长期", "chang2 qi1"),
        ("单于", "蝉于"),
        ("SQL", "sequel"),
    ]
)


@pytest.mark.parametrize(
    ("text", "espeak"),
    [
        ("他是行长。", "他是 hang2 zhang3 。"),
        ("银行行长说", "银行 hang2 zhang3 说"),  # part of a compound: still the word
        ("重庆市长江大桥", "chong2 qing4 市长江大桥"),
        ("单于夜遁逃", "蝉于夜遁逃"),
        ("SQL and MySQL", "sequel and MySQL"),  # a Latin word only as a whole word
    ],
)
def test_words_are_replaced_for_espeak(text: str, espeak: str) -> None:
    assert apply(text, LEXICON, engine="espeak") == espeak


def test_latin_words_keep_their_own_rule_in_a_chinese_sentence() -> None:
    assert apply("重庆的SQL和MySQL", LEXICON, engine="espeak") == "chong2 qing4 的sequel和MySQL"


def test_a_match_never_cuts_across_two_words() -> None:
    # 银行长期贷款 is 银行 + 长期 + 贷款: 行长 straddles two words and must not be read hang2 zhang3.
    assert apply("银行长期贷款", LEXICON, engine="espeak") == "银行 chang2 qi1 贷款"
    # 简单 + 于是: 单于 is not there.
    assert apply("比他简单于是", LEXICON, engine="espeak") == "比他简单于是"


def test_longest_match_wins() -> None:
    lexicon = from_pairs([("行长", "航长"), ("行长期间", "航长其间")])
    assert apply("行长期间", lexicon, engine="edge") == "航长其间"


def test_edge_gets_only_text_readings() -> None:
    # edge-tts escapes SSML and would read "hang2" letter by letter: pinyin-only entries are skipped.
    assert apply("银行行长说，单于来了", LEXICON, engine="edge") == "银行行长说，蝉于来了"


def test_an_entry_with_both_forms_gives_each_engine_its_own() -> None:
    lexicon = load_lexicon_from_text('"重庆" = { text = "虫庆", pinyin = "Chong2Qing4" }\n')
    assert apply("去重庆", lexicon, engine="espeak") == "去 chong2 qing4"
    assert apply("去重庆", lexicon, engine="edge") == "去虫庆"


def test_no_lexicon_is_the_identity() -> None:
    assert apply("行长", None, engine="espeak") == "行长"
    assert apply("行长", Lexicon(), engine="espeak") == "行长"


def test_pinyin_detection_and_normalisation() -> None:
    assert is_pinyin("zhong4 qing4") and is_pinyin("chong2qing4") and is_pinyin("lü4")
    assert not is_pinyin("重庆") and not is_pinyin("sequel") and not is_pinyin("zhong qing")
    assert normalize_pinyin("Lü4 Chong2Qing4") == "lv4 chong2 qing4"
    assert normalize_pinyin("nu:3") == "nv3"


def test_merge_lets_the_later_source_win(tmp_path: Path) -> None:
    user = tmp_path / "mine.toml"
    user.write_text('"行长" = "航长"\n"朝阳" = "zhao1 yang2"\n', encoding="utf-8")
    merged = LEXICON.merged(user)
    says = {e.word: e.say("espeak") for e in merged.entries}
    assert says["行长"] == "航长" and says["朝阳"] == "zhao1 yang2" and says["重庆"] == "chong2 qing4"
    assert LEXICON.merged(None) is LEXICON


def test_a_file_with_a_lexicon_table(tmp_path: Path) -> None:
    path = tmp_path / "lex.toml"
    path.write_text('[lexicon]\n"单于" = "chan2 yu2"\n', encoding="utf-8")
    assert load_lexicon(path).entries == (Entry("单于", pinyin="chan2 yu2"),)


@pytest.mark.parametrize(
    ("content", "names"),
    [
        ('"行长" = 3\n', "行长"),
        ('"行长" = ""\n', "行长"),
        ('"行长" = { pinyin = "hang zhang" }\n', "行长.pinyin"),
        ('"行长" = { sound = "x" }\n', "行长.sound"),
        ('"行长" = {}\n', "行长"),
        ('"行长" = "hang2\n', "TOML"),
    ],
)
def test_bad_entries_name_the_file_and_key(tmp_path: Path, content: str, names: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_lexicon(path)
    assert caught.value.path == str(path)
    assert names in caught.value.message


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_lexicon(tmp_path / "nope.toml")


def load_lexicon_from_text(text: str) -> Lexicon:
    import tomllib

    from lectern.text.lexicon import parse_lexicon

    return parse_lexicon(tomllib.loads(text), path="<test>")
