"""Hostile scripts (the fault-and-abuse campaign of issue 10) and a worker that plans them in a child process.

A regex that backtracks quadratically holds the GIL inside the regex engine, so neither a thread nor a signal can
stop it: a test bounds it by planning in a child process that it can kill. The worker stays up between cases (the
imports and jieba's dictionary are loaded once) and answers one JSON line per script::

    {"ok": true, "seconds": 0.41, "sentences": 3, "spoken": 100012}          # planned
    {"ok": false, "seconds": 0.02, "error": "x.txt: nothing left to speak…"}  # refused with a LecternError
    {"ok": false, "seconds": 0.02, "crash": "IndexError: …"}                  # anything else is a bug

Each case is a long line after a salutation, the shape that made the web-address rule quadratic (60,000 digits took
86 s). ``bench/plan.py`` times the same cases.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SALUTATION = "同志们：\n"
SIZE = 100_000


def _run(unit: str, size: int = SIZE) -> str:
    return (unit * (size // len(unit) + 1))[:size]


# name → (file suffix, script text). Text a speech never holds, in the lengths a broken scrape or an attacker gives.
CASES: dict[str, tuple[str, Callable[[int], str]]] = {
    "digits": (".txt", lambda n: SALUTATION + _run("1", n) + "\n"),
    "letters": (".txt", lambda n: SALUTATION + _run("a", n) + "\n"),
    "hyphens": (".txt", lambda n: SALUTATION + _run("-", n) + "\n"),
    "X": (".txt", lambda n: SALUTATION + _run("X", n) + "\n"),
    "QQ": (".txt", lambda n: SALUTATION + _run("QQ", n) + "\n"),
    "underscores": (".txt", lambda n: SALUTATION + _run("_", n) + "\n"),
    "letters digits hyphens": (".txt", lambda n: SALUTATION + _run("a1-", n) + "\n"),
    "spaces inside a line": (".txt", lambda n: SALUTATION + "我们" + _run(" ", n) + "要\n"),
    "NBSP run after 。": (".txt", lambda n: SALUTATION + "我们。" + _run("\u00a0", n) + "x\n"),
    # Found by hypothesis: nested optional space runs after a bracket (a title-suffix rule) went cubic.
    "NBSP run after [": (".txt", lambda n: SALUTATION + "[" + _run("\u00a0", n) + "1\n"),
    # A glued date at a title's end, tried from every space of a long run.
    "title, spaces, date": (".txt", lambda n: "在会议上的讲话" + _run("\u3000", n) + "2023年8月2日\n" + SALUTATION
                            + "我们要努力。\n"),
    "ideographic spaces": (".txt", lambda n: SALUTATION + _run("我\u3000 ", n) + "\n"),
    "URLs": (".txt", lambda n: SALUTATION + _run("http://a.com/", n) + "\n"),
    "www.": (".txt", lambda n: SALUTATION + _run("www.", n) + "\n"),
    "domains": (".txt", lambda n: SALUTATION + _run("a.", n) + "com\n"),
    "e-mail shapes": (".txt", lambda n: SALUTATION + _run("a@", n) + "\n"),
    "square brackets": (".txt", lambda n: SALUTATION + _run("[", n // 2) + _run("]", n // 2) + "\n"),
    "【】": (".txt", lambda n: SALUTATION + _run("【", n // 2) + _run("】", n // 2) + "\n"),
    "nested （（（": (".txt", lambda n: SALUTATION + "我们" + _run("（", n) + "\n"),
    "、、、": (".txt", lambda n: SALUTATION + "我们" + _run("、", n) + "\n"),
    "，，，": (".txt", lambda n: SALUTATION + "我们" + _run("，", n) + "\n"),
    "repeated 一是": (".txt", lambda n: SALUTATION + _run("一是", n) + "\n"),
    "repeated 第一，": (".txt", lambda n: SALUTATION + _run("第一，", n) + "\n"),
    "repeated 1.": (".txt", lambda n: SALUTATION + _run("1.", n) + "\n"),
    "X.X blanks": (".txt", lambda n: SALUTATION + _run("X.X", n) + "\n"),
    "X月X日 blanks": (".txt", lambda n: SALUTATION + _run("X月X日", n) + "\n"),
    "pause marks": (".txt", lambda n: SALUTATION + _run("[停", n) + "\n"),
    "Chinese without punctuation": (".txt", lambda n: SALUTATION + _run("我们要坚持稳中求进工作总基调", n) + "\n"),
    "short lines": (".txt", lambda n: SALUTATION + _run("我们。\n", n)),
    "Markdown [[[ links": (".md", lambda n: SALUTATION + _run("[a](", n) + "\n"),
    "Markdown ![ images": (".md", lambda n: SALUTATION + _run("![", n) + "\n"),
    "Markdown heading with spaces": (".md", lambda n: "# 讲话" + _run(" ", n) + "x\n" + SALUTATION + "我们。\n"),
}


def write_case(name: str, directory: Path, size: int = SIZE) -> Path:
    suffix, make = CASES[name]
    path = directory / f"case{suffix}"
    path.write_text(make(size), encoding="utf-8")
    return path


# --- the worker (child side) ---------------------------------------------------------------------------------------


def _plan(path: str) -> dict[str, object]:
    from lectern.build import prepare
    from lectern.errors import LecternError

    started = time.perf_counter()
    try:
        plan = prepare(path)
    except LecternError as e:
        return {"ok": False, "seconds": time.perf_counter() - started, "error": str(e)}
    except Exception as e:  # noqa: BLE001 - reported to the test as a crash
        return {"ok": False, "seconds": time.perf_counter() - started, "crash": f"{type(e).__name__}: {e}"[:500]}
    sentences = plan.speech.sentences
    return {"ok": True, "seconds": time.perf_counter() - started, "sentences": len(sentences),
            "spoken": sum(len(s.text) for s in sentences)}


def serve() -> None:
    for line in sys.stdin:
        print(json.dumps(_plan(json.loads(line)["path"]), ensure_ascii=False), flush=True)


# --- the worker (test side) ----------------------------------------------------------------------------------------


class PlanTimeout(Exception):
    pass


class Worker:
    """A child process planning scripts one at a time; one that overruns its bound is killed and replaced."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        import lectern

        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(Path(lectern.__file__).parents[1]), str(ROOT), env.get("PYTHONPATH", "")])
        return subprocess.Popen([sys.executable, "-m", "tests.hostile"], cwd=ROOT, env=env, text=True,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, encoding="utf-8")

    def plan(self, path: Path, timeout_s: float) -> dict[str, object]:
        if self._process is None or self._process.poll() is not None:
            self._process = self._start()
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(json.dumps({"path": str(path)}) + "\n")
        process.stdin.flush()
        ready, _, _ = select.select([process.stdout], [], [], timeout_s)
        if not ready:
            self.close()
            raise PlanTimeout(f"planning {path.name} took more than {timeout_s:g} s")
        answer = process.stdout.readline()
        if not answer:
            self.close()
            raise RuntimeError("the planning worker died")
        return json.loads(answer)

    def close(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None


if __name__ == "__main__":
    serve()
