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

import contextlib
import itertools
from dataclasses import dataclass, replace
from datetime import datetime

from tourlink.errors import InfeasibleError
from tourlink.itinerary import Leg, Stop
from tourlink.optimise.build import Copy
from tourlink.optimise.crossings import Crossing, crossing_stops
from tourlink.optimise.days import Plan, Segment, lunch_on_board
from tourlink.optimise.planning import Planning
from tourlink.optimise.problem import Solution
from tourlink.optimise.stops import boat_leg, dest_stop, lunch_stop, place_stop, road_leg
from tourlink.optimise.world import NO_ROAD
from tourlink.request import hhmm


@dataclass(frozen=True)
class Lunch:
    """The lunch pause in a segment's plan, where the solver put it (a road place)."""

    place: str


Item = str | Lunch  # a destination id to visit, or the lunch pause


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


def visits_of(items: list[Item]) -> list[str]:
    """The destinations of a segment's plan (no lunch)."""
    return [x for x in items if isinstance(x, str)]


def day_plans(p: Plan, copies: list[Copy], sol: Solution) -> tuple[list[list[list[Item]]], list[int | None]]:
    """What the solver planned: per day, per segment, the visits and the lunch in order; and per
    day, when the solver leaves the day's first place (minutes after midnight)."""
    per_seg: dict[int, list[Item]] = {k: [] for k in range(len(p.parts))}
    leave: dict[int, int] = {}
    for r in sol.routes:
        per_seg[r.vehicle] = [copies[c].dest or Lunch(copies[c].place) for c in r.clients]
        leave[r.vehicle] = r.depart % 1440
    days = 1 + max((s.day for s in p.segments), default=0)
    plans = [[list(per_seg[k]) for k in p.day_segments(d)] for d in range(days)]
    return plans, [leave.get(p.day_segments(d)[0]) if p.day_segments(d) else None for d in range(days)]


def time_days(pl: Planning, p: Plan, plans: list[list[list[Item]]], leave: list[int | None] | None = None
              ) -> tuple[list[Timed], list[list[list[Item]]], dict[str, str]]:
    """Timed days of ``plans`` (see :func:`day_plans`; ``leave``: the solver's departure of each
    day): broken visits dropped; pace, road and budget caps.

    Returns the days, the plans they keep, and for every visit dropped, the reason.
    """
    request = pl.request
    removed: dict[str, str] = {}
    out: list[Timed] = []
    lists_of: list[list[list[Item]]] = []
    for day in range(request.days):
        timed, lists = time_repaired(pl, p, day, plans[day], removed, leave=leave[day] if leave else None)
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
    return out, lists_of, removed


def time_repaired(pl: Planning, p: Plan, day: int, lists: list[list[Item]], removed: dict[str, str], *,
                  leave: int | None = None) -> tuple[Timed, list[list[Item]]]:
    """Time one day, dropping the cheapest visit until the day keeps every rule."""
    segs = [p.parts[k] for k in p.day_segments(day)]
    crossing = p.crossing_on(day)
    while True:
        try:
            timed = time_day(pl, day, segs, lists, crossing, leave=leave)
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


def cheapest(pl: Planning, lists: list[list[Item]], *, road: bool = False,
             segs: list[Segment] | None = None) -> str | None:
    """The visit to drop first (never a must-visit): lowest value, or when the road cap is broken,
    lowest value per road minute saved."""
    pool = [v for ls in lists for v in visits_of(ls) if v not in pl.request.must]
    if not pool:
        return None
    if not road or segs is None:
        return min(pool, key=lambda v: (pl.value(v), v))
    saved: dict[str, int] = {}
    for s, items in zip(segs, lists, strict=True):
        ls = visits_of(items)
        chain = [s.start, *[pl.road_id(v) for v in ls], s.end]
        for k, v in enumerate(ls):
            a, b, c = chain[k], chain[k + 1], chain[k + 2]
            saved[v] = pl.minutes(a, b) + pl.minutes(b, c) - pl.minutes(a, c)
    return min(pool, key=lambda v: (pl.value(v) / max(1, saved.get(v, 0)), v))


