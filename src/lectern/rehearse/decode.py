"""Any recording (phone .m4a, the page's .webm, .wav, .mp3, .ogg…) → mono 16-bit samples at one rate.

Decoded with pydub. pydub reads WAV itself; for anything else its ``from_file`` first asks ``ffprobe`` what the
stream holds, and lectern's ffmpeg (the imageio-ffmpeg wheel) comes without ffprobe. So other formats are turned
into PCM by the bundled ffmpeg (the converter pydub would run), and pydub takes that: the same decode, minus the
probe. pydub then mixes to mono and resamples.
"""

from __future__ import annotations

import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lectern.errors import InputError
from lectern.ffmpeg import ffmpeg_exe

SAMPLE_RATE = 16_000  # speech energy lives below 8 kHz; 16 kHz keeps a 10-minute take at 19 MB of samples


@dataclass(frozen=True, slots=True)
class Audio:
    samples: np.ndarray  # int16, mono
    sample_rate: int

    @property
    def duration_ms(self) -> int:
        return len(self.samples) * 1000 // self.sample_rate


def _audio_segment():  # noqa: ANN202 - pydub.AudioSegment
    with warnings.catch_warnings():
        # pydub looks for ffmpeg on PATH when imported and warns when it is not there; lectern brings its own.
        warnings.simplefilter("ignore")
        from pydub import AudioSegment
    AudioSegment.converter = ffmpeg_exe()
    return AudioSegment


def _ffmpeg_pcm(path: Path) -> bytes:
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-i", str(path), "-vn",
         "-ac", "1", "-ar", str(SAMPLE_RATE), "-acodec", "pcm_s16le", "-f", "s16le", "pipe:1"],
        capture_output=True, check=False,
    )
    if proc.returncode != 0 or not proc.stdout:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        why = detail[-1] if detail else "no audio stream in it"
        raise InputError(f"cannot read this recording as audio ({why})", path=str(path))
    return proc.stdout


def decode_recording(path: Path) -> Audio:
    """The recording as mono int16 samples at :data:`SAMPLE_RATE`; one InputError line for anything unreadable."""
    if not path.exists():
        raise InputError("no such recording", path=str(path))
    if path.is_dir():
        raise InputError("is a folder, not a recording", path=str(path))
    try:
        size = path.stat().st_size
    except OSError as e:
        raise InputError(f"cannot read ({e.strerror or e})", path=str(path)) from e
    if size == 0:
        raise InputError("is empty", path=str(path))
    AudioSegment = _audio_segment()
    segment = None
    if path.suffix.lower() == ".wav":
        try:
            segment = AudioSegment.from_file(str(path), format="wav")
        except Exception:  # noqa: BLE001 - pydub's own WAV reader refuses float or extensible WAVs; ffmpeg reads them
            segment = None
    if segment is None:
        pcm = _ffmpeg_pcm(path)
        segment = AudioSegment(data=pcm[: len(pcm) // 2 * 2], sample_width=2, frame_rate=SAMPLE_RATE, channels=1)
    segment = segment.set_channels(1).set_sample_width(2).set_frame_rate(SAMPLE_RATE)
    samples = np.frombuffer(segment.raw_data, dtype="<i2")
    return Audio(samples, SAMPLE_RATE)
