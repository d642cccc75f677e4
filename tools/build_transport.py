"""Build the timetable of scheduled legs: ``links.csv`` and ``departures.csv`` from ``curated/links.yaml``.

Runs after ``build_catalog`` (it reads the ports and airports of ``OUT/ports.csv``). Every link of
``tools/curated/links.yaml`` is checked — mode, ports (a flight joins two airports, a boat two
ports or piers), duration, check-in, fares (a vehicle fare for car ferries only), weekdays and
seasons of its timetable, source, estimates — and all problems are reported at once. A link
may give ``back:`` for the opposite direction (its own id and timetable; the rest is shared).

Output, sorted by id, deterministic:

* ``links.csv``: one row per link and direction (``tourlink.transport.LINK_COLUMNS``);
  ``estimates`` lists ``field: what it rests on`` separated by `` | ``;
* ``departures.csv``: one row per departure time of a service (``link_id, time, code, days,
  first_day, last_day``), days as ``Mo-Su`` style, an empty first/last day = open-ended.

Usage: ``python tools/build_transport.py RAW --out data`` (RAW is unused, kept for build_data).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tourlink.atomic import write_text  # noqa: E402
from tourlink.transport import (  # noqa: E402
    CHECKIN_MINUTES,
    DEPARTURE_COLUMNS,
    LINK_COLUMNS,
    MODES,
    format_days,
    minutes,
    parse_days,
)

CURATED = Path(__file__).resolve().parent / "curated"
#: fields that may be marked as estimates
ESTIMABLE = ("departures", "duration_min", "checkin_min", "fare_vnd", "vehicle_fare_vnd")
KEYS = {"id", "mode", "from", "to", "operator", "duration_min", "checkin_min", "fare_vnd", "vehicle_fare_vnd",
        "timetable", "as_of", "source", "estimates", "back"}
BACK_KEYS = {"id", "timetable", "duration_min", "source", "estimates"}


class CuratedError(ValueError):
    """A curated timetable entry breaks the schema (the message lists every problem)."""


def _date(value, where: str, problems: list[str]) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{where}: {value!r} is not a date YYYY-MM-DD")
        return None


def _timetable(rows, where: str, problems: list[str]) -> list[dict]:
    """Departure rows of a ``timetable:`` list (days, season, times with optional flight codes)."""
    if not isinstance(rows, list) or not rows:
        problems.append(f"{where} timetable: a list of services (days, departures) is required")
        return []
    out = []
    for k, svc in enumerate(rows, start=1):
        w = f"{where} timetable {k}"
        if not isinstance(svc, dict) or not svc.get("departures"):
            problems.append(f"{w}: give departures: [\"HH:MM\", ...] (optionally days, from, to)")
            continue
        unknown = set(svc) - {"days", "from", "to", "departures"}
        if unknown:
            problems.append(f"{w}: unknown key(s) {', '.join(sorted(unknown))}")
        try:
            days = parse_days(svc.get("days", "Mo-Su"))
        except ValueError as exc:
            problems.append(f"{w} days: {exc}")
            continue
        first, last = _date(svc.get("from"), f"{w} from", problems), _date(svc.get("to"), f"{w} to", problems)
        if first and last and last < first:
            problems.append(f"{w}: season ends {last} before it starts {first}")
        seen = set()
        for dep in svc["departures"]:
            parts = str(dep).split()
            try:
                t = minutes(parts[0])
            except (ValueError, IndexError):
                problems.append(f"{w} departures: {dep!r} is not \"HH:MM\" or \"HH:MM CODE\"")
                continue
            if len(parts) > 2 or (len(parts) == 2 and not re.fullmatch(r"[A-Z0-9]{2}\d{1,4}", parts[1])):
                problems.append(f"{w} departures: {dep!r}: the code after the time must be a flight number "
                                "like VN1203")
            if t in seen:
                problems.append(f"{w} departures: {parts[0]} given twice")
            seen.add(t)
            out.append({"time": parts[0], "code": parts[1] if len(parts) == 2 else "",
                        "days": format_days(days), "first_day": first.isoformat() if first else "",
                        "last_day": last.isoformat() if last else ""})
    return out


def _link(item: dict, where: str, ports: dict[str, str], problems: list[str]) -> tuple[dict, list[dict]]:
    """The links.csv row and departure rows of one direction."""
    unknown = set(item) - KEYS
    if unknown:
        problems.append(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; "
                        f"known: {', '.join(sorted(KEYS))}")
    lid = str(item.get("id", ""))
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*(--[a-z0-9]+(-[a-z0-9]+)*)?", lid):
        problems.append(f"{where} id: {lid!r} must be lower-case words joined by - "
                        "(e.g. sd-rach-gia--bai-vong)")
    mode = item.get("mode")
    if mode not in MODES:
        problems.append(f"{where} mode: {mode!r} is not one of {', '.join(MODES)}")
    for end in ("from", "to"):
        pid = item.get(end)
        if pid not in ports:
            problems.append(f"{where} {end}: {pid!r} is not a port id of ports.yaml")
        elif mode in MODES and (ports[pid] == "airport") != (mode == "flight"):
            problems.append(f"{where} {end}: {pid} is a {ports[pid]}; a {mode} "
                            + ("flies between airports" if mode == "flight" else "needs a sea port or pier"))
    if item.get("from") == item.get("to"):
        problems.append(f"{where}: from and to are the same port")
    for name, lo in (("duration_min", 1), ("fare_vnd", 0)):
        v = item.get(name)
        if isinstance(v, bool) or not isinstance(v, int) or v < lo:
            problems.append(f"{where} {name}: an integer of at least {lo} is required, got {v!r}")
    checkin = item.get("checkin_min", CHECKIN_MINUTES.get(mode, 30))
    if isinstance(checkin, bool) or not isinstance(checkin, int) or not 0 <= checkin <= 240:
        problems.append(f"{where} checkin_min: minutes 0-240 required, got {checkin!r}")
    vf = item.get("vehicle_fare_vnd")
    if mode == "car_ferry" and (isinstance(vf, bool) or not isinstance(vf, int) or vf <= 0):
        problems.append(f"{where} vehicle_fare_vnd: a car ferry needs the fare of a coach (VND)")
    if mode != "car_ferry" and vf is not None:
        problems.append(f"{where} vehicle_fare_vnd: only a car ferry carries the coach")
    if not str(item.get("operator", "")).strip():
        problems.append(f"{where} operator: required")
    if not str(item.get("source", "")).strip():
        problems.append(f"{where} source: required (where the timetable and fares come from)")
    as_of = _date(item.get("as_of"), f"{where} as_of", problems)
    if as_of is None and "as_of" not in item:
        problems.append(f"{where} as_of: required (date of the sources)")
    est = item.get("estimates") or {}
    if not isinstance(est, dict) or any(k not in ESTIMABLE or not str(v).strip() for k, v in est.items()):
        problems.append(f"{where} estimates: a mapping of {', '.join(ESTIMABLE)} to what the guess rests on")
        est = {}
    if "checkin_min" not in item and "checkin_min" not in est:
        est = {**est, "checkin_min": f"the planning default for a {mode} ({checkin} min), "
                                     "not a published time"}
    deps = _timetable(item.get("timetable"), where, problems)
    row = {"id": lid, "mode": mode, "from_port": item.get("from"), "to_port": item.get("to"),
           "operator": str(item.get("operator", "")).strip(), "duration_min": item.get("duration_min"),
           "checkin_min": checkin, "fare_vnd": item.get("fare_vnd"), "vehicle_fare_vnd": vf if vf else "",
           "as_of": as_of.isoformat() if as_of else "",
           "source": " ".join(str(item.get("source", "")).split()),
           "estimates": " | ".join(f"{k}: {' '.join(str(v).split())}" for k, v in sorted(est.items()))}
    return row, [{"link_id": lid, **d} for d in deps]


def links_of(items: list, ports: dict[str, str], *,
             name: str = "links.yaml") -> tuple[list[dict], list[dict]]:
    """Validated rows of ``links.csv`` and ``departures.csv`` from the curated entries.

    Raises
    ------
    CuratedError
        Listing every problem of every entry.
    """
    problems: list[str] = []
    rows, deps = [], []
    for i, item in enumerate(items, start=1):
        where = f"{name} entry {i} ({item.get('id', '?') if isinstance(item, dict) else '?'})"
        if not isinstance(item, dict):
            problems.append(f"{where}: a mapping is required")
            continue
        row, d = _link(item, where, ports, problems)
        rows.append(row)
        deps += d
        back = item.get("back")
        if back is not None:
            if not isinstance(back, dict) or set(back) - BACK_KEYS:
                problems.append(f"{where} back: a mapping of {', '.join(sorted(BACK_KEYS))}")
                continue
            rev = {k: v for k, v in item.items() if k != "back"}
            rev.update(back, **{"from": item.get("to"), "to": item.get("from")})
            row, d = _link(rev, f"{where} back", ports, problems)
            rows.append(row)
            deps += d
    ids = [r["id"] for r in rows]
    problems += [f"{name}: id {x!r} used twice" for x in sorted({x for x in ids if ids.count(x) > 1})]
    if problems:
        raise CuratedError(f"{len(problems)} problem(s) in tools/curated/{name}: " + "; ".join(problems))
    return rows, deps


def to_csv(rows: list[dict], columns: list[str], key) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    for r in sorted(rows, key=key):
        w.writerow({c: r.get(c, "") for c in columns})
    return buf.getvalue()


def build(raw: Path, out: Path) -> list[Path]:
    """Write ``links.csv`` and ``departures.csv`` into ``out`` (after ``ports.csv``); return their paths."""
    out = Path(out)
    with open(out / "ports.csv", encoding="utf-8", newline="") as fh:
        ports = {r["id"]: r["kind"] for r in csv.DictReader(fh)}
    path = CURATED / "links.yaml"
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise CuratedError(f"{path}: not valid YAML: {exc}".replace("\n", " ")) from None
    rows, deps = links_of(items.get("links") or [], ports)
    return [write_text(out / "links.csv", to_csv(rows, LINK_COLUMNS, key=lambda r: r["id"])),
            write_text(out / "departures.csv",
                       to_csv(deps, DEPARTURE_COLUMNS,
                              key=lambda r: (r["link_id"], r["first_day"], r["days"], r["time"])))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path, help="folder ../shared/data/raw (unused)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "data")
    args = parser.parse_args(argv)
    for path in build(args.raw, args.out):
        print(f"{path}  {path.stat().st_size:,} B")
    return 0


if __name__ == "__main__":
    sys.exit(main())
