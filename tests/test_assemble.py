"""Assembly, checked by decoding what it wrote with ffmpeg (never by trusting the Timeline it returns).

Takes are generated tones with known engine silence around them, so "speech" is exactly where the tone is; the Plan
is built by hand so these tests depend on nothing but the model.
"""

from __future__ import annotations

import math
import re
import subprocess
from array import array
from dataclasses import replace
from pathlib import Path

import pytest

from lectern.audio import assemble as assemble_mod
from lectern.audio.assemble import assemble, section_file_name
from lectern.errors import OutputError
from lectern.ffmpeg import decode_to_pcm, ffmpeg_exe
from lectern.model import (
    Boundary,
    CleanScript,
    Estimate,
    Language,
    Paragraph,
    Pause,
    PauseKind,
    Plan,
    Section,
    Sentence,
    Speech,
    Take,
)
from lectern.audio.mp3tags import read_chapters

pytestmark = pytest.mark.slow

RATE = 22050
LONG_TITLE = "（一）坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，加快构建新发展格局，着力推动高质量发展，更好统筹发展和安全，奋力开创各项工作新局面"
SILENT_DBFS = -45.0


def tone_take(folder: Path, name: str, *, speech_ms: int, lead_ms: int = 120, tail_ms: int = 200,
              dbfs: float = -18.0, freq: float = 330.0, rate: int = RATE) -> Take:
    """A take shaped like an engine's: silence, a tone standing in for speech, silence."""
    amp = 32767 * 10 ** (dbfs / 20) * math.sqrt(2)  # sine peak for the given RMS
    n = rate * speech_ms // 1000
    # Starts at full amplitude (cosine), as abruptly as a plosive: the hardest case for "silence before a start".
    tone = array("h", (int(amp * math.cos(2 * math.pi * freq * i / rate)) for i in range(n)))
    pcm = array("h", [0] * (rate * lead_ms // 1000)) + tone + array("h", [0] * (rate * tail_ms // 1000))
    path = folder / f"{name}.pcm"
    path.write_bytes(pcm.tobytes())
    return Take(key=f"{name}-{speech_ms}-{dbfs}-{freq}-{rate}", text=name, engine="tone", voice="sine",
                sample_rate=rate, samples=len(pcm), pcm_path=path)


def sentence(text: str, *pauses: tuple[PauseKind, int]) -> Sentence:
    return Sentence(text=text, pauses=tuple(Pause(kind, ms) for kind, ms in pauses), written=text)


S, P, SEC = PauseKind.SENTENCE, PauseKind.PARAGRAPH, PauseKind.SECTION


def make_plan() -> Plan:
    sections = (
        Section(0, 0, None, "开场", (Paragraph((sentence("a1", (S, 450)), sentence("a2", (SEC, 1800)))),)),
        Section(1, 1, "一、", LONG_TITLE, (
            Paragraph((sentence("b1", (S, 450)), sentence("b2", (P, 900)))),
            Paragraph((sentence("b3", (S, 40)), sentence("b4", (SEC, 1800), (PauseKind.APPLAUSE, 3000)))),
        )),
        Section(2, 1, "二、", "散会/结束", (Paragraph((sentence("c1", (S, 450)), sentence("c2", (S, 450)))),)),
    )
    speech = Speech(title="节后收心会讲话", meta=(("speaker", "王明"),), language=Language.ZH, sections=sections)
    script = CleanScript(path="speech.txt", encoding="utf-8", text="")
    return Plan(speech=speech, script=script, rate=220.0, estimate=Estimate(speech_ms=0, pause_ms=0, chars=0))


LENGTHS = {"a1": 700, "a2": 900, "b1": 800, "b2": 650, "b3": 500, "b4": 1100, "c1": 600, "c2": 750}


def make_takes(folder: Path, **overrides: dict) -> list[Take]:
    takes = []
    for i, name in enumerate(LENGTHS):
        kw = {"speech_ms": LENGTHS[name], "freq": 220.0 + 40 * i, **overrides.get(name, {})}
        takes.append(tone_take(folder, name, **kw))
    return takes


def decode(path: Path, rate: int = RATE) -> array:
    samples = array("h")
    samples.frombytes(decode_to_pcm(path, rate))
    return samples


def dbfs(samples: array) -> float:
    if not samples:
        return -120.0
    power = sum(v * v for v in samples) / len(samples)
    return 10 * math.log10(power / 32768**2) if power else -120.0


def peak_dbfs(samples: array) -> float:
    peak = max(max(samples), -min(samples)) if samples else 0
    return 20 * math.log10(peak / 32768) if peak else -120.0


def audible_runs(samples: array, rate: int = RATE, window_ms: int = 5) -> list[tuple[int, int]]:
    """(start_ms, end_ms) of stretches whose 5 ms RMS is above −45 dBFS, joined across gaps under 20 ms."""
    w = rate * window_ms // 1000
    runs: list[list[int]] = []
    for i in range(0, len(samples) - w + 1, w):
        if dbfs(samples[i : i + w]) > SILENT_DBFS:
            start, end = i * 1000 // rate, (i + w) * 1000 // rate
            if runs and start - runs[-1][1] < 20:
                runs[-1][1] = end
            else:
                runs.append([start, end])
    return [(a, b) for a, b in runs]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("assemble")
    takes = make_takes(root)
    plan = make_plan()
    result = assemble(plan, takes, root / "out", reuse_dir=root / "reuse")
    return plan, takes, result, root


def test_decoded_length_equals_timeline_duration(built) -> None:
    _plan, _takes, result, _root = built
    decoded = decode(result.mp3)
    assert abs(len(decoded) * 1000 / RATE - result.timeline.duration_ms) <= 50
    # The glued file's header is exact, not just within tolerance: one frame would be 26 ms.
    assert abs(len(decoded) * 1000 / RATE - result.timeline.duration_ms) <= 2
    # ... and the joins are clean MP3: a full decode reports no error ("Header missing", bad main_data_begin).
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-v", "error", "-i", str(result.mp3), "-f", "null", "-"],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stderr.strip() == ""


def test_sentence_times_are_where_the_decoder_hears_speech(built) -> None:
    plan, _takes, result, _root = built
    runs = audible_runs(decode(result.mp3))
    timed = [s for sec in result.timeline.sections for s in sec.sentences]
    assert len(runs) == len(timed) == len(plan.speech.sentences)
    for (start, end), sent in zip(runs, timed):
        assert abs(start - sent.start_ms) <= 20, sent.text
        assert abs(end - sent.end_ms) <= 20, sent.text
        assert LENGTHS[sent.text] - 20 <= sent.end_ms - sent.start_ms <= LENGTHS[sent.text] + 20


def test_pauses_are_the_planned_pauses(built) -> None:
    plan, _takes, result, _root = built
    runs = audible_runs(decode(result.mp3))
    planned = [s.pause_after_ms for s in plan.speech.sentences][:-1]
    heard = [b[0] - a[1] for a, b in zip(runs, runs[1:])]
    # Includes the joins between separately encoded sections (1800 and 4800 ms) and a 40 ms pause.
    for want, got in zip(planned, heard):
        assert abs(got - want) <= 10, (planned, heard)


def test_section_starts_are_preceded_by_silence_and_followed_by_speech(built) -> None:
    _plan, _takes, result, _root = built
    audio = decode(result.mp3)
    for section in result.timeline.sections:
        at = round(section.start_ms * RATE / 1000)
        before = audio[max(0, at - int(0.3 * RATE)) : at]
        after = audio[at : at + int(0.3 * RATE)]
        if section.start_ms >= 300:
            assert peak_dbfs(before) < SILENT_DBFS, section.title  # not one sample above, to the ms
        assert dbfs(after) > -30, section.title


def test_sections_tile_the_timeline(built) -> None:
    _plan, _takes, result, _root = built
    secs = result.timeline.sections
    # The chapters tile the file from 0 (the issue: the first started at 26–49 ms, and the CUE's first INDEX at
    # frame 1 or 2); every later section at its first sentence.
    assert secs[0].start_ms == 0 < secs[0].sentences[0].start_ms
    assert [s.start_ms for s in secs[1:]] == [s.sentences[0].start_ms for s in secs[1:]]
    assert all(a.end_ms == b.start_ms for a, b in zip(secs, secs[1:]))
    assert secs[-1].end_ms == result.timeline.duration_ms


def test_per_section_files_add_up_to_the_whole(built) -> None:
    _plan, _takes, result, _root = built
    whole = len(decode(result.mp3)) * 1000 / RATE
    parts = [len(decode(p)) * 1000 / RATE for p in result.sections]
    assert len(parts) == 3
    assert sum(parts) == whole  # to the sample (≈ 52 ms short per section boundary before)
    # and each is the whole's audio between its section's boundaries, sample for sample
    audio = decode(result.mp3)
    at = 0
    for path in result.sections:
        piece = decode(path)
        assert piece == audio[at : at + len(piece)], path.name
        at += len(piece)
    names = [p.name for p in result.sections]
    assert names[0] == "01-开场.mp3" and names[2] == "03-散会_结束.mp3"
    assert all(p.parent == result.mp3.parent / "sections" for p in result.sections)


def test_chapters_read_back_with_mutagen_including_a_long_chinese_title(built) -> None:
    _plan, _takes, result, _root = built
    chapters = read_chapters(result.mp3)
    # chapters are named as in the cue sheet: marker and title (chapters.chapter_title)
    assert [c[0] for c in chapters] == ["开场", "一、" + LONG_TITLE, "二、散会/结束"]
    assert len(LONG_TITLE.encode("utf-16")) > 128
    assert [(c[1], c[2]) for c in chapters] == [(s.start_ms, s.end_ms) for s in result.timeline.sections]
    from mutagen.id3 import ID3

    tags = ID3(result.mp3)
    assert tags.version[:2] == (2, 3)
    assert str(tags["TALB"]) == "lectern rehearsal" and str(tags["TPE1"]) == "王明"
    assert str(tags["TIT2"]) == "节后收心会讲话"


def test_ffmpeg_lists_every_chapter(built) -> None:
    _plan, _takes, result, _root = built
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(result.mp3)], capture_output=True, text=True)
    found = re.findall(r"Chapter #0:(\d+): start (\d+\.\d+), end (\d+\.\d+)", proc.stderr)
    assert len(found) == 3, proc.stderr
    for (_n, start, end), section in zip(found, result.timeline.sections):
        assert abs(float(start) * 1000 - section.start_ms) <= 1
        assert abs(float(end) * 1000 - section.end_ms) <= 1
    assert "Header missing" not in proc.stderr


