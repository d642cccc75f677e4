"""Multi-day tourist trip instances (Gavalas et al. 2019, as used by Gama & Fernandes 2021).

Header ``k M SD N ...`` (M days, SD weekday of day 1, 0..6), hotel line ``0 x y 0 0 O C``
(every day's tour leaves the hotel at O at the earliest and is back by C), POI lines
``i x y d S t o0 c0 .. o6 c6 b`` with the opening interval per weekday (``0 0`` = closed);
the close is taken as the latest START of the visit, as in the OPTW instances. Travel is the
Euclidean distance truncated to two decimals: the solver works in integer hundredths of a
minute, day ``d`` on ``[d * DAY + 100 * O, d * DAY + 100 * C]``; a POI has one client copy
per open day, the copies in one mutually exclusive group.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tourlink.errors import ValidationError
from tourlink.optimise.problem import Client, Problem, Vehicle

#: one day on the solver's timeline, in hundredths of a minute
DAY = 1440 * 100


@dataclass(frozen=True)
class TtdpInstance:
    """One TTDP instance; vertex 0 is the hotel, ``hours[i][w]`` = (open, close) on weekday w."""

    name: str
    days: int
    start_weekday: int
    x: tuple[float, ...]
    y: tuple[float, ...]
    service: tuple[float, ...]
    score: tuple[int, ...]
    hours: tuple[tuple[tuple[float, float], ...], ...]

    def window(self, vertex: int, day: int) -> tuple[float, float] | None:
        """Opening interval of ``vertex`` on tour day ``day`` (0-based), None when closed."""
        o, c = self.hours[vertex][(self.start_weekday + day) % 7]
        return None if (o, c) == (0, 0) else (o, c)


def parse_ttdp(text: str, *, name: str = "ttdp") -> TtdpInstance:
    """Parse the text of a TTDP file (line based: one vertex a line)."""
    lines = [ln.split() for ln in text.splitlines() if ln.strip()]
    problems = []
    try:
        days, sd, n = int(lines[0][1]), int(lines[0][2]), int(lines[0][3])
        hotel = [float(v) for v in lines[1][:7]]
        if len(hotel) < 7 or not all(math.isfinite(v) for v in hotel) or not 0 <= sd <= 6:
            raise ValueError("short hotel line")
    except (ValueError, IndexError):
        raise ValidationError("header must be `k M SD N ...` then the hotel line `0 x y 0 0 O C`",
                              source=name) from None
    xs, ys, ds, ss, hs = [hotel[1]], [hotel[2]], [0.0], [0], [((hotel[5], hotel[6]),) * 7]
    for row, tok in enumerate(lines[2:], start=3):
        if len(tok) < 20:
            problems.append(f"line {row}: {len(tok)} fields, need `i x y d S t o0 c0 .. o6 c6 b`")
            continue
        try:
            v = [float(t) for t in tok[:20]]
        except ValueError:
            problems.append(f"line {row}: not all numbers")
            continue
        if not all(math.isfinite(x) for x in v):
            problems.append(f"line {row}: numbers must be finite")
            continue
        xs.append(v[1]), ys.append(v[2]), ds.append(v[3]), ss.append(int(v[4]))
        hs.append(tuple((v[6 + 2 * w], v[7 + 2 * w]) for w in range(7)))
    if len(xs) - 1 != n:
        problems.append(f"header says {n} POIs, found {len(xs) - 1}")
    if problems:
        raise ValidationError(problems, source=name)
    return TtdpInstance(name=name, days=days, start_weekday=sd, x=tuple(xs), y=tuple(ys),
                        service=tuple(ds), score=tuple(ss), hours=tuple(hs))


def read_ttdp(path: str | Path) -> TtdpInstance:
    """Read a TTDP instance file."""
    path = Path(path)
    return parse_ttdp(path.read_text(), name=path.stem)


def travel_hundredths(inst: TtdpInstance) -> np.ndarray:
    """floor(100 * Euclidean distance), exact (coordinates in hundredths, integer sqrt)."""
    X = np.array([round(v * 100) for v in inst.x], dtype=np.int64)
    Y = np.array([round(v * 100) for v in inst.y], dtype=np.int64)
    sq = (X[:, None] - X[None, :]) ** 2 + (Y[:, None] - Y[None, :]) ** 2
    return np.vectorize(math.isqrt, otypes=[np.int64])(sq)


def _h(v: float) -> int:
    return int(round(v * 100))


def problem(inst: TtdpInstance, tours: int | None = None) -> Problem:
    """The :class:`Problem` of ``inst`` over ``tours`` days (default: the instance's M)."""
    days = inst.days if tours is None else tours
    mat = travel_hundredths(inst)
    o0, c0 = inst.hours[0][0]
    clients = []
    for i in range(1, len(inst.x)):
        open_days = [(d, w) for d in range(days) if (w := inst.window(i, d)) is not None]
        for d, (o, c) in open_days:
            clients.append(Client(location=i, service=_h(inst.service[i]), tw_early=d * DAY + _h(o),
                                  tw_late=d * DAY + _h(c), prize=inst.score[i],
                                  group=i if len(open_days) > 1 else None, name=f"{i}@{d + 1}"))
    vehicles = tuple(Vehicle(0, 0, d * DAY + _h(o0), d * DAY + _h(c0), name=f"day {d + 1}")
                     for d in range(days))
    return Problem(mat, mat, tuple(clients), vehicles)


def verify(inst: TtdpInstance, days: list[list[int]]) -> tuple[int, list[str]]:
    """Re-check day tours (POI vertex ids per day, day 1 first) in floats; return score, problems."""
    problems: list[str] = []
    seen: set[int] = set()
    eps = 1e-6
    o0, c0 = inst.hours[0][0]

    def travel(a: int, b: int) -> float:
        return math.floor(math.hypot(inst.x[a] - inst.x[b], inst.y[a] - inst.y[b]) * 100 + eps) / 100

    for d, tour in enumerate(days):
        t, prev = o0, 0
        for v in tour:
            if not 1 <= v < len(inst.x):
                problems.append(f"day {d + 1}: unknown POI {v}")
                continue
            if v in seen:
                problems.append(f"POI {v} visited twice")
            seen.add(v)
            win = inst.window(v, d)
            if win is None:
                problems.append(f"day {d + 1}: POI {v} is closed that weekday")
                win = (0.0, 0.0)
            t = max(t + travel(prev, v), win[0])
            if t > win[1] + eps:
                problems.append(f"day {d + 1}: POI {v} starts at {t:.2f} after it closes at {win[1]}")
            t += inst.service[v]
            prev = v
        t += travel(prev, 0)
        if t > c0 + eps:
            problems.append(f"day {d + 1}: back at the hotel at {t:.2f} > {c0}")
    return sum(inst.score[v] for v in seen if 1 <= v < len(inst.x)), problems
