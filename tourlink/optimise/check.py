"""Independent checker: does a finished itinerary keep every rule of its request?

A separate code path from the solver and the planner: it recomputes everything from the
itinerary and the source data (opening hours via :mod:`tourlink.hours`, road minutes from the
travel matrix, boats, ferries and flights from the timetable of :mod:`tourlink.transport`: a
departure valid on that date — weekday and season — and the stated duration), never from the
solver's numbers.
:func:`check` lists every :class:`Violation`; :func:`assert_feasible` raises
:class:`~tourlink.errors.InfeasibleError` with them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from tourlink.errors import InfeasibleError
from tourlink.itinerary import TIMETABLED_MODES, Itinerary
from tourlink.request import TourRequest, minutes_of

#: tolerance on minutes (times are kept to the minute)
TOL = 1.0
#: a day may start this much before day_start when it drives straight to a morning boat
EARLY_BOAT_MINUTES = 90
#: a stop may lie this far (km) from its catalogue place (coordinates rounded in exports)
PLACE_KM = 0.5


@dataclass(frozen=True)
class Violation:
    """A broken rule: which constraint, on which day (1-based, 0 = whole tour), where, what."""

    constraint: str
    day: int
    place: str
    message: str

    def __str__(self) -> str:
        where = f"day {self.day}: " if self.day else ""
        return f"{self.constraint}: {where}{self.message}"


def _minute(t: datetime) -> float:
    return t.hour * 60 + t.minute + t.second / 60


def _span(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 60


def check(itinerary: Itinerary, request: TourRequest, *, catalog: Any = None, matrix: Any = None,
          world: Any = None) -> list[Violation]:
    """Return every rule of ``request`` the itinerary breaks (empty list = feasible).

    Parameters
    ----------
    itinerary, request
        The plan and what it answers.
    catalog
        Places table indexed by id (destinations, lodging, ports) with ``opening_hours``,
        ``visit_minutes``, ``access_port``, ``access_boat_minutes``, ``partner``, ``fee_vnd``.
    matrix
        Road TravelMatrix over those places.
    world
        A :class:`tourlink.optimise.world.World` holding both (and the sea links); loaded from
        the bundled catalog when neither is given.
    """
    from tourlink import hours

    if world is None and (catalog is None or matrix is None):
        from tourlink.optimise.world import load_world
        world = load_world(request)
    places = catalog if catalog is not None else world.places
    mat = matrix if matrix is not None else world.matrix
    links = list(getattr(world, "links", ()) or ())
    out: list[Violation] = []

    def bad(constraint: str, day: int, place: str, message: str) -> None:
        out.append(Violation(constraint, day, place, message))

    def name(pid: str) -> str:
        return str(places.at[pid, "name"]) if pid in places.index else pid

    ds, de = minutes_of(request.day_start), minutes_of(request.day_end)
    dawn = minutes_of(request.dawn_start) if request.dawn else ds
    ls, le, lm = minutes_of(request.lunch_start), minutes_of(request.lunch_end), request.lunch_minutes
    es, ee = minutes_of(request.evening_start), minutes_of(request.evening_end)
    days = itinerary.days
    # ------------------------------------------------------------ days and nights
    if len(days) != request.days:
        bad("days", 0, "", f"{len(days)} days, the request asks for {request.days}")
    for k, d in enumerate(days):
        want = request.start_date + timedelta(days=k)
        if d.date != want or d.index != k + 1:
            bad("days", k + 1, "", f"day {d.index} is dated {d.date}, expected day {k + 1} on {want}")
        if k + 1 < len(days) and d.end.id != days[k + 1].start.id:
            bad("nights", k + 1, d.end.id, f"ends at {d.end.name} but day {k + 2} starts at "
                f"{days[k + 1].start.name}")
        if d.overnight != (k + 1 < len(days)):
            bad("nights", k + 1, d.end.id, "overnight flag wrong")
        if d.overnight and d.end.id in places.index and places.at[d.end.id, "kind"] != "lodging":
            bad("nights", k + 1, d.end.id, f"night at {d.end.name}, which is not a lodging hub")
    if world is not None and days:
        if days[0].start.id != world.start:
            bad("start", 1, days[0].start.id, f"starts at {days[0].start.name}, not {name(world.start)}")
        if days[-1].end.id != world.end:
            bad("end", len(days), days[-1].end.id, f"ends at {days[-1].end.name}, not {name(world.end)}")
    # ------------------------------------------------------------ each day
    seen: dict[str, int] = {}
    for d in days:
        n = d.index
        _check_places(d, places, n, bad)
        located = [d.start] + [s for s in d.stops if s.kind != "lunch"] + [d.end]
        if len(d.legs) != len(located) - 1:
            bad("legs", n, "", f"{len(d.legs)} legs for {len(located)} places in a row")
        for k, leg in enumerate(d.legs[:len(located) - 1]):
            a, b = located[k], located[k + 1]
            if (leg.from_id, leg.to_id) != (a.id, b.id):
                bad("legs", n, leg.from_id, f"leg {leg.from_id}→{leg.to_id} does not join {a.id}→{b.id}")
            if abs(_span(leg.depart, leg.arrive) - leg.minutes) > TOL:
                bad("times", n, leg.from_id, f"leg {name(leg.from_id)}→{name(leg.to_id)} lasts "
                    f"{_span(leg.depart, leg.arrive):.0f} min but says {leg.minutes:.0f}")
            if leg.depart < a.depart - timedelta(minutes=TOL) and k > 0:
                bad("times", n, a.id, f"leaves {a.name} at {leg.depart:%H:%M} before the stop ends "
                    f"{a.depart:%H:%M}")
            if b is not d.end and leg.arrive > b.arrive + timedelta(minutes=TOL):
                bad("times", n, b.id, f"reaches {b.name} at {leg.arrive:%H:%M} after its arrival time "
                    f"{b.arrive:%H:%M}")
            _check_leg(leg, places, mat, links, request, n, bad, name, d.date)
        # order of everything on the day's timeline
        timeline = [(d.start.depart, d.start.depart, d.start.name)]
        for k, s in enumerate(d.stops):
            if s.depart < s.arrive:
                bad("times", n, s.id, f"{s.name} departs {s.depart:%H:%M} before it arrives {s.arrive:%H:%M}")
            wait = d.stops[k - 1] if k else None
            if s.kind == "lunch" and wait is not None and wait.kind in ("port", "place", "lodging") \
                    and wait.arrive <= s.arrive and s.depart <= wait.depart:
                continue  # lunch during a stop: at the pier waiting for the boat, in a town on the way
            timeline.append((s.arrive, s.depart, s.name))
        timeline.append((d.end.arrive, d.end.arrive, d.end.name))
        for (_a1, b1, n1), (a2, _b2, n2) in zip(timeline[:-1], timeline[1:], strict=True):
            if a2 < b1 - timedelta(minutes=TOL):
                bad("times", n, "", f"{n2} at {a2:%H:%M} overlaps {n1} ending {b1:%H:%M}")
        if d.legs and abs(_span(d.legs[-1].arrive, d.end.arrive)) > TOL:
            bad("times", n, d.end.id, f"arrives at {d.end.name} {d.end.arrive:%H:%M}, last leg says "
                f"{d.legs[-1].arrive:%H:%M}")
        # daily window
        visits = [s for s in d.stops if s.kind == "destination"]
        first_boat = bool(visits) and _dawn_site(places, visits[0].id)
        earliest = dawn if first_boat else ds
        if len(d.legs) > 1 and d.legs[0].mode == "road" and d.legs[1].mode in TIMETABLED_MODES:
            earliest = min(earliest, ds - EARLY_BOAT_MINUTES)  # straight to a morning boat
        if _minute(d.start.depart) < earliest - TOL or d.start.depart.date() != d.date:
            bad("daily window", n, d.start.id, f"leaves {d.start.name} at {d.start.depart:%H:%M}, before "
                f"{request.dawn_start if first_boat else request.day_start}")
        # an evening block follows a check-in at the night's hotel: its visits keep the evening window
        inn = next((k for k, s in enumerate(d.stops) if s.kind == "lodging" and s.id == d.end.id
                    and _minute(s.depart) >= es - TOL), None)
        evening = set() if inn is None else {id(s) for s in d.stops[inn + 1:]}
        if inn is not None and (not request.evening or not d.overnight):
            bad("evening", n, d.end.id, "an evening block the request does not ask for (evening = false)")
        back = d.stops[inn].arrive if inn is not None else d.end.arrive
        if _minute(back) > de + TOL or back.date() != d.date:
            late = _minute(back) - de
            bad("daily window", n, d.end.id, f"arrives at {d.end.name} at {back:%H:%M}, "
                f"{late:.0f} min after {request.day_end}")
        if inn is not None and (_minute(d.end.arrive) > ee + TOL or d.end.arrive.date() != d.date):
            bad("daily window", n, d.end.id, f"back from the evening at {d.end.arrive:%H:%M}, after "
                f"{request.evening_end}")
        # visits
        for s in visits:
            seen[s.id] = seen.get(s.id, 0) + 1
            if s.id not in places.index:
                bad("visits", n, s.id, f"{s.name} is not in the catalog")
                continue
            r = places.loc[s.id]
            need = int(r["visit_minutes"])
            start = s.depart - timedelta(minutes=need)
            if start < s.arrive - timedelta(minutes=TOL):
                bad("visits", n, s.id, f"{s.name}: {s.minutes} min, needs {need}")
            lo, hi = _minute(start), _minute(s.depart)
            oh = str(r["opening_hours"] or "24/7")
            wins = hours.windows(oh, d.date)
            if not any(a - TOL <= lo and hi <= b + TOL for a, b in wins):
                shown = ", ".join(f"{_hm(a)}-{_hm(b)}" for a, b in wins) or "closed"
                bad("opening hours", n, s.id, f"{s.name} visited {start:%H:%M}–{s.depart:%H:%M} on "
                    f"{d.date:%a %Y-%m-%d}, open {shown}")
            lo_day, hi_day = (es, ee) if id(s) in evening else (dawn if _dawn_site(places, s.id) else ds, de)
            if lo < lo_day - TOL or hi > hi_day + TOL:
                span = (f"{request.evening_start}–{request.evening_end}" if id(s) in evening
                        else f"{request.day_start}–{request.day_end}")
                bad("daily window", n, s.id, f"{s.name} visited {start:%H:%M}–{s.depart:%H:%M}, "
                    f"outside {span}")
        # lunch
        if lm:
            lunch = [s for s in d.stops if s.kind == "lunch" and s.minutes >= lm - TOL
                     and _minute(s.arrive) >= ls - TOL and _minute(s.depart) <= le + TOL]
            if not lunch:
                bad("lunch", n, "", f"no {lm}-min lunch pause within "
                    f"{request.lunch_start}–{request.lunch_end}")
        road = sum(leg.minutes for leg in d.legs if leg.mode == "road")
        if road > request.max_road_hours * 60 + TOL:
            over = road - request.max_road_hours * 60
            bad("road hours", n, "", f"{road / 60:.2f} h on the road, {over:.0f} "
                f"min over the cap of {request.max_road_hours:g} h")
        if len(visits) > request.pace:
            bad("pace", n, "", f"{len(visits)} visits, more than pace {request.pace}")
    # ------------------------------------------------------------ tour-wide rules
    for pid, k in seen.items():
        if k > 1:
            bad("visits", 0, pid, f"{name(pid)} visited {k} times")
    if world is not None and getattr(world, "candidates", None):
        allowed = set(world.candidates)
        for pid in seen:
            if pid not in allowed:
                bad("visits", 0, pid, f"{name(pid)} is not a destination of the requested partner areas "
                    "(or it is excluded)")
    for m in request.must:
        if m not in seen:
            bad("must", 0, m, f"must-visit {name(m)} is missing")
    for x in request.exclude:
        if x in seen:
            bad("exclude", 0, x, f"excluded {name(x)} is visited")
    k = request.min_stops_per_partner
    partners = [p.name for p in getattr(world, "partners", ())] if world is not None else []
    why = {c.partner: c.reason for c in itinerary.coverage}
    if k and partners:
        for p in partners:
            got = sum(1 for v in seen if v in places.index and places.at[v, "partner"] == p)
            if got < k and (request.strict_coverage or not why.get(p)):
                bad("coverage", 0, p, f"{p} gets {got} stops, needs {k}"
                    + ("" if request.strict_coverage else " and the itinerary does not say why"))
    nights = [d.end.id for d in days if d.overnight]
    for area in request.nights_in:
        key = _fold(area)
        if not any(_fold(str(places.at[h, c])) == key for h in nights if h in places.index
                   for c in ("partner", "province_legacy", "province_2025")):
            bad("nights", 0, area, f"no night in {area}")
    if request.spread_nights and partners and nights:
        counts = [sum(1 for h in nights if h in places.index and places.at[h, "partner"] == p)
                  for p in partners]
        if max(counts) - min(counts) > 1 or sum(counts) < len(nights):
            spread = dict(zip(partners, counts, strict=True))
            bad("nights", 0, "", f"nights not spread across partners: {spread}")
    if request.budget_vnd is not None:
        fees = sum(int(places.at[v, "fee_vnd"]) * seen[v] for v in seen if v in places.index)
        cost = fees * request.group_size + sum(leg.fare_vnd for d in days for leg in d.legs)
        if cost > request.budget_vnd:
            bad("budget", 0, "", f"fees and fares {cost:,} VND, {cost - request.budget_vnd:,} VND over the "
                f"budget of {request.budget_vnd:,} VND")
    return out


def check_itinerary(itinerary: Itinerary, *, world: Any = None) -> list[Violation]:
    """Check ``itinerary`` against the request it carries (the ``request`` of itinerary.json).

    Raises
    ------
    ValidationError
        When the itinerary carries no request or an invalid one.
    """
    from tourlink.errors import ValidationError

    if not itinerary.request:
        raise ValidationError("the itinerary carries no request, so its rules are unknown; plan it with "
                              "`tourlink plan`", source="itinerary")
    request = TourRequest.from_dict(itinerary.request, source="the itinerary's request")
    return check(itinerary, request, world=world)


def assert_feasible(itinerary: Itinerary, request: TourRequest, **kwargs: Any) -> None:
    """Raise InfeasibleError listing every broken rule (see :func:`check`)."""
    problems = check(itinerary, request, **kwargs)
    if problems:
        raise InfeasibleError([str(v) for v in problems])


# ----------------------------------------------------------------------- helpers
def _hm(m: float) -> str:
    m = int(m)
    return f"{m // 60:02d}:{m % 60:02d}"


def _fold(text: str) -> str:
    import unicodedata
    t = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in t if unicodedata.category(c) != "Mn").lower().split())


def _boat_site(places, pid: str) -> bool:
    if pid not in places.index or "access_port" not in places:
        return False
    v = places.at[pid, "access_port"]
    return isinstance(v, str) and bool(v)


def _check_places(d, places, n: int, bad) -> None:
    """Each located stop lies where the catalogue puts it and carries its province."""
    from tourlink.roads import haversine_m

    for s in (d.start, *d.stops, d.end):
        if s.kind == "lunch" or s.id not in places.index:
            continue
        lon, lat = float(places.at[s.id, "lon"]), float(places.at[s.id, "lat"])
        km = haversine_m(s.lon, s.lat, lon, lat) / 1000
        if km > PLACE_KM:
            bad("places", n, s.id, f"{s.name} is at {s.lon:.5f}, {s.lat:.5f}, {km:,.1f} km from where the "
                f"catalogue puts it ({lon:.5f}, {lat:.5f})")
        prov = str(places.at[s.id, "province_legacy"]) if "province_legacy" in places else ""
        if s.province_legacy and prov and s.province_legacy != prov:
            bad("places", n, s.id, f"{s.name} is labelled {s.province_legacy}; the catalogue says {prov}")


def _dawn_site(places, pid: str) -> bool:
    """A floating market reached by boat (a day may start at dawn for it)."""
    if not _boat_site(places, pid) or "themes" not in places:
        return False
    themes = places.at[pid, "themes"]
    return "floating_market" in (themes if isinstance(themes, (tuple, list)) else str(themes).split(";"))


def _departures(link, on) -> tuple[int, ...]:
    """Departures of ``link`` valid on date ``on`` (links without a calendar: every day)."""
    by_date = getattr(link, "departures_on", None)
    return tuple(by_date(on)) if by_date is not None else tuple(link.departures)


def _check_leg(leg, places, mat, links, request: TourRequest, n: int, bad, name, on) -> None:
    if leg.mode == "road":
        if leg.from_id == leg.to_id:
            return
        try:
            i, j = mat.index(leg.from_id), mat.index(leg.to_id)
        except (LookupError, ValueError):
            bad("legs", n, leg.from_id, f"road leg {leg.from_id}→{leg.to_id}: place not in the matrix")
            return
        m = float(np.asarray(mat.minutes)[i, j])
        if not math.isfinite(m) or m >= 10_000:
            bad("sea", n, leg.from_id, f"road leg {name(leg.from_id)}→{name(leg.to_id)} crosses the sea "
                "(no road joins them; take a boat)")
        elif abs(leg.minutes - math.ceil(m - 1e-9)) > TOL:
            bad("legs", n, leg.from_id, f"road leg {name(leg.from_id)}→{name(leg.to_id)} takes "
                f"{leg.minutes:.0f} min, the road network says {m:.0f}")
        return
    if leg.mode == "boat":  # river boat to a site reached from its pier
        for site, pier in ((leg.to_id, leg.from_id), (leg.from_id, leg.to_id)):
            if _boat_site(places, site) and places.at[site, "access_port"] == pier:
                want = int(places.at[site, "access_boat_minutes"])
                if abs(leg.minutes - want) > TOL:
                    bad("boat", n, site, f"boat to {name(site)} takes {leg.minutes:.0f} min, expected {want}")
                return
    if leg.mode in TIMETABLED_MODES:
        dep = leg.depart.hour * 60 + leg.depart.minute
        match = [lk for lk in links if lk.from_port == leg.from_id and lk.to_port == leg.to_id
                 and lk.mode == leg.mode]
        if not match:
            bad("timetable", n, leg.from_id, f"no {leg.mode} from {name(leg.from_id)} to "
                f"{name(leg.to_id)} in the timetable")
            return
        named = [lk for lk in match if leg.name.split()[-1:] == [lk.id]] or match
        ok = [lk for lk in named if dep in _departures(lk, on) and abs(lk.duration_min - leg.minutes) <= TOL]
        if not ok:
            deps = sorted({t for lk in named for t in _departures(lk, on)})
            bad("timetable", n, leg.from_id, f"{leg.mode} {name(leg.from_id)}→{name(leg.to_id)} at "
                f"{leg.depart:%H:%M} ({leg.minutes:.0f} min) matches no departure on {on:%a %Y-%m-%d} "
                f"({', '.join(_hm(t) for t in deps) or 'none that day'}; "
                f"{named[0].duration_min} min)")
        elif leg.fare_vnd != ok[0].fare_vnd * request.group_size:
            bad("budget", n, leg.from_id, f"fare {leg.fare_vnd:,} VND, timetable says "
                f"{ok[0].fare_vnd * request.group_size:,} for {request.group_size} people")
        return
    bad("legs", n, leg.from_id, f"unknown leg mode {leg.mode!r}")


__all__ = ["Violation", "check", "check_itinerary", "assert_feasible"]
