"""Batch benchmark: plans per minute on a Dask LocalCluster with 1, 2 and 4 workers.

The same fixed workload for every worker count — ``--plans`` variants (default 8) of the
Kiên Giang – Hậu Giang partnership (3 days, each with its own seed and start town), each with an
iteration limit, so that every plan does the same search whatever the machine's load. For each
worker count: the cluster's start-up, then the seconds from the first submission to the last
result, plans per minute, and the speed-up over one worker measured in the same run.
Writes ``benchmarks/results/bench_batch.csv``.

Usage: ``python benchmarks/bench_batch.py [--workers 1 2 4] [--plans 8] [--iterations 1500]
[--csv OUT] [--shared DIR]`` (``--shared`` is accepted for ``run_all.py`` and unused).
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tourlink.atomic import write_text  # noqa: E402
from tourlink.batch import Item, run_batch  # noqa: E402
from tourlink.request import TourRequest  # noqa: E402

COLUMNS = ["workers", "plans", "iterations", "startup_s", "seconds", "plans_per_min", "speedup", "failed",
           "cores"]
STARTS = ["Cần Thơ", "Rạch Giá", "Vị Thanh", "Hà Tiên"]


def workload(n: int) -> list[Item]:
    items = []
    for k in range(n):
        req = TourRequest(partnership="kien-giang--hau-giang", start_date="2026-12-10", days=3,
                          start=STARTS[k % len(STARTS)], seed=k)
        items.append(Item(f"plan-{k}", "bench", data=req.to_dict()))
    return items


def run(workers: int, items: list[Item], iterations: int) -> dict:
    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.CRITICAL)
    client = Client(cluster)
    # warm each worker (imports and the bundled data) so that start-up is not counted as planning
    client.run(lambda: __import__("tourlink.optimise.outer"))
    startup = time.perf_counter() - t0
    t1 = time.perf_counter()
    results = run_batch(items, client, max_iterations=iterations)
    seconds = time.perf_counter() - t1
    client.close()
    cluster.close()
    return {"workers": workers, "plans": len(items), "iterations": iterations, "startup_s": round(startup, 1),
            "seconds": round(seconds, 1), "plans_per_min": round(60 * len(items) / seconds, 1),
            "failed": sum(1 for r in results if not r.ok), "cores": os.cpu_count()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--plans", type=int, default=8)
    ap.add_argument("--iterations", type=int, default=1500)
    ap.add_argument("--csv", type=Path, default=ROOT / "benchmarks" / "results" / "bench_batch.csv")
    ap.add_argument("--shared", type=Path, default=None, help="unused (bundled data only)")
    ap.add_argument("--quick", action="store_true", help="4 plans of 500 iterations")
    args = ap.parse_args(argv)
    for name in ("distributed", "tornado"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    plans, iterations = (4, 500) if args.quick else (args.plans, args.iterations)
    items = workload(plans)
    rows = [run(w, items, iterations) for w in args.workers]
    base = rows[0]["plans_per_min"]
    for r in rows:
        r["speedup"] = round(r["plans_per_min"] / base, 2)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_text(args.csv, buf.getvalue())
    print(f"{'workers':>7} {'start-up s':>10} {'plan s':>7} {'plans/min':>9} {'speed-up':>8} {'failed':>6}")
    for r in rows:
        print(f"{r['workers']:>7} {r['startup_s']:>10} {r['seconds']:>7} {r['plans_per_min']:>9} "
              f"{r['speedup']:>8} {r['failed']:>6}")
    print(f"({plans} plans of {iterations} iterations each, {os.cpu_count()} cores; wrote {args.csv})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
