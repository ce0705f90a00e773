"""Every conversion between lectern's integer milliseconds and a file format's stamps, in one place.

One rounding rule for all of them: **a stamp rounds down (floors) to its format's resolution**. A stamp marks where
something starts (a track, a cue, a lyric line); rounding down means a player that jumps to it lands at or just
before the first sound, never after it, so no syllable is clipped. lectern leaves silence before every section
and sentence, so landing up to one frame early (13.3 ms for CUE, 10 ms for LRC) only plays silence. Rounding to
nearest would put half of all CUE indexes up to 6.7 ms *after* the true start.

The parsers return the earliest millisecond that renders to the same stamp, so for every ``ms >= 0``::

    parse(render(ms)) <= ms < parse(render(ms)) + resolution      and      render(parse(stamp)) == stamp

The parsers are lenient about what real files contain (``.`` or ``,`` as the decimal mark in SRT, a missing hour in
WebVTT, two or three decimals in LRC, surrounding spaces); the renderers write only the strict form. A stamp that
cannot be read raises :class:`~lectern.errors.InputError`; a negative time is a bug upstream and raises ValueError.
"""

from __future__ import annotations

import re

from lectern.errors import InputError

MS_PER_SECOND = 1000
SECONDS_PER_MINUTE = 60
MINUTES_PER_HOUR = 60
MS_PER_MINUTE = MS_PER_SECOND * SECONDS_PER_MINUTE
MS_PER_HOUR = MS_PER_MINUTE * MINUTES_PER_HOUR

CUE_FRAMES_PER_SECOND = 75  # Red Book CD audio: the CUE sheet's `ff` counts 1/75 s sectors
LRC_MS_PER_CENTISECOND = 10
TICKS_PER_MS = 10_000  # edge-tts reports offsets and durations in 100-ns ticks


def _check(ms: int) -> None:
    if ms < 0:
        raise ValueError(f"a time in the audio cannot be negative: {ms} ms")


# --- CUE sheet: mm:ss:ff ---------------------------------------------------------------------------------------


def ms_to_cue_frames(ms: int) -> int:
    """Whole CUE frames (1/75 s) before ``ms``, rounded down.

    >>> ms_to_cue_frames(13), ms_to_cue_frames(14), ms_to_cue_frames(1000)
    (0, 1, 75)
    """
    _check(ms)
    return ms * CUE_FRAMES_PER_SECOND // MS_PER_SECOND


