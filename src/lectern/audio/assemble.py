"""Takes and planned pauses → one timed rehearsal: ``rehearsal.mp3`` with chapters, per-section MP3s, a Timeline.

How the audio is laid out (every number below is a sample count at the timeline rate):

* **Trim.** Each take's engine silence is cut to a fixed margin (``margin_ms``, 30 ms) before the first and after the
  last sample louder than ``SILENCE_DBFS`` (measured after the level gain, in 5 ms windows, then to the sample).
  The margin keeps the quiet start of a consonant that stays under the threshold; what is cut is below −45 dBFS.
* **Pauses.** A sentence's *start* is its first audible sample and its *end* its last, so the silence a listener
  hears between sentence i's end and sentence i+1's start is exactly ``pause_after_ms`` of sentence i: the two
  margins are part of that pause, not added to it (a pause shorter than two margins shrinks the margins).
  The Timeline reports that span widened by ``ONSET_GUARD_MS`` (3 ms) each side and rounded outwards, because a
  decoder smears an attack by ≈ 0.5–2 ms: "silence before a section start" then holds on the decoded audio to the
  millisecond, and the gap between two sentences in the Timeline is the pause minus ≈ 6 ms.
* **Level.** Each take's loudness is measured as the mean power of its 50 ms blocks, gated like BS.1770 (blocks
  below −70 dBFS and below the take's mean −20 dB are ignored) but without K-weighting, on every 4th sample
  (enough for a power estimate, 4× cheaper). One global gain brings the median take to ``target_lufs``; the
  encoder applies it, followed by a −1 dBFS look-ahead limiter (ffmpeg ``alimiter`` with delay compensation:
  measured, lengths and alignment are unchanged), so it costs nothing here. A take more than 1.5 dB off the
  median gets its own gain here (a table lookup per sample); most takes are copied byte for byte. ffmpeg's
  ``loudnorm`` would be truer to LUFS but needs a second pass over the whole file (minutes for a 2-hour speech)
  and would change every part when one sentence changes. Measured on the example speech with espeak: ≈ −16 LUFS
  integrated (−16.3, ffmpeg ebur128), peaks −1.2 dBFS.
* **Rate.** If every take has the same MPEG-2 rate (16, 22.05 or 24 kHz: espeak 22050, edge 24000) that is the
  timeline rate, so nothing is resampled; otherwise takes are resampled to 24 kHz with ffmpeg.
* **Parts are encoded separately and glued frame by frame.** Encoding is the slow step (≈ 9 s per 35 min), so
  the speech is cut into parts (each section, and long sections again after sentences picked by a hash of their
  text, ≈ 1–2 min each), each part's PCM is encoded on its own, on every core, and cached in ``reuse_dir`` under a
  hash of everything that determines its PCM plus the encoder settings. ``rehearsal.mp3`` is the parts' MP3
  frames concatenated behind one rewritten Xing/LAME header; a section's file is its parts glued the same way.
  A rebuild after editing one sentence re-encodes one part.
  LAME frames at a fresh encoder start do not reach back into earlier frames (empty bit reservoir), but each part
  carries its own encoder delay and padding: a part of L samples decodes, in the middle of the whole, to
  N·576 samples where N = ⌈L/576⌉ + 2 (measured; every part is a whole number of frames long, because ffmpeg writes a wrong LAME padding
  for lengths 1–46 samples past a frame).
  So part i+1 starts at Σ N_j·576 in the decoded whole, and the layout absorbs each join (``_layout_part``): the
  pause across a join is exact, and inner pauses of a part move by at most one frame / their number (≤ 9 ms
  at 22.05 kHz).
  The header's delay is the first part's and its padding the last part's, so a decoder that honours the LAME tag
  (ffmpeg, browsers) yields exactly the timeline; all times are computed from the parts' real frame counts.
  Decoders that ignore the tag hear everything ≈ 50 ms late, as with any LAME file.
* **Chime** (``chime=True``): two short generated sine tones at the start of a level-1 section's leading silence,
  ending ``CHIME_CLEAR_MS`` before its first sentence, so the section's start (its first sentence) stays silent
  before. If the planned pause is too short to hold the chime, that one pause grows.
* **Sections in the Timeline**: a section starts at its first sentence's start (the first at 0) and ends where the
  next section starts (the last at the end of the audio), so chapters tile the file. A section's file holds its
  leading silence (chime), its sentences and its trailing pause, cut at the parts' frame edges: decoded, the files
  are the whole cut in pieces, sample for sample (``_write_sections``).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from array import array
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from operator import mul
from pathlib import Path

from lectern.atomic import write_bytes
from lectern.errors import EngineError, OutputError
from lectern.ffmpeg import ffmpeg_exe
from lectern.model import (
    Boundary,
    Plan,
    Section,
    Take,
    TimedSection,
    TimedSentence,
    Timeline,
)
from lectern.audio import mp3tags

TIMELINE_RATE = 24000  # when takes disagree; edge's native rate
MPEG2_RATES = (16000, 22050, 24000)  # rates whose MP3 frame is 576 samples (MPEG-2 layer III)
SPF = 576
MARGIN_MS = 30
SILENCE_DBFS = -45.0
TARGET_LUFS = -16.0
PEAK_DBFS = -1.0
TAKE_GAIN_TOLERANCE_DB = 1.5
MAX_BOOST_DB = 20.0
# Our level (gated block RMS, no K-weighting) minus ffmpeg ebur128's integrated LUFS of the limited result,
# measured on the example speech with espeak: median −18.4 dBFS, +3 dB applied → −17.0 LUFS.
_LEVEL_OVER_LUFS_DB = 1.5
MP3_BITRATE = "64k"
MP3_QUALITY = 7  # LAME -q 7: speech at 64 kb/s sounds the same as -q 2 and encodes ≈ 2× faster
PART_EVERY = 5  # a cut after about one sentence in 5 where allowed: parts of ≈ 1–2 min of speech
PART_MIN_PAUSE_MS = 200
PART_KEEP_DAYS = 30
PART_MIN_SENTENCES = 4  # a part cut inside a section has ≥ 3 inner pauses to absorb its join (see _layout_part)
ONSET_GUARD_MS = 3
CHIME_CLEAR_MS = 500  # silence between the chime and the section's first word (the CUE check wants ≥ 300 ms)
_ENCODER_ID = f"lame-q{MP3_QUALITY}-{MP3_BITRATE}-limit{PEAK_DBFS}-v2"
_WINDOW_MS = 5
_BLOCK_MS = 50
_DECIMATE = 4


@dataclass(frozen=True, slots=True)
class Assembly:
    """What assembly produced, and how much of it was encoded now rather than reused from ``reuse_dir``."""

    timeline: Timeline
    mp3: Path
    sections: tuple[Path, ...]
    encoded: tuple[int, ...] = ()  # indices of the sections with a part encoded in this build
    encoded_parts: int = 0
    parts: int = 0
    sample_rate: int = TIMELINE_RATE


# --- level -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Level:
    loudness_db: float  # gated mean block power, dBFS; -inf for a silent take
    peak: int  # on every 4th sample: may miss the true peak a little; the encoder's limiter catches the rest


def _measure_level(samples: array, rate: int) -> _Level:
    coarse = samples[::_DECIMATE]
    if not coarse:
        return _Level(float("-inf"), 0)
    peak = max(max(coarse), -min(coarse))
    block = max(1, rate * _BLOCK_MS // 1000 // _DECIMATE)
    floor = (32768.0 * 10 ** (-70 / 20)) ** 2
    powers = []
    for i in range(0, len(coarse), block):
        chunk = coarse[i : i + block]
        p = sum(map(mul, chunk, chunk)) / len(chunk)
        if p > floor:
            powers.append(p)
    if not powers:
        return _Level(float("-inf"), peak)
    mean = sum(powers) / len(powers)
    gated = [p for p in powers if p > mean / 100] or powers
    return _Level(10 * math.log10(sum(gated) / len(gated) / 32768.0**2), peak)


def _quantize_db(db: float, step: float = 0.5) -> float:
    return round(db / step) * step


def _plan_gains(levels: Sequence[_Level], target_lufs: float) -> tuple[float, tuple[float, ...]]:
    """(global gain applied by the encoder, per-take extra gain applied here), in dB.

    The global gain brings the median take to the target (at most +MAX_BOOST_DB); the encoder applies it in
    double precision before a −1 dBFS look-ahead limiter, because TTS speech has a high crest factor (espeak: ≈ −18
    dBFS RMS with peaks near full scale) and −16 LUFS is out of reach without limiting. It is quantised to 0.5 dB
    so that editing one sentence rarely moves it (a move re-encodes every part). Per-take gains only fix outliers,
    takes more than TAKE_GAIN_TOLERANCE_DB from the median, and never so far that the take clips in 16 bits, so
    most takes are copied byte for byte.
    """
    audible = sorted(lv.loudness_db for lv in levels if lv.loudness_db > float("-inf"))
    if not audible:
        return 0.0, tuple(0.0 for _ in levels)
    median = audible[len(audible) // 2]
    global_db = _quantize_db(min(MAX_BOOST_DB, target_lufs + _LEVEL_OVER_LUFS_DB - median))
    extras = []
    for lv in levels:
        extra = 0.0
        if lv.loudness_db > float("-inf") and abs(median - lv.loudness_db) > TAKE_GAIN_TOLERANCE_DB:
            extra = _quantize_db(min(MAX_BOOST_DB, median - lv.loudness_db))
            if lv.peak:
                extra = min(extra, math.floor(20 * math.log10(32767 / lv.peak) * 2) / 2)
        extras.append(extra)
    return global_db, tuple(extras)


_gain_tables: dict[float, array] = {}


def _apply_gain(samples: array, db: float) -> array:
    """Scale s16 samples by a table lookup on their unsigned view: one C-level map instead of a Python loop."""
    if db == 0.0:
        return samples
    table = _gain_tables.get(db)
    if table is None:
        g = 10 ** (db / 20)
        table = array("h", [max(-32768, min(32767, round((u - 65536 if u > 32767 else u) * g))) for u in range(65536)])
        _gain_tables[db] = table
    unsigned = array("H")
    unsigned.frombytes(samples.tobytes())
    return array("h", map(table.__getitem__, unsigned))


# --- trimming ------------------------------------------------------------------------------------------------------


def _audible_span(samples: array, threshold: int, window: int) -> tuple[int, int]:
    """[first, last+1) of the samples above ``threshold``, found window by window from each end.

    Only the engine's leading and trailing silence is scanned, so this costs little even for long takes.
    """
    n = len(samples)
    start = None
    for i in range(0, n, window):
        chunk = samples[i : i + window]
        if max(chunk) > threshold or -min(chunk) > threshold:
            start = i + next(j for j, v in enumerate(chunk) if v > threshold or -v > threshold)
            break
    if start is None:
        return 0, 0
    end = start + 1
    for i in range(n, start, -window):
        lo = max(start, i - window)
        chunk = samples[lo:i]
        if max(chunk) > threshold or -min(chunk) > threshold:
            last = max(j for j, v in enumerate(chunk) if v > threshold or -v > threshold)
            end = lo + last + 1
            break
    return start, end


# --- takes ---------------------------------------------------------------------------------------------------------


def _load(take: Take, rate: int, resampled: Path | None = None) -> array:
    """The take's samples at ``rate``. A take at another rate is resampled once per build into ``resampled``."""
    path = Path(take.pcm_path)
    try:
        if take.sample_rate == rate:
            data = path.read_bytes()
        elif resampled is None:
            data = _resample(path, take.sample_rate, rate)
        else:
            name = hashlib.blake2b(f"{take.key}:{take.samples}:{rate}".encode(), digest_size=16).hexdigest()
            copy = resampled / f"{name}.pcm"
            if copy.is_file():
                data = copy.read_bytes()
            else:
                data = _resample(path, take.sample_rate, rate)
                copy.write_bytes(data)
    except OSError as e:
        raise EngineError(f"cannot read the take's audio: {e.strerror or e}", path=str(path), sentence=take.text) from e
    samples = array("h")
    samples.frombytes(data[: len(data) // 2 * 2])
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def _resample(pcm: Path, rate_in: int, rate_out: int) -> bytes:
    """Raw s16le at ``rate_in`` → raw s16le at ``rate_out`` (only when the takes' rates disagree)."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "s16le", "-ar", str(rate_in),
         "-ac", "1", "-i", str(pcm), "-f", "s16le", "-ar", str(rate_out), "-ac", "1", "pipe:1"],
        capture_output=True, check=False,
    )
    if proc.returncode != 0:
        raise EngineError(f"cannot resample take: {proc.stderr.decode('utf-8', 'replace').strip()[-200:]}",
                          path=str(pcm))
    return proc.stdout


def _timeline_rate(takes: Sequence[Take]) -> int:
    rates = {t.sample_rate for t in takes}
    if len(rates) == 1 and (rate := rates.pop()) in MPEG2_RATES:
        return rate
    return TIMELINE_RATE


class _TakeFacts:
    """What assembly measures on each take (level, peak, audible span), kept by the take's identity.

    Measuring and trimming every take of a 2-hour speech means reading ≈ 330 MB of PCM: seconds that a rebuild
    after a one-sentence edit cannot afford. The identity includes the PCM file's size and modification time, so a
    re-rendered take is measured again.
    """

    def __init__(self, path: Path | None, resampled: Path | None = None) -> None:
        self.path = path
        self.resampled = resampled
        self.entries: dict[str, dict] = {}
        self.dirty = False
        if path and path.is_file():
            self.entries = _read_checked_json(path)

    @staticmethod
    def identity(take: Take, rate: int) -> str:
        try:
            st = os.stat(take.pcm_path)
            stamp = f"{st.st_size}:{st.st_mtime_ns}"
        except OSError:
            stamp = "missing"
        return f"{take.key}:{take.samples}:{take.sample_rate}:{rate}:{stamp}"

    def _entry(self, take: Take, rate: int) -> dict:
        return self.entries.setdefault(self.identity(take, rate), {})

    def level(self, take: Take, rate: int) -> _Level:
        entry = self._entry(take, rate)
        try:
            loud, peak = entry["loud"], entry["peak"]
            return _Level(float(loud) if loud is not None else float("-inf"), _whole(peak, 0, 32768))
        except (KeyError, TypeError, ValueError):
            pass  # not measured yet, or an entry that makes no sense: measure it
        level = _measure_level(_load(take, rate, self.resampled), rate)
        entry["loud"] = None if level.loudness_db == float("-inf") else level.loudness_db
        entry["peak"] = level.peak
        self.dirty = True
        return level

    def span(self, take: Take, rate: int, threshold: int, window: int) -> tuple[int, int, int]:
        """(first audible sample, last + 1, take length) at ``threshold``."""
        entry = self._entry(take, rate)
        if not isinstance(entry.get("spans"), dict):
            entry["spans"] = {}
        spans = entry["spans"]
        key = f"{threshold}:{window}"
        try:
            on, off, n = spans[key]
            n = _whole(n, 0, None)
            off = _whole(off, 0, n)
            on = _whole(on, 0, off)
            if take.sample_rate != rate or n == take.samples:
                return on, off, n
        except (KeyError, TypeError, ValueError):
            pass
        samples = _load(take, rate, self.resampled)
        spans[key] = [*_audible_span(samples, threshold, window), len(samples)]
        self.dirty = True
        on, off, n = spans[key]
        return on, off, n

    def save(self) -> None:
        if not (self.path and self.dirty):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _write_checked_json(self.path, self.entries)
        except OSError:
            pass  # a lost cache only costs the next build time


def _whole(value: object, low: int, high: int | None) -> int:
    """``value`` as an int in [low, high], or ValueError: a cache entry is checked before it is used."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise ValueError(f"not a whole number: {value!r}")
    n = int(value)
    if n < low or (high is not None and n > high):
        raise ValueError(f"{n} outside [{low}, {high}]")
    return n


_FACTS_FORMAT = 2  # 1: the bare entries, with no checksum


def _write_checked_json(path: Path, entries: dict) -> None:
    body = json.dumps(entries, sort_keys=True)
    digest = hashlib.sha256(body.encode()).hexdigest()
    write_bytes(path, f'{{"format": {_FACTS_FORMAT}, "sha256": "{digest}", "entries": {body}}}'.encode())


def _read_checked_json(path: Path) -> dict:
    """The entries of ``takes.json`` if its checksum holds; otherwise none (every take is measured again)."""
    try:
        whole = json.loads(path.read_bytes().decode("utf-8"))
        entries = whole["entries"]
        if whole.get("format") != _FACTS_FORMAT or not isinstance(entries, dict):
            return {}
        digest = hashlib.sha256(json.dumps(entries, sort_keys=True).encode()).hexdigest()
        if digest != whole.get("sha256"):
            return {}
        return {k: v for k, v in entries.items() if isinstance(v, dict)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


# --- the encoded-part cache ----------------------------------------------------------------------------------------
#
# Each encoded part in ``reuse_dir/mp3`` has a sidecar ``<name>.mp3.sum`` holding its size and SHA-256, written after
# the part. A part is used only when its sidecar is there and both agree: one altered, truncated, emptied or
# replaced by anything else is encoded again (replacing it), never glued into a rehearsal.


def _sum_path(mp3: Path) -> Path:
    return mp3.with_name(mp3.name + ".sum")


def _part_is_sound(mp3: Path) -> bool:
    try:
        size_text, _, digest = _sum_path(mp3).read_text("ascii").strip().partition(" ")
        if mp3.stat().st_size != int(size_text) or _sha256(mp3) != digest:
            raise ValueError("damaged")
        return True
    except (OSError, ValueError, UnicodeDecodeError):
        # Not deleted: encoding it again replaces both files, and another build may be between writing the part
        # and writing its sum right now.
        return False


def _record_part(mp3: Path) -> None:
    write_bytes(_sum_path(mp3), f"{mp3.stat().st_size} {_sha256(mp3)}\n".encode("ascii"))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# --- chime ---------------------------------------------------------------------------------------------------------


def _chime(rate: int, amplitude: float) -> array:
    """Two short sine tones (a rising fifth) with raised-cosine fades, so no click marks the section change."""
    out = array("h")
    for freq, ms in ((880.0, 140), (1318.5, 220)):
        n = rate * ms // 1000
        fade = max(1, rate * 15 // 1000)
        for i in range(n):
            env = 1.0
            if i < fade:
                env = 0.5 - 0.5 * math.cos(math.pi * i / fade)
            elif i > n - fade:
                env = 0.5 - 0.5 * math.cos(math.pi * (n - i) / fade)
            out.append(int(amplitude * env * math.sin(2 * math.pi * freq * i / rate)))
        out.extend([0] * (rate * 40 // 1000))  # silence between the tones
    return out[: len(out) - rate * 40 // 1000]


# --- MP3 frames ----------------------------------------------------------------------------------------------------

_BITRATES_MPEG2_L3 = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0)
_RATES_BY_VERSION = {2: (22050, 24000, 16000), 3: (44100, 48000, 32000)}  # version bits: 2 = MPEG-2, 3 = MPEG-1


def _frame_length(header: bytes) -> int:
    if header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        raise ValueError("not an MP3 frame header")
    version = (header[1] >> 3) & 3
    if version != 2 or (header[1] >> 1) & 3 != 1:
        raise ValueError("only MPEG-2 layer III parts are glued")
    kbps = _BITRATES_MPEG2_L3[header[2] >> 4]
    rate = _RATES_BY_VERSION[2][(header[2] >> 2) & 3]
    padding = (header[2] >> 1) & 1
    return 72 * kbps * 1000 // rate + padding


def _skip_id3(data: bytes) -> int:
    if data[:3] == b"ID3":
        size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
        return 10 + size + (10 if data[5] & 0x10 else 0)
    return 0


@dataclass(frozen=True, slots=True)
class _Part:
    """One section's MP3 as the encoder wrote it: its Info frame and where its audio frames start."""

    path: Path
    info_at: int
    info_len: int
    frames: int
    delay: int
    padding: int

    @property
    def audio_at(self) -> int:
        return self.info_at + self.info_len


def _xing_offset(header: bytes) -> int:
    mono = (header[3] >> 6) == 3
    return 4 + (9 if mono else 17)  # MPEG-2 side info: 9 bytes mono, 17 stereo


def _read_part(path: Path) -> _Part:
    with open(path, "rb") as f:
        head = f.read(4096)
    at = _skip_id3(head)
    if at + 4 > len(head):
        with open(path, "rb") as f:
            f.seek(at)
            head = head[:at] + f.read(4096)
    header = head[at : at + 4]
    length = _frame_length(header)
    x = at + _xing_offset(header)
    if head[x : x + 4] not in (b"Info", b"Xing"):
        raise OutputError("the encoder wrote no Xing/LAME header (MP3 written to a pipe?)", path=str(path))
    flags = int.from_bytes(head[x + 4 : x + 8], "big")
    if flags & 0x0F != 0x0F:
        raise OutputError("unexpected Xing header layout", path=str(path))
    frames = int.from_bytes(head[x + 8 : x + 12], "big")
    lame = x + 120
    delay_padding = int.from_bytes(head[lame + 21 : lame + 24], "big")
    return _Part(path, at, length, frames, delay_padding >> 12, delay_padding & 0xFFF)


def _crc16(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def _whole_info_frame(first: _Part, frames: int, total_bytes: int, padding: int, delay: int | None = None) -> bytes:
    """The first part's Info frame, rewritten for the glued whole (frame count, size, TOC, delay/padding).

    The tag CRC is computed as ffmpeg does (CRC-16 over the frame's first 190 bytes, CRC field zeroed). The music
    CRC is set to 0: nothing we know of checks it, and computing it in Python over the whole file costs seconds.
    """
    with open(first.path, "rb") as f:
        f.seek(first.info_at)
        frame = bytearray(f.read(first.info_len))
    x = _xing_offset(frame)
    frame[x + 8 : x + 12] = frames.to_bytes(4, "big")
    frame[x + 12 : x + 16] = total_bytes.to_bytes(4, "big")
    frame[x + 16 : x + 116] = bytes(min(255, i * 256 // 100) for i in range(100))  # CBR: time ∝ bytes
    lame = x + 120
    delay = first.delay if delay is None else delay
    frame[lame + 21 : lame + 24] = ((delay << 12) | (padding & 0xFFF)).to_bytes(3, "big")
    frame[lame + 28 : lame + 32] = total_bytes.to_bytes(4, "big")
    frame[lame + 32 : lame + 34] = b"\0\0"
    frame[lame + 34 : lame + 36] = b"\0\0"
    frame[lame + 34 : lame + 36] = _crc16(bytes(frame[:190])).to_bytes(2, "big")
    return bytes(frame)


def _glue(parts: Sequence[_Part], out: Path, *, delay: int | None = None, padding: int | None = None,
          then: _Part | None = None) -> None:
    """The parts' audio frames behind one Info frame; ``delay``/``padding`` override the first's and the last's, and
    ``then``'s first audio frame is appended (see :func:`_write_sections`)."""
    frames = sum(p.frames for p in parts)
    audio_bytes = sum(p.path.stat().st_size - p.audio_at for p in parts)
    extra = b""
    if then is not None:
        with open(then.path, "rb") as src:
            src.seek(then.audio_at)
            header = src.read(4)
            extra = header + src.read(_frame_length(header) - 4)
        frames += 1
    padding = parts[-1].padding if padding is None else padding
    info = _whole_info_frame(parts[0], frames, parts[0].info_len + audio_bytes + len(extra), padding, delay)
    with open(out, "wb") as f:
        f.write(info)
        for p in parts:
            with open(p.path, "rb") as src:
                src.seek(p.audio_at)
                shutil.copyfileobj(src, f, 1 << 20)
        f.write(extra)


def _encode(pcm: Path, rate: int, gain_db: float, out: Path) -> None:
    """Encode raw PCM to a seekable MP3 file, so the encoder writes the Xing/LAME header with delay and padding."""
    # Unique per call: two builds (or two threads of one process) may encode the same part at the same time.
    tmp = out.with_name(f".{out.name}.{os.getpid()}-{threading.get_ident()}.tmp.mp3")
    # The gain and limiter run in double precision (alimiter's only format), so the boost cannot clip before the
    # limiter. latency=1 compensates the limiter's look-ahead: measured, output length and alignment are unchanged.
    limit = 10 ** (PEAK_DBFS / 20)
    chain = f"aformat=sample_fmts=dbl,volume={gain_db}dB,alimiter=limit={limit:.4f}:attack=5:release=50:latency=1:level=0"
    args = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "s16le", "-ar", str(rate),
            "-ac", "1", "-i", str(pcm), "-af", chain]
    args += ["-codec:a", "libmp3lame", "-b:a", MP3_BITRATE, "-compression_level", str(MP3_QUALITY),
             "-write_xing", "1", "-id3v2_version", "0", "-y", str(tmp)]
    proc = subprocess.run(args, capture_output=True, check=False)
    if proc.returncode != 0:
        tmp.unlink(missing_ok=True)
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OutputError(f"cannot encode MP3: {detail[-1] if detail else proc.returncode}", path=str(out))
    os.replace(tmp, out)
    try:
        _record_part(out)
    except OSError as e:
        raise OutputError(f"cannot write the reuse folder: {e.strerror or e}", path=str(out.parent)) from e
    pcm.unlink(missing_ok=True)  # a 2-hour speech's parts add up to ≈ 330 MB: free each as soon as it is encoded


# --- files ---------------------------------------------------------------------------------------------------------


_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)
_UNSAFE = re.compile(r'[\\/:*?"<>|]')


def section_file_name(number: int, title: str, *, width: int = 2, limit: int = 60) -> str:
    """``NN-<title>.mp3`` safe on every file system.

    Drops control and format characters, replaces path separators and characters Windows reserves, collapses
    whitespace, cuts the title at ``limit`` characters (whole code points, trailing combining marks dropped) and
    avoids reserved device names and names ending in a dot or space.
    """
    text = unicodedata.normalize("NFC", title)
    text = "".join(" " if ch.isspace() else ch for ch in text if unicodedata.category(ch)[0] != "C" or ch.isspace())
    text = _UNSAFE.sub("_", text)
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit]
        while text and unicodedata.combining(text[-1]):
            text = text[:-1]
    text = text.strip(" .")
    if not text or _RESERVED.match(text):
        text = f"section{('_' + text) if text else ''}"
    return f"{number:0{width}d}-{text}.mp3"


# --- layout ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _PlacedSentence:
    start: int  # part-local sample of the first audible sample
    end: int  # part-local sample after the last audible sample
    take_origin: int  # part-local sample where the take's sample 0 would be (for word boundaries)


@dataclass(frozen=True, slots=True)
class _PlacedPart:
    """A run of sentences of one section, encoded as one MP3: the unit of caching and of parallel encoding."""

    section: Section
    first_of_section: bool
    sentences: tuple[tuple[str, _PlacedSentence], ...]  # (spoken text, where) per sentence
    pcm_samples: int
    mp3: Path


def _split_parts(sections: Sequence[Section]) -> list[tuple[int, int, int]]:
    """(section position, first sentence, end sentence) per part; sentence numbers are global.

    A long section is cut into parts after sentences chosen by a hash of their text (content-defined chunking, as
    rsync does), about one in PART_EVERY: where the cuts fall never depends on the audio, so an edit re-encodes
    only the part it falls in, and a 2-hour speech with no headings still encodes on every core. A cut needs a
    pause long enough to hold the join (PART_MIN_PAUSE_MS) and at least PART_MIN_SENTENCES on each side.
    """
    parts = []
    first = 0
    for si, section in enumerate(sections):
        spoken = section.sentences
        begin = first
        for k, sentence in enumerate(spoken):
            end = first + k + 1
            is_cut = k == len(spoken) - 1 or (
                sentence.pause_after_ms >= PART_MIN_PAUSE_MS
                and end - begin >= PART_MIN_SENTENCES
                and len(spoken) - (k + 1) >= PART_MIN_SENTENCES
                and hashlib.blake2b(sentence.text.encode(), digest_size=2).digest()[0] % PART_EVERY == 0
            )
            if is_cut:
                parts.append((si, begin, end))
                begin = end
        first += len(spoken)
    return parts


class _PcmWriter:
    """Streams one part's PCM to a file, take by take, so no section is ever held whole in memory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = open(path, "wb")
        self.samples = 0

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.samples += len(data) // 2

    def silence(self, n: int) -> None:
        while n > 0:
            step = min(n, 1 << 20)
            self.write(bytes(2 * step))
            n -= step

    def close(self) -> None:
        self.file.close()


def _frames_for(samples: int) -> int:
    """Audio frames LAME writes for ``samples`` input samples at 576 per frame (measured: ⌈L/576⌉ + 2)."""
    return -(-samples // SPF) + 2


@dataclass(frozen=True, slots=True)
class _PartLayout:
    """Where everything goes in one part, in part-local samples."""

    shift: int  # silence after the lead (chime), before the first margin
    margins: tuple[tuple[int, int], ...]  # (pre, post) margin per sentence
    gaps: tuple[int, ...]  # silence after each sentence's post margin (the last is 0)
    length: int  # samples in the part: a whole number of frames
    placed: tuple[_PlacedSentence, ...]


def _layout_part(spans: Sequence[tuple[int, int, int]], pres: Sequence[int], posts: Sequence[int],
                 pauses: Sequence[int], lead: int, next_onset: int | None) -> _PartLayout:
    """Place one part's sentences, and size it so the next part's first word lands exactly a pause later.

    The next part starts N·576 samples after this one in the decoded whole, so this part's last word must end at
    a fixed position modulo 576. The difference (< 576 samples, 26 ms at 22.05 kHz) is absorbed by stretching the
    part's inner pauses evenly when it has at least three (≤ 9 ms each, within the ±10 ms a pause may be off),
    otherwise by leading silence, which moves this part's first word; the part before it is laid out after this
    one and takes that into account (``next_onset``). So a part's audio depends on its own takes and, at most,
    on the parts after it that have fewer than three inner pauses.
    """
    n = len(spans)
    gaps = [0 if k == n - 1 else pauses[k] - posts[k] - pres[k + 1] for k in range(n)]
    speech_end = lead + sum(pres[k] + (off - on) + posts[k] + gaps[k] for k, (on, off, _n) in enumerate(spans))
    speech_end -= posts[-1]
    shift = 0
    if next_onset is None:
        length = -(-(speech_end + posts[-1]) // SPF) * SPF
    else:
        tail = pauses[-1] - next_onset  # what of the pause must lie in this part's frames
        short = -(speech_end + tail) % SPF
        if n - 1 >= 3:
            inner = n - 1
            for k in range(inner):
                gaps[k] += short // inner + (1 if k < short % inner else 0)
        else:
            shift = short
        speech_end += short
        frames = max((speech_end + tail) // SPF, _frames_for(speech_end + posts[-1]))
        length = (frames - 2) * SPF
    placed = []
    pos = lead + shift
    for k, (on, off, _n) in enumerate(spans):
        start = pos + pres[k]
        placed.append(_PlacedSentence(start, start + off - on, start - on))
        pos = start + (off - on) + posts[k] + gaps[k]
    return _PartLayout(shift, tuple(zip(pres, posts)), tuple(gaps), length, tuple(placed))


def _write_part(path: Path, takes: Sequence[Take], extras: Sequence[float], spans: Sequence[tuple[int, int, int]],
                layout: _PartLayout, rate: int, chime_pcm: array, lead: int, resampled: Path) -> None:
    """Stream one part's PCM: lead (chime) and shift, each trimmed take with its margins and pause, tail."""
    writer = _PcmWriter(path)
    try:
        if lead:
            writer.write(chime_pcm.tobytes())
            writer.silence(lead - len(chime_pcm))
        writer.silence(layout.shift)
        for take, extra_db, (on, off, n), (pre, post), gap in zip(takes, extras, spans, layout.margins, layout.gaps):
            samples = _load(take, rate, resampled)
            if len(samples) != n:
                raise EngineError("the take changed while the rehearsal was assembled", path=str(take.pcm_path),
                                  sentence=take.text)
            lo, hi = max(0, on - pre), min(len(samples), off + post)
            writer.silence(pre - (on - lo))
            writer.write(_apply_gain(samples[lo:hi], extra_db).tobytes())
            writer.silence(post - (hi - off))
            writer.silence(gap)
        writer.silence(layout.length - writer.samples)
    finally:
        writer.close()
    if writer.samples != layout.length:
        raise AssertionError(f"part length {writer.samples} != planned {layout.length}")


Progress = Callable[[str, int, int], None]  # (step, done, total)


def assemble(
    plan: Plan,
    takes: Sequence[Take],
    workdir: Path,
    *,
    chime: bool = False,
    margin_ms: int = MARGIN_MS,
    target_lufs: float = TARGET_LUFS,
    reuse_dir: Path | None = None,
    engine: str | None = None,
    voice: str | None = None,
    on_progress: Progress | None = None,
) -> Assembly:
    """Place every take and pause on one timeline and write ``rehearsal.mp3`` and ``sections/*.mp3`` in ``workdir``.

    ``takes`` are one per sentence in ``plan.speech.sentences`` order. ``reuse_dir`` keeps encoded sections (and
    take levels) between builds; without it every section is encoded. ``on_progress(step, done, total)`` hears
    each step that can take seconds ("measuring" takes, "encoding" parts), so a long build never looks hung.
    """
    sentences = plan.speech.sentences
    if len(takes) != len(sentences):
        raise ValueError(f"{len(takes)} takes for {len(sentences)} sentences")
    if not takes:
        raise ValueError("nothing to assemble")
    workdir = Path(workdir)
    try:
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "sections").mkdir(exist_ok=True)
        scratch = Path(tempfile.mkdtemp(dir=workdir, prefix=".assemble-"))
    except OSError as e:
        raise OutputError(f"cannot write the output folder: {e.strerror or e}", path=str(workdir)) from e
    try:
        return _assemble(plan, takes, workdir, scratch, chime=chime, margin_ms=margin_ms, target_lufs=target_lufs,
                         reuse_dir=Path(reuse_dir) if reuse_dir else None, engine=engine, voice=voice,
                         progress=on_progress or (lambda _step, _done, _total: None))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _assemble(plan: Plan, takes: Sequence[Take], workdir: Path, scratch: Path, *, chime: bool, margin_ms: int,
              target_lufs: float, reuse_dir: Path | None, engine: str | None, voice: str | None,
              progress: Progress) -> Assembly:
    rate = _timeline_rate(takes)
    parts_dir = (reuse_dir / "mp3") if reuse_dir else scratch
    try:
        parts_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot write the reuse folder: {e.strerror or e}", path=str(parts_dir)) from e

    facts = _TakeFacts(reuse_dir / "takes.json" if reuse_dir else None, resampled=scratch)
    levels = []
    for i, take in enumerate(takes):
        levels.append(facts.level(take, rate))
        if i % 10 == 9 or i == len(takes) - 1:
            progress("measuring", i + 1, len(takes))
    global_db, extras = _plan_gains(levels, target_lufs)
    total_gain = 10 ** (global_db / 20)

    margin = rate * margin_ms // 1000
    window = max(1, rate * _WINDOW_MS // 1000)
    silence_amp = 32768 * 10 ** (SILENCE_DBFS / 20)
    chime_pcm = _chime(rate, 32768 * 10 ** (-12 / 20) / total_gain) if chime else array("h")
    chime_lead = len(chime_pcm) + rate * CHIME_CLEAR_MS // 1000 if chime else 0

    sections = [s for s in plan.speech.sections if s.sentences]
    spoken = [sentence for section in sections for sentence in section.sentences]
    part_plan = _split_parts(sections)

    # Margins around each sentence: the pause after sentence k holds k's trailing and k+1's leading margin.
    pauses = [s.pause_after_ms * rate // 1000 for s in spoken]
    posts = [min(margin, p // 2) for p in pauses]
    posts[-1] = margin
    pres = [margin] + [min(margin, p - q) for p, q in zip(pauses, posts)][:-1]
    spans = [
        facts.span(take, rate, int(silence_amp / (total_gain * 10 ** (extra_db / 20))), window)
        for take, extra_db in zip(takes, extras)
    ]
    facts.save()

    def lead_of(pi: int) -> int:
        si = part_plan[pi][0]
        starts_section = pi == 0 or part_plan[pi - 1][0] != si
        return chime_lead if chime and starts_section and sections[si].level == 1 else 0

    # Lay the parts out from the last to the first: a part's join depends on where the next part's first word is.
    layouts: list[_PartLayout] = [None] * len(part_plan)  # type: ignore[list-item]
    next_onset = 0
    for pi in reversed(range(len(part_plan))):
        _si, first, end = part_plan[pi]
        layouts[pi] = _layout_part(
            spans[first:end], pres[first:end], posts[first:end], pauses[first:end], lead_of(pi),
            None if pi == len(part_plan) - 1 else next_onset,
        )
        next_onset = layouts[pi].placed[0].start

    placed: list[_PlacedPart] = []
    scheduled: set[Path] = set()
    jobs: list[Future[None]] = []
    encoded: list[int] = []
    with ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        for pi, (si, first, end) in enumerate(part_plan):
            lay = layouts[pi]
            lead = lead_of(pi)
            # The part's identity: everything that determines its PCM (hashing the PCM itself would mean reading
            # every take again on each rebuild). Takes are named by content address plus file size and mtime.
            recipe = hashlib.blake2b(digest_size=20)
            recipe.update(json.dumps([_ENCODER_ID, rate, global_db, lead, len(chime_pcm), lay.shift, lay.length,
                                      lay.gaps, lay.margins]).encode())
            if lead:
                recipe.update(chime_pcm.tobytes())
            for take, extra_db, span in zip(takes[first:end], extras[first:end], spans[first:end]):
                recipe.update(json.dumps([_TakeFacts.identity(take, rate), extra_db, span]).encode())
            mp3 = parts_dir / f"{recipe.hexdigest()}.mp3"
            # A speech that repeats itself ("Yes." "No." under every point) has identical parts: encode each once.
            if mp3 not in scheduled and not _part_is_sound(mp3):
                scheduled.add(mp3)
                progress("encoding", sum(job.done() for job in jobs), len(part_plan))
                pcm = scratch / f"part{pi:05d}.pcm"
                _write_part(pcm, takes[first:end], extras[first:end], spans[first:end], lay, rate, chime_pcm, lead,
                            scratch)
                encoded.append(pi)
                jobs.append(pool.submit(_encode, pcm, rate, global_db, mp3))
            starts_section = pi == 0 or part_plan[pi - 1][0] != si
            texts = [s.text for s in spoken[first:end]]
            placed.append(_PlacedPart(sections[si], starts_section, tuple(zip(texts, lay.placed)), lay.length, mp3))
        # Parts found in the reuse folder count as done; the rest as their encoder finishes.
        done = len(part_plan) - len(jobs)
        progress("encoding", done, len(part_plan))
        for job in as_completed(jobs):
            job.result()
            done += 1
            progress("encoding", done, len(part_plan))

    parts = [_read_part(p.mp3) for p in placed]
    if reuse_dir:
        _prune(parts_dir, {p.mp3 for p in placed})
    for part, p in zip(parts, placed):
        if part.delay != 576 or part.frames * SPF - part.delay - part.padding != p.pcm_samples:
            raise OutputError("the encoder's frame layout is not what assembly expects", path=str(part.path))

    timeline = _timeline(plan, takes, placed, parts, rate, engine=engine, voice=voice)
    mp3_path = workdir / "rehearsal.mp3"
    tmp = workdir / ".rehearsal.mp3.tmp"
    progress("joining", 0, 1)
    try:
        _glue(parts, tmp)
        mp3tags.tag_rehearsal(tmp, timeline)
        os.replace(tmp, mp3_path)
        section_paths = _write_sections(workdir / "sections", timeline, placed, parts)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write the rehearsal audio: {e.strerror or e}", path=str(workdir)) from e
    encoded_sections = tuple(sorted({placed[pi].section.index for pi in encoded}))
    return Assembly(timeline, mp3_path, section_paths, encoded_sections, len(encoded), len(placed), rate)


def _prune(parts_dir: Path, used: set[Path]) -> None:
    """Mark this build's parts as used and delete parts no build has used for PART_KEEP_DAYS.

    Every edit leaves the old version of one part behind; without pruning the reuse folder grows by a part per
    edit forever. Parts of other speeches built within the period stay.
    """
    now = time.time()
    for path in used:
        try:
            os.utime(path, (now, now))
        except OSError:
            pass
    for path in parts_dir.glob("*.mp3"):
        try:
            if path not in used and now - path.stat().st_mtime > PART_KEEP_DAYS * 86400:
                path.unlink()
                _sum_path(path).unlink(missing_ok=True)
        except OSError:
            pass


def _to_ms(samples: int, rate: int) -> int:
    return round(samples * 1000 / rate)


def _timeline(plan: Plan, takes: Sequence[Take], placed: Sequence[_PlacedPart], parts: Sequence[_Part], rate: int,
              *, engine: str | None, voice: str | None) -> Timeline:
    starts = []
    at = 0
    for part in parts:
        starts.append(at)
        at += part.frames * SPF
    total = starts[-1] + placed[-1].pcm_samples
    duration_ms = _to_ms(total, rate)

    guard = rate * ONSET_GUARD_MS // 1000
    take_iter = iter(takes)
    spoken = iter(s for sec in plan.speech.sections for s in sec.sentences)
    timed_in: dict[int, list[TimedSentence]] = {}
    previous_end = 0
    for p, base in zip(placed, starts):
        timed = timed_in.setdefault(p.section.index, [])
        for _text, where in p.sentences:
            take = next(take_iter)
            sentence = next(spoken)
            # Rounded outwards and widened by ONSET_GUARD_MS: a decoder smears an attack by ≈ 0.5–2 ms (measured),
            # and the checks "silence before a start" / "speech after it" are made on decoded audio, to the ms.
            if where.end > where.start:
                start_ms = max(0, (base + where.start - guard) * 1000 // rate)
                end_ms = min(duration_ms, -(-(base + where.end + guard) * 1000 // rate))
            else:  # a silent take: nothing to widen
                start_ms = end_ms = _to_ms(base + where.start, rate)
            # Never before the previous sentence's end: across a pause shorter than the two guards (or after a
            # silent take, which is not widened) the widened spans would overlap and a start would step back.
            start_ms = min(max(start_ms, previous_end), duration_ms)
            end_ms = previous_end = max(end_ms, start_ms)
            origin_ms = _to_ms(base + where.take_origin, rate)
            words = tuple(
                Boundary(b.text, min(max(origin_ms + b.start_ms, start_ms), end_ms),
                         min(max(origin_ms + b.end_ms, start_ms), end_ms))
                for b in take.boundaries
            )
            timed.append(TimedSentence(sentence.text, start_ms, end_ms, sentence.breath_groups, words))
    timed_by_section = {index: (ts[0].start_ms, tuple(ts)) for index, ts in timed_in.items()}

    # A section without sentences (a bare heading) sits at the next spoken section's start, with no length.
    all_sections = plan.speech.sections
    section_starts: list[int] = []
    following = duration_ms
    for sec in reversed(all_sections):
        if sec.index in timed_by_section:
            following = timed_by_section[sec.index][0]
        section_starts.append(following)
    section_starts.reverse()
    # The chapters tile the file from its first sample: the opening's lead-in silence belongs to the first section.
    section_starts = [0 if start == section_starts[0] else start for start in section_starts]
    timed_sections = []
    for i, sec in enumerate(all_sections):
        start = section_starts[i]
        end = section_starts[i + 1] if i + 1 < len(all_sections) else duration_ms
        sentences_ = timed_by_section.get(sec.index, (start, ()))[1]
        timed_sections.append(TimedSection(sec.index, sec.level, sec.marker, sec.title, start, end, sentences_))

    speech = plan.speech
    speaker = dict(speech.meta).get("speaker")
    return Timeline(
        audio="rehearsal.mp3",
        duration_ms=duration_ms,
        engine=engine or takes[0].engine,
        voice=voice or takes[0].voice,
        sections=tuple(timed_sections),
        title=speech.title,
        speaker=speaker,
        language=speech.language,
        meta=speech.meta,
    )


def _write_sections(folder: Path, timeline: Timeline, placed: Sequence[_PlacedPart],
                    parts: Sequence[_Part]) -> tuple[Path, ...]:
    """One MP3 per spoken section: its parts glued the same way as the whole, cut so the files add up to it.

    In the whole, a section's share of the decoded audio is its parts' frames shifted by the encoder delay: the
    first section's share ends 576 samples before its last frame ends, every later one starts at its first frame
    (the delay of its first part, silence) and holds its trailing pause up to the next section's first frame. So
    every file but the first says delay 0, and every file but the last carries the next section's first frame and
    says padding 576: the decoder then has what it needs to finish the section's last frame, and stops exactly
    where the next file begins. Measured: the files add up to the whole to the sample.
    """
    by_index = {s.index: s for s in timeline.sections}
    groups: list[tuple[Section, list[_Part]]] = []
    for p, part in zip(placed, parts):
        if p.first_of_section:
            groups.append((p.section, []))
        groups[-1][1].append(part)
    width = max(2, len(str(len(groups))))
    for stale in folder.glob("*.mp3"):
        stale.unlink()
    paths = []
    for n, (section, section_parts) in enumerate(groups, start=1):
        path = folder / section_file_name(n, section.title or section.marker or "", width=width)
        tmp = folder / f".{path.name}.tmp"
        last = n == len(groups)
        _glue(section_parts, tmp, delay=None if n == 1 else 0, padding=None if last else SPF,
              then=None if last else groups[n][1][0])
        mp3tags.tag_section(tmp, timeline, by_index[section.index], number=n, total=len(groups))
        os.replace(tmp, path)
        paths.append(path)
    return tuple(paths)
