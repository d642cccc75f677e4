"""The tour planner: :func:`plan` turns a :class:`~tourlink.request.TourRequest` into an Itinerary.

The planning state (the world and the request) lives in one
:class:`~tourlink.optimise.planning.Planning`; each concern has its module:

* :mod:`~tourlink.optimise.precheck` — requests no plan can meet, every reason at once;
* :mod:`~tourlink.optimise.nights` — candidate overnight-hub sequences (partner hubs first,
  nights spread across partners when asked), screened by a quick estimate;
* :mod:`~tourlink.optimise.crossings` — the timetabled crossings with their real departures
  (a crossing fixes where and when a day's segments start or end);
* :mod:`~tourlink.optimise.days` and :mod:`~tourlink.optimise.build` — the segments of each
  day and the solver's problem; :mod:`~tourlink.optimise.inner` solves it, the best few plans
  through :func:`~tourlink.optimise.hotels.best_sequence`;
* :mod:`~tourlink.optimise.coverage` — an uncovered partner area gets a required group of its
  stops (the solver picks one, and its day) and the plan is solved again, starting from the
  previous solution; a round's tour that breaks a rule also counts with the breaking visits
  dropped (:func:`_drop_over`);
* :mod:`~tourlink.optimise.timing` — each day timed exactly (lunch pause, floating markets
  by boat at dawn), repaired if the pause breaks a window (the stop whose loss costs least
  is dropped);
* :mod:`~tourlink.optimise.polish` — the best round's tour improved move by move on the tour's
  own score (repeats of a kind decayed), which the solver's fixed prizes only approximate.

The finished itinerary is verified by the independent checker
(:mod:`tourlink.optimise.check`): :func:`plan` never returns an itinerary that fails it.
"""

from __future__ import annotations

import contextlib
import logging
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

from tourlink.errors import InfeasibleError
from tourlink.itinerary import Coverage, Day, Dropped, Itinerary
from tourlink.optimise import coverage, inner, polish, seeds, variety
from tourlink.optimise.build import Copy, build_problem
from tourlink.optimise.days import Plan
from tourlink.optimise.nights import candidate_plans, rank_plans
from tourlink.optimise.planning import Planning
from tourlink.optimise.precheck import precheck, why_unreachable
from tourlink.optimise.problem import Problem, Solution, evaluate
from tourlink.optimise.stops import place_stop
from tourlink.optimise.timing import Timed, day_plans, time_days, zigzag_bans
from tourlink.optimise.world import World, load_world
from tourlink.request import TourRequest

log = logging.getLogger(__name__)

DEFAULT_TIME_LIMIT = 20.0
#: solves of one plan at most: the first, then rounds for coverage, variety and repetition
MAX_ROUNDS = 10
#: share of the search time that goes to choosing the plan (the rest to its rounds)
SEQUENCE_SHARE = 0.5
#: plans that go on from screening to the halving rounds (:func:`~tourlink.optimise.hotels.best_sequence`)
SEQUENCE_KEEP = 3
#: share of the time left that a round's re-solve gets (unless it is the last possible round), and
#: the least time worth a re-solve
ROUND_SHARE = 0.7
#: re-solves with the values repriced by a rule-abiding round's kinds, at most
MAX_REPRICES = 3
MIN_SOLVE_SECONDS = 0.2
#: a longer time limit is split into searches of about this long, seeded apart, the best kept: one
#: long search sinks into its first tour's shape (the 5-day Mekong example: 648.7–671.7 in
#: 300 s runs, 702–716 in most 20 s runs)
RESTART_SECONDS = 20.0
#: share of the rounds' time kept for polishing the best round's tour (:mod:`~tourlink.optimise.polish`);
#: measured on the real-tour bench (9 tours x 4 seeds, one evening, the same references): 0.1 mean
#: gap 0.83 %, 0.25 0.37 %; 0.4 starves the rounds (the 5-day Mekong tour up to 13 % below)
POLISH_SHARE = 0.25
#: what the polish keeps when a round broke no rule and the next would only reprice: the polish
#: weighs the repeats of a kind exactly, a re-solve through fixed prices (see the README's benchmarks)
REPRICE_POLISH_SHARE = 0.5


