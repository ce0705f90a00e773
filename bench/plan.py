"""Time and peak memory of structure + plan on long speeches (target: 100,000 字 in < 2 s, memory linear in size).

The speech is built by concatenating the test fixtures (every heading style, spoken lists, quotes, numbers,
markers, stage notes) until it reaches the size, so the rules all get exercised. Time is measured without tracing
(best of 3, after a first cold run; "no breath" is ``plan(..., breath=False)``, what an outline needs); peak memory
in a separate traced run. The cold run includes jieba's one-time
dictionary load (≈ 1.4 s on this machine), paid once per process on the first clause too long to cut at punctuation.

    .venv/bin/python bench/plan.py

The second table is the hostile-input campaign of issue 10 (``tests/hostile.py``): a salutation and one
100,000-character line of what a speech never holds, through the whole text part (``prepare``: read, clean,
structure, plan). Every rule is linear, so each takes about as long as 100,000 characters of speech; before the fix
60,000 digits took 86 s. ``tests/test_hostile.py`` bounds the same cases at 20 s.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

sys.path.insert(0, str(ROOT))
from lectern.build import prepare  # noqa: E402
from lectern.model import CleanScript  # noqa: E402
from lectern.text.plan import plan  # noqa: E402
from lectern.text.structure import parse  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "speeches"
SIZES = (25_000, 50_000, 100_000)


def speech_of_size(chars: int) -> str:
    chinese = [p for p in sorted(FIXTURES.glob("*.txt")) if p.name not in ("english.txt", "lincoln.txt")]
    pieces = [p.read_text(encoding="utf-8") for p in chinese]
    example = ROOT / "examples" / "postholiday_meeting_raw.txt"
    if example.exists():
        pieces.append(example.read_text(encoding="utf-8"))
    out: list[str] = []
    total = 0
    i = 0
    while total < chars:
        text = pieces[i % len(pieces)]
        out.append(text)
        total += len(text) + 1
        i += 1
    return "\n".join(out)[:chars]


def run(text: str, *, breath: bool = True) -> tuple[int, int]:
    script = CleanScript(path="bench.txt", encoding="utf-8", text=text)
    result = plan(parse(script), script, breath=breath)
    return len(result.speech.sections), len(result.speech.sentences)


def timed(text: str, repeat: int = 3, *, breath: bool = True) -> tuple[float, int, int]:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        sections, sentences = run(text, breath=breath)
        best = min(best, time.perf_counter() - start)
    return best, sections, sentences


def peak_mib(text: str) -> float:
    tracemalloc.start()
    run(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    text = speech_of_size(SIZES[-1])
    start = time.perf_counter()
    run(text)
    cold = time.perf_counter() - start
    print(f"cold: first plan of {len(text):,} chars in this process, jieba dictionary load included: {cold:.2f} s\n")
    header = f"{'input':<28} {'chars':>8} {'sections':>8} {'sentences':>9} {'time s':>7} {'no breath':>9}"
    print(f"{header} {'peak MiB':>9} {'MiB/10k':>8}")
    cases = [(f"fixtures × n ({n // 1000}k)", speech_of_size(n)) for n in SIZES]
    cases.append(("one line, no punctuation", ("我们要坚持稳中求进工作总基调推动高质量发展" * 2400)[:50_000]))
    for name, text in cases:
        seconds, sections, sentences = timed(text)
        outline_only, _, _ = timed(text, breath=False)
        peak = peak_mib(text)
        print(
            f"{name:<28} {len(text):>8} {sections:>8} {sentences:>9} {seconds:>7.2f} {outline_only:>9.2f} {peak:>9.1f} "
            f"{peak / len(text) * 10_000:>8.2f}"
        )


def hostile() -> None:
    import tempfile

    from lectern.errors import LecternError
    from tests.hostile import CASES, write_case

    print(f"\n{'hostile line (after 同志们：)':<32} {'chars':>8} {'time s':>7}  outcome")
    with tempfile.TemporaryDirectory() as tmp:
        for name in CASES:
            path = write_case(name, Path(tmp))
            chars = len(path.read_text(encoding="utf-8"))
            start = time.perf_counter()
            try:
                result = prepare(str(path))
                outcome = f"{len(result.speech.sentences)} sentences"
            except LecternError as e:
                outcome = "refused: " + e.message[:40]
            print(f"{name:<32} {chars:>8} {time.perf_counter() - start:>7.2f}  {outcome}")


if __name__ == "__main__":
    main()
    hostile()
