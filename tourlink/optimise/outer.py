"""The tour planner: :func:`plan` turns a :class:`~tourlink.request.TourRequest` into an Itinerary.

The outer layer chooses what the inner solver cannot: the overnight hub of each night
(candidate hub sequences — partner hubs first, nights spread across partners when asked —
screened by a quick estimate, the best few solved by :mod:`tourlink.optimise.inner`), the
sea crossings with their real departures (a crossing fixes where and when a day's segments
start or end), and partner coverage (an uncovered area gets its best reachable stop forced in
and the plan is solved again, starting from the previous solution). Each day is then timed
exactly (lunch pause inserted, floating markets by boat at dawn), repaired if the pause breaks
a window (the stop whose loss costs least is dropped), and the finished itinerary is verified
by the independent checker (:mod:`tourlink.optimise.check`): :func:`plan` never returns an
itinerary that fails it.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from tourlink.errors import InfeasibleError, NotFoundError
from tourlink.itinerary import TZ, Coverage, Day, Dropped, Itinerary, Leg, Stop
from tourlink.optimise import inner
from tourlink.optimise.build import (
    CHECKIN_MINUTES,
    DISEMBARK_MINUTES,
    EARLY_BOAT_MINUTES,
    NO_ROAD,
    Copy,
    Crossing,
    Plan,
    Segment,
    World,
    build_problem,
    fold,
    is_boat_site,
    load_world,
    make_segments,
    prize_of,
    visit_windows,
)
from tourlink.optimise.problem import Problem, Solution
from tourlink.request import TourRequest, hhmm

log = logging.getLogger(__name__)

#: hubs per land mass considered for the nights, and plans solved after screening
TOP_HUBS = 5
TOP_PLANS = 8
DEFAULT_TIME_LIMIT = 20.0


# ======================================================================== plan()
def plan(request: TourRequest, *, seed: int | None = None, time_limit: float | None = None,
         max_iterations: int | None = None, on_progress: Callable[[float, float], None] | None = None,
         world: World | None = None) -> Itinerary:
    """Plan the tour ``request`` asks for and return a checked :class:`Itinerary`.

    Parameters
    ----------
    request
        What to plan.
    seed
        Search seed (default: ``request.seed``); same seed and iteration limit, same result.
    time_limit
        Seconds of search in total (default: ``request.time_limit`` or 20 s).
    max_iterations
        Iterations per inner solve (deterministic; tests use it instead of a time limit).
    on_progress
        Called as ``on_progress(fraction_done, best_score_so_far)``.
    world
        Places and travel matrix to plan over (default: :func:`load_world` from the catalog).

    Raises
    ------
    InfeasibleError
        When the request cannot be met; the message says which constraint, where, by how much.
    """
    t0 = time.perf_counter()
    seed = request.seed if seed is None else seed
    if time_limit is None:
        time_limit = request.time_limit if request.time_limit is not None else DEFAULT_TIME_LIMIT
    if max_iterations is not None:
        time_limit = None
    world = world if world is not None else load_world(request)
    progress = on_progress or (lambda f, s: None)
    precheck(world, request)
    plans = candidate_plans(world, request)
    ranked = rank_plans(world, request, plans)
    log.debug("%d candidate plans; solving the best %d", len(plans), len(ranked))
    progress(0.05, 0.0)
    errors: list[str] = []
    built: dict[tuple[str, ...], tuple[Plan, Problem, list[Copy]]] = {}
    for p in ranked:
        problem, copies, _locs = build_problem(world, request, p)
        missing = [m for m in request.must if not any(c.dest == m for c in copies)]
        if missing:
            errors.extend(_why_unreachable(world, request, p, m) for m in missing)
            continue
        built[p.key()] = (p, problem, copies)
    if not built:
        raise InfeasibleError(sorted(set(errors)))
    deadline = None if time_limit is None else t0 + time_limit
    share = None if time_limit is None else 0.75 * max(0.5, time_limit - (time.perf_counter() - t0))
    from tourlink.optimise.hotels import best_sequence
    order = list(built)
    try:
        with _quiet_solver():
            key, sol = best_sequence(lambda k: built[k][1], order, seed=seed, time_limit=share,
                                     max_iterations=max_iterations, keep=min(3, len(order)))
    except InfeasibleError as exc:
        raise InfeasibleError(sorted(set(errors)) + exc.reasons) from None
    progress(0.8, sol.prize / 10)
    best: _Result | None = None
    for n, k in enumerate([key] + [x for x in order if x != key]):
        if deadline is not None and n and time.perf_counter() >= deadline:
            errors.append(f"time limit {time_limit:g} s reached before another plan could be tried")
            break
        p, problem, copies = built[k]
        try:
            best = _solve_plan(world, request, p, seed=seed, deadline=deadline, max_iterations=max_iterations,
                               first=(problem, copies, sol) if k == key else None)
            break
        except InfeasibleError as exc:
            errors.extend(exc.reasons)
    if best is None:
        raise InfeasibleError(sorted(set(errors)) or ["no plan meets the request"])
    log.debug("planned in %.1f s", time.perf_counter() - t0)
    itin = assemble(world, request, best, seed=seed)
    from tourlink.optimise.check import check
    problems = check(itin, request, world=world)
    if problems:
        raise InfeasibleError([f"internal check failed: {v}" for v in problems[:5]])
    progress(1.0, itin.score)
    return itin


@contextlib.contextmanager
def _quiet_solver():
    """PyVRP's penalty-bound warnings are search diagnostics: log them, the checker has the last word."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        log.debug("solver: %s: %s", w.category.__name__, str(w.message).strip().splitlines()[0])