def test_rebuild_after_one_edit_reencodes_only_that_section(built, tmp_path: Path) -> None:
    plan, takes, first, root = built
    again = assemble(plan, takes, tmp_path / "same", reuse_dir=root / "reuse")
    assert again.encoded == ()
    assert again.timeline == first.timeline
    edited = list(takes)
    edited[4] = tone_take(tmp_path, "b3-edited", speech_ms=900, freq=500.0)  # b3: second section
    rebuilt = assemble(plan, edited, tmp_path / "edited", reuse_dir=root / "reuse")
    assert rebuilt.encoded == (1,) and rebuilt.encoded_parts == 1
    # The re-used sections still land where the decoder hears them.
    runs = audible_runs(decode(rebuilt.mp3))
    timed = [s for sec in rebuilt.timeline.sections for s in sec.sentences]
    assert [abs(r[0] - s.start_ms) <= 20 for r, s in zip(runs, timed)] == [True] * len(timed)
    assert abs(len(decode(rebuilt.mp3)) * 1000 / RATE - rebuilt.timeline.duration_ms) <= 2


def test_sections_cut_into_several_parts_stay_exact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every sentence with room for a join ends a part: the joins inside sections must be as exact as between.

    One-sentence parts absorb their join with leading silence, laid out from the last part back.
    """
    monkeypatch.setattr(assemble_mod, "PART_EVERY", 1)
    monkeypatch.setattr(assemble_mod, "PART_MIN_SENTENCES", 1)
    plan = make_plan()
    result = assemble(plan, make_takes(tmp_path), tmp_path / "out", reuse_dir=tmp_path / "reuse")
    assert result.parts == 7  # 8 sentences; b3's 40 ms pause is too short for a join
    audio = decode(result.mp3)
    assert abs(len(audio) * 1000 / RATE - result.timeline.duration_ms) <= 2
    runs = audible_runs(audio)
    timed = [s for sec in result.timeline.sections for s in sec.sentences]
    assert len(runs) == len(timed)
    for (start, end), sent in zip(runs, timed):
        assert abs(start - sent.start_ms) <= 20 and abs(end - sent.end_ms) <= 20
    planned = [s.pause_after_ms for s in plan.speech.sentences][:-1]
    heard = [b[0] - a[1] for a, b in zip(runs, runs[1:])]
    assert all(abs(got - want) <= 10 for got, want in zip(heard, planned)), (heard, planned)
    parts = [len(decode(p)) * 1000 / RATE for p in result.sections]
    assert len(parts) == 3 and abs(sum(parts) - len(audio) * 1000 / RATE) <= 100 * 3
    # A section file glued from parts decodes as one stream: its speech is where the timeline says, shifted.
    second = audible_runs(decode(result.sections[1]))
    b_sentences = result.timeline.sections[1].sentences
    offset = b_sentences[0].start_ms - second[0][0]
    assert [abs(r[0] + offset - s.start_ms) <= 20 for r, s in zip(second, b_sentences)] == [True] * 4


def test_long_section_parts_absorb_joins_in_their_inner_pauses(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assemble_mod, "PART_EVERY", 1)
    lengths = [500 + 37 * i for i in range(12)]
    pauses = [450, 900, 450, 450, 700, 450, 900, 450, 450, 300, 450, 450]
    sentences = tuple(sentence(f"s{i}", (S, p)) for i, p in enumerate(pauses))
    speech = Speech(title=None, meta=(), language=Language.ZH,
                    sections=(Section(0, 0, None, "全文", (Paragraph(sentences),)),))
    plan = Plan(speech, CleanScript("x.txt", "utf-8", ""), 220.0, Estimate(0, 0, 0))
    takes = [tone_take(tmp_path, f"s{i}", speech_ms=ms, freq=200.0 + 30 * i) for i, ms in enumerate(lengths)]
    result = assemble(plan, takes, tmp_path / "out")
    assert result.parts == 3
    audio = decode(result.mp3)
    assert abs(len(audio) * 1000 / RATE - result.timeline.duration_ms) <= 2
    runs = audible_runs(audio)
    timed = result.timeline.sections[0].sentences
    assert len(runs) == 12
    assert all(abs(r[0] - t.start_ms) <= 20 and abs(r[1] - t.end_ms) <= 20 for r, t in zip(runs, timed))
    heard = [b[0] - a[1] for a, b in zip(runs, runs[1:])]
    assert all(abs(got - want) <= 10 for got, want in zip(heard, pauses)), (heard, pauses)
    timeline_gaps = [b.start_ms - a.end_ms for a, b in zip(timed, timed[1:])]
    assert all(abs(got - want) <= 10 for got, want in zip(timeline_gaps, pauses)), timeline_gaps


def test_loudness_is_levelled_across_takes(tmp_path: Path) -> None:
    takes = make_takes(tmp_path, b1={"dbfs": -32.0}, c1={"dbfs": -9.0})
    result = assemble(make_plan(), takes, tmp_path / "out")
    audio = decode(result.mp3)
    timed = [s for sec in result.timeline.sections for s in sec.sentences]
    levels = []
    for s in timed:
        a, b = (round((s.start_ms + 50) * RATE / 1000), round((s.end_ms - 50) * RATE / 1000))
        levels.append(dbfs(audio[a:b]))
    assert max(levels) - min(levels) <= 2.0, levels
    assert max(max(audio), -min(audio)) < 32767


def integrated_lufs(path: Path) -> float:
    err = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128", "-f", "null", "-"],
                         capture_output=True, text=True).stderr
    return float(re.findall(r"I:\s+(-?\d+\.\d+) LUFS", err)[-1])


@pytest.mark.parametrize("dbfs_level", [-30.0, -6.0])
def test_quiet_or_hot_takes_land_near_the_target_loudness_without_clipping(tmp_path: Path, dbfs_level: float) -> None:
    names = {name: {"dbfs": dbfs_level} for name in LENGTHS}
    result = assemble(make_plan(), make_takes(tmp_path, **names), tmp_path / "out", target_lufs=-16.0)
    # ±2.5 LU: the level → LUFS calibration is for speech, and these are sine tones.
    assert -18.5 <= integrated_lufs(result.mp3) <= -13.5
    audio = decode(result.mp3)
    assert max(max(audio), -min(audio)) <= 32767 * 10 ** (-0.5 / 20)  # the limiter's −1 dBFS, give or take


def test_quiet_engine_lead_in_is_kept_within_the_margin(tmp_path: Path) -> None:
    """A consonant's quiet start (under −45 dBFS) right before the onset survives the trim."""
    takes = make_takes(tmp_path)
    n = RATE * 20 // 1000
    raw = array("h")
    raw.frombytes(takes[0].pcm_path.read_bytes())
    onset = RATE * 120 // 1000
    for i in range(onset - n, onset):
        raw[i] = int(100 * math.sin(2 * math.pi * 3000 * i / RATE))  # ≈ −53 dBFS, 3 kHz, for 20 ms
    takes[0].pcm_path.write_bytes(raw.tobytes())
    result = assemble(make_plan(), takes, tmp_path / "out")
    audio = decode(result.mp3)
    start = round(result.timeline.sections[0].sentences[0].start_ms * RATE / 1000)
    lead = audio[start - n : start - 2]
    assert -62 < dbfs(lead) < SILENT_DBFS


