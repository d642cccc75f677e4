"""``tourlink serve``: the planner as a web page and an HTTP API (OpenAPI docs at /docs)."""

from __future__ import annotations

import argparse
import logging

from tourlink.errors import ValidationError

log = logging.getLogger(__name__)

EXAMPLES = """examples:
  tourlink serve                                  # http://127.0.0.1:8000/ — the page; /docs — the API
  tourlink serve --host 0.0.0.0 --port 8080 --workers 2 --queue 16
  tourlink serve --scheduler tcp://10.0.0.5:8786  # plans run on an existing Dask cluster

API: POST /api/plans (a TourRequest as JSON) -> {"id"}; GET /api/plans/{id} -> status and itinerary;
GET /api/plans/{id}/pack.zip; GET /api/partnerships; POST /api/review (an itinerary.json).
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``serve`` subcommand."""
    p = subparsers.add_parser("serve", help="serve the planner as a web page and an HTTP API",
                              description=__doc__, epilog=EXAMPLES,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=1, metavar="N", help="plans that run at once (default 1)")
    p.add_argument("--queue", type=int, default=8, metavar="N",
                   help="plans that may wait; more are refused with 503 (default 8)")
    p.add_argument("--time-limit", type=float, default=20.0, metavar="S",
                   help="seconds of search per plan, and the cap on a request's own (default 20)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run plans on this Dask scheduler instead")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Start the server; return 0 when it stops."""
    problems = []
    if not 1 <= args.workers <= 64:
        problems.append(f"--workers {args.workers}: give 1..64")
    if not 0 <= args.queue <= 10_000:
        problems.append(f"--queue {args.queue}: give 0..10000")
    if not 1 <= args.time_limit <= 3600:
        problems.append(f"--time-limit {args.time_limit:g}: give 1..3600 seconds")
    if not 0 < args.port < 65536:
        problems.append(f"--port {args.port}: give 1..65535")
    if problems:
        raise ValidationError(problems, source="command line")
    import uvicorn

    from tourlink.serve.app import create_app
    from tourlink.serve.jobs import Planner

    client = connect(args.scheduler) if args.scheduler else None
    planner = Planner(workers=args.workers, queue=args.queue, time_limit=args.time_limit, client=client)
    try:
        log.info("tourlink serve: http://%s:%d/ (API docs at /docs); Ctrl-C stops", args.host, args.port)
        uvicorn.run(create_app(planner), host=args.host, port=args.port, log_level="warning")
    finally:
        planner.close()
        if client is not None:
            client.close()
    return 0


def connect(address: str):
    """A Dask client of the scheduler at ``address`` (ValidationError when it cannot be reached)."""
    from distributed import Client

    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise ValidationError(f"cannot reach the Dask scheduler ({exc}); check the address "
                              "(tcp://HOST:8786) and that the scheduler runs", source=address) from None
