"""``tourlink plan``: plan a multi-day tour for a partnership and write itinerary.json + map.html."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tourlink.errors import ValidationError

log = logging.getLogger(__name__)

EXAMPLES = """examples:
  tourlink plan --partnership kien-giang--hau-giang --days 4 --start "Cần Thơ" \\
      --date 2026-12-10 --theme floating_market=2 --out tour/
  tourlink plan --request examples/famtrip_kien_giang_hau_giang.toml --out tour/ --pack
  tourlink plan --request examples/famtrip_kien_giang_hau_giang.toml --group-size 25 \
      --budget 6000000 --rates my_rates.csv --out tour/
flags given with --request override the file's keys.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``plan`` subcommand."""
    p = subparsers.add_parser("plan", help="plan a multi-day, multi-province tour", description=__doc__,
                              epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_request_arguments(p)
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="folder for itinerary.json and map.html (default: print only)")
    p.add_argument("--pack", action="store_true", help="also write the full famtrip pack (GPX, KML, ...)")
    p.set_defaults(func=run)


def add_request_arguments(p: argparse.ArgumentParser) -> None:
    """Flags that make up a TourRequest (shared with ``demo``)."""
    p.add_argument("--partnership", metavar="ID", help="linkage programme id (see `tourlink partnerships`)")
    p.add_argument("--partnerships", type=Path, default=None, metavar="FILE",
                   help="your partnerships YAML (e.g. from `tourlink partnerships new`); its ids plan like "
                        "the bundled ones")
    p.add_argument("--provinces", nargs="+", metavar="NAME", help="plan over these provinces instead")
    p.add_argument("--days", type=int, metavar="N", help="number of tour days")
    p.add_argument("--start", metavar="PLACE", help="town, port or hub where day 1 starts")
    p.add_argument("--end", metavar="PLACE", help="where the last day ends (default: --start)")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="date of day 1")
    p.add_argument("--theme", action="append", default=[], metavar="T[=W]",
                   help="favour a theme (weight W, default 2); repeatable")
    p.add_argument("--must", action="append", default=[], metavar="ID", help="destination to include")
    p.add_argument("--exclude", action="append", default=[], metavar="ID", help="destination to leave out")
    p.add_argument("--request", type=Path, metavar="FILE.toml", help="read the request from a TOML file")
    p.add_argument("--seed", type=int, default=None, metavar="S", help="search seed (default 0)")
    p.add_argument("--time-limit", type=float, default=None, metavar="S", help="seconds of search")
    p.add_argument("--iterations", type=int, default=None, metavar="N",
                   help="stop the search after N solver iterations (with --seed: the same plan on every "
                        "machine; a time limit depends on the machine's speed)")
    p.add_argument("--no-sea", action="store_true", help="no sea crossings (islands left out)")
    p.add_argument("--fly", action="store_true",
                   help="domestic flights allowed (modes road, boat, flight): a day too far to drive may fly")
    p.add_argument("--group-size", type=int, default=None, metavar="N",
                   help="guests in the group (default 10)")
    p.add_argument("--budget", type=int, default=None, metavar="VND",
                   help="highest price per guest; a dearer plan is refused with the amount over")
    p.add_argument("--lodging-grade", type=int, default=None, metavar="STARS",
                   help="hotel stars 2-5 (default 3)")
    p.add_argument("--rates", type=Path, default=None, metavar="FILE",
                   help="your rates (CSV or TOML, columns of data/rates.csv) over the bundled ones")


