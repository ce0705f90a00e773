"""Benchmark: `lectern build` with the offline engine (espeak) against the floor for the same text.

The floor is the least any tool could do for this text: espeak synthesizing all of it in one call plus one ffmpeg
MP3 encode of that audio (``lectern.ffmpeg.encode_mp3``, the project's standard settings). Two speeches: the example
(≈ 2,500 字, ≈ 10 min) and a ≈ 30,000-字 speech (≈ 2 hours) made from the example's cleaned paragraphs under 13
numbered headings, each paragraph prefixed so no sentence repeats. Three builds each, with a fresh take cache:
cold (empty cache), warm (nothing changed) and edit (one sentence in the middle changed).

Targets (issue 4): cold ≤ 1.5× the floor for the long speech; the rebuild after editing one sentence ≤ 15% of the
cold build. Exits 1 when a target is missed. The machine's load matters: run it on an otherwise idle machine.

    .venv/bin/python bench/build.py [--quick]   # --quick: the example speech only
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from lectern.build import BuildOptions, build, prepare  # noqa: E402
from lectern.engines.espeak import EspeakEngine  # noqa: E402
from lectern.ffmpeg import encode_mp3  # noqa: E402
from lectern.presets import load_preset  # noqa: E402

EXAMPLE = REPO / "examples" / "postholiday_meeting_raw.txt"
LONG_CHARS = 30_000
COLD_TARGET = 1.5  # × floor, long speech
EDIT_TARGET = 0.15  # × cold build
HEADINGS = "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八 十九 二十".split()


def long_speech(folder: Path) -> Path:
    """≈ 30,000 字 of real speech text: the example's cleaned paragraphs, repeated under numbered headings."""
    paragraphs = [p for p in prepare(str(EXAMPLE)).script.text.split("\n") if len(p) > 40]
    lines = ["在全县重点工作推进会上的讲话", "同志们："]
    chars = 0
    for k, heading in enumerate(HEADINGS, start=1):
        if chars >= LONG_CHARS:
            break
        lines.append(f"{heading}、关于第{k}方面的工作")
        for j, paragraph in enumerate(paragraphs, start=1):
            line = f"第{k}项第{j}点，{paragraph}"
            lines.append(line)
            chars += len(line)
    path = folder / "long_speech.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def edited_copy(script: Path, folder: Path) -> Path:
    """The script with one sentence in the middle changed (a word swapped), as a user's edit would."""
    lines = script.read_text(encoding="utf-8").split("\n")
    middle = len(lines) // 2
    for i in list(range(middle, len(lines))) + list(range(middle)):
        if "。" in lines[i] and len(lines[i]) > 40:
            head, _, tail = lines[i].partition("。")
            lines[i] = head + "，这一点要特别强调。" + tail
            break
    path = folder / script.name  # same name: same output folder and default title
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def floor_s(script: Path, folder: Path) -> float:
    """espeak on all the spoken text in one call, then one MP3 encode of that audio."""
    plan = prepare(str(script))
    text = "\n".join(s.text for s in plan.speech.sentences)
    engine = EspeakEngine()
    voice = load_preset("zh-formal").voice_for("espeak")
    start = time.perf_counter()
    rendering = engine.render_blocking(text, voice)
    pcm = folder / "floor.pcm"
    pcm.write_bytes(rendering.pcm)
    encode_mp3(pcm, rendering.sample_rate, folder / "floor.mp3")
    return time.perf_counter() - start


def timed_build(script: Path, out: Path, cache: Path) -> tuple[float, int]:
    start = time.perf_counter()
    result = build(str(script), out, BuildOptions(engine="espeak", cache_dir=cache))
    return time.perf_counter() - start, result.timeline.duration_ms


def bench(name: str, script: Path, work: Path) -> dict[str, float]:
    work.mkdir(parents=True)
    cache = work / "cache"
    floor = floor_s(script, work)
    cold, duration_ms = timed_build(script, work / "out", cache)
    warm, _ = timed_build(script, work / "out", cache)
    (work / "edited").mkdir()
    edit, _ = timed_build(edited_copy(script, work / "edited"), work / "out", cache)
    row = {"floor": floor, "cold": cold, "warm": warm, "edit": edit, "audio_min": duration_ms / 60000}
    print(
        f"| {name:<8} | {row['audio_min']:6.1f} | {floor:6.1f} | {cold:6.1f} | {cold / floor:5.2f}× | "
        f"{warm:6.1f} | {warm / cold:5.1%} | {edit:6.1f} | {edit / cold:5.1%} |",
        flush=True,
    )
    return row


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    print("| speech   | audio  | floor  | cold   | cold/floor | warm | warm/cold | edit | edit/cold |")
    print("|          | min    | s      | s      |            | s    |           | s    |           |")
    print("|----------|--------|--------|--------|------------|------|-----------|------|-----------|")
    with tempfile.TemporaryDirectory(prefix="lectern-bench-") as tmp:
        root = Path(tmp)
        bench("example", EXAMPLE, root / "example")
        if quick:
            return 0
        long_row = bench("30k 字", long_speech(root), root / "long")
    misses = []
    if long_row["cold"] > COLD_TARGET * long_row["floor"]:
        misses.append(f"cold build {long_row['cold'] / long_row['floor']:.2f}× floor > {COLD_TARGET}×")
    if long_row["edit"] > EDIT_TARGET * long_row["cold"]:
        misses.append(f"one-sentence rebuild {long_row['edit'] / long_row['cold']:.0%} of cold > {EDIT_TARGET:.0%}")
    for miss in misses:
        print(f"MISSED: {miss}")
    if not misses:
        print(f"targets met: cold ≤ {COLD_TARGET}× floor, one-sentence rebuild ≤ {EDIT_TARGET:.0%} of cold")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
