"""The solver's problem and solution model: integer arrays and indices only.

No geodata, no dates: the caller (tour planner, benchmark readers) maps its world onto
*locations* (rows of the travel matrices), *clients* (visit options at a location) and
*vehicles* (routes: a tour day, a trip, a tour).

Units are the caller's, but must be consistent integers: every time (``service``, time
windows, ``duration`` matrix, ``max_duration``) on one global timeline in the same unit
(the tour planner uses minutes, ``day * 1440 + minute_of_day``; the benchmark readers use
scaled instance units), and ``distance`` / ``max_distance`` in one length unit.

Schedule convention (the solver and every verifier use it): a route leaves its start at
``depart >= tw_early``; at each client, service starts at ``max(arrival, client.tw_early)``
and must not be later than ``client.tw_late``; waiting is allowed; the route reaches its end
at ``arrive <= vehicle.tw_late``.

Objective: maximise ``prize * scale - cost`` where ``cost`` sums, over the routes,
``distance_cost * distance + duration_cost * duration`` (duration: ``arrive - depart``, the
shortest the route's windows allow). ``Problem.prize_scale`` sets ``scale``; when it is None
the scale makes one point of prize worth more than all travel (the orienteering objective:
most prize first, then the shortest routes).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from tourlink.errors import ValidationError


@dataclass(frozen=True)
class Client:
    """One visit option; several clients may share a location (copies per day or interval).

    Parameters
    ----------
    location
        Row of the travel matrices where the visit happens.
    service
        Time spent at the client (time unit).
    tw_early, tw_late
        Window on the service START (time unit, global timeline).
    prize
        Score collected when visited (integer >= 0).
    required
        Must be visited (the solution is infeasible otherwise).
    group
        Id of a mutually exclusive set: at most one client of a group is visited (exactly
        one when any member is ``required``).
    name
        Free label, carried through for the caller.
    load
        What a visit takes of a vehicle's ``capacity`` (e.g. 1 per visit to cap visits a day).
    """

    location: int
    service: int
    tw_early: int
    tw_late: int
    prize: int
    required: bool = False
    group: int | None = None
    name: str = ""
    load: int = 0


@dataclass(frozen=True)
class Vehicle:
    """One route; ``start`` / ``end`` are location indices.

    The route leaves ``start`` no earlier than ``tw_early`` and reaches ``end`` no later than
    ``tw_late``. ``max_duration`` bounds ``arrive - depart`` (time unit, waiting included),
    ``max_distance`` the summed ``distance`` of its legs, ``capacity`` the summed ``load`` of
    its clients. A vehicle whose ``start`` differs from its ``end`` always runs (a chained day or
    trip), if need be without clients; one with ``start == end`` may stay unused. Its route
    costs ``distance_cost`` per unit of distance and ``duration_cost`` per unit of duration.
    """

    start: int
    end: int
    tw_early: int
    tw_late: int
    max_duration: int | None = None
    max_distance: int | None = None
    name: str = ""
    capacity: int | None = None
    distance_cost: int = 1
    duration_cost: int = 0


@dataclass(frozen=True)
class Problem:
    """Travel matrices, clients and vehicles; validated on construction.

    ``duration[i, j]`` and ``distance[i, j]`` are integer travel time / length from location
    ``i`` to ``j`` (``n_locations x n_locations``, non-negative). ``prize_scale`` weighs a point
    of prize against a unit of cost (None: prize first, see :attr:`scale`).
    """

    duration: np.ndarray
    distance: np.ndarray
    clients: tuple[Client, ...]
    vehicles: tuple[Vehicle, ...]
    prize_scale: int | None = None

    def __post_init__(self):
        problems: list[str] = []
        dur = np.asarray(self.duration)
        dist = np.asarray(self.distance)
        for name, mat in (("duration", dur), ("distance", dist)):
            if mat.ndim != 2 or mat.shape[0] != mat.shape[1]:
                problems.append(f"{name} matrix must be square, got shape {mat.shape}")
            elif not np.issubdtype(mat.dtype, np.integer):
                problems.append(f"{name} matrix must hold integers, got {mat.dtype}")
            elif mat.size and mat.min() < 0:
                problems.append(f"{name} matrix has negative entries")
        if not problems and dur.shape != dist.shape:
            problems.append(f"duration {dur.shape} and distance {dist.shape} shapes differ")
        if problems:
            raise ValidationError(problems, source="Problem")
        n = dur.shape[0]
        object.__setattr__(self, "duration", dur.astype(np.int64, copy=False))
        object.__setattr__(self, "distance", dist.astype(np.int64, copy=False))
        object.__setattr__(self, "clients", tuple(self.clients))
        object.__setattr__(self, "vehicles", tuple(self.vehicles))
        if not self.vehicles:
            problems.append("no vehicles: give at least one route")
        for k, c in enumerate(self.clients):
            where = f"client {k}" + (f" ({c.name})" if c.name else "")
            if not 0 <= c.location < n:
                problems.append(f"{where}: location {c.location} outside 0..{n - 1}")
            if c.service < 0:
                problems.append(f"{where}: negative service time {c.service}")
            if c.tw_early > c.tw_late:
                problems.append(f"{where}: time window {c.tw_early} > {c.tw_late}")
            if c.prize < 0:
                problems.append(f"{where}: negative prize {c.prize}")
            if c.group is not None and c.group < 0:
                problems.append(f"{where}: group id must be >= 0, got {c.group}")
            if c.load < 0:
                problems.append(f"{where}: negative load {c.load}")
        for k, v in enumerate(self.vehicles):
            where = f"vehicle {k}" + (f" ({v.name})" if v.name else "")
            for attr in ("start", "end"):
                if not 0 <= getattr(v, attr) < n:
                    problems.append(f"{where}: {attr} location {getattr(v, attr)} outside 0..{n - 1}")
            if v.tw_early > v.tw_late:
                problems.append(f"{where}: time window {v.tw_early} > {v.tw_late}")
            for attr in ("max_duration", "max_distance", "capacity"):
                if getattr(v, attr) is not None and getattr(v, attr) < 0:
                    problems.append(f"{where}: negative {attr}")
            if v.distance_cost < 0 or v.duration_cost < 0:
                problems.append(f"{where}: negative unit cost")
        if self.prize_scale is not None and self.prize_scale < 1:
            problems.append(f"prize_scale must be a positive integer, got {self.prize_scale}")
        for g, members in self.groups().items():
            if sum(self.clients[i].required for i in members) > 1:
                problems.append(f"group {g}: more than one required client in a mutually exclusive group")
        if problems:
            raise ValidationError(problems, source="Problem")

    @property
    def scale(self) -> int:
        """Cost units one point of prize is worth: ``prize_scale``, or (when None) more than all
        travel any solution can cost, so that the most prize always wins."""
        if self.prize_scale is not None:
            return self.prize_scale
        max_edge = int(self.distance.max()) if self.distance.size else 0
        return (len(self.clients) + len(self.vehicles)) * max_edge + 1

    @property
    def n_locations(self) -> int:
        """Number of rows of the matrices."""
        return int(self.duration.shape[0])

    def groups(self) -> dict[int, list[int]]:
        """Group id -> indices of its clients, in client order."""
        out: dict[int, list[int]] = {}
        for i, c in enumerate(self.clients):
            if c.group is not None:
                out.setdefault(c.group, []).append(i)
        return out


@dataclass(frozen=True)
class Route:
    """A vehicle's visits: client indices in order with their service start times."""

    vehicle: int
    clients: tuple[int, ...]
    starts: tuple[int, ...]
    depart: int
    arrive: int