def request_from_args(args: argparse.Namespace) -> Any:
    """The TourRequest of the flags (over the --request file when given)."""
    from tourlink.request import TourRequest

    data: dict[str, Any] = {}
    source = "command line"
    if getattr(args, "partnerships", None):
        from tourlink.partnerships import use_partnerships

        use_partnerships(args.partnerships)
    if args.request:
        data = TourRequest.from_toml(args.request).to_dict()
        source = str(args.request)
    flags = {"partnership": args.partnership, "days": args.days, "start": args.start, "end": args.end,
             "start_date": args.date, "seed": args.seed, "time_limit": args.time_limit,
             "group_size": getattr(args, "group_size", None), "budget": getattr(args, "budget", None),
             "lodging_grade": getattr(args, "lodging_grade", None)}
    if args.provinces:
        flags["provinces"] = args.provinces
    data.update({k: v for k, v in flags.items() if v is not None})
    if args.no_sea:
        data["sea"] = False
    if getattr(args, "fly", False):
        data["modes"] = list(dict.fromkeys([*(data.get("modes") or ("road", "boat")), "flight"]))
    if args.theme:
        themes = dict(data.get("themes") or {})
        problems = []
        for t in args.theme:
            name, _, w = t.partition("=")
            try:
                themes[name.strip()] = float(w) if w else 2.0
            except ValueError:
                problems.append(f"--theme {t}: weight {w!r} is not a number")
        if problems:
            raise ValidationError(problems, source="command line")
        data["themes"] = themes
    if args.must:
        data["must"] = [*data.get("must", []), *args.must]
    if args.exclude:
        data["exclude"] = [*data.get("exclude", []), *args.exclude]
    flag = {"days": "--days", "start": "--start", "start_date": "--date"}
    missing = [f for k, f in flag.items() if k not in data]
    if missing:
        raise ValidationError(f"give {', '.join(missing)} (or --request FILE.toml)", source=source)
    if "end" in data and data["end"] is None:
        data.pop("end")
    return TourRequest.from_dict(data, source=source)


def plan_with_progress(request: Any, *, quiet: bool, max_iterations: int | None = None,
                       rates: Path | None = None) -> Any:
    """Run the planner (and price the plan) with a tqdm bar on stderr showing the best score so far."""
    from tourlink.planner import plan

    if max_iterations is not None and max_iterations < 1:
        raise ValidationError(f"--iterations {max_iterations}: give a whole number ≥ 1",
                              source="command line")
    if quiet:
        return plan(request, max_iterations=max_iterations, rates=rates)
    from tqdm import tqdm
    bars: list[Any] = []  # opened at the first progress report (after the data has loaded)

    def progress(fraction: float, best: float) -> None:
        if not bars:
            bars.append(tqdm(total=100, file=sys.stderr, desc="planning", leave=False, disable=None,
                             bar_format="{desc} {percentage:3.0f}%|{bar}| {elapsed}"))
        bar = bars[0]
        bar.n = int(round(100 * fraction))
        bar.set_description(f"planning (best score {best:.0f})", refresh=False)
        bar.refresh()
    try:
        return plan(request, on_progress=progress, max_iterations=max_iterations, rates=rates)
    finally:
        for bar in bars:
            bar.close()


def write_outputs(itinerary: Any, out: Path, *, pack: bool) -> list[Path]:
    """Write itinerary.json and map.html (and the pack) into ``out``; return the files."""
    from tourlink.atomic import write_text
    out.mkdir(parents=True, exist_ok=True)
    files = [out / "itinerary.json"]
    itinerary.to_json(files[0])
    try:
        from tourlink import maps
    except ImportError:  # maps module not installed: JSON only
        maps = None
    if maps is not None:
        write_text(out / "map.html", maps.to_html(maps.explore(itinerary)))
        files.append(out / "map.html")
    if pack:
        from tourlink.export import write_pack
        files += [f for f in write_pack(itinerary, out) if f not in files]
    return files


@contextlib.contextmanager
def writing_to(out: Path) -> Iterator[None]:
    """Turn an OSError while writing into ``out`` into a one-line ValidationError."""
    try:
        yield
    except OSError as exc:
        raise ValidationError(f"cannot write ({exc.strerror or exc}); choose a writable folder",
                              source=str(exc.filename or out)) from None


def ensure_folder(out: Path) -> None:
    """Make ``out`` (before a long run) or raise ValidationError saying it cannot be written."""
    with writing_to(out):
        out.mkdir(parents=True, exist_ok=True)


def run(args: argparse.Namespace) -> int:
    """Plan, print the summary, write the files; return 0."""
    request = request_from_args(args)
    if args.out is not None:
        ensure_folder(args.out)
    itinerary = plan_with_progress(request, quiet=getattr(args, "quiet", False),
                                   max_iterations=args.iterations, rates=args.rates)
    print(itinerary.summary(lang=getattr(args, "lang", "en")))
    if args.out is not None:
        with writing_to(args.out):
            files = write_outputs(itinerary, args.out, pack=args.pack)
        for f in files:
            print(f"wrote {f}")
    return 0
