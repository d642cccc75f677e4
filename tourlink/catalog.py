"""The tour catalogue: destinations, overnight hubs, ports and airports, bundled or from a user file.

Bundled tables (``data/``, built by ``tools/build_catalog.py`` from OpenStreetMap and cited curated
facts) load as GeoDataFrames in EPSG:4326, cached; every row carries its legacy and 2025 province,
computed by point-in-polygon. User files (CSV or GeoJSON points) are validated with every problem
reported at once (file, row, field) and get their provinces the same way.

Kinds (:data:`KINDS`) give the defaults of a destination: themes, typical visit minutes, opening
hours (OSM syntax; museums closed on Monday, pagodas open early, floating markets 05:00-08:00)
and the base of its score.

Score rule (1-100): ``KINDS[kind].base`` + significance bonus (:data:`SIGNIFICANCE`: UNESCO
+40, special national relic +30, national relic +20, provincial relic +10, local 0) + 10 when a
Wikidata id is present, clamped to 1..100 (:func:`score_of`); a curated score may override it.

>>> score_of("museum", "national", wikidata=True)
80
"""

from __future__ import annotations

import csv
import functools
import io
import json
import logging
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from tourlink.errors import ValidationError
from tourlink.paths import data_file
from tourlink.transport import Link as SeaLink
from tourlink.transport import load_links

log = logging.getLogger(__name__)

#: theme vocabulary of destinations and partnerships
THEMES = ("heritage", "spiritual", "nature", "orchard", "craft_village", "beach_island", "floating_market",
          "museum", "cultural_institution", "revolutionary_historic", "intangible_heritage", "market_food")


@dataclass(frozen=True)
class Kind:
    """Defaults of one destination kind: themes, visit minutes, opening hours and base score."""

    themes: tuple[str, ...]
    minutes: int
    hours: str
    base: int


#: provincial museums usually close on Monday and at lunch time
MUSEUM_HOURS = "Mo off; Tu-Su 07:30-11:00,13:30-17:00"
KINDS: dict[str, Kind] = {
    "museum": Kind(("museum", "heritage"), 90, MUSEUM_HOURS, 50),
    "pagoda": Kind(("spiritual", "heritage"), 45, "Mo-Su 05:00-20:00", 45),
    "temple": Kind(("spiritual", "heritage"), 45, "Mo-Su 06:00-18:00", 45),
    "church": Kind(("spiritual", "heritage"), 30, "Mo-Su 06:00-18:00", 40),
    "historic_site": Kind(("heritage",), 60, "Mo-Su 07:00-17:00", 45),
    "monument": Kind(("heritage",), 20, "Mo-Su 06:00-21:00", 25),
    "relic_site": Kind(("heritage",), 45, "Mo-Su 07:00-17:00", 45),
    "nature_reserve": Kind(("nature",), 150, "Mo-Su 07:00-17:00", 55),
    "park": Kind(("nature",), 45, "Mo-Su 05:00-22:00", 25),
    "beach": Kind(("beach_island", "nature"), 120, "Mo-Su 06:00-18:30", 55),
    "island": Kind(("beach_island", "nature"), 180, "Mo-Su 07:00-17:00", 60),
    "cave": Kind(("nature",), 60, "Mo-Su 07:00-17:00", 50),
    "viewpoint": Kind(("nature",), 30, "Mo-Su 06:00-18:30", 35),
    "waterfall": Kind(("nature",), 90, "Mo-Su 07:00-17:00", 50),
    "lake": Kind(("nature",), 60, "Mo-Su 06:00-18:00", 40),
    "mountain": Kind(("nature",), 120, "Mo-Su 06:00-17:00", 40),
    "theme_park": Kind(("cultural_institution",), 240, "Mo-Su 09:00-21:00", 55),
    "zoo": Kind(("nature",), 180, "Mo-Su 08:00-17:00", 45),
    "market": Kind(("market_food",), 60, "Mo-Su 06:00-18:00", 40),
    "floating_market": Kind(("floating_market", "market_food"), 90, "Mo-Su 05:00-08:00", 70),
    "craft_village": Kind(("craft_village",), 60, "Mo-Su 07:30-17:00", 45),
    "orchard": Kind(("orchard",), 90, "Mo-Su 07:30-17:30", 45),
    "farm": Kind(("orchard",), 60, "Mo-Su 07:30-17:30", 40),
    "cultural_centre": Kind(("cultural_institution",), 60, "Mo-Fr 07:30-11:30,13:30-17:00", 40),
    "performance_venue": Kind(("intangible_heritage", "cultural_institution"), 90, "Mo-Su 08:00-21:00", 50),
    "landmark": Kind(("heritage",), 30, "Mo-Su 06:00-21:00", 35),
    "attraction": Kind(("nature",), 60, "Mo-Su 07:30-17:30", 35),
}

