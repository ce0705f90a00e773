"""Voice presets: the shipped ones load, and every bad key or value is a ConfigError naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from lectern.errors import ConfigError
from lectern.model import Language, PauseTable, Voice
from lectern.presets import list_presets, load_preset, preset_names, voices_dir


def test_the_shipped_presets() -> None:
    assert {"zh-formal", "zh-warm", "en-us"} <= set(preset_names())
    formal = load_preset("zh-formal")
    assert formal.language is Language.ZH and formal.rate == 220
    assert formal.voice_for("edge").name == "zh-CN-YunyangNeural"
    assert formal.voice_for("espeak").name == "cmn"
    assert formal.pauses == PauseTable()  # the default table is the formal one
    assert {e.word for e in formal.lexicon.entries} >= {"行长", "单于"}
    assert load_preset("zh-warm").voice_for("edge").name == "zh-CN-XiaoxiaoNeural"
    english = load_preset("en-us")
    assert english.language is Language.EN and english.voice_for("espeak").name == "en-us"
    assert english.voice_for("edge").name.startswith("en-US-")
    assert [p.name for p in list_presets()] == list(preset_names())


def test_load_by_path_and_voices_dir_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('language = "zh"\n[espeak]\nvoice = "cmn"\nrate = 10\n', encoding="utf-8")
    preset = load_preset(str(path))
    assert preset.name == "mine" and preset.voice_for("espeak") == Voice("espeak", "cmn", rate=10)
    assert preset.pauses == PauseTable() and len(preset.lexicon) == 0
    with pytest.raises(ConfigError, match=r"no \[edge\] voice"):
        preset.voice_for("edge")
    monkeypatch.setenv("LECTERN_VOICES_DIR", str(tmp_path))
    assert voices_dir() == tmp_path and preset_names() == ("mine",)
    assert load_preset("mine").voice_for("espeak").rate == 10


def test_unknown_preset_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="unknown voice preset 'zh-fromal'.*zh-formal"):
        load_preset("zh-fromal")


@pytest.mark.parametrize(
    ("content", "key"),
    [
        ('pause = 3\n[espeak]\nvoice = "cmn"\n', "pause"),
        ('language = "fr"\n[espeak]\nvoice = "cmn"\n', "language"),
        ('rate = "fast"\n[espeak]\nvoice = "cmn"\n', "rate"),
        ("rate = 5000\n[espeak]\nvoice = 'cmn'\n", "rate"),
        ('[espeak]\nvoice = "cmn"\nrate = 300\n', "espeak.rate"),
        ('[espeak]\nvoice = "cmn"\nrate = 1.5\n', "espeak.rate"),
        ('[espeak]\nvoice = "cmn"\nspeed = 3\n', "espeak.speed"),
        ('[espeak]\nrate = 3\n', "espeak.voice"),
        ('[edge]\nvoice = ""\n', "edge.voice"),
        ('espeak = "cmn"\n', "espeak"),
        ('[espeak]\nvoice = "cmn"\n[pauses]\nsentense = 400\n', "pauses.sentense"),
        ('[espeak]\nvoice = "cmn"\n[pauses]\nsentence = -1\n', "pauses.sentence"),
        ('[espeak]\nvoice = "cmn"\n[lexicon]\n"行长" = 1\n', "lexicon.行长"),
        ('description = "no voices"\n', "[edge], [neural] or [espeak]"),
        ('language = "en"\n[neural]\nvoice = "baker"\n', "speaks only Mandarin"),
        ('[espeak\nvoice = "cmn"\n', "TOML"),
    ],
)
def test_bad_presets_name_the_file_and_key(tmp_path: Path, content: str, key: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_preset(str(path))
    assert caught.value.path == str(path)
    assert key in caught.value.message
    assert str(path) in str(caught.value)


def test_a_missing_preset_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_preset(str(tmp_path / "none.toml"))
