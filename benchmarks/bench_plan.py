"""Plan benchmark: real tours over every bundled partnership against long-run references.

The tours are the examples (``examples/*.toml``) and the operator-style requests of
``benchmarks/tours/*.toml`` (2–7 days over every bundled partnership, up to the largest request
the bundled data plans). Each is planned at its default time limit (the request's, else the
planner's; or ``--iterations`` per inner solve, repeatable) and verified by the independent
checker; its score is compared with ``benchmarks/references/plan.csv``, the best of several long
runs (seeds × minutes) tied to the request, the catalogue and the road network by hashes, and to
the scoring rule by its own visits (:mod:`tourlink.bench.tours`): a reference made on other data
or rules is reported as stale, not compared.
Each run and its reference are also weighed by what the planner optimises
(:func:`~tourlink.bench.tours.objective`: the worth less the solver's road and day costs), so a
score below the reference reads as a tour the search missed, or as one the planner prefers for
its shorter road. Goal: every tour within 1 % of its reference and within its time limit. A tour
that leaves out more partners (below ``min_stops_per_partner``) than its reference gets no gap and
counts as a miss. Prints a table and writes ``benchmarks/results/bench_plan.csv``.

``--profile`` plans each tour once with one seed under cProfile and prints where its time goes:
loading the world (catalogue; the road matrix inside it), building the solver's problems, choosing the night
plan (screening and halving), the rounds for coverage, variety and repricing, the polish after
them, the PyVRP searches inside the first two, timing the days, and the checker
(``benchmarks/results/bench_plan_profile.csv``).
cProfile slows pure-Python code far more than PyVRP's C++: read the phases as where the time goes,
not as what they take unprofiled.

``--make-reference`` plans every tour ``--seeds`` times for ``--seconds`` each (``--jobs``
processes side by side) and keeps the best score as the reference (a current reference only
rises; a stale one is replaced). With ``--jobs 1`` the runs go one after the other in this
process, so each plans as the CLI does: seeds S and S+1 side by side on two cores (a pool
worker searches one seed). ``--cpu`` makes every time budget count the process's CPU seconds
instead of the wall clock (on a loaded machine a 5-minute run would otherwise search for much
less; the planner's own clock is redirected, in this benchmark's processes only).

``--seed 0,1,2,3`` runs every tour once per seed (a wall-clock limit makes one run a sample, not
a measure) and adds each tour's worst gap and at how many seeds it is within 1 %.

Usage: ``python benchmarks/bench_plan.py [--quick] [--iterations N] [--only a,b] [--seed 0,1]
[--csv OUT] [--cpu] [--profile] [--make-reference --seeds 3 --seconds 300 --jobs 2]``
(``--shared`` is accepted for ``run_all.py`` and unused: the benchmark needs only bundled data).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tourlink.atomic import write_text  # noqa: E402
from tourlink.bench import runner  # noqa: E402
from tourlink.bench import tours as bt  # noqa: E402
from tourlink.errors import TourlinkError  # noqa: E402
from tourlink.optimise.world import load_world  # noqa: E402
from tourlink.request import SEED_LIMIT  # noqa: E402

REFERENCES = ROOT / "benchmarks" / "references" / "plan.csv"
FOLDERS = (ROOT / "examples", ROOT / "benchmarks" / "tours")
COLUMNS = ["tour", "days", "time_limit", "iterations", "seed", "seconds", "cpu_seconds", "over_limit_s",
           "score", "reference", "gap_pct", "status", "objective", "objective_ref", "objective_gap_pct",
           "visits", "left_out", "km", "road_hours", "feasible", "plan", "by_day"]


def _run(job: tuple) -> dict:
    """One plan in a worker process: ``(tour, time_limit, seed, iterations, cpu)`` -> row (or error)."""
    tour, limit, seed, iterations, cpu = job
    if cpu:
        time.perf_counter = time.process_time  # this process's budgets count its CPU seconds
    try:
        return bt.plan_tour(tour, time_limit=limit, seed=seed, max_iterations=iterations)
    except TourlinkError as exc:
        return {"tour": tour.name, "seed": seed, "error": str(exc).splitlines()[0][:200]}


def compare(row: dict, ref: dict | None, now: dict[str, str], *, score: float | None = None,
            left_out: int | None = None) -> dict:
    """Add ``reference``, ``gap_pct`` and ``status`` (current / stale: what changed / none / beaten /
    partners left out); ``score`` and ``left_out`` are the reference's visits judged today
    (:func:`~tourlink.bench.tours.judge`). A tour that leaves out more partners than its
    reference gets no gap: a higher score bought by dropping a partner is no better tour."""
    if ref is None:
        return {**row, "reference": "", "gap_pct": "", "status": "no reference"}
    changed = bt.stale(ref, now, score=score)
    if changed:
        return {**row, "reference": ref["reference"], "gap_pct": "", "status": "stale: " + "+".join(changed)}
    value = float(ref["reference"])
    if left_out is not None and row.get("left_out", 0) > left_out:
        return {**row, "reference": value, "gap_pct": "",
                "status": f"{row['left_out'] - left_out} more partner(s) left out"}
    gap = round(100.0 * (value - row["score"]) / value, 2) if value else 0.0
    return {**row, "reference": value, "gap_pct": gap, "status": "beaten" if gap < 0 else "current"}


def weigh(row: dict, ref: dict | None, tour: bt.Tour, world, known: dict[str, float | None]) -> dict:
    """Add the planner's own objective of the run and of its current reference
    (:func:`~tourlink.bench.tours.objective`: worth less the solver's road and day costs, in points)
    and ``objective_gap_pct``, how far the run's falls below the reference's, as a share of the
    reference score (comparable with ``gap_pct``; below zero, the run is the better tour by the
    planner's own measure). ``known`` keeps the references' objectives across seeds."""
    mine = bt.objective(tour.request, row["plan"], row["by_day"], world=world)
    row = {**row, "objective": "" if mine is None else mine, "objective_ref": "", "objective_gap_pct": ""}
    if ref is None or row.get("gap_pct", "") == "":
        return row
    if tour.name not in known:
        known[tour.name] = bt.objective(tour.request, ref["plan"], ref["visits"], world=world)
    theirs = known[tour.name]
    if None in (mine, theirs):
        return row
    gap = round(100.0 * (theirs - mine) / float(ref["reference"]), 2)
    return {**row, "objective_ref": theirs, "objective_gap_pct": gap}


def _seeds(text: str) -> list[int]:
    """``--seed``: one seed or a comma-separated list of them."""
    try:
        seeds = [int(x) for x in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give seeds as integers, e.g. 0 or 0,1,2,3") from None
    if not seeds or any(not 0 <= x < SEED_LIMIT for x in seeds):
        raise argparse.ArgumentTypeError(f"{text!r}: seeds are 0..{SEED_LIMIT - 1}")
    return seeds


def summary(rows: list[dict]) -> str:
    """The gaps to the references: per seed (mean, max, tours within 1 %), and with several seeds
    per tour (its worst gap, at how many seeds within 1 %); then the gaps on the planner's own
    objective (:func:`weigh`). A tour that leaves out more partners
    than its reference counts as not within 1 %; stale or missing references are counted apart."""
    def fewer(r: dict) -> bool:
        return str(r.get("status", "")).endswith("left out")

    def line(label: str, gaps: list[float], short: int, missing: int) -> str:
        mean = f"mean {sum(gaps) / len(gaps):.2f} %, max {max(gaps):.2f} %, " if gaps else ""
        return (f"{label}: {mean}within 1 %: {sum(g <= 1.0 for g in gaps)}/{len(gaps) + short} "
                f"(partners left out: {short}; stale or missing: {missing})\n")
    seeds = list(dict.fromkeys(r.get("seed") for r in rows))
    gapped = [r for r in rows if r.get("gap_pct", "") != "" or fewer(r)]
    out = ""
    for seed in seeds:
        mine = [r for r in gapped if r.get("seed") == seed]
        if mine:
            label = "gap to reference" if len(seeds) == 1 else f"seed {seed}"
            out += line(label, [r["gap_pct"] for r in mine if not fewer(r)], sum(map(fewer, mine)),
                        sum(r.get("seed") == seed for r in rows) - len(mine))
    if len(seeds) > 1:
        for tour in dict.fromkeys(r["tour"] for r in gapped):
            mine = [r for r in gapped if r["tour"] == tour]
            gaps = [r["gap_pct"] for r in mine if not fewer(r)]
            worst = f"worst {max(gaps):6.2f} %" if gaps else "worst      - "
            out += (f"  {tour:<32} {worst}, within 1 % at {sum(g <= 1.0 for g in gaps)}/{len(mine)} seeds"
                    + (f" ({sum(map(fewer, mine))} leaving out a partner)" if any(map(fewer, mine)) else "")
                    + "\n")
    weighed = [r["objective_gap_pct"] for r in rows if r.get("objective_gap_pct", "") != ""]
    if weighed:
        out += (f"the planner's own objective (worth less road and day costs): at or above the reference's "
                f"at {sum(g <= 0 for g in weighed)}/{len(weighed)} runs, "
                f"mean gap {sum(weighed) / len(weighed):.2f} %, worst {max(weighed):.2f} %\n")
    return out


def _code() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def make_reference(tours: list[bt.Tour], args, data: dict[str, str]) -> int:
    refs = bt.read_references(REFERENCES)
    jobs = [(t, args.seconds, seed, None, args.cpu) for t in tours for seed in range(args.seeds)]
    by_tour: dict[str, list[dict]] = {t.name: [] for t in tours}
    with ProcessPoolExecutor(max_workers=args.jobs) if args.jobs > 1 else nullcontext() as pool:
        for row in (pool.map(_run, jobs) if pool else map(_run, jobs)):
            print(f"{row['tour']:<22} seed {row['seed']}: " + (f"error {row['error']}" if "error" in row else
                  f"{row['score']:8.1f}  wall {row['seconds']:6.1f} s  cpu {row['cpu_seconds']:6.1f} s  "
                  f"{row['plan']}"), flush=True)
            runs = by_tour[row["tour"]]
            runs.append(row)
            tour = next(t for t in tours if t.name == row["tour"])
            if len(runs) < args.seeds:
                continue
            ok = [r for r in runs if r.get("feasible")]
            if not ok:
                continue
            best = max(ok, key=lambda r: r["score"])
            now = {"request": bt.request_digest(tour.request), **data}
            old = refs.get(tour.name)
            score = bt.judge(tour.request, old["visits"])[0] if old else None
            if old and not bt.stale(old, now, score=score) and float(old["reference"]) >= best["score"]:
                print(f"{tour.name}: reference {old['reference']} kept (best run {best['score']})")
                continue
            refs[tour.name] = {"tour": tour.name, "reference": best["score"], "runs": len(ok),
                               "seconds_per_run": args.seconds, "clock": "cpu" if args.cpu else "wall",
                               "cpu_seconds": round(min(r["cpu_seconds"] for r in ok), 1), **now,
                               "date": date.today().isoformat(), "code": _code(), "plan": best["plan"],
                               "visits": best["by_day"]}
            write_text(REFERENCES, bt.references_csv(refs))
            print(f"{tour.name}: reference {best['score']} (runs {sorted(r['score'] for r in ok)})",
                  flush=True)
    return 0


#: the phases of a plan, as (column, module file ending, function) of the profile
PHASES = [("world", "optimise/world.py", "load_world"), ("matrix", "optimise/world.py", "_matrix"),
          ("build", "optimise/build.py", "build_problem"),
          ("night_plan", "optimise/hotels.py", "best_sequence"),
          ("rounds", "optimise/outer.py", "_solve_plan"), ("polish", "optimise/polish.py", "polish"),
          ("pyvrp", "pyvrp/solve.py", "solve"), ("timing", "optimise/timing.py", "time_days"),
          ("check", "optimise/check.py", "check")]


def profile(tours: list[bt.Tour], args) -> int:
    """Where each plan's time goes: cumulative seconds of each phase (nested: ``pyvrp`` is inside
    ``night_plan`` and ``rounds``, ``build`` and ``polish`` inside ``rounds`` too)."""
    rows = []
    print(f"{'tour':<22} {'total':>6} " + " ".join(f"{c:>10}" for c, _, _ in PHASES) + "   (seconds)")
    for tour in tours:
        prof = cProfile.Profile()
        row = prof.runcall(bt.plan_tour, tour, time_limit=args.time_limit, seed=args.seed[0],
                           max_iterations=args.iterations, jobs=1)
        stats = pstats.Stats(prof).stats
        out = {"tour": tour.name, "total": row["seconds"], "score": row["score"]}
        for col, path, func in PHASES:
            out[col] = round(sum(v[3] for (f, _line, name), v in stats.items()
                                 if name == func and f.replace(os.sep, "/").endswith(path)), 2)
        rows.append(out)
        print(f"{tour.name:<22} {out['total']:6.1f} " + " ".join(f"{out[c]:10.2f}" for c, _, _ in PHASES),
              flush=True)
    path = args.csv.with_name(args.csv.stem + "_profile.csv")
    write_text(path, runner.rows_to_csv(rows, ["tour", "total", "score", *(c for c, _, _ in PHASES)]))
    print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="the examples only")
    ap.add_argument("--only", default=None, help="comma-separated tour names")
    ap.add_argument("--iterations", type=int, default=None, help="iterations per inner solve instead of time")
    ap.add_argument("--time-limit", type=float, default=None, help="seconds per tour (default: the tour's)")
    ap.add_argument("--seed", type=_seeds, default=[None], metavar="S[,S...]",
                    help="search seeds, each a run of every tour (default: the request's)")
    ap.add_argument("--csv", type=Path, default=ROOT / "benchmarks" / "results" / "bench_plan.csv")
    ap.add_argument("--make-reference", action="store_true")
    ap.add_argument("--profile", action="store_true", help="where each plan's time goes (one seed)")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=300.0)
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--cpu", action="store_true", help="time budgets count CPU seconds, not the wall clock")
    ap.add_argument("--shared", default=None, help="ignored (bundled data only)")
    args = ap.parse_args(argv)
    try:
        tours = bt.load_tours(*FOLDERS)
        data = bt.data_digests()
    except TourlinkError as exc:
        print(f"bench_plan: {exc}")
        return 1
    if args.quick:
        tours = [t for t in tours if t.name.startswith("ex-")]
    if args.only:
        wanted = set(args.only.split(","))
        tours = [t for t in tours if t.name in wanted]
    if args.make_reference:
        return make_reference(tours, args, data)
    if args.profile:
        return profile(tours, args)
    refs = bt.read_references(REFERENCES)
    rows, worlds, objectives = [], {}, {}
    print(f"{'tour':<22} {'limit':>6} {'wall s':>7} {'cpu s':>6} {'score':>8} {'ref':>8} {'gap %':>6}  "
          f"{'status':<16} {'visits':>6} {'km':>5} ok")
    for seed, tour in ((seed, tour) for seed in args.seed for tour in tours):
        row = _run((tour, args.time_limit, seed, args.iterations, args.cpu))
        if "error" in row:
            print(f"{tour.name:<22} error: {row['error']}", flush=True)
            rows.append({**row, "feasible": False, "status": "error"})
            continue
        limit = row["time_limit"]
        row["over_limit_s"] = "" if limit == "" else round(max(0.0, row["seconds"] - limit), 1)
        ref = refs.get(tour.name)
        if tour.name not in worlds:
            worlds[tour.name] = load_world(tour.request)
        world = worlds[tour.name]
        score, out = bt.judge(tour.request, ref["visits"], world=world) if ref else (None, None)
        row = compare(row, ref, {"request": bt.request_digest(tour.request), **data}, score=score,
                      left_out=out)
        row = weigh(row, ref, tour, world, objectives)
        rows.append(row)
        print(f"{row['tour']:<22} {limit!s:>6} {row['seconds']:7.1f} {row['cpu_seconds']:6.1f} "
              f"{row['score']:8.1f} {row['reference']!s:>8} {row['gap_pct']!s:>6}  {row['status']:<16} "
              f"{row['visits']:6d} {row['km']:5d} {row['feasible']}", flush=True)
    print(summary(rows), end="")
    over = [float(r["over_limit_s"]) for r in rows if r.get("over_limit_s", "") != ""]
    if over:
        print(f"time limit kept: {sum(o <= 0.5 for o in over)}/{len(over)} (max over {max(over):.1f} s)")
    write_text(args.csv, runner.rows_to_csv(rows, COLUMNS))
    print(f"wrote {args.csv}")
    return 0 if all(r.get("feasible") for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