def day_limits(pl: Planning, t: Timed) -> str:
    """What a timed day breaks of pace and the road-hours cap ("" when nothing)."""
    request = pl.request
    if len(t.visits) > request.pace:
        return f"{len(t.visits)} visits, more than pace {request.pace}"
    road = sum(leg.minutes for leg in t.legs if leg.mode == "road")
    if road > request.max_road_hours * 60:
        return f"{road / 60:.1f} h on the road, over the {request.max_road_hours:g} {_ROAD_MARK}"
    return ""


def time_day(pl: Planning, day: int, segs: list[Segment], lists: list[list[Item]],
             crossing: Crossing | None, *, leave: int | None = None) -> Timed:
    """The timed day of the plans of its segments; raise :class:`Broken` when it cannot be timed.

    The day leaves its first place when the solver left (``leave``), or else as late as the
    first visit allows; then later still if the group would only wait at its first stop.
    """
    lm = pl.lunch_minutes
    stops: list[Stop] = []
    legs: list[Leg] = []
    start_depart = end_arrive = None
    for i, (s, items) in enumerate(zip(segs, lists, strict=True)):
        if s.evening:
            if visits_of(items):
                end_arrive = _evening(pl, day, s, visits_of(items), end_arrive, stops, legs)
            continue
        first_seg = i == 0
        has_lunch = any(isinstance(x, Lunch) for x in items)
        if first_seg and crossing is not None and not visits_of(items):
            t0 = max(s.early, s.late - pl.minutes(s.start, s.end) - (lm if has_lunch else 0))
        elif first_seg:
            t0 = best_departure(pl, s, visits_of(items))
        else:
            t0 = s.early
        port_end = crossing is not None and i == 0
        try:
            ev = None
            dawn_first = bool(visits_of(items)) and pl.dawn_site(visits_of(items)[0])
            if first_seg and leave is not None and leave != t0 and (leave >= s.early or dawn_first):
                with contextlib.suppress(Broken):
                    ev = time_segment(pl, day, s, items, leave, port_end=port_end)
            if ev is None:
                ev = time_segment(pl, day, s, items, t0, port_end=port_end)
            if first_seg and (idle := _idle_start(ev)) > 0:  # leave later rather than wait
                with contextlib.suppress(Broken):
                    later = time_segment(pl, day, s, items, ev[2] + idle, port_end=port_end)
                    ev = later if later[3] <= ev[3] else ev
        except Broken:
            if not has_lunch:
                raise
            ev = _lunch_anywhere(pl, day, s, visits_of(items), t0)  # where the solver put it breaks
        if port_end and first_seg and _ready(ev) < crossing.board_by:  # reach the port no earlier than needed
            with contextlib.suppress(Broken):
                later = time_segment(pl, day, s, items, ev[2] + crossing.board_by - _ready(ev), port_end=True)
                ev = later if _ready(later) <= crossing.board_by else ev
        if port_end and ev[4] is None and has_lunch and crossing.board_by - ev[3] >= lm:
            # the group would wait at the pier: lunch there, while waiting for the boat
            with contextlib.suppress(Broken):
                pier = time_segment(pl, day, s, [*visits_of(items), Lunch(s.end)], ev[2], port_end=True)
                ev = pier if pier[4] is not None and _ready(pier) <= crossing.board_by else ev
        if _zigzag(pl, visits_of(items)):  # the solver's order crosses back into a province
            ev = _untangled(pl, day, s, items, ev, port_end=port_end,
                            by=crossing.board_by if port_end else s.late) or ev
        seg_stops, seg_legs, dep, arr, pier_lunch = ev
        if first_seg:
            start_depart = dep
        stops.extend(seg_stops)
        legs.extend(seg_legs)
        if crossing is not None and i == 0:
            if _ready(ev) > crossing.board_by:
                raise Broken(f"misses the {hhmm(crossing.depart)} boat at {pl.name(crossing.link.from_port)}")
            wait, leg, ashore = crossing_stops(pl, crossing, arr)
            stops.append(wait)
            if pier_lunch is not None:  # lunch at the pier while waiting for the boat
                stops.append(lunch_stop(pl, crossing.link.from_port, day, *pier_lunch))
            on_board = lunch_on_board(pl, crossing)
            if on_board and not any(x.kind == "lunch" for x in stops):
                stops.append(replace(lunch_stop(pl, crossing.link.from_port, day, *on_board),
                                     name=f"Lunch on board ({leg.name or leg.mode.replace('_', ' ')})",
                                     name_en="Lunch on board"))
            stops.append(ashore)
            legs.append(leg)
        end_arrive = arr
        if not (i + 1 < len(segs) and not segs[i + 1].evening) and arr > s.late:
            raise Broken(f"arrives at {pl.name(s.end)} at {hhmm(arr)}, after {hhmm(s.late)}")
    if lm and not any(x.kind == "lunch" for x in stops):
        raise Broken("no time for the lunch pause")

    visits = [x for items in lists for x in visits_of(items)]
    return Timed(stops, legs, pl.dt(day, start_depart), pl.dt(day, end_arrive), visits)


