"""``tourlink check ITINERARY.json``: does a plan keep every rule of its request? (exit 0 / 2)."""

from __future__ import annotations

import argparse
from pathlib import Path

from tourlink.errors import ValidationError

EXAMPLES = """examples:
  tourlink check tour/itinerary.json
exit 0 when the plan keeps every rule (daily window, opening hours, lunch, road hours, boats,
nights, coverage, places where the catalogue puts them); exit 2 listing every broken rule.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``check`` subcommand."""
    p = subparsers.add_parser("check", help="check a plan (itinerary.json) against its request and the data",
                              description=__doc__, epilog=EXAMPLES,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("itinerary", type=Path, metavar="ITINERARY.json", help="a plan written by `tourlink plan`")
    p.set_defaults(func=run)


def violations(path: Path) -> tuple[object, list]:
    """Read ``path`` and return (itinerary, the rules it breaks)."""
    from tourlink.itinerary import Itinerary
    from tourlink.optimise.check import check_itinerary

    itinerary = Itinerary.from_json(path)
    try:
        return itinerary, check_itinerary(itinerary)
    except ValidationError as exc:
        raise ValidationError(exc.problems, source=f"{path}: {exc.source}") from None


def run(args: argparse.Namespace) -> int:
    """Print every broken rule (stdout) and a one-line verdict; return 0 or 2."""
    itinerary, bad = violations(args.itinerary)
    if bad:
        for v in bad:
            print(v)
        raise ValidationError(f"breaks {len(bad)} rule{'s' if len(bad) > 1 else ''} (listed above); "
                              "plan it again with `tourlink plan`", source=str(args.itinerary))
    from tourlink.cli import tr
    from tourlink.labels import count
    days, visits = len(itinerary.days), len(itinerary.visits)
    print(f"{args.itinerary}: " + tr(f"ok — {count(days, 'day')}, {count(visits, 'visit')} keep every rule "
                                     "of the request",
                                     f"đạt — {days} ngày, {visits} điểm tham quan đúng mọi điều kiện "
                                     "của yêu cầu"))
    return 0