@dataclass(frozen=True)
class Solution:
    """Routes (one per used vehicle) with totals recomputed from the problem.

    ``prize`` is the summed prize of visited clients, ``distance`` / ``duration`` the summed
    route lengths / durations (``arrive - depart``), ``cost`` the routes' summed cost and
    ``objective`` = ``prize * problem.scale - cost`` (what the solver maximises); ``feasible``
    is False when some constraint is broken (the solver could not find a feasible solution);
    ``iterations`` and ``runtime`` (seconds) describe the search.
    """

    routes: tuple[Route, ...]
    prize: int
    distance: int
    duration: int
    feasible: bool
    iterations: int = 0
    runtime: float = 0.0
    cost: int = 0
    objective: int = 0

    def key(self) -> tuple[int, int]:
        """Order of solutions: feasible first, then the higher objective."""
        return int(self.feasible), self.objective

    def visited(self) -> set[int]:
        """Indices of all visited clients."""
        return {c for r in self.routes for c in r.clients}


def schedule(problem: Problem, vehicle: int, clients: tuple[int, ...] | list[int]) -> tuple[Route, list[str]]:
    """Recompute the timetable of one route from the problem data alone.

    Service starts at ``max(arrival, tw_early)``; the route arrives at its end as early as
    possible and, among such timetables, leaves its start as late as possible (shortest
    duration). Returns the route and the list of broken constraints (empty when feasible).
    """
    v = problem.vehicles[vehicle]
    dur, dist = problem.duration, problem.distance
    locs = [v.start] + [problem.clients[c].location for c in clients] + [v.end]
    problems: list[str] = []
    # forward pass from the earliest departure: earliest service starts, earliest arrival
    t, starts = v.tw_early, []
    for k, c in enumerate(clients):
        cl = problem.clients[c]
        s = max(t + int(dur[locs[k], locs[k + 1]]), cl.tw_early)
        if s > cl.tw_late:
            problems.append(f"vehicle {vehicle}: client {c} starts at {s}, after its window closes "
                            f"at {cl.tw_late}")
        starts.append(s)
        t = s + cl.service
    arrive = t + int(dur[locs[-2], locs[-1]])
    # backward pass: latest starts that keep that arrival, then leave as late as possible
    latest = arrive
    for k in range(len(clients) - 1, -1, -1):
        cl = problem.clients[clients[k]]
        latest = min(cl.tw_late, latest - int(dur[locs[k + 1], locs[k + 2]]) - cl.service)
        latest = max(latest, starts[k])  # never earlier than feasible (keeps broken routes sane)
    depart = v.tw_early if not clients else max(v.tw_early, latest - int(dur[locs[0], locs[1]]))
    t, starts = depart, []
    for k, c in enumerate(clients):
        cl = problem.clients[c]
        s = max(t + int(dur[locs[k], locs[k + 1]]), cl.tw_early)
        starts.append(s)
        t = s + cl.service
    arrive = t + int(dur[locs[-2], locs[-1]])
    if not clients and v.start == v.end:
        arrive = depart
    if arrive > v.tw_late:
        problems.append(f"vehicle {vehicle}: reaches its end at {arrive} after {v.tw_late}")
    if v.max_duration is not None and arrive - depart > v.max_duration:
        problems.append(f"vehicle {vehicle}: duration {arrive - depart} exceeds {v.max_duration}")
    length = sum(int(dist[a, b]) for a, b in pairwise(locs))
    if v.max_distance is not None and length > v.max_distance:
        problems.append(f"vehicle {vehicle}: distance {length} exceeds {v.max_distance}")
    load = sum(problem.clients[c].load for c in clients)
    if v.capacity is not None and load > v.capacity:
        problems.append(f"vehicle {vehicle}: load {load} exceeds the capacity {v.capacity}")
    return Route(vehicle, tuple(clients), tuple(starts), depart, arrive), problems


