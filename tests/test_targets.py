"""Target lengths as users write them, and the voice rate that lands a build on a target."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lectern.errors import ConfigError, LecternError
from lectern.report.targets import RATE_LIMIT_PERCENT, parse_duration, rate_for_target


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("15m", 900_000),
        ("15min", 900_000),
        ("15 minutes", 900_000),
        ("15分钟", 900_000),
        ("900s", 900_000),
        ("900秒", 900_000),
        ("15:00", 900_000),
        ("15：30", 930_000),
        ("1:05:00", 3_900_000),
        ("1h5m", 3_900_000),
        ("1h 5m 30s", 3_930_000),
        ("1小时5分钟", 3_900_000),
        ("1.5h", 5_400_000),
        ("2.5m", 150_000),
        ("90", 5_400_000),  # a bare number is minutes: slots are booked in minutes
        ("  20M ", 1_200_000),
        ("2500ms", 2500),
    ],
)
def test_parse_duration_reads_common_forms(text: str, ms: int) -> None:
    assert parse_duration(text) == ms


@pytest.mark.parametrize(
    "text", ["", "abc", "15x", "15:75", "-5m", "0", "5m5m", "1::00", "m", "0.5s", "15 m 2", "25h", "1" * 20 + "h"]
)
def test_parse_duration_rejects_nonsense_with_one_line_error(text: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_duration(text)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("--target: ")  # names the option, as other errors name their file
    assert "15m" in message  # the error shows a form that works


@given(st.integers(min_value=0, max_value=5), st.integers(min_value=0, max_value=59), st.integers(0, 59))
def test_parse_duration_unit_and_clock_forms_agree(h: int, m: int, s: int) -> None:
    total = (h * 3600 + m * 60 + s) * 1000
    if total < 1000:
        return
    assert parse_duration(f"{h}:{m:02d}:{s:02d}") == total
    assert parse_duration(f"{h}h{m}m{s}s") == total
    assert parse_duration(f"{h * 3600 + m * 60 + s}s") == total


def _speaking_after(speaking_ms: int, current: int, new: int) -> float:
    return speaking_ms * (100 + current) / (100 + new)


def test_rate_for_target_speeds_up_only_the_speaking_part() -> None:
    # 20 min total, of which 4 min pauses: 16 min speaking must shrink to 11 min for a 15-minute slot.
    rate, reason = rate_for_target(1_200_000, 240_000, 900_000, 0)
    assert round(16 / 11 * 100 - 100) == 45  # beyond the limit: unreachable, and the reason says what it takes
    assert rate is None
    assert "+45%" in reason and "would last" in reason


def test_rate_for_target_reachable_lands_within_half_a_percent() -> None:
    total, pauses, target = 1_000_000, 200_000, 900_000
    rate, reason = rate_for_target(total, pauses, target, 0)
    assert rate == round(800 / 700 * 100 - 100)  # 14
    landed = pauses + _speaking_after(total - pauses, 0, rate)
    assert abs(landed - target) / target < 0.005
    assert "+14%" in reason and "15:00" in reason


def test_rate_for_target_slows_down_from_a_nonzero_current_rate() -> None:
    # built at +10%: the speaking part would last 1.1× as long at +0%.
    total, pauses, target = 600_000, 100_000, 660_000
    rate, _ = rate_for_target(total, pauses, target, 10)
    exact = 500_000 * 110 / 560_000 - 100
    assert rate == round(exact) == -2


def test_rate_for_target_unchanged_when_it_already_fits() -> None:
    rate, reason = rate_for_target(900_400, 100_000, 900_000, -5)
    assert rate == -5
    assert "already fits" in reason


def test_rate_for_target_unreachable_when_pauses_exceed_target() -> None:
    rate, reason = rate_for_target(600_000, 500_000, 400_000, 0)
    assert rate is None
    assert "pauses" in reason and "6:40" in reason


def test_rate_for_target_unreachable_when_too_short() -> None:
    rate, reason = rate_for_target(300_000, 0, 900_000, 0)  # 5 min of text for a 15-minute slot
    assert rate is None
    assert "-67%" in reason and "would last" in reason
    # the voice's limit says nothing about what the speaker should do: no advice that the report could contradict
    assert "text" not in reason


def test_rate_for_target_nothing_spoken() -> None:
    rate, reason = rate_for_target(5000, 5000, 900_000, 0)
    assert rate is None and reason


@given(
    speaking=st.integers(min_value=10_000, max_value=7_200_000),
    pauses=st.integers(min_value=0, max_value=1_800_000),
    target=st.integers(min_value=1000, max_value=9_000_000),
    current=st.integers(min_value=-RATE_LIMIT_PERCENT, max_value=RATE_LIMIT_PERCENT),
)
def test_rate_for_target_is_within_limit_and_lands_near_target(
    speaking: int, pauses: int, target: int, current: int
) -> None:
    rate, reason = rate_for_target(speaking + pauses, pauses, target, current)
    assert reason
    if rate is None:
        return
    assert -RATE_LIMIT_PERCENT <= rate <= RATE_LIMIT_PERCENT
    landed = pauses + _speaking_after(speaking, current, rate)
    # One whole percent moves the speaking time by 1/(100 + rate) ≤ 1/70: half of that at worst (0.72%); pauses
    # only dilute the error.
    assert abs(landed - target) <= 0.0072 * target + 1


def test_errors_are_lectern_errors() -> None:
    assert issubclass(ConfigError, LecternError)