def test_mixed_sample_rates_are_resampled_onto_one_timeline(tmp_path: Path) -> None:
    takes = make_takes(tmp_path)
    takes[2] = tone_take(tmp_path, "b1-24k", speech_ms=800, rate=24000)
    result = assemble(make_plan(), takes, tmp_path / "out")
    assert result.sample_rate == 24000
    audio = decode(result.mp3, 24000)
    runs = audible_runs(audio, 24000)
    timed = [s for sec in result.timeline.sections for s in sec.sentences]
    assert len(runs) == len(timed)
    assert all(abs(r[0] - s.start_ms) <= 20 for r, s in zip(runs, timed))


def test_chime_sounds_in_the_pause_before_level_one_sections_only(tmp_path: Path) -> None:
    result = assemble(make_plan(), make_takes(tmp_path), tmp_path / "out", chime=True)
    audio = decode(result.mp3)
    runs = audible_runs(audio)
    timed = [s for sec in result.timeline.sections for s in sec.sentences]
    for section in result.timeline.sections:
        at = round(section.start_ms * RATE / 1000)
        assert peak_dbfs(audio[at - int(0.3 * RATE) : at]) < SILENT_DBFS if section.start_ms >= 300 else True
        assert dbfs(audio[at : at + int(0.3 * RATE)]) > -30
    assert abs(len(audio) * 1000 / RATE - result.timeline.duration_ms) <= 2
    # The chime rings in the second before each level-1 section and nowhere else.
    chimes: list[list[int]] = []
    for r in runs:
        if any(abs(r[0] - s.start_ms) <= 20 for s in timed):
            continue
        if chimes and r[0] - chimes[-1][1] < 100:  # the chime's two tones
            chimes[-1][1] = r[1]
        else:
            chimes.append(list(r))
    assert len(chimes) == 2
    for chime, section in zip(chimes, result.timeline.sections[1:]):
        assert section.level == 1 and 300 < section.start_ms - chime[1] < 1000


