"""Subcommands on the bundled data: ``provinces``, ``partnerships``, ``destinations``.

Each prints to standard output; errors (unknown name, bad file) are one line on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import sys
from pathlib import Path

from tourlink.atomic import write_text
from tourlink.cli import tr
from tourlink.labels import count, theme_name

log = logging.getLogger(__name__)

PROVINCES_EPILOG = """examples:
  tourlink provinces resolve "Kien Giang"      # → legacy:91 Kiên Giang → 2025:91 An Giang
  tourlink provinces resolve "TP. HCM"
  tourlink provinces resolve "Cần Thơ"         # 2025 Cần Thơ and its legacy parts
  tourlink provinces resolve "Cần Thơ" --scheme legacy
  tourlink provinces locate 103.96 10.22       # Phú Quốc: Kiên Giang → An Giang
  tourlink provinces list --scheme legacy
"""

PARTNERSHIPS_EPILOG = """examples:
  tourlink partnerships
  tourlink partnerships show kien-giang--hau-giang
  tourlink partnerships map bac-giang--4 --out bac-giang.html
  tourlink partnerships --file my_partnerships.yaml show my-programme
  tourlink partnerships new hue--quang-tri --member "Thừa Thiên Huế" --member "Quảng Trị" \
      --theme heritage --out my_partnerships.yaml
  tourlink plan --partnerships my_partnerships.yaml --partnership hue--quang-tri --days 3 --start Huế \
      --date 2026-12-10
