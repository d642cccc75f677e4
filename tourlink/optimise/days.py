"""The days of a plan: overnight hubs and crossings give each day its segments.

A :class:`Plan` is the overnight hub of each night plus the crossings taken; every day is
then one :class:`Segment` (a vehicle of the solver's problem from the day's start to its
end) or, on a crossing day, two: the part before the crossing and the part after it. A
segment carries its time window, its share of the day's road-hours cap, and whether it holds
the lunch pause and may start at dawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from tourlink.optimise.crossings import EARLY_BOAT_MINUTES, Crossing
from tourlink.optimise.planning import Planning


@dataclass(frozen=True)
class Segment:
    """One vehicle: a part of a day between two places (minutes after midnight)."""

    day: int
    start: str
    end: str
    early: int
    late: int
    cap: int  # road minutes allowed
    lunch: bool = False  # the lunch pause is reserved in this segment
    dawn: bool = False  # may start at dawn for a floating market
    evening: bool = False  # the evening block after check-in (hotel to hotel)
    visits: int | None = None  # most visits in this part of the day (None: the request's pace)
    span: int | None = None  # most minutes from leaving its start to reaching its end


@dataclass(frozen=True)
class Plan:
    """Overnight hubs (one per night) and the crossings; segments derive from them.

    ``segments`` are the day parts (start to the night's hub); ``evenings`` the optional evening
    blocks from the night's hub and back; ``parts`` both, the solver's vehicles.
    """

    nights: tuple[str, ...]
    crossings: tuple[Crossing, ...] = ()
    segments: tuple[Segment, ...] = ()
    evenings: tuple[Segment, ...] = ()

    @property
    def parts(self) -> tuple[Segment, ...]:
        return self.segments + self.evenings

    def key(self) -> tuple[str, ...]:
        return self.nights + tuple(c.key() for c in self.crossings)

    def day_segments(self, day: int) -> list[int]:
        """Indices into :attr:`parts` of tour day ``day`` (0-based): its segments, then its evening."""
        return [k for k, s in enumerate(self.parts) if s.day == day]

    def crossing_on(self, day: int) -> Crossing | None:
        return next((c for c in self.crossings if c.day == day), None)


def day_places(pl: Planning, nights: tuple[str, ...]) -> list[tuple[str, str]]:
    """(start, end) place of each day for the hub of each night."""
    seq = [pl.world.start, *nights, pl.world.end]
    return list(zip(seq[:-1], seq[1:], strict=True))


def make_segments(pl: Planning, nights: tuple[str, ...],
                  crossings: tuple[Crossing, ...]) -> tuple[Segment, ...] | None:
    """Segments of every day, or None when a day cannot be driven (too long, no boat)."""
    ds, de, lm, cap = pl.day_start, pl.day_end, pl.lunch_minutes, pl.road_cap
    by_day = {c.day: c for c in crossings}
    dawn = pl.request.dawn and pl.dawn_start < ds
    out: list[Segment] = []
    for d, (a, b) in enumerate(day_places(pl, nights)):
        c = by_day.get(d)
        if c is None:
            if pl.minutes(a, b) > min(de - ds - lm, cap):
                return None
            out.append(Segment(d, a, b, ds, de, cap, lunch=True, dawn=dawn, span=MAX_DAY_MINUTES))
            continue
        key = ("crossing day", c, a, b, dawn)  # the same day recurs in many plans (16,336 for 7 days)
        if key not in pl.memo:
            pl.memo[key] = _crossing_day(pl, c, a, b, dawn=dawn)
        split = pl.memo[key]
        if split is None:
            return None
        out.extend(split)
    return tuple(out)


#: road minutes an evening block may spend (there and back)
EVENING_ROAD_MINUTES = 60
#: longest day from departure to arrival at the night's hotel (a dawn market day ends by 17:00)
MAX_DAY_MINUTES = 12 * 60


def evening_segments(pl: Planning, nights: tuple[str, ...]) -> tuple[Segment, ...]:
    """The evening block of each night (hotel to hotel, ``evening_start``–``evening_end``), when asked."""
    if not pl.request.evening:
        return ()
    lo, hi = pl.request.minutes("evening_start"), pl.request.minutes("evening_end")
    return tuple(Segment(d, hub, hub, lo, hi, EVENING_ROAD_MINUTES, evening=True)
                 for d, hub in enumerate(nights))


def _dawn_on_the_way(pl: Planning, a: str, b: str, cap: int) -> bool:
    """Whether a dawn site (a floating market) lies within ``cap`` road minutes of a drive from
    ``a`` to ``b``: only then may that day start at dawn (and end earlier for it)."""
    key = ("dawn on the way", a, b, cap)
    if key not in pl.memo:
        pl.memo[key] = any(pl.minutes(a, pl.road_id(d)) + pl.minutes(pl.road_id(d), b) <= cap
                           for d in pl.world.candidates if pl.dawn_site(d))
    return pl.memo[key]


def _crossing_day(pl: Planning, c: Crossing, a: str, b: str, *, dawn: bool) -> tuple[Segment, Segment] | None:
    """The two segments of a day from ``a`` to ``b`` that takes crossing ``c``.

    The road cap is shared in proportion to the segments' lengths. Lunch is on board when the
    crossing itself spans ``lunch_minutes`` of the lunch window; else it goes into the longer
    segment that can hold it (lunch at the pier before boarding is one way to hold it).
    """
    ds, de, cap = pl.day_start, pl.day_end, pl.road_cap
    ls, le, lm = pl.lunch_start, pl.lunch_end, pl.lunch_minutes
    p, q = c.link.from_port, c.link.to_port
    late_a, early_b = c.board_by, c.ashore
    early_a = min(ds, late_a - pl.minutes(a, p))  # a morning boat may start the day early
    if early_a < ds - EARLY_BOAT_MINUTES or early_b + pl.minutes(q, b) > de:
        return None
    len_a, len_b = max(0, late_a - ds), de - early_b
    on_board = lunch_on_board(pl, c) is not None
    fits_a = min(late_a, le) - max(ds, ls) >= lm
    fits_b = min(de, le) - max(early_b, ls) >= lm
    lunch_a = not on_board and fits_a and (len_a >= len_b or not fits_b)
    lunch_b = not on_board and not lunch_a and fits_b
    if lm and not (on_board or lunch_a or lunch_b):
        return None  # e.g. a midday flight: no lunch on that day
    share = len_a / max(1, len_a + len_b)
    cap_a = max(int(cap * share), pl.minutes(a, p))
    if cap - cap_a < pl.minutes(q, b):
        return None
    pace = pl.request.pace
    visits_a = min(pace, max(0, round(pace * share)))
    dawn_a = dawn and early_a == ds and _dawn_on_the_way(pl, a, p, cap_a)
    # the day ends within MAX_DAY_MINUTES of the earliest it can start
    late_b = min(de, (pl.dawn_start if dawn_a else early_a) + MAX_DAY_MINUTES)
    if early_b + pl.minutes(q, b) > late_b:
        return None
    return (Segment(c.day, a, p, early_a, late_a, cap_a, lunch=lunch_a, dawn=dawn_a, visits=visits_a),
            Segment(c.day, q, b, early_b, late_b, cap - cap_a, lunch=lunch_b, visits=pace - visits_a))


def lunch_on_board(pl: Planning, c: Crossing) -> tuple[int, int] | None:
    """The lunch pause on board crossing ``c`` (start, end), when the boat (or a flight of two hours,
    which serves a meal) spans it."""
    lm = pl.lunch_minutes
    start = max(c.depart, pl.lunch_start)
    if lm <= 0 or min(c.arrive, pl.lunch_end) - start < lm:
        return None
    return start, start + lm


__all__ = ["Segment", "Plan", "day_places", "make_segments", "evening_segments", "lunch_on_board",
           "EVENING_ROAD_MINUTES", "MAX_DAY_MINUTES"]