def test_section_file_names_are_safe() -> None:
    assert section_file_name(3, "一、坚持/稳中\\求进") == "03-一、坚持_稳中_求进.mp3"
    assert section_file_name(1, "a\x00b\tc\u200bd") == "01-ab cd.mp3"
    assert section_file_name(1, "") == "01-section.mp3"
    assert section_file_name(1, "CON") == "01-section_CON.mp3"
    assert section_file_name(1, "结尾。。 ") == "01-结尾。。.mp3"
    long = section_file_name(12, "长" * 200)
    assert long == "12-" + "长" * 60 + ".mp3" and len(long.encode()) < 255
    assert section_file_name(1, "e" + "\u0301" * 80, limit=10) == "01-é.mp3"
    assert section_file_name(100, "x", width=3) == "100-x.mp3"


def test_a_silent_take_gets_an_empty_span_and_the_rest_stays_in_place(tmp_path: Path) -> None:
    takes = make_takes(tmp_path)
    takes[3].pcm_path.write_bytes(bytes(2 * RATE))  # b2: an engine that returned one second of silence
    takes[3] = Take(takes[3].key + "-silent", "b2", "tone", "sine", RATE, RATE, takes[3].pcm_path)
    result = assemble(make_plan(), takes, tmp_path / "out")
    timed = [s for sec in result.timeline.sections for s in sec.sentences]
    assert timed[3].start_ms == timed[3].end_ms
    runs = audible_runs(decode(result.mp3))
    others = timed[:3] + timed[4:]
    assert len(runs) == len(others)
    assert all(abs(r[0] - t.start_ms) <= 20 for r, t in zip(runs, others))


