"""Target lengths: read a slot length as the user writes it, and find the voice rate that lands a build on it.

Users book speeches in minutes ("I have a 15-minute slot"), so a bare number is minutes; seconds need a unit
(``900s``). Accepted forms: ``15m``, ``15min``, ``15分钟``, ``900s``, ``900秒``, ``1h5m``, ``1h 5m 30s``, ``1.5h``,
``2500ms``, ``15:00`` (m:ss), ``1:05:00`` (h:mm:ss) and ``90`` (minutes).

The rate search assumes what edge-tts does with its ``rate`` prosody: ``+x%`` speaks ``(100 + x) / 100`` times as
fast, so the *speaking* time scales by ``(100 + current) / (100 + new)`` while the pauses (inserted as silence by
lectern, never by the engine) stay fixed. Real engines are close to, not exactly, linear; that is why
``lectern build --target`` measures again after the rebuild.
"""

from __future__ import annotations

import math
import re

from lectern.errors import ConfigError
from lectern.timecode import clock as _clock

# Beyond ±30% a neural voice starts to sound hurried or dragged; past that the honest advice is to cut or add text.
RATE_LIMIT_PERCENT = 30

_UNIT_MS = {
    "ms": 1,
    "h": 3_600_000, "hr": 3_600_000, "hrs": 3_600_000, "hour": 3_600_000, "hours": 3_600_000,
    "小时": 3_600_000, "时": 3_600_000,
    "m": 60_000, "min": 60_000, "mins": 60_000, "minute": 60_000, "minutes": 60_000,
    "分": 60_000, "分钟": 60_000,
    "s": 1000, "sec": 1000, "secs": 1000, "second": 1000, "seconds": 1000, "秒": 1000, "秒钟": 1000,
}  # fmt: skip

_NUMBER = r"\d+(?:\.\d+)?"
# Longest unit names first so "min" is not read as "m" + "in", nor "ms" as "m" + "s".
_UNIT = "|".join(sorted((re.escape(u) for u in _UNIT_MS), key=len, reverse=True))
_PART = re.compile(rf"({_NUMBER})\s*({_UNIT})", re.IGNORECASE)
_PARTS = re.compile(rf"(?:{_NUMBER}\s*(?:{_UNIT})\s*)+", re.IGNORECASE)
_CLOCK = re.compile(r"(\d+):([0-5]?\d)(?::([0-5]?\d))?")

_HELP = "use e.g. 15m, 900s, 15:00, 1h5m or 15 (minutes)"
# No speech slot lasts a day; a longer "target" is a typo (a missing unit, digits run together), and taken as given
# it asks for a rate no voice can reach and prints an hour count dozens of digits long.
MAX_TARGET_MS = 24 * 3_600_000


def parse_duration(text: str, *, option: str = "--target") -> int:
    """A target length as written by the user, in ms. Raises :class:`ConfigError` naming ``option`` and the text on
    nonsense."""
    raw = text
    text = text.strip().replace("：", ":").replace("．", ".")
    if not text:
        raise ConfigError(f"empty target duration: {_HELP}", path=option)
    ms: float
    if re.fullmatch(_NUMBER, text):
        ms = float(text) * 60_000
    elif m := _CLOCK.fullmatch(text):
        a, b, c = m.groups()
        if c is None:  # m:ss, the way a slot is written on a programme ("15:00")
            ms = (int(a) * 60 + int(b)) * 1000
        else:
            ms = (int(a) * 3600 + int(b) * 60 + int(c)) * 1000
    elif _PARTS.fullmatch(text):
        units = [u.lower() for _, u in _PART.findall(text)]
        if len(set(units)) != len(units):
            raise ConfigError(f"target duration {raw!r} names a unit twice: {_HELP}", path=option)
        ms = sum(float(n) * _UNIT_MS[u.lower()] for n, u in _PART.findall(text))
    else:
        raise ConfigError(f"cannot read target duration {raw!r}: {_HELP}", path=option)
    if ms < 1000:
        raise ConfigError(f"target duration {raw!r} is shorter than a second: {_HELP}", path=option)
    if ms > MAX_TARGET_MS:
        raise ConfigError(f"target duration {raw!r} is longer than a day: {_HELP}", path=option)
    return round(ms)


def rate_for_target(
    measured_total_ms: int,
    pause_ms: int,
    target_ms: int,
    current_rate_percent: int = 0,
    *,
    limit_percent: int = RATE_LIMIT_PERCENT,
) -> tuple[int | None, str]:
    """The voice rate (percent, as in ``Voice.rate``) that makes a build of ``measured_total_ms`` last ``target_ms``.

    Only the speaking part changes with the rate; ``pause_ms`` is silence lectern inserts and stays as planned.
    The result is limited to ``±limit_percent`` around the engine's default (not around the current rate): the
    limit is about how the voice sounds, whatever rate the preset started from. Returns ``(None, reason)`` when
    the target cannot be reached, the reason saying what would be needed instead.
    """
    speaking_ms = measured_total_ms - pause_ms
    if speaking_ms <= 0:
        return None, "nothing is spoken, so no voice rate can change the length"
    if target_ms <= 0:
        return None, "the target must be longer than zero"
    room_ms = target_ms - pause_ms
    if room_ms <= 0:
        return None, (
            f"the pauses alone take {_clock(pause_ms)}, longer than the target {_clock(target_ms)}: "
            "shorten the pauses (preset) or cut text"
        )
    exact = speaking_ms * (100 + current_rate_percent) / room_ms - 100
    if round(exact) > limit_percent or round(exact) < -limit_percent:
        # Name the nearest reachable length so the user knows how far off the slot the text is.
        # No advice to cut or add text here: that is for the speaker's pace to decide (the report), and the voice
        # reading 14:01 at -30% says nothing about whether the speaker fits a 15:00 slot.
        bound = limit_percent if exact > 0 else -limit_percent
        nearest = pause_ms + round(speaking_ms * (100 + current_rate_percent) / (100 + bound))
        return None, (
            f"fitting {_clock(measured_total_ms)} into {_clock(target_ms)} needs a voice rate of {round(exact):+d}%, "
            f"beyond the ±{limit_percent}% limit; at {bound:+d}% it would last {_clock(nearest)}"
        )

    def landed(rate: int) -> float:
        return pause_ms + speaking_ms * (100 + current_rate_percent) / (100 + rate)

    # Of the two whole percents around the exact rate, take the one landing nearer in time (not in percent).
    around = {max(-limit_percent, min(limit_percent, r)) for r in (math.floor(exact), math.ceil(exact))}
    wanted = min(sorted(around), key=lambda r: abs(landed(r) - target_ms))
    if wanted == current_rate_percent:
        return wanted, f"already fits: rate stays {wanted:+d}% ({_clock(measured_total_ms)} for {_clock(target_ms)})"
    expected = round(landed(wanted))
    return wanted, (
        f"rate {current_rate_percent:+d}% → {wanted:+d}%: about {_clock(expected)} for a target of {_clock(target_ms)} "
        f"(was {_clock(measured_total_ms)}; pauses fixed at {_clock(pause_ms)})"
    )


