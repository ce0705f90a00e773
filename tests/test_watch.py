"""``lectern watch``: editor save patterns settle into one build of the whole file; an invalid save keeps the last
good rehearsal; Ctrl-C ends it cleanly.

The save patterns run on a scripted clock: the watcher's ``sleep`` advances it and performs the editor's next
step when its time comes, so "three writes 40 ms apart" happens exactly so however loaded the machine is.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from lectern.build import BuildOptions
from lectern.drafts.watch import Rebuild, SaveWatcher, watch, watched_files

REPO = Path(__file__).resolve().parents[1]
FULL = "在工作会议上的讲话\n\n同志们：\n今天我们召开会议。\n一、抓好安全\n安全是头等大事。\n二、做好保障\n民生无小事。\n"


class Editor:
    """A scripted clock: ``steps`` are (time in s, action) done when the watcher's sleeps reach that time."""

    def __init__(self, steps: list[tuple[float, Callable[[], None]]]) -> None:
        self.now = 0.0
        self.steps = sorted(steps, key=lambda s: s[0])
        self.reads: list[str] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        while self.steps and self.steps[0][0] <= self.now:
            self.steps.pop(0)[1]()


def watcher_for(path: Path, editor: Editor, **kw: float) -> SaveWatcher:
    return SaveWatcher([path], poll_s=0.01, settle_s=kw.get("settle_s", 0.1), clock=editor.clock, sleep=editor.sleep)


def test_temp_file_renamed_over_the_script(tmp_path: Path) -> None:
    script = tmp_path / "speech.txt"
    script.write_text("旧稿。\n", encoding="utf-8")

    def save() -> None:
        temp = tmp_path / ".speech.txt.swp"
        temp.write_text(FULL, encoding="utf-8")
        os.replace(temp, script)  # same size is possible; the new inode is what tells

    editor = Editor([(0.05, save)])
    watcher = watcher_for(script, editor)
    assert watcher.wait() == (script,)
    assert script.read_text(encoding="utf-8") == FULL
    assert editor.now >= 0.05 + 0.1  # it waited for the save to settle


def test_same_size_same_mtime_rename_is_still_seen(tmp_path: Path) -> None:
    script = tmp_path / "speech.txt"
    script.write_text("甲稿。\n", encoding="utf-8")
    stamp = script.stat().st_mtime_ns

    def save() -> None:
        temp = tmp_path / "tmp"
        temp.write_text("乙稿。\n", encoding="utf-8")
        os.utime(temp, ns=(stamp, stamp))
        os.replace(temp, script)

    editor = Editor([(0.02, save)])
    assert watcher_for(script, editor).wait() == (script,)


def test_truncate_then_write_in_pieces_is_built_once_whole(tmp_path: Path) -> None:
    script = tmp_path / "speech.txt"
    script.write_text("旧稿。\n", encoding="utf-8")
    data = FULL.encode("utf-8")
    handle: list = []

    def truncate() -> None:
        handle.append(open(script, "wb"))  # noqa: SIM115 - closed by the last step

    def piece(k: int) -> Callable[[], None]:
        def write() -> None:
            handle[0].write(data[k * 20:(k + 1) * 20])
            handle[0].flush()
        return write

    steps = [(0.02, truncate)]
    pieces = (len(data) + 19) // 20
    steps += [(0.02 + 0.04 * (k + 1), piece(k)) for k in range(pieces)]  # 40 ms apart, under the 100 ms settle
    steps += [(0.02 + 0.04 * (pieces + 1), lambda: handle[0].close())]
    editor = Editor(steps)
    watcher = watcher_for(script, editor)

    assert watcher.wait() == (script,)
    # Never while empty or half there: only once the last piece had been quiet for the settle time.
    assert script.read_bytes() == data
    assert editor.now >= steps[-2][0] + 0.1 - 1e-9  # the last piece; closing changes nothing
    assert not editor.steps