#: score bonus by significance
SIGNIFICANCE = {"unesco": 40, "special_national": 30, "national": 20, "provincial": 10, "local": 0}

PRICE_BANDS = ("budget", "mid", "upper")
PORT_KINDS = ("sea_port", "river_pier", "airport")

PROVINCE_COLUMNS = ["province_legacy_code", "province_legacy", "province_2025_code", "province_2025"]
#: the facts of a destination that fall back to its kind's default when no source gives them
FACTS = ("visit_minutes", "opening_hours", "fee_vnd")
DESTINATION_COLUMNS = ["id", "name_vi", "name_en", "lon", "lat", *PROVINCE_COLUMNS, "kind", "themes",
                       "visit_minutes", "opening_hours", "fee_vnd", "score", "access_port",
                       "access_boat_minutes", "source", "osm_id", "wikidata", "description_vi",
                       "description_en", "defaults", "estimates", "fact_sources"]
LODGING_COLUMNS = ["id", "name_vi", "name_en", "lon", "lat", *PROVINCE_COLUMNS, "town", "price_band",
                   "price_vnd_per_night", "source"]
PORT_COLUMNS = ["id", "name_vi", "name_en", "lon", "lat", *PROVINCE_COLUMNS, "kind", "source"]

#: Vietnam's extent with a margin (lon_min, lat_min, lon_max, lat_max), for the lat/lon-swap hint
VIETNAM_BBOX = (101.0, 7.0, 118.0, 24.0)


def score_of(kind: str, significance: str = "local", *, wikidata: bool = False) -> int:
    """Return the 1-100 score of a place: base of its kind + significance bonus + 10 with Wikidata."""
    return max(1, min(100, KINDS[kind].base + SIGNIFICANCE[significance] + (10 if wikidata else 0)))


# --------------------------------------------------------------------------- bundled tables

def _frame(rows: list[dict], columns: list[str]) -> gpd.GeoDataFrame:
    df = pd.DataFrame(rows, columns=columns)
    geometry = gpd.points_from_xy(df["lon"].astype(float), df["lat"].astype(float))
    return gpd.GeoDataFrame(df, geometry=geometry, crs="EPSG:4326")


def _typed_destination(row: dict) -> dict:
    row = dict(row)
    row["lon"], row["lat"] = float(row["lon"]), float(row["lat"])
    for col in ("themes", "defaults", "estimates"):
        row[col] = tuple(t for t in (row.get(col) or "").split(";") if t)
    for col in ("visit_minutes", "fee_vnd", "score", "access_boat_minutes"):
        row[col] = int(row[col] or 0)
    return row


def _typed_lodging(row: dict) -> dict:
    row = dict(row)
    row["lon"], row["lat"] = float(row["lon"]), float(row["lat"])
    row["price_vnd_per_night"] = int(row["price_vnd_per_night"])
    return row


def _typed_port(row: dict) -> dict:
    row = dict(row)
    row["lon"], row["lat"] = float(row["lon"]), float(row["lat"])
    return row


def _read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@functools.cache
def _bundled(name: str) -> gpd.GeoDataFrame:
    path = data_file(name)
    typed = {"destinations.csv": (_typed_destination, DESTINATION_COLUMNS),
             "lodging.csv": (_typed_lodging, LODGING_COLUMNS),
             "ports.csv": (_typed_port, PORT_COLUMNS)}[name]
    return _frame([typed[0](r) for r in _read_rows(path)], typed[1])


def load_destinations(path: str | os.PathLike | None = None) -> gpd.GeoDataFrame:
    """Return the destinations (bundled, or validated from a user CSV/GeoJSON ``path``).

    Columns are :data:`DESTINATION_COLUMNS` plus ``geometry``; ``themes`` is a tuple.
    """
    if path is not None:
        return destinations_from_file(path)
    return _bundled("destinations.csv").copy()