# ====================================================================== prechecks
def precheck(world: World, request: TourRequest) -> None:
    """Raise InfeasibleError for requests no plan can meet (all reasons at once)."""
    reasons: list[str] = []
    ds, de = request.minutes("day_start"), request.minutes("day_end")
    places = world.places
    for m in request.must:
        if m not in places.index or places.at[m, "kind"] != "destination":
            raise NotFoundError("must-visit destination", m, _near(m, world.candidates))
        if m not in world.candidates:
            reasons.append(f"must-visit {world.name(m)} is excluded")
    for x in request.exclude:  # a typo would silently exclude nothing
        if x not in places.index or places.at[x, "kind"] != "destination":
            raise NotFoundError("destination to exclude", x, _near(x, sorted(set(places.index[
                places["kind"] == "destination"]))))
    if not world.candidates:
        reasons.append("no candidate destinations in the partner areas")
    else:
        shortest = min(int(places.at[c, "visit_minutes"]) for c in world.candidates)
        if de - ds - request.lunch_minutes < shortest:
            reasons.append(f"daily window {request.day_start}–{request.day_end} leaves "
                           f"{de - ds - request.lunch_minutes} min after lunch, shorter than the "
                           f"shortest visit ({shortest} min)")
    home = world.comp.get(world.start)
    for m in request.must:
        if m not in world.candidates:
            continue
        if not any(visit_windows(world, request, m, d) for d in range(request.days)):
            reasons.append(f"must-visit {world.name(m)} is closed on every tour day "
                           f"({request.start_date}–{request.start_date + timedelta(days=request.days - 1)}; "
                           f"hours {places.at[m, 'opening_hours']})")
        if world.comp.get(world.road_id(m)) != home and not request.sea:
            reasons.append(f"must-visit {world.name(m)} is reached only by boat but sea crossings are "
                           "not allowed (set sea = true)")
    if world.comp.get(world.end) != home and not request.sea:
        reasons.append(f"end place {world.name(world.end)} is reached only by boat but sea crossings "
                       "are not allowed (set sea = true)")
    k = request.min_stops_per_partner
    if k and world.partners:
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
    reasons.extend(_musts_exceed_days(world, request))
    for area in request.nights_in:
        if request.nights == 0:
            reasons.append(f"nights_in: a 1-day tour has no night to spend in {area}")
        elif not any(_in_area(world, h, area) for h in world.hubs):
            reasons.append(f"nights_in: no overnight hub in {area}")
    if reasons:
        raise InfeasibleError(reasons)


def _musts_exceed_days(world: World, request: TourRequest) -> list[str]:
    """The must-visits cannot all fit the tour's daily windows, by a lower bound.

    On a one-day tour the road time is that of the best order of the must-visits (up to six).
    Otherwise every must-visit is entered by one road leg and the last one is left by one more,
    so the road time is at least the sum of each must-visit's fastest way in (from the start,
    a hub, the end or another must-visit) plus the fastest way out of one of them. With the
    visits and the daily lunch, that is compared with the tour's daily windows. Only on the
    start's land mass (sea crossings are timed by the planner).
    """
    musts = [m for m in dict.fromkeys(request.must) if m in world.candidates]
    if not musts or any(world.comp.get(world.road_id(m)) != world.comp.get(world.start) for m in musts):
        return []
    ds, de = request.minutes("day_start"), request.minutes("day_end")
    if request.dawn and any(is_boat_site(world.row(m)) for m in musts):  # a dawn start for the market
        ds = min(ds, request.minutes("dawn_start"))
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


def _near(name: str, pool: list[str]) -> list[str]:
    import difflib
    return difflib.get_close_matches(name, pool, n=3, cutoff=0.5)


def _in_area(world: World, pid: str, area: str) -> bool:
    r = world.row(pid)
    key = fold(area)
    return any(fold(x) == key for x in (r["partner"], r["province_legacy"], r["province_2025"]) if x)


# ================================================================ candidate plans
def hub_value(world: World, request: TourRequest, hub: str, *, radius: int = 120) -> float:
    """Summed prize of candidates within ``radius`` road minutes of ``hub``."""
    return sum(prize_of(world, request, c) for c in world.candidates
               if world.minutes(hub, world.road_id(c)) <= radius)


