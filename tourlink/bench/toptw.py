"""TOPTW (Solomon-based, Righini & Salani / Vansteenwegen et al.) instances.

Vertex 0 is the start and end of every tour, its closing time is Tmax. Travel time is the
Euclidean distance truncated at each family's published precision: one decimal for the
Solomon-derived files (c/r/rc: coordinates are whole or one-decimal numbers), two decimals for
the Cordeau-derived ones (pr01–pr20: three-decimal coordinates). The solver works in integer
units of that precision (``floor(dist * 10**p)``, computed exactly with integer square roots),
and :func:`verify` recomputes every route at the same precision.
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
    precision: int = 1

    @property
    def n(self) -> int:
        """Number of vertices, depot included."""
        return len(self.x)

    @property
    def unit(self) -> int:
        """Integer time units per instance unit: ``10 ** precision``."""
        return 10 ** self.precision


def travel_precision(x: tuple[float, ...], y: tuple[float, ...]) -> int:
    """Decimals of travel times: 1 when every coordinate is a multiple of 0.1 (Solomon-derived), else 2."""
    fine = any(abs(v * 10 - round(v * 10)) > 1e-6 for v in (*x, *y))
    return 2 if fine else 1


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
        x, y = tuple(r[0] for r in nums), tuple(r[1] for r in nums)
        return ToptwInstance(
            name=name, x=x, y=y, service=tuple(r[2] for r in nums), score=tuple(int(r[3]) for r in nums),
            open=tuple(r[4] for r in nums), close=tuple(r[5] for r in nums),
            precision=travel_precision(x, y))
    except ValueError as exc:
        if isinstance(exc, ValidationError):
            raise
        raise ValidationError(f"bad number in a vertex record: {exc}", source=name) from None


def read_toptw(path: str | Path) -> ToptwInstance:
    """Read a TOPTW instance file."""
    path = Path(path)
    return parse_toptw(path.read_text(), name=path.stem)


def travel_units(inst: ToptwInstance) -> np.ndarray:
    """floor(10**precision * Euclidean distance), exact: coordinates in thousandths, integer square root."""
    X = np.array([round(v * 1000) for v in inst.x], dtype=np.int64)
    Y = np.array([round(v * 1000) for v in inst.y], dtype=np.int64)
    sq = (X[:, None] - X[None, :]) ** 2 + (Y[:, None] - Y[None, :]) ** 2
    # isqrt(sq) = floor(1000 * dist); floor(10**p * dist) = that // 10**(3 - p)
    return np.vectorize(math.isqrt, otypes=[np.int64])(sq) // 10 ** (3 - inst.precision)


def problem(inst: ToptwInstance, tours: int) -> Problem:
    """The :class:`Problem` of ``inst`` with ``tours`` identical tours, in units of ``inst.unit``."""
    mat = travel_units(inst)

    def u(v: float) -> int:
        return int(round(v * inst.unit))
    clients = tuple(Client(location=i, service=u(inst.service[i]), tw_early=u(inst.open[i]),
                           tw_late=u(inst.close[i]), prize=inst.score[i], name=str(i))
                    for i in range(1, inst.n))
    vehicles = tuple(Vehicle(0, 0, u(inst.open[0]), u(inst.close[0]), name=f"tour {k + 1}")
                     for k in range(tours))
    return Problem(mat, mat, clients, vehicles)


def verify(inst: ToptwInstance, routes: list[list[int]], *, tours: int) -> tuple[int, list[str]]:
    """Recompute ``routes`` (vertex ids, depot excluded) from the instance; return score, problems.

    Independent of the solver: float arithmetic on the instance data, travel
    ``floor(10**p * hypot) / 10**p`` at the instance's precision ``p``, a small tolerance for
    float noise.
    """
    problems: list[str] = []
    if len(routes) > tours:
        problems.append(f"{len(routes)} tours, at most {tours} allowed")
    seen: set[int] = set()
    eps, unit, p = 1e-6, inst.unit, inst.precision

    def travel(a: int, b: int) -> float:
        return math.floor(math.hypot(inst.x[a] - inst.x[b], inst.y[a] - inst.y[b]) * unit + eps) / unit
    for k, route in enumerate(routes):
        t, prev = inst.open[0], 0
        for v in route:
            if not 1 <= v < inst.n:
                problems.append(f"tour {k + 1}: unknown vertex {v}")
                continue
            if v in seen:
                problems.append(f"vertex {v} visited twice")
            seen.add(v)
            t = max(t + travel(prev, v), inst.open[v])
            if t > inst.close[v] + eps:
                problems.append(f"tour {k + 1}: vertex {v} starts at {t:.{p}f} > {inst.close[v]}")
            t += inst.service[v]
            prev = v
        t += travel(prev, 0)
        if t > inst.close[0] + eps:
            problems.append(f"tour {k + 1}: back at the depot at {t:.{p}f} > Tmax {inst.close[0]}")
    return sum(inst.score[v] for v in seen if 1 <= v < inst.n), problems