def test_a_burst_of_saves_is_one_build(tmp_path: Path) -> None:
    script = tmp_path / "speech.txt"
    script.write_text("第0稿。\n", encoding="utf-8")
    saves = [(0.03 * k, (lambda k=k: script.write_text(f"第{k}稿，改了又改。\n", encoding="utf-8"))) for k in range(1, 8)]
    stop = threading.Event()
    editor = Editor([*saves, (2.0, stop.set)])
    watcher = watcher_for(script, editor)
    assert watcher.wait(stop) == (script,)
    assert script.read_text(encoding="utf-8") == "第7稿，改了又改。\n"
    assert watcher.wait(stop) is None  # nothing more to build: the burst was one save


def test_a_script_missing_for_a_moment_is_not_built_missing(tmp_path: Path) -> None:
    script = tmp_path / "speech.txt"
    script.write_text("旧稿。\n", encoding="utf-8")
    editor = Editor([(0.02, script.unlink), (0.05, lambda: script.write_text(FULL, encoding="utf-8"))])
    assert watcher_for(script, editor).wait() == (script,)
    assert script.read_text(encoding="utf-8") == FULL


def test_the_lexicon_and_rules_are_watched_too(tmp_path: Path) -> None:
    script, lexicon, rules = tmp_path / "s.txt", tmp_path / "lex.toml", tmp_path / "rules.toml"
    for p in (script, lexicon, rules):
        p.write_text("", encoding="utf-8")
    options = BuildOptions(lexicon=lexicon)
    fills = tmp_path / "fills.txt"
    options = BuildOptions(text=type(options.text)(rules=rules, preset=str(tmp_path / "voice.toml"), fill_file=fills),
                           lexicon=lexicon)
    assert watched_files(str(script), options) == (script, lexicon, rules, fills, tmp_path / "voice.toml")
    editor = Editor([(0.02, lambda: lexicon.write_text('[lexicon]\n"重庆" = { text = "崇庆" }\n', encoding="utf-8"))])
    watcher = SaveWatcher([script, lexicon, rules], poll_s=0.01, settle_s=0.1, clock=editor.clock, sleep=editor.sleep)
    assert watcher.wait() == (lexicon,)


# --- the loop with real builds -------------------------------------------------------------------------------------

SPEECH = """在全县节后工作会议上的讲话

同志们：
今天是节后上班第一天。总体上实现了预期目标。
一是所有工作都要负起责任来。责任心是第一位的。
二是所有工作都要动起来。快干快上，奋力冲刺四季度。
"""


