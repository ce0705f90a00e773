"""Benchmark: `lectern watch`, from a save of a one-sentence edit to the rehearsal folder swapped in.

The watch loop runs as `lectern watch` runs it (one warm process, the default 50 ms poll and 250 ms settle), with the
offline engine (espeak) and a fresh take cache. After the first build, 10 saves each edit one sentence (a
different one each time, spread over the speech) the way editors save (a temporary file renamed over the script).
Each is timed from the rename to the moment the new folder is in place (the watch loop's report of the build,
which comes after the swap); the settle wait is part of it. Two speeches: the example (≈ 2,000 字, ≈ 10 min) and a
≈ 30,000-字 speech made as bench/build.py makes it.

The table also gives the build alone (the watch loop's own timing, without the settle wait) and the CPU seconds
a rebuild costs (this process and the ffmpeg encoders it waited for), which do not depend on the machine's load.

Targets (issue 14): median ≤ 1 s for the example, ≤ 2 s for the 30,000-字 speech. Exits 1 when a target is missed.
The machine's load matters: run it on an otherwise idle machine.

    .venv/bin/python bench/watch.py [--quick]   # --quick: the example speech only
"""

from __future__ import annotations

import os
import queue
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

import build as build_bench  # noqa: E402 - bench/build.py: the 30,000-字 speech

from lectern.build import BuildOptions  # noqa: E402
from lectern.drafts.watch import Rebuild, SaveWatcher, watch  # noqa: E402

EXAMPLE = REPO / "examples" / "postholiday_meeting_raw.txt"
EDITS = 10
TARGETS = {"example": 1.0, "30k 字": 2.0}


def edits(text: str, count: int) -> list[str]:
    """``count`` successive drafts, each changing one more sentence: lines spread over the speech, in turn."""
    lines = text.split("\n")
    spoken = [i for i, line in enumerate(lines) if "。" in line and len(line) > 40]
    picks = [spoken[(k * len(spoken)) // count] for k in range(count)]
    drafts = []
    for k, i in enumerate(picks):
        head, _, tail = lines[i].partition("。")
        lines[i] = f"{head}，第{k + 1}稿改了这里。{tail}"
        drafts.append("\n".join(lines))
    return drafts


def save(script: Path, text: str) -> float:
    temp = script.with_name(f".{script.name}.swp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, script)
    return time.perf_counter()


def bench(name: str, source: Path, work: Path) -> float:
    work.mkdir(parents=True)
    script = work / "speech.txt"
    text = source.read_text(encoding="utf-8")
    script.write_text(text, encoding="utf-8")
    builds: queue.Queue[tuple[float, Rebuild]] = queue.Queue()
    stop = threading.Event()
    options = BuildOptions(engine="espeak", cache_dir=work / "cache")
    thread = threading.Thread(
        target=watch, args=(str(script), work / "out", options),
        kwargs={"on_build": lambda r: builds.put((time.perf_counter(), r)), "stop": stop,
                "watcher": SaveWatcher([script])},
    )
    thread.start()
    try:
        _, first = builds.get(timeout=1800)
        if not first.ok:
            raise SystemExit(f"first build failed: {first.error}")
        totals, builds_s, synthesized, cpus = [], [], [], []
        for draft in edits(text, EDITS):
            before = os.times()
            saved = save(script, draft)
            done, rebuild = builds.get(timeout=600)
            after = os.times()
            # CPU of this process and of the encoders it waited for: what the rebuild costs on an idle machine.
            cpus.append(after.user + after.system + after.children_user + after.children_system
                        - before.user - before.system - before.children_user - before.children_system)
            if not rebuild.ok:
                raise SystemExit(f"rebuild failed: {rebuild.error}")
            totals.append(done - saved)
            builds_s.append(rebuild.seconds)
            synthesized.append(len(rebuild.synthesized))
    finally:
        stop.set()
        thread.join()
    median = statistics.median(totals)
    print(
        f"| {name:<8} | {first.result.timeline.duration_ms / 60000:6.1f} | {first.seconds:6.1f} | "
        f"{median:6.2f} | {min(totals):5.2f} | {max(totals):5.2f} | {statistics.median(builds_s):6.2f} | "
        f"{statistics.median(cpus):5.2f} | {max(synthesized):5d} | {TARGETS[name]:6.1f} |",
        flush=True,
    )
    return median


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("| speech   | audio  | first  | save→swap | min   | max   | build  | cpu   | synth | target |")
    print("|          | min    | build s| median s  | s     | s     | med. s | med. s| max   | s      |")
    print("|----------|--------|--------|-----------|-------|-------|--------|-------|-------|--------|")
    medians = {}
    with tempfile.TemporaryDirectory(prefix="lectern-bench-watch-") as tmp:
        root = Path(tmp)
        medians["example"] = bench("example", EXAMPLE, root / "example")
        if not quick:
            medians["30k 字"] = bench("30k 字", build_bench.long_speech(root), root / "long")
    misses = [f"{name}: median {m:.2f} s > {TARGETS[name]} s" for name, m in medians.items() if m > TARGETS[name]]
    for miss in misses:
        print(f"MISSED: {miss}")
    if not misses:
        print("targets met: " + ", ".join(f"{name} ≤ {TARGETS[name]} s" for name in medians))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
