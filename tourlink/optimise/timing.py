"""Day timing: the solver's visit order of each day turned into timed stops and legs.

Each day is timed exactly from the place it starts: the departure as late as the first visit
allows (at dawn only for a floating market), a drive to each visit, the boat to a floating
market from its pier, the lunch pause at the boundary that ends the segment earliest (or on
board / at the port when a crossing covers the lunch window), the crossing with its wait at
the port. A day that breaks a rule (a window missed because of the lunch pause, pace, the
road-hours cap) is repaired by dropping the visit whose loss costs least; a budget over the
cap drops the paid visit worth least per đồng.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tourlink.errors import InfeasibleError
from tourlink.itinerary import TZ, Leg, Stop
from tourlink.optimise.build import Copy
from tourlink.optimise.crossings import Crossing, crossing_stops
from tourlink.optimise.days import Plan, Segment
from tourlink.optimise.planning import Planning
from tourlink.optimise.problem import Problem, Solution
from tourlink.optimise.stops import boat_leg, dest_stop, lunch_stop, place_stop, road_leg
from tourlink.optimise.world import NO_ROAD
from tourlink.request import hhmm


@dataclass
class Timed:
    """One timed day: stops (incl. ports and lunch) and legs, and the visits kept."""

    stops: list[Stop]
    legs: list[Leg]
    start_depart: datetime
    end_arrive: datetime
    visits: list[str]


class Broken(Exception):
    """A day that cannot be timed as given (the message says why)."""


def time_days(pl: Planning, p: Plan, problem: Problem, copies: list[Copy],
              sol: Solution) -> tuple[list[Timed], dict[str, str]]:
    """Timed days of a solution: lunch inserted, broken visits dropped; pace, road and budget caps.

    Returns the days and, for every visit dropped, the reason.
    """
    request = pl.request
    per_seg: dict[int, list[str]] = {k: [] for k in range(len(p.segments))}
    for r in sol.routes:
        per_seg[r.vehicle] = [copies[c].dest for c in r.clients]
    removed: dict[str, str] = {}
    out: list[Timed] = []
    lists_of: list[list[list[str]]] = []
    for day in range(request.days):
        timed, lists = time_repaired(pl, p, day, [list(per_seg[k]) for k in p.day_segments(day)], removed)
        out.append(timed)
        lists_of.append(lists)
    budget = request.budget_vnd
    while budget is not None:
        fees = sum(int(pl.row(v)["fee_vnd"]) for d in out for v in d.visits) * request.group_size
        fares = sum(leg.fare_vnd for d in out for leg in d.legs)
        if fees + fares <= budget:
            break
        pool = [(v, day) for day, d in enumerate(out) for v in d.visits
                if int(pl.row(v)["fee_vnd"]) > 0 and v not in request.must]
        if fares > budget or not pool:
            raise InfeasibleError(f"budget: fees {fees:,} VND + fares {fares:,} VND for {request.group_size} "
                                  f"people are {fees + fares - budget:,} VND over the budget of "
                                  f"{budget:,} VND")

        def worth(x: tuple[str, int]) -> tuple[float, str]:
            return pl.prize(x[0]) / int(pl.row(x[0])["fee_vnd"]), x[0]
        victim, day = min(pool, key=worth)
        removed[victim] = "budget: its fee would break the budget"
        lists = [[v for v in ls if v != victim] for ls in lists_of[day]]
        out[day], lists_of[day] = time_repaired(pl, p, day, lists, removed)
    return out, removed


def time_repaired(pl: Planning, p: Plan, day: int, lists: list[list[str]],
                  removed: dict[str, str]) -> tuple[Timed, list[list[str]]]:
    """Time one day, dropping the cheapest visit until the day keeps every rule."""
    segs = [p.segments[k] for k in p.day_segments(day)]
    crossing = p.crossing_on(day)
    while True:
        try:
            timed = time_day(pl, day, segs, lists, crossing)
        except Broken as exc:
            timed, why = None, str(exc)
        else:
            why = day_limits(pl, timed)
        if not why:
            return timed, lists
        victim = cheapest(pl, lists, road=why.endswith(_ROAD_MARK), segs=segs)
        if victim is None:
            raise InfeasibleError(f"day {day + 1}: {why}")
        removed[victim] = f"time: {why}"
        lists = [[v for v in ls if v != victim] for ls in lists]


_ROAD_MARK = "h on the road cap"


def cheapest(pl: Planning, lists: list[list[str]], *, road: bool = False,
             segs: list[Segment] | None = None) -> str | None:
    """The visit to drop first (never a must-visit): lowest prize, or when the road cap is broken,
    lowest prize per road minute saved."""
    pool = [v for ls in lists for v in ls if v not in pl.request.must]
    if not pool:
        return None
    if not road or segs is None:
        return min(pool, key=lambda v: (pl.prize(v), v))
    saved: dict[str, int] = {}
    for s, ls in zip(segs, lists, strict=True):
        chain = [s.start, *[pl.road_id(v) for v in ls], s.end]
        for k, v in enumerate(ls):
            a, b, c = chain[k], chain[k + 1], chain[k + 2]
            saved[v] = pl.minutes(a, b) + pl.minutes(b, c) - pl.minutes(a, c)
    return min(pool, key=lambda v: (pl.prize(v) / max(1, saved.get(v, 0)), v))


def day_limits(pl: Planning, t: Timed) -> str:
    """What a timed day breaks of pace and the road-hours cap ("" when nothing)."""
    request = pl.request
    if len(t.visits) > request.pace:
        return f"{len(t.visits)} visits, more than pace {request.pace}"
    road = sum(leg.minutes for leg in t.legs if leg.mode == "road")
    if road > request.max_road_hours * 60:
        return f"{road / 60:.1f} h on the road, over the {request.max_road_hours:g} {_ROAD_MARK}"
    return ""


def time_day(pl: Planning, day: int, segs: list[Segment], lists: list[list[str]],
             crossing: Crossing | None) -> Timed:
    """The timed day of the visit lists of its segments; raise :class:`Broken` when it cannot be."""
    lm = pl.lunch_minutes
    lunch_done = lm == 0
    stops: list[Stop] = []
    legs: list[Leg] = []
    start_depart = end_arrive = None
    for i, (s, dests) in enumerate(zip(segs, lists, strict=True)):
        first_seg = i == 0
        if first_seg and crossing is not None and not dests:
            t0 = max(s.early, s.late - pl.minutes(s.start, s.end) - (lm if s.lunch else 0))
        elif first_seg:
            t0 = best_departure(pl, s, dests)
        else:
            t0 = s.early
        if s.lunch and not lunch_done:
            ev = _with_lunch(pl, day, s, dests, t0)
            lunch_done = ev is not None
        else:
            ev = None
        if ev is None:
            ev = time_segment(pl, day, s, dests, t0, None)
        seg_stops, seg_legs, dep, arr = ev
        if first_seg:
            start_depart = dep
        stops.extend(seg_stops)
        legs.extend(seg_legs)
        if crossing is not None and i == 0:
            if arr > crossing.board_by:
                raise Broken(f"misses the {hhmm(crossing.depart)} boat at {pl.name(crossing.link.from_port)}")
            wait, leg, ashore = crossing_stops(pl, crossing, arr)
            stops.extend((wait, ashore))
            legs.append(leg)
        end_arrive = arr
    if not lunch_done and onboard_minutes(pl, stops, legs) < lm:
        raise Broken("no time for the lunch pause")
    if end_arrive > segs[-1].late:
        raise Broken(f"arrives at {pl.name(segs[-1].end)} at {hhmm(end_arrive)}, after {hhmm(segs[-1].late)}")
    visits = [x for ls_ in lists for x in ls_]
    return Timed(stops, legs, pl.dt(day, start_depart), pl.dt(day, end_arrive), visits)


def onboard_minutes(pl: Planning, stops: list[Stop], legs: list[Leg]) -> int:
    """Minutes of the lunch window spent waiting at a sea port or on a boat (lunch on board)."""
    if not stops:
        return 0
    day = stops[0].arrive.date()
    midnight = datetime.combine(day, datetime.min.time(), tzinfo=TZ)
    lo = midnight + timedelta(minutes=pl.lunch_start)
    hi = midnight + timedelta(minutes=pl.lunch_end)
    spans = [(s.arrive, s.depart) for s in stops if s.kind == "port"]
    spans += [(leg.depart, leg.arrive) for leg in legs if leg.mode in ("fast_boat", "car_ferry", "flight")]
    total = sum(max(0.0, (min(b, hi) - max(a, lo)).total_seconds() / 60) for a, b in spans)
    return int(total)


def best_departure(pl: Planning, s: Segment, dests: list[str]) -> int:
    """Leave the day's first place as late as the first visit allows (dawn only for a market)."""
    if not dests:
        return s.early
    first = dests[0]
    boat = pl.boat_minutes(first)
    travel = pl.minutes(s.start, pl.road_id(first))
    earliest = pl.dawn_start if s.dawn and pl.dawn_site(first) else s.early
    for e, late in pl.windows(first, s.day):
        arrive_site = earliest + travel + boat
        if arrive_site <= late:
            return max(earliest, e - boat - travel)
    return s.early


