"""``tourlink export ITINERARY.json --out DIR``: write the famtrip pack of a planned tour."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from tourlink.errors import ValidationError

log = logging.getLogger(__name__)

EXAMPLES = """examples:
  tourlink export tour/itinerary.json --out pack/
  tourlink export tour/itinerary.json --out pack/ --formats gpx,kml,ics
  tourlink export tour/itinerary.json --out pack/ --online     # map with web tiles

formats: json, map, gpx, kml, kmz, geojson, csv, xlsx, ics, quote, html, pdf (pdf needs chromium)
The plan is checked first (as `tourlink check` does); the pack is written whole or not at all,
and replaces an older pack in DIR.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``export`` subcommand."""
    from tourlink.cli.plan_cmd import folder

    p = subparsers.add_parser(
        "export",
        help="write map, GPX, KML, GeoJSON, timetable, calendar and printable itinerary of a planned tour",
        description=__doc__,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("itinerary", type=Path, metavar="ITINERARY.json", help="a plan written by `tourlink plan`")
    p.add_argument("--out", type=folder, required=True, metavar="DIR", help="folder to write the pack into")
    p.add_argument("--formats", default=None, metavar="LIST", help="comma-separated formats (default: all)")
    p.add_argument(
        "--online",
        action="store_true",
        help="map loads Leaflet and tiles from the web (default: offline, self-contained)",
    )
    p.add_argument("--no-check", action="store_true",
                   help="write a hand-made itinerary without checking it against its request and the data")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the plan, write the pack and list the files written; return 0."""
    from tourlink.cli.plan_cmd import report_files
    from tourlink.export import check_folder, pack_files, parse_formats, write_pack
    from tourlink.itinerary import Itinerary

    formats = parse_formats(args.formats)  # check before reading anything
    check_folder(args.out)
    if args.no_check:
        itinerary = Itinerary.from_json(args.itinerary)
    else:
        from tourlink.cli.check_cmd import violations
        itinerary, bad = violations(args.itinerary)
        if bad:
            more = f" (and {len(bad) - 2} more)" if len(bad) > 2 else ""
            raise ValidationError(f"does not pass the checker: {'; '.join(map(str, bad[:2]))}{more}; "
                                  f"`tourlink check {args.itinerary}` lists every problem (--no-check "
                                  "writes it anyway)", source=str(args.itinerary))
    replaced = pack_files(args.out)
    try:
        files = write_pack(itinerary, args.out, formats=formats, offline=not args.online)
    except OSError as exc:
        raise ValidationError(
            f"cannot write the pack ({exc.strerror or exc}); choose a writable folder",
            source=str(exc.filename or args.out),
        ) from None
    report_files(files, args.out, replaced)
    return 0