def test_an_unwritable_output_folder_is_an_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError):
        assemble(make_plan(), make_takes(tmp_path), blocker / "out")


def test_a_rewritten_take_file_is_measured_and_encoded_again(tmp_path: Path) -> None:
    """Parts are keyed by the takes' identity, which includes the PCM file's size and mtime, not only the key."""
    reuse = tmp_path / "reuse"
    takes = make_takes(tmp_path)
    assemble(make_plan(), takes, tmp_path / "a", reuse_dir=reuse)
    louder = tone_take(tmp_path, "c2", speech_ms=LENGTHS["c2"], dbfs=-30.0)  # same file, same key, new audio
    takes[7] = replace(louder, key=takes[7].key)
    again = assemble(make_plan(), takes, tmp_path / "b", reuse_dir=reuse)
    assert again.encoded == (2,)


def test_word_boundaries_move_with_their_take(tmp_path: Path) -> None:
    """Engine word times are relative to the untrimmed take; in the Timeline they are absolute and inside the span."""
    takes = make_takes(tmp_path)
    # b1: 120 ms of engine silence, then 800 ms of "speech"; two words at 100–400 and 400–900 ms of the take.
    takes[2] = replace(takes[2], boundaries=(Boundary("甲", 100, 400), Boundary("乙", 400, 900)))
    result = assemble(make_plan(), takes, tmp_path / "out")
    b1 = result.timeline.sections[1].sentences[0]
    first, second = b1.words
    assert first.start_ms == b1.start_ms  # 100 ms is before the audible start at 120 ms: clamped to the span
    onset = b1.start_ms + 3  # the Timeline widens the audible span by 3 ms each side
    assert abs(first.end_ms - (onset + 280)) <= 2  # 400 ms into the take = 280 ms after its onset at 120 ms
    assert abs(second.start_ms - first.end_ms) <= 1
    assert abs(second.end_ms - (onset + 780)) <= 2 and second.end_ms < b1.end_ms


