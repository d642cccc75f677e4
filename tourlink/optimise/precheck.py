"""Requests no plan can meet, found before any search: every reason at once."""

from __future__ import annotations

import difflib
import itertools
from datetime import timedelta

from tourlink.errors import InfeasibleError, NotFoundError
from tourlink.optimise.days import Plan
from tourlink.optimise.planning import Planning
from tourlink.optimise.world import NO_ROAD, is_dawn_site
from tourlink.request import hhmm


def precheck(pl: Planning) -> None:
    """Raise InfeasibleError for requests no plan can meet (all reasons at once)."""
    world, request = pl.world, pl.request
    reasons: list[str] = []
    places = world.places
    for m in request.must:
        if m not in places.index or places.at[m, "kind"] != "destination":
            raise NotFoundError("must-visit destination", m,
                                difflib.get_close_matches(m, world.candidates, n=3, cutoff=0.5))
        if m not in world.candidates:
            reasons.append(f"must-visit {world.name(m)} is excluded")
    dests = sorted(places.index[places["kind"] == "destination"])
    for x in request.exclude:  # a typo would silently exclude nothing
        if x not in places.index or places.at[x, "kind"] != "destination":
            raise NotFoundError("destination to exclude", x,
                                difflib.get_close_matches(x, dests, n=3, cutoff=0.5))
    if not world.candidates:
        reasons.append("no candidate destinations in the partner areas")
    else:
        shortest = min(int(places.at[c, "visit_minutes"]) for c in world.candidates)
        if pl.day_end - pl.day_start - request.lunch_minutes < shortest:
            reasons.append(f"daily window {request.day_start}–{request.day_end} leaves "
                           f"{pl.day_end - pl.day_start - request.lunch_minutes} min after lunch, shorter "
                           f"than the shortest visit ({shortest} min)")
    home = world.comp.get(world.start)
    for m in request.must:
        if m not in world.candidates:
            continue
        if not any(pl.windows(m, d) for d in range(request.days)):
            reasons.append(f"must-visit {world.name(m)} is closed on every tour day "
                           f"({request.start_date}–{request.start_date + timedelta(days=request.days - 1)}; "
                           f"hours {places.at[m, 'opening_hours']})")
        if m in world.no_road:
            reasons.append(f"must-visit {world.name(m)}: {world.no_road[m]}")
        elif world.comp.get(world.road_id(m)) != home and not request.sea:
            reasons.append(f"must-visit {world.name(m)} is reached only by boat but sea crossings are "
                           "not allowed (set sea = true)")
    if world.comp.get(world.end) != home and not request.sea:
        reasons.append(f"end place {world.name(world.end)} is reached only by boat but sea crossings "
                       "are not allowed (set sea = true)")
    k = request.min_stops_per_partner
    if k and world.partners and request.strict_coverage:
        for p in world.partners:
            n = sum(1 for c in world.candidates if places.at[c, "partner"] == p.name)
            if n < k:
                reasons.append(f"coverage: {p.name} has {n} candidate destinations, fewer than "
                               f"min_stops_per_partner={k}")
        need = k * len(world.partners)
        if need > request.pace * request.days:
            names = ", ".join(p.name for p in world.partners)
            reasons.append(f"coverage: {len(world.partners)} partners ({names}) × {k} stops = {need} visits, "
                           f"more than pace {request.pace} × {request.days} days = "
                           f"{request.pace * request.days} (lower min_stops_per_partner or raise pace/days)")
    reasons.extend(musts_exceed_days(pl))
    for area in request.nights_in:
        if request.nights == 0:
            reasons.append(f"nights_in: a 1-day tour has no night to spend in {area}")
        elif not any(pl.in_area(h, area) for h in world.hubs):
            reasons.append(f"nights_in: no overnight hub in {area}")
    if reasons:
        raise InfeasibleError(reasons)


def musts_exceed_days(pl: Planning) -> list[str]:
    """The must-visits cannot all fit the tour's daily windows, by a lower bound.

    On a one-day tour the road time is that of the best order of the must-visits (up to six).
    Otherwise every must-visit is entered by one road leg and the last one is left by one more,
    so the road time is at least the sum of each must-visit's fastest way in (from the start,
    a hub, the end or another must-visit) plus the fastest way out of one of them. With the
    visits and the daily lunch, that is compared with the tour's daily windows. Only on the
    start's land mass (sea crossings are timed by the planner).
    """
    world, request = pl.world, pl.request
    musts = [m for m in dict.fromkeys(request.must) if m in world.candidates]
    if not musts or any(world.comp.get(world.road_id(m)) != world.comp.get(world.start) for m in musts):
        return []
    ds, de = pl.day_start, pl.day_end
    if request.dawn and any(is_dawn_site(world.row(m)) for m in musts):  # a dawn start for the market
        ds = min(ds, pl.dawn_start)
    window = request.days * (de - ds)
    others = [world.start, world.end, *(world.hubs if request.nights else ())]

    def fastest(times) -> int:
        return min((t for t in times if t < NO_ROAD), default=0)

    def t(a: str, b: str) -> int:
        return world.minutes(world.road_id(a), world.road_id(b))

    if request.days == 1 and len(musts) <= 6:  # one day: the best order, exactly
        road = min(sum(t(a, b) for a, b in zip((world.start, *order), (*order, world.end), strict=True))
                   for order in itertools.permutations(musts))
    else:
        road = sum(fastest(t(x, m) for x in [*others, *musts] if x != m) for m in musts)
        road += min(fastest(t(m, x) for x in others) for m in musts)
    visits = sum(int(world.get(m, "visit_minutes")) for m in musts)
    lunch = request.days * request.lunch_minutes
    need = visits + road + lunch
    if need <= window:
        return []
    names = ", ".join(world.name(m) for m in musts)
    return [f"must-visits {names} do not fit {request.days} day(s): {visits} min of visits + at least "
            f"{road} min on the road + {lunch} min lunch = {need} min, {need - window} min more than "
            f"the {window} min of the daily windows from {hhmm(ds)} to {request.day_end} "
            "(drop a must-visit or add a day)"]


def why_unreachable(pl: Planning, p: Plan, dest: str) -> str:
    """Why must-visit ``dest`` has no visit option in plan ``p``."""
    name = pl.name(dest)
    road = pl.road_id(dest)
    open_days = [d for d in range(pl.request.days) if pl.windows(dest, d)]
    if not open_days:
        return f"must-visit {name} is closed on every tour day"
    reach = [s for s in p.segments if pl.land(s.start) == pl.land(road)]
    if not reach:
        return f"must-visit {name} is on another land mass and no crossing of this plan reaches it"
    s = min(reach, key=lambda s: pl.minutes(s.start, road) + pl.minutes(road, s.end))
    t = pl.minutes(s.start, road) + pl.minutes(road, s.end)
    if t > s.cap:
        return (f"must-visit {name}: the round trip from {pl.name(s.start)} takes {t} min on the road, "
                f"{t - s.cap} min over the cap of {s.cap} min")
    return f"must-visit {name} does not fit the opening hours and daily window of any day"


__all__ = ["precheck", "musts_exceed_days", "why_unreachable"]
