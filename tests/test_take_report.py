"""A take adds "Your delivery" to the folder's report and changes nothing else in it; the take's target shares are
the report's budgets (as the page's rehearse mode shows them), and its figures read the same in the terminal and
the report files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lectern.build import BuildOptions, build
from lectern.cli import app
from tests.conftest import EXAMPLE_SPEECH
from tests.synthetic_takes import load_rehearsal, make_take, write_wav

runner = CliRunner()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("take-report") / "rehearsal"
    build(str(EXAMPLE_SPEECH), out,
          BuildOptions(engine="espeak", target_ms=540_000, budgets=(("一是", 180_000),), pace=200.0))
    return out


def _target(folder: Path) -> dict:
    return json.loads((folder / "report.json").read_text("utf-8"))["target"]


def test_a_take_keeps_the_builds_pace_and_budgets_and_uses_them(folder: Path, tmp_path: Path) -> None:
    before = json.loads((folder / "report.json").read_text("utf-8"))
    take, _ = make_take(load_rehearsal(folder), seed=4)
    wav = write_wav(tmp_path / "take.wav", take)
    result = runner.invoke(app, ["take", str(folder), str(wav)])
    assert result.exit_code == 0, result.output
    after = json.loads((folder / "report.json").read_text("utf-8"))
    # The report's own parts are as the build left them: the speaker's pace, the target and its budgets.
    assert after["delivery"] == before["delivery"]
    assert after["target"] == before["target"]
    assert "一是=3:00" in (folder / "report.md").read_text("utf-8")
    # The take's share of the target for each section is the report's budget for it.
    budgets = {b["index"]: b["budget_ms"] for b in after["target"]["budgets"]}
    shares = {c["index"]: c["target_ms"] for c in after["takes"][-1]["comparison"]}
    assert shares == budgets and shares[1] == 180_000
    row = next(line for line in result.stdout.splitlines() if line.startswith("│ 2 "))
    assert "│ 3:00 " in row, row


@pytest.mark.parametrize("seed", [14, 17])  # takes whose paces round differently at 0.1 and at 1 (190.54 → 190.5)
def test_the_take_reads_the_same_in_the_terminal_and_the_report(folder: Path, tmp_path: Path, seed: int) -> None:
    take, _ = make_take(load_rehearsal(folder), seed=seed)
    wav = write_wav(tmp_path / "take.wav", take)
    result = runner.invoke(app, ["take", str(folder), str(wav)])
    assert result.exit_code == 0, result.output
    summary = result.stdout.splitlines()[0]
    md = (folder / "report.md").read_text("utf-8").splitlines()
    start = next(n for n, line in enumerate(md) if line in ("## Your delivery", "## 你的试讲"))
    pace = re.search(r", (\d+) 字/分;", summary).group(1)
    assert f"，{pace} 字/分；" in md[start + 2], (summary, md[start + 2])
    # The pace column of each section: the terminal's table and report.md's.
    terminal = [[c.strip() for c in line.split("│")[1:-1]] for line in result.stdout.splitlines()
                if line.startswith("│ ")]
    files = [[c.strip() for c in line.split(" | ")] for line in md[start:] if line[:4] in {f"| {n} " for n in range(1, 10)}]
    assert [row[7] for row in terminal] == [row[7] for row in files[: len(terminal)]]
    printed = json.loads(runner.invoke(app, ["take", str(folder), str(wav), "--json", "--dry-run"]).stdout)
    saved = json.loads(sorted((folder / "takes").iterdir())[-1].read_text("utf-8"))
    assert printed["pace"] == saved["pace"]


def test_a_take_that_stops_early_is_held_to_the_part_it_reads(folder: Path, tmp_path: Path) -> None:
    """Read up to sentence 20 of 47: the take is compared with the rehearsal and the target up to there, not with
    the whole speech ("4:00 under the target" for half a speech), and the section it stops in with its part read."""
    from lectern.build import read_rehearsal
    from lectern.rehearse.analyse import analyse_audio
    from lectern.rehearse.compare import compare
    from lectern.rehearse.decode import SAMPLE_RATE, Audio
    from lectern.timecode import clock

    take, _ = make_take(load_rehearsal(folder), seed=5, stop_after=20)
    timeline = read_rehearsal(folder)
    delivery = analyse_audio(Audio(take, SAMPLE_RATE), timeline, recording="short.wav")
    assert delivery.stopped_at == 20
    sentences = [s for section in timeline.sections for s in section.sentences]
    upto = sentences[20].start_ms
    budgets = {b["index"]: b["budget_ms"] for b in _target(folder)["budgets"]}
    t = compare(1, delivery, timeline, 540_000, budgets)
    assert t.read_voice_ms == upto
    last, stopped_in = t.sections[-1], timeline.sections[t.sections[-1].index]
    assert last.voice_ms == upto - stopped_in.start_ms
    assert last.target_ms == round(budgets[last.index] * last.voice_ms / (stopped_in.end_ms - stopped_in.start_ms))
    assert t.read_target_ms == sum(s.target_ms for s in t.sections)
    assert t.diff_ms == t.total_ms - t.read_target_ms

    wav = write_wav(tmp_path / "short.wav", take)
    result = runner.invoke(app, ["take", str(folder), str(wav), "--dry-run"])
    assert result.exit_code == 0, result.output
    summary = result.stdout.splitlines()[0]
    assert f"the rehearsal to sentence 21 {clock(upto)}" in summary, summary
    assert f"the target to there {clock(t.read_target_ms)}" in summary, summary
