"""Only a folder lectern wrote may be replaced by a build (issue 10, points 1 and 2): the manifest, the rehearsals
from before it, and files that appear while a build runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lectern import build as build_module
from lectern import outfolder
from lectern.cli import app
from lectern.outfolder import MANIFEST, foreign_files, write_manifest

from .conftest import SHORT_SPEECH

runner = CliRunner()
OLD_TIMINGS = json.dumps({"audio": "rehearsal.mp3", "duration_ms": 1000, "sections": []})


def make(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_folder_with_its_manifest_may_be_replaced_and_nothing_else(tmp_path: Path) -> None:
    folder = make(tmp_path / "r", {"timings.json": OLD_TIMINGS, "script.txt": "讲话", "sections/01-开场.mp3": "x"})
    write_manifest(folder)
    assert foreign_files(folder) == []
    (folder / "sections/01-开场.mp3").unlink()  # a rehearsal file the user deleted: nothing is lost
    (folder / ".DS_Store").write_bytes(b"")
    assert foreign_files(folder) == []
    (folder / "script.txt").write_text("讲话，加了我的批注", encoding="utf-8")
    (folder / "sections/notes.txt").write_text("mine", encoding="utf-8")
    (folder / "mine").mkdir()
    assert foreign_files(folder) == ["mine/", "script.txt (changed since lectern wrote it)", "sections/notes.txt"]


def test_a_users_folder_that_shares_rehearsal_names_is_all_foreign(tmp_path: Path) -> None:
    # The headline case: the script's own folder, and a web site holding index.html, script.txt and sections/.
    assert foreign_files(make(tmp_path / "myspeech", {"script.txt": "我的讲话"})) == ["script.txt"]
    site = make(tmp_path / "site", {"index.html": "<p>", "script.txt": "x", "sections/notes.txt": "notes"})
    assert foreign_files(site) == ["index.html", "script.txt", "sections/notes.txt"]
    # Someone else's timings.json does not make a rehearsal.
    other = make(tmp_path / "other", {"timings.json": '{"laps": [1, 2]}', "report.md": "# my report"})
    assert foreign_files(other) == ["report.md", "timings.json"]
    empty = tmp_path / "empty"
    (empty / "sub").mkdir(parents=True)
    assert foreign_files(empty) == ["sub/"]  # a folder of the user's, even empty
    (empty / "sub").rmdir()
    assert foreign_files(empty) == []


def test_a_rehearsal_from_before_the_manifest_is_recognised_by_its_timings(tmp_path: Path) -> None:
    old = make(tmp_path / "old", {"timings.json": OLD_TIMINGS, "script.txt": "讲话", "index.html": "<p>",
                                  "sections/01-开场.mp3": "x", "sections/02-一、提高认识.mp3": "y"})
    assert foreign_files(old) == []
    make(old, {"sections/notes.txt": "mine", "todo.md": "mine"})
    assert foreign_files(old) == ["sections/notes.txt", "todo.md"]


def test_a_damaged_or_foreign_manifest_counts_as_none(tmp_path: Path) -> None:
    folder = make(tmp_path / "f", {"script.txt": "mine", MANIFEST: "{not json"})
    assert foreign_files(folder) == ["script.txt"]
    (folder / MANIFEST).write_text('{"lectern": 1, "files": {"script.txt": {"size": 4, "sha256": "0"}}}')
    assert foreign_files(folder) == ["script.txt (changed since lectern wrote it)"]


@pytest.fixture
def speech(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "myspeech"
    folder.mkdir()
    (folder / "script.txt").write_text(SHORT_SPEECH, encoding="utf-8")
    return folder / "script.txt"


def build(*args: str):  # noqa: ANN201
    return runner.invoke(app, ["build", *args, "--engine", "espeak", "--quiet"], catch_exceptions=False)


def test_the_scripts_own_folder_is_refused_and_the_script_kept(speech: Path) -> None:
    result = build(str(speech), "-o", str(speech.parent))
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"error: {speech.parent}: holds files that are not a rehearsal (script.txt); a "
                                     "build replaces the whole folder, so choose a new folder with -o")
    assert speech.read_text(encoding="utf-8") == SHORT_SPEECH
    assert sorted(p.name for p in speech.parent.iterdir()) == ["script.txt"]


@pytest.mark.slow
def test_a_rehearsal_is_replaced_by_the_next_build_but_not_once_the_user_added_to_it(speech: Path) -> None:
    assert build(str(speech), "-o", "out").exit_code == 0
    manifest = json.loads((Path("out") / MANIFEST).read_text(encoding="utf-8"))
    assert {"rehearsal.mp3", "timings.json", "script.txt", "index.html"} <= set(manifest["files"])
    assert any(name.startswith("sections/") for name in manifest["files"])
    assert build(str(speech), "-o", "out").exit_code == 0  # its own rehearsal: replaced
    (Path("out") / "sections" / "my notes.txt").write_text("mine", encoding="utf-8")
    result = build(str(speech), "-o", "out")
    assert result.exit_code == 1
    assert "holds files that are not a rehearsal (sections/my notes.txt)" in result.stderr
    assert (Path("out") / "sections" / "my notes.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.slow
def test_a_file_saved_into_the_folder_during_the_build_is_kept(speech: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert build(str(speech), "-o", "out").exit_code == 0
    before = (Path("out") / "timings.json").read_bytes()
    real = build_module.write_outputs

    def write_outputs(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        (Path("out") / "saved-meanwhile.txt").write_text("the user's", encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(build_module, "write_outputs", write_outputs)
    result = build(str(speech), "-o", "out")
    assert result.exit_code == 1
    kept = Path("out.new").resolve()
    assert result.stderr.strip() == (
        "error: out: now holds files that are not a rehearsal (saved-meanwhile.txt), so it was left as it is; the "
        f"new rehearsal is in {kept}"
    )
    assert (Path("out") / "saved-meanwhile.txt").read_text(encoding="utf-8") == "the user's"
    assert (Path("out") / "timings.json").read_bytes() == before
    assert (kept / "timings.json").is_file() and (kept / MANIFEST).is_file()
    assert not list(Path().glob(".out.*"))


@pytest.mark.slow
def test_a_file_saved_in_the_instant_before_the_swap_is_kept(speech: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert build(str(speech), "-o", "out").exit_code == 0
    real = outfolder.foreign_files

    def foreign_files(folder: Path) -> list[str]:
        if folder.name == "previous":  # moved aside for the swap: a save lands just before the move
            (folder / "late.txt").write_text("the user's", encoding="utf-8")
        return real(folder)

    monkeypatch.setattr(outfolder, "foreign_files", foreign_files)
    result = build(str(speech), "-o", "out")
    assert result.exit_code == 1
    assert "(late.txt), so it was left as it is; the new rehearsal is in" in result.stderr
    assert (Path("out") / "late.txt").read_text(encoding="utf-8") == "the user's"
    assert (Path("out") / "timings.json").is_file() and Path("out.new/timings.json").is_file()
    assert not list(Path().glob(".out.*"))


@pytest.mark.slow
@pytest.mark.parametrize("where", ["lectern.audio.assemble._PcmWriter.write", "lectern.build.write_text",
                                   "lectern.outfolder.write_bytes"])
def test_a_full_disk_is_one_line_naming_the_folder_and_the_space_needed(
    speech: Path, monkeypatch: pytest.MonkeyPatch, where: str, tmp_path: Path
) -> None:
    assert build(str(speech), "-o", "out").exit_code == 0
    before = {p: p.read_bytes() for p in Path("out").rglob("*") if p.is_file()}

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(where, full)
    # A cache of its own, so that the parts are encoded (written) again.
    result = build(str(speech), "-o", "out", "--cache-dir", str(tmp_path / "fresh-cache"))
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in result.output
    assert re.fullmatch(r"error: out: no space left on the disk: the rehearsal needs about \d+ MB there, "
                        r"[\d,]+ MB free", line), line
    assert {p: p.read_bytes() for p in Path("out").rglob("*") if p.is_file()} == before
    assert not list(Path().glob(".out.*"))


@pytest.mark.slow
def test_lectern_report_keeps_the_folder_replaceable(speech: Path) -> None:
    """`lectern report` renders report.md/html/json again in the rehearsal: they are still lectern's files."""
    assert build(str(speech), "-o", "out").exit_code == 0
    result = runner.invoke(app, ["report", "out", "--target", "1m"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert foreign_files(Path("out")) == []
    assert build(str(speech), "-o", "out").exit_code == 0
