"""``tourlink plan``: plan a multi-day tour for a partnership and write itinerary.json + map.html."""

from __future__ import annotations

import argparse
import contextlib
import logging
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tourlink.errors import InfeasibleError, ValidationError

log = logging.getLogger(__name__)

EXAMPLES = """examples:
  tourlink plan --partnership kien-giang--hau-giang --days 4 --start "Cần Thơ" \\
      --date 2026-12-10 --theme floating_market=2 --out tour/
  tourlink plan --request examples/famtrip_kien_giang_hau_giang.toml --out tour/ --pack
  tourlink plan --request examples/famtrip_kien_giang_hau_giang.toml --group-size 25 \
      --budget 6000000 --rates my_rates.csv --out tour/
  tourlink plan --request examples/mekong_5_days.toml --day-start 06:30 --lunch 11:00-13:00 \\
      --max-road-hours 5 --pace 4 --group-size 25 --title "Đoàn Sở Du lịch"
flags given with --request override the file's keys.
"""

#: most search iterations --iterations accepts (about 1–2 ms each, per day-routing solve)
MAX_ITERATIONS = 100_000


def _window(text: str) -> tuple[str, str]:
    """``"11:30-13:30"`` → ("11:30", "13:30") (argparse type of --lunch)."""
    start, sep, end = text.replace("–", "-").partition("-")
    if not sep or not start.strip() or not end.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not a window HH:MM-HH:MM, e.g. 11:30-13:30")
    return start.strip(), end.strip()