def candidate_plans(world: World, request: TourRequest) -> list[Plan]:
    """Hub sequences × sea-crossing choices that can be driven; InfeasibleError if none."""
    n = request.nights
    home = world.comp[world.start]
    pool: list[str] = []
    comps = sorted({world.comp[h] for h in world.hubs}, key=lambda c: (c != home, c))
    for c in comps:
        if c != home and not request.sea:
            continue
        hubs = [h for h in world.hubs if world.comp[h] == c]
        prefer = [h for h in hubs if world.places.at[h, "partner"]] if request.partner_hubs_first else []
        rank = sorted(hubs, key=lambda h: (h not in prefer, -hub_value(world, request, h), h))
        pool.extend(rank[:TOP_HUBS if c == home else 2])
    seqs = list(_sequences(pool, n)) if n else [()]
    plans: list[Plan] = []
    reasons: set[str] = set()
    for seq in seqs:
        if not _nights_ok(world, request, seq):
            continue
        for crossings in _crossing_choices(world, request, seq, reasons):
            segs = make_segments(world, request, seq, crossings)
            if segs is not None:
                plans.append(Plan(seq, crossings, segs))
    if not plans:
        if not reasons:
            reasons.add("no sequence of overnight hubs fits the daily window, road-hours cap and "
                        "night rules (nights_in / spread_nights)")
        raise InfeasibleError(sorted(reasons))
    return plans


def _sequences(pool: list[str], n: int, max_blocks: int = 3):
    """Night sequences of ``n`` nights: up to ``max_blocks`` distinct hubs, never revisited."""
    for b in range(1, min(max_blocks, n) + 1):
        for cuts in itertools.combinations(range(1, n), b - 1):
            sizes = [e - s for s, e in zip((0, *cuts), (*cuts, n), strict=True)]
            for hubs in itertools.permutations(pool, b):
                yield tuple(h for h, k in zip(hubs, sizes, strict=True) for _ in range(k))


def _nights_ok(world: World, request: TourRequest, seq: tuple[str, ...]) -> bool:
    for area in request.nights_in:
        if not any(_in_area(world, h, area) for h in seq):
            return False
    if request.spread_nights and world.partners and seq:
        counts = [sum(1 for h in seq if world.get(h, "partner") == p.name) for p in world.partners]
        if sum(counts) < len(seq) or max(counts) - min(counts) > 1:
            return False
    home = world.comp[world.start]
    chain = [world.start, *seq, world.end]
    changes = sum(world.comp[a] != world.comp[b] for a, b in zip(chain[:-1], chain[1:], strict=True))
    return changes <= 2 and (request.sea or all(world.comp[h] == home for h in chain))


def _crossing_choices(world: World, request: TourRequest, seq: tuple[str, ...], reasons: set[str]):
    """Crossings per day that changes land mass: earliest and latest usable departure per link."""
    chain = [world.start, *seq, world.end]
    ds, de = request.minutes("day_start"), request.minutes("day_end")
    options: list[list[Crossing]] = []
    for d, (a, b) in enumerate(zip(chain[:-1], chain[1:], strict=True)):
        if world.comp[a] == world.comp[b]:
            continue
        day_opts: list[Crossing] = []
        for link in world.links:
            p, q = link.from_port, link.to_port
            if world.comp.get(p) != world.comp[a] or world.comp.get(q) != world.comp[b]:
                continue
            earliest = ds - EARLY_BOAT_MINUTES + world.minutes(a, p) + CHECKIN_MINUTES
            ok = [t for t in link.departures
                  if t >= earliest and t + link.duration_min + DISEMBARK_MINUTES + world.minutes(q, b) <= de]
            if ok:
                day_opts.extend(Crossing(d, link, t) for t in sorted({ok[0], ok[-1]}))
            elif link.departures:
                last = max(link.departures)
                reasons.add(f"{world.name(b)} cannot be reached on day {d + 1}: last boat from "
                            f"{world.name(p)} leaves {hhmm(last)}, earliest arrival at the port "
                            f"{hhmm(earliest - CHECKIN_MINUTES)} (+{CHECKIN_MINUTES} min check-in)")
        if not day_opts:
            if not any(world.comp.get(lk.from_port) == world.comp[a]
                       and world.comp.get(lk.to_port) == world.comp[b] for lk in world.links):
                reasons.add(f"{world.name(b)} cannot be reached from {world.name(a)} on day {d + 1}: "
                            "no road and no sea link")
            return
        options.append(day_opts)
    yield from (tuple(c) for c in itertools.product(*options))


def rank_plans(world: World, request: TourRequest, plans: list[Plan]) -> list[Plan]:
    """The plans worth solving: those reaching every must-visit's land mass, best estimate first,
    at most ``TOP_PLANS`` with the best two of each set of land masses visited kept."""
    need = {world.comp.get(world.road_id(m)) for m in request.must}
    fit = [p for p in plans if need <= {world.comp.get(s.start) for s in p.segments}]
    if not fit:
        home = world.comp.get(world.start)
        far = [m for m in request.must if world.comp.get(world.road_id(m)) != home]
        if far:
            raise InfeasibleError([f"must-visit {world.name(m)} is across the sea: a {request.days}-day tour "
                                   f"from {world.name(world.start)} cannot take the boat there and back "
                                   "(add a day, or end the tour there)" for m in far])
        names = ", ".join(world.name(m) for m in request.must)
        raise InfeasibleError(f"no plan of overnight hubs and boats reaches every must-visit ({names})")
    fit.sort(key=lambda p: (-estimate(world, request, p), p.key()))
    by_lands: dict[frozenset, list[Plan]] = {}
    for p in fit:
        by_lands.setdefault(frozenset(world.comp.get(s.start) for s in p.segments), []).append(p)
    keep = [p for group in by_lands.values() for p in group[:2]]
    keep += [p for p in fit if p not in keep][:max(0, TOP_PLANS - len(keep))]
    keep.sort(key=lambda p: (-estimate(world, request, p), p.key()))
    return keep[:max(TOP_PLANS, 2 * len(by_lands))]


