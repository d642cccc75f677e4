"""Timetabled crossings: which days need one, which departures can be caught, and the timed legs.

A *crossing* is a timetabled link (:class:`~tourlink.transport.Link`: a fast boat, a car
ferry, a flight; the link's ``mode`` is data) taken on a day whose start and end lie in different
zones (:func:`needs_crossing`: not joined by road, or, when the request may fly, too far apart
to drive in a day). Only departures valid on that date (weekday, season) are used. It fixes
where and when the day's two segments meet: the part before it ends at the departure port the
link's check-in minutes before the departure (:attr:`Crossing.board_by`); the part after it
starts at the arrival port once the group is ashore (:attr:`Crossing.ashore`). A morning
departure may start the day up to ``EARLY_BOAT_MINUTES`` before ``day_start``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from tourlink.itinerary import Leg, Stop
from tourlink.optimise.planning import Planning
from tourlink.optimise.stops import km_between, place_stop
from tourlink.request import hhmm
from tourlink.transport import Link

#: minutes to be at the port before a boat leaves (links without their own), and to get off after
#: it arrives (after a flight: to collect the luggage)
CHECKIN_MINUTES = 30
DISEMBARK_MINUTES = 10
BAGGAGE_MINUTES = 20
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
        return self.depart - checkin(self.link)

    @property
    def ashore(self) -> int:
        """When the group has left the arrival port's quay (or the airport's baggage hall)."""
        return self.arrive + disembark(self.link)

    def key(self) -> str:
        return f"{self.day}:{self.link.id}@{self.depart}"


def checkin(link: Link) -> int:
    """Minutes at the departure port before the link leaves."""
    return int(getattr(link, "checkin_min", CHECKIN_MINUTES))


def disembark(link: Link) -> int:
    """Minutes from arrival until the group has left the port or airport."""
    return BAGGAGE_MINUTES if link.mode == "flight" else DISEMBARK_MINUTES


def needs_crossing(pl: Planning, a: str, b: str) -> bool:
    """Whether a day from ``a`` to ``b`` must take a timetabled link: different zones (no road, or
    too far to drive in a day when the request may fly)."""
    return pl.zone(a) != pl.zone(b)


def links_between(pl: Planning, a: str, b: str) -> list[Link]:
    """The links that leave from ``a``'s zone and arrive in ``b``'s, their ports within the road cap."""
    cap = pl.road_cap
    return [lk for lk in pl.world.links
            if pl.zone(lk.from_port) == pl.zone(a) and pl.zone(lk.to_port) == pl.zone(b)
            and pl.minutes(a, lk.from_port) <= cap and pl.minutes(lk.to_port, b) <= cap]


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
        when = pl.request.start_date + timedelta(days=d)
        for link in links:
            p, q = link.from_port, link.to_port
            earliest = ds - EARLY_BOAT_MINUTES + pl.minutes(a, p) + checkin(link)
            deps = link.departures_on(when)
            ok = [t for t in deps
                  if t >= earliest and t + link.duration_min + disembark(link) + pl.minutes(q, b) <= de]
            what = "flight" if link.mode == "flight" else "boat"
            if ok:
                day_opts.extend(Crossing(d, link, t) for t in sorted({ok[0], ok[-1]}))
            elif deps:
                last = max(deps)
                reasons.add(f"{pl.name(b)} cannot be reached on day {d + 1}: last {what} from "
                            f"{pl.name(p)} leaves {hhmm(last)}, earliest arrival at the port "
                            f"{hhmm(earliest - checkin(link))} (+{checkin(link)} min check-in)")
            else:
                reasons.add(f"{pl.name(b)} cannot be reached on day {d + 1}: no {what} "
                            f"{pl.name(p)} → {pl.name(q)} on {when:%a %Y-%m-%d}")
        if not day_opts:
            if not links:
                reasons.add(f"{pl.name(b)} cannot be reached from {pl.name(a)} on day {d + 1}: "
                            "no road and no timetabled link" + ("" if "flight" in pl.request.modes else
                                                                " (modes without \"flight\")"))
            return
        options.append(day_opts)
    yield from (tuple(c) for c in itertools.product(*options))


def crossing_stops(pl: Planning, c: Crossing, at_port: int) -> tuple[Stop, Leg, Stop]:
    """The wait at the departure port (from ``at_port``), the crossing leg, and getting off."""
    lk = c.link
    pa, pb = pl.row(lk.from_port), pl.row(lk.to_port)
    code = lk.code(pl.request.start_date + timedelta(days=c.day), c.depart) if hasattr(lk, "code") else ""
    leg = Leg(lk.from_port, lk.to_port, lk.mode, km_between(pa, pb), float(lk.duration_min),
              pl.dt(c.day, c.depart), pl.dt(c.day, c.arrive),
              name=" ".join(x for x in (lk.operator, code, lk.id) if x),
              fare_vnd=lk.fare_vnd * pl.request.group_size,
              geometry=((pa["lon"], pa["lat"]), (pb["lon"], pb["lat"])), code=code)
    return (place_stop(pl, lk.from_port, c.day, at_port, c.depart, kind="port"), leg,
            place_stop(pl, lk.to_port, c.day, c.arrive, c.ashore, kind="port"))


def island_port(pl: Planning, dest: str) -> str | None:
    """The port of the timetable serving ``dest``: its road place when boats call there, else the
    nearest such port within 5 km (an island with no road of its own)."""
    ports = sorted({p for lk in pl.world.links for p in (lk.from_port, lk.to_port)})
    road = pl.road_id(dest)
    if road in ports:
        return road
    r = pl.row(dest)
    near = min(((km_between(r, pl.row(p)), p) for p in ports), default=None)
    return near[1] if near is not None and near[0] <= 5 else None


def day_trip_reason(pl: Planning, dest: str, day: int = 0) -> str:
    """Why ``dest``, across the water, cannot be a day trip from the tour's start and back on ``day``,
    from the timetable of that date ("" when the boats would allow one)."""
    port = island_port(pl, dest)
    start, end = pl.world.start, pl.world.end
    when = pl.request.start_date + timedelta(days=day)
    if port is None:
        return f"no timetabled boat serves {pl.name(dest)}"
    ds, de = pl.day_start, pl.day_end
    outs = [(t, lk) for lk in pl.world.links if lk.to_port == port and pl.zone(lk.from_port) == pl.zone(start)
            for t in lk.departures_on(when)
            if t >= ds - EARLY_BOAT_MINUTES + pl.minutes(start, lk.from_port) + checkin(lk)]
    backs = [(t, lk) for lk in pl.world.links if lk.from_port == port and pl.zone(lk.to_port) == pl.zone(end)
             for t in lk.departures_on(when)
             if t + lk.duration_min + disembark(lk) + pl.minutes(lk.to_port, end) <= de]
    day_name = f"{when:%a %Y-%m-%d}"
    if not outs:
        return f"no boat to {pl.name(port)} can be caught from {pl.name(start)} on {day_name}"
    if not backs:
        return f"no boat back from {pl.name(port)} reaches {pl.name(end)} by {hhmm(de)} on {day_name}"
    t, lk = min(outs, key=lambda x: x[0] + x[1].duration_min)
    ashore = t + lk.duration_min + disembark(lk)
    visit = int(pl.get(dest, "visit_minutes")) + pl.boat_minutes(dest) * 2
    tb, back = max(backs, key=lambda x: x[0])
    if ashore + visit + checkin(back) <= tb:
        return ""
    return (f"a day trip from {pl.name(start)} to {pl.name(dest)} on {day_name} does not fit the timetable: "
            f"the first boat {pl.name(lk.from_port)} → {pl.name(port)} ({lk.operator}) leaves {hhmm(t)} and "
            f"lands {hhmm(t + lk.duration_min)}; the {visit}-min visit would end at {hhmm(ashore + visit)}, "
            f"after the last boat back ({back.operator}, {hhmm(tb)}, check-in {checkin(back)} min) that "
            f"reaches {pl.name(end)} by {hhmm(de)}")


__all__ = ["Crossing", "CHECKIN_MINUTES", "DISEMBARK_MINUTES", "BAGGAGE_MINUTES", "EARLY_BOAT_MINUTES",
           "LONG_CROSSING_MINUTES", "checkin", "disembark", "needs_crossing", "links_between",
           "crossing_options", "crossing_stops", "island_port", "day_trip_reason"]
