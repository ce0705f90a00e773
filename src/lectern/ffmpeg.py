"""The one place lectern runs ffmpeg, which comes from the imageio-ffmpeg wheel (no system package, no ffprobe).

Audio inside lectern is raw PCM: signed 16-bit little-endian, mono. ffmpeg is used only to decode engine MP3s and to
encode the assembled PCM to MP3. MP3s are always written to a seekable file so ffmpeg adds the Xing/LAME header;
without it decoders keep the encoder delay and the decoded length grows by ≈ 54 ms.
"""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path

from lectern.errors import EngineError, OutputError

SAMPLE_WIDTH = 2  # bytes per sample: s16le


@cache
def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _run(args: list[str], *, stdin: bytes | None = None) -> bytes:
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", *args],
        input=stdin,
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise subprocess.CalledProcessError(proc.returncode, "ffmpeg", stderr=detail[-1] if detail else "")
    return proc.stdout


def decode_to_pcm(data: bytes | Path, sample_rate: int) -> bytes:
    """Decode any audio ffmpeg reads (bytes or a file) to mono s16le PCM at ``sample_rate``."""
    source = ["-i", str(data)] if isinstance(data, Path) else ["-i", "pipe:0"]
    try:
        return _run(
            [*source, "-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"],
            stdin=None if isinstance(data, Path) else data,
        )
    except subprocess.CalledProcessError as e:
        raise EngineError(f"cannot decode audio: {e.stderr}") from e


def encode_mp3(pcm: Path, sample_rate: int, out: Path, *, bitrate: str = "64k") -> None:
    """Encode a raw PCM file to an MP3 file (seekable, so it gets a Xing/LAME header with the exact length)."""
    try:
        _run(
            [
                "-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", str(pcm),
                "-codec:a", "libmp3lame", "-b:a", bitrate, "-write_xing", "1", "-id3v2_version", "3", "-y", str(out),
            ]
        )
    except subprocess.CalledProcessError as e:
        raise OutputError(f"cannot encode MP3: {e.stderr}", path=str(out)) from e


def decoded_ms(path: Path, sample_rate: int = 24000) -> int:
    """The length of an audio file as a decoder sees it, measured by decoding it."""
    pcm = decode_to_pcm(path, sample_rate)
    return len(pcm) // SAMPLE_WIDTH * 1000 // sample_rate
