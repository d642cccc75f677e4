"""``tourlink review ITINERARY.json``: what a tour operator would flag in a planned tour."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tourlink.itinerary import Itinerary

EXAMPLES = """examples:
  tourlink review tour/itinerary.json
  tourlink --lang vi review tour/itinerary.json
  tourlink review tour/itinerary.json --json

exit codes: 0 nothing to flag, 3 something flagged, 2 the file is not an itinerary
"""

#: exit code when the review flags something (0 = clean, 2 = bad input)
FLAGGED = 3


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``review`` subcommand."""
    p = subparsers.add_parser(
        "review", help="list what a tour operator would flag in a planned tour, day by day",
        description=__doc__, epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("itinerary", type=Path, metavar="ITINERARY.json", help="a plan written by `tourlink plan`")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the review; return 0 when clean, 3 when something is flagged."""
    result = Itinerary.from_json(args.itinerary).review()
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(result.text(lang=args.lang))
    return 0 if result.clean else FLAGGED