def _evening(pl: Planning, day: int, s: Segment, dests: list[str], back: int, stops: list[Stop],
             legs: list[Leg]) -> int:
    """Append the evening block (check-in at the hotel, then the evening visit and back) to a day
    that reached its hotel at ``back``; return when the group is back at the hotel."""
    if back > s.early:
        raise Broken(f"back at {pl.name(s.start)} at {hhmm(back)}, after the evening starts")
    first = dests[0]
    travel = pl.minutes(s.start, pl.road_id(first))
    wins = [e for e, late in pl.evening_windows(first, s.day) if s.early + travel <= late]
    if not wins:
        raise Broken(f"{pl.name(first)} is not open in the evening")
    t0 = max(s.early, wins[0] - travel)
    ev = time_segment(pl, day, s, dests, t0)
    if ev[3] > s.late:
        raise Broken(f"back from the evening at {hhmm(ev[3])}, after {hhmm(s.late)}")
    stops.append(place_stop(pl, s.start, day, back, t0, kind="lodging"))
    stops.extend(ev[0])
    legs.extend(ev[1])
    return ev[3]


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


#: road minutes a day may add to keep each province's visits together
UNTANGLE_MINUTES = 45


def _zigzag(pl: Planning, dests: list[str]) -> bool:
    """Whether the visits leave a province and come back to it (a site reached by boat counts where
    the coach waits: its pier's province)."""
    seq: list[str] = []
    for d in dests:
        p = pl.province(pl.road_id(d))
        if not seq or seq[-1] != p:
            seq.append(p)
    return len(seq) != len(set(seq))


def province_runs(pl: Planning, visits: list[str]) -> list[tuple[str, list[str]]]:
    """A day's visits in runs of one province each, in order (a province twice: the day crosses back)."""
    runs: list[tuple[str, list[str]]] = []
    for v in visits:
        p = pl.province(pl.road_id(v))
        if runs and runs[-1][0] == p:
            runs[-1][1].append(v)
        else:
            runs.append((p, [v]))
    return runs