def description(row, lang: str = "vi") -> str:
    """Return the one-line description of a destination row in ``lang`` ("vi" or "en"), falling back
    to the other language, or "" when the catalogue has none.

    >>> description({"description_vi": "", "description_en": "Dawn market on boats"}, "vi")
    'Dawn market on boats'
    """
    other = "en" if lang == "vi" else "vi"
    for key in (f"description_{lang}", f"description_{other}"):
        text = row.get(key) if hasattr(row, "get") else None
        if isinstance(text, str) and text.strip():
            return text.strip()
    return ""


def fact_sources(row) -> dict[str, str]:
    """Return the citation of each fact of a destination row given by a source, e.g.
    ``{"fee_vnd": "https://...", "visit_minutes": "estimate: ..."}`` (empty for OSM-only rows).

    A fact listed in the row's ``defaults`` is the kind's default (:data:`KINDS`) and has none.
    """
    text = row.get("fact_sources") if hasattr(row, "get") else None
    if not isinstance(text, str) or not text.strip():
        return {}
    return {str(k): str(v) for k, v in json.loads(text).items()}


def load_lodging(path: str | os.PathLike | None = None) -> gpd.GeoDataFrame:
    """Return the overnight hubs (bundled, or validated from ``path``), columns :data:`LODGING_COLUMNS`."""
    if path is not None:
        return lodging_from_file(path)
    return _bundled("lodging.csv").copy()


def load_ports() -> gpd.GeoDataFrame:
    """Return the sea ports and river piers, columns :data:`PORT_COLUMNS` plus ``geometry``."""
    return _bundled("ports.csv").copy()


def load_sea_links() -> list[SeaLink]:
    """Return the timetabled links (boats, ferries and flights), one per direction.

    The timetable's home is :mod:`tourlink.transport` (:func:`~tourlink.transport.load_links`).
    """
    return load_links()


# --------------------------------------------------------------------------- filtering

def _legacy_codes(partnership_or_regions) -> list[str]:
    from tourlink import regions as R

    items = partnership_or_regions
    if hasattr(items, "regions") and not isinstance(items, (str, R.Region)):
        items = items.regions
    elif isinstance(items, str):
        from tourlink.errors import NotFoundError
        from tourlink.partnerships import get_partnership

        try:
            items = get_partnership(items).regions
        except NotFoundError:
            items = [R.resolve(items)]
    elif isinstance(items, R.Region):
        items = [items]
    codes: list[str] = []
    for item in items:
        region = R.resolve(item) if isinstance(item, str) else item
        parts = [region] if region.scheme == "legacy" else R.legacy_parts(region)
        codes += [p.code for p in parts if p.code not in codes]
    return codes


def _theme_list(themes: str | Iterable[str] | None) -> list[str] | None:
    if themes is None:
        return None
    wanted = [themes] if isinstance(themes, str) else list(themes)
    bad = [t for t in wanted if t not in THEMES]
    if bad:
        raise ValidationError(f"unknown theme {', '.join(map(repr, bad))}; choose from {', '.join(THEMES)}")
    return wanted


