"""Synthetic tour-planning problems through the inner solver: score against time budget.

    python benchmarks/bench_solver.py [--quick] [--csv benchmarks/results/bench_solver.csv]

Random multi-day problems shaped like tourlink's (POIs scattered over ~150 x 150 km at
50 km/h, visits of 30-120 minutes, a 07:30-18:00 day, one client copy per open day in a
mutually exclusive group, a few sites closed on some days, every night at the same hub).
For each size the solver runs with short budgets and one long reference run; the table
shows the score of each budget relative to the reference and the iterations per second.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tourlink.atomic import write_text  # noqa: E402
from tourlink.optimise.inner import solve  # noqa: E402
from tourlink.optimise.problem import Client, Problem, Vehicle  # noqa: E402


def synthetic(n: int, days: int, seed: int) -> Problem:
    """A random problem with ``n`` POIs over ``days`` days (minutes; distance in 100 m)."""
    rng = np.random.default_rng(seed)
    pts = np.vstack([[75.0, 75.0], rng.uniform(0, 150, size=(n, 2))])  # km; hub in the middle
    km = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1)) * 1.3
    minutes = np.ceil(km / 50 * 60).astype(np.int64)
    distance = np.rint(km * 10).astype(np.int64)
    clients = []
    for i in range(1, n + 1):
        score, visit = int(rng.integers(10, 100)), int(rng.choice([30, 45, 60, 90, 120]))
        open_days = [d for d in range(days) if rng.random() > 0.15]
        for d in open_days:
            early, late = (5 * 60, 8 * 60) if rng.random() < 0.05 else (8 * 60, 17 * 60)  # dawn markets
            clients.append(Client(i, visit, d * 1440 + early, d * 1440 + late - visit, score,
                                  group=i if len(open_days) > 1 else None, name=f"{i}@{d + 1}"))
    vehicles = tuple(Vehicle(0, 0, d * 1440 + 450, d * 1440 + 1080, max_duration=630, name=f"day {d + 1}")
                     for d in range(days))
    return Problem(minutes, distance, tuple(clients), vehicles)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, budgets 1 and 3 s, reference 10 s")
    parser.add_argument("--shared", default=None, help="ignored (synthetic data only)")
    parser.add_argument("--csv", type=Path, default=ROOT / "benchmarks" / "results" / "bench_solver.csv")
    args = parser.parse_args(argv)
    sizes = [(40, 3), (100, 5)] if args.quick else [(40, 3), (100, 5), (200, 5)]
    budgets, reference = ([1.0, 3.0], 10.0) if args.quick else ([2.0, 10.0, 30.0], 120.0)
    rows = ["pois,days,clients,budget_s,score,reference,pct_of_reference,iterations_per_s"]
    head = (("pois", 5), ("days", 4), ("clients", 7), ("budget", 7), ("score", 6), ("ref", 6),
            ("%ref", 6), ("it/s", 7))
    print(" ".join(f"{h:>{w}}" for h, w in head))
    for n, days in sizes:
        p = synthetic(n, days, seed=n + days)
        ref = solve(p, time_limit=reference, seed=1)
        for b in [*budgets, reference]:
            sol = ref if b == reference else solve(p, time_limit=b, seed=0)
            pct = 100.0 * sol.prize / ref.prize if ref.prize else 100.0
            ips = sol.iterations / max(sol.runtime, 1e-9)
            print(f"{n:>5} {days:>4} {len(p.clients):>7} {b:>7g} {sol.prize:>6} {ref.prize:>6} {pct:>6.1f} "
                  f"{ips:>7.0f}", flush=True)
            rows.append(f"{n},{days},{len(p.clients)},{b:g},{sol.prize},{ref.prize},{pct:.2f},{ips:.0f}")
    write_text(args.csv, "\n".join(rows) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
