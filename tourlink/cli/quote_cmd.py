"""``tourlink quote ITINERARY.json``: price a planned tour again (another group, grade or rate file)."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from tourlink.errors import ValidationError

EXAMPLES = """examples:
  tourlink quote tour/itinerary.json                          # the price for the planned group
  tourlink quote tour/itinerary.json --group-size 30 --lodging-grade 4
  tourlink quote tour/itinerary.json --rates my_rates.csv --out tour/   # rewrite itinerary.json, quote.xlsx
  tourlink quote tour/itinerary.json --group-size 12 --budget 5000000   # exit 2 when over budget
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``quote`` subcommand."""
    p = subparsers.add_parser("quote", help="price a planned tour for a group (per guest, group, items)",
                              description=__doc__, epilog=EXAMPLES,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("itinerary", type=Path, metavar="ITINERARY.json", help="a plan written by `tourlink plan`")
    p.add_argument("--group-size", type=int, default=None, metavar="N", help="guests (default: the plan's)")
    p.add_argument("--lodging-grade", type=int, default=None, metavar="STARS", help="hotel stars 2-5")
    p.add_argument("--rates", type=Path, default=None, metavar="FILE", help="your rates (CSV or TOML)")
    p.add_argument("--budget", type=int, default=None, metavar="VND", help="highest price per guest")
    p.add_argument("--items", action="store_true", help="list every cost item with its rate")
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="write the priced itinerary.json and quote.xlsx into DIR")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Price the itinerary, print the quote, write the files; return 0."""
    from tourlink.itinerary import Itinerary
    from tourlink.planner import check_budget
    from tourlink.quote import ITEM_LABELS, load_rates, quote

    problems = []
    if args.group_size is not None and not 1 <= args.group_size <= 200:
        problems.append(f"--group-size {args.group_size}: give 1 to 200 guests")
    if args.lodging_grade is not None and not 2 <= args.lodging_grade <= 5:
        problems.append(f"--lodging-grade {args.lodging_grade}: give 2 to 5 stars")
    if args.budget is not None and args.budget <= 0:
        problems.append(f"--budget {args.budget}: give a price per guest in VND")
    if problems:
        raise ValidationError(problems, source="command line")
    rates = load_rates(args.rates)
    itinerary = Itinerary.from_json(args.itinerary)
    q = quote(itinerary, rates=rates, group_size=args.group_size, lodging_grade=args.lodging_grade)
    lang = getattr(args, "lang", "en")
    print("\n".join(q.lines(lang=lang)))
    if args.items:
        labels = ITEM_LABELS["vi" if lang == "vi" else "en"]
        for i in q.items:
            mark = " *" if i.estimate else ""
            kind = labels.get(i.kind, i.kind)[:20]
            print(f"  day {i.day}  {kind:<20} {i.label[:60]:<60} {i.vnd:>13,}{mark}")
        print("  (* an estimated rate; see quote.xlsx for the sources)")
    check_budget(q, args.budget)
    if args.out is not None:
        from tourlink.cli.plan_cmd import writing_to
        from tourlink.export.quote_sheet import write_quote_xlsx

        priced = dataclasses.replace(itinerary, quote=q)
        with writing_to(args.out):
            args.out.mkdir(parents=True, exist_ok=True)
            priced.to_json(args.out / "itinerary.json")
            files = [args.out / "itinerary.json", write_quote_xlsx(priced, args.out / "quote.xlsx")]
        for f in files:
            print(f"wrote {f}")
    return 0
