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
"""

from __future__ import annotations

from dataclasses import dataclass

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
    """

    location: int
    service: int
    tw_early: int
    tw_late: int
    prize: int
    required: bool = False
    group: int | None = None
    name: str = ""


@dataclass(frozen=True)
class Vehicle:
    """One route; ``start`` / ``end`` are location indices.

    The route leaves ``start`` no earlier than ``tw_early`` and reaches ``end`` no later than
    ``tw_late``. ``max_duration`` bounds ``arrive - depart`` (time unit, waiting included),
    ``max_distance`` the summed ``distance`` of its legs.
    """

    start: int
    end: int
    tw_early: int
    tw_late: int
    max_duration: int | None = None
    max_distance: int | None = None
    name: str = ""


@dataclass(frozen=True)
class Problem:
    """Travel matrices, clients and vehicles; validated on construction.

    ``duration[i, j]`` and ``distance[i, j]`` are integer travel time / length from location
    ``i`` to ``j`` (``n_locations x n_locations``, non-negative).
    """

    duration: np.ndarray
    distance: np.ndarray
    clients: tuple[Client, ...]
    vehicles: tuple[Vehicle, ...]

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
        for k, v in enumerate(self.vehicles):
            where = f"vehicle {k}" + (f" ({v.name})" if v.name else "")
            for attr in ("start", "end"):
                if not 0 <= getattr(v, attr) < n:
                    problems.append(f"{where}: {attr} location {getattr(v, attr)} outside 0..{n - 1}")
            if v.tw_early > v.tw_late:
                problems.append(f"{where}: time window {v.tw_early} > {v.tw_late}")
            for attr in ("max_duration", "max_distance"):
                if getattr(v, attr) is not None and getattr(v, attr) < 0:
                    problems.append(f"{where}: negative {attr}")
        for g, members in self.groups().items():
            if sum(self.clients[i].required for i in members) > 1:
                problems.append(f"group {g}: more than one required client in a mutually exclusive group")
        if problems:
            raise ValidationError(problems, source="Problem")

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
    route lengths / durations (``arrive - depart``); ``feasible`` is False when some
    constraint is broken (the solver could not find a feasible solution); ``iterations`` and
    ``runtime`` (seconds) describe the search.
    """

    routes: tuple[Route, ...]
    prize: int
    distance: int
    duration: int
    feasible: bool
    iterations: int = 0
    runtime: float = 0.0

    def visited(self) -> set[int]:
        """Indices of all visited clients."""
        return {c for r in self.routes for c in r.clients}


__all__ = ["Client", "Vehicle", "Problem", "Route", "Solution"]
