"""What a new user meets first in the terminal (issue 13): --version, exit codes, the build table, progress."""

from __future__ import annotations

import pytest

from typer.testing import CliRunner

from lectern import __version__
from lectern.cli import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_version_prints_the_package_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"lectern {__version__}"


def test_a_mistyped_engine_is_a_usage_error_exit_2(tmp_path) -> None:
    script = tmp_path / "s.txt"
    script.write_text("同志们：今天开会。谢谢大家！\n", encoding="utf-8")
    result = invoke("build", str(script), "--engine", "espek", "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "'espek'" in lines[0] and "espeak" in lines[0]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [["watch", "{script}", "-o", "{out}", "--engine", "espek"],
                                     ["voices", "--engine", "espek"]])
def test_a_mistyped_engine_is_a_usage_error_for_watch_and_voices_too(tmp_path, command) -> None:
    """watch used to take it and fail on every save; voices printed both tables before its error, exit 1."""
    script = tmp_path / "s.txt"
    script.write_text("同志们：今天开会。谢谢大家！\n", encoding="utf-8")
    args = [a.format(script=script, out=tmp_path / "out") for a in command]
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "'espek'" in lines[0] and "espeak" in lines[0]
    assert not (tmp_path / "out").exists()


def test_voices_for_a_language_no_preset_speaks_says_so() -> None:
    result = invoke("voices", "--language", "fr")
    assert result.exit_code == 0
    assert "no voice preset speaks fr (the presets speak en, zh)" in result.stdout
    assert "Presets (--voice)" not in result.stdout  # not an empty table
    assert "Engines (--engine)" in result.stdout


def _stale_take(cache_dir, text: str) -> str:
    import os

    from lectern.audio.cache import TakeCache, take_key
    from lectern.engines.base import Rendering
    from lectern.model import Voice

    key = take_key(engine="espeak", version="0", voice=Voice("espeak", "cmn"), text=text)
    TakeCache(cache_dir).put(key, text, "espeak", "cmn", Rendering(b"\0\1" * 50_000, 22050, ()))
    for path in cache_dir.glob(f"*/{key}.*"):
        os.utime(path, (1_000_000, 1_000_000))
    return key


def test_cache_prune_and_info_show_the_cap(tmp_path) -> None:
    from lectern.audio.cache import TakeCache

    cache_dir = tmp_path / "c"
    old, new = _stale_take(cache_dir, "旧"), _stale_take(cache_dir, "新")
    assert TakeCache(cache_dir).get(new) is not None  # used just now
    result = invoke("cache", "info", "--cache-dir", str(cache_dir))
    assert result.exit_code == 0 and "2 takes, 0.2 MB of 500 MB" in result.stdout
    result = invoke("cache", "prune", "--max-size", "0.15MB", "--cache-dir", str(cache_dir))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("removed 1 takes and 0 encoded sections (0.1 MB); 0.1 MB left (cap 0.15 MB)")
    cache = TakeCache(cache_dir)
    assert cache.get(old) is None and cache.get(new) is not None
    result = invoke("cache", "prune", "--max-size", "lots", "--cache-dir", str(cache_dir))
    assert result.exit_code == 1 and "cannot read size 'lots'" in result.stderr


def test_a_build_prunes_the_cache_to_its_cap_but_keeps_its_own_takes(tmp_path, monkeypatch) -> None:
    from lectern.audio.cache import TakeCache

    cache_dir = tmp_path / "c"
    stale = _stale_take(cache_dir, "很久以前的一句话。")
    monkeypatch.setenv("LECTERN_CACHE_MAX", "1k")
    script = tmp_path / "s.txt"
    script.write_text("同志们：今天开会。谢谢大家！\n", encoding="utf-8")
    result = invoke("build", str(script), "--engine", "espeak", "-q", "-o", str(tmp_path / "out"),
                    "--cache-dir", str(cache_dir))
    assert result.exit_code == 0, result.stderr
    info = TakeCache(cache_dir).info()
    assert TakeCache(cache_dir).get(stale) is None
    assert info.entries >= 2  # this build's takes stay even over the cap


# --- the build table --------------------------------------------------------------------------------------------

LONG_TITLES = ["开场", "所有工作都要负起责任来", "所有积极因素都要充分调动起来并且形成推动发展的强大合力", "结束语"]


def _report():
    from lectern.model import Language, TimedSection, TimedSentence, Timeline
    from lectern.report.analysis import build_report

    sections = []
    for i, title in enumerate(LONG_TITLES):
        start = i * 60_000
        text = "我们要坚定信心迎难而上全力以赴推动各项工作。" * 8
        sections.append(TimedSection(i, 0 if i in (0, 3) else 1, "一是" if i == 1 else None, title, start,
                                     start + 60_000, (TimedSentence(text, start, start + 55_000),)))
    timeline = Timeline("rehearsal.mp3", 240_000, "espeak", "cmn", tuple(sections), title="讲话", language=Language.ZH)
    return build_report(timeline, None, target_ms=200_000)


def test_the_boxed_table_fits_80_columns_with_its_flag_column() -> None:
    import io

    from rich.cells import cell_len
    from rich.console import Console

    from lectern.writers.report import render_table

    console = Console(file=io.StringIO(), width=80, color_system=None)
    console.print(render_table(_report(), width=80))
    lines = console.file.getvalue().splitlines()
    assert max(cell_len(line) for line in lines) <= 80, "\n".join(lines)
    header = next(line for line in lines if "Section" in line)
    assert header.rstrip().endswith("│ Flag │")
    rows = [line for line in lines if line.startswith("│ ") and "Section" not in line]
    assert len(rows) == 4  # one line a section: no title wraps onto a second line
    assert any("所有积极因素都要" in row and "…" in row for row in rows)
    assert all(row.rstrip().endswith("│") for row in rows)


