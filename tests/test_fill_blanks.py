"""Placeholders a user can fill one by one (issue 13): every blank listed with its number, line and the words
around it; --fill by number and from a file; fills that match nothing and blanks left are said."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from lectern.build import TextOptions, prepare
from lectern.cli import app

runner = CliRunner()


def test_each_blank_is_listed_with_its_line_and_the_words_around_it(example_speech: Path) -> None:
    # `plan` said only "XX ×6"; the blanks are three people, a colleague and the county.
    result = prepare(str(example_speech), TextOptions(breath=False))
    assert [(b.number, b.line, b.before[-2:] + "[" + b.text + "]" + b.after[:2]) for b in result.blanks] == [
        (1, 20, "我和[XX]、X"),
        (2, 20, "X、[XX]、X"),
        (3, 20, "X、[XX]同志"),
        (4, 22, "刚才，[XX]同志"[1:]),
        (5, 23, "前，[XX]发展"),
        (6, 25, "[XX]这几"),
    ]
    lines = (example_speech.read_text(encoding="utf-8")).splitlines()
    assert all(b.text in lines[b.line - 1] for b in result.blanks)


def test_fill_by_number_fills_only_that_blank(example_speech: Path) -> None:
    # --fill XX=王明 gave "我和王明、王明、王明同志" and "王明发展": a spelling fills every blank it spells.
    result = prepare(str(example_speech), TextOptions(fills=("1=张三", "2=李四", "3=王五", "5=某县"), breath=False))
    spoken = "".join(s.text for s in result.speech.sentences)
    assert "我和张三、李四、王五同志" in spoken and "当前，某县发展" in spoken
    assert "刚才，某某同志" in spoken  # blank 4 was not named: read as 某某
    assert [b.filled for b in result.blanks] == ["张三", "李四", "王五", None, "某县", None]


def test_fills_from_a_file_and_warnings(tmp_path: Path, example_speech: Path) -> None:
    fills = tmp_path / "fills.txt"
    fills.write_text("# who is who\n1=张三\n4=李四\n\n9=多余\n", encoding="utf-8")
    result = runner.invoke(app, ["plan", str(example_speech), "--fill-file", str(fills), "--fill", "XY=x"],
                           catch_exceptions=False)
    assert result.exit_code == 1 and "'XY' is not a blank spelling" in result.stderr  # still refused
    result = runner.invoke(app, ["plan", str(example_speech), "--fill-file", str(fills), "--fill", "6=某县"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert "   1  line 20   首先，我和[XX]、XX、XX → 张三" in result.stdout
    assert "   6  line 25   [XX]这几年发展势 → 某县" in result.stdout
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: --fill 9=多余 matched no blank (the script has 6; lectern plan lists them)",
        "warning: blank(s) 2, 3, 5 not filled: read as 某某",
    ]
    data = json.loads(runner.invoke(app, ["plan", str(example_speech), "--json", "--fill-file", str(fills)]).stdout)
    assert [b["filled"] for b in data["blanks"]] == ["张三", None, None, "李四", None, None]
    assert data["blanks"][0] == {"number": 1, "text": "XX", "line": 20, "before": "首先，我和", "after": "、XX、XX",
                                 "filled": "张三"}
    assert data["unused_fills"] == ["9=多余"]


def test_a_spelling_the_script_lacks_and_names_left_over_are_said(example_speech: Path) -> None:
    result = prepare(str(example_speech),
                     TextOptions(fills=("××=王明", *[f"名{i}" for i in range(8)]), breath=False))
    assert result.unused_fills == ("××=王明", "名6", "名7")


def test_a_fill_file_that_cannot_be_read_is_one_error(tmp_path: Path, example_speech: Path) -> None:
    bad = tmp_path / "fills.txt"
    bad.write_bytes(b"1=\xd5\xc5\xc8\xfd\n")  # GBK
    result = runner.invoke(app, ["plan", str(example_speech), "--fill-file", str(bad)], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {bad}: cannot read the fill file (not UTF-8 text: byte 2 is invalid)"
    result = runner.invoke(app, ["plan", str(example_speech), "--fill", "0=张三"], catch_exceptions=False)
    assert result.exit_code == 1 and "numbered from 1" in result.stderr