def _save(script: Path, text: str) -> None:
    """As most editors do: write a temporary file beside the script and rename it over."""
    temp = script.with_name(f".{script.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, script)


@pytest.mark.slow
def test_watch_rebuilds_on_save_and_keeps_the_last_good_rehearsal(tmp_path: Path) -> None:
    script = tmp_path / "speech.txt"
    script.write_text(SPEECH, encoding="utf-8")
    out = tmp_path / "out"
    builds: queue.Queue[Rebuild] = queue.Queue()
    stop = threading.Event()
    watcher = SaveWatcher([script], poll_s=0.02, settle_s=0.15)
    thread = threading.Thread(target=watch, args=(str(script), out, BuildOptions(engine="espeak", cache_dir=tmp_path / "cache")),
                              kwargs={"on_build": builds.put, "stop": stop, "watcher": watcher})
    thread.start()
    try:
        first = builds.get(timeout=120)
        assert first.ok and first.number == 1 and first.diff is None and len(first.synthesized) == 7
        version = (out / "version.js").read_text(encoding="utf-8")

        _save(script, SPEECH.replace("责任心是第一位的。", "责任心永远是第一位的。"))
        second = builds.get(timeout=60)
        assert second.ok and second.changed == (script,)
        assert second.synthesized == ("责任心永远是第一位的。",)
        statuses = {s.title: s.status for s in second.diff.sections}
        assert statuses["一是所有工作都要负起责任来"] == "changed"
        assert sum(1 for s in statuses.values() if s == "same") == len(statuses) - 1
        changed = next(s for s in second.diff.sections if s.status == "changed")
        # Measured lengths: the other sections' joins may move by an MP3 frame, no more.
        assert changed.delta_ms > 300 and abs(second.diff.delta_ms - changed.delta_ms) <= 30
        assert second.diff.new_ms == second.result.timeline.duration_ms
        assert "责任心永远是第一位的" in (out / "timings.json").read_text(encoding="utf-8")
        good = {name: (out / name).read_bytes() for name in ("timings.json", "version.js", "index.html", "rehearsal.mp3")}
        assert good["version.js"].decode() != version

        for invalid, message in (("", "is empty"), ("仅供学习 禁止外传\n酷乐文行整理，咨询QQ206157060\n", "")):
            with open(script, "w", encoding="utf-8") as f:  # truncate, then write
                f.write(invalid)
            failed = builds.get(timeout=60)
            assert not failed.ok and failed.error is not None and message in str(failed.error)
            assert str(script) in str(failed.error)
            # The last good rehearsal is untouched, page and version included.
            assert {name: (out / name).read_bytes() for name in good} == good
            assert not list(tmp_path.glob(".out.building-*"))

        _save(script, SPEECH)
        back = builds.get(timeout=60)
        assert back.ok and back.synthesized == ()  # every take is in the cache
        # Compared with the last good build, not with the invalid saves in between.
        assert [s.status for s in back.diff.sections].count("changed") == 1
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not thread.is_alive()
    assert builds.empty()


@pytest.mark.slow
def test_ctrl_c_while_watching_exits_0(tmp_path: Path) -> None:
    script = tmp_path / "speech.txt"
    script.write_text(SPEECH, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "120"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lectern", "watch", str(script), "-o", str(tmp_path / "out"), "--engine", "espeak",
         "--cache-dir", str(tmp_path / "cache")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        # CI may run the suite as a background job, which inherits SIGINT ignored: Ctrl-C must reach lectern.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("watching "):
            break
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "stopped watching" in err and "Traceback" not in err
    assert (tmp_path / "out" / "index.html").is_file()
    assert any(f"open {tmp_path / 'out' / 'index.html'}" in line for line in lines)


def test_standard_input_cannot_be_watched(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from lectern.cli import app

    result = CliRunner().invoke(app, ["watch", "-", "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: -: cannot watch standard input: give the script's file name"


def test_watch_takes_the_build_options_build_takes(tmp_path: Path) -> None:
    """--voice-rate, --budget and --fill-file as build takes them; --rate is refused as build refuses it."""
    from typer.testing import CliRunner

    from lectern.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["watch", str(tmp_path / "s.txt"), "--rate", "200"])
    assert result.exit_code == 2 and "--voice-rate" in result.stderr and "--pace" in result.stderr
    result = runner.invoke(app, ["watch", str(tmp_path / "s.txt"), "--engine", "espeek"])
    assert result.exit_code == 2 and "espeek" in result.stderr
    help_text = runner.invoke(app, ["watch", "--help"], env={"COLUMNS": "200"}).stdout
    for option in ("--voice-rate", "--budget", "--fill-file", "--pace", "--target"):
        assert option in help_text, option


@pytest.mark.slow
def test_a_script_that_cannot_be_built_yet_is_watched_and_its_first_build_shown_whole(tmp_path: Path) -> None:
    """Started on an empty script (a speech about to be written), watch says it is watching; the first save that
    builds prints what a first build prints (the report, where to open it), not "rebuilt"."""
    script = tmp_path / "speech.txt"
    script.write_text("", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "120"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lectern", "watch", str(script), "-o", str(tmp_path / "out"), "--engine", "espeak",
         "--cache-dir", str(tmp_path / "cache"), "--target", "1m"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()

    def until(prefix: str) -> list[str]:
        seen = []
        while True:
            try:
                line = lines.get(timeout=60)
            except queue.Empty:
                proc.kill()
                raise AssertionError(f"no line starting {prefix!r} after {seen}") from None
            seen.append(line)
            if line.startswith(prefix):
                return seen

    try:
        assert until(f"watching {script}")
        _save(script, SPEECH)
        shown = "".join(until("open "))
        assert "Total " in shown and "1:00 target" in shown and "built " in shown and "rebuilt" not in shown
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "error: " in err and "is empty" in err and "Traceback" not in err