@pytest.mark.parametrize("plain", [False, True])
def test_the_summary_stays_on_one_line_above_a_narrow_table(plain: bool) -> None:
    """One short section (an English speech read as its opening): the table is narrower than its summary line."""
    import io

    from rich.console import Console

    from lectern.model import Language, TimedSection, TimedSentence, Timeline
    from lectern.report.analysis import build_report
    from lectern.writers.report import render_table

    text = "Yesterday, December 7, 1941, a date which will live in infamy, the United States was attacked. " * 40
    timeline = Timeline("rehearsal.mp3", 1_389_000, "espeak", "en-us",
                        (TimedSection(0, 0, None, "Opening", 0, 1_389_000, (TimedSentence(text, 0, 1_380_000),)),),
                        title="Address", language=Language.EN)
    console = Console(file=io.StringIO(), width=80, color_system=None)
    console.print(render_table(build_report(timeline, None), width=80, plain=plain))
    first, second = console.file.getvalue().splitlines()[:2]
    assert first.startswith("Total 23:09 (speaking") and first.rstrip().endswith(" wpm"), (first, second)
    assert not second.strip().startswith("wpm")


def test_piped_output_is_plain_text_within_80_columns(tmp_path) -> None:
    from rich.cells import cell_len

    from lectern.writers.timings import render_timings

    # A rehearsal folder with only its timings: `lectern report` prints the same table a build does.
    report = _report()
    folder = tmp_path / "rehearsal"
    folder.mkdir()
    from lectern.model import Language, TimedSection, TimedSentence, Timeline

    sections = tuple(
        TimedSection(s.index, s.level, s.marker, s.title, s.start_ms, s.start_ms + s.duration_ms,
                     (TimedSentence("我们要坚定信心迎难而上全力以赴推动各项工作。" * 8, s.start_ms, s.start_ms + 55_000),))
        for s in report.sections
    )
    timeline = Timeline("rehearsal.mp3", 240_000, "espeak", "cmn", sections, title="讲话", language=Language.ZH)
    (folder / "timings.json").write_text(render_timings(timeline), encoding="utf-8")
    result = invoke("report", str(folder))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    table = lines[: lines.index(next(line for line in lines if line.startswith("At your pace")))]
    assert not any(ch in "".join(table) for ch in "│┃─━┏┌└"), "\n".join(table)
    assert all(cell_len(line) <= 80 and line == line.rstrip() for line in table), "\n".join(table)
    assert table[1].split()[-1] == "Flag" and all(line.split()[-1] == "ok" for line in table[2:])


def test_every_long_stage_of_a_build_reports_its_progress(tmp_path) -> None:
    # "assemble 470/470" stood still for half the build while the MP3 was encoded, "planning 0/?" for seconds.
    from lectern.build import BuildOptions, build

    script = tmp_path / "s.txt"
    script.write_text("同志们：\n" + "".join(f"第{i}项工作要抓紧落实。" for i in range(1, 13)) + "\n谢谢大家！\n",
                      encoding="utf-8")
    stages: list[str] = []
    steps: list[tuple[str, int, int]] = []
    build(str(script), tmp_path / "out", BuildOptions(engine="espeak", cache_dir=tmp_path / "c"),
          on_stage=stages.append, on_progress=lambda step, done, total: steps.append((step, done, total)))
    assert stages[:4] == ["reading", "cleaning", "structuring", "breath groups"]
    encoding = [(done, total) for step, done, total in steps if step == "encoding"]
    assert encoding and encoding[-1][0] == encoding[-1][1] > 0  # counts up to every part
    assert [done for done, _ in encoding] == sorted(done for done, _ in encoding)
    measuring = [(done, total) for step, done, total in steps if step == "measuring"]
    assert measuring[-1] == (14, 14)  # every take's level, the first time it is met
    assert steps[-1][0] == "joining"


def test_a_one_section_build_says_section_not_sections(tmp_path) -> None:
    script = tmp_path / "s.txt"
    script.write_text("Thank you all for coming today. We have work to do.\n", encoding="utf-8")
    result = invoke("build", str(script), "--engine", "espeak", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    assert f"of audio in 1 section → {tmp_path / 'out'}/" in result.stdout, result.stdout


def test_fit_voice_without_a_target_is_a_usage_error(tmp_path) -> None:
    script = tmp_path / "s.txt"
    script.write_text("同志们：今天开会。\n", encoding="utf-8")
    result = invoke("build", str(script), "--engine", "espeak", "--fit-voice", "-o", str(tmp_path / "out"))
    assert result.exit_code == 2  # a missing companion option, like every other mistyped option
    assert result.stderr.count("\n") == 1 and "--fit-voice" in result.stderr and "add --target" in result.stderr
    assert "--fit-voice: --fit-voice" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_plan_counts_one_section_and_one_sentence_in_the_singular(tmp_path) -> None:
    script = tmp_path / "s.txt"
    script.write_text("Thank you all for coming today.\n", encoding="utf-8")
    result = invoke("plan", str(script))
    assert result.exit_code == 0, result.stderr
    assert "; 1 section, 1 sentence, " in result.stdout