def plan(request: TourRequest, *, seed: int | None = None, time_limit: float | None = None,
         max_iterations: int | None = None, on_progress: Callable[[float, float], None] | None = None,
         world: World | None = None, jobs: int | None = None) -> Itinerary:
    """Plan the tour ``request`` asks for and return a checked :class:`Itinerary`.

    Parameters
    ----------
    request
        What to plan.
    seed
        Search seed (default: ``request.seed``); same seed and iteration limit, same result.
    time_limit
        Seconds of search in total (default: ``request.time_limit`` or 20 s); a limit of ``k`` times
        :data:`RESTART_SECONDS` or more runs ``k`` searches one after the other, seeded apart, and
        keeps the best tour.
    max_iterations
        Iterations per inner solve (deterministic; tests use it instead of a time limit).
    on_progress
        Called as ``on_progress(fraction_done, best_score_so_far)``.
    world
        Places and travel matrix to plan over (default: :func:`load_world` from the catalog).
    jobs
        Searches side by side with seeds ``seed``, ``seed + 1``, … within the time limit (of each
        restart, which goes on with the next seeds), the best kept (default: one per core, at
        most 2, where :func:`~tourlink.optimise.seeds.can_fork`; with ``max_iterations`` always 1,
        so the result is repeatable).

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
    pl = Planning(world, request)
    progress = on_progress or (lambda f, s: None)
    precheck(pl)
    plans = candidate_plans(pl)
    ranked = rank_plans(pl, plans)
    log.debug("%d candidate plans; solving the best %d", len(plans), len(ranked))
    progress(0.05, 0.0)
    errors: list[str] = []
    built: dict[tuple[str, ...], tuple[Plan, Problem, list[Copy]]] = {}
    for p in ranked:
        problem, copies, _locs = build_problem(pl, p, bonus=coverage.picks(pl, p), cover=_screen_cover(pl, p))
        missing = [m for m in request.must if not any(c.dest == m for c in copies)]
        if missing:
            errors.extend(why_unreachable(pl, p, m) for m in missing)
            continue
        built[p.key()] = (p, problem, copies)
    if not built:
        raise InfeasibleError(sorted(set(errors)))
    deadline = None if time_limit is None else t0 + time_limit
    n = 1 if time_limit is None else seeds.jobs(jobs)
    runs = 1 if time_limit is None else max(1, int(time_limit // RESTART_SECONDS))

    def rank(it: Itinerary) -> tuple[int, float]:
        return _rank(pl, [s.id for s in it.visits])

    itin: Itinerary | None = None
    failure: InfeasibleError | None = None
    for r in range(runs):  # restarts: the time split into searches seeded apart, the best kept
        now = time.perf_counter()
        until = None if deadline is None else now + (deadline - now) / (runs - r)
        first = seed + r * n

        def search(s: int, until: float | None = until, r: int = r, first: int = first) -> Itinerary:
            return _search(pl, built, errors, seed=s, deadline=until, max_iterations=max_iterations,
                           progress=(lambda f, x: progress((r + f) / runs, x)) if s == first
                           else (lambda f, x: None))
        try:
            found = search(first) if n == 1 else \
                seeds.best_of(search, [first + k for k in range(n)], key=rank)
        except InfeasibleError as exc:
            failure = failure or exc
            continue
        if itin is None or rank(found) > rank(itin):
            itin = found
    if itin is None:
        assert failure is not None
        raise failure
    log.debug("planned in %.1f s (%d searches of %d seeds)", time.perf_counter() - t0, runs, n)
    progress(1.0, itin.score)
    return itin


def _search(pl: Planning, built: dict, errors: list[str], *, seed: int, deadline: float | None,
            max_iterations: int | None, progress: Callable[[float, float], None]) -> Itinerary:
    """The best of the built plans with ``seed``: the plan by :func:`~tourlink.optimise.hotels.
    best_sequence`, then its rounds (:func:`_solve_plan`), assembled and checked."""
    from tourlink.optimise.check import check
    from tourlink.optimise.hotels import best_sequence

    request = pl.request
    errors = list(errors)
    time_limit = None if deadline is None else deadline - time.perf_counter()
    share = None if deadline is None else SEQUENCE_SHARE * max(0.5, time_limit)
    order = list(built)
    try:
        with _quiet_solver():
            key, sol = best_sequence(lambda k: built[k][1], order, seed=seed, time_limit=share,
                                     max_iterations=max_iterations, keep=min(SEQUENCE_KEEP, len(order)))
    except InfeasibleError as exc:
        raise InfeasibleError(sorted(set(errors)) + exc.reasons) from None
    progress(0.8, sol.prize / 10)
    best: _Result | None = None
    for n, k in enumerate([key] + [x for x in order if x != key]):
        if deadline is not None and n and time.perf_counter() >= deadline:
            errors.append("time limit reached before another plan could be tried")
            break
        p, problem, copies = built[k]
        try:
            best = _solve_plan(pl, p, seed=seed, deadline=deadline, max_iterations=max_iterations,
                               first=(problem, copies, sol) if k == key else None)
            break
        except InfeasibleError as exc:
            errors.extend(exc.reasons)
    if best is None:
        raise InfeasibleError(sorted(set(errors)) or ["no plan meets the request"])
    itin = assemble(pl, best, seed=seed)
    problems = check(itin, request, world=pl.world)
    if problems:
        raise InfeasibleError([f"internal check failed: {v}" for v in problems[:5]])
    return itin


@contextlib.contextmanager
def _quiet_solver():
    """PyVRP's penalty-bound warnings are search diagnostics: log them, the checker has the last word."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        log.debug("solver: %s: %s", w.category.__name__, str(w.message).strip().splitlines()[0])


