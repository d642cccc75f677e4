"""``tourlink export ITINERARY.json --out DIR``: write the famtrip pack of a planned tour."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from tourlink.errors import ValidationError
from tourlink.itinerary import Itinerary

log = logging.getLogger(__name__)

EXAMPLES = """examples:
  tourlink export tour/itinerary.json --out pack/
  tourlink export tour/itinerary.json --out pack/ --formats gpx,kml,ics
  tourlink export tour/itinerary.json --out pack/ --online     # map with web tiles

formats: json, map, gpx, kml, kmz, geojson, csv, xlsx, ics, quote, html, pdf (pdf needs chromium)
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``export`` subcommand."""
    p = subparsers.add_parser(
        "export",
        help="write map, GPX, KML, GeoJSON, timetable, calendar and printable itinerary of a planned tour",
        description=__doc__,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("itinerary", type=Path, metavar="ITINERARY.json", help="a plan written by `tourlink plan`")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write the pack into")
    p.add_argument("--formats", default=None, metavar="LIST", help="comma-separated formats (default: all)")
    p.add_argument(
        "--online",
        action="store_true",
        help="map loads Leaflet and tiles from the web (default: offline, self-contained)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the pack and list the files written; return 0."""
    from tourlink.export import parse_formats, write_pack

    formats = parse_formats(args.formats)  # check before reading anything
    itinerary = Itinerary.from_json(args.itinerary)
    try:
        files = write_pack(itinerary, args.out, formats=formats, offline=not args.online)
    except OSError as exc:
        raise ValidationError(
            f"cannot write the pack ({exc.strerror or exc}); choose a writable folder",
            source=str(exc.filename or args.out),
        ) from None
    for f in files:
        print(f"{f}  ({f.stat().st_size:,} bytes)")
    log.info("wrote %d files to %s", len(files), args.out)
    return 0
