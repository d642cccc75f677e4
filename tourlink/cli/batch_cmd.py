"""``tourlink batch REQUESTS... --out DIR``: plan many requests in parallel on Dask."""

from __future__ import annotations

import argparse
import csv
import io
import logging
import sys
from pathlib import Path

from tourlink.errors import ValidationError

log = logging.getLogger(__name__)

EXAMPLES = """examples:
  tourlink batch examples/*.toml --out runs/
  tourlink batch variants.jsonl --out runs/ --workers 2 --iterations 2000
  tourlink batch examples/*.toml --out runs/ --scheduler tcp://10.0.0.5:8786 --pack

REQUESTS are TOML files (one request each) or JSON-lines files (one request per line).
DIR/summary.csv has a row for every request (ok or the error, score, km, coverage, price);
DIR/NAME/itinerary.json (and the pack with --pack) for every plan.
exit codes: 0 every request planned, 2 some failed (listed in summary.csv)
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``batch`` subcommand."""
    p = subparsers.add_parser("batch", help="plan many requests in parallel (Dask)", description=__doc__,
                              epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("requests", nargs="+", type=Path, metavar="REQUEST", help="TOML or JSON-lines files")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the results")
    p.add_argument("--workers", type=int, default=2, metavar="N",
                   help="worker processes of the local cluster (default 2; ignored with --scheduler)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="use this Dask scheduler instead of a local cluster")
    p.add_argument("--time-limit", type=float, default=None, metavar="S",
                   help="seconds of search per plan (default: each request's, else 20)")
    p.add_argument("--iterations", type=int, default=None, metavar="N",
                   help="solver iterations per plan instead of a time limit (repeatable)")
    p.add_argument("--pack", action="store_true", help="also write each plan's famtrip pack")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Plan the batch, write the results and summary.csv; 0 when all succeeded, 2 otherwise."""
    from tourlink.atomic import write_text
    from tourlink.batch import COLUMNS, read_requests, run_batch, summary_rows
    from tourlink.cli.plan_cmd import ensure_folder, write_outputs
    from tourlink.itinerary import Itinerary

    problems = []
    if not 1 <= args.workers <= 64:
        problems.append(f"--workers {args.workers}: give 1..64")
    if args.time_limit is not None and not 0 < args.time_limit <= 3600:
        problems.append(f"--time-limit {args.time_limit:g}: give a number of seconds in (0, 3600]")
    if args.iterations is not None and not 1 <= args.iterations <= 10_000_000:
        problems.append(f"--iterations {args.iterations}: give 1..10000000")
    if problems:
        raise ValidationError(problems, source="command line")
    items = read_requests(args.requests)
    ensure_folder(args.out)
    client, cluster = _client(args)
    try:
        results = run_batch(items, client, time_limit=args.time_limit, max_iterations=args.iterations,
                            on_result=_progress(len(items), quiet=getattr(args, "quiet", False)))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    for r in results:
        if r.ok:
            write_outputs(Itinerary.from_dict(r.itinerary), args.out / r.item.name, pack=args.pack)
    rows = summary_rows(results)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    summary = write_text(args.out / "summary.csv", buf.getvalue())
    failed = [r for r in results if not r.ok]
    print(f"planned {len(results) - len(failed)} of {len(results)} requests; summary: {summary}")
    for r in failed:
        log.warning("%s: %s", r.item.source, r.error)
    if failed:
        print(f"tourlink: error: {len(failed)} of {len(results)} requests failed (see {summary})",
              file=sys.stderr)
        return 2
    return 0


def _client(args: argparse.Namespace):
    if args.scheduler:
        from tourlink.cli.serve_cmd import connect
        return connect(args.scheduler), None
    from distributed import Client, LocalCluster

    for name in ("distributed", "tornado", "bokeh"):  # the cluster's own chatter is not the user's
        logging.getLogger(name).setLevel(logging.CRITICAL)
    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    return Client(cluster), cluster


def _progress(total: int, *, quiet: bool):
    if quiet:
        return None
    from tqdm import tqdm
    bar = tqdm(total=total, file=sys.stderr, desc="planning", unit="plan", disable=None)

    def done(result) -> None:
        bar.update(1)
        bar.set_postfix_str(f"last: {result.item.name} {'ok' if result.ok else 'failed'}", refresh=False)
        if bar.n >= total:
            bar.close()
    return done