"""

DESTINATIONS_EPILOG = """examples:
  tourlink destinations --partnership kien-giang--hau-giang
  tourlink destinations --partnership bac-giang--4 --theme intangible_heritage --format csv > then.csv
  tourlink destinations --partnership mekong-13--ha-noi --theme floating_market --format geojson
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``provinces``, ``partnerships`` and ``destinations`` subcommands."""
    fmt = argparse.RawDescriptionHelpFormatter

    p = subparsers.add_parser("provinces", help="resolve names, locate points, list provinces",
                              description="Provinces in both schemes: the 63 legacy provinces (until "
                              "1 July 2025) and the 34 provinces of 2025.", epilog=PROVINCES_EPILOG,
                              formatter_class=fmt)
    sub = p.add_subparsers(dest="provinces_command", metavar="ACTION", required=True)
    r = sub.add_parser("resolve", help="show what a name means in both schemes", epilog=PROVINCES_EPILOG,
                       formatter_class=fmt, description="Resolve a province name (with or without "
                       "diacritics, 'Tỉnh'/'TP.', English, 'HCMC', 'legacy:91') in both schemes.")
    r.add_argument("name", nargs="+", help="a province name, e.g. Kien Giang")
    r.add_argument("--scheme", choices=("legacy", "2025"), default=None,
                   help="read the name in this scheme (default: 2025 where a name exists in both)")
    r.set_defaults(func=cmd_provinces_resolve)
    lo = sub.add_parser("locate", help="which provinces (both schemes) contain a point",
                        epilog=PROVINCES_EPILOG, formatter_class=fmt,
                        description="Locate a point given as longitude latitude (WGS84 degrees).")
    lo.add_argument("lon", type=float, help="longitude, e.g. 103.96")
    lo.add_argument("lat", type=float, help="latitude, e.g. 10.22")
    lo.set_defaults(func=cmd_provinces_locate)
    ls = sub.add_parser("list", help="list the provinces of a scheme", epilog=PROVINCES_EPILOG,
                        formatter_class=fmt, description="List provinces with code, names and the "
                        "2025 province each legacy one became.")
    ls.add_argument("--scheme", choices=("legacy", "2025"), default="2025",
                    help="which scheme (default 2025)")
    ls.set_defaults(func=cmd_provinces_list)

    p = subparsers.add_parser("partnerships", help="list, show or map the linkage programmes",
                              description="Inter-province tourism linkage programmes (bundled in "
                              "data/partnerships.yaml, or your own file with --file).",
                              epilog=PARTNERSHIPS_EPILOG, formatter_class=fmt)
    p.add_argument("--file", type=Path, default=None,
                   help="a partnerships YAML file instead of the bundled one")
    p.set_defaults(func=cmd_partnerships_list)
    sub = p.add_subparsers(dest="partnerships_command", metavar="ACTION")
    s = sub.add_parser("show", help="members, period, themes and source of one programme",
                       epilog=PARTNERSHIPS_EPILOG, formatter_class=fmt)
    s.add_argument("id", help="partnership id, e.g. kien-giang--hau-giang")
    _file_option(s)
    s.set_defaults(func=cmd_partnerships_show)
    m = sub.add_parser("map", help="write an HTML map of the partner areas and destinations",
                       epilog=PARTNERSHIPS_EPILOG, formatter_class=fmt,
                       description="Write a Folium map: partner areas shaded in both schemes, "
                       "destinations as markers with popups.")
    m.add_argument("id", help="partnership id, e.g. kien-giang--hau-giang")
    m.add_argument("--out", type=_html_file, required=True, help="HTML file to write, e.g. map.html")
    _file_option(m)
    m.add_argument("--online", action="store_true",
                   help="load Leaflet and a tile layer from the web (default: offline, self-contained)")
    m.add_argument("--offline", action="store_true", help=argparse.SUPPRESS)  # the default now
    m.set_defaults(func=cmd_partnerships_map)
    n = sub.add_parser("new", help="write a programme of your own between any provinces",
                       epilog=PARTNERSHIPS_EPILOG, formatter_class=fmt,
                       description="Append a new linkage programme to your partnerships YAML file (created "
                       "when absent). Members are legacy provinces, with or without diacritics; plan it with "
                       "`tourlink plan --partnerships FILE --partnership ID`.")
    n.add_argument("id", help="new id: lowercase letters, digits, hyphens, e.g. hue--quang-tri")
    n.add_argument("--member", action="append", required=True, metavar="PROVINCE",
                   help="a partner province (repeat for each), e.g. \"Thừa Thiên Huế\"")
    n.add_argument("--out", type=Path, required=True, metavar="FILE", help="your partnerships YAML file")
    n.add_argument("--name-vi", default=None,
                   help="Vietnamese name (default: Liên kết phát triển du lịch A – B)")
    n.add_argument("--name-en", default=None, help="English name (default: A – B tourism linkage)")
    n.add_argument("--period", default="user-defined", help="period, e.g. 2026–2030")
    n.add_argument("--theme", action="append", default=[], metavar="T", help="a theme (repeatable)")
    n.add_argument("--slogan", default=None, help="the programme's motto")
    n.add_argument("--source", default="user-defined (tourlink partnerships new)",
                   help="where the programme comes from (an article, a decision)")
    n.set_defaults(func=cmd_partnerships_new)

    d = subparsers.add_parser("destinations", help="destinations of a partnership (table, CSV or GeoJSON)",
                              description="Destinations in the partners' legacy areas, to standard output.",
                              epilog=DESTINATIONS_EPILOG, formatter_class=fmt)
    d.add_argument("--partnership", required=True, help="partnership id, e.g. kien-giang--hau-giang")
    d.add_argument("--file", type=Path, default=None,
                   help="a partnerships YAML file instead of the bundled one")
    d.add_argument("--theme", action="append", metavar="T",
                   help="keep destinations with this theme (repeatable), e.g. floating_market")
    d.add_argument("--format", choices=("table", "csv", "geojson"), default="table", help="output format")
    d.set_defaults(func=cmd_destinations)


def _html_file(text: str) -> Path:
    """argparse type of ``partnerships map --out``: a file name, not empty and not a folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("give a file name, e.g. map.html")
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a folder; give a file name, e.g. {path / 'map.html'}")
    return path


def _file_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--file", type=Path, default=argparse.SUPPRESS,
                        help="a partnerships YAML file instead of the bundled one")


# ------------------------------------------------------------------ provinces
def cmd_provinces_resolve(args: argparse.Namespace) -> int:
    """Print a name's meaning in both schemes, e.g. ``Kiên Giang → legacy:91 ... → 2025:91 An Giang``."""
    from tourlink import regions

    name = " ".join(args.name)
    keyed = name.strip().lower().startswith(("legacy:", "2025:"))  # a key names its scheme itself
    region = regions.resolve(name, scheme=None if keyed else args.scheme)
    until = tr("(until 2025)", "(đến 2025)")
    if region.scheme == "2025" and args.scheme == "legacy":  # every legacy area it was made of
        for part in regions.legacy_parts(region):
            print(f"{name} → {part.key} {part.name} {until} → {region}")
    elif region.scheme == "legacy":
        print(f"{name} → {region.key} {region.name} {until} → {regions.current_of(region)}")
    else:
        parts = ", ".join(f"{p.key} {p.name}" for p in regions.legacy_parts(region))
        print(f"{name} → {region} "
              + tr(f"(since 1 July 2025; made of {parts})", f"(từ 1/7/2025; gồm {parts})"))
    return 0