def _with_lunch(pl: Planning, day: int, s: Segment, dests: list[str], t0: int):
    """The segment timed with the lunch pause at the boundary that ends it earliest (None if none fits)."""
    best = None
    for k in range(len(dests) + 1):
        try:
            ev = time_segment(pl, day, s, dests, t0, k)
        except Broken:
            continue
        if ev[3] <= s.late and (best is None or ev[3] < best[3]):
            best = ev
    return best


def time_segment(pl: Planning, day: int, s: Segment, dests: list[str], t0: int, lunch_k: int | None):
    """Stops and legs of a segment leaving ``s.start`` at ``t0``, with the lunch pause (if
    ``lunch_k`` is not None) before the ``lunch_k``-th leg; raise Broken if a visit misses its hours.

    Returns ``(stops, legs, departure, arrival)``.
    """
    ls, le, lm = pl.lunch_start, pl.lunch_end, pl.lunch_minutes
    stops: list[Stop] = []
    legs: list[Leg] = []
    t = t0
    here = s.start
    chain = list(dests) + [None]
    for idx, nxt in enumerate(chain):
        target = s.end if nxt is None else pl.road_id(nxt)
        drive = pl.minutes(here, target)
        if drive >= NO_ROAD:
            raise Broken(f"no road from {pl.name(here)} to {pl.name(target)}")
        if idx == lunch_k:
            start_l = max(t, ls)
            if start_l + lm > le:
                raise Broken("no time for the lunch pause")
            stops.append(lunch_stop(pl, here, day, start_l, start_l + lm))
            t = start_l + lm
        legs.append(road_leg(pl, here, target, day, t, t + drive))
        t += drive
        if nxt is None:
            break
        boat = pl.boat_minutes(nxt)
        visit_start = visit_start_at(pl, day, nxt, t)
        if visit_start is None:
            raise Broken(f"{pl.name(nxt)} is closed when the group arrives at {hhmm(t + boat)}")
        visit = int(pl.get(nxt, "visit_minutes"))
        if boat:
            pier = target
            bs = visit_start - boat
            stops.append(place_stop(pl, pier, day, t, bs, kind="port"))
            legs.append(boat_leg(pl, pier, nxt, day, bs, visit_start))
            back = visit_start + visit
            stops.append(dest_stop(pl, nxt, day, visit_start, back))
            legs.append(boat_leg(pl, nxt, pier, day, back, back + boat))
            t = back + boat
            stops.append(place_stop(pl, pier, day, t, t, kind="port"))
        else:
            stops.append(dest_stop(pl, nxt, day, t, visit_start + visit))
            t = visit_start + visit
        here = target
    return stops, legs, t0, t


def visit_start_at(pl: Planning, day: int, dest: str, arrive_road: int) -> int | None:
    """When the visit of ``dest`` starts for a group reaching its road place at ``arrive_road``
    (None when no opening window is left)."""
    boat = pl.boat_minutes(dest)
    for e, late in pl.windows(dest, day):
        vs = max(arrive_road + boat, e)
        if vs <= late:
            return vs
    return None


__all__ = ["Timed", "Broken", "time_days", "time_repaired", "time_day", "time_segment", "best_departure",
           "onboard_minutes", "day_limits", "cheapest", "visit_start_at"]
