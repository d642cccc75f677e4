"""Plan benchmark: a 5-day tour over every bundled destination of the Mekong programme.

Runs ``examples/mekong_5_days.toml`` (partnership ``mekong-13--ha-noi``, from Cần Thơ, the
planner's defaults) once with the default time limit (goal: ≤ 30 s wall clock) and once with a
long budget (default 300 s; goal: the default run within 2 % of its score). Every itinerary
passes the independent checker (``plan()`` guarantees it; re-checked here). Prints a table and
writes ``benchmarks/results/bench_plan.csv`` with columns
``run,time_limit,seconds,score,visits,km,road_hours,gap_pct,feasible,plan`` (plan = the
overnight hubs and boats chosen).

Usage: ``python benchmarks/bench_plan.py [--long S] [--quick] [--csv OUT] [--shared DIR]``
(``--shared`` is accepted for ``run_all.py`` and unused: the benchmark needs only bundled data).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tourlink.errors import TourlinkError  # noqa: E402
from tourlink.optimise.check import check  # noqa: E402
from tourlink.optimise.outer import DEFAULT_TIME_LIMIT, plan  # noqa: E402
from tourlink.request import TourRequest  # noqa: E402

COLUMNS = ["run", "time_limit", "seconds", "score", "visits", "km", "road_hours", "gap_pct", "feasible",
           "plan"]


def one(request: TourRequest, time_limit: float, label: str) -> dict:
    t0 = time.perf_counter()
    it = plan(request, time_limit=time_limit)
    seconds = time.perf_counter() - t0
    ok = not check(it, request)
    return {"run": label, "time_limit": time_limit, "seconds": round(seconds, 1), "score": it.score,
            "visits": len(it.visits), "km": round(it.km), "road_hours": round(it.road_hours, 1),
            "gap_pct": "", "feasible": ok, "plan": " ".join(it.meta.get("plan", []))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--long", type=float, default=300.0, help="seconds of the reference run (default 300)")
    ap.add_argument("--quick", action="store_true", help="reference run of 60 s instead")
    ap.add_argument("--csv", type=Path, default=ROOT / "benchmarks" / "results" / "bench_plan.csv")
    ap.add_argument("--shared", default=None, help="ignored (bundled data only)")
    args = ap.parse_args(argv)
    request = TourRequest.from_toml(ROOT / "examples" / "mekong_5_days.toml")
    try:
        rows = [one(request, DEFAULT_TIME_LIMIT, "default")]
        rows.append(one(request, 60.0 if args.quick else args.long, "long"))
    except TourlinkError as exc:
        print(f"bench_plan: cannot plan the Mekong tour: {exc}")
        return 0 if "not built" in str(exc) or "data" in str(exc).lower() else 1
    ref = max(r["score"] for r in rows)
    for r in rows:
        r["gap_pct"] = round(100 * (ref - r["score"]) / ref, 2) if ref else 0.0
    print(f"{'run':8} {'limit s':>8} {'wall s':>8} {'score':>8} {'visits':>6} {'km':>6} {'road h':>7} "
          f"{'gap %':>6} ok")
    for r in rows:
        print(f"{r['run']:8} {r['time_limit']:8.0f} {r['seconds']:8.1f} {r['score']:8.1f} {r['visits']:6d} "
              f"{r['km']:6d} {r['road_hours']:7.1f} {r['gap_pct']:6.2f} {r['feasible']}")
    goal_t = rows[0]["seconds"] <= 30
    goal_g = rows[0]["gap_pct"] <= 2
    print(f"goals: default run ≤ 30 s: {'yes' if goal_t else 'NO'}; within 2 % of the long run: "
          f"{'yes' if goal_g else 'NO'}")
    args.csv.parent.mkdir(parents=True, exist_ok=True)
    from io import StringIO

    from tourlink.atomic import write_text
    buf = StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    write_text(args.csv, buf.getvalue())
    print(f"wrote {args.csv}")
    return 0 if all(r["feasible"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
