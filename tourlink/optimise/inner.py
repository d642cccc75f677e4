"""Inner solver: a :class:`~tourlink.optimise.problem.Problem` solved with PyVRP.

Mapping: every problem location is a PyVRP location (PyVRP 0.14 lets several clients and
depots share one); each distinct vehicle start/end location is a depot; each vehicle is a
vehicle type with one vehicle; each client an optional (or required) PyVRP client; each
group a mutually exclusive PyVRP client group (required when one of its members is).

Objective: maximise ``prize * problem.scale - cost`` (see :mod:`tourlink.optimise.problem`):
each route costs its vehicle's ``distance_cost`` per unit of distance and ``duration_cost`` per
unit of duration. Without an explicit ``prize_scale``, prizes are multiplied by
``(n_clients + n_vehicles) * max(distance) + 1``, more than any set of routes can travel, so
one point of prize always outweighs all travel. A vehicle's ``capacity`` and the clients'
``load`` are one PyVRP load dimension. Time-warp and excess distance penalties are bounded
from above by a multiple of the largest scaled prize, so an infeasible solution can never pay
for itself by collecting one more client; the best solution is taken among feasible ones only.

Search: PyVRP's iterated local search, run twice, 80 % then 20 % of the budget: from a greedy
insertion solution (:func:`greedy`, or the caller's ``initial``), then from PyVRP's own
random start (the greedy start can trap the search); the better result is kept. Fast
penalty updates; on capped days, perturbations sized to the start's visits
(:func:`_perturbations`); see :data:`SETTINGS`.

Timetables (``starts``, ``depart``, ``arrive``) and feasibility are recomputed from the
problem by :func:`tourlink.optimise.problem.evaluate`, not taken from PyVRP.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pyvrp
import pyvrp.search
from pyvrp import IteratedLocalSearchParams, PenaltyParams, ProblemData, SolveParams
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.search import OPERATORS, NeighbourhoodParams, PerturbationParams
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

from tourlink.errors import ValidationError
from tourlink.optimise.problem import Problem, Solution, evaluate, schedule
from tourlink.request import SEED_LIMIT

log = logging.getLogger(__name__)

_INF = np.iinfo(np.int64).max
#: bound on any cost PyVRP computes, well below int64 overflow
_COST_CAP = 1 << 60

#: search settings (tuned on the TOPTW / OPHS benchmarks at 10 s per instance)
SETTINGS = {"num_neighbours": 50, "num_iters_no_improvement": 150_000, "history_length": 300,
            "max_perturbations": 25, "perturb_share": 1 / 3, "min_perturbations": 4,
            "penalty_top": 4.0, "extra_operators": (),
            "solutions_between_updates": 100, "greedy_start": True,
            "random_restart": True, "first_share": 0.8, "warm_restart": True}


def prize_scale(problem: Problem) -> int:
    """Cost units one point of prize is worth (:attr:`Problem.scale`)."""
    return problem.scale


def to_pyvrp(problem: Problem) -> tuple[ProblemData, int]:
    """Return the PyVRP data of ``problem`` and the prize multiplier used."""
    scale = problem.scale
    if scale * (sum(c.prize for c in problem.clients) + 1) > _COST_CAP:
        raise ValidationError(f"prizes x travel too large for integer costs (scale {scale}): express "
                              "distance in coarser units (e.g. 100 m) or prizes in fewer points",
                              source="Problem")
    ends = sorted({v.start for v in problem.vehicles} | {v.end for v in problem.vehicles})
    depot_of = {loc: k for k, loc in enumerate(ends)}
    locations = [pyvrp.Location(0, 0) for _ in range(problem.n_locations)]
    depots = [pyvrp.Depot(location=loc) for loc in ends]
    groups = problem.groups()
    group_index = {g: k for k, g in enumerate(groups)}
    loads = any(c.load for c in problem.clients) or any(v.capacity is not None for v in problem.vehicles)
    clients = [pyvrp.Client(location=c.location, delivery=[c.load] if loads else [],
                            service_duration=c.service, tw_early=c.tw_early,
                            tw_late=c.tw_late, prize=c.prize * scale,
                            required=c.required and c.group is None,
                            group=None if c.group is None else group_index[c.group], name=c.name)
               for c in problem.clients]
    client_groups = [pyvrp.ClientGroup(members, required=any(problem.clients[i].required for i in members))
                     for members in groups.values()]
    big = sum(c.load for c in problem.clients) + 1
    vehicle_types = [pyvrp.VehicleType(
        1, capacity=[big if v.capacity is None else v.capacity] if loads else [],
        start_depot=depot_of[v.start], end_depot=depot_of[v.end], tw_early=v.tw_early,
        tw_late=v.tw_late, shift_duration=_INF if v.max_duration is None else v.max_duration,
        max_distance=_INF if v.max_distance is None else v.max_distance,
        unit_distance_cost=v.distance_cost, unit_duration_cost=v.duration_cost, name=v.name)
        for v in problem.vehicles]
    data = ProblemData(locations, clients, depots, vehicle_types, [problem.distance], [problem.duration],
                       client_groups)
    return data, scale


def _penalty_params(problem: Problem, scale: int) -> PenaltyParams:
    """Penalty bounds: at most a time unit of warp may buy the largest prize, never more."""
    top = scale * max([c.prize for c in problem.clients] + [1])
    span = max([v.tw_late - v.tw_early for v in problem.vehicles if v.tw_late < _INF // 4] + [1])
    span = max(span, int(problem.duration.max()) if problem.duration.size else 1)
    cap = _COST_CAP // max(1, span * (len(problem.clients) + 1))
    max_penalty = float(min(SETTINGS["penalty_top"] * top, cap))
    return PenaltyParams(min_penalty=min(float(scale), max_penalty), max_penalty=max_penalty,
                         solutions_between_updates=SETTINGS["solutions_between_updates"])


class _Callbacks(pyvrp.IteratedLocalSearchCallbacks if hasattr(pyvrp, "IteratedLocalSearchCallbacks")
                 else object):
    def __init__(self, on_best: Callable[[pyvrp.Solution], None]):
        self._on_best = on_best

    def on_start(self, ils):  # noqa: D102
        pass

    def on_end(self, result):  # noqa: D102
        pass

    def on_iteration(self, current, candidate, best, cost_evaluator):  # noqa: D102
        pass

    def on_restart(self, best):  # noqa: D102
        pass

    def on_best(self, best):  # noqa: D102
        self._on_best(best)


def _routes_of(sol: pyvrp.Solution) -> list[tuple[int, list[int]]]:
    return [(r.vehicle_type(), [a.idx for a in r.schedule() if a.is_client()]) for r in sol.routes()]


def greedy(problem: Problem, start: list[tuple[int, list[int]]] | None = None) -> list[tuple[int, list[int]]]:
    """A feasible start: repeatedly insert the client of best prize per added minute (into the
    routes of ``start`` when given, e.g. a previous solve's that lacks a newly required stop).

    Required clients (and the members of a required group) go first. Feasibility of an
    insertion is checked in O(1) with the latest feasible service starts of the route (forward /
    backward time slack), vectorised over every client and position; ``max_duration`` by
    recomputing the chosen route. With an explicit ``prize_scale``, an optional client is
    inserted only where its scaled prize pays for the cost it adds.
    """
    dur, dist = problem.duration, problem.distance
    cl = problem.clients
    loc = np.array([c.location for c in cl], dtype=np.int64)
    svc = np.array([c.service for c in cl], dtype=np.int64)
    early = np.array([c.tw_early for c in cl], dtype=np.int64)
    late = np.array([c.tw_late for c in cl], dtype=np.int64)
    groups = problem.groups()
    must_group = {g for g, members in groups.items() if any(cl[i].required for i in members)}
    must = np.array([c.required or c.group in must_group for c in cl])
    weight = np.array([c.prize + (10**9 if m else 0) for c, m in zip(cl, must, strict=True)], dtype=float)
    open_ = np.array([c.prize > 0 for c in cl]) | must
    load = np.array([c.load for c in cl], dtype=np.int64)
    gain = np.array([c.prize for c in cl], dtype=np.float64) * problem.scale
    traded = problem.prize_scale is not None
    routes: list[list[int]] = [[] for _ in problem.vehicles]
    for k, r in start or ():
        routes[k] = list(r)
        open_[list(r)] = False
        for c in r:
            if cl[c].group is not None:
                open_[groups[cl[c].group]] = False
    banned: set[tuple[int, int]] = set()
    while open_.any():
        cand = np.flatnonzero(open_)
        best = None  # (value, vehicle, position, client)
        for k, v in enumerate(problem.vehicles):
            r = routes[k]
            nodes = np.array([v.start, *loc[r], v.end], dtype=np.int64)
            s_nodes = np.array([0, *svc[r], 0], dtype=np.int64)
            # earliest service starts, then latest starts keeping the rest feasible
            a = np.empty(len(nodes), dtype=np.int64)
            a[0] = v.tw_early
            for i in range(1, len(nodes)):
                a[i] = a[i - 1] + s_nodes[i - 1] + dur[nodes[i - 1], nodes[i]]
                if i < len(nodes) - 1:
                    a[i] = max(a[i], early[r[i - 1]])
            z = np.empty(len(nodes), dtype=np.int64)
            z[-1] = v.tw_late
            for i in range(len(nodes) - 2, 0, -1):
                z[i] = min(late[r[i - 1]], z[i + 1] - dur[nodes[i], nodes[i + 1]] - s_nodes[i])
            length = int(dist[nodes[:-1], nodes[1:]].sum())
            prev, nxt = nodes[:-1], nodes[1:]
            dep = a[:-1] + s_nodes[:-1]  # departure from each insertion point
            arr = dep[None, :] + dur[prev[None, :], loc[cand][:, None]]
            st = np.maximum(arr, early[cand][:, None])
            back = st + svc[cand][:, None] + dur[loc[cand][:, None], nxt[None, :]]
            ok = (st <= late[cand][:, None]) & (back <= z[None, 1:])
            added_d = dist[prev[None, :], loc[cand][:, None]] + dist[loc[cand][:, None], nxt[None, :]] \
                - dist[prev, nxt][None, :]
            if v.max_distance is not None:
                ok &= length + added_d <= v.max_distance
            if v.capacity is not None:
                ok &= (int(load[r].sum()) + load[cand] <= v.capacity)[:, None]
            added_t = dur[prev[None, :], loc[cand][:, None]] + dur[loc[cand][:, None], nxt[None, :]] \
                - dur[prev, nxt][None, :] + svc[cand][:, None]
            if traded:  # an optional visit must pay for the distance and time it adds
                ok &= must[cand][:, None] | (gain[cand][:, None] > v.distance_cost * added_d
                                             + v.duration_cost * np.maximum(added_t, 0))
            value = np.where(ok, weight[cand][:, None] / (1.0 + np.maximum(added_t, 0)), -1.0)
            for c_i, c in enumerate(cand):
                if (int(c), k) in banned:
                    value[c_i, :] = -1.0
            i, j = np.unravel_index(int(np.argmax(value)), value.shape)
            if value[i, j] > 0 and (best is None or value[i, j] > best[0]):
                best = (float(value[i, j]), k, int(j), int(cand[i]))
        if best is None:
            break
        _, k, pos, c = best
        trial = routes[k][:pos] + [c] + routes[k][pos:]
        if problem.vehicles[k].max_duration is not None and schedule(problem, k, trial)[1]:
            banned.add((c, k))
            continue
        routes[k] = trial
        open_[c] = False
        if cl[c].group is not None:
            open_[groups[cl[c].group]] = False
    return [(k, r) for k, r in enumerate(routes) if r]


def _perturbations(problem: Problem, starts: list[pyvrp.Solution | None]) -> int:
    """Clients PyVRP's perturbation may move at once.

    Where every vehicle caps its visits (a tour's days, at most ``pace`` stops each), a third of
    the start's visits, in 4..25: a tour of 10–35 visits picked from hundreds of candidates
    loses its shape when 25 clients move at once (bundled tours at their default limits, seeds
    0 and 2: mean gap to the references 0.92 -> -0.48 %, within 1 % 6/9 -> 8/9). Uncapped
    problems (the orienteering benchmarks, tuned at 25) keep 25: there the share rule lost
    (scaled TOPTW/OPHS mean gap 0.34 -> 1.96 %).
    """
    visits = max((s.num_clients() for s in starts if s is not None), default=0)
    if not visits or any(v.capacity is None for v in problem.vehicles):
        return SETTINGS["max_perturbations"]
    return max(SETTINGS["min_perturbations"],
               min(SETTINGS["max_perturbations"], round(visits * SETTINGS["perturb_share"])))


def solve(problem: Problem, *, seed: int = 0, time_limit: float | None = 10.0,
          max_iterations: int | None = None, initial: Solution | None = None,
          on_progress: Callable[[int, float], None] | None = None) -> Solution:
    """Maximise the collected prize of ``problem`` (ties: shortest total distance).

    Parameters
    ----------
    problem
        The problem to solve.
    seed
        Seed of PyVRP's random number generator; same seed, same iteration limit, same answer.
    time_limit
        Wall-clock budget in seconds (``None``: no limit; then ``max_iterations`` is needed).
    max_iterations
        Iteration budget of the iterated local search (deterministic; use it in tests).
    initial
        A solution of this problem to start from (e.g. a previous solve of a similar problem).
    on_progress
        Called as ``on_progress(prize, seconds)`` whenever a better feasible solution is found.

    Returns
    -------
    Solution
        The best feasible solution found, with timetables recomputed from ``problem``; if none
        was feasible, PyVRP's best with ``feasible=False``.
    """
    if time_limit is None and max_iterations is None:
        raise ValueError("give time_limit or max_iterations (or both)")
    t0 = time.perf_counter()
    if not problem.clients:
        sol, problems = evaluate(problem, [])
        return sol
    data, scale = to_pyvrp(problem)

    def report(best: pyvrp.Solution) -> None:
        if on_progress is not None and best.is_feasible():
            on_progress(int(best.prizes() // scale), time.perf_counter() - t0)

    # starts: the caller's solution, else a greedy one; then PyVRP's own random start (diversity)
    starts: list[pyvrp.Solution | None] = []
    if initial is not None and any(r.clients for r in initial.routes):
        try:
            routes = [(r.vehicle, list(r.clients)) for r in initial.routes if r.clients]
            if not initial.feasible:  # e.g. a stop newly required: insert what fits
                routes = greedy(problem, routes)
            starts.append(pyvrp.Solution(data, [pyvrp.Route(data, r, k) for k, r in routes]))
        except (RuntimeError, IndexError, ValueError) as exc:  # a start from another problem
            log.debug("initial solution does not fit this problem (%s); greedy start instead", exc)
            initial = None
    if not starts and SETTINGS["greedy_start"] and (first := greedy(problem)):
        starts.append(pyvrp.Solution(data, [pyvrp.Route(data, r, k) for k, r in first]))
    if not starts or (SETTINGS["random_restart"] and (initial is None or SETTINGS["warm_restart"])):
        starts.append(None)
    params = SolveParams(
        ils=IteratedLocalSearchParams(num_iters_no_improvement=SETTINGS["num_iters_no_improvement"],
                                      history_length=SETTINGS["history_length"],
                                      callbacks=_Callbacks(report)),
        penalty=_penalty_params(problem, scale),
        neighbourhood=NeighbourhoodParams(
            num_neighbours=min(SETTINGS["num_neighbours"], max(1, len(problem.clients) - 1))),
        perturbation=PerturbationParams(max_perturbations=_perturbations(problem, starts)),
        operators=[*OPERATORS, *(getattr(pyvrp.search, op) for op in SETTINGS["extra_operators"])])
    best: tuple[tuple[int, int], Solution] | None = None
    iterations = 0
    for n, init in enumerate(starts):
        share = 1.0 if n == len(starts) - 1 else SETTINGS["first_share"]
        criteria = []
        if max_iterations is not None:
            criteria.append(MaxIterations(max(1, int((max_iterations - iterations) * share))))
        if time_limit is not None:
            criteria.append(MaxRuntime(max(0.0, (time_limit - (time.perf_counter() - t0)) * share)))
        stop = criteria[0] if len(criteria) == 1 else MultipleCriteria(criteria)
        with warnings.catch_warnings():
            # raised when no feasible solution exists; the caller learns it from ``feasible``
            warnings.simplefilter("ignore", PenaltyBoundWarning)
            result = pyvrp.solve(data, stop, seed=(seed + n) % SEED_LIMIT, collect_stats=False, display=False,
                                 params=params, initial_solution=init)
        iterations += result.num_iterations
        routes = _routes_of(result.best)
        sol, problems = evaluate(problem, routes)
        # PyVRP may leave a chained vehicle (start != end) unused, whose direct run can be too
        # long: expected, that solution is simply infeasible here; anything else is a mismatch
        idle = {k for k, v in enumerate(problem.vehicles) if v.start != v.end} - {k for k, _ in routes}
        mismatch = [p for p in problems if not any(p.startswith(f"vehicle {k}:") for k in idle)]
        if result.best.is_feasible() and mismatch:
            log.warning("PyVRP solution fails the independent check: %s", "; ".join(mismatch[:3]))
        if best is None or sol.key() > best[0]:
            best = (sol.key(), sol)
    sol = replace(best[1], iterations=iterations, runtime=time.perf_counter() - t0)
    if initial is not None and initial.feasible and (not sol.feasible or initial.objective > sol.objective):
        again, problems = evaluate(problem, initial.routes, iterations=sol.iterations, runtime=sol.runtime)
        if again.feasible:
            return again
    return sol

__all__ = ["solve", "to_pyvrp", "prize_scale"]
