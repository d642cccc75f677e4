"""TOPTW (Solomon-based, Righini & Salani / Vansteenwegen et al.) instances.

Vertex 0 is the start and end of every tour, its closing time is Tmax. Travel time is the
Euclidean distance truncated to one decimal; the solver works in integer tenths of a time
unit (``floor(dist * 10)``, computed exactly with integer square roots).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tourlink.errors import ValidationError
from tourlink.optimise.problem import Client, Problem, Vehicle


@dataclass(frozen=True)
class ToptwInstance:
    """One TOPTW instance in its own units (vertex 0 = depot)."""

    name: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    service: tuple[float, ...]
    score: tuple[int, ...]
    open: tuple[float, ...]
    close: tuple[float, ...]

    @property
    def n(self) -> int:
        """Number of vertices, depot included."""
        return len(self.x)


def _records(tokens: list[str], n: int) -> list[list[str]] | None:
    """Split vertex records ``i x y d S f a <a ints> O C``; None when they do not fit."""
    out, k = [], 0
    for i in range(n):
        if k + 7 > len(tokens) or tokens[k] != str(i):
            return None
        try:
            a = int(float(tokens[k + 6]))
        except (ValueError, OverflowError):
            return None
        end = k + 7 + a + 2
        if a < 0 or end > len(tokens):
            return None
        out.append(tokens[k:end])
        k = end
    return out if k == len(tokens) else None


def parse_toptw(text: str, *, name: str = "toptw") -> ToptwInstance:
    """Parse the text of a TOPTW file by whitespace tokens (headers may break across lines)."""
    tokens = text.split()
    if len(tokens) < 4:
        raise ValidationError("too short for a TOPTW file (need header `k v N t`)", source=name)
    try:
        n = int(tokens[2]) + 1
    except ValueError:
        raise ValidationError(f"header N {tokens[2]!r} is not an integer", source=name) from None
    for skip in (6, 5, 4):  # second header line `D Q`, sometimes without D, sometimes absent
        recs = _records(tokens[skip:], n)
        if recs is not None:
            break
    else:
        raise ValidationError(f"vertex records do not parse as {n} lines `i x y d S f a list O C`",
                              source=name)
    try:
        nums = [[float(r[j]) for j in (1, 2, 3, 4, -2, -1)] for r in recs]
        bad = [i for i, row in enumerate(nums) if not all(math.isfinite(v) for v in row)]
        if bad:
            raise ValidationError(f"vertex {bad[0]}: numbers must be finite", source=name)
        return ToptwInstance(
            name=name, x=tuple(r[0] for r in nums), y=tuple(r[1] for r in nums),
            service=tuple(r[2] for r in nums), score=tuple(int(r[3]) for r in nums),
            open=tuple(r[4] for r in nums), close=tuple(r[5] for r in nums))
    except ValueError as exc:
        if isinstance(exc, ValidationError):
            raise
        raise ValidationError(f"bad number in a vertex record: {exc}", source=name) from None


def read_toptw(path: str | Path) -> ToptwInstance:
    """Read a TOPTW instance file."""
    path = Path(path)
    return parse_toptw(path.read_text(), name=path.stem)


def _tenths(v: float) -> int:
    return int(round(v * 10))


def travel_tenths(inst: ToptwInstance) -> np.ndarray:
    """floor(10 * Euclidean distance), exact: coordinates in hundredths, integer square root."""
    X = np.array([round(v * 100) for v in inst.x], dtype=np.int64)
    Y = np.array([round(v * 100) for v in inst.y], dtype=np.int64)
    sq = (X[:, None] - X[None, :]) ** 2 + (Y[:, None] - Y[None, :]) ** 2
    # floor(sqrt(sq) / 100 * 10) = isqrt(sq) // 10
    return np.vectorize(math.isqrt, otypes=[np.int64])(sq) // 10


def problem(inst: ToptwInstance, tours: int) -> Problem:
    """The :class:`Problem` of ``inst`` with ``tours`` identical tours, in tenths of a unit."""
    mat = travel_tenths(inst)
    clients = tuple(Client(location=i, service=_tenths(inst.service[i]), tw_early=_tenths(inst.open[i]),
                           tw_late=_tenths(inst.close[i]), prize=inst.score[i], name=str(i))
                    for i in range(1, inst.n))
    vehicles = tuple(Vehicle(0, 0, _tenths(inst.open[0]), _tenths(inst.close[0]), name=f"tour {k + 1}")
                     for k in range(tours))
    return Problem(mat, mat, clients, vehicles)


def verify(inst: ToptwInstance, routes: list[list[int]], *, tours: int) -> tuple[int, list[str]]:
    """Recompute ``routes`` (vertex ids, depot excluded) from the instance; return score, problems.

    Independent of the solver: float arithmetic on the instance data, travel
    ``floor(10 * hypot) / 10``, a small tolerance for float noise.
    """
    problems: list[str] = []
    if len(routes) > tours:
        problems.append(f"{len(routes)} tours, at most {tours} allowed")
    seen: set[int] = set()
    eps = 1e-6
    for k, route in enumerate(routes):
        t, prev = inst.open[0], 0
        for v in route:
            if not 1 <= v < inst.n:
                problems.append(f"tour {k + 1}: unknown vertex {v}")
                continue
            if v in seen:
                problems.append(f"vertex {v} visited twice")
            seen.add(v)
            t = max(t + math.floor(math.hypot(inst.x[v] - inst.x[prev], inst.y[v] - inst.y[prev]) * 10
                                   + eps) / 10, inst.open[v])
            if t > inst.close[v] + eps:
                problems.append(f"tour {k + 1}: vertex {v} starts at {t:.1f} > {inst.close[v]}")
            t += inst.service[v]
            prev = v
        t += math.floor(math.hypot(inst.x[0] - inst.x[prev], inst.y[0] - inst.y[prev]) * 10 + eps) / 10
        if t > inst.close[0] + eps:
            problems.append(f"tour {k + 1}: back at the depot at {t:.1f} > Tmax {inst.close[0]}")
    return sum(inst.score[v] for v in seen if 1 <= v < inst.n), problems
