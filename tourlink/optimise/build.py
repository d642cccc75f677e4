"""From a :class:`~tourlink.optimise.days.Plan` to the solver's :class:`~tourlink.optimise.problem.Problem`.

Modelling rules (minutes on one global timeline, day ``d`` (0-based) at ``d * 1440``):

* every *segment* of a day (a day without a crossing has one; a crossing day has the part
  before the boat and the part after it) is one vehicle from its start place to its end place;
  ``max_distance`` caps its road minutes (the distance matrix holds road minutes);
* each candidate gets one client copy per (segment, open interval of that date) that can be
  reached, visited and left inside the segment, all copies in one mutually exclusive group;
  the window is on the visit start, ``[open, close - visit]`` ∩ the daily window;
* prize = ``round(10 * score * weight)`` where ``weight`` is the request's largest weight of
  the destination's themes (1.0 when none is listed): one tenth of a score point resolution;
* a floating market (``access_port``) is served at its pier: service = visit + 2 × boat
  minutes, window shifted by the boat minutes; such days may start at ``dawn_start``, while
  other visits keep the daily window (their earliest start allows the drive from the day's
  start after ``day_start``);
* lunch is reserved by ending the segment that holds the lunch window ``lunch_minutes``
  earlier and by closing the windows of visits after the lunch window ``lunch_minutes``
  earlier; the day timing (:mod:`tourlink.optimise.timing`) inserts the pause;
* pace: the distance matrix is road minutes plus ``pace_unit`` per arrival at a visit, and
  ``max_distance = road cap + pace * pace_unit``, so no segment takes more than ``pace``
  visits (the road cap is exact for full segments and re-checked on every timed day);
* each segment is offered only its shortlist of candidates (:func:`shortlist`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from tourlink.optimise.days import Plan, Segment
from tourlink.optimise.planning import Planning
from tourlink.optimise.problem import Client, Problem, Vehicle
from tourlink.optimise.world import NO_ROAD


@dataclass(frozen=True)
class Copy:
    """What a client of the Problem stands for: a destination in a segment interval."""

    dest: str
    segment: int
    early: int  # window on the visit start at the destination, minutes after midnight
    late: int
    lead: int  # minutes between the service start at the road place and the visit start


def build_problem(pl: Planning, plan: Plan, *, required: frozenset[str] = frozenset(),
                  allowed: frozenset[str] | None = None) -> tuple[Problem, list[Copy], list[str]]:
    """Return the Problem of ``plan``, what each client stands for, and the location ids.

    ``required`` destinations get a required copy (``request.must`` are always required);
    ``allowed`` limits the candidates (None = all).
    """
    world, request = pl.world, pl.request
    segs = plan.segments
    locs: list[str] = []
    where: dict[str, int] = {}

    def loc(pid: str) -> int:
        if pid not in where:
            where[pid] = len(locs)
            locs.append(pid)
        return where[pid]

    for s in segs:
        loc(s.start), loc(s.end)
    ls, lm = pl.lunch_start, pl.lunch_minutes
    clients: list[Client] = []
    copies: list[Copy] = []
    must = set(request.must) | set(required)
    keep = shortlist(pl, segs, must=must)
    for g, dest in enumerate(world.candidates):
        if allowed is not None and dest not in allowed and dest not in must:
            continue
        road = pl.road_id(dest)
        boat = pl.boat_minutes(dest)
        service = int(pl.get(dest, "visit_minutes")) + 2 * boat
        prize = pl.prize(dest)
        first = True
        for k, s in enumerate(segs):
            if pl.land(road) != pl.land(s.start):
                continue
            if dest not in keep[k]:
                continue
            t_in, t_out = pl.minutes(s.start, road), pl.minutes(road, s.end)
            if t_in + t_out > s.cap or t_in >= NO_ROAD:
                continue
            late_seg = s.late - (lm if s.lunch else 0)
            base = pl.dawn_start if s.dawn and pl.dawn_site(dest) else s.early
            for e, lt in pl.windows(dest, s.day):
                e_srv = max(e - boat, base + t_in)
                l_srv = min(lt - boat, late_seg - service - t_out)
                if s.lunch and l_srv > ls:  # a visit after the lunch window may be pushed back by lunch
                    l_srv = max(min(ls, l_srv), l_srv - lm)
                if e_srv > l_srv:
                    continue
                off = s.day * 1440
                clients.append(Client(location=loc(road), service=service, tw_early=off + e_srv,
                                      tw_late=off + l_srv, prize=prize,
                                      required=dest in must and first, group=g, name=dest))
                copies.append(Copy(dest, k, e, lt, boat))
                first = False
    vehicles = []
    for k, s in enumerate(segs):
        off = s.day * 1440
        late = s.late - (lm if s.lunch else 0)
        early = pl.dawn_start if s.dawn else s.early
        vehicles.append(Vehicle(start=loc(s.start), end=loc(s.end), tw_early=off + early,
                                tw_late=off + max(early, late), max_distance=s.cap, name=f"segment {k}"))
    idx = [world.matrix.index(x) for x in locs]
    sub = np.asarray(world.matrix.minutes, dtype=float)[np.ix_(idx, idx)]
    sub = np.where(np.isfinite(sub) & (sub < NO_ROAD), np.ceil(sub - 1e-9), NO_ROAD)
    dur = sub.astype(np.int64)
    np.fill_diagonal(dur, 0)
    # distance = road minutes + PACE_UNIT per arrival at a visit, so max_distance holds the pace
    # exactly (a route with pace + 1 visits is over whatever its road minutes); the road cap is
    # exact on routes with pace visits and re-checked on the timed day otherwise
    unit = pace_unit(pl)
    at_client = np.zeros(len(locs), dtype=np.int64)
    at_client[sorted({c.location for c in clients})] = unit
    dist = dur + at_client[None, :]
    np.fill_diagonal(dist, 0)
    vehicles = [replace(v, max_distance=v.max_distance + request.pace * unit) for v in vehicles]
    return Problem(duration=dur, distance=dist, clients=tuple(clients),
                   vehicles=tuple(vehicles)), copies, locs


#: candidates offered to one segment: this many per allowed visit, best value per minute first
SHORTLIST_PER_VISIT = 8


def shortlist(pl: Planning, segs: tuple[Segment, ...], *, must: set[str] = frozenset()) -> list[set[str]]:
    """Per segment, the candidates worth offering to the solver.

    A segment can take at most ``pace`` visits, so only the ``SHORTLIST_PER_VISIT * pace`` best by
    prize per minute spent (visit + detour from the segment's direct drive) are offered, plus the
    must-visits. Keeps the problem small on large catalogs without losing what a day could use.
    """
    n = SHORTLIST_PER_VISIT * pl.request.pace
    out = []
    for s in segs:
        direct = pl.minutes(s.start, s.end)
        scored = []
        for dest in pl.world.candidates:
            road = pl.road_id(dest)
            if pl.land(road) != pl.land(s.start):
                continue
            t_in, t_out = pl.minutes(s.start, road), pl.minutes(road, s.end)
            if t_in + t_out > s.cap:
                continue
            spend = int(pl.get(dest, "visit_minutes")) + max(0, t_in + t_out - direct) + 10
            scored.append((-pl.prize(dest) / spend, dest))
        scored.sort()
        out.append({d for _v, d in scored[:n]} | (set(must) & {d for _v, d in scored}))
    return out


def pace_unit(pl: Planning) -> int:
    """Distance added per visit so that ``max_distance`` also caps the visits per segment."""
    return pl.road_cap + 1


__all__ = ["Copy", "build_problem", "shortlist", "pace_unit", "SHORTLIST_PER_VISIT"]