# ====================================================================== estimate
def estimate(world: World, request: TourRequest, p: Plan) -> float:
    """Quick upper-bound-like value of a plan: best prizes each day can reach, minus driving."""
    memo = world.__dict__.setdefault("_estimate_cache", {})
    if p.key() not in memo:
        memo[p.key()] = _estimate(world, request, p)
    return memo[p.key()]


def _estimate(world: World, request: TourRequest, p: Plan) -> float:
    cache = world.__dict__.setdefault("_seg_cache", {})
    items = []
    for k, s in enumerate(p.segments):
        if s not in cache:
            opts = []
            for c in world.candidates:
                road = world.road_id(c)
                if world.comp.get(road) != world.comp.get(s.start):
                    continue
                t = world.minutes(s.start, road) + world.minutes(road, s.end)
                if t > s.cap:
                    continue
                if visit_windows(world, request, c, s.day):
                    opts.append((prize_of(world, request, c), c, t))
            cache[s] = opts
        items.extend((pr, c, t, k) for pr, c, t in cache[s])
    items.sort(key=lambda x: (-x[0], x[2], x[1]))
    used: set[str] = set()
    per_day: dict[int, int] = {}
    time_left = {k: s.late - s.early - (request.lunch_minutes if s.lunch else 0)
                 - world.minutes(s.start, s.end) for k, s in enumerate(p.segments)}
    value = 0.0
    for pr, c, _t, k in items:
        day = p.segments[k].day
        cost = int(world.get(c, "visit_minutes")) + 30
        if c in used or per_day.get(day, 0) >= request.pace or time_left[k] < cost:
            continue
        used.add(c)
        per_day[day] = per_day.get(day, 0) + 1
        time_left[k] -= cost
        value += pr
    drive = sum(world.minutes(s.start, s.end) for s in p.segments)
    return value - drive


# ============================================================== solving one plan
@dataclass
class _Timed:
    """One timed day: stops (incl. ports and lunch) and legs, plus what was dropped."""

    stops: list[Stop]
    legs: list[Leg]
    start_depart: datetime
    end_arrive: datetime
    visits: list[str]


@dataclass
class _Result:
    plan: Plan
    days: list[_Timed]
    score: float
    road: float
    problem: Problem
    copies: list[Copy]
    solution: Solution
    removed: dict[str, str]
    iterations: int


def _same_clients(a: Problem, b: Problem) -> bool:
    """Whether a solution of ``a`` is a valid start for ``b`` (same visit options, in order)."""
    key = [(c.location, c.group, c.tw_early, c.tw_late) for c in a.clients]
    return key == [(c.location, c.group, c.tw_early, c.tw_late) for c in b.clients]


def _solve_plan(world: World, request: TourRequest, p: Plan, *, seed: int, deadline: float | None,
                max_iterations: int | None, first: tuple[Problem, list[Copy], Solution] | None = None
                ) -> _Result:
    """Solve (or take ``first``), time the days, force coverage stops and re-solve if needed."""
    required: frozenset[str] = frozenset()
    previous: tuple[Problem, Solution] | None = None
    for _round in range(1 + len(world.partners)):
        if first is not None:
            problem, copies, sol = first
            first = None
        else:
            problem, copies, _locs = build_problem(world, request, p, required=required)
            missing = [m for m in (*request.must, *sorted(required)) if not any(c.dest == m for c in copies)]
            if missing:
                raise InfeasibleError([_why_unreachable(world, request, p, m) for m in missing])
            # start from the previous round's answer when the clients are the same (only `required`
            # changed); a re-solve gets what is left of the time limit (at least a second)
            start = previous[1] if previous and _same_clients(previous[0], problem) else None
            left = None if deadline is None else max(1.0, deadline - time.perf_counter())
            with _quiet_solver():
                sol = inner.solve(problem, seed=seed, time_limit=left, max_iterations=max_iterations,
                                  initial=start)
        previous = (problem, sol)
        if not sol.feasible:
            raise InfeasibleError(f"no feasible tour for hubs {', '.join(map(world.name, p.nights)) or '-'}"
                                  + (f" with must-visits {', '.join(map(world.name, request.must))}"
                                     if request.must else ""))
        days, removed = time_days(world, request, p, problem, copies, sol)
        visited = [v for d in days for v in d.visits]
        lacking = _uncovered(world, request, visited)
        if not lacking:
            break
        add = set()
        for partner in lacking:
            best = _best_reachable(world, request, copies, partner, set(visited) | required, p, days)
            if best is None:
                raise InfeasibleError(f"coverage: no stop in {partner} fits the tour (needs "
                                      f"{request.min_stops_per_partner}; add days, raise max_road_hours "
                                      "or set min_stops_per_partner = 0)")
            add.add(best)
        required = required | frozenset(add)
    else:
        raise InfeasibleError(f"coverage: {', '.join(lacking)} still below "
                              f"{request.min_stops_per_partner} stops")
    score = sum(prize_of(world, request, v) for v in visited) / 10
    road = sum(leg.minutes for d in days for leg in d.legs if leg.mode == "road")
    return _Result(p, days, score, road, problem, copies, sol, removed, sol.iterations)