def _text(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("give a non-empty value")
    return text


#: flags that set TourRequest fields: (flag, field or fields, argparse type, metavar, help).
#: A flag given on the command line overrides the key of a --request file; adding a request
#: field to the CLI is one row here.
FIELD_FLAGS: tuple[tuple[str, str | tuple[str, ...], Callable[[str], Any], str, str], ...] = (
    ("--partnership", "partnership", _text, "ID", "linkage programme id (see `tourlink partnerships`)"),
    ("--days", "days", int, "N", "number of tour days (1–14)"),
    ("--start", "start", _text, "PLACE", "town, port or hub where day 1 starts"),
    ("--end", "end", _text, "PLACE", "where the last day ends (default: --start)"),
    ("--date", "start_date", _text, "YYYY-MM-DD", "date of day 1"),
    ("--title", "title", _text, "TEXT", "title of the tour (summary, map, printable, calendar)"),
    ("--day-start", "day_start", _text, "HH:MM", "the group's day starts (default 07:30)"),
    ("--day-end", "day_end", _text, "HH:MM", "the group's day ends (default 18:00)"),
    ("--lunch", ("lunch_start", "lunch_end"), _window, "HH:MM-HH:MM",
     "lunch starts and ends inside this window (default 11:30-13:30)"),
    ("--lunch-minutes", "lunch_minutes", int, "MIN", "length of the lunch pause (default 60; 0 = none)"),
    ("--max-road-hours", "max_road_hours", float, "H", "hours on the road per day at most (default 6)"),
    ("--pace", "pace", int, "N", "destination visits per day at most (default 5)"),
    ("--min-stops", "min_stops_per_partner", int, "N",
     "each partner area gets at least N stops (default 1; 0 = no rule)"),
    ("--group-size", "group_size", int, "N", "guests in the group (default 10)"),
    ("--budget", "budget", int, "VND",
     "highest price per guest; a dearer plan is refused with the amount over"),
    ("--lodging-grade", "lodging_grade", int, "STARS", "hotel stars 2-5 (default 3)"),
    ("--seed", "seed", int, "S", "search seed (default 0)"),
    ("--time-limit", "time_limit", float, "S", "seconds of search (default 20)"),
)
#: request fields with a flag, for messages that name what the user can change
FLAG_OF = {f: flag for flag, fields, *_ in FIELD_FLAGS
           for f in ((fields,) if isinstance(fields, str) else fields)}
FLAG_OF.update(must="--must", exclude="--exclude", themes="--theme", provinces="--provinces")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``plan`` subcommand."""
    p = subparsers.add_parser("plan", help="plan a multi-day, multi-province tour", description=__doc__,
                              epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_request_arguments(p)
    p.add_argument("--iterations", type=int, default=None, metavar="N",
                   help="stop the search after N solver iterations (with --seed: the same plan on every "
                        f"machine; a time limit depends on the machine's speed); 1..{MAX_ITERATIONS:,}")
    add_output_arguments(p, default=None, what="itinerary.json and map.html (default: print only)")
    p.add_argument("--pack", action="store_true", help="also write the full famtrip pack (GPX, KML, ...)")
    p.set_defaults(func=run)


def add_request_arguments(p: argparse.ArgumentParser) -> None:
    """Flags that make up a TourRequest."""
    for flag, _field, kind, metavar, text in FIELD_FLAGS:
        p.add_argument(flag, type=kind, default=None, metavar=metavar, help=text)
    p.add_argument("--partnerships", type=Path, default=None, metavar="FILE",
                   help="your partnerships YAML (e.g. from `tourlink partnerships new`); its ids plan like "
                        "the bundled ones")
    p.add_argument("--rates", type=Path, default=None, metavar="FILE",
                   help="your rates (CSV or TOML, columns of data/rates.csv) over the bundled ones")
    p.add_argument("--provinces", nargs="+", metavar="NAME", help="plan over these provinces instead")
    p.add_argument("--theme", action="append", default=[], metavar="T[=W]",
                   help="favour a theme (weight W, default 2); repeatable")
    p.add_argument("--must", action="append", default=[], metavar="ID", help="destination to include")
    p.add_argument("--exclude", action="append", default=[], metavar="ID", help="destination to leave out")
    p.add_argument("--request", type=Path, metavar="FILE.toml", help="read the request from a TOML file")
    p.add_argument("--no-sea", action="store_true", help="no sea crossings (islands left out)")
    p.add_argument("--fly", action="store_true",
                   help="domestic flights allowed (modes road, boat, flight): a day too far to drive may fly")
    p.add_argument("--evening", action="store_true",
                   help="an evening block after check-in (night market, dinner cruise, show near the hotel)")


def folder(text: str) -> Path:
    """argparse type of an output folder: not empty (``--out ""`` would mean the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("give a folder name (an empty name would write into the current "
                                         "folder; say --out . for that)")
    return Path(text)


def add_output_arguments(p: argparse.ArgumentParser, *, default: Path | None, what: str) -> None:
    """``--out DIR`` and ``--online`` (shared by plan, demo and export)."""
    p.add_argument("--out", type=folder, default=default, metavar="DIR", help=f"folder for {what}")
    p.add_argument("--online", action="store_true",
                   help="the map loads Leaflet and a tile layer from the web (default: offline, "
                        "self-contained)")


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
    for flag, fields, _kind, _m, _h in FIELD_FLAGS:
        value = getattr(args, flag[2:].replace("-", "_"))
        if value is not None:
            data.update(zip((fields,) if isinstance(fields, str) else fields,
                            (value,) if isinstance(fields, str) else value, strict=True))
    if args.partnership is not None and args.provinces:
        raise ValidationError("give --partnership or --provinces, not both", source="command line")
    if args.provinces:
        data["provinces"] = args.provinces
        data.pop("partnership", None)  # --provinces over a request file's partnership
    elif args.partnership is not None:
        data.pop("provinces", None)
    if args.no_sea:
        data["sea"] = False
    if getattr(args, "evening", False):
        data["evening"] = True
    if getattr(args, "fly", False):
        data["modes"] = list(dict.fromkeys([*(data.get("modes") or ("road", "boat")), "flight"]))
    if args.theme:
        data["themes"] = {**(data.get("themes") or {}), **_themes(args.theme)}
    for key in ("must", "exclude"):
        if getattr(args, key):
            data[key] = [*data.get(key, []), *getattr(args, key)]
    missing = [f for k, f in (("days", "--days"), ("start", "--start"), ("start_date", "--date"))
               if k not in data]
    if missing:
        raise ValidationError(f"give {', '.join(missing)} (or --request FILE.toml)", source=source)
    if "end" in data and data["end"] is None:
        data.pop("end")
    try:
        return TourRequest.from_dict(data, source=source)
    except ValidationError as exc:
        raise ValidationError([flag_words(p, flagged(args)) for p in exc.problems], source=source) from None


def flagged(args: argparse.Namespace) -> set[str]:
    """Request fields the command line set (all of them when there is no --request file)."""
    if not getattr(args, "request", None):
        return set(FLAG_OF)
    out = {f for flag, fields, *_ in FIELD_FLAGS if getattr(args, flag[2:].replace("-", "_")) is not None
           for f in ((fields,) if isinstance(fields, str) else fields)}
    return out | {k for k, a in (("themes", "theme"), ("must", "must"), ("exclude", "exclude"),
                                 ("provinces", "provinces")) if getattr(args, a)}


def _themes(given: list[str]) -> dict[str, float]:
    themes, problems = {}, []
    for t in given:
        name, _, w = t.partition("=")
        try:
            themes[name.strip()] = float(w) if w else 2.0
        except ValueError:
            problems.append(f"--theme {t}: weight {w!r} is not a number")
    if problems:
        raise ValidationError(problems, source="command line")
    return themes


def flag_words(message: str, fields: set[str]) -> str:
    """``message`` with the request keys in ``fields`` named by their flags (``pace`` → ``--pace``)."""
    message = re.sub(r"\bset (\w+) = (\S+?)(?=[);,]|$)",
                     lambda m: f"give {FLAG_OF[m[1]]} {m[2]}" if m[1] in fields and m[1] in FLAG_OF else m[0],
                     message)
    for field in sorted(fields & set(FLAG_OF), key=len, reverse=True):
        # a key with "_" is never prose; a plain word ("budget", "end") only as "budget:" or "budget="
        after = r"(?![\w-])" if "_" in field else r"(?=\s?[:=])"
        message = re.sub(rf"(?<![\w-]){field}{after}", FLAG_OF[field], message)
    return message.replace("(set sea = true)", "(leave out --no-sea)")


def check_iterations(args: argparse.Namespace) -> None:
    """--iterations is 1..MAX_ITERATIONS and not given with --time-limit (one of them stops the search)."""
    n = args.iterations
    if n is None:
        return
    if not 1 <= n <= MAX_ITERATIONS:
        raise ValidationError(f"--iterations {n}: give a whole number from 1 to {MAX_ITERATIONS:,}",
                              source="command line")
    if args.time_limit is not None:
        raise ValidationError("give --iterations (the same plan on every machine) or --time-limit "
                              "(seconds), not both", source="command line")


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


def write_outputs(itinerary: Any, out: Path, *, pack: bool, online: bool = False) -> list[Path]:
    """Write itinerary.json and map.html (and the pack) into ``out`` at once; return the files.

    The folder then holds this plan only: files of an older pack there are replaced or removed.
    """
    from tourlink.export import write_pack
    return write_pack(itinerary, out, formats=None if pack else ("json", "map"), offline=not online)


@contextlib.contextmanager
def writing_to(out: Path) -> Iterator[None]:
    """Turn an OSError while writing into ``out`` into a one-line ValidationError."""
    try:
        yield
    except OSError as exc:
        raise ValidationError(f"cannot write ({exc.strerror or exc}); choose a writable folder",
                              source=str(exc.filename or out)) from None


def ensure_folder(out: Path) -> None:
    """Raise ValidationError (before a long run) when ``out`` cannot become a folder we write into.

    Nothing is made: an interrupted run leaves no empty folder behind.
    """
    from tourlink.export import check_folder
    check_folder(out)


def report_files(files: list[Path], out: Path, replaced: list[Path]) -> None:
    """Say what was written and which older files it replaced."""
    from tourlink.cli import tr
    for f in files:
        print(f"{tr('wrote', 'đã ghi')} {f}")
    if replaced:
        gone = ", ".join(sorted(p.name for p in replaced if p.name not in {f.name for f in files}))
        n = len(replaced)
        print(tr(f"replaced the older pack in {out} ({n} files", f"đã thay bộ hồ sơ cũ trong {out} ({n} tệp")
              + (tr(f"; removed {gone}, which this pack has not)", f"; đã xóa {gone}, bộ mới không có)")
                 if gone else ")"))


def empty_days(itinerary: Any, request: Any, *, fields: set[str] = frozenset()) -> None:
    """Raise InfeasibleError when the plan visits nothing; warn about days without a visit."""
    idle = [d.index for d in itinerary.days if not d.visits]
    if not idle:
        return
    why = (f"max_road_hours {request.max_road_hours:g} h leaves little time to reach a destination"
           if request.max_road_hours < 2 else
           f"pace {request.pace}" if request.pace < 2 else
           "no destination fits the day window, opening hours and road hours")
    if len(idle) == len(itinerary.days):
        raise InfeasibleError(f"the plan visits nothing: {why}; relax the request")
    from tourlink.cli import warn
    warn(f"day{'s' if len(idle) > 1 else ''} {', '.join(map(str, idle))} "
         f"{'have' if len(idle) > 1 else 'has'} no visits ({flag_words(why, fields)})")


def run(args: argparse.Namespace) -> int:
    """Plan, print the summary, write the files; return 0."""
    check_iterations(args)
    request = request_from_args(args)
    if args.out is not None:
        ensure_folder(args.out)
    try:
        itinerary = plan_with_progress(request, quiet=getattr(args, "quiet", False),
                                       max_iterations=args.iterations, rates=args.rates)
        empty_days(itinerary, request, fields=flagged(args))
    except InfeasibleError as exc:  # name what the user typed: flags, or the request file's keys
        raise InfeasibleError([flag_words(r, flagged(args)) for r in exc.reasons]) from None
    print(itinerary.summary(lang=getattr(args, "lang", "en")))
    if args.out is not None:
        from tourlink.export import pack_files
        replaced = pack_files(args.out)
        with writing_to(args.out):
            files = write_outputs(itinerary, args.out, pack=args.pack, online=args.online)
        report_files(files, args.out, replaced)
    return 0


__all__ = ["FIELD_FLAGS", "register", "request_from_args", "plan_with_progress", "write_outputs"]
