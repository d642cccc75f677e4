"""``tourlink bench DIR``: run the optimiser on published benchmark instances."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tourlink.errors import NotFoundError, ValidationError
from tourlink.request import SEED_LIMIT


def register(subparsers) -> None:
    """Add the ``bench`` subcommand."""
    p = subparsers.add_parser(
        "bench", help="solve published orienteering benchmarks and report the gap to best-known",
        description="Solve every instance in DIR (TOPTW Solomon, OPHS or multi-day TTDP, detected "
                    "from the files) with tourlink's optimiser, verify each solution against the "
                    "instance data and print instance,tours,score,bks,gap_pct,feasible,seconds.")
    p.add_argument("dir", type=Path, metavar="DIR", help="folder of instances of one format")
    p.add_argument("--tours", type=int, default=None, metavar="M",
                   help="number of tours (TOPTW: default 1; TTDP: default the file's days)")
    p.add_argument("--time-limit", type=float, default=None, metavar="S",
                   help="seconds per instance (default 10; none with --iterations unless given)")
    p.add_argument("--iterations", type=int, default=None, metavar="N",
                   help="solver iterations per instance: with --seed, the same result on every machine")
    p.add_argument("--solutions", type=Path, default=None, metavar="DIR",
                   help="write every solution (routes as the file's vertex ids, score, verdict) to DIR")
    p.add_argument("--bks", type=Path, default=None, metavar="FILE",
                   help="CSV of best-known scores with columns instance,m,bks")
    p.add_argument("--csv", type=Path, default=None, metavar="OUT", help="also write the table to OUT")
    p.add_argument("--instances", default=None, metavar="NAMES",
                   help="comma-separated instance names, e.g. c101,r101")
    p.add_argument("--seed", type=int, default=0, help="random seed (0)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from tourlink.bench.runner import COLUMNS, run

    if not args.dir.is_dir():
        raise NotFoundError("benchmark folder", str(args.dir))
    if args.tours is not None and args.tours < 1:
        raise ValidationError(f"--tours must be at least 1, got {args.tours}")
    if not 0 <= args.seed < SEED_LIMIT:  # PyVRP's seed range; it raised a TypeError after loading
        raise ValidationError(f"--seed {args.seed} is outside 0..{SEED_LIMIT - 1}")
    if args.time_limit is not None and not 0 < args.time_limit <= 86_400:  # also refuses nan
        raise ValidationError(f"--time-limit {args.time_limit:g}: give seconds in (0, 86400]")
    if args.iterations is not None and not 1 <= args.iterations <= 100_000_000:
        raise ValidationError(f"--iterations {args.iterations}: give 1..100000000")
    time_limit = args.time_limit if args.time_limit is not None or args.iterations else 10.0
    if args.csv is not None:  # fail before the long run, not after it
        try:
            if args.csv.is_dir():
                raise IsADirectoryError(f"{args.csv} is a folder")
            args.csv.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ValidationError(f"--csv {args.csv}: cannot write there ({exc.strerror or exc}); "
                                  "choose a writable file path") from None
    if args.solutions is not None:
        try:
            args.solutions.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            why = exc.strerror or exc
            raise ValidationError(f"--solutions {args.solutions}: cannot write there ({why}); "
                                  "choose a writable folder") from None
    names = [n.strip() for n in args.instances.split(",") if n.strip()] if args.instances else None
    print(",".join(COLUMNS), flush=True)
    rows = run(args.dir, tours=args.tours, time_limit=time_limit, bks=args.bks, csv=args.csv,
               instances=names, seed=args.seed, max_iterations=args.iterations, solutions=args.solutions,
               on_result=lambda r: print(",".join(str(r[c]) for c in COLUMNS), flush=True))
    gaps = [float(r["gap_pct"]) for r in rows if r["gap_pct"] != ""]
    infeasible = sum(not r["feasible"] for r in rows)
    if gaps and not args.quiet:
        print(f"# {len(rows)} instances, mean gap {sum(gaps) / len(gaps):.2f} %, "
              f"{sum(g <= 0 for g in gaps)} at or above best-known, {infeasible} infeasible",
              file=sys.stderr)
    return 1 if infeasible else 0
