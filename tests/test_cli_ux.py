"""What a new user meets first in the terminal (issue 13): --version, exit codes, the build table, progress."""

from __future__ import annotations

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
