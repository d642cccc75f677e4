"""OPHS instances: orienteering with hotel selection (Divsalar, Vansteenwegen & Cattrysse 2013).

``N H D`` / ``Tmax`` / ``T_1 .. T_D`` / then ``x y S`` lines: start hotel, end hotel, the H
extra hotels, then the POIs. Lengths are Euclidean, not rounded; the solver works in
``SCALE``-ths of a unit with every edge floored, so a float-feasible trip is always feasible
in integers; :func:`verify` then re-checks the trips in floats against ``T_d`` (whose 4
printed decimals are themselves rounded, hence the tolerance ``TOL``).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tourlink.errors import ValidationError
from tourlink.optimise.problem import Client, Problem, Vehicle

SCALE = 10_000
#: float tolerance on a trip length: T_d is printed rounded to 4 decimals
TOL = 1e-4


@dataclass(frozen=True)
class OphsInstance:
    """One OPHS instance: vertices 0..H+1 are hotels (0 start, 1 end), the rest POIs."""

    name: str
    n_hotels: int
    trip_limits: tuple[float, ...]
    x: tuple[float, ...]
    y: tuple[float, ...]
    score: tuple[int, ...]

    @property
    def trips(self) -> int:
        """Number of trips D."""
        return len(self.trip_limits)


def parse_ophs(text: str, *, name: str = "ophs") -> OphsInstance:
    """Parse the text of an ``.ophs`` file."""
    tok = text.split("---", 1)[0].split()  # files end with a line of dashes
    try:
        _n, h, d = int(tok[0]), int(tok[1]), int(tok[2])
        limits = tuple(float(v) for v in tok[4:4 + d])
        rest = [float(v) for v in tok[4 + d:]]
    except (ValueError, IndexError):
        raise ValidationError("header must be `N H D`, `Tmax`, `T_1 .. T_D` then `x y S` lines",
                              source=name) from None
    if not all(math.isfinite(v) for v in (*limits, *rest)) or h < 0 or d < 1:
        raise ValidationError("every number must be finite, H >= 0 and D >= 1", source=name)
    if len(rest) % 3 or len(rest) // 3 < h + 2:
        raise ValidationError(f"{len(rest)} numbers after the header: not `x y S` triples for "
                              f"{h + 2} hotels and the POIs", source=name)
    return OphsInstance(name=name, n_hotels=h + 2, trip_limits=limits, x=tuple(rest[0::3]),
                        y=tuple(rest[1::3]), score=tuple(int(v) for v in rest[2::3]))


def read_ophs(path: str | Path) -> OphsInstance:
    """Read an ``.ophs`` file."""
    path = Path(path)
    return parse_ophs(path.read_text(), name=path.stem)


def scaled_lengths(inst: OphsInstance) -> np.ndarray:
    """Edge lengths in ``SCALE``-ths of a unit, floored."""
    x, y = np.array(inst.x), np.array(inst.y)
    return np.floor(np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]) * SCALE).astype(np.int64)


def sequences(inst: OphsInstance) -> list[tuple[int, ...]]:
    """Every choice of the D-1 intermediate hotels (any hotel, repeats allowed)."""
    return list(itertools.product(range(inst.n_hotels), repeat=inst.trips - 1))


def sequence_value(inst: OphsInstance, seq: tuple[int, ...], lengths: np.ndarray) -> float:
    """A cheap estimate of a hotel sequence: the score of the POIs some trip can reach at all.

    A POI counts once, when ``from → POI → to`` fits a trip's limit; a sequence with a trip whose
    hotels are farther apart than its limit is worth ``-inf``. Used to choose which sequences the
    solver screens when there are too many to screen them all.
    """
    stops = (0, *seq, 1)
    pois = np.arange(inst.n_hotels, len(inst.x))
    score = np.array(inst.score, dtype=np.float64)[pois]
    reach = np.zeros(len(pois), dtype=bool)
    for d, t in enumerate(inst.trip_limits):
        a, b = stops[d], stops[d + 1]
        cap = int(math.floor(t * SCALE + 0.5))
        if lengths[a, b] > cap:
            return -math.inf
        reach |= lengths[a, pois] + lengths[pois, b] <= cap
    return float(score[reach].sum())


def problem(inst: OphsInstance, seq: tuple[int, ...], *, lengths: np.ndarray | None = None) -> Problem:
    """The :class:`Problem` for the intermediate hotel sequence ``seq`` (one vehicle per trip)."""
    mat = scaled_lengths(inst) if lengths is None else lengths
    stops = (0, *seq, 1)
    horizon = max(int(math.floor(t * SCALE + 0.5)) for t in inst.trip_limits)
    clients = tuple(Client(location=i, service=0, tw_early=0, tw_late=horizon, prize=inst.score[i],
                           name=str(i)) for i in range(inst.n_hotels, len(inst.x)))
    vehicles = tuple(Vehicle(stops[d], stops[d + 1], 0, int(math.floor(t * SCALE + 0.5)),
                             name=f"trip {d + 1}") for d, t in enumerate(inst.trip_limits))
    return Problem(mat, mat, clients, vehicles)


def verify(inst: OphsInstance, seq: tuple[int, ...], trips: list[list[int]]) -> tuple[int, list[str]]:
    """Re-check trips (POI vertex ids per trip) in floats; return the score and the problems."""
    problems: list[str] = []
    stops = (0, *seq, 1)
    if len(trips) != inst.trips or len(seq) != inst.trips - 1:
        problems.append(f"{len(trips)} trips, the instance has {inst.trips}")
    if any(not 0 <= h < inst.n_hotels for h in seq):
        problems.append(f"hotel sequence {seq} names a vertex that is not a hotel")
        return 0, problems
    seen: set[int] = set()
    for d, trip in enumerate(trips[:inst.trips]):
        path = [stops[d], *trip, stops[d + 1]]
        for v in trip:
            if not inst.n_hotels <= v < len(inst.x):
                problems.append(f"trip {d + 1}: {v} is not a POI")
            elif v in seen:
                problems.append(f"POI {v} visited twice")
            seen.add(v)
        if any(not 0 <= v < len(inst.x) for v in path):
            continue
        length = sum(math.hypot(inst.x[a] - inst.x[b], inst.y[a] - inst.y[b])
                     for a, b in itertools.pairwise(path))
        if length > inst.trip_limits[d] + TOL:
            problems.append(f"trip {d + 1}: length {length:.6f} > limit {inst.trip_limits[d]}")
    return sum(inst.score[v] for v in seen if inst.n_hotels <= v < len(inst.x)), problems