def zigzag_bans(pl: Planning, days: list[Timed], keep: frozenset[str], sole: frozenset[str] = frozenset(),
                *, strict: bool = True) -> frozenset[tuple[str, int]]:
    """(visit, day) pairs to ban where a timed day still crosses back into a province: of the runs
    between the province's two visits (and the return itself), the one of least value — runs
    without a visit in ``keep`` (must-visits, coverage stops) first, then without a ``sole`` visit
    (a partner's only stop). ``strict``: never a run holding a ``keep`` visit (the caller drops
    what is banned); else such a run as a last resort (the caller moves it to another day)."""
    out: set[tuple[str, int]] = set()
    for d, t in enumerate(days):
        runs = province_runs(pl, t.visits)
        for i, (p, vs) in enumerate(runs):
            first = next((j for j in range(i) if runs[j][0] == p), None)
            if first is None:
                continue
            options = [r for _p, r in runs[first + 1:i]] + [vs]
            if strict:
                options = [r for r in options if not keep & set(r)]
            if options:
                drop = min(options, key=lambda r: (bool(keep & set(r)), bool(sole & set(r)),
                                                   sum(pl.value(x) for x in r), r))
                out |= {(x, d) for x in drop}
            break
    return frozenset(out)


def _untangled(pl: Planning, day: int, s: Segment, items: list[Item], ev, *, port_end: bool, by: int):
    """The segment timed with its visits reordered so that each province's visits are together (the
    lunch keeps its place in the order), when that costs at most ``UNTANGLE_MINUTES`` more road;
    None when no such order fits."""
    dests = visits_of(items)
    if len(dests) > 6:
        return None
    slots = [i for i, x in enumerate(items) if isinstance(x, str)]
    road = sum(leg.minutes for leg in ev[1] if leg.mode == "road")
    best = None
    for order in itertools.permutations(dests):
        if order == tuple(dests) or _zigzag(pl, list(order)):
            continue
        trial = [x if isinstance(x, str) else Lunch("") for x in items]  # lunch where the group is
        for i, d in zip(slots, order, strict=True):
            trial[i] = d
        for t0 in dict.fromkeys((ev[2], s.early)):  # the solver's departure, else the day's start
            try:
                got = time_segment(pl, day, s, trial, t0, port_end=port_end)
            except Broken:
                continue
            extra = sum(leg.minutes for leg in got[1] if leg.mode == "road") - road
            if _ready(got) <= by and extra <= UNTANGLE_MINUTES and (best is None or extra < best[0]):
                best = (extra, got)
                break
    return None if best is None else best[1]


def _ready(ev) -> int:
    """When the group of a timed segment is ready to leave its end: on arrival, or after a lunch
    taken there (at the pier)."""
    return ev[3] if ev[4] is None else max(ev[3], ev[4][1])


def _idle_start(ev) -> int:
    """Minutes the group would wait at the first stop of a timed segment (for the place to open,
    for the boat to the site, or for the lunch hour), which a later departure saves."""
    stops, legs, t0 = ev[0], ev[1], ev[2]
    if not stops:
        return 0
    first = stops[0]
    if first.kind == "lunch":
        came = _minute(legs[0].arrive) if legs and legs[0].arrive <= first.arrive else t0
        ready = _minute(first.arrive)
    elif first.kind == "destination":
        came, ready = _minute(first.arrive), _minute(first.depart) - first.visit_minutes
    elif first.kind == "port" and len(legs) > 1 and legs[1].mode == "boat":
        came, ready = _minute(first.arrive), _minute(first.depart)
    else:
        return 0
    return max(0, ready - came)


def _minute(t: datetime) -> int:
    return t.hour * 60 + t.minute


def _lunch_anywhere(pl: Planning, day: int, s: Segment, dests: list[str], t0: int):
    """The segment timed with the lunch pause after the visit that makes it end earliest."""
    best = None
    for k in range(len(dests) + 1):
        items: list[Item] = [*dests[:k], Lunch(""), *dests[k:]]
        try:
            ev = time_segment(pl, day, s, items, t0)
        except Broken:
            continue
        if ev[3] <= s.late and (best is None or ev[3] < best[3]):
            best = ev
    if best is None:
        raise Broken("no time for the lunch pause")
    return best


