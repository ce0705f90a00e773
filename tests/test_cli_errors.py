"""Every bad input a user can type, through the CLI: one ``error:`` line naming the file (or the option), a non-zero
exit, no traceback (``catch_exceptions=False`` lets a real one fail the test) and nothing left behind.

Each case runs in a folder of prepared inputs and checks that the folder is exactly as before: no output, no
``.NAME.building-*`` staging folder, no ``.x.tmp`` file, and no file of the user's deleted or changed.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lectern.cli import app

from .conftest import SHORT_SPEECH

runner = CliRunner()


INPUTS: dict[str, bytes] = {
    "s.txt": SHORT_SPEECH.encode("utf-8"),
    "empty.txt": b"",
    "binary.txt": bytes(range(256)) * 8,
    "undecodable.txt": b"\xff\xfe\x00\xd8abc\x81\x82",
    "noise.txt": "仅供学习 禁止外传\n咨询QQ206157060\n".encode(),
    "marks.txt": "[咳嗽]\n[看台下]\n".encode(),
    "blanks.txt": "XX、××。\n某某：XX！\n".encode(),
    "not.toml": b"not = [toml",
    "badre.toml": b'[[rule]]\npattern = "("\nreason = "x"\n',
    "unknown-key.toml": b'[[rule]]\npattern = "a"\nreason = "x"\nfoo = 1\n',
    "binary.toml": b"\xd1\xff\x00 = 1",
    "voice-unknown-key.toml": b'foo = 1\n[espeak]\nvoice = "cmn"\n',
    "voice-bad-value.toml": b'[espeak]\nvoice = "cmn"\nrate = 1000\n',
    "lexicon-bad.toml": b'[lexicon]\n"a" = 3\n',
    "afile": b"a file, not a folder\n",
    "notes/notes.md": b"the user's own notes\n",
    "r-badjson/timings.json": b"{bad",
    "r-types/timings.json": b'{"audio": 1, "sections": "x"}',
    "r-undecodable/timings.json": b"\xff\xfe\xfd",
    "r-list/timings.json": b"[1, 2]",
    "r-nojson/readme.txt": b"no timings here\n",
    "cache-file": b"not a cache folder\n",
    "punct.txt": "。。。！！？？\n……——\n".encode(),
    "emoji.txt": "😀😀🎉\n👍\n".encode(),
    "xs.txt": b"X" * 5000 + b"\n",
}

BUILD = "build --engine espeak --quiet"

# (command line, the error line after "error: " as a regex, exit code)
CASES = [
    # the script
    *[
        (f"{cmd} {name}", f"{re.escape(name)}: {message}", 1)
        for cmd in ("clean", "plan", "report --estimate", f"{BUILD} -o out")
        for name, message in (
            ("missing.txt", "no such file"),
            ("empty.txt", "is empty"),
            ("binary.txt", r"is a binary file .*"),
            ("undecodable.txt", r".*not valid UTF-16"),
            ("notes", "is a directory, not a script file"),
            ("noise.txt", "nothing left to speak: .*"),
        )
    ],
    *[(f"{cmd} marks.txt", r"marks\.txt: nothing to speak after cleaning \(no sentence is left\)", 1)
      for cmd in ("plan", "report --estimate", f"{BUILD} -o out")],
    *[(f"{cmd} {name}", rf"{name}: nothing to speak: the script holds no words, only punctuation or symbols", 1)
      for cmd in ("plan", "report --estimate", f"{BUILD} -o out") for name in ("punct.txt", "emoji.txt")],
    # an error quotes at most a few characters of a 5,000-character line
    *[(f"{cmd} xs.txt", r"xs\.txt: nothing to speak but placeholders \(X{8}…X{3} ×1\): the speech around them is missing", 1)
      for cmd in ("plan", f"{BUILD} -o out")],
    *[(f"{cmd} blanks.txt", r"blanks\.txt: nothing to speak but placeholders \(XX ×2, ×× ×1, 某某 ×1\).*", 1)
      for cmd in ("plan", "report --estimate", f"{BUILD} -o out")],
    # --rules
    ("clean s.txt --rules missing.toml", r"missing\.toml: rules file not found", 1),
    ("clean s.txt --rules not.toml", r"not\.toml: not valid TOML .*", 1),
    ("plan s.txt --rules badre.toml", r"badre\.toml: rule 'rule 1': pattern '\(' is not a valid regular expression .*", 1),
    ("clean s.txt --rules unknown-key.toml", r"unknown-key\.toml: rule 'rule 1': unknown key 'foo'", 1),
    ("clean s.txt --rules binary.toml", r"binary\.toml: cannot read rules file \(not UTF-8 text.*\)", 1),
    ("clean s.txt --rules notes", r"notes: cannot read rules file \(Is a directory\)", 1),
    (f"{BUILD} s.txt -o out --rules badre.toml", r"badre\.toml: rule 'rule 1': .*", 1),
    ("plan s.txt --keep (", r"--keep: .*'\(' is not a valid regular expression .*", 1),
    # --voice, --lexicon
    ("plan s.txt --voice nosuch", r".*voices: unknown voice preset 'nosuch' \(available: .*zh-formal.*\)", 1),
    ("plan s.txt --voice voice-unknown-key.toml", r"voice-unknown-key\.toml: unknown key foo .*", 1),
    ("plan s.txt --voice voice-bad-value.toml", r"voice-bad-value\.toml: key espeak\.rate: .*got 1000", 1),
    ("plan s.txt --voice not.toml", r"not\.toml: not valid TOML .*", 1),
    (f"{BUILD} s.txt -o out --lexicon lexicon-bad.toml", r"lexicon-bad\.toml: lexicon key 'lexicon\.a': .*", 1),
    (f"{BUILD} s.txt -o out --lexicon not.toml", r"not\.toml: not valid TOML .*", 1),
    # numbers and durations
    *[(f"{BUILD} s.txt -o out --target {t}", rf"--target: .*target duration '{re.escape(t)}'.*15m.*", 1)
      for t in ("abc", "0", "-5m", "25h", "99999999999999999999h")],
    *[(f"plan s.txt --rate {r}", rf"s\.txt: delivery rate {v} 字/分 is outside .*", 1)
      for r, v in (("0", "0"), ("-3", "-3"), ("1e9", r"1e\+09"))],
    ("plan s.txt --rate abc", r"Invalid value for '--rate': .* \(see lectern plan --help\)", 2),
    ("report s.txt --estimate --pace abc", r"Invalid value for '--pace': .* \(see lectern report --help\)", 2),
    ("report s.txt --estimate --pace 0", r".*pace 0 is outside .*", 1),
    ("plan s.txt --nosuch", r"No such option: --nosuch \(see lectern plan --help\)", 2),
    # --fill
    ("plan s.txt --fill =", r"--fill: '=' has nothing before '=': .*", 1),
    ("plan s.txt --fill =王明", r"--fill: '=王明' has nothing before '=': .*", 1),
    ("plan s.txt --fill XX=", r"--fill: 'XX=' has no name after '=': e\.g\. XX=王明", 1),
    ("plan s.txt --fill YY=王明", r"--fill: 'YY=王明': 'YY' is not a blank spelling .*", 1),
    (f"{BUILD} s.txt -o out --fill ''", r"--fill: '' is empty: .*", 1),
    # engines
    (f"{BUILD} s.txt -o out --engine nosuch", r"Invalid value for '--engine': 'nosuch' is not one of auto, edge, neural, espeak .*", 2),
    # outputs: a file in the way, a parent that is a file, a place nobody (not even root) can write, a folder of
    # the user's own (a build would replace it wholesale), a folder where a file is wanted
    (f"{BUILD} s.txt -o afile", r".*afile: exists and is not a folder", 1),
    (f"{BUILD} s.txt -o afile/out", r"afile/out: cannot make this folder: .*/afile is a file, not a folder", 1),
    (f"{BUILD} s.txt -o afile/a/b", r"afile/a/b: cannot make this folder: .*/afile is a file, not a folder", 1),
    (f"{BUILD} s.txt -o notes", r"notes: holds files that are not a rehearsal \(notes\.md\); .*", 1),
    (f"{BUILD} s.txt -o .", r"\.: holds files that are not a rehearsal \(.*\); .*", 1),
    (f"{BUILD} s.txt -o s.txt/..", r"s\.txt/\.\.: holds files that are not a rehearsal \(.*\); .*", 1),
    ("clean s.txt -o notes", r"notes: is a folder: give a file name for the cleaned text", 1),
    *[(f"clean s.txt -o {o}", rf"{re.escape(str(Path(o)))}: is the script itself: cleaning would overwrite it; .*", 1)
      for o in ("s.txt", "./s.txt", "notes/../s.txt", "s-link.txt")],
    ("clean s.txt -o afile/x.txt", r"afile/x\.txt: cannot write \(.*\)", 1),
    ("clean s.txt -o /proc/lectern-x.txt", r"/proc/lectern-x\.txt: cannot write \(.*\)", 1),
    # report
    ("report r-nojson", r"r-nojson: no timings\.json here: build it first, or pass a script with --estimate", 1),
    ("report missing", r"missing: no such rehearsal folder \(or pass a script with --estimate\)", 1),
    ("report s.txt", r"s\.txt: is a file, not a rehearsal folder: to report on a script, add --estimate", 1),
    ("report r-badjson", r"r-badjson/timings\.json: not JSON \(line 1, column 2: .*\)", 1),
    ("report r-types", r"r-types/timings\.json: sections: expected a list, got \"x\"", 1),
    ("report r-list", r"r-list/timings\.json: the file is not a timings object: expected an object", 1),
    ("report r-undecodable", r"r-undecodable/timings\.json: is not UTF-8 text \(byte 0\).*", 1),
    # the take cache
    ("cache info --cache-dir cache-file", r"cache-file: is not a folder: .*", 1),
    ("cache clear --cache-dir cache-file", r"cache-file: is not a folder: .*", 1),
    (f"{BUILD} s.txt -o out --cache-dir cache-file", r"cache-file: is not a folder: .*", 1),
]


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, data in INPUTS.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    os.link(tmp_path / "s.txt", tmp_path / "s-link.txt")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``folder`` (hidden ones too) with its size and modification time."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize(("command", "message", "code"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_error_line_and_leaves_everything_as_it_was(
    inputs: Path, command: str, message: str, code: int
) -> None:
    before = snapshot(inputs)
    result = runner.invoke(app, shlex.split(command), prog_name="lectern", catch_exceptions=False)
    assert result.exit_code == code, result.output
    line = error_line(result.stderr)
    assert re.fullmatch(f"error: {message}", line), line
    assert snapshot(inputs) == before


@pytest.mark.parametrize(
    ("command", "data", "message"),
    [
        ("clean -", b"", "is empty"),
        ("plan -", b"", "is empty"),
        (f"{BUILD} - -o out", b"", "is empty"),
        ("clean -", bytes(range(256)) * 4, r"is a binary file .*"),
        ("plan -", bytes(range(256)) * 4, r"is a binary file .*"),
    ],
)
def test_bad_standard_input_is_one_error_line(inputs: Path, command: str, data: bytes, message: str) -> None:
    before = snapshot(inputs)
    result = runner.invoke(app, shlex.split(command), input=data, catch_exceptions=False)
    assert result.exit_code == 1
    assert re.fullmatch(f"error: -: {message}", error_line(result.stderr))
    assert snapshot(inputs) == before


def test_report_names_the_report_file_it_cannot_write(inputs: Path, tmp_path: Path) -> None:
    folder = tmp_path / "rehearsal"
    folder.mkdir()
    (folder / "timings.json").write_text(
        '{"audio": "rehearsal.mp3", "duration_ms": 2000, "engine": "espeak", "voice": "cmn", "sections": '
        '[{"index": 0, "level": 0, "marker": null, "title": "开场", "start_ms": 0, "end_ms": 2000, '
        '"sentences": [{"text": "同志们：", "start_ms": 0, "end_ms": 1500}]}]}',
        encoding="utf-8",
    )
    (folder / "report.md").mkdir()  # a folder where the report goes: os.replace cannot put a file there
    result = runner.invoke(app, ["report", "rehearsal"], catch_exceptions=False)
    assert result.exit_code == 1
    assert re.fullmatch(r"error: rehearsal/report\.md: cannot write \(Is a directory\)", error_line(result.stderr))
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    # the timings file itself is accepted in place of its folder
    result = runner.invoke(app, ["report", "rehearsal/timings.json", "--json"], catch_exceptions=False)
    assert result.exit_code == 1 and "report.md" in result.stderr


@pytest.mark.slow
def test_ctrl_c_during_a_build_keeps_the_old_rehearsal_and_the_rerun_resumes(tmp_path: Path) -> None:
    # Sentences of their own so that no other test's cache serves them, and enough of them to stop mid-synthesis.
    script = tmp_path / "speech.txt"
    body = "".join(f"这是第{n}句测试用的讲话内容，用来检验中断以后能否接着做。" for n in range(60))
    script.write_text(f"同志们：\n{body}\n谢谢大家！\n", encoding="utf-8")
    cache = tmp_path / "cache"
    out = tmp_path / "out"
    out.mkdir()
    previous = '{"audio": "rehearsal.mp3", "duration_ms": 0, "sections": []}'
    (out / "timings.json").write_text(previous, encoding="utf-8")  # a rehearsal from before the manifest
    env = {**os.environ, "LECTERN_CACHE_DIR": str(cache)}
    cmd = [sys.executable, "-m", "lectern", "build", str(script), "--engine", "espeak", "-o", str(out)]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a background job may inherit SIG_IGN
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(_takes(cache)) < 5 and proc.poll() is None:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert error_line(stderr) == "interrupted: finished takes are cached; run the same command again to resume"
    assert (out / "timings.json").read_text(encoding="utf-8") == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "out", "speech.txt"]  # no staging folder left
    finished = {p: p.stat().st_mtime_ns for p in _takes(cache)}
    assert 5 <= len(finished) < 62

    again = subprocess.run([*cmd, "--quiet"], env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert {p: p.stat().st_mtime_ns for p in finished} == finished  # reused, not made again
    assert len(_takes(cache)) == 62
    assert '"duration_ms"' in (out / "timings.json").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "out", "speech.txt"]


def _takes(cache: Path) -> list[Path]:
    return [p for p in cache.rglob("*.pcm") if p.with_suffix(".json").is_file()]


@pytest.mark.slow
def test_a_build_replaces_its_earlier_rehearsal_and_clears_only_dead_builds_leftovers(inputs: Path) -> None:
    live = inputs / f".out.building-{os.getpid()}-abc"  # a build still running (this process)
    dead = inputs / ".out.building-4194999-abc"  # beyond Linux's pid_max: its build is gone
    old_style = inputs / ".out.building-xyz"
    for folder in (live, dead, old_style):
        folder.mkdir()
    for _ in range(2):  # the second build replaces the first's folder: a rehearsal is not "the user's files"
        result = runner.invoke(app, [*shlex.split(BUILD), "s.txt", "-o", "out"], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
    assert live.is_dir() and not dead.exists() and not old_style.exists()
    assert '"duration_ms"' in (inputs / "out" / "timings.json").read_text(encoding="utf-8")
    assert not [p.name for p in inputs.iterdir() if p.name.startswith(".out.") and p != live]


def test_a_file_name_with_control_characters_is_printed_safely_and_never_names_a_folder(inputs: Path) -> None:
    from lectern.build import default_out_dir

    name = "we\nird\x1b[31m.txt"
    (inputs / name).write_bytes(b"")
    result = runner.invoke(app, ["plan", name], catch_exceptions=False)
    assert result.exit_code == 1
    assert error_line(result.stderr) == "error: we\\nird\\x1b[31m.txt: is empty"
    assert default_out_dir(name) == Path("output/we_ird_[31m")
    assert default_out_dir("a/\t.txt") == Path("output/speech")
    assert default_out_dir("speech\u202e.txt").name == "speech_"  # a direction override is a format character
