"""Polish: a solved tour improved move by move on the tour's own score.

The solver's prizes are fixed per place while the tour's score falls with each repeat of a kind
(:func:`~tourlink.optimise.variety.tour_value`): a solve may keep a fifth pagoda worth a
fraction of its prize, or pass over a garden that would be the tour's first of its kind.
:func:`polish` takes a round's routes and, until no move gains or the time is up, makes the best
of these moves in one day part (a vehicle of the problem):

* put in a destination the tour lacks, where it costs least;
* swap a visit for a destination the tour lacks (at its best place in the same day part).

A move gains when the tour's score (and ``COVERAGE_BONUS`` for each partner it covers) rises, by
more than the solver's road and day costs it adds to the routes; it must keep the problem's windows,
day caps and groups (one visit per site, the lunch), the tour's caps per kind
(:func:`~tourlink.optimise.variety.over_caps`), days that do not cross back into a province,
and every stop in ``keep`` (must-visits, coverage stops, a partner's last stops). The caller
times the polished routes and keeps them only when the timed tour ranks higher.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import groupby, pairwise

from tourlink.optimise import coverage, variety
from tourlink.optimise.build import Copy
from tourlink.optimise.days import Plan
from tourlink.optimise.planning import Planning
from tourlink.optimise.problem import Problem, schedule

#: moves made at most (a deterministic bound where there is no deadline)
MAX_MOVES = 60


def polish(pl: Planning, p: Plan, problem: Problem, copies: list[Copy], routes: dict[int, list[int]], *,
           keep: frozenset[str], deadline: float | None = None) -> tuple[dict[int, list[int]], int]:
    """The improved ``routes`` (vehicle → clients) and the number of moves made."""
    routes = {k: list(routes.get(k, [])) for k in range(len(problem.vehicles))}
    if any(schedule(problem, k, r)[1] for k, r in routes.items()):
        return routes, 0  # not a feasible start: nothing to polish from
    by_part: dict[int, list[int]] = {}
    for c, cp in enumerate(copies):
        if cp.dest:
            by_part.setdefault(cp.segment, []).append(c)
    day_of = [s.day for s in p.parts]
    cost = {k: _cost(problem, k, r) for k, r in routes.items()}
    worth = _worth(pl, {cp.dest for cp in copies if cp.dest})
    held = {c.group for c in problem.clients if c.required} - {None}  # a required group keeps its visit
    moves = 0
    while moves < MAX_MOVES and (deadline is None or time.perf_counter() < deadline):
        dests = [copies[c].dest for r in routes.values() for c in r if copies[c].dest]
        base = worth(dests)
        fixed = keep | coverage.sole(pl, dests)
        used = {problem.clients[c].group for r in routes.values() for c in r} - {None}
        best: tuple[float, int, list[int]] | None = None
        for k, r in routes.items():
            outs = [None] + [i for i, c in enumerate(r) if copies[c].dest and copies[c].dest not in fixed
                             and not problem.clients[c].required and problem.clients[c].group not in held]
            for i in outs:
                rest = r if i is None else r[:i] + r[i + 1:]
                gone = None if i is None else copies[r[i]].dest
                left = dests if gone is None else [d for d in dests if d != gone]
                taken = used - ({problem.clients[r[i]].group} if i is not None else set())
                options = [c for c in by_part.get(k, ()) if copies[c].dest not in left
                           and copies[c].dest != gone and problem.clients[c].group not in taken]
                for c in options:
                    gain = worth([*left, copies[c].dest]) - base
                    if gain <= (0 if best is None else best[0]):
                        continue  # no better than the best move even before its cost
                    for cand in _placed(rest, c):
                        extra = _cost(problem, k, cand)
                        if extra is None:
                            continue
                        delta = gain - (extra - cost[k])
                        if delta > (0 if best is None else best[0]) and \
                                _keeps_rules(pl, p, copies, routes, k, cand, day_of, keep):
                            best = (delta, k, cand)
        if best is None:
            break
        _delta, k, cand = best
        routes[k] = cand
        cost[k] = _cost(problem, k, cand)
        moves += 1
    return routes, moves


def _placed(route: list[int], c: int) -> list[list[int]]:
    """``route`` with client ``c`` at each place."""
    return [route[:j] + [c] + route[j:] for j in range(len(route) + 1)]


def _worth(pl: Planning, offered: set[str]) -> Callable[[list[str]], float]:
    """What a tour of some of ``offered`` is worth: its value as
    :func:`~tourlink.optimise.variety.tour_value` counts it, and ``COVERAGE_BONUS`` for each partner
    with ``min_stops_per_partner`` stops (the places' facts looked up once)."""
    facts = {d: (pl.kind(d), pl.value(d), variety.decay_of(pl, d), pl.get(d, "partner")) for d in offered}
    k = pl.request.min_stops_per_partner

    def worth(dests: list[str]) -> float:
        kinds: dict[str, list[tuple[int, float]]] = {}
        partners: dict[str, int] = {}
        for d in dests:
            kind, value, decay, partner = facts[d]
            kinds.setdefault(kind, []).append((value, decay))
            partners[partner] = partners.get(partner, 0) + 1
        total = sum(v * decay ** n for vs in kinds.values()
                    for n, (v, decay) in enumerate(sorted(vs, key=lambda x: -x[0])))
        return total + (coverage.COVERAGE_BONUS * sum(1 for n in partners.values() if n >= k) if k else 0)
    return worth


def _cost(problem: Problem, k: int, route: list[int]) -> float | None:
    """The solver's cost of vehicle ``k`` driving ``route`` (None: it breaks a constraint)."""
    r, broken = schedule(problem, k, route)
    if broken:
        return None
    v = problem.vehicles[k]
    locs = [v.start, *(problem.clients[c].location for c in route), v.end]
    length = sum(int(problem.distance[a, b]) for a, b in pairwise(locs))
    return v.distance_cost * length + v.duration_cost * (r.arrive - r.depart)


def _keeps_rules(pl: Planning, p: Plan, copies: list[Copy], routes: dict[int, list[int]], k: int,
                 cand: list[int], day_of: list[int], keep: frozenset[str]) -> bool:
    """Whether the tour with vehicle ``k`` on ``cand`` keeps the caps per kind and its days do not
    cross back into a province."""
    days: list[list[str]] = [[] for _ in range(pl.request.days)]
    for j in range(len(p.parts)):
        days[day_of[j]] += [copies[c].dest for c in (cand if j == k else routes[j]) if copies[c].dest]
    if variety.over_caps(pl, days, keep=keep):
        return False
    provinces = [pl.province(pl.road_id(v)) for v in days[day_of[k]]]
    runs = [a for a, _same in groupby(provinces)]
    return len(runs) == len(set(runs))


__all__ = ["polish", "MAX_MOVES"]