def cmd_provinces_locate(args: argparse.Namespace) -> int:
    """Print the legacy and 2025 provinces of a point, e.g. ``legacy:91 Kiên Giang → 2025:91 An Giang``."""
    from tourlink import regions
    from tourlink.errors import ValidationError

    old, new = regions.locate(args.lon, args.lat)
    if old is None:
        hint = "; give longitude first, then latitude" if regions.locate(args.lat, args.lon)[0] else ""
        raise ValidationError(f"point {args.lon}, {args.lat} lies in no province of Vietnam{hint}")
    print(f"{args.lon:.6f} {args.lat:.6f} → {old} {tr('(until 2025)', '(đến 2025)')} → {new}")
    return 0


def cmd_provinces_list(args: argparse.Namespace) -> int:
    """Print the provinces of one scheme as a table."""
    from tourlink import regions

    rows = []
    for r in regions.regions(args.scheme):
        row = [r.key, r.name, r.name_en, r.full_name]
        if args.scheme == "legacy":
            row.append(str(regions.current_of(r)))
        rows.append(row)
    head = [tr("key", "mã"), tr("name", "tên"), tr("name_en", "tên tiếng Anh"), tr("full_name", "tên đầy đủ")]
    head += [tr("now (2025)", "nay (2025)")] if args.scheme == "legacy" else []
    print(_table(head, rows))
    return 0


# --------------------------------------------------------------- partnerships
def cmd_partnerships_list(args: argparse.Namespace) -> int:
    """Print one row per partnership."""
    from tourlink.partnerships import load_partnerships

    rows = [[p.id, p.period, str(len(p.members)), ", ".join(m.name for m in p.members),
             tr(p.name_en, p.name_vi)] for p in load_partnerships(args.file).values()]
    head = [tr("id", "mã"), tr("period", "giai đoạn"), tr("n", "số"), tr("members", "thành viên"),
            tr("name", "tên")]
    print(_table(head, rows, widths={3: 48, 4: 60}))
    return 0


def cmd_partnerships_show(args: argparse.Namespace) -> int:
    """Print every field of one partnership, members with their legacy and 2025 province."""
    from tourlink.partnerships import get_partnership
    from tourlink.regions import current_of

    p = get_partnership(args.id, path=args.file)
    lang = "vi" if tr("en", "vi") == "vi" else "en"
    lines = [f"{p.id}", f"  {p.name_vi}", f"  {p.name_en}", f"{tr('period', 'giai đoạn')}:  {p.period}",
             f"{tr('themes', 'chủ đề')}:  {', '.join(theme_name(t, lang) for t in p.themes)}",
             f"{tr('slogan', 'khẩu hiệu')}:  {p.slogan or '-'}", f"{tr('source', 'nguồn')}:  {p.cited}",
             f"{tr('members', 'thành viên')}:"]
    for m in p.members:
        where = (f"{m.region.key} {m.region.name} → {current_of(m.region)}" if m.region
                 else tr("outside Vietnam", "ngoài Việt Nam"))
        lines.append(f"  - {m.name}: {where}" + (f"  ({m.note})" if m.note else ""))
    lines += _abroad_lines(p)
    print("\n".join(lines))
    return 0


def cmd_partnerships_new(args: argparse.Namespace) -> int:
    """Append a new programme to the user's file and say how to plan it."""
    from tourlink.partnerships import add_partnership, new_partnership

    p = new_partnership(args.id, args.member, name_vi=args.name_vi, name_en=args.name_en,
                        period=args.period, themes=args.theme, slogan=args.slogan, source=args.source)
    add_partnership(args.out, p)
    log.info("added %s (%s) to %s", p.id, ", ".join(r.name for r in p.regions), args.out)
    print(f"{args.out}: {p.id} — plan it with: tourlink plan --partnerships {args.out} --partnership {p.id} "
          "--days N --start TOWN --date YYYY-MM-DD")
    return 0


def _abroad_lines(p) -> list[str]:
    """The way to each partner area abroad, its sights and lodging (from data/abroad.geojson)."""
    from tourlink.abroad import abroad_area

    lines = []
    for m in p.members:
        if m.region is not None or not m.abroad:
            continue
        area = abroad_area(m.abroad)
        lines += [f"{area.name_en} ({area.key}), capital {area.capital}:",
                  f"  getting there: {area.access_en}", "  sights:"]
        lines += [f"    - {r.name_en}" + ("  [restricted: permits needed]" if r.get("access") == "restricted"
                                           else "") for _, r in area.destinations.iterrows()]
        lines += [f"  lodging: {r.name_en}" for _, r in area.lodging.iterrows()]
        lines.append(f"  sources: {'; '.join(area.access_sources)}")
    return lines


