"""Timecode conversions: each stamp round-trips to its format's resolution, and rounding is always down."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lectern import timecode
from lectern.errors import InputError
from lectern.timecode import (
    cue_to_ms,
    lrc_to_ms,
    ms_to_cue,
    ms_to_lrc,
    ms_to_seconds,
    ms_to_srt,
    ms_to_vtt,
    seconds_to_ms,
    srt_to_ms,
    ticks_to_ms,
    vtt_to_ms,
)

# Up to 30 hours: longer than any speech, and past both 99 CUE minutes and 24 SRT hours.
times = st.integers(min_value=0, max_value=30 * 3600 * 1000)


def test_doctests_pass() -> None:
    result = doctest.testmod(timecode)
    assert result.attempted > 10
    assert result.failed == 0


@given(times)
def test_cue_round_trip_is_within_one_frame_and_never_late(ms: int) -> None:
    back = cue_to_ms(ms_to_cue(ms))
    assert back <= ms < back + 1000 / 75
    assert ms_to_cue(back) == ms_to_cue(ms)


@given(times)
def test_srt_and_vtt_round_trip_exactly(ms: int) -> None:
    assert srt_to_ms(ms_to_srt(ms)) == ms
    assert vtt_to_ms(ms_to_vtt(ms)) == ms


@given(times)
def test_lrc_round_trip_is_within_ten_ms_and_never_late(ms: int) -> None:
    back = lrc_to_ms(ms_to_lrc(ms))
    assert back <= ms < back + 10
    assert ms_to_lrc(back) == ms_to_lrc(ms)


@given(times)
def test_seconds_round_trip_exactly(ms: int) -> None:
    assert seconds_to_ms(ms_to_seconds(ms)) == ms


@given(times, times)
def test_stamps_keep_order(a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert cue_to_ms(ms_to_cue(lo)) <= cue_to_ms(ms_to_cue(hi))
    assert lrc_to_ms(ms_to_lrc(lo)) <= lrc_to_ms(ms_to_lrc(hi))


def test_exact_stamps() -> None:
    assert ms_to_cue(61_000 + 40) == "01:01:03"  # 40 ms = 3 frames (3 × 13.33 = 40.0)
    assert ms_to_cue(61_000 + 39) == "01:01:02"  # rounded down, not to nearest
    assert ms_to_cue(100 * 60_000) == "100:00:00"
    assert ms_to_srt(0) == "00:00:00,000"
    assert ms_to_srt(99 * 3_600_000 + 59 * 60_000 + 59_999) == "99:59:59,999"
    assert ms_to_srt(100 * 3_600_000) == "100:00:00,000"
    assert ms_to_vtt(3_599_999) == "00:59:59.999"
    assert ms_to_lrc(59_999) == "[00:59.99]"
    assert ticks_to_ms(123_456_789) == 12_345


def test_lenient_forms_are_read() -> None:
    assert srt_to_ms("00:00:02.5") == 2500  # dot decimal, short field
    assert srt_to_ms(" 00：00：02,500 ") == 2500  # full-width colons
    assert srt_to_ms("00:00:02") == 2000  # no milliseconds
    assert vtt_to_ms("02:03.004") == 123_004  # WebVTT without hours
    assert lrc_to_ms("[00:01:50]") == 1500  # colon before centiseconds, as some taggers write
    assert cue_to_ms(" 01:00:00 ") == 60_000


@pytest.mark.parametrize(
    ("parse", "stamp"),
    [
        (cue_to_ms, "00:60:00"),
        (cue_to_ms, "00:00:75"),
        (cue_to_ms, "1:2"),
        (srt_to_ms, "00:61:00,000"),
        (srt_to_ms, "aa:bb:cc,ddd"),
        (srt_to_ms, ""),
        (vtt_to_ms, "00:00:00,0000"),
        (lrc_to_ms, "[00:60.00]"),
        (lrc_to_ms, "00:01.00"),
    ],
)
def test_bad_stamps_raise_input_error(parse, stamp: str) -> None:
    with pytest.raises(InputError, match="time"):
        parse(stamp)


@pytest.mark.parametrize("render", [ms_to_cue, ms_to_srt, ms_to_vtt, ms_to_lrc, ms_to_seconds])
def test_negative_time_is_a_bug(render) -> None:
    with pytest.raises(ValueError):
        render(-1)