def _uncovered(world: World, request: TourRequest, visited: list[str]) -> list[str]:
    k = request.min_stops_per_partner
    if not k:
        return []
    return [p.name for p in world.partners
            if sum(1 for v in visited if world.get(v, "partner") == p.name) < k]


def _best_reachable(world: World, request: TourRequest, copies: list[Copy], partner: str,
                    taken: set[str], p: Plan, days: list[_Timed]) -> str | None:
    """The partner's stop to force in: best score minus minutes it costs (visit + cheapest detour
    from the planned days' places), one point per minute."""
    def reach(dest: str) -> set[int]:  # segments that could take the visit (shortlist or not)
        road = world.road_id(dest)
        return {k for k, s in enumerate(p.segments) if world.comp.get(road) == world.comp.get(s.start)
                and world.minutes(s.start, road) + world.minutes(road, s.end) <= s.cap
                and visit_windows(world, request, dest, s.day)}
    where = {d: reach(d) for d in world.candidates if world.get(d, "partner") == partner and d not in taken}
    opts = sorted(d for d, ks in where.items() if ks)
    if not opts:
        return None
    chains = []
    for d, t in enumerate(days):
        ks = [k for k, s in enumerate(p.segments) if s.day == d]
        for k in ks:
            s = p.segments[k]
            mine = [v for v in t.visits if any(c.dest == v and c.segment == k for c in copies)]
            chains.append((k, [s.start, *[world.road_id(v) for v in mine], s.end]))

    def cost(dest: str) -> tuple[float, str]:
        road = world.road_id(dest)
        segs = where[dest]
        detour = min((world.minutes(a, road) + world.minutes(road, b) - world.minutes(a, b)
                      for k, ch in chains if k in segs for a, b in zip(ch[:-1], ch[1:], strict=True)),
                     default=NO_ROAD)
        return detour + int(world.get(dest, "visit_minutes")) - prize_of(world, request, dest) / 10, dest
    return min(opts, key=cost)


def _why_unreachable(world: World, request: TourRequest, p: Plan, dest: str) -> str:
    name = world.name(dest)
    road = world.road_id(dest)
    open_days = [d for d in range(request.days) if visit_windows(world, request, dest, d)]
    if not open_days:
        return f"must-visit {name} is closed on every tour day"
    reach = [s for s in p.segments if world.comp.get(s.start) == world.comp.get(road)]
    if not reach:
        return f"must-visit {name} is on another land mass and no crossing of this plan reaches it"
    s = min(reach, key=lambda s: world.minutes(s.start, road) + world.minutes(road, s.end))
    t = world.minutes(s.start, road) + world.minutes(road, s.end)
    if t > s.cap:
        return (f"must-visit {name}: the round trip from {world.name(s.start)} takes {t} min on the road, "
                f"{t - s.cap} min over the cap of {s.cap} min")
    return f"must-visit {name} does not fit the opening hours and daily window of any day"


# ================================================================= timing a day
class _Broken(Exception):
    pass


def _dt(request: TourRequest, day: int, minute: float) -> datetime:
    base = datetime.combine(request.start_date + timedelta(days=day), datetime.min.time(), tzinfo=TZ)
    return base + timedelta(minutes=int(minute))


def time_days(world: World, request: TourRequest, p: Plan, problem: Problem, copies: list[Copy],
              sol: Solution) -> tuple[list[_Timed], dict[str, str]]:
    """Timed days of a solution: lunch inserted, broken visits dropped; pace, road and budget caps."""
    per_seg: dict[int, list[str]] = {k: [] for k in range(len(p.segments))}
    for r in sol.routes:
        per_seg[r.vehicle] = [copies[c].dest for c in r.clients]
    removed: dict[str, str] = {}
    out: list[_Timed] = []
    lists_of: list[list[list[str]]] = []
    for day in range(request.days):
        ks = [k for k, s in enumerate(p.segments) if s.day == day]
        timed, lists = _time_repaired(world, request, p, day, [list(per_seg[k]) for k in ks], removed)
        out.append(timed)
        lists_of.append(lists)
    budget = request.budget_vnd
    while budget is not None:
        fees = sum(int(world.row(v)["fee_vnd"]) for d in out for v in d.visits) * request.group_size
        fares = sum(leg.fare_vnd for d in out for leg in d.legs)
        if fees + fares <= budget:
            break
        pool = [(v, day) for day, d in enumerate(out) for v in d.visits
                if int(world.row(v)["fee_vnd"]) > 0 and v not in request.must]
        if fares > budget or not pool:
            raise InfeasibleError(f"budget: fees {fees:,} VND + fares {fares:,} VND for {request.group_size} "
                                  f"people are {fees + fares - budget:,} VND over the budget of "
                                  f"{budget:,} VND")

        def worth(x: tuple[str, int]) -> tuple[float, str]:
            return prize_of(world, request, x[0]) / int(world.row(x[0])["fee_vnd"]), x[0]
        victim, day = min(pool, key=worth)
        removed[victim] = "budget: its fee would break the budget"
        lists = [[v for v in ls if v != victim] for ls in lists_of[day]]
        out[day], lists_of[day] = _time_repaired(world, request, p, day, lists, removed)
    return out, removed