def cue_frames_to_ms(frames: int) -> int:
    """The earliest millisecond inside CUE frame ``frames`` (rounded up), so it renders back to the same frame.

    >>> cue_frames_to_ms(1), cue_frames_to_ms(75)
    (14, 1000)
    """
    return -(-frames * MS_PER_SECOND // CUE_FRAMES_PER_SECOND)


def ms_to_cue(ms: int) -> str:
    """``mm:ss:ff`` for a CUE ``INDEX``. Minutes go past 99 for long audio (players read them as a number).

    >>> ms_to_cue(0)
    '00:00:00'
    >>> ms_to_cue(12_500)
    '00:12:37'
    >>> ms_to_cue(2 * 3600 * 1000 + 999)
    '120:00:74'
    """
    seconds, frames = divmod(ms_to_cue_frames(ms), CUE_FRAMES_PER_SECOND)
    minutes, seconds = divmod(seconds, SECONDS_PER_MINUTE)
    return f"{minutes:02d}:{seconds:02d}:{frames:02d}"


_CUE_STAMP = re.compile(r"\s*(?P<m>\d+):(?P<s>\d{1,2}):(?P<f>\d{1,2})\s*")


def cue_to_ms(stamp: str) -> int:
    """Parse ``mm:ss:ff``; the result is within one frame (13.3 ms) before the time that was rendered.

    >>> cue_to_ms('00:12:37')
    12494
    >>> cue_to_ms('120:00:74')
    7200987
    """
    match = _CUE_STAMP.fullmatch(stamp)
    if not match:
        raise InputError(f"not a CUE time (mm:ss:ff): {stamp!r}")
    minutes, seconds, frames = int(match["m"]), int(match["s"]), int(match["f"])
    if seconds >= SECONDS_PER_MINUTE or frames >= CUE_FRAMES_PER_SECOND:
        raise InputError(f"CUE time out of range (seconds < 60, frames < 75): {stamp!r}")
    total = (minutes * SECONDS_PER_MINUTE + seconds) * CUE_FRAMES_PER_SECOND + frames
    return cue_frames_to_ms(total)


# --- SRT and WebVTT: HH:MM:SS,mmm / HH:MM:SS.mmm ------------------------------------------------------------------


def _clock(ms: int, decimal_mark: str) -> str:
    _check(ms)
    hours, rest = divmod(ms, MS_PER_HOUR)
    minutes, rest = divmod(rest, MS_PER_MINUTE)
    seconds, millis = divmod(rest, MS_PER_SECOND)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{decimal_mark}{millis:03d}"


def ms_to_srt(ms: int) -> str:
    """SRT ``HH:MM:SS,mmm``; hours go past 24 (SRT has no day field).

    >>> ms_to_srt(3_723_045)
    '01:02:03,045'
    >>> ms_to_srt(25 * 3600 * 1000)
    '25:00:00,000'
    """
    return _clock(ms, ",")


def ms_to_vtt(ms: int) -> str:
    """WebVTT ``HH:MM:SS.mmm`` (always with hours, which every WebVTT reader accepts).

    >>> ms_to_vtt(62_500)
    '00:01:02.500'
    """
    return _clock(ms, ".")


# Lenient on purpose (as cdown/srt): real files use "." in SRT or "," in VTT, full-width ":", short millisecond
# fields ("1,5" = 500 ms) and omit hours in WebVTT. The writer never produces these forms.
_CLOCK = re.compile(
    r"\s*(?:(?P<h>\d+)[:：])?(?P<m>\d{1,2})[:：](?P<s>\d{1,2})(?:[,.，](?P<frac>\d{1,3}))?\s*"
)


def _clock_to_ms(stamp: str, kind: str) -> int:
    match = _CLOCK.fullmatch(stamp)
    if not match:
        raise InputError(f"not a {kind} time (HH:MM:SS,mmm): {stamp!r}")
    hours = int(match["h"] or 0)
    minutes, seconds = int(match["m"]), int(match["s"])
    if minutes >= MINUTES_PER_HOUR or seconds >= SECONDS_PER_MINUTE:
        raise InputError(f"{kind} time out of range: {stamp!r}")
    millis = int((match["frac"] or "0").ljust(3, "0"))
    return hours * MS_PER_HOUR + minutes * MS_PER_MINUTE + seconds * MS_PER_SECOND + millis


def srt_to_ms(stamp: str) -> int:
    """Parse an SRT time, exact to the millisecond.

    >>> srt_to_ms('01:02:03,045'), srt_to_ms('00:00:01.5')
    (3723045, 1500)
    """
    return _clock_to_ms(stamp, "SRT")


def vtt_to_ms(stamp: str) -> int:
    """Parse a WebVTT time, with or without hours.

    >>> vtt_to_ms('00:01:02.500'), vtt_to_ms('01:02.500')
    (62500, 62500)
    """
    return _clock_to_ms(stamp, "WebVTT")


# --- LRC: [mm:ss.xx] -------------------------------------------------------------------------------------------


def ms_to_lrc(ms: int) -> str:
    """LRC ``[mm:ss.xx]`` in centiseconds, rounded down; minutes go past 99 rather than wrapping.

    >>> ms_to_lrc(62_519)
    '[01:02.51]'
    >>> ms_to_lrc(100 * 60_000)
    '[100:00.00]'
    """
    _check(ms)
    minutes, rest = divmod(ms, MS_PER_MINUTE)
    seconds, millis = divmod(rest, MS_PER_SECOND)
    return f"[{minutes:02d}:{seconds:02d}.{millis // LRC_MS_PER_CENTISECOND:02d}]"


_LRC_STAMP = re.compile(r"\[\s*(?P<m>\d+):(?P<s>\d{1,2})(?:[.:](?P<frac>\d{1,3}))?\s*\]")


def lrc_to_ms(stamp: str) -> int:
    """Parse ``[mm:ss.xx]`` (also ``[mm:ss.xxx]`` and ``[mm:ss]`` which other tools write).

    >>> lrc_to_ms('[01:02.51]'), lrc_to_ms('[01:02.512]'), lrc_to_ms('[1:02]')
    (62510, 62512, 62000)
    """
    match = _LRC_STAMP.fullmatch(stamp.strip())
    if not match:
        raise InputError(f"not an LRC time ([mm:ss.xx]): {stamp!r}")
    minutes, seconds = int(match["m"]), int(match["s"])
    if seconds >= SECONDS_PER_MINUTE:
        raise InputError(f"LRC time out of range: {stamp!r}")
    frac = match["frac"] or ""
    millis = int(frac.ljust(3, "0")) if frac else 0
    return minutes * MS_PER_MINUTE + seconds * MS_PER_SECOND + millis


# --- edge-tts ticks and podcast seconds --------------------------------------------------------------------------


def clock(ms: int) -> str:
    """A length for people: ``m:ss`` (``h:mm:ss`` past an hour), to the nearest second, negative allowed.

    >>> clock(581_499), clock(3_600_000), clock(-61_000)
    ('9:41', '1:00:00', '-1:01')
    """
    sign = "-" if ms < 0 else ""
    seconds = (abs(ms) + MS_PER_SECOND // 2) // MS_PER_SECOND
    hours, rest = divmod(seconds, SECONDS_PER_MINUTE * MINUTES_PER_HOUR)
    minutes, secs = divmod(rest, SECONDS_PER_MINUTE)
    return f"{sign}{hours}:{minutes:02d}:{secs:02d}" if hours else f"{sign}{minutes}:{secs:02d}"


def ticks_to_ms(ticks: int) -> int:
    """edge-tts 100-ns ticks to ms, rounded down like every other conversion here.

    >>> ticks_to_ms(8_750_000), ticks_to_ms(9_999)
    (875, 0)
    """
    if ticks < 0:
        raise ValueError(f"an engine offset cannot be negative: {ticks} ticks")
    return ticks // TICKS_PER_MS


def ms_to_seconds(ms: int) -> float:
    """Seconds as a float for JSON formats (podcast chapters); exact to the ms in its shortest decimal form.

    >>> ms_to_seconds(12_500), ms_to_seconds(1)
    (12.5, 0.001)
    """
    _check(ms)
    return ms / MS_PER_SECOND


def seconds_to_ms(seconds: float) -> int:
    """Back from :func:`ms_to_seconds`; rounds to nearest because binary floats carry tiny errors both ways.

    >>> seconds_to_ms(12.5), seconds_to_ms(0.001), seconds_to_ms(4.35)
    (12500, 1, 4350)
    """
    return round(seconds * MS_PER_SECOND)