def cmd_partnerships_map(args: argparse.Namespace) -> int:
    """Write the partnership map (engineer D's ``tourlink.maps.explore_partnership``) atomically."""
    from tourlink import maps
    from tourlink.partnerships import get_partnership

    p = get_partnership(args.id, path=args.file)
    destinations = _destinations_or_none(p)
    m = maps.explore_partnership(p, destinations=destinations, offline=not args.online)
    write_text(args.out, maps.to_html(m))
    n = 0 if destinations is None else len(destinations)
    log.info("wrote %s (%d partner areas, %d destinations)", args.out, len(p.regions), n)
    print(args.out)
    return 0


def _destinations_or_none(partnership):
    try:
        from tourlink.catalog import destinations_for
    except ImportError as exc:
        log.warning("destinations not drawn: the catalog is not available (%s)", exc)
        return None
    return destinations_for(partnership)


# --------------------------------------------------------------- destinations
TABLE_COLUMNS = ("id", "name_vi", "province_legacy", "kind", "themes", "visit_minutes", "score")


def cmd_destinations(args: argparse.Namespace) -> int:
    """Print the destinations of a partnership as a table, CSV or GeoJSON."""
    from tourlink.errors import DataError, ValidationError
    from tourlink.partnerships import THEMES, get_partnership

    bad = [t for t in args.theme or () if t not in THEMES]
    if bad:
        raise ValidationError(f"unknown theme {', '.join(map(repr, bad))}; choose from {', '.join(THEMES)}")
    p = get_partnership(args.partnership, path=args.file)
    try:
        from tourlink.catalog import destinations_for
    except ImportError as exc:
        raise DataError(f"the destination catalog is not available ({exc}); reinstall tourlink") from exc
    gdf = destinations_for(p, themes=args.theme or None)
    if "id" in gdf.columns:
        gdf = gdf.sort_values("id", ignore_index=True)
    out = sys.stdout
    if args.format == "geojson":
        out.write(_geojson(gdf))
    elif args.format == "csv":
        out.write(_csv(gdf))
    else:
        cols = [c for c in TABLE_COLUMNS if c in gdf.columns]
        rows = [[_cell(v) for v in row] for row in gdf[cols].itertuples(index=False)]
        print(_table(cols, rows, widths={1: 40, 4: 40}))
        print(tr(f"{count(len(gdf), 'destination')} in ", f"{len(gdf)} điểm đến ở ")
              + ", ".join(r.name for r in p.regions))
    return 0


def _plain(value):
    """A JSON-ready Python value: tuples as lists, numpy scalars unwrapped, NaN/NA as None."""
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if value is None or (not isinstance(value, str | bool | int | float) and value != value):
        return None
    if isinstance(value, float) and value != value:
        return None
    return value if isinstance(value, str | bool | int | float) else str(value)


def _cell(value) -> str:
    value = _plain(value)
    if isinstance(value, list):
        return ";".join(map(str, value))
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6f}" if value != int(value) else f"{value:g}"
    return str(value)


def _csv(gdf) -> str:
    cols = [c for c in gdf.columns if c != "geometry"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(cols)
    for row in gdf[cols].itertuples(index=False):
        writer.writerow([_cell(v) for v in row])
    return buf.getvalue()


def _geojson(gdf) -> str:
    cols = [c for c in gdf.columns if c != "geometry"]
    features = []
    for values, geom in zip(gdf[cols].to_dict("records"), gdf.geometry, strict=True):
        if "lon" in values and "lat" in values:
            xy = [round(float(values["lon"]), 6), round(float(values["lat"]), 6)]
        else:
            xy = [round(geom.x, 6), round(geom.y, 6)]
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": xy},
                         "properties": {c: _plain(values[c]) for c in cols}})
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, indent=1) + "\n"


def _table(head: list[str], rows: list[list[str]], *, widths: dict[int, int] | None = None) -> str:
    """Format rows as a plain-text table; columns in ``widths`` are cut to that many characters."""
    widths = widths or {}

    def cut(i: int, text: str) -> str:
        limit = widths.get(i)
        return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"

    cells = [[cut(i, str(c)) for i, c in enumerate(r)] for r in [head, *rows]]
    size = [max(len(r[i]) for r in cells) for i in range(len(head))]
    lines = ["  ".join(c.ljust(size[i]) for i, c in enumerate(r)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * s for s in size))
    return "\n".join(lines)