def _time_repaired(world: World, request: TourRequest, p: Plan, day: int, lists: list[list[str]],
                   removed: dict[str, str]) -> tuple[_Timed, list[list[str]]]:
    """Time one day, dropping the cheapest visit until the day keeps every rule."""
    ks = [k for k, s in enumerate(p.segments) if s.day == day]
    crossing = next((c for c in p.crossings if c.day == day), None)
    while True:
        try:
            timed = _time_day(world, request, day, [p.segments[k] for k in ks], lists, crossing)
        except _Broken as exc:
            timed, why = None, str(exc)
        else:
            why = _day_limits(world, request, timed)
        if not why:
            return timed, lists
        victim = _cheapest(world, request, lists, road=why.endswith(_ROAD_MARK),
                           segs=[p.segments[k] for k in ks])
        if victim is None:
            raise InfeasibleError(f"day {day + 1}: {why}")
        removed[victim] = f"time: {why}"
        lists = [[v for v in ls if v != victim] for ls in lists]


_ROAD_MARK = "h on the road cap"


def _cheapest(world: World, request: TourRequest, lists: list[list[str]], *, road: bool = False,
              segs: list[Segment] | None = None) -> str | None:
    """The visit to drop first (never a must-visit): lowest prize, or when the road cap is broken,
    lowest prize per road minute saved."""
    pool = [v for ls in lists for v in ls if v not in request.must]
    if not pool:
        return None
    if not road or segs is None:
        return min(pool, key=lambda v: (prize_of(world, request, v), v))
    saved: dict[str, int] = {}
    for s, ls in zip(segs, lists, strict=True):
        chain = [s.start, *[world.road_id(v) for v in ls], s.end]
        for k, v in enumerate(ls):
            a, b, c = chain[k], chain[k + 1], chain[k + 2]
            saved[v] = world.minutes(a, b) + world.minutes(b, c) - world.minutes(a, c)
    return min(pool, key=lambda v: (prize_of(world, request, v) / max(1, saved.get(v, 0)), v))


def _day_limits(world: World, request: TourRequest, t: _Timed) -> str:
    if len(t.visits) > request.pace:
        return f"{len(t.visits)} visits, more than pace {request.pace}"
    road = sum(leg.minutes for leg in t.legs if leg.mode == "road")
    if road > request.max_road_hours * 60:
        return f"{road / 60:.1f} h on the road, over the {request.max_road_hours:g} {_ROAD_MARK}"
    return ""


def _time_day(world: World, request: TourRequest, day: int, segs: list[Segment], lists: list[list[str]],
              crossing: Crossing | None) -> _Timed:
    lm = request.lunch_minutes
    lunch_done = lm == 0
    stops: list[Stop] = []
    legs: list[Leg] = []
    start_depart = end_arrive = None
    for i, (s, dests) in enumerate(zip(segs, lists, strict=True)):
        first_seg = i == 0
        if first_seg and crossing is not None and not dests:
            t0 = max(s.early, s.late - world.minutes(s.start, s.end) - (lm if s.lunch else 0))
        elif first_seg:
            t0 = _best_departure(world, request, s, dests)
        else:
            t0 = s.early
        if s.lunch and not lunch_done:
            ev = _with_lunch(world, request, day, s, dests, t0)
            lunch_done = ev is not None
        else:
            ev = None
        if ev is None:
            ev = _time_segment(world, request, day, s, dests, t0, None)
        seg_stops, seg_legs, dep, arr = ev
        if first_seg:
            start_depart = dep
        stops.extend(seg_stops)
        legs.extend(seg_legs)
        if crossing is not None and i == 0:
            # wait at the port, board, cross, get off
            lk = crossing.link
            port_a, port_b = world.row(lk.from_port), world.row(lk.to_port)
            if arr > crossing.depart - CHECKIN_MINUTES:
                raise _Broken(f"misses the {hhmm(crossing.depart)} boat at {world.name(lk.from_port)}")
            stops.append(_place_stop(world, request, lk.from_port, day, arr, crossing.depart, kind="port"))
            legs.append(Leg(lk.from_port, lk.to_port, lk.mode, _km(port_a, port_b), float(lk.duration_min),
                            _dt(request, day, crossing.depart), _dt(request, day, crossing.arrive),
                            name=" ".join(x for x in (lk.operator, lk.id) if x),
                            fare_vnd=lk.fare_vnd * request.group_size,
                            geometry=((port_a["lon"], port_a["lat"]), (port_b["lon"], port_b["lat"]))))
            stops.append(_place_stop(world, request, lk.to_port, day, crossing.arrive,
                                     crossing.arrive + DISEMBARK_MINUTES, kind="port"))
        end_arrive = arr
    if not lunch_done and _onboard_minutes(request, stops, legs) < lm:
        raise _Broken("no time for the lunch pause")
    if end_arrive > segs[-1].late:
        raise _Broken(f"arrives at {world.name(segs[-1].end)} at {hhmm(end_arrive)}, after "
                      f"{hhmm(segs[-1].late)}")
    visits = [x for ls_ in lists for x in ls_]
    return _Timed(stops, legs, _dt(request, day, start_depart), _dt(request, day, end_arrive), visits)