def destinations_for(partnership_or_regions, *, themes: str | Iterable[str] | None = None,
                     destinations: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Return the destinations in the legacy areas of a partnership or of some regions.

    Parameters
    ----------
    partnership_or_regions
        A :class:`tourlink.partnerships.Partnership`, a partnership id or name, a Region, a
        province name, or a list of Regions / names. A 2025 province stands for its legacy parts.
    themes
        Keep only destinations with at least one of these themes (:data:`THEMES`).
    destinations
        The table to filter (default: the bundled catalogue).

    Raises
    ------
    ValidationError
        If a theme is not in the vocabulary.
    NotFoundError
        If a name is neither a partnership nor a province.
    """
    wanted = _theme_list(themes)
    codes = _legacy_codes(partnership_or_regions)
    gdf = load_destinations() if destinations is None else destinations
    keep = gdf["province_legacy_code"].isin(codes)
    if wanted is not None:
        keep &= gdf["themes"].map(lambda ts: bool(set(ts) & set(wanted)))
    return gdf[keep].reset_index(drop=True)


# --------------------------------------------------------------------------- user files

@dataclass(frozen=True)
class _Field:
    name: str
    kind: str  # "text", "float", "int"
    required: bool = False


DESTINATION_FIELDS = [
    _Field("id", "text", True), _Field("name_vi", "text", True), _Field("name_en", "text"),
    _Field("lon", "float", True), _Field("lat", "float", True), _Field("kind", "text"),
    _Field("themes", "text"),
    _Field("visit_minutes", "int"), _Field("opening_hours", "text"), _Field("fee_vnd", "int"),
    _Field("score", "int"), _Field("access_port", "text"), _Field("access_boat_minutes", "int"),
    _Field("source", "text"), _Field("osm_id", "text"), _Field("wikidata", "text"),
    _Field("description_vi", "text"), _Field("description_en", "text"),
]
#: columns of the bundled file that a user file may carry but that are recomputed from it
DERIVED_DESTINATION_COLUMNS = ("defaults", "estimates", "fact_sources")
LODGING_FIELDS = [
    _Field("id", "text", True), _Field("name_vi", "text", True), _Field("name_en", "text"),
    _Field("lon", "float", True), _Field("lat", "float", True), _Field("town", "text"),
    _Field("price_band", "text"), _Field("price_vnd_per_night", "int"), _Field("source", "text"),
]


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"cannot read the file ({exc.strerror or exc})", source=str(path)) from None
    if not data.strip():
        raise ValidationError("the file is empty; give a header row and at least one row", source=str(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"not UTF-8 (invalid byte at offset {exc.start}); save the file as UTF-8",
                              source=str(path)) from None


def _geojson_records(path: Path, text: str) -> tuple[list[str], list[tuple[str, dict]]]:
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ValidationError(f"not valid JSON: {str(exc).splitlines()[0]}", source=str(path)) from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list) or not features:
        raise ValidationError("a GeoJSON FeatureCollection with at least one Point feature is required",
                              source=str(path))
    rows, columns, problems = [], [], []
    for i, f in enumerate(features, start=1):
        props = f.get("properties") if isinstance(f, dict) else None
        if not isinstance(f, dict) or not isinstance(props, dict | None):
            problems.append(f"feature {i}: expected a GeoJSON Feature object with a properties object")
            continue
        props = dict(props or {})
        geom = f.get("geometry") if isinstance(f.get("geometry"), dict) else {}
        coords = geom.get("coordinates")
        if geom.get("type") == "Point" and isinstance(coords, list) and len(coords) >= 2:
            props.setdefault("lon", coords[0])
            props.setdefault("lat", coords[1])
        columns += [str(k) for k in props if str(k) not in columns]
        rows.append((f"feature {i}", {str(k): v for k, v in props.items()}))
    if problems:
        raise ValidationError(problems, source=str(path))
    return columns, rows


def _records(path: Path, text: str) -> tuple[list[str], list[tuple[str, dict]]]:
    """Return (columns, [(row label, raw values)]) of a CSV or GeoJSON file."""
    if path.suffix.lower() in (".geojson", ".json"):
        return _geojson_records(path, text)
    try:
        reader = csv.DictReader(io.StringIO(text))
        columns = list(reader.fieldnames or [])
        rows = [(f"row {i}", r) for i, r in enumerate(reader, start=2)]  # the header is row 1
    except csv.Error as exc:
        raise ValidationError(f"not a readable CSV file ({exc})", source=str(path)) from None
    if not rows:
        raise ValidationError("the file has a header but no rows", source=str(path))
    long = [where for where, r in rows if None in r]
    if long:
        raise ValidationError([f"{where}: more values than the {len(columns)} columns of the header"
                               for where in long], source=str(path))
    return columns, rows


def _convert(value, field: _Field, where: str, problems: list[str]):
    if value is None or (isinstance(value, str) and not value.strip()):
        if field.required:
            problems.append(f"{where} field {field.name}: a value is required")
        return None
    if field.kind == "text":
        return str(value).strip()
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value)
        if not math.isfinite(number):
            raise ValueError
        if field.kind == "int":
            if number != int(number):
                raise ValueError
            return int(number)
        return number
    except (TypeError, ValueError, OverflowError):
        wanted = "an integer" if field.kind == "int" else "a number"
        problems.append(f"{where} field {field.name}: {value!r} is not {wanted}")
        return None


def _validated(path: str | os.PathLike, fields: list[_Field], check_row) -> list[dict]:
    """Parse ``path``, convert and check every row; raise one ValidationError with all problems."""
    from tourlink import regions as R

    path = Path(path)
    columns, rows = _records(path, _decode(path))
    problems: list[str] = []
    known = {f.name for f in fields} | {*PROVINCE_COLUMNS, "geometry", *DERIVED_DESTINATION_COLUMNS}
    missing = [f.name for f in fields if f.required and f.name not in columns]
    extra = [c for c in columns if c not in known]
    if missing:
        problems.append(f"missing column(s) {', '.join(missing)}")
    if extra:
        problems.append(f"unknown column(s) {', '.join(map(repr, extra))}; "
                        f"allowed: {', '.join(f.name for f in fields)}")
    if missing:
        raise ValidationError(problems, source=str(path))
    out, seen = [], {}
    for where, raw in rows:
        rec = {f.name: _convert(raw.get(f.name), f, where, problems) for f in fields}
        rec["_where"], rec["_raw"] = where, raw
        if rec["id"] is not None:
            if rec["id"] in seen:
                problems.append(f"{where} field id: duplicate id {rec['id']!r} (first in {seen[rec['id']]})")
            seen.setdefault(rec["id"], where)
        check_row(rec, where, problems)
        out.append(rec)
    _locate(out, problems, R)
    for rec in out:
        _check_given_provinces(rec, problems, R)
    if problems:
        raise ValidationError(problems, source=str(path))
    return out


def _locate(recs: list[dict], problems: list[str], R) -> None:
    """Set the provinces of every record with valid coordinates; report points outside Vietnam.

    A point outside Vietnam (or out of range) whose swapped coordinates fall inside Vietnam is
    reported as "lat and lon look swapped".
    """
    ok = [r for r in recs if r.get("lon") is not None and r.get("lat") is not None]
    inside = [-180 <= r["lon"] <= 180 and -90 <= r["lat"] <= 90 for r in ok]
    olds = R.locate_many([r["lon"] if i else 0.0 for r, i in zip(ok, inside, strict=True)],
                         [r["lat"] if i else 0.0 for r, i in zip(ok, inside, strict=True)], scheme="legacy")
    for rec, in_range, old in zip(ok, inside, olds, strict=True):
        lon, lat = rec["lon"], rec["lat"]
        if in_range and old is not None:
            new = R.current_of(old)
            rec.update(province_legacy_code=old.code, province_legacy=old.name,
                       province_2025_code=new.code, province_2025=new.name)
            continue
        x0, y0, x1, y1 = VIETNAM_BBOX
        swapped = x0 <= lat <= x1 and y0 <= lon <= y1 and R.locate(lat, lon)[0]
        head = f"{rec['_where']} field lon/lat: ({lon}, {lat}) is " + (
            "outside Vietnam" if in_range else "out of range (lon -180..180, lat -90..90)")
        if swapped:
            head += (f"; ({lat}, {lon}) lies in {swapped.name}: lat and lon look swapped, "
                     "exchange the two columns")
        problems.append(head)


def _check_given_provinces(rec: dict, problems: list[str], R) -> None:
    """Check province columns a user file gives against the names and the point's provinces."""
    from tourlink.errors import NotFoundError

    for scheme, name_col, code_col in (("legacy", "province_legacy", "province_legacy_code"),
                                       ("2025", "province_2025", "province_2025_code")):
        computed = rec.get(code_col)
        name = rec["_raw"].get(name_col)
        if isinstance(name, str) and name.strip():
            try:
                region = R.resolve(name, scheme=scheme)
            except NotFoundError as exc:
                problems.append(f"{rec['_where']} field {name_col}: {exc}")
            else:
                if computed and region.code != computed:
                    problems.append(f"{rec['_where']} field {name_col}: the point lies in {rec[name_col]}, "
                                    f"not in {name.strip()}; fix lon/lat or leave {name_col} empty")
        code = rec["_raw"].get(code_col)
        if code not in (None, "") and computed and str(code).strip().zfill(2) != computed:
            problems.append(f"{rec['_where']} field {code_col}: the point lies in {scheme} province "
                            f"{computed}, not {str(code).strip()!r}; fix lon/lat or leave {code_col} empty")


def _check_destination(rec: dict, where: str, problems: list[str]) -> None:
    from tourlink.hours import validate

    rec["defaults"] = tuple(f for f in FACTS if rec[f] is None)
    kind = rec["kind"] or "attraction"
    if kind not in KINDS:
        problems.append(f"{where} field kind: {kind!r} is not one of {', '.join(KINDS)}")
        kind = "attraction"
    rec["kind"] = kind
    themes = tuple(t.strip() for t in (rec["themes"] or "").split(";") if t.strip()) or KINDS[kind].themes
    bad = [t for t in themes if t not in THEMES]
    if bad:
        problems.append(f"{where} field themes: {', '.join(map(repr, bad))} not in {', '.join(THEMES)} "
                        "(separate several with ';')")
    rec["themes"] = themes
    try:
        rec["opening_hours"] = validate(rec["opening_hours"] or KINDS[kind].hours)
    except ValidationError as exc:
        problems.append(f"{where} field opening_hours: {'; '.join(exc.problems)}")
    for col, low in (("visit_minutes", 1), ("fee_vnd", 0), ("access_boat_minutes", 0)):
        if rec[col] is not None and rec[col] < low:
            problems.append(f"{where} field {col}: must be at least {low}, got {rec[col]}")
    if rec["score"] is not None and not 1 <= rec["score"] <= 100:
        problems.append(f"{where} field score: must be 1..100, got {rec['score']}")
    if rec["access_port"] and not rec["access_boat_minutes"]:
        problems.append(f"{where} field access_boat_minutes: give the one-way boat minutes with access_port")
    rec["estimates"], rec["fact_sources"] = (), ""
    for col in ("description_vi", "description_en"):
        rec[col] = rec[col] or ""
    rec["visit_minutes"] = rec["visit_minutes"] or KINDS[kind].minutes
    rec["score"] = rec["score"] or score_of(kind, wikidata=bool(rec["wikidata"]))
    for col in ("fee_vnd", "access_boat_minutes"):
        rec[col] = rec[col] or 0
    for col in ("access_port", "osm_id", "wikidata"):
        rec[col] = rec[col] or ""
    rec["name_en"] = rec["name_en"] or rec["name_vi"]


def _check_lodging(rec: dict, where: str, problems: list[str]) -> None:
    if rec["price_band"] and rec["price_band"] not in PRICE_BANDS:
        problems.append(f"{where} field price_band: {rec['price_band']!r} is not one of "
                        f"{', '.join(PRICE_BANDS)}")
    if rec["price_vnd_per_night"] is not None and rec["price_vnd_per_night"] < 0:
        problems.append(f"{where} field price_vnd_per_night: must not be negative")
    rec["name_en"] = rec["name_en"] or rec["name_vi"]
    rec["town"] = rec["town"] or rec["name_vi"]
    rec["price_band"] = rec["price_band"] or "mid"
    rec["price_vnd_per_night"] = rec["price_vnd_per_night"] or 0


def _user_frame(recs: list[dict], columns: list[str], path) -> gpd.GeoDataFrame:
    for rec in recs:
        rec["source"] = rec.get("source") or f"user file {Path(path).name} {rec['_where']}"
    rows = [{c: rec.get(c) for c in columns} for rec in sorted(recs, key=lambda r: r["id"])]
    return _frame(rows, columns)


def destinations_from_file(path: str | os.PathLike) -> gpd.GeoDataFrame:
    """Return the destinations of a user CSV or GeoJSON file, validated, with provinces computed.

    Required columns ``id, name_vi, lon, lat`` (GeoJSON: Point geometry or lon/lat properties);
    the others of :data:`DESTINATION_COLUMNS` are optional and default by ``kind``. ``themes`` are
    ``;``-separated. Rows are numbered as in a spreadsheet (the header is row 1).

    Raises
    ------
    ValidationError
        Listing every problem (file, row, field): empty or non-UTF-8 file, missing or unknown
        columns, wrong types, coordinates out of range, outside Vietnam or lat/lon swapped,
        duplicate ids, bad ``opening_hours``, kinds or themes.
    """
    recs = _validated(path, DESTINATION_FIELDS, _check_destination)
    return _user_frame(recs, DESTINATION_COLUMNS, path)


def lodging_from_file(path: str | os.PathLike) -> gpd.GeoDataFrame:
    """Return the overnight hubs of a user CSV or GeoJSON file, validated, with provinces computed.

    Required columns ``id, name_vi, lon, lat``; optional ``name_en, town, price_band``
    (budget | mid | upper), ``price_vnd_per_night`` (per person) and ``source``.

    Raises
    ------
    ValidationError
        Listing every problem (file, row, field), as :func:`destinations_from_file`.
    """
    recs = _validated(path, LODGING_FIELDS, _check_lodging)
    return _user_frame(recs, LODGING_COLUMNS, path)


__all__ = ["THEMES", "KINDS", "FACTS", "Kind", "SIGNIFICANCE", "SeaLink", "score_of", "load_destinations",
           "load_lodging", "load_ports", "load_sea_links", "destinations_for", "destinations_from_file",
           "description", "fact_sources",
           "lodging_from_file",
           "DESTINATION_COLUMNS", "LODGING_COLUMNS", "PORT_COLUMNS"]
