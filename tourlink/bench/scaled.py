"""Larger benchmark instances made from the published ones: more places, longer horizons.

The published TOPTW and OPHS sets stop at 100 places and short horizons; real tours have
300–500 candidates over several days. These generators derive bigger instances from a published
file, deterministically (a fixed seed per instance name), in the same text format, so the same
readers, solvers and verifiers apply:

* :func:`scale_toptw` — ``k`` copies of the 100 customers (copy 0 as published, the others moved
  by up to ``jitter`` whole units), copy ``j``'s time windows shifted by ``j * Tmax``, and the
  horizon ``k * Tmax``: ``100 k`` places over ``k`` times the horizon, travel still truncated to
  one decimal (coordinates stay whole numbers);
* :func:`scale_ophs` — the POIs and a jittered copy of each, two more hotels placed on POIs, and
  four trips each as long as the published trips' mean: twice the places over twice the length.

The instances are generated from ``../shared/bench`` at run time, never stored in the repository;
``benchmarks/references/scaled.csv`` keeps, per instance, the best score of long runs and a hash of
the generated text, so a reference can only be compared with the very instance it was made on.
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

from tourlink.atomic import write_text
from tourlink.bench.ophs import read_ophs
from tourlink.bench.toptw import read_toptw


def _rng(name: str) -> random.Random:
    return random.Random(int(hashlib.sha256(name.encode()).hexdigest()[:16], 16))


def digest(text: str) -> str:
    """A short hash of an instance's text (ties a reference to its instance)."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def scale_toptw(path: str | Path, k: int, *, jitter: int = 5) -> tuple[str, str]:
    """``(name, text)`` of the TOPTW instance ``path`` scaled ``k`` times (see the module docstring)."""
    inst = read_toptw(path)
    name = f"{inst.name}x{k}"
    rng = _rng(name)
    tmax = inst.close[0]
    lines = [f"{k} 10 {k * (inst.n - 1)} 1", "0 200",
             f"0 {inst.x[0]:.2f} {inst.y[0]:.2f} 0.00 0 0 0 0 {k * tmax:g}"]
    v = 0
    for j in range(k):
        for i in range(1, inst.n):
            v += 1
            dx, dy = (0, 0) if j == 0 else (rng.randint(-jitter, jitter), rng.randint(-jitter, jitter))
            x, y = min(100.0, max(0.0, inst.x[i] + dx)), min(100.0, max(0.0, inst.y[i] + dy))
            lines.append(f"{v} {x:.2f} {y:.2f} {inst.service[i]:.2f} {inst.score[i]} 0 0 "
                         f"{inst.open[i] + j * tmax:g} {inst.close[i] + j * tmax:g}")
    return name, "\n".join(lines) + "\n"


def scale_ophs(path: str | Path, *, trips: int = 4, extra_hotels: int = 2) -> tuple[str, str]:
    """``(name, text)`` of the OPHS instance ``path`` with twice the POIs, more hotels and ``trips`` trips."""
    inst = read_ophs(path)
    name = f"{inst.name}-x2-{trips}t"
    rng = _rng(name)
    h = inst.n_hotels
    pois = list(range(h, len(inst.x)))
    xs, ys = [inst.x[i] for i in pois], [inst.y[i] for i in pois]
    span = max(max(xs) - min(xs), max(ys) - min(ys))
    jit = 0.02 * span
    copies = [(inst.x[i] + rng.uniform(-jit, jit), inst.y[i] + rng.uniform(-jit, jit), inst.score[i])
              for i in pois]
    new_hotels = [(inst.x[i], inst.y[i], 0) for i in rng.sample(pois, extra_hotels)]
    hotels = [(inst.x[i], inst.y[i], 0) for i in range(h)] + new_hotels
    points = [(inst.x[i], inst.y[i], inst.score[i]) for i in pois] + copies
    t = sum(inst.trip_limits) / len(inst.trip_limits)
    lines = [f"{len(hotels) + len(points)}\t{len(hotels) - 2}\t{trips}", f"{trips * t:.4f}",
             "\t".join(f"{t:.4f}" for _ in range(trips))]
    lines += [f"{x:.4f}\t{y:.4f}\t{s}" for x, y, s in hotels + points]
    return name, "\n".join(lines) + "\n" + "-" * 33 + "\n"


#: the scaled instances ``make bench`` measures: (family, published file, factor)
DEFAULT = (("toptw", "toptw_solomon/c101.txt", 2), ("toptw", "toptw_solomon/r101.txt", 2),
           ("toptw", "toptw_solomon/rc101.txt", 2), ("toptw", "toptw_solomon/c105.txt", 3),
           ("toptw", "toptw_solomon/r105.txt", 3), ("toptw", "toptw_solomon/rc105.txt", 3),
           ("ophs", "ophs/SET_1-2/64-45-1-2.ophs", 4), ("ophs", "ophs/SET_1-2/100-45-1-2.ophs", 4),
           ("ophs", "ophs/SET_1-2/102-50-1-2.ophs", 4))


def generate(instances_dir: str | Path, out_dir: str | Path, which=DEFAULT) -> list[tuple[str, str, Path]]:
    """Write the scaled instances of ``which`` into ``out_dir``; return ``(format, name, path)`` each."""
    base, out = Path(instances_dir), Path(out_dir)
    made = []
    for fmt, rel, k in which:
        src = base / rel
        name, text = scale_toptw(src, k) if fmt == "toptw" else scale_ophs(src, trips=k)
        target = out / fmt / (name + (".txt" if fmt == "toptw" else ".ophs"))
        write_text(target, text)
        made.append((fmt, name, target))
    return made


__all__ = ["DEFAULT", "digest", "generate", "scale_ophs", "scale_toptw"]
