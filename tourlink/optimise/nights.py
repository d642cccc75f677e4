"""Where the group sleeps: candidate overnight-hub sequences, the night rules, and their ranking.

Hubs are lodging towns of the partner areas (partner hubs first when asked), ranked per land
mass (or zone, when the request may fly) by the prizes within two hours' drive. A sequence
spends the nights in at most three hubs, never returning to one it left; it must keep
``nights_in`` and ``spread_nights`` and change zone at most twice (there and back). Each
sequence is combined with every choice of crossings (:mod:`tourlink.optimise.crossings`) whose
days can be driven (:func:`~tourlink.optimise.days.make_segments`), and the resulting plans are
ranked by a quick estimate so that only the best few are solved.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from tourlink.errors import InfeasibleError
from tourlink.optimise.build import DAY_MINUTE_COST, ROAD_MINUTE_COST
from tourlink.optimise.coverage import fits
from tourlink.optimise.crossings import (
    LONG_CROSSING_MINUTES,
    Crossing,
    crossing_options,
    day_trip_reason,
    island_port,
)
from tourlink.optimise.days import Plan, evening_segments, make_segments
from tourlink.optimise.planning import Planning

#: hubs per land mass considered for the nights (on the start's: up to MAX_HUBS with one per
#: partner), and plans solved after screening
TOP_HUBS = 5
OTHER_HUBS = 2
MAX_HUBS = 7
TOP_PLANS = 8


def hub_value(pl: Planning, hub: str, *, radius: int = 120) -> float:
    """Summed prize of candidates within ``radius`` road minutes of ``hub``."""
    return sum(pl.prize(c) for c in pl.world.candidates if pl.minutes(hub, pl.road_id(c)) <= radius)


def hub_pool(pl: Planning) -> list[str]:
    """The hubs worth a night: the best ``TOP_HUBS`` of the start's zone and of the zone with the most
    partner hubs, with the best hub of each partner not among them (up to ``MAX_HUBS``), and
    ``OTHER_HUBS`` of others (zones are land masses, split into regions a day's drive apart when the
    request may fly: Hà Nội and the Mekong Delta)."""
    world, request = pl.world, pl.request
    home = pl.zone(world.start)
    pool: list[str] = []
    zones = sorted({pl.zone(h) for h in world.hubs}, key=lambda z: (z != home, z))
    partner_hubs = {z: sum(1 for h in world.hubs if pl.zone(h) == z and world.places.at[h, "partner"])
                    for z in zones}
    main = max(zones, key=lambda z: (partner_hubs[z], z == home))
    for z in zones:
        if z[0] != home[0] and not request.sea:
            continue
        hubs = [h for h in world.hubs if pl.zone(h) == z]
        prefer = [h for h in hubs if world.places.at[h, "partner"]] if request.partner_hubs_first else []
        rank = sorted(hubs, key=lambda h: (h not in prefer, -hub_value(pl, h), h))
        take = rank[:TOP_HUBS if z in (home, main) else OTHER_HUBS]
        if z in (home, main):  # and the best hub of each partner not yet in (a tour shows every partner)
            partners = {world.get(h, "partner") for h in take}
            for h in rank:
                if len(take) >= MAX_HUBS:
                    break
                if world.get(h, "partner") and world.get(h, "partner") not in partners:
                    take.append(h)
                    partners.add(world.get(h, "partner"))
        pool.extend(take)
    return pool


def candidate_plans(pl: Planning) -> list[Plan]:
    """Hub sequences × crossing choices that can be driven; InfeasibleError if none."""
    n = pl.request.nights
    seqs = list(sequences(hub_pool(pl), n)) if n else [()]
    plans: list[Plan] = []
    reasons: set[str] = set()
    for seq in seqs:
        if not nights_ok(pl, seq):
            continue
        for crossings in crossing_options(pl, [pl.world.start, *seq, pl.world.end], reasons):
            if not island_nights_ok(pl, seq, crossings):
                reasons.add(f"a long crossing lands where the tour cannot stay {pl.request.island_nights} "
                            "nights (add a day, or set island_nights = 1)")
                continue
            segs = make_segments(pl, seq, crossings)
            if segs is not None:
                plans.append(Plan(seq, crossings, segs, evening_segments(pl, seq)))
    if not plans:
        if not reasons:
            reasons.add("no sequence of overnight hubs fits the daily window, road-hours cap and "
                        "night rules (nights_in / spread_nights)")
        raise InfeasibleError(sorted(reasons))
    return plans


def sequences(pool: list[str], n: int, max_blocks: int = 3) -> Iterator[tuple[str, ...]]:
    """Night sequences of ``n`` nights: up to ``max_blocks`` distinct hubs, never revisited."""
    for b in range(1, min(max_blocks, n) + 1):
        for cuts in itertools.combinations(range(1, n), b - 1):
            sizes = [e - s for s, e in zip((0, *cuts), (*cuts, n), strict=True)]
            for hubs in itertools.permutations(pool, b):
                yield tuple(h for h, k in zip(hubs, sizes, strict=True) for _ in range(k))


def nights_ok(pl: Planning, seq: tuple[str, ...]) -> bool:
    """Whether a night sequence keeps ``nights_in``, ``spread_nights`` and the land-mass rules."""
    world, request = pl.world, pl.request
    for area in request.nights_in:
        if not any(pl.in_area(h, area) for h in seq):
            return False
    if request.spread_nights and world.partners and seq:
        counts = [sum(1 for h in seq if world.get(h, "partner") == p.name) for p in world.partners]
        if sum(counts) < len(seq) or max(counts) - min(counts) > 1:
            return False
    home = world.comp[world.start]
    chain = [world.start, *seq, world.end]
    changes = sum(pl.zone(a) != pl.zone(b) for a, b in zip(chain[:-1], chain[1:], strict=True))
    return changes <= 2 and (request.sea or all(world.comp[h] == home for h in chain))


def island_nights_ok(pl: Planning, seq: tuple[str, ...], crossings: tuple[Crossing, ...]) -> bool:
    """Whether the group stays ``island_nights`` nights wherever a crossing lands when the
    crossing there or back is a long one (90 minutes or more), unless the tour ends there: one
    night after a long crossing is a wasted trip."""
    need = pl.request.island_nights
    if need <= 1:
        return True
    chain = [pl.world.start, *seq, pl.world.end]
    by_day = {c.day: c for c in crossings}
    for c in crossings:
        zone = pl.zone(chain[c.day + 1])
        stay = 0
        for place in chain[c.day + 1:]:
            if pl.zone(place) != zone:
                break
            stay += 1
        if c.day + stay == len(chain) - 1:
            continue  # the tour ends there
        back = by_day.get(c.day + stay)
        longest = max(c.link.duration_min, back.link.duration_min if back else 0)
        if longest >= LONG_CROSSING_MINUTES and stay < need:
            return False
    return True


def rank_plans(pl: Planning, plans: list[Plan]) -> list[Plan]:
    """The plans worth solving: those reaching every must-visit's land mass and (with the coverage
    rule) as many partners as any plan reaches, best estimate first, at most ``TOP_PLANS`` with the
    best two of each set of land masses visited kept."""
    world, request = pl.world, pl.request
    need = {pl.land(pl.road_id(m)) for m in request.must}
    fit = [p for p in plans if need <= {pl.land(s.start) for s in p.segments}]
    if not fit:
        home = pl.land(world.start)
        far = [m for m in request.must if pl.land(pl.road_id(m)) != home]
        if far:
            raise InfeasibleError([f"must-visit {pl.name(m)} is across the sea: a {request.days}-day tour "
                                   f"from {pl.name(world.start)} cannot take the boat there and back "
                                   f"{_why_not_a_day_trip(pl, m)}(add a day, or end the tour there)"
                                   for m in far])
        names = ", ".join(pl.name(m) for m in request.must)
        raise InfeasibleError(f"no plan of overnight hubs and boats reaches every must-visit ({names})")
    reach_must = [p for p in fit if all(any(fits(pl, m, s) for s in p.segments) for m in request.must)]
    fit = reach_must or fit  # plans whose days can take every must-visit (else: the errors say why)
    if request.min_stops_per_partner:  # a linkage tour shows every partner its days can reach
        most = max(len(reached(pl, p)) for p in fit)
        fit = [p for p in fit if len(reached(pl, p)) == most]
    fit.sort(key=lambda p: (-estimate(pl, p), p.key()))
    by_lands: dict[frozenset, list[Plan]] = {}
    for p in fit:
        by_lands.setdefault(frozenset(pl.zone(s.start) for s in p.segments), []).append(p)
    keep = [p for group in by_lands.values() for p in group[:2]]
    keep += [p for p in fit if p not in keep][:max(0, TOP_PLANS - len(keep))]
    keep.sort(key=lambda p: (-estimate(pl, p), p.key()))
    return keep[:max(TOP_PLANS, 2 * len(by_lands))]


def _why_not_a_day_trip(pl: Planning, dest: str) -> str:
    """The timetable's reason, on the tour's first day, and whether the island has lodging."""
    why = day_trip_reason(pl, dest)
    port = island_port(pl, dest)
    lodging = port is not None and any(pl.land(h) == pl.land(port) for h in pl.world.hubs)
    if not why and lodging:
        return ""
    return (f"({why}{'; ' if why else ''}"
            + ("" if lodging else "no lodging hub on the island for a night") + ") ")


def estimate(pl: Planning, p: Plan) -> float:
    """Quick value of a plan in the solver's units: the best net values its days can reach, minus
    the cost of the drives between the nights, minus a partner no day can reach."""
    memo = pl.memo.setdefault("estimate", {})
    if p.key() not in memo:
        memo[p.key()] = _estimate(pl, p)
    return memo[p.key()]


#: what a partner the plan cannot reach at all costs in the estimate (value units)
MISSED_PARTNER = 1000


def reached(pl: Planning, p: Plan) -> set[str]:
    """The partners with a destination some day of plan ``p`` can take."""
    estimate(pl, p)
    cache = pl.memo["segment options"]
    return {partner for s in p.segments for partner in cache[s][1]}


def _estimate(pl: Planning, p: Plan) -> float:
    cache = pl.memo.setdefault("segment options", {})
    road_cost = DAY_MINUTE_COST + ROAD_MINUTE_COST
    items = []
    best_of: dict[str, float] = {}  # the best net value of each partner's visits, worth it or not
    for k, s in enumerate(p.segments):
        if s not in cache:
            direct = pl.minutes(s.start, s.end)
            opts, best = [], {}
            for c in pl.world.candidates:
                if not fits(pl, c, s):
                    continue
                road = pl.road_id(c)
                t = pl.minutes(s.start, road) + pl.minutes(road, s.end)
                visit = int(pl.get(c, "visit_minutes")) + 2 * pl.boat_minutes(c)
                net = pl.value(c) - DAY_MINUTE_COST * visit - road_cost * max(0, t - direct)
                partner = pl.get(c, "partner")
                best[partner] = max(best.get(partner, net), net)
                if net > 0:  # only a visit worth its minutes is ever taken
                    opts.append((-net, t, c, int(pl.get(c, "visit_minutes")) + 30))
            cache[s] = (opts, best)
        opts, best = cache[s]
        items.extend((neg, t, c, k, cost) for neg, t, c, cost in opts)
        for partner, net in best.items():
            best_of[partner] = max(best_of.get(partner, net), net)
    items.sort()  # best net value first, then the shorter drive, the id and the day part's order
    used: set[str] = set()
    per_day: dict[int, int] = {}
    time_left = {k: s.late - s.early - (pl.lunch_minutes if s.lunch else 0) - pl.minutes(s.start, s.end)
                 for k, s in enumerate(p.segments)}
    value = 0.0
    for neg, _t, c, k, cost in items:
        day = p.segments[k].day
        if c in used or per_day.get(day, 0) >= pl.request.pace or time_left[k] < cost:
            continue
        used.add(c)
        per_day[day] = per_day.get(day, 0) + 1
        time_left[k] -= cost
        value -= neg
    if pl.request.min_stops_per_partner:
        covered = {pl.get(c, "partner") for c in used}
        for partner in pl.world.partners:
            if partner.name not in covered:
                value += min(0.0, best_of[partner.name]) if partner.name in best_of else -MISSED_PARTNER
    drive = sum(pl.minutes(s.start, s.end) for s in p.segments)
    return value - road_cost * drive


__all__ = ["candidate_plans", "rank_plans", "estimate", "reached", "hub_pool", "hub_value", "sequences",
           "nights_ok", "island_nights_ok", "TOP_HUBS", "OTHER_HUBS", "MAX_HUBS", "TOP_PLANS"]
