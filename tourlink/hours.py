"""Opening hours in OpenStreetMap ``opening_hours`` syntax: validate them, get a day's open windows.

A thin layer over the opening-hours-py package (``import opening_hours``), which does the parsing
and evaluation; this module turns its answers into minutes after midnight and its parse errors
into :class:`~tourlink.errors.ValidationError` messages that say where the problem is and how
to write the value instead.

Public holidays (``PH``) are evaluated with Vietnam's calendar by default. Only the *open*
state counts as open: ``unknown`` (e.g. ``"Mo-Su 08:00-17:00 unknown"``) is treated as closed,
so a planner never sends a group to a door that may be shut.

Examples
--------
>>> from datetime import date
>>> windows("Mo off; Tu-Su 08:00-11:30,13:30-17:00", date(2026, 12, 1))  # a Tuesday
[(480, 690), (810, 1020)]
>>> windows("Mo off; Tu-Su 08:00-11:30,13:30-17:00", date(2026, 11, 30))  # a Monday
[]
>>> windows("24/7", date(2026, 12, 1))
[(0, 1440)]
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import opening_hours as ohlib

from tourlink.errors import ValidationError

#: A value that always parses, shown in error messages as the shape to follow.
EXAMPLE = "Mo-Su 08:00-17:00"

#: Country whose public-holiday calendar ``PH`` refers to.
COUNTRY = "VN"

_POSITION = re.compile(r"-->\s*(\d+):(\d+)")
_EXPECTED = re.compile(r"=\s*(.+)\s*$", re.MULTILINE)


def _problem(oh: str, message: str) -> str:
    """Turn a parser message into one line: the value, the column, what was wrong, what to write."""
    where = _POSITION.search(message)
    what = _EXPECTED.search(message)
    detail = what.group(1).strip() if what else "cannot be parsed"
    if where:
        col = int(where.group(2))
        near = oh[col - 1:col + 9]
        at = f" at character {col}" + (f" (near {near!r})" if near else " (at the end)")
    else:
        at = ""
    return (f"opening_hours {oh!r} is not valid OSM syntax{at}: {detail}; "
            f"write it like {EXAMPLE!r}, e.g. 'Mo off; Tu-Su 08:00-11:30,13:30-17:00' or '24/7'")


@lru_cache(maxsize=4096)
def _parse(oh: str, country: str | None) -> ohlib.OpeningHours:
    """Parse ``oh`` once (cached); raise ValueError with the parser's message on failure."""
    if not oh.strip():
        raise ValueError("= the value is empty")
    try:
        return ohlib.OpeningHours(oh, country=country)
    except (ohlib.ParserError, SyntaxError) as exc:
        raise ValueError(str(exc)) from None


def validate(oh: str, *, where: str | None = None) -> str:
    """Return ``oh`` stripped of surrounding blanks if it is valid OSM ``opening_hours`` syntax.

    Parameters
    ----------
    oh
        The value to check, e.g. ``"Mo off; Tu-Su 08:00-17:00"``.
    where
        Where the value comes from (``"destinations.csv row 12 field opening_hours"``), used as
        the error's source.

    Returns
    -------
    str
        The value without leading or trailing blanks.

    Raises
    ------
    ValidationError
        If ``oh`` is not a string, is blank, or does not parse; the message names the position of
        the problem and shows a value to follow.

    Examples
    --------
    >>> validate(" Mo-Su 05:00-08:00 ")
    'Mo-Su 05:00-08:00'
    """
    if not isinstance(oh, str):
        raise ValidationError(f"opening_hours must be a string like {EXAMPLE!r}, got {oh!r}",
                              source=where)
    value = oh.strip()
    try:
        _parse(value, COUNTRY)
    except ValueError as exc:
        raise ValidationError(_problem(value, str(exc)), source=where) from None
    return value


def windows(opening_hours: str, day: date, *, country: str | None = COUNTRY) -> list[tuple[int, int]]:
    """Return the open intervals of ``day`` as ``(start, end)`` minutes after midnight.

    Parameters
    ----------
    opening_hours
        OSM ``opening_hours`` value, e.g. ``"Mo off; Tu-Su 08:00-17:00"``.
    day
        The calendar date (local time). A ``datetime`` is reduced to its date.
    country
        ISO code whose public holidays ``PH`` means; ``None`` ignores public holidays.

    Returns
    -------
    list of tuple of int
        Sorted, non-overlapping intervals with ``0 <= start < end <= 1440``; ``[]`` when closed
        all day; ``[(0, 1440)]`` for ``"24/7"``. Hours past midnight (``"20:00-02:00"``) give
        ``(1200, 1440)`` on the day and ``(0, 120)`` on the next.

    Raises
    ------
    ValidationError
        If ``opening_hours`` is not valid.
    """
    if isinstance(day, datetime):
        day = day.date()
    if not isinstance(opening_hours, str):
        validate(opening_hours)
    value = opening_hours.strip()
    try:
        parsed = _parse(value, country)
    except ValueError as exc:
        raise ValidationError(_problem(value, str(exc))) from None
    start = datetime.combine(day, time())
    end = start + timedelta(days=1)
    out: list[tuple[int, int]] = []
    for lo, hi, state, _comment in parsed.intervals(start, end):
        if state != ohlib.State.OPEN:
            continue
        a = max(0, round((lo - start).total_seconds() / 60))
        b = min(1440, round((min(hi, end) - start).total_seconds() / 60))
        if b <= a:
            continue
        if out and out[-1][1] >= a:  # the library splits at comment changes; join touching ones
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def is_open(opening_hours: str, day: date, *, country: str | None = COUNTRY) -> bool:
    """Return True if the place is open at some time on ``day``.

    A ``datetime`` asks about that moment instead: True if open at that minute.

    Raises
    ------
    ValidationError
        If ``opening_hours`` is not valid.

    Examples
    --------
    >>> from datetime import datetime
    >>> is_open("Mo-Su 05:00-08:00", datetime(2026, 12, 1, 9, 0))
    False
    """
    spans = windows(opening_hours, day, country=country)
    if isinstance(day, datetime):
        minute = day.hour * 60 + day.minute
        return any(a <= minute < b for a, b in spans)
    return bool(spans)


__all__ = ["windows", "validate", "is_open", "EXAMPLE", "COUNTRY"]
