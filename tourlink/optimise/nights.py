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
from tourlink.optimise.crossings import crossing_options, day_trip_reason, island_port
from tourlink.optimise.days import Plan, make_segments
from tourlink.optimise.planning import Planning

#: hubs per land mass considered for the nights, and plans solved after screening
TOP_HUBS = 5
OTHER_HUBS = 2
TOP_PLANS = 8


def hub_value(pl: Planning, hub: str, *, radius: int = 120) -> float:
    """Summed prize of candidates within ``radius`` road minutes of ``hub``."""
    return sum(pl.prize(c) for c in pl.world.candidates if pl.minutes(hub, pl.road_id(c)) <= radius)


def hub_pool(pl: Planning) -> list[str]:
    """The hubs worth a night: the best ``TOP_HUBS`` of the start's zone and of the zone with the most
    partner hubs, ``OTHER_HUBS`` of others (zones are land masses, split into regions a day's drive
    apart when the request may fly: Hà Nội and the Mekong Delta)."""
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
        pool.extend(rank[:TOP_HUBS if z in (home, main) else OTHER_HUBS])
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
            segs = make_segments(pl, seq, crossings)
            if segs is not None:
                plans.append(Plan(seq, crossings, segs))
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


def rank_plans(pl: Planning, plans: list[Plan]) -> list[Plan]:
    """The plans worth solving: those reaching every must-visit's land mass, best estimate first,
    at most ``TOP_PLANS`` with the best two of each set of land masses visited kept."""
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
    """Quick upper-bound-like value of a plan: best prizes each day can reach, minus driving."""
    memo = pl.memo.setdefault("estimate", {})
    if p.key() not in memo:
        memo[p.key()] = _estimate(pl, p)
    return memo[p.key()]


def _estimate(pl: Planning, p: Plan) -> float:
    cache = pl.memo.setdefault("segment options", {})
    items = []
    for k, s in enumerate(p.segments):
        if s not in cache:
            opts = []
            for c in pl.world.candidates:
                road = pl.road_id(c)
                if pl.land(road) != pl.land(s.start):
                    continue
                t = pl.minutes(s.start, road) + pl.minutes(road, s.end)
                if t > s.cap:
                    continue
                if pl.windows(c, s.day):
                    opts.append((pl.prize(c), c, t))
            cache[s] = opts
        items.extend((pr, c, t, k) for pr, c, t in cache[s])
    items.sort(key=lambda x: (-x[0], x[2], x[1]))
    used: set[str] = set()
    per_day: dict[int, int] = {}
    time_left = {k: s.late - s.early - (pl.lunch_minutes if s.lunch else 0) - pl.minutes(s.start, s.end)
                 for k, s in enumerate(p.segments)}
    value = 0.0
    for pr, c, _t, k in items:
        day = p.segments[k].day
        cost = int(pl.get(c, "visit_minutes")) + 30
        if c in used or per_day.get(day, 0) >= pl.request.pace or time_left[k] < cost:
            continue
        used.add(c)
        per_day[day] = per_day.get(day, 0) + 1
        time_left[k] -= cost
        value += pr
    drive = sum(pl.minutes(s.start, s.end) for s in p.segments)
    return value - drive


__all__ = ["candidate_plans", "rank_plans", "estimate", "hub_pool", "hub_value", "sequences", "nights_ok",
           "TOP_HUBS", "OTHER_HUBS", "TOP_PLANS"]
