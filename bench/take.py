"""Time of ``lectern take`` analysis on a 10-minute take (target: < 3 s), and its accuracy on takes of known truth.

Builds the example speech with the offline voice (a 9:40 rehearsal; cached after the first run), assembles takes
from its sentences as tests/test_take.py does (each section −25 %…+25 %, pauses shuffled, hesitations added, some
sentence pauses removed, white noise), writes one as WAV and as AAC (.m4a, a phone's format), and times each step:
decoding (pydub; ffmpeg for AAC), finding speech and pauses, aligning, and the whole analysis as ``lectern take``
runs it. Then the section-start and sentence-start errors over 20 takes.

    .venv/bin/python bench/take.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from lectern.build import BuildOptions, build, read_rehearsal  # noqa: E402
from lectern.ffmpeg import ffmpeg_exe  # noqa: E402
from lectern.rehearse.align import align  # noqa: E402
from lectern.rehearse.analyse import analyse_audio, analyse_recording, expected_sentences  # noqa: E402
from lectern.rehearse.decode import SAMPLE_RATE, Audio, decode_recording  # noqa: E402
from lectern.rehearse.speech import find_speech  # noqa: E402
from tests.synthetic_takes import load_rehearsal, make_take, write_wav  # noqa: E402


def best_of(n: int, fn) -> float:  # noqa: ANN001
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="lectern-bench-take-"))
    folder = work / "rehearsal"
    build(str(ROOT / "examples" / "postholiday_meeting_raw.txt"), folder, BuildOptions(engine="espeak"))
    timeline = read_rehearsal(folder)
    rehearsal = load_rehearsal(folder)
    take, _ = make_take(rehearsal, seed=4)
    wav = write_wav(work / "take.wav", take)
    m4a = work / "take.m4a"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(wav), "-c:a", "aac", "-b:a", "64k", str(m4a)],
                   check=True)
    audio = decode_recording(wav)
    heard = find_speech(audio)
    expected = expected_sentences(timeline)
    print(f"take: {audio.duration_ms / 60000:.1f} min, {len(heard.speech)} speech stretches, {len(expected)} sentences")
    rows = [
        ("decode WAV (pydub)", best_of(3, lambda: decode_recording(wav))),
        ("decode AAC .m4a (ffmpeg → pydub)", best_of(3, lambda: decode_recording(m4a))),
        ("find speech and pauses", best_of(3, lambda: find_speech(audio))),
        ("align (DP, 2 passes)", best_of(3, lambda: align(expected, list(heard.speech)))),
        ("whole analysis, WAV", best_of(3, lambda: analyse_recording(wav, timeline))),
        ("whole analysis, .m4a", best_of(3, lambda: analyse_recording(m4a, timeline))),
    ]
    print(f"{'step':<34} {'seconds':>8}")
    for name, seconds in rows:
        print(f"{name:<34} {seconds:>8.3f}")
    worst = max(rows[-2][1], rows[-1][1])
    print(f"target < 3 s for a 10-minute take: {'met' if worst < 3 else 'MISSED'} ({worst:.2f} s)")

    section_errors, sentence_errors = [], []
    for seed in range(20):
        take, truth = make_take(rehearsal, seed=seed)
        delivery = analyse_audio(Audio(take, SAMPLE_RATE), timeline, recording="take.wav")
        section_errors += [abs(s.start_ms - t) for s, t in zip(delivery.sections, truth.section_starts_ms)]
        sentence_errors += [abs(s.start_ms - truth.sentence_starts_ms[s.index]) for s in delivery.sentences]
    print()
    print(f"{'accuracy over 20 takes':<24} {'n':>5} {'median':>8} {'p90':>8} {'max':>8} {'≤1.5 s':>7} {'≤1 s':>6}")
    for name, errors in (("section starts (ms)", section_errors), ("sentence starts (ms)", sentence_errors)):
        e = np.array(errors)
        print(f"{name:<24} {len(e):>5} {np.median(e):>8.0f} {np.percentile(e, 90):>8.0f} {e.max():>8.0f} "
              f"{np.mean(e <= 1500):>7.0%} {np.mean(e <= 1000):>6.0%}")


if __name__ == "__main__":
    main()