def _onboard_minutes(request: TourRequest, stops: list[Stop], legs: list[Leg]) -> int:
    """Minutes of the lunch window spent waiting at a sea port or on a boat (lunch on board)."""
    if not stops:
        return 0
    day = stops[0].arrive.date()
    midnight = datetime.combine(day, datetime.min.time(), tzinfo=TZ)
    lo = midnight + timedelta(minutes=request.minutes("lunch_start"))
    hi = midnight + timedelta(minutes=request.minutes("lunch_end"))
    spans = [(s.arrive, s.depart) for s in stops if s.kind == "port"]
    spans += [(leg.depart, leg.arrive) for leg in legs if leg.mode in ("fast_boat", "car_ferry")]
    total = sum(max(0.0, (min(b, hi) - max(a, lo)).total_seconds() / 60) for a, b in spans)
    return int(total)


def _best_departure(world: World, request: TourRequest, s: Segment, dests: list[str]) -> int:
    """Leave the day's first place as late as the first visit allows (dawn only for a market)."""
    if not dests:
        return s.early
    first = dests[0]
    r = world.row(first)
    boat = int(r["access_boat_minutes"]) if is_boat_site(r) else 0
    travel = world.minutes(s.start, world.road_id(first))
    wins = visit_windows(world, request, first, s.day)
    earliest = (request.minutes("dawn_start") if boat and s.dawn else s.early)
    for e, late in wins:
        arrive_site = earliest + travel + boat
        if arrive_site <= late:
            return max(earliest, e - boat - travel)
    return s.early


def _with_lunch(world: World, request: TourRequest, day: int, s: Segment, dests: list[str], t0: int):
    """The segment timed with the lunch pause at the boundary that ends it earliest (None if none fits)."""
    best = None
    for k in range(len(dests) + 1):
        try:
            ev = _time_segment(world, request, day, s, dests, t0, k)
        except _Broken:
            continue
        if ev[3] <= s.late and (best is None or ev[3] < best[3]):
            best = ev
    return best


def _time_segment(world: World, request: TourRequest, day: int, s: Segment, dests: list[str], t0: int,
                  lunch_k: int | None):
    """Stops and legs of a segment leaving ``s.start`` at ``t0``, with the lunch pause (if
    ``lunch_k`` is not None) before the ``lunch_k``-th leg; raise _Broken if a visit misses its hours."""
    ls, le, lm = request.minutes("lunch_start"), request.minutes("lunch_end"), request.lunch_minutes
    stops: list[Stop] = []
    legs: list[Leg] = []
    t = t0
    here = s.start
    chain = list(dests) + [None]
    for idx, nxt in enumerate(chain):
        target = s.end if nxt is None else world.road_id(nxt)
        drive = world.minutes(here, target)
        if drive >= NO_ROAD:
            raise _Broken(f"no road from {world.name(here)} to {world.name(target)}")
        if idx == lunch_k:
            start_l = max(t, ls)
            if start_l + lm > le:
                raise _Broken("no time for the lunch pause")
            stops.append(_lunch_stop(world, request, here, day, start_l, start_l + lm, stops))
            t = start_l + lm
        legs.append(_road_leg(world, request, here, target, day, t, t + drive))
        t += drive
        if nxt is None:
            break
        r = world.row(nxt)
        boat = int(r["access_boat_minutes"]) if is_boat_site(r) else 0
        visit_start, _ = _visit_span(world, request, day, nxt, t)
        if visit_start is None:
            raise _Broken(f"{world.name(nxt)} is closed when the group arrives at {hhmm(t + boat)}")
        if boat:
            pier = target
            bs = visit_start - boat
            stops.append(_place_stop(world, request, pier, day, t, bs, kind="port"))
            legs.append(_boat_leg(world, request, pier, nxt, day, bs, visit_start))
            back = visit_start + int(r["visit_minutes"])
            stops.append(_dest_stop(world, request, nxt, day, visit_start, back))
            legs.append(_boat_leg(world, request, nxt, pier, day, back, back + boat))
            t = back + boat
            stops.append(_place_stop(world, request, pier, day, t, t, kind="port"))
        else:
            stops.append(_dest_stop(world, request, nxt, day, t, visit_start + int(r["visit_minutes"]),
                                    visit_start=visit_start))
            t = visit_start + int(r["visit_minutes"])
        here = target
    return stops, legs, t0, t


def _visit_span(world: World, request: TourRequest, day: int, dest: str, arrive_road: int):
    """(visit start, minutes from road arrival to leaving the road place) or (None, big)."""
    r = world.row(dest)
    boat = int(r["access_boat_minutes"]) if is_boat_site(r) else 0
    visit = int(r["visit_minutes"])
    for e, late in visit_windows(world, request, dest, day):
        vs = max(arrive_road + boat, e)
        if vs <= late:
            return vs, vs - arrive_road + visit + boat
    return None, 10 ** 6


