"""Hostile inputs (issue 10): nothing hangs, nothing goes quadratic, nothing is read twice.

Tests are not timed, so a quadratic rule is caught by a generous bound (20 s for a 100,000-character line on a loaded
2-core machine; each plans in well under 2 s, see ``bench/plan.py``) on a child process that can be killed: before
the fix, 60,000 digits took 86 s.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lectern.errors import InputError
from lectern.text import ingest
from lectern.text.ingest import read_script
from tests.hostile import CASES, PlanTimeout, Worker, write_case

BOUND_S = 20.0


@pytest.fixture(scope="module")
def worker() -> Worker:
    w = Worker()
    warm = Path(__file__).resolve().parents[1] / "examples" / "postholiday_meeting_raw.txt"
    w.plan(warm, 120)  # imports and jieba's dictionary, once
    yield w
    w.close()


@pytest.mark.parametrize("name", list(CASES))
def test_a_100k_adversarial_line_plans_in_linear_time(name: str, worker: Worker, tmp_path: Path) -> None:
    path = write_case(name, tmp_path)
    try:
        answer = worker.plan(path, BOUND_S)
    except PlanTimeout as e:
        pytest.fail(f"{name}: {e} (a rule is super-linear)")
    assert "crash" not in answer, f"{name}: {answer['crash']}"
    if answer["ok"]:
        assert answer["sentences"] >= 1 and answer["spoken"] >= 1
    else:  # refused: one line naming the file
        assert str(path) in answer["error"] and "\n" not in answer["error"]


# Runs of what the campaign found dangerous, mixed at random: the text steps must finish (plan or refuse) in time.
UNITS = ("1", "a", "-", "X", "QQ", "_", " ", "\u00a0", "\u3000", ".", "。", "、", "，", "（", "）", "[", "]", "【", "】",
         "一是", "第一，", "www.", "http://", "@", "我们", "\n", "XX", "[停]", "“", "”", "…", "——", "1.", "a.", "：")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(runs=st.lists(st.tuples(st.sampled_from(UNITS), st.integers(1, 12_000)), min_size=1, max_size=6),
       markdown=st.booleans())
def test_random_runs_of_hostile_text_plan_in_bounded_time(runs: list[tuple[str, int]], markdown: bool,
                                                          worker: Worker, tmp_path: Path) -> None:
    path = tmp_path / ("fuzz.md" if markdown else "fuzz.txt")
    path.write_text("同志们：\n" + "".join(unit * count for unit, count in runs) + "\n", encoding="utf-8")
    try:
        answer = worker.plan(path, BOUND_S)
    except PlanTimeout as e:
        pytest.fail(f"{e}: runs {[(u, n) for u, n in runs]}")
    assert "crash" not in answer, answer["crash"]


# --- special files ------------------------------------------------------------------------------------------------


def _read_in_thread(path: Path, bound_s: float) -> InputError | object:
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = read_script(str(path))
        except InputError as e:
            box["value"] = e

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(bound_s)
    if thread.is_alive():
        # Release a reader blocked in open(): a writer arriving lets it through.
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        thread.join(5)
        pytest.fail(f"reading {path.name} did not return within {bound_s:g} s")
    return box["value"]


def test_a_fifo_nobody_writes_to_is_refused_after_the_idle_timeout(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "PIPE_IDLE_TIMEOUT_S", 0.5)
    fifo = tmp_path / "speech.txt"
    os.mkfifo(fifo)
    started = time.monotonic()
    result = _read_in_thread(fifo, 10)
    assert isinstance(result, InputError)
    assert result.message == "is a pipe and nothing was written to it for 0.5 s"
    assert time.monotonic() - started < 10


def test_a_fifo_is_read_when_written(tmp_path: Path) -> None:
    fifo = tmp_path / "speech.txt"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "wb") as f:
            for part in ("同志们：\n", "我们要坚持", "稳中求进。\n"):
                f.write(part.encode())
                f.flush()
                time.sleep(0.05)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    source = _read_in_thread(fifo, 20)
    writer.join(5)
    assert not isinstance(source, InputError), source
    assert source.text == "同志们：\n我们要坚持稳中求进。\n"


def test_an_endless_writer_is_cut_off_at_the_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "MAX_BYTES", 2 * 1024 * 1024)
    fifo = tmp_path / "speech.txt"
    os.mkfifo(fifo)
    written = [0]

    def write_forever() -> None:
        chunk = ("我们要坚持稳中求进。\n" * 500).encode()
        try:
            with open(fifo, "wb") as f:
                while written[0] < 200 * 1024 * 1024:  # a safety stop far above the cap
                    f.write(chunk)
                    written[0] += len(chunk)
        except BrokenPipeError:  # the reader stopped at the cap and closed: what should happen
            pass

    writer = threading.Thread(target=write_forever, daemon=True)
    writer.start()
    result = _read_in_thread(fifo, 20)
    writer.join(10)
    assert isinstance(result, InputError)
    assert result.message.startswith("too large (more than 2 MB)")
    assert written[0] < 4 * 1024 * 1024  # it stopped reading at the cap, not at the writer's safety stop


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_devices_are_refused(device: str) -> None:
    if not os.path.exists(device) or not stat.S_ISCHR(os.stat(device).st_mode):
        pytest.skip(f"no {device} here")
    result = _read_in_thread(Path(device), 20)
    assert isinstance(result, InputError)
    assert result.message == "is a device, not a script file"


# --- .docx ----------------------------------------------------------------------------------------------------------


def test_a_nested_table_in_a_docx_is_read_once_in_place(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("同志们：")
    outer = document.add_table(rows=1, cols=2)
    left, right = outer.rows[0].cells
    left.paragraphs[0].text = "外层第一格。"
    inner = left.add_table(rows=1, cols=1)
    inner.rows[0].cells[0].paragraphs[0].text = "内层的格子。"
    left.add_paragraph("外层格子的结尾。")
    right.paragraphs[0].text = "外层第二格。"
    document.add_paragraph("谢谢大家！")
    path = tmp_path / "nested.docx"
    document.save(str(path))

    lines = [line for line in read_script(str(path)).text.splitlines() if line]
    assert lines == ["同志们：", "外层第一格。", "内层的格子。", "外层格子的结尾。", "外层第二格。", "谢谢大家！"]
