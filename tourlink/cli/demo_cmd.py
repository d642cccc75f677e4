"""``tourlink demo``: plan the 4-day Kiên Giang–Hậu Giang famtrip and write its full pack.

The tour starts and ends in Cần Thơ, crosses to Phú Quốc by the timetabled fast boat and
visits a floating market at dawn; the request is ``examples/famtrip_kien_giang_hau_giang.toml``
(built in, so the demo runs from any folder, offline).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

#: the demo request (the same as examples/famtrip_kien_giang_hau_giang.toml)
DEMO = {
    "title": "Famtrip Kiên Giang – Hậu Giang: Phú Quốc by boat, floating market at dawn",
    "partnership": "kien-giang--hau-giang",
    "start_date": date(2026, 12, 10),
    "days": 4,
    "start": "Cần Thơ",
    "themes": {"floating_market": 3.0, "beach_island": 1.5, "heritage": 1.2},
    "must": ("cur-cho-noi-nga-bay", "osm-w467994898"),
    "min_stops_per_partner": 2,
    "nights_in": ("Hậu Giang",),  # "two localities, one destination": a night on each side
    "max_road_hours": 6.0,
    "seed": 0,
    "time_limit": 12.0,
}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``demo`` subcommand."""
    p = subparsers.add_parser("demo", help="plan the Kiên Giang–Hậu Giang famtrip demo and write its pack",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    from tourlink.cli.plan_cmd import add_output_arguments

    add_output_arguments(p, default=Path("out/demo"), what="the pack (default out/demo)")
    p.add_argument("--time-limit", type=float, default=None, metavar="S", help="seconds of search")
    p.add_argument("--group-size", type=int, default=None, metavar="N",
                   help="guests the quote prices (default 10)")
    p.set_defaults(func=run)


def demo_request(**changes):
    """The demo TourRequest (with optional changes)."""
    from tourlink.request import TourRequest
    return TourRequest(**{**DEMO, **changes})


def run(args: argparse.Namespace) -> int:
    """Plan the demo, print it, write the pack, say where; return 0."""
    from tourlink.cli import plan_cmd as pc
    from tourlink.export import pack_files

    changes = {"time_limit": args.time_limit} if args.time_limit is not None else {}
    if getattr(args, "group_size", None) is not None:
        changes["group_size"] = args.group_size
    request = demo_request(**changes)
    pc.ensure_folder(args.out)
    itinerary = pc.plan_with_progress(request, quiet=getattr(args, "quiet", False))
    print(itinerary.summary(lang=getattr(args, "lang", "en")))
    replaced = pack_files(args.out)
    with pc.writing_to(args.out):
        files = pc.write_outputs(itinerary, args.out, pack=True, online=args.online)
    pc.report_files([], args.out, replaced)
    from tourlink.cli import tr
    print("\n" + tr(f"wrote {len(files)} files to {args.out}/ — open {args.out / 'map.html'} in a browser",
                    f"đã ghi {len(files)} tệp vào {args.out}/ — mở {args.out / 'map.html'} bằng trình duyệt"))
    return 0