@dataclass
class _Result:
    plan: Plan
    days: list[Timed]
    score: float
    problem: Problem
    copies: list[Copy]
    solution: Solution
    removed: dict[str, str]
    iterations: int
    uncovered: dict[str, str]  # partner → why it has no stop
    planned: int  # visits the solver planned (less those a rule dropped); the timed days keep ``len(visits)``


def _carry(previous: tuple[Problem, list[Copy], Solution] | None, problem: Problem,
           copies: list[Copy]) -> Solution | None:
    """The previous round's routes as a start for ``problem``: each visit found again by what it
    stands for (destination or lunch of a segment, road place, window); a visit no longer offered
    is left out (None: nothing left). Not by location index: a round that offers other places
    numbers its locations anew."""
    if previous is None:
        return None
    old, old_copies, sol = previous

    def key(pr: Problem, cs: list[Copy], i: int) -> tuple:
        c = pr.clients[i]
        return c.name, cs[i].place, c.tw_early, c.tw_late

    where: dict[tuple, int] = {}
    for i in range(len(problem.clients)):
        where.setdefault(key(problem, copies, i), i)
    routes = []
    for r in sol.routes:
        mapped = [where[k] for k in (key(old, old_copies, i) for i in r.clients) if k in where]
        if mapped:
            routes.append((r.vehicle, mapped))
    return evaluate(problem, routes)[0] if routes else None


