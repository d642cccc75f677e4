"""From a :class:`~tourlink.optimise.days.Plan` to the solver's :class:`~tourlink.optimise.problem.Problem`.

Modelling rules (minutes on one global timeline, day ``d`` (0-based) at ``d * 1440``):

* every *segment* of a day (a day without a crossing has one; a crossing day has the part
  before the crossing and the part after it) is one vehicle from its start place to its end
  place; its distance matrix holds road minutes and ``max_distance`` is its road-hours cap,
  exactly; ``capacity`` = ``pace`` with one unit of load per visit;
* each candidate gets one client copy per (segment, open interval of that date) that can be
  reached, visited and left inside the segment; the window is on the visit start,
  ``[open, close - visit]`` ∩ the daily window. All copies of a destination share a mutually
  exclusive group, and so do destinations that are one site or of a kind capped at one visit
  (:mod:`tourlink.optimise.variety`);
* a floating market (``access_port``) is served at its pier: service = visit + 2 × boat
  minutes, window shifted by the boat minutes; such days may start at ``dawn_start``, while
  other visits keep the daily window (their earliest start allows the drive from the day's
  start after ``day_start``);
* lunch is a client too: a segment that holds the lunch pause gets a *required* group of lunch
  clients, one at each place the segment may pass (its start and end, the road place of each
  candidate offered to it, and the lodging towns), with service ``lunch_minutes`` and a window
  that keeps the pause inside the lunch window. So the solver plans the day the timing keeps;
* the objective weighs value against time: a visit earns its value
  (:meth:`~tourlink.optimise.planning.Planning.value`, ten units per score point above the
  floor, times the theme weight); every minute of a segment costs ``DAY_MINUTE_COST`` units and
  every road minute ``ROAD_MINUTE_COST`` more. A stop is planned only when it is worth its
  visit, its detour and its wait; a flagship outweighs minor stops at equal cost;
* geography: a visit that would be an out-and-back of ``MAX_EXCURSION_KM`` or more of road
  from the day's line (start to end) is not offered to that day (:func:`off_line`; on a day from
  a base and back, ``BASE_DAY_EXCURSION_KM`` of round trip); a drive between two places in
  different legacy provinces counts
  ``BORDER_MINUTES`` more in the distance matrix (the cost), and a segment's ``max_distance`` is
  its road cap plus one such allowance when its start and end lie in different provinces —
  every route then crosses at least that once, so the cap on real road minutes stays exact
  while each extra crossing (a zigzag, an out-and-back over a border) costs;
* an evening block (``request.evening``) is a vehicle from the night's hotel and back between
  ``evening_start`` and ``evening_end``, offered only evening places (open after dark: a night
  market, a dinner cruise, a show) for one visit; its minutes are the group's own, only its
  road minutes cost;
* each segment is offered only its shortlist of candidates (:func:`shortlist`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tourlink.optimise import variety
from tourlink.optimise.days import Plan, Segment
from tourlink.optimise.planning import Planning
from tourlink.optimise.problem import Client, Problem, Vehicle
from tourlink.optimise.world import NO_ROAD

#: value units (a tenth of a score point) a minute of the day costs: visiting, driving, waiting
DAY_MINUTE_COST = 1
#: value units a minute on the road costs on top of that
ROAD_MINUTE_COST = 2
#: road minutes a drive across a (legacy) province border counts for in the cost, so that a day
#: reads as a line and does not cross back and forth; never in the road-hours cap
BORDER_MINUTES = 60
#: road km of detour from a day's line (:meth:`Planning.excursion_km`) beyond which a visit is
#: not offered to that day (a must-visit always is): no out-and-backs of 110 km or more
MAX_EXCURSION_KM = 110
#: the same on a day from a base and back (start is end), where the whole day goes out and comes
#: back: a round trip under the review's out-and-back flag (:class:`tourlink.review.Rules`,
#: 120 km) — Long Xuyên to Châu Đốc and back, 112 km, is a day trip operators sell
BASE_DAY_EXCURSION_KM = 120


@dataclass(frozen=True)
class Copy:
    """What a client of the Problem stands for: a visit of ``dest`` (or the lunch pause, ``dest`` "")
    in segment ``segment``, at road place ``place``."""

    dest: str
    segment: int
    early: int  # window on the visit start at the destination, minutes after midnight
    late: int
    lead: int  # minutes between the service start at the road place and the visit start
    place: str = ""

    @property
    def lunch(self) -> bool:
        return not self.dest


def build_problem(pl: Planning, plan: Plan, *, required: frozenset[str] = frozenset(),
                  banned: frozenset[tuple[str, int]] = frozenset(), values: dict[str, int] | None = None,
                  bonus: dict[str, int] | None = None, cover: frozenset[str] = frozenset(),
                  ) -> tuple[Problem, list[Copy], list[str]]:
    """Return the Problem of ``plan``, what each client stands for, and the location ids.

    ``required`` destinations get a required copy (``request.must`` are always required);
    ``banned`` holds ``(destination, day)`` pairs not to offer (day -1: the whole tour);
    ``values`` overrides :meth:`Planning.value` (repetition decay); ``bonus`` adds to the value of
    some destinations (partner coverage). A bonus destination is always offered. Each partner in
    ``cover`` gets one required group of its destinations (:func:`cover_groups`): the solver picks
    the partner's stop, and where in the tour it goes (a partner with a required stop has one).
    """
    world, request = pl.world, pl.request
    segs = plan.parts
    locs: list[str] = []
    prov: list[str] = []
    where: dict[tuple[str, str], int] = {}

    def loc(pid: str) -> int:
        """The location of road place ``pid`` (a site reached by boat: its pier, where the coach waits)."""
        key = (pid, pl.province(pid))
        if key not in where:
            where[key] = len(locs)
            locs.append(pid)
            prov.append(key[1])
        return where[key]

    for s in segs:
        loc(s.start), loc(s.end)
    clients: list[Client] = []
    copies: list[Copy] = []
    must = set(request.must) | set(required)
    bonus = bonus or {}
    caps = variety.caps(pl)
    group_of = dict(variety.groups(pl))
    group_of.update(cover_groups(pl, cover - {pl.get(m, "partner") for m in must}, group_of))
    taken = {group_of[m] for m in must if m in group_of}
    for n, m in enumerate(sorted(must & set(group_of))):  # a required stop: a group of its own
        group_of[m] = len(world.candidates) + len(plan.parts) + n
    needed = {g for d, g in group_of.items() if g >= COVER_GROUPS and g not in taken}
    keep = shortlist(pl, segs, must=must | set(bonus))
    if needed:  # a partner to cover: its destinations are all offered where they fit
        keep = [k | {d for d, g in group_of.items() if g in needed} for k in keep]
    for dest in world.candidates:
        if dest not in must and (group_of[dest] in taken or caps.get(pl.kind(dest)) == 0
                                 or (dest, -1) in banned):
            continue  # one of its site / kind group is required, its kind is left out, or banned
        road = pl.road_id(dest)
        boat = pl.boat_minutes(dest)
        service = int(pl.get(dest, "visit_minutes")) + 2 * boat
        value = (pl.value(dest) if values is None else values.get(dest, pl.value(dest))) + bonus.get(dest, 0)
        first = True
        for k, s in enumerate(segs):
            if dest not in keep[k] or (dest, s.day) in banned or pl.land(road) != pl.land(s.start):
                continue
            t_in, t_out = pl.minutes(s.start, road), pl.minutes(road, s.end)
            if t_in + t_out > s.cap or t_in >= NO_ROAD:
                continue
            if dest not in request.must and off_line(pl, road, s):
                continue  # an out-and-back off the day's line
            base = pl.dawn_start if s.dawn and pl.dawn_site(dest) else s.early
            for e, lt in (pl.evening_windows(dest, s.day) if s.evening else pl.windows(dest, s.day)):
                e_srv = max(e - boat, base + t_in)
                l_srv = min(lt - boat, s.late - service - t_out)
                if e_srv > l_srv:
                    continue
                off = s.day * 1440
                clients.append(Client(location=loc(road),
                                      service=service, tw_early=off + e_srv,
                                      tw_late=off + l_srv, prize=value,
                                      required=(dest in must or group_of[dest] in needed) and first,
                                      group=group_of[dest], name=dest, load=1))
                copies.append(Copy(dest, k, e, lt, boat, road))
                first = False
                needed.discard(group_of[dest])  # one required copy per partner's group
    n_groups = len(world.candidates)
    for k, s in enumerate(segs):
        if not s.lunch or pl.lunch_minutes <= 0:
            continue
        towns = [h for h in world.hubs if pl.land(h) == pl.land(s.start)]
        places = dict.fromkeys([s.start, *sorted({c.place for c in copies if c.segment == k}), *towns, s.end])
        first = True
        for place in places:
            t_in, t_out = pl.minutes(s.start, place), pl.minutes(place, s.end)
            e = max(pl.lunch_start, s.early + t_in)
            lt = min(pl.lunch_end, s.late - t_out) - pl.lunch_minutes
            if t_in + t_out > s.cap or e > lt:
                continue
            off = s.day * 1440
            clients.append(Client(location=loc(place), service=pl.lunch_minutes, tw_early=off + e,
                                  tw_late=off + lt, prize=0, required=first, group=n_groups + k,
                                  name=f"lunch {k}"))
            copies.append(Copy("", k, e, lt + pl.lunch_minutes, 0, place))
            first = False
    vehicles = []
    for s in segs:
        off = s.day * 1440
        early = pl.dawn_start if s.dawn else s.early
        border = BORDER_MINUTES if prov[loc(s.start)] != prov[loc(s.end)] else 0
        what = "evening at" if s.evening else f"{pl.name(s.start)} →"
        vehicles.append(Vehicle(start=loc(s.start), end=loc(s.end), tw_early=off + early,
                                tw_late=off + max(early, s.late), max_distance=s.cap + border,
                                name=f"day {s.day + 1} {what} {pl.name(s.end)}",
                                capacity=1 if s.evening else (request.pace if s.visits is None else s.visits),
                                max_duration=s.span, distance_cost=ROAD_MINUTE_COST,
                                duration_cost=0 if s.evening else DAY_MINUTE_COST))
    idx = [world.matrix.index(x) for x in locs]
    sub = np.asarray(world.matrix.minutes, dtype=float)[np.ix_(idx, idx)]
    sub = np.where(np.isfinite(sub) & (sub < NO_ROAD), np.ceil(sub - 1e-9), NO_ROAD)
    dur = sub.astype(np.int64)
    np.fill_diagonal(dur, 0)
    p = np.array(prov)
    dist = dur + BORDER_MINUTES * (p[:, None] != p[None, :]).astype(np.int64)
    return Problem(duration=dur, distance=dist, clients=tuple(clients), vehicles=tuple(vehicles),
                   prize_scale=1), copies, locs


#: group ids of partners to cover start here (above any destination, lunch or required group id)
COVER_GROUPS = 1 << 30


def cover_groups(pl: Planning, cover: frozenset[str], group_of: dict[str, int]) -> dict[str, int]:
    """Destination → the group of its partner in ``cover``: at least one stop of the partner is
    required, so exactly one of these is visited. A destination whose site or kind group reaches
    into another partner (a floating market, capped at one for the tour) stays out of it."""
    if not cover:
        return {}
    part = {d: pl.get(d, "partner") for d in group_of}
    reach: dict[int, set[str]] = {}
    for d, g in group_of.items():
        reach.setdefault(g, set()).add(part[d])
    ids = {p: COVER_GROUPS + n for n, p in enumerate(sorted(cover))}
    return {d: ids[part[d]] for d, g in group_of.items() if part[d] in ids and reach[g] == {part[d]}}


#: candidates offered to one segment: this many per allowed visit, best value per minute first
SHORTLIST_PER_VISIT = 8


def off_line(pl: Planning, road: str, s: Segment) -> bool:
    """Whether a visit at road place ``road`` would be an out-and-back off day part ``s``'s line
    (:meth:`~tourlink.optimise.planning.Planning.excursion_km`): ``MAX_EXCURSION_KM`` or more, or
    ``BASE_DAY_EXCURSION_KM`` or more on a day from a base and back."""
    limit = BASE_DAY_EXCURSION_KM if s.start == s.end else MAX_EXCURSION_KM
    return pl.excursion_km(road, s.start, s.end) >= limit


def shortlist(pl: Planning, segs: tuple[Segment, ...], *, must: set[str] = frozenset()) -> list[set[str]]:
    """Per segment, the candidates worth offering to the solver.

    A segment can take at most ``pace`` visits, so only the ``SHORTLIST_PER_VISIT * pace`` best by
    value per minute spent (visit + detour from the segment's direct drive) are offered, plus the
    must-visits. Keeps the problem small on large catalogs without losing what a day could use.
    """
    n = SHORTLIST_PER_VISIT * pl.request.pace
    out = []
    for s in segs:
        direct = pl.minutes(s.start, s.end)
        scored = []
        for dest in pl.world.candidates:
            road = pl.road_id(dest)
            if pl.land(road) != pl.land(s.start) or (s.evening and not pl.evening_windows(dest, s.day)):
                continue
            t_in, t_out = pl.minutes(s.start, road), pl.minutes(road, s.end)
            if t_in + t_out > s.cap or (dest not in must and off_line(pl, road, s)):
                continue
            spend = int(pl.get(dest, "visit_minutes")) + max(0, t_in + t_out - direct) + 10
            scored.append((-pl.value(dest) / spend, dest))
        scored.sort()
        out.append({d for _v, d in scored[:n]} | (set(must) & {d for _v, d in scored}))
    return out


__all__ = ["Copy", "build_problem", "shortlist", "SHORTLIST_PER_VISIT", "DAY_MINUTE_COST", "ROAD_MINUTE_COST",
           "BORDER_MINUTES", "MAX_EXCURSION_KM", "BASE_DAY_EXCURSION_KM", "off_line"]
