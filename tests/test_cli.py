"""The CLI through typer's runner: exit codes, the one-line errors, the JSON contract and the files written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from lectern.cli import app

from .conftest import REPO, SHORT_SPEECH

runner = CliRunner()



def invoke(*args: str, input: bytes | str | None = None):  # noqa: A002 - mirrors CliRunner
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


def error_line(result) -> str:  # noqa: ANN001
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_plan_json_contract_on_the_example_speech(example_speech: Path) -> None:
    result = invoke("plan", str(example_speech), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data)[:8] == [
        "title", "meta", "encoding", "language", "removed", "placeholders", "sections", "estimate",
    ]
    assert data["title"] == "在节后收心会上的讲话"
    assert data["language"] == "zh"
    assert data["encoding"].startswith("utf-8")
    level1 = [s["title"] for s in data["sections"] if s["level"] == 1]
    assert level1 == ["所有工作都要负起责任来", "所有工作都要干出成效来", "所有积极因素都要充分调动起来"]
    assert data["sections"][0]["level"] == 0 and data["sections"][-1]["level"] == 0
    spoken = "".join(
        s["text"] for sec in data["sections"] for p in sec["paragraphs"] for s in p["sentences"]
    )
    for noise in ("仅供学习", "酷乐文行", "QQ", "订阅", "举报", "会员"):
        assert noise not in spoken
    assert spoken.startswith("同志们：")
    assert spoken.endswith("散会。")
    assert {p["text"]: p["count"] for p in data["placeholders"]}.get("XX", 0) >= 5
    assert "XX" not in spoken and "某某" in spoken
    est = data["estimate"]
    assert est["total_ms"] == est["speech_ms"] + est["pause_ms"]
    summed = sum(
        s["est_ms"] + s["pause_after_ms"] for sec in data["sections"] for p in sec["paragraphs"] for s in p["sentences"]
    )
    assert summed == est["total_ms"]
    assert all(r["reason"] and r["line"] >= 1 for r in data["removed"])


def test_plan_outline_lists_sections_with_estimated_times(tmp_path: Path) -> None:
    script = tmp_path / "speech.txt"
    script.write_text(SHORT_SPEECH, encoding="utf-8")
    result = invoke("plan", str(script))
    assert result.exit_code == 0, result.stderr
    assert "关于做好当前工作的讲话" in result.stdout
    assert "提高认识，统一思想" in result.stdout and "突出重点，狠抓落实" in result.stdout
    assert re.search(r"\d+:\d\d", result.stdout)


def test_plan_fill_replaces_placeholders(tmp_path: Path) -> None:
    script = tmp_path / "speech.txt"
    script.write_text(SHORT_SPEECH, encoding="utf-8")
    data = json.loads(invoke("plan", str(script), "--json", "--fill", "XX=滨江").stdout)
    spoken = "".join(s["text"] for sec in data["sections"] for p in sec["paragraphs"] for s in p["sentences"])
    assert "滨江项目" in spoken and "某某" not in spoken


def test_plan_reads_gbk_from_stdin() -> None:
    result = invoke("plan", "-", "--json", input=SHORT_SPEECH.encode("gbk"))
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["encoding"] in {"gbk", "gb18030", "gb2312"}
    assert data["title"] == "关于做好当前工作的讲话"


def test_clean_writes_the_speech_and_reports_removals(example_speech: Path, tmp_path: Path) -> None:
    target = tmp_path / "clean.txt"
    result = invoke("clean", str(example_speech), "-o", str(target))
    assert result.exit_code == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    assert "QQ" not in text and "酷乐文行" not in text
    assert "会议到此结束，散会。" in text
    assert "QQ" in result.stderr  # the removed lines are shown for review
    assert "XX" in result.stderr  # and the placeholders are counted


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.txt", r"missing\.txt: .*(not found|no such|does not exist)"),
        (lambda d: d, r"(folder|directory)"),
        (lambda d: _write(d / "empty.txt", b""), r"empty\.txt: .*empty"),
        (lambda d: _write(d / "blob.txt", bytes(range(256)) * 40), r"blob\.txt: .*(binary|decode)"),
    ],
    ids=["missing", "directory", "empty", "binary"],
)
def test_bad_input_is_one_error_line(tmp_path: Path, make, message: str) -> None:  # noqa: ANN001
    path = make(tmp_path)
    for command in ("plan", "clean"):
        result = invoke(command, str(path))
        assert result.exit_code == 1
        assert re.search(message, error_line(result), re.IGNORECASE), result.stderr
        assert "Traceback" not in result.stderr


def test_a_file_that_is_only_noise_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "ads.txt", "仅供学习 禁止外传\n咨询QQ206157060\n第1页共2页\n".encode())
    result = invoke("plan", str(path))
    assert result.exit_code == 1
    assert "ads.txt" in error_line(result)


def test_a_long_line_without_punctuation_is_planned(tmp_path: Path) -> None:
    path = _write(tmp_path / "long.txt", ("我们要坚持发展" * 7200).encode())
    result = invoke("plan", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["estimate"]["chars"] == 7 * 7200


def test_every_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    names = sorted(typer.main.get_command(app).commands)
    assert {"clean", "plan", "build", "report", "voices", "cache"} <= set(names)
    for name in names:
        assert f"lectern {name}" in readme, name


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.slow
def test_a_5_mb_script_is_planned(tmp_path: Path, example_speech: Path) -> None:
    body = "\n".join(line for line in example_speech.read_text(encoding="utf-8").splitlines() if "。" in line) + "\n"
    copies = 5_000_000 // len(body.encode("utf-8")) + 1
    path = _write(tmp_path / "big.txt", (body * copies).encode("utf-8"))
    assert path.stat().st_size >= 5_000_000
    result = invoke("plan", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    one = json.loads(invoke("plan", str(_write(tmp_path / "one.txt", body.encode("utf-8"))), "--json").stdout)
    assert data["estimate"]["chars"] == one["estimate"]["chars"] * copies