def _solve_plan(pl: Planning, p: Plan, *, seed: int, deadline: float | None, max_iterations: int | None,
                first: tuple[Problem, list[Copy], Solution] | None = None) -> _Result:
    """Solve (or take ``first``), time the days, and solve again while the tour breaks a tour rule.

    Each round may force in a stop for each partner without one (coverage), ban the visits over a
    kind's cap (variety) or zigzagging, and reprice the candidates by the kinds visited (the
    solver's values are fixed per place; the tour's score decays for a kind's repeats). A round
    that breaks no rule is a candidate tour; repricing goes on from it (up to
    :data:`MAX_REPRICES` times) while it improves the score. Every round, with what breaks a rule
    dropped (:func:`_drop_over`), is a candidate; the best (:func:`_key`) is the tour, polished
    where that ranks higher (:func:`_polished`; the rounds leave it :data:`POLISH_SHARE` of their time).
    A partner the plan cannot serve gets a reason; with ``strict_coverage`` that is an
    InfeasibleError.
    """
    request = pl.request
    end = repricing = deadline
    if deadline is not None:  # the rounds leave time for the polish, the polish for timing its tour
        left = max(0.0, deadline - time.perf_counter())
        reserve = POLISH_SHARE * left
        deadline, end = deadline - reserve, deadline - 0.2 * reserve
        repricing = end - REPRICE_POLISH_SHARE * left
    broke = True  # whether the last round broke a rule (a re-solve that only reprices stops at ``repricing``)
    required: frozenset[str] = frozenset()
    banned: frozenset[tuple[str, int]] = frozenset()
    values: dict[str, int] | None = None
    cannot = coverage.why_uncovered(pl, p) if request.min_stops_per_partner else {}
    if cannot and request.strict_coverage:
        raise InfeasibleError([f"coverage: {who} gets no stop: {why}" for who, why in cannot.items()])
    given_up: dict[str, str] = dict(cannot)
    bonus = coverage.picks(pl, p)
    previous: tuple[Problem, list[Copy], Solution] | None = None
    cover = _screen_cover(pl, p)  # partners given a required group of their stops
    forced_last: frozenset[str] = frozenset()  # partners forced in by the last round
    result = None
    top: tuple[int, float] | None = None  # the key of the best round that breaks no rule
    kept: tuple[tuple[int, float], tuple] | None = None  # the best round, what breaks a rule dropped
    reprices = 0
    for _round in range(MAX_ROUNDS):
        if first is not None:
            problem, copies, sol = first
            first = None
        else:
            problem, copies, _locs = build_problem(pl, p, required=required, banned=banned, values=values,
                                                   bonus=bonus, cover=cover)
            offered = {c.dest for c in copies}
            missing = [m for m in request.must if m not in offered]
            if missing:
                raise InfeasibleError([why_unreachable(pl, p, m) for m in missing])
            lost = sorted(m for m in required if m not in offered)  # a coverage stop that cannot be offered
            if lost:
                for m in lost:
                    given_up[pl.get(m, "partner")] = f"its stop {pl.name(m)} does not fit the days' hours"
                required = required - frozenset(lost)
                continue
            # start from the previous round's answer (what is still offered of it); a re-solve
            # gets a share of what is left of the time limit (all of it in the last round), none
            # when nothing is left: the tour is then the last round's
            start = _carry(previous, problem, copies)
            stop = deadline if broke else repricing
            left = None if stop is None else stop - time.perf_counter()
            if left is not None and left < MIN_SOLVE_SECONDS and result is not None:
                for partner in coverage.uncovered(pl, [v for d in result[3] for v in d.visits]):
                    given_up.setdefault(partner, "the time limit was reached before its stop could be fitted")
                break
            if left is not None and _round < MAX_ROUNDS - 1:
                left = max(MIN_SOLVE_SECONDS, ROUND_SHARE * left)
            with _quiet_solver():
                sol = inner.solve(problem, seed=seed, time_limit=left, max_iterations=max_iterations,
                                  initial=start)
        if not sol.feasible and forced_last and result is not None:
            # the partners' stops forced last do not fit together: keep the most valuable half
            drop = sorted(forced_last, key=lambda x: (_best_value(pl, x), x))[:max(1, len(forced_last) // 2)]
            for x in drop:
                given_up[x] = "no room: the days are full with the other partners' stops"
            required = frozenset(m for m in required if pl.get(m, "partner") not in drop)
            cover, forced_last = cover - frozenset(drop), forced_last - frozenset(drop)
            continue
        if not sol.feasible:
            raise InfeasibleError(f"no feasible tour for hubs {', '.join(map(pl.name, p.nights)) or '-'}"
                                  + (f" with must-visits {', '.join(map(pl.name, request.must))}"
                                     if request.must else ""))
        previous = (problem, copies, sol)
        plans, leave = day_plans(p, copies, sol)
        days, plans, removed = time_days(pl, p, plans, leave)
        visited = [v for d in days for v in d.visits]
        result = (problem, copies, sol, days, plans, removed, 0)
        over = variety.over_caps(pl, [d.visits for d in days], keep=required)
        add: set[str] = set()  # a partner's stop to force in (its group's stop did not survive the timing)
        group: set[str] = set()  # partners to give a required group of their stops
        for partner in coverage.uncovered(pl, visited):
            if partner in given_up:
                continue
            best = coverage.best_reachable(pl, copies, partner, set(visited) | required, p, days)
            if best is None:
                given_up[partner] = "no stop of it fits the days of this tour"
            elif partner in cover:
                add.add(best)
            else:
                group.add(partner)
        sole = coverage.sole(pl, visited)
        keep = required | frozenset(request.must)
        zigzags = zigzag_bans(pl, days, keep, sole, strict=False)
        improved = False
        if not over and not add and not group and not zigzags:
            improved = top is None or _key(pl, days) > top
            top = _key(pl, days) if improved else top
        fixed = _drop_over(pl, p, result)
        if kept is None or _key(pl, fixed[3]) > kept[0]:
            kept = (_key(pl, fixed[3]), fixed)
        # reprice after the first round, and again from a rule-abiding round that improved the best
        reprice = reprices < MAX_REPRICES and (values is None or improved) \
            and len({pl.kind(v) for v in visited}) < len(visited)
        log.debug("round %d: score %.1f, %d visits; over caps %d, coverage adds %s, zigzags %d, best %s, "
                  "reprice %s", _round, variety.tour_value(pl, visited) / 10, len(visited), len(over),
                  sorted([*map(pl.name, add), *group]), len(zigzags), improved, reprice)
        broke = bool(over or add or group or zigzags)
        if not broke and not reprice:
            break
        # a visit that zigzags is left out of the whole tour (moved to another day it would zigzag
        # there); a must-visit, coverage stop or partner's only stop out of that day only
        banned = banned | variety.bans(pl, [d.visits for d in days], over) \
            | {(v, d if v in sole | keep else -1) for v, d in zigzags}
        required = required | frozenset(add) | (sole if request.min_stops_per_partner else frozenset())
        # a partner's only stop is kept from now on: a re-solve for another rule does not lose it
        cover = cover | frozenset(group)
        forced_last = frozenset(group) | {pl.get(m, "partner") for m in add}
        if reprice:
            values = variety.repriced(pl, visited)
            reprices += 1
    if kept is None:
        raise InfeasibleError("no feasible tour with the partners' coverage stops")
    kept = _polished(pl, p, kept, required, end, seed)
    # the best round, clean or with what breaks a rule dropped: fewest partners uncovered, then score
    problem, copies, sol, days, plans, removed, ruled = kept[1]
    visited = [v for d in days for v in d.visits]
    lacking = coverage.uncovered(pl, visited)
    if lacking and request.strict_coverage:
        raise InfeasibleError([f"coverage: {who} gets fewer than {request.min_stops_per_partner} stops: "
                               f"{given_up.get(who, 'no room in the days of this tour')}" for who in lacking])
    planned = sum(1 for c in sol.visited() if copies[c].dest) - ruled
    why = {who: given_up.get(who, "no room in the days of this tour") for who in lacking}
    return _Result(p, days, variety.tour_value(pl, visited) / 10, problem, copies, sol, removed,
                   sol.iterations, why, planned)


def _key(pl: Planning, days: list[Timed]) -> tuple[int, float]:
    """How a round's tour ranks (:func:`_rank` of its visits)."""
    return _rank(pl, [v for d in days for v in d.visits])


def _rank(pl: Planning, visited: list[str]) -> tuple[int, float]:
    """How a tour of ``visited`` ranks, a round's or a seed's: fewest partners left uncovered,
    then the score."""
    return -len(coverage.uncovered(pl, visited)), variety.tour_value(pl, visited)


def _polished(pl: Planning, p: Plan, kept: tuple, required: frozenset[str], deadline: float | None,
              seed: int) -> tuple:
    """``kept`` (a round's key and result) or, when it ranks higher, its tour polished
    (:func:`~tourlink.optimise.polish.polish`), timed, with what breaks a rule dropped."""
    key, (problem, copies, sol, days, _plans, removed, _ruled) = kept
    visited = {v for d in days for v in d.visits}
    routes = {r.vehicle: [c for c in r.clients if not copies[c].dest or copies[c].dest in visited]
              for r in sol.routes}
    new, moves = polish.polish(pl, p, problem, copies, routes, deadline=deadline, seed=seed,
                               keep=required | frozenset(pl.request.must) | coverage.sole(pl, list(visited)))
    if not moves:
        return kept
    sol2, broken = evaluate(problem, [(k, r) for k, r in new.items() if r], iterations=sol.iterations)
    if broken:
        return kept
    plans, leave = day_plans(p, copies, sol2)
    days2, plans, more = time_days(pl, p, plans, leave)
    fixed = _drop_over(pl, p, (problem, copies, sol2, days2, plans, {**removed, **more}, 0))
    log.debug("polish: %d moves, score %.1f -> %.1f", moves, key[1] / 10, _key(pl, fixed[3])[1] / 10)
    return (_key(pl, fixed[3]), fixed) if _key(pl, fixed[3]) > key else kept


def _drop_over(pl: Planning, p: Plan, result: tuple) -> tuple:
    """``result`` (a round's problem, copies, solution, days, plans, removed, visits dropped by a
    rule) with what is over a kind's cap or zigzags dropped from its days and the days timed again
    (unchanged when nothing is). Only a must-visit or a partner's last stops stay over a rule: a
    stop an earlier round required, and no longer a partner's last, is dropped like any other (the
    5-day example kept three memorial sites in one day that way)."""
    problem, copies, sol, days, plans, removed, ruled = result
    sole = coverage.sole(pl, [v for d in days for v in d.visits])
    keep = sole | frozenset(pl.request.must)
    over = variety.over_caps(pl, [d.visits for d in days], keep=keep)
    over += [(v, d, "it would make the day cross back into a province") for v, d in
             zigzag_bans(pl, days, keep, sole)]
    if not over:
        return result
    ban = {(v, d) for v, d, _why in over}
    plans = [[[x for x in items if (x, d) not in ban and (x, -1) not in ban] for items in segs]
             for d, segs in enumerate(plans)]
    days, plans, more = time_days(pl, p, plans, day_plans(p, copies, sol)[1])
    return (problem, copies, sol, days, plans, {**removed, **more, **{v: why for v, _d, why in over}},
            ruled + len({v for v, _d, _why in over}))


def _screen_cover(pl: Planning, p: Plan) -> frozenset[str]:
    """Partners given a required group of their stops (:func:`~tourlink.optimise.build.cover_groups`)
    from the first solve of plan ``p``, so that the night plans are screened with every partner
    covered: those the plan can serve with no night in it, other than where the tour starts and
    ends — when they are fewer than half the partners. The group holds a partner to one stop until
    the next round frees it, too tight where most partners have no night (the Mekong-13 tours)."""
    if not pl.request.min_stops_per_partner:
        return frozenset()
    home = {pl.get(x, "partner") for x in (pl.world.start, pl.world.end, *p.nights)}
    out = frozenset(pt.name for pt in pl.world.partners) - home - set(coverage.why_uncovered(pl, p))
    return out if 2 * len(out) < len(pl.world.partners) else frozenset()


def _best_value(pl: Planning, partner: str) -> int:
    """The value of the partner's best destination."""
    return max((pl.value(d) for d in pl.world.candidates if pl.get(d, "partner") == partner), default=0)


def assemble(pl: Planning, res: _Result, *, seed: int) -> Itinerary:
    """The Itinerary of a solved and timed plan: days, dropped candidates, coverage, score."""
    world, request = pl.world, pl.request
    p = res.plan
    chain = [world.start, *p.nights, world.end]
    days = []
    for d, t in enumerate(res.days):
        start = place_stop(pl, chain[d], d, 0, 0, kind=_kind(pl, chain[d]))
        start = replace(start, arrive=t.start_depart, depart=t.start_depart)
        end = place_stop(pl, chain[d + 1], d, 0, 0, kind=_kind(pl, chain[d + 1]))
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
        elif c in world.no_road:
            why = world.no_road[c]
        elif not any(pl.windows(c, d) for d in range(request.days)):
            why = "closed on every tour day"
        elif c in offered:
            why = "not worth the detour"
        else:
            why = "time: out of reach of the day's hubs within the daily window and road cap"
        dropped.append(Dropped(c, world.name(c), why))
    cover = []
    for pt in world.partners:
        stops = sum(1 for v in visited if world.places.at[v, "partner"] == pt.name)
        nights = sum(1 for h in p.nights if world.places.at[h, "partner"] == pt.name)
        why = "" if stops >= max(1, request.min_stops_per_partner) else \
            res.uncovered.get(pt.name, "coverage is off (min_stops_per_partner = 0)")
        cover.append(Coverage(pt.name, pt.province_legacy, pt.province_2025, stops, nights, reason=why))
    names = [pt.name for pt in world.partners]
    title = request.title or (f"{request.days}-day tour: " + " – ".join(names) if names else "Tour")
    return Itinerary(days=tuple(days), request=request.to_dict(), title=title, partnership=world.partnership,
                     dropped=tuple(dropped), coverage=tuple(cover), score=round(res.score, 1),
                     meta={"seed": seed, "iterations": res.iterations, "plan": list(p.key()),
                           "prize_rule": "value = (score - 25) x largest theme weight; the n-th visit of a "
                                         "kind counts decay^(n-1)",
                           "solver_visits": res.planned, "timed_visits": len(visited)})


def _kind(pl: Planning, pid: str) -> str:
    k = str(pl.world.places.at[pid, "kind"])
    return k if k in ("lodging", "port", "destination") else "place"


__all__ = ["plan", "assemble", "load_world", "DEFAULT_TIME_LIMIT"]
