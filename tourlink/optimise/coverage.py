"""Partner coverage: which partner areas lack stops, which stop to force in for each, and why not.

A linkage tour exists to show every partner: by default each partner legacy area gets
``min_stops_per_partner`` stops when the days allow. The planner solves, times the days, and
asks :func:`uncovered`; every partner below the rule that :func:`best_reachable` finds a stop for
gets a required group of its stops (:func:`~tourlink.optimise.build.cover_groups`: the solver
picks which, and on which day) and the plan is solved again; should that stop be lost in the
timing, the stop :func:`best_reachable` picks (best value for the minutes it costs) is forced
in. A partner the tour cannot serve gets a reason instead (:func:`why_uncovered`: no
destination, closed, across the sea, beyond a day's drive, no room left), shown in the
itinerary's coverage — unless the request's ``strict_coverage`` makes that an error.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from tourlink.optimise import variety
from tourlink.optimise.build import DAY_MINUTE_COST, ROAD_MINUTE_COST, Copy, off_line
from tourlink.optimise.days import Plan, Segment
from tourlink.optimise.planning import Planning
from tourlink.optimise.world import NO_ROAD

if TYPE_CHECKING:
    from tourlink.optimise.timing import Timed


def uncovered(pl: Planning, visited: list[str]) -> list[str]:
    """Partners with fewer than ``min_stops_per_partner`` of ``visited`` (none when the rule is off)."""
    k = pl.request.min_stops_per_partner
    if not k:
        return []
    stops = Counter(pl.get(v, "partner") for v in visited)
    return [p.name for p in pl.world.partners if stops[p.name] < k]


def sole(pl: Planning, visited: list[str]) -> frozenset[str]:
    """The visits a partner cannot lose without falling below ``min_stops_per_partner``."""
    k = pl.request.min_stops_per_partner
    mine: dict[str, list[str]] = {}
    for v in visited:
        mine.setdefault(pl.get(v, "partner"), []).append(v)
    return frozenset(v for vs in mine.values() if len(vs) <= k for v in vs)


def best_reachable(pl: Planning, copies: list[Copy], partner: str, taken: set[str], p: Plan,
                   days: list[Timed]) -> str | None:
    """The partner's stop to force in: best value minus what its minutes cost (visit + cheapest
    detour from the planned days' places), never a second part of a site or kind group already in
    the tour; None when no day can reach one."""
    group = variety.groups(pl)
    def reach(dest: str) -> set[int]:  # segments that could take the visit (shortlist or not)
        return {k for k, s in enumerate(p.segments) if fits(pl, dest, s)}
    taken_groups = {group[t] for t in taken if t in group}
    where = {d: reach(d) for d in pl.world.candidates if pl.get(d, "partner") == partner and d not in taken
             and group[d] not in taken_groups}
    opts = sorted(d for d, ks in where.items() if ks)
    if not opts:
        return None
    chains = []
    for d, t in enumerate(days):
        for k in p.day_segments(d):
            s = p.segments[k]
            mine = [v for v in t.visits if any(c.dest == v and c.segment == k for c in copies)]
            chains.append((k, [s.start, *[pl.road_id(v) for v in mine], s.end]))

    def cost(dest: str) -> tuple[float, str]:
        road = pl.road_id(dest)
        segs = where[dest]
        detour = min((pl.minutes(a, road) + pl.minutes(road, b) - pl.minutes(a, b)
                      for k, ch in chains if k in segs for a, b in zip(ch[:-1], ch[1:], strict=True)),
                     default=NO_ROAD)
        minutes = detour + int(pl.get(dest, "visit_minutes"))
        return DAY_MINUTE_COST * minutes + ROAD_MINUTE_COST * detour - pl.value(dest), dest
    return min(opts, key=cost)


#: what covering a partner is worth to the solver (value units: 80 score points), given to each
#: partner's best stops for the plan's days (:func:`picks`) so that plans and days are chosen with
#: the partners' stops in view
COVERAGE_BONUS = 800


def picks(pl: Planning, p: Plan) -> dict[str, int]:
    """The coverage bonus of plan ``p``: each partner's ``min_stops_per_partner`` best stops by net
    value for the days of the plan (value minus the cost of its visit and of its detour from the
    day's direct drive) get ``COVERAGE_BONUS``."""
    k = pl.request.min_stops_per_partner
    if not k:
        return {}
    best: dict[str, float] = {}
    for d in pl.world.candidates:
        road = pl.road_id(d)
        visit = int(pl.get(d, "visit_minutes")) + 2 * pl.boat_minutes(d)
        for s in p.segments:
            if not fits(pl, d, s):
                continue
            t = pl.minutes(s.start, road) + pl.minutes(road, s.end)
            detour = max(0, t - pl.minutes(s.start, s.end))
            net = pl.value(d) - DAY_MINUTE_COST * (visit + detour) - ROAD_MINUTE_COST * detour
            best[d] = max(best.get(d, net), net)
    out: dict[str, int] = {}
    for partner in pl.world.partners:
        mine = sorted((d for d in best if pl.get(d, "partner") == partner.name), key=lambda d: (-best[d], d))
        out.update({d: COVERAGE_BONUS for d in mine[:k]})
    return out


def why_uncovered(pl: Planning, p: Plan) -> dict[str, str]:
    """For every partner, why plan ``p`` cannot give it a stop (only partners it cannot serve)."""
    out: dict[str, str] = {}
    days = range(pl.request.days)
    for partner in pl.world.partners:
        dests = [d for d in pl.world.candidates if pl.get(d, "partner") == partner.name]
        if not dests:
            out[partner.name] = "no destination of it in the catalogue, or every one excluded"
            continue
        open_ = [d for d in dests if any(pl.windows(d, day) for day in days)]
        if not open_:
            out[partner.name] = "its destinations are closed on every tour day"
            continue
        trips = [(pl.minutes(s.start, pl.road_id(d)) + pl.minutes(pl.road_id(d), s.end), s.cap, d)
                 for d in open_ for s in p.segments if pl.land(pl.road_id(d)) == pl.land(s.start)]
        if not trips:
            out[partner.name] = "its destinations are across the sea from every night of the tour"
            continue
        t, cap, d = min(trips, key=lambda x: (x[0] - x[1], x[2]))
        if t > cap:
            out[partner.name] = (f"its nearest destination, {pl.name(d)}, is {t / 60:.1f} h by road there "
                                 f"and back from the tour's route, over the {cap / 60:.1f} h a day allows")
            continue
        if not any(fits(pl, d, s) for d in open_ for s in p.segments):
            km, d = min((pl.excursion_km(pl.road_id(d), s.start, s.end), d) for d in open_ for s in p.segments
                        if pl.land(pl.road_id(d)) == pl.land(s.start))
            out[partner.name] = (f"its nearest destination, {pl.name(d)}, would be an out-and-back of "
                                 f"{km:.0f} km from the line of every day of the tour (add a day or a night "
                                 "nearer it)")
    return out


def fits(pl: Planning, dest: str, s: Segment) -> bool:
    """Whether a day part ``s`` can take a visit of ``dest``: same land, open that day, within the
    road cap, and not an out-and-back off the day's line (a must-visit always can)."""
    road = pl.road_id(dest)
    if pl.land(road) != pl.land(s.start) or not pl.windows(dest, s.day):
        return False
    if pl.minutes(s.start, road) + pl.minutes(road, s.end) > s.cap:
        return False
    return dest in pl.request.must or not off_line(pl, road, s)


__all__ = ["uncovered", "sole", "best_reachable", "why_uncovered", "picks", "fits", "COVERAGE_BONUS"]
