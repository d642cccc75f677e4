"""Tests of tourlink.hours: open windows per date from OSM opening_hours, and validation."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tourlink.errors import ValidationError
from tourlink.hours import is_open, validate, windows

MONDAY = date(2026, 11, 30)
TUESDAY = date(2026, 12, 1)
SUNDAY = date(2026, 12, 6)
NATIONAL_DAY = date(2026, 9, 2)  # Quốc khánh, a public holiday in Vietnam (a Wednesday)

MUSEUM = "Mo off; Tu-Su 08:00-11:30,13:30-17:00"


def test_museum_closed_on_monday_open_on_tuesday():
    assert windows(MUSEUM, MONDAY) == []
    assert windows(MUSEUM, TUESDAY) == [(480, 690), (810, 1020)]


def test_weekday_differences():
    oh = "Mo-Fr 07:30-17:00; Sa,Su 07:00-18:00"
    assert windows(oh, TUESDAY) == [(450, 1020)]
    assert windows(oh, SUNDAY) == [(420, 1080)]


def test_split_hours_keep_the_lunch_pause():
    spans = windows("Mo-Su 07:00-11:30,13:30-17:00", SUNDAY)
    assert spans == [(420, 690), (810, 1020)]
    assert not any(a < 12 * 60 < b for a, b in spans)


def test_dawn_window_of_a_floating_market():
    assert windows("Mo-Su 05:00-08:00", TUESDAY) == [(300, 480)]
    assert is_open("Mo-Su 05:00-08:00", datetime(2026, 12, 1, 6, 15))
    assert not is_open("Mo-Su 05:00-08:00", datetime(2026, 12, 1, 9, 0))


def test_always_open_and_always_closed():
    assert windows("24/7", TUESDAY) == [(0, 1440)]
    assert windows("off", TUESDAY) == []
    assert is_open("24/7", TUESDAY)
    assert not is_open("off", TUESDAY)


def test_hours_past_midnight_split_at_midnight():
    assert windows("Mo-Su 20:00-02:00", TUESDAY) == [(0, 120), (1200, 1440)]


def test_public_holiday_uses_the_vietnamese_calendar():
    oh = "Mo-Su 08:00-17:00; PH off"
    assert windows(oh, NATIONAL_DAY) == []
    assert windows(oh, date(2026, 9, 9)) == [(480, 1020)]
    assert windows(oh, NATIONAL_DAY, country=None) == [(480, 1020)]


def test_unknown_state_counts_as_closed():
    assert windows("Mo-Su 08:00-17:00 unknown", TUESDAY) == []


def test_touching_intervals_are_joined():
    assert windows('Mo-Su 08:00-11:00 "guided", 11:00-12:00', TUESDAY) == [(480, 720)]


def test_datetime_day_is_reduced_to_its_date():
    assert windows(MUSEUM, datetime(2026, 12, 1, 23, 59)) == windows(MUSEUM, TUESDAY)


def test_validate_returns_the_stripped_value():
    assert validate("  Tu-Su 08:00-17:00 ") == "Tu-Su 08:00-17:00"


def test_bad_string_names_position_and_fix():
    with pytest.raises(ValidationError) as info:
        validate("Mo-Su 8h-17h", where="north.yaml entry 4 field opening_hours")
    msg = str(info.value)
    assert msg.startswith("north.yaml entry 4 field opening_hours: ")
    assert "character 7" in msg and "'8h-17h'" in msg
    assert "'Mo-Su 08:00-17:00'" in msg
    assert len(info.value.problems) == 1


@pytest.mark.parametrize("bad", ["", "   ", "Mo-Su 08:00-", "Lun-Dim 08:00-17:00", None, 800])
def test_bad_values_raise_validation_error(bad):
    with pytest.raises(ValidationError, match="Mo-Su 08:00-17:00"):
        validate(bad)


def test_windows_rejects_bad_string():
    with pytest.raises(ValidationError, match="not valid OSM syntax"):
        windows("every day 8-5", TUESDAY)
    with pytest.raises(ValueError):  # ValidationError is also a ValueError
        is_open("", TUESDAY)


_DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]


@st.composite
def _rules(draw):
    """A random valid rule like 'Tu-Sa 07:15-11:30,13:00-17:45; Mo off'."""
    a = draw(st.integers(0, 6))
    b = draw(st.integers(a, 6))
    times = sorted(draw(st.lists(st.integers(0, 95), min_size=2, max_size=6, unique=True)))
    times = times[: len(times) // 2 * 2]
    spans = ",".join(f"{t // 4:02d}:{t % 4 * 15:02d}-{u // 4:02d}:{u % 4 * 15:02d}"
                     for t, u in zip(times[::2], times[1::2], strict=True))
    rule = f"{_DAYS[a]}-{_DAYS[b]} {spans}"
    if draw(st.booleans()):
        rule += f"; {_DAYS[draw(st.integers(0, 6))]} off"
    return rule


@settings(max_examples=60, deadline=None)
@given(rule=_rules(), offset=st.integers(0, 13))
def test_windows_are_sorted_disjoint_and_inside_the_day(rule, offset):
    spans = windows(validate(rule), MONDAY + timedelta(days=offset))
    assert all(0 <= a < b <= 1440 for a, b in spans)
    assert all(b1 < a2 for (_, b1), (a2, _) in zip(spans, spans[1:], strict=False))
