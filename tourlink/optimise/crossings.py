"""Timetabled crossings: which days need one, which departures can be caught, and the timed legs.

A *crossing* is a timetabled link (:class:`~tourlink.optimise.world.Link`: a fast boat, a car
ferry; the link's ``mode`` is data) taken on a day whose start and end are not joined by
road (:func:`needs_crossing`). It fixes where and when the day's two segments meet: the part
before it ends at the departure port ``check-in`` minutes before the departure
(:attr:`Crossing.board_by`); the part after it starts at the arrival port once the group is
ashore (:attr:`Crossing.ashore`). A morning departure may start the day up to
``EARLY_BOAT_MINUTES`` before ``day_start``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from tourlink.itinerary import Leg, Stop
from tourlink.optimise.planning import Planning
from tourlink.optimise.stops import km_between, place_stop
from tourlink.optimise.world import Link
from tourlink.request import hhmm

#: minutes to be at the port before a boat leaves, and to get off after it arrives
CHECKIN_MINUTES = 30
DISEMBARK_MINUTES = 10
#: how long before ``day_start`` a day may start to catch a morning boat
EARLY_BOAT_MINUTES = 90
#: a crossing this long or longer (there or back) is worth more than one night where it lands
#: (``island_nights``): Phú Quốc by any boat
LONG_CROSSING_MINUTES = 60


@dataclass(frozen=True)
class Crossing:
    """A timetabled departure on ``day`` (0-based): leaves ``link.from_port`` at ``depart``."""

    day: int
    link: Link
    depart: int  # minutes after midnight

    @property
    def arrive(self) -> int:
        return self.depart + self.link.duration_min

    @property
    def board_by(self) -> int:
        """When the group must be at the departure port (check-in)."""
        return self.depart - CHECKIN_MINUTES

    @property
    def ashore(self) -> int:
        """When the group has left the arrival port's quay."""
        return self.arrive + DISEMBARK_MINUTES

    def key(self) -> str:
        return f"{self.day}:{self.link.id}@{self.depart}"


def needs_crossing(pl: Planning, a: str, b: str) -> bool:
    """Whether a day from ``a`` to ``b`` must take a timetabled link: no road joins them."""
    return pl.land(a) != pl.land(b)


def links_between(pl: Planning, a: str, b: str) -> list[Link]:
    """The links that leave from ``a``'s land mass and arrive on ``b``'s."""
    return [lk for lk in pl.world.links
            if pl.land(lk.from_port) == pl.land(a) and pl.land(lk.to_port) == pl.land(b)]


def crossing_options(pl: Planning, chain: list[str], reasons: set[str]) -> Iterator[tuple[Crossing, ...]]:
    """Every choice of crossings for the days of ``chain`` (start, nights, end) that need one.

    Per link, the earliest and the latest departure that can be caught from the day's start
    and that still reach the day's end within the daily window. Nothing is yielded when a day
    has no usable departure; ``reasons`` then says why.
    """
    ds, de = pl.day_start, pl.day_end
    options: list[list[Crossing]] = []
    for d, (a, b) in enumerate(zip(chain[:-1], chain[1:], strict=True)):
        if not needs_crossing(pl, a, b):
            continue
        day_opts: list[Crossing] = []
        links = links_between(pl, a, b)
        for link in links:
            p, q = link.from_port, link.to_port
            earliest = ds - EARLY_BOAT_MINUTES + pl.minutes(a, p) + CHECKIN_MINUTES
            ok = [t for t in link.departures
                  if t >= earliest and t + link.duration_min + DISEMBARK_MINUTES + pl.minutes(q, b) <= de]
            if ok:
                day_opts.extend(Crossing(d, link, t) for t in sorted({ok[0], ok[-1]}))
            elif link.departures:
                last = max(link.departures)
                reasons.add(f"{pl.name(b)} cannot be reached on day {d + 1}: last boat from "
                            f"{pl.name(p)} leaves {hhmm(last)}, earliest arrival at the port "
                            f"{hhmm(earliest - CHECKIN_MINUTES)} (+{CHECKIN_MINUTES} min check-in)")
        if not day_opts:
            if not links:
                reasons.add(f"{pl.name(b)} cannot be reached from {pl.name(a)} on day {d + 1}: "
                            "no road and no sea link")
            return
        options.append(day_opts)
    yield from (tuple(c) for c in itertools.product(*options))


def crossing_stops(pl: Planning, c: Crossing, at_port: int) -> tuple[Stop, Leg, Stop]:
    """The wait at the departure port (from ``at_port``), the crossing leg, and getting off."""
    lk = c.link
    pa, pb = pl.row(lk.from_port), pl.row(lk.to_port)
    leg = Leg(lk.from_port, lk.to_port, lk.mode, km_between(pa, pb), float(lk.duration_min),
              pl.dt(c.day, c.depart), pl.dt(c.day, c.arrive),
              name=" ".join(x for x in (lk.operator, lk.id) if x),
              fare_vnd=lk.fare_vnd * pl.request.group_size,
              geometry=((pa["lon"], pa["lat"]), (pb["lon"], pb["lat"])))
    return (place_stop(pl, lk.from_port, c.day, at_port, c.depart, kind="port"), leg,
            place_stop(pl, lk.to_port, c.day, c.arrive, c.ashore, kind="port"))


__all__ = ["Crossing", "CHECKIN_MINUTES", "DISEMBARK_MINUTES", "EARLY_BOAT_MINUTES", "LONG_CROSSING_MINUTES",
           "needs_crossing",
           "links_between", "crossing_options", "crossing_stops"]