def test_take_count_must_match_the_plan(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        assemble(make_plan(), make_takes(tmp_path)[:-1], tmp_path / "out")


def test_frames_formula_matches_the_encoder(tmp_path: Path) -> None:
    """The layout relies on LAME writing ⌈L/576⌉ + 2 frames; check it against a real encode.

    Parts are always whole frames long: 1–46 samples past a frame, ffmpeg's LAME tag says padding 1105 instead
    of the true value and the decoded part is longer than its PCM.
    """
    for samples in (576, 1152, 576 * 38 + 47, 576 * 38 + 575):
        pcm = tmp_path / f"{samples}.pcm"
        pcm.write_bytes(bytes(2 * samples))
        out = tmp_path / f"{samples}.mp3"
        assemble_mod._encode(pcm, RATE, 0.0, out)
        part = assemble_mod._read_part(out)
        assert part.frames == assemble_mod._frames_for(samples)
        assert part.frames * 576 - part.delay - part.padding == samples


def test_parts_unused_for_a_month_are_pruned(tmp_path: Path) -> None:
    import os
    import time

    reuse = tmp_path / "reuse"
    takes = make_takes(tmp_path)
    first = assemble(make_plan(), takes, tmp_path / "a", reuse_dir=reuse)
    stale = reuse / "mp3" / "0123.mp3"
    stale.write_bytes(b"old")
    recent = reuse / "mp3" / "4567.mp3"
    recent.write_bytes(b"other speech")
    month_ago = time.time() - 31 * 86400
    os.utime(stale, (month_ago, month_ago))
    for part in (reuse / "mp3").glob("*.mp3"):
        if part not in (stale, recent):
            os.utime(part, (month_ago, month_ago))  # in use: must survive and be marked fresh
    again = assemble(make_plan(), takes, tmp_path / "b", reuse_dir=reuse)
    assert again.encoded_parts == 0 and first.parts == again.parts
    assert not stale.exists() and recent.exists()
    assert len(list((reuse / "mp3").glob("*.mp3"))) == again.parts + 1


def _damage(path: Path, how: str, other: bytes) -> None:
    data = path.read_bytes()
    if how == "flipped":
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes(b ^ 0xFF for b in data[middle : middle + 64]) + data[middle + 64 :])
    elif how == "truncated":
        path.write_bytes(data[: len(data) * 2 // 5])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "garbage":
        path.write_bytes(b"\x00garbage, not an MP3" * 50)
    elif how == "another part":
        path.write_bytes(other)


@pytest.mark.parametrize("how", ["flipped", "truncated", "empty", "garbage", "another part"])
def test_a_damaged_encoded_part_is_made_again_never_used(tmp_path: Path, how: str) -> None:
    """The issue: flipped or truncated parts went silently into rehearsal.mp3 (decoding 782 ms short, or 6 s of
    15 s), and an empty or garbage part was a traceback on every rebuild until `cache clear`."""
    reuse = tmp_path / "reuse"
    takes = make_takes(tmp_path)
    clean = assemble(make_plan(), takes, tmp_path / "clean", reuse_dir=reuse)
    reference = (tmp_path / "clean" / "rehearsal.mp3").read_bytes()
    parts = sorted((reuse / "mp3").glob("*.mp3"))
    originals = [p.read_bytes() for p in parts]
    for i, part in enumerate(parts):
        _damage(part, how, originals[i - 1])
    again = assemble(make_plan(), takes, tmp_path / "again", reuse_dir=reuse)
    assert again.encoded_parts == clean.parts  # every damaged part was encoded again
    assert (tmp_path / "again" / "rehearsal.mp3").read_bytes() == reference
    assert abs(len(decode(again.mp3)) * 1000 / RATE - again.timeline.duration_ms) <= 1
    third = assemble(make_plan(), takes, tmp_path / "third", reuse_dir=reuse)
    assert third.encoded_parts == 0  # and the remade parts are trusted again


def test_a_part_without_its_checksum_is_made_again(tmp_path: Path) -> None:
    reuse = tmp_path / "reuse"
    takes = make_takes(tmp_path)
    first = assemble(make_plan(), takes, tmp_path / "a", reuse_dir=reuse)
    sums = sorted((reuse / "mp3").glob("*.mp3.sum"))
    assert len(sums) == first.parts
    sums[0].unlink()
    assert assemble(make_plan(), takes, tmp_path / "b", reuse_dir=reuse).encoded_parts == 1


@pytest.mark.parametrize("damage", ["flipped digit", "wrong types", "not json", "old format"])
def test_damaged_take_measurements_are_measured_again(tmp_path: Path, damage: str) -> None:
    """takes.json holds each take's level and audible span; a damaged one would trim speech or shift a pause."""
    import json

    reuse = tmp_path / "reuse"
    takes = make_takes(tmp_path)
    clean = assemble(make_plan(), takes, tmp_path / "a", reuse_dir=reuse)
    facts = reuse / "takes.json"
    text = facts.read_text("utf-8")
    if damage == "flipped digit":  # still valid JSON, with one span moved
        whole = json.loads(text)
        entry = next(iter(whole["entries"].values()))
        span = next(iter(entry["spans"].values()))
        span[0] += 2000
        text = json.dumps(whole)
    elif damage == "wrong types":
        whole = json.loads(text)
        for entry in whole["entries"].values():
            entry["peak"] = "loud"
            entry["spans"] = {k: ["a", None] for k in entry["spans"]}
        text = json.dumps(whole)  # its checksum no longer holds either
    elif damage == "not json":
        text = text[: len(text) // 2]
    else:
        text = json.dumps(json.loads(text)["entries"])  # the bare entries, as written before the checksum
    facts.write_text(text, "utf-8")
    again = assemble(make_plan(), takes, tmp_path / "b", reuse_dir=reuse)
    assert again.timeline == clean.timeline
    assert (tmp_path / "b" / "rehearsal.mp3").read_bytes() == (tmp_path / "a" / "rehearsal.mp3").read_bytes()


def test_nonsense_measurements_are_measured_again_even_with_a_good_checksum(tmp_path: Path) -> None:
    import json

    reuse = tmp_path / "reuse"
    takes = make_takes(tmp_path)
    clean = assemble(make_plan(), takes, tmp_path / "a", reuse_dir=reuse)
    facts = reuse / "takes.json"
    entries = json.loads(facts.read_text("utf-8"))["entries"]
    for entry in entries.values():
        entry["peak"] = -5
        entry["spans"] = {k: [10, 5, v[2] + 1] for k, v in entry["spans"].items()}
    assemble_mod._write_checked_json(facts, entries)
    again = assemble(make_plan(), takes, tmp_path / "b", reuse_dir=reuse)
    assert again.timeline == clean.timeline


def test_identical_parts_of_one_build_are_encoded_once(tmp_path: Path) -> None:
    """A speech that repeats itself ("Yes." under every point) has parts with the same recipe; encoding each twice
    at once made two encoders share one temporary file (FileNotFoundError on rename)."""
    take = tone_take(tmp_path, "yes", speech_ms=400)
    sections = tuple(
        Section(i, 1, f"{i + 1}.", f"point {i + 1}", (Paragraph(
            (sentence("Go.", (S, 450)), sentence("Yes.", (S, 450)), sentence("No.", (S, 450)), sentence("Yes.", (SEC, 1800)))
        ),)) for i in range(6)
    )
    speech = Speech(title="t", meta=(), language=Language.EN, sections=sections)
    plan = Plan(speech=speech, script=CleanScript(path="s.txt", encoding="utf-8", text=""), rate=140.0,
                estimate=Estimate(speech_ms=0, pause_ms=0, chars=0))
    result = assemble(plan, [take] * 24, tmp_path / "out", reuse_dir=tmp_path / "reuse")
    assert result.parts == 6
    assert len(list((tmp_path / "reuse" / "mp3").glob("*.mp3"))) == result.encoded_parts < 6
    assert abs(len(decode(result.mp3)) * 1000 / RATE - result.timeline.duration_ms) <= 1


def test_sentence_times_never_overlap_or_step_back(tmp_path: Path) -> None:
    """Across a pause shorter than the 3 ms guards on each side, and around a silent take (not widened), the
    widened spans overlapped and a start stepped back 1–4 ms (4698 → 4696 here)."""
    takes = make_takes(tmp_path)
    takes[3] = tone_take(tmp_path, "b2", speech_ms=LENGTHS["b2"], dbfs=-90.0)  # silent: nothing audible
    plan = make_plan()
    b = plan.speech.sections[1]
    # No pause at all between b1, b2 and b3 (lines the structure step runs together).
    tight = (Paragraph((sentence("b1"), sentence("b2"))), Paragraph((sentence("b3"), sentence("b4", (SEC, 1800)))))
    plan = replace(plan, speech=replace(plan.speech, sections=(
        plan.speech.sections[0], replace(b, paragraphs=tight), plan.speech.sections[2])))
    result = assemble(plan, takes, tmp_path / "out")
    sentences = [s for sec in result.timeline.sections for s in sec.sentences]
    for a, b2 in zip(sentences, sentences[1:]):
        assert a.start_ms <= a.end_ms <= b2.start_ms, (a, b2)
