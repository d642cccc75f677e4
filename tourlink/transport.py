"""Timetabled legs of every mode: fast boats, car ferries, boats and domestic flights.

A :class:`Link` is one direction of a scheduled service between two ports (sea ports, river
piers or airports of ``data/ports.csv``): operator, duration, check-in minutes, fare per person
and per vehicle, as-of date and source, and its departures as :class:`Service` rows — times
of day that run on some weekdays within a season (a date range). ``link.departures_on(date)``
gives the departures valid on a date; ``link.departures`` is every time of day of the link.

The bundled timetable is ``data/links.csv`` (one row per link) and ``data/departures.csv``
(one row per departure time of a service), built by ``tools/build_transport.py`` from the
curated ``tools/curated/links.yaml``. A field that rests on a guess is listed in
``estimates`` with what it rests on.

>>> s = Service((480, 780), days=frozenset({0, 1, 2, 3, 4}))
>>> s.runs_on(date(2026, 12, 12))  # a Saturday
False
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field
from datetime import date

from tourlink.errors import DataError
from tourlink.paths import data_file

#: modes of a timetabled link
MODES = ("fast_boat", "car_ferry", "boat", "flight")
#: modes that carry the group's coach (the coach stays ashore on the others)
VEHICLE_MODES = ("car_ferry",)
#: request ``modes`` that switch link modes on: "boat" for the waterborne ones, "flight"
FAMILY = {"fast_boat": "boat", "car_ferry": "boat", "boat": "boat", "flight": "flight"}
#: weekday abbreviations (OSM opening_hours style), Monday first
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
ALL_DAYS = frozenset(range(7))
#: default minutes at the port before a departure, by mode
CHECKIN_MINUTES = {"fast_boat": 30, "car_ferry": 45, "boat": 15, "flight": 90}

LINK_COLUMNS = ["id", "mode", "from_port", "to_port", "operator", "duration_min", "checkin_min", "fare_vnd",
                "vehicle_fare_vnd", "as_of", "source", "estimates"]
DEPARTURE_COLUMNS = ["link_id", "time", "code", "days", "first_day", "last_day"]


@dataclass(frozen=True)
class Service:
    """Departure times (minutes after midnight) on ``days`` (0 = Monday) from ``first_day`` to
    ``last_day`` (inclusive; None = open-ended); ``codes`` are flight numbers, one per time."""

    times: tuple[int, ...]
    days: frozenset[int] = ALL_DAYS
    first_day: date | None = None
    last_day: date | None = None
    codes: tuple[str, ...] = ()

    def runs_on(self, day: date) -> bool:
        """Whether the service runs on ``day`` (weekday and season)."""
        return (day.weekday() in self.days and (self.first_day is None or day >= self.first_day)
                and (self.last_day is None or day <= self.last_day))

    def code(self, minute: int) -> str:
        """The flight number (or "") of the departure at ``minute``."""
        for t, c in zip(self.times, self.codes, strict=False):
            if t == minute:
                return c
        return ""


@dataclass(frozen=True)
class Link:
    """A timetabled link in one direction; ``departures`` are all its times of day (minutes).

    Without ``services`` every departure runs every day.
    """

    id: str
    from_port: str
    to_port: str
    mode: str
    departures: tuple[int, ...]
    duration_min: int
    fare_vnd: int = 0
    operator: str = ""
    vehicle_fare_vnd: int | None = None
    checkin_min: int = 30
    services: tuple[Service, ...] = ()
    as_of: str = ""
    source: str = ""
    estimates: tuple[tuple[str, str], ...] = field(default=())

    def departures_on(self, day: date) -> tuple[int, ...]:
        """Departure times valid on ``day`` (weekday and season), sorted."""
        if not self.services:
            return tuple(sorted(self.departures))
        return tuple(sorted({t for s in self.services if s.runs_on(day) for t in s.times}))

    def code(self, day: date, minute: int) -> str:
        """Flight number of the departure at ``minute`` on ``day`` ("" when none is given)."""
        return next((c for s in self.services if s.runs_on(day) and (c := s.code(minute))), "")

    @property
    def family(self) -> str:
        """``"boat"`` or ``"flight"``: the request mode that allows this link."""
        return FAMILY[self.mode]

    def estimated(self, name: str) -> str:
        """What field ``name`` rests on when it is an estimate ("" when it is sourced)."""
        return dict(self.estimates).get(name, "")


# --------------------------------------------------------------------------- text forms

def minutes(hhmm: str) -> int:
    """Minutes after midnight of ``"HH:MM"``; ValueError when malformed."""
    m = re.fullmatch(r"([01]\d|2[0-3]):([0-5]\d)", str(hhmm).strip())
    if not m:
        raise ValueError(f"{hhmm!r} is not a time HH:MM")
    return int(m.group(1)) * 60 + int(m.group(2))


def parse_days(text: str) -> frozenset[int]:
    """Weekdays of ``"Mo-Su"``, ``"Mo-Th,Sa"`` or ``"Fr,Su"``; ValueError when malformed.

    >>> sorted(parse_days("Mo-We,Sa"))
    [0, 1, 2, 5]
    """
    out: set[int] = set()
    for part in str(text).replace(" ", "").split(","):
        ends = part.split("-")
        if len(ends) > 2 or any(e not in WEEKDAYS for e in ends):
            raise ValueError(f"{text!r} is not a list of weekdays like Mo-Fr,Su")
        a, b = WEEKDAYS.index(ends[0]), WEEKDAYS.index(ends[-1])
        out.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return frozenset(out)


def format_days(days: frozenset[int]) -> str:
    """Inverse of :func:`parse_days`, with ranges (``"Mo-Th,Sa"``)."""
    runs: list[list[int]] = []
    for d in sorted(days):
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ",".join(WEEKDAYS[r[0]] + (f"-{WEEKDAYS[r[-1]]}" if len(r) > 2 else
                                      (f",{WEEKDAYS[r[-1]]}" if len(r) == 2 else "")) for r in runs)


def hhmm(m: int) -> str:
    return f"{m // 60 % 24:02d}:{m % 60:02d}"


# --------------------------------------------------------------------------- bundled tables

def _read(name: str) -> list[dict]:
    with open(data_file(name), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@functools.cache
def _bundled() -> tuple[Link, ...]:
    try:
        by_link: dict[str, list[dict]] = {}
        for r in _read("departures.csv"):
            by_link.setdefault(r["link_id"], []).append(r)
        out = []
        for r in _read("links.csv"):
            groups: dict[tuple, list[tuple[int, str]]] = {}
            for d in by_link.get(r["id"], []):
                key = (d["days"], d["first_day"], d["last_day"])
                groups.setdefault(key, []).append((minutes(d["time"]), d["code"]))
            services = tuple(
                Service(tuple(t for t, _ in rows), parse_days(days),
                        date.fromisoformat(a) if a else None, date.fromisoformat(b) if b else None,
                        tuple(c for _, c in rows))
                for (days, a, b), rows in groups.items())
            est = tuple(tuple(x.split(": ", 1)) for x in r["estimates"].split(" | ") if x)
            out.append(Link(
                id=r["id"], from_port=r["from_port"], to_port=r["to_port"], mode=r["mode"],
                departures=tuple(sorted({t for s in services for t in s.times})),
                duration_min=int(r["duration_min"]), fare_vnd=int(r["fare_vnd"]), operator=r["operator"],
                vehicle_fare_vnd=int(r["vehicle_fare_vnd"]) if r["vehicle_fare_vnd"] else None,
                checkin_min=int(r["checkin_min"]), services=services, as_of=r["as_of"], source=r["source"],
                estimates=est))
    except (KeyError, ValueError) as exc:
        raise DataError(f"timetable data/links.csv or departures.csv is corrupt ({exc}); run `make data`") \
            from None
    return tuple(out)


def load_links(*, modes: tuple[str, ...] | None = None) -> list[Link]:
    """Return the bundled timetabled links, one per direction (only ``modes`` when given).

    Raises
    ------
    DataError
        If the bundled timetable is missing or corrupt (run ``make data``).
    """
    links = _bundled()
    return [lk for lk in links if modes is None or lk.mode in modes]


def next_departures(link: Link, day: date, *, after: int = 0, n: int = 3,
                    horizon: int = 14) -> list[tuple[date, int]]:
    """The next ``n`` departures of ``link`` from ``day`` at ``after`` minutes on, as (date, minute)
    pairs, looking at most ``horizon`` days ahead."""
    from datetime import timedelta

    out: list = []
    for k in range(horizon):
        d = day + timedelta(days=k)
        out += [(d, t) for t in link.departures_on(d) if k or t >= after]
        if len(out) >= n:
            break
    return out[:n]


__all__ = ["Link", "Service", "MODES", "VEHICLE_MODES", "FAMILY", "WEEKDAYS", "CHECKIN_MINUTES",
           "LINK_COLUMNS", "DEPARTURE_COLUMNS", "load_links", "next_departures", "parse_days", "format_days",
           "minutes", "hhmm"]