def evaluate(problem: Problem, routes: list[tuple[int, list[int]]] | tuple[Route, ...], *,
             iterations: int = 0, runtime: float = 0.0) -> tuple[Solution, list[str]]:
    """Build a :class:`Solution` from ``(vehicle, clients)`` pairs and check every constraint.

    Checks each route's timetable (:func:`schedule`), including the direct run of every unused
    vehicle whose start and end differ, that a vehicle is used at most once, a
    client visited at most once, at most one client per group, and required clients (or a
    member of a group holding one) visited. Returns the solution (``feasible`` set from the
    check) and the list of broken constraints.
    """
    pairs = [(r.vehicle, list(r.clients)) if isinstance(r, Route) else (r[0], list(r[1])) for r in routes]
    problems: list[str] = []
    out: list[Route] = []
    seen_vehicles: set[int] = set()
    count: dict[int, int] = {}
    for vehicle, clients in pairs:
        if not 0 <= vehicle < len(problem.vehicles):
            problems.append(f"unknown vehicle {vehicle}")
            continue
        if vehicle in seen_vehicles:
            problems.append(f"vehicle {vehicle} used by more than one route")
        seen_vehicles.add(vehicle)
        bad = [c for c in clients if not 0 <= c < len(problem.clients)]
        if bad:
            problems.append(f"vehicle {vehicle}: unknown clients {bad}")
            continue
        if not clients and problem.vehicles[vehicle].start == problem.vehicles[vehicle].end:
            continue
        route, route_problems = schedule(problem, vehicle, clients)
        problems += route_problems
        out.append(route)
        for c in clients:
            count[c] = count.get(c, 0) + 1
    for vehicle, v in enumerate(problem.vehicles):  # a route between two places runs even when empty
        if vehicle not in seen_vehicles and v.start != v.end:
            route, route_problems = schedule(problem, vehicle, [])
            problems += route_problems
            out.append(route)
    problems += [f"client {c} visited {n} times" for c, n in sorted(count.items()) if n > 1]
    for g, members in problem.groups().items():
        hits = [c for c in members if c in count]
        if len(hits) > 1:
            problems.append(f"group {g}: clients {hits} all visited, at most one allowed")
        if not hits and any(problem.clients[c].required for c in members):
            problems.append(f"group {g}: a required group has no visited client")
    for c, cl in enumerate(problem.clients):
        if cl.required and cl.group is None and c not in count:
            problems.append(f"required client {c}" + (f" ({cl.name})" if cl.name else "") + " not visited")
    out.sort(key=lambda r: r.vehicle)
    lengths = [_length(problem, r) for r in out]
    cost = sum(route_cost(problem, r) for r in out)
    prize = sum(problem.clients[c].prize for c in count)
    sol = Solution(routes=tuple(out), prize=prize, distance=sum(lengths),
                   duration=sum(r.arrive - r.depart for r in out), feasible=not problems,
                   iterations=iterations, runtime=runtime, cost=cost, objective=prize * problem.scale - cost)
    return sol, problems


def route_cost(problem: Problem, route: Route) -> int:
    """What ``route`` costs in the objective: its length at its vehicle's ``distance_cost`` and its
    duration (``arrive - depart``) at its ``duration_cost``."""
    v = problem.vehicles[route.vehicle]
    return v.distance_cost * _length(problem, route) + v.duration_cost * (route.arrive - route.depart)


def driving_cost(problem: Problem, vehicle: int, clients: list[int]) -> int | None:
    """:func:`route_cost` of ``vehicle`` driving ``clients`` in that order (None: the route breaks a
    constraint, :func:`schedule`)."""
    route, broken = schedule(problem, vehicle, clients)
    return None if broken else route_cost(problem, route)


def _length(problem: Problem, route: Route) -> int:
    return sum(int(problem.distance[a, b]) for a, b in _legs(problem, route))


def _legs(problem: Problem, route: Route) -> list[tuple[int, int]]:
    v = problem.vehicles[route.vehicle]
    locs = [v.start] + [problem.clients[c].location for c in route.clients] + [v.end]
    return list(pairwise(locs))


__all__ = ["Client", "Vehicle", "Problem", "Route", "Solution", "schedule", "evaluate", "route_cost",
           "driving_cost"]