def time_segment(pl: Planning, day: int, s: Segment, items: list[Item], t0: int, *, port_end: bool = False):
    """Stops and legs of a segment leaving ``s.start`` at ``t0`` with its visits and lunch in order;
    raise Broken if a visit misses its hours or the lunch its window.

    The lunch pause is taken where the solver put it: at the place just left, on arrival at the
    next place when that is where it is (the next visit, or the port of a crossing,
    ``port_end``), or at a place of its own on the way (a town: a stop there holds the pause).
    Returns ``(stops, legs, departure, arrival, pier_lunch)``; ``pier_lunch`` is the (start, end)
    of a lunch taken at the port of a crossing on arrival (the day puts it in the wait there).
    """
    stops: list[Stop] = []
    legs: list[Leg] = []
    t = t0
    here = s.start
    chain: list[Item | None] = [*items, None]
    on_arrival = False
    for idx, nxt in enumerate(chain):
        if isinstance(nxt, Lunch):
            after = next((x for x in chain[idx + 1:] if not isinstance(x, Lunch)), None)
            ahead = (s.end if port_end else None) if after is None else pl.road_id(after)
            if not nxt.place or nxt.place == here:
                t = _lunch(pl, day, here, t, stops)
            elif nxt.place == ahead:
                on_arrival = True
            else:  # lunch in a town or at a place off the visits: drive there, stop, lunch
                drive = pl.minutes(here, nxt.place)
                legs.append(road_leg(pl, here, nxt.place, day, t, t + drive))
                t += drive
                here = nxt.place
                at = len(stops)
                end = _lunch(pl, day, here, t, stops)
                stop = place_stop(pl, here, day, t, end, kind=_place_kind(pl, here))
                if stop.kind == "place":  # a place the group does not visit: only lunch there
                    stop = replace(stop, name=f"Lunch stop near {stop.name}", name_en="Lunch stop")
                stops.insert(at, stop)
                t = end
            continue
        target = s.end if nxt is None else pl.road_id(nxt)
        drive = pl.minutes(here, target)
        if drive >= NO_ROAD:
            raise Broken(f"no road from {pl.name(here)} to {pl.name(target)}")
        legs.append(road_leg(pl, here, target, day, t, t + drive))
        t += drive
        here = target
        if on_arrival and nxt is None:  # at the port: lunch during the wait for the boat
            start = max(t, pl.lunch_start)
            if start + pl.lunch_minutes > pl.lunch_end:
                raise Broken("no time for the lunch pause")
            return stops, legs, t0, t, (start, start + pl.lunch_minutes)
        if on_arrival:
            t = _lunch(pl, day, here, t, stops)
            on_arrival = False
        if nxt is None:
            break
        boat = pl.boat_minutes(nxt)
        visit_start = visit_start_at(pl, day, nxt, t, evening=s.evening)
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
    return stops, legs, t0, t, None


def _place_kind(pl: Planning, pid: str) -> str:
    k = str(pl.get(pid, "kind"))
    return k if k in ("lodging", "port") else "place"


def _lunch(pl: Planning, day: int, place: str, t: int, stops: list[Stop]) -> int:
    """Append the lunch pause at ``place`` from ``t`` (or the window's start); return its end."""
    start = max(t, pl.lunch_start)
    if start + pl.lunch_minutes > pl.lunch_end:
        raise Broken("no time for the lunch pause")
    stops.append(lunch_stop(pl, place, day, start, start + pl.lunch_minutes))
    return start + pl.lunch_minutes


def visit_start_at(pl: Planning, day: int, dest: str, arrive_road: int, *,
                   evening: bool = False) -> int | None:
    """When the visit of ``dest`` starts for a group reaching its road place at ``arrive_road``
    (None when no opening window is left); ``evening``: in the evening block."""
    boat = pl.boat_minutes(dest)
    for e, late in (pl.evening_windows(dest, day) if evening else pl.windows(dest, day)):
        vs = max(arrive_road + boat, e)
        if vs <= late:
            return vs
    return None


__all__ = ["Timed", "Broken", "Lunch", "zigzag_bans", "province_runs", "day_plans", "time_days",
           "time_repaired", "time_day", "time_segment",
           "best_departure", "day_limits", "cheapest", "visit_start_at", "visits_of"]