# ============================================================== building blocks
def _km(a, b) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (a["lon"], a["lat"], b["lon"], b["lat"]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return round(2 * 6371.0 * math.asin(math.sqrt(h)), 2)


def _place_stop(world: World, request: TourRequest, pid: str, day: int, arrive: int, depart: int, *,
                kind: str) -> Stop:
    r = world.row(pid)
    return Stop(id=pid, name=str(r["name"]), lon=float(r["lon"]), lat=float(r["lat"]),
                arrive=_dt(request, day, arrive), depart=_dt(request, day, depart), kind=kind,
                name_en=str(r["name_en"]), province_legacy=str(r["province_legacy"]),
                province_2025=str(r["province_2025"]), partner=str(r["partner"]))


def _dest_stop(world: World, request: TourRequest, pid: str, day: int, arrive: int, depart: int, *,
               visit_start: int | None = None) -> Stop:
    r = world.row(pid)
    base = _place_stop(world, request, pid, day, arrive, depart, kind="destination")
    return replace(base, themes=tuple(r["themes"]), visit_minutes=int(r["visit_minutes"]),
                   fee_vnd=int(r["fee_vnd"]), opening_hours=str(r["opening_hours"]),
                   score=round(prize_of(world, request, pid) / 10, 1))


def _lunch_stop(world: World, request: TourRequest, pid: str, day: int, a: int, b: int,
                stops: list[Stop]) -> Stop:
    r = world.row(pid)
    return Stop(id=f"lunch-{day + 1}", name=f"Lunch near {r['name']}",
                lon=float(r["lon"]), lat=float(r["lat"]), arrive=_dt(request, day, a),
                depart=_dt(request, day, b), kind="lunch", name_en="Lunch")


def _road_leg(world: World, request: TourRequest, a: str, b: str, day: int, dep: int, arr: int) -> Leg:
    name, geom = "", ()
    km = world.km(a, b)
    if a != b:
        try:
            info = world.matrix.leg(a, b)
            roads = [x for x in (getattr(info, "roads", None) or []) if x]
            name = " · ".join(dict.fromkeys(roads[:4]))
            geom = tuple((float(x), float(y)) for x, y in (getattr(info, "geometry", None) or []))
            km = float(getattr(info, "km", km))
        except (LookupError, ValueError, AttributeError, NotImplementedError):
            pass
    if not geom:
        ra, rb = world.row(a), world.row(b)
        geom = ((float(ra["lon"]), float(ra["lat"])), (float(rb["lon"]), float(rb["lat"])))
    return Leg(a, b, "road", round(km, 2), float(arr - dep), _dt(request, day, dep), _dt(request, day, arr),
               name=name, geometry=geom)


def _boat_leg(world: World, request: TourRequest, a: str, b: str, day: int, dep: int, arr: int) -> Leg:
    ra, rb = world.row(a), world.row(b)
    geom = ((float(ra["lon"]), float(ra["lat"])), (float(rb["lon"]), float(rb["lat"])))
    return Leg(a, b, "boat", _km(ra, rb), float(arr - dep), _dt(request, day, dep), _dt(request, day, arr),
               name="boat", geometry=geom)


# ==================================================================== itinerary
def assemble(world: World, request: TourRequest, res: _Result, *, seed: int) -> Itinerary:
    """The Itinerary of a solved and timed plan: days, dropped candidates, coverage, score."""
    p = res.plan
    chain = [world.start, *p.nights, world.end]
    days = []
    for d, t in enumerate(res.days):
        start = _place_stop(world, request, chain[d], d, 0, 0, kind=_kind(world, chain[d]))
        start = replace(start, arrive=t.start_depart, depart=t.start_depart)
        end = _place_stop(world, request, chain[d + 1], d, 0, 0, kind=_kind(world, chain[d + 1]))
        end = replace(end, arrive=t.end_arrive, depart=t.end_arrive)
        days.append(Day(index=d + 1, date=request.start_date + timedelta(days=d), start=start, end=end,
                        stops=tuple(t.stops), legs=tuple(t.legs), overnight=d < request.days - 1))
    visited = {v for t in res.days for v in t.visits}
    offered = {c.dest for c in res.copies}
    dropped = []
    for c in world.candidates:
        if c in visited:
            continue
        if c in res.removed:
            why = res.removed[c]
        elif not any(visit_windows(world, request, c, d) for d in range(request.days)):
            why = "closed on every tour day"
        elif c in offered:
            why = "not worth the detour"
        else:
            why = "time: out of reach of the day's hubs within the daily window and road cap"
        dropped.append(Dropped(c, world.name(c), why))
    coverage = []
    for pt in world.partners:
        stops = sum(1 for v in visited if world.places.at[v, "partner"] == pt.name)
        nights = sum(1 for h in p.nights if world.places.at[h, "partner"] == pt.name)
        coverage.append(Coverage(pt.name, pt.province_legacy, pt.province_2025, stops, nights))
    names = [pt.name for pt in world.partners]
    title = request.title or (f"{request.days}-day tour: " + " – ".join(names) if names else "Tour")
    return Itinerary(days=tuple(days), request=request.to_dict(), title=title, partnership=world.partnership,
                     dropped=tuple(dropped), coverage=tuple(coverage), score=round(res.score, 1),
                     meta={"seed": seed, "iterations": res.iterations,
                           "plan": list(p.key()), "prize_rule": "score x largest theme weight"})


def _kind(world: World, pid: str) -> str:
    k = str(world.places.at[pid, "kind"])
    return k if k in ("lodging", "port", "destination") else "place"


__all__ = ["plan", "precheck", "candidate_plans", "estimate", "time_days", "assemble"]
