"""Shared Hypothesis strategies for the reliability tests: inputs that are always broken.

Each strategy draws a *valid* base value and then applies exactly one (or more) breaks that a
validator must catch, so no generated case is a valid input (the fuzz tests never run the
solver). Strategies return ``(payload, expect)`` where ``expect`` is a word (a field name or a
fragment) the error message should contain, or ``None`` when any message naming the file will do.

The module is imported by the tests as ``strategies`` (``tests/`` is on ``sys.path`` under
pytest's rootdir-based import mode) and has no side effects.
"""

from __future__ import annotations

import copy
import json
import math
from datetime import date
from typing import Any

from hypothesis import strategies as st

# ------------------------------------------------------------------- generic pieces
#: text that may hold control characters, quotes, brackets and non-Latin letters
junk_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)

#: bytes that are certainly not UTF-8: a valid prefix, one invalid byte, anything after
non_utf8 = st.builds(lambda a, bad, b: a.encode() + bytes([bad]) + b,
                     st.text(max_size=20), st.sampled_from([0x80, 0xC0, 0xC1, 0xF5, 0xFE, 0xFF]),
                     st.binary(max_size=20))

#: JSON values of any shape (small)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | junk_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(junk_text, inner, max_size=3),
    max_leaves=6)

#: values that are not a plain date
not_a_date = st.one_of(
    st.sampled_from(["2026-13-01", "2026-02-30", "10/12/2026", "tomorrow", "", "2026-12", "12-10-2026"]),
    st.integers(-100, 10**6), st.floats(allow_nan=False), st.booleans(), st.lists(st.integers(), max_size=2))

#: strings that are not a time of day HH:MM
not_a_time = st.one_of(
    st.sampled_from(["24:00", "7", "07:60", "7h30", "noon", "", "-1:00", "07-30", "25:61", "07:30:00"]),
    st.integers(-10, 3000).map(str))


# ------------------------------------------------------------------- a tiny TOML writer
def toml_value(v: Any) -> str:
    """TOML text of a scalar, list or (inline) table value."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        if isinstance(v, float) and math.isnan(v):
            return "nan"
        if isinstance(v, float) and math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(v, list | tuple):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)} = {toml_value(x)}"
                               for k, x in v.items()) + "}"
    raise TypeError(f"no TOML form for {v!r}")


def toml_text(data: dict[str, Any]) -> str:
    """A TOML document with one ``key = value`` line per item."""
    return "".join(f"{json.dumps(str(k), ensure_ascii=False)} = {toml_value(v)}\n" for k, v in data.items())


# ------------------------------------------------------------------- requests (TOML)
#: a request that would be valid (never used as such: every strategy below breaks it)
REQUEST_BASE = {"partnership": "kien-giang--hau-giang", "start_date": date(2026, 12, 10), "days": 3,
                "start": "Cần Thơ"}


@st.composite
def broken_request_dict(draw) -> tuple[dict[str, Any], str]:
    """A request mapping with one broken field; returns (mapping, field the message must name)."""
    data = dict(REQUEST_BASE)
    kind = draw(st.sampled_from(["days", "start_date", "time", "unknown_key", "theme", "weight", "missing",
                                 "start", "overlap", "lunch", "number", "bool", "window", "seed"]))
    if kind == "days":
        data["days"] = draw(st.one_of(st.integers(max_value=0), st.integers(min_value=15),
                                      st.sampled_from(["3", 2.5, True, [3]])))
        return data, "days"
    if kind == "start_date":
        data["start_date"] = draw(not_a_date)
        return data, "start_date"
    if kind == "time":
        name = draw(st.sampled_from(["day_start", "day_end", "lunch_start", "lunch_end", "dawn_start"]))
        data[name] = draw(not_a_time)
        return data, name
    if kind == "unknown_key":
        key = draw(st.sampled_from(["dayz", "star", "theme", "partnerships", "start_dat", "zzz", "Days"]))
        data[key] = draw(st.integers(0, 9) | junk_text)
        return data, key
    if kind == "theme":
        name = draw(st.sampled_from(["beach", "floating", "food", "temple", "x", "Heritage"]))
        data["themes"] = {name: 2.0}
        return data, name
    if kind == "weight":
        w = draw(st.one_of(st.floats(max_value=-0.001), st.floats(min_value=10.001),
                           st.sampled_from(["high", "", [1]])))
        data["themes"] = {"heritage": w}
        return data, "heritage"
    if kind == "missing":
        key = draw(st.sampled_from(["start_date", "days", "start"]))
        del data[key]
        return data, key
    if kind == "start":
        data["start"] = draw(st.sampled_from(["", "   ", "\t"]) | st.integers() | st.lists(st.integers()))
        return data, "start"
    if kind == "overlap":
        data["must"], data["exclude"] = ["cho-noi-cai-rang"], ["cho-noi-cai-rang", "x"]
        return data, "cho-noi-cai-rang"
    if kind == "lunch":
        data.update(lunch_start="12:00", lunch_end="12:30", lunch_minutes=draw(st.integers(31, 180)))
        return data, "lunch"
    if kind == "number":
        name, bad = draw(st.sampled_from([("pace", 0), ("pace", 21), ("group_size", 0), ("group_size", 201),
                                          ("lunch_minutes", -1), ("min_stops_per_partner", 21),
                                          ("max_road_hours", 0.1), ("max_road_hours", 17),
                                          ("max_road_hours", "long"), ("budget_vnd", -1),
                                          ("time_limit", 0), ("time_limit", -5), ("time_limit", "soon")]))
        data[name] = bad
        return data, name
    if kind == "bool":
        name = draw(st.sampled_from(["sea", "dawn", "spread_nights", "partner_hubs_first"]))
        data[name] = draw(st.sampled_from(["yes", 1, 0, "false", [True]]))
        return data, name
    if kind == "window":
        start = draw(st.integers(6 * 60, 20 * 60))
        end = start + draw(st.integers(-start, 59))
        data.update(day_start=f"{start // 60:02d}:{start % 60:02d}",
                    day_end=f"{end // 60:02d}:{end % 60:02d}")
        return data, "day_end"
    data["seed"] = draw(st.sampled_from(["0", 1.5, True]))
    return data, "seed"


#: TOML documents that do not parse
broken_toml_syntax = st.one_of(
    st.sampled_from(['days = ', 'days = 3\ndays = 4\n', '[start', 'start = "Cần Thơ',
                     'start_date = 2026-12-32\n', 'themes = {heritage = }', '= 3', 'days = 3 4',
                     'a.b = 1\na = 2\n', "start = 'x\n'", 'days = 0x', 'must = [1, "a"', '\x00']),
    st.builds(lambda d, cut: toml_text(d)[:cut] + "\n= =\n", st.just(REQUEST_BASE), st.integers(0, 60)))


# ------------------------------------------------------------------- partnerships (YAML)
_FIELDS = ("id", "name_vi", "name_en", "members", "period", "themes", "slogan", "source")
_THEMES = ("heritage", "spiritual", "nature", "orchard", "craft_village", "beach_island", "floating_market",
           "museum", "cultural_institution", "revolutionary_historic", "intangible_heritage", "market_food")


@st.composite
def broken_partnership_entries(draw, base: dict[str, Any]) -> tuple[list[Any], str | None]:
    """A partnerships list built from a valid ``base`` entry with one break; (entries, expected word)."""
    entry = copy.deepcopy(base)
    entries: list[Any] = [entry]
    kind = draw(st.sampled_from(["drop", "type", "unknown_field", "theme", "region", "dup", "bad_id",
                                 "members", "member_type", "not_a_list", "null_region", "empty"]))
    if kind == "drop":
        key = draw(st.sampled_from(["id", "name_vi", "name_en", "members", "period", "themes", "source"]))
        del entry[key]
        return entries, key
    if kind == "type":
        key = draw(st.sampled_from(["name_vi", "name_en", "period", "source"]))
        entry[key] = draw(st.sampled_from([None, "", "   ", [1, 2], {"a": 1}, True]))
        return entries, key
    if kind == "unknown_field":
        key = draw(st.sampled_from(["slogans", "member", "Id", "x", "theme"])
                   | st.from_regex(r"[a-z_]{1,12}", fullmatch=True).filter(lambda k: k not in _FIELDS))
        entry[key] = draw(junk_text)
        return entries, key
    if kind == "theme":
        bad = draw(st.sampled_from(["beaches", "food", "x", "Museum"])
                   | st.from_regex(r"[a-z_]{1,15}", fullmatch=True).filter(lambda t: t not in _THEMES))
        entry["themes"] = [*entry.get("themes", []), bad]
        return entries, "themes"
    if kind == "region":
        bad = draw(st.sampled_from(["Atlantis", "Zzyzx", "Q"]))
        entry["members"][0] = {"name": "Atlantis", "region": bad}
        return entries, "region"
    if kind == "dup":
        entries.append(copy.deepcopy(entry))
        return entries, "duplicate"
    if kind == "bad_id":
        entry["id"] = draw(st.sampled_from(["Kien Giang", "a_b", "-a", "a-", "ÀB", "a---b"]))
        return entries, "id"
    if kind == "members":
        entry["members"] = draw(st.sampled_from([[], "Kiên Giang", 3, None]))
        return entries, "members"
    if kind == "member_type":
        entry["members"][0] = draw(st.sampled_from([3, [1, 2], None, True]))
        return entries, "members[1]"
    if kind == "null_region":
        entry["members"][0] = {"name": "Lào", "region": None}
        return entries, "note"
    if kind == "empty":
        return [], None
    return draw(st.sampled_from([{"a": 1}, "text", 3, None])), None


def _unparsable_yaml(text: str) -> bool:
    import yaml
    try:
        yaml.safe_load(text)
    except yaml.YAMLError:
        return True
    return False


def yaml_garbled(good: str):
    """Text of ``good`` (a YAML file) with junk spliced in at a random place, kept only if unparsable."""
    return st.builds(lambda at, junk: good[:at] + junk + good[at:], st.integers(0, len(good)),
                     st.sampled_from(["\t- ", ": : ", "[", "{", "- ", "\n  ? ", "'", '"', "&a *b ", "%"])
                     ).filter(_unparsable_yaml)


#: YAML documents that do not parse (or use a tag a safe loader must refuse)
broken_yaml_syntax = st.sampled_from([
    "- id: [a\n", "- {id: a\n", "key: 'unclosed\n", "- id: a\n\t- b\n", "a: b: c\n", "- a\n b: c\n",
    "!!python/object/apply:os.system ['echo hi']\n", "!!python/object:tourlink.errors.DataError {}\n",
    "- !!python/name:os.system\n", "*undefined_alias\n", "%YAML 9.9\n---\n- a\n", "? [a, b]\n: c\n- d\n",
    "- id: a\n  id: a\n:\n", "@\n", "`x`\n",
])


# ------------------------------------------------------------------- itineraries (JSON)
@st.composite
def broken_itinerary_json(draw, good: dict[str, Any]) -> str:
    """JSON text of an itinerary dict ``good`` with one structural break (never a valid itinerary)."""
    data = copy.deepcopy(good)
    kind = draw(st.sampled_from(["truncate", "top", "drop_key", "bad_time", "naive_time", "bad_date",
                                 "bad_number", "days_type", "stop_type", "drop_stop_key"]))
    if kind == "truncate":
        text = json.dumps(data, ensure_ascii=False)
        return text[:draw(st.integers(0, len(text) - 2))]
    if kind == "top":
        top = st.one_of(st.lists(json_values, max_size=3), st.integers(), junk_text, st.none())
        return json.dumps(draw(top))
    day = draw(st.sampled_from(data["days"]))
    if kind == "drop_key":
        key = draw(st.sampled_from(["day", "date", "start", "end", "stops", "legs"]))
        if draw(st.booleans()):
            del data["days"]
        else:
            del day[key]
    elif kind in ("bad_time", "naive_time", "stop_type", "drop_stop_key"):
        stop = draw(st.sampled_from([day["start"], day["end"], *day["stops"]]))
        if kind == "bad_time":
            stop[draw(st.sampled_from(["arrive", "depart"]))] = draw(
                st.sampled_from(["", "10:00", "2026-12-10 25:00", "yesterday"]) | st.integers() | st.none())
        elif kind == "naive_time":
            stop["arrive"] = stop["arrive"][:16]  # drop the +07:00 offset
        elif kind == "stop_type":
            where = draw(st.sampled_from(["start", "end", "stops"]))
            day[where] = draw(st.sampled_from([3, "hotel", None, True])) if where != "stops" else [3]
        else:
            del stop[draw(st.sampled_from(["id", "name", "lon", "lat", "arrive", "depart"]))]
    elif kind == "bad_date":
        bad = st.sampled_from(["2026-12-32", "10/12/2026", "", "soon"]) | st.integers() | st.none()
        day["date"] = draw(bad)
    elif kind == "bad_number":
        field = draw(st.sampled_from(["day", "lon", "lat"]))
        bad = draw(st.sampled_from(["one", "", None, [1], {"x": 1}]))
        if field == "day":
            day["day"] = bad
        else:
            day["start"][field] = bad
    else:
        data["days"] = draw(st.sampled_from([3, None, True, [3], ["x"], {"day": 1}]))
    return json.dumps(data, ensure_ascii=False)


# ------------------------------------------------------------------- catalog files (CSV / GeoJSON)
DEST_COLUMNS = ("id", "name_vi", "name_en", "lon", "lat", "province_legacy_code", "province_legacy",
                "province_2025_code", "province_2025", "kind", "themes", "visit_minutes", "opening_hours",
                "fee_vnd", "score", "access_port", "access_boat_minutes", "source", "osm_id", "wikidata")
LODGING_COLUMNS = ("id", "name_vi", "name_en", "lon", "lat", "province_legacy_code", "province_legacy",
                   "province_2025_code", "province_2025", "town", "price_band", "price_vnd_per_night",
                   "source")

#: two destinations a user might type into a spreadsheet (Cần Thơ and Hậu Giang, real places)
DEST_ROWS = (
    {"id": "user-ben-ninh-kieu", "name_vi": "Bến Ninh Kiều", "name_en": "Ninh Kieu Wharf",
     "lon": "105.788300", "lat": "10.034100", "province_legacy_code": "92", "province_legacy": "Cần Thơ",
     "province_2025_code": "92",
     "province_2025": "Cần Thơ", "kind": "landmark", "themes": "heritage;market_food", "visit_minutes": "45",
     "opening_hours": "Mo-Su 06:00-22:00", "fee_vnd": "0", "score": "60", "access_port": "",
     "access_boat_minutes": "0", "source": "user", "osm_id": "", "wikidata": ""},
    {"id": "user-cho-vi-thanh", "name_vi": "Chợ Vị Thanh", "name_en": "Vi Thanh Market",
     "lon": "105.470000", "lat": "9.784000", "province_legacy_code": "93", "province_legacy": "Hậu Giang",
     "province_2025_code": "92",
     "province_2025": "Cần Thơ", "kind": "market", "themes": "market_food", "visit_minutes": "40",
     "opening_hours": "Mo-Su 05:00-18:00", "fee_vnd": "0", "score": "40", "access_port": "",
     "access_boat_minutes": "0", "source": "user", "osm_id": "", "wikidata": ""},
)
LODGING_ROWS = (
    {"id": "user-hotel-ninh-kieu", "name_vi": "Khách sạn Ninh Kiều", "name_en": "Ninh Kieu Hotel",
     "lon": "105.787600", "lat": "10.034100", "province_legacy_code": "92", "province_legacy": "Cần Thơ",
     "province_2025_code": "92", "province_2025": "Cần Thơ", "town": "Cần Thơ", "price_band": "mid",
     "price_vnd_per_night": "450000", "source": "user"},
    {"id": "user-hotel-vi-thanh", "name_vi": "Khách sạn Vị Thanh", "name_en": "Vi Thanh Hotel",
     "lon": "105.470500", "lat": "9.785000", "province_legacy_code": "93", "province_legacy": "Hậu Giang",
     "province_2025_code": "92", "province_2025": "Cần Thơ", "town": "Vị Thanh", "price_band": "budget",
     "price_vnd_per_night": "300000", "source": "user"},
)


@st.composite
def broken_rows(draw, rows: tuple[dict[str, str], ...], columns: tuple[str, ...], *,
                numeric: tuple[str, ...]) -> tuple[list[dict[str, str]], list[str], str, int | None]:
    """Rows with one break; returns (rows, columns, expected word in the message, 0-based row or None)."""
    rows_ = [dict(r) for r in rows]
    cols = list(columns)
    i = draw(st.integers(0, len(rows_) - 1))
    row = rows_[i]
    kinds = ["missing_col", "extra_col", "number", "range", "swap", "dup", "empty_id"]
    kind = draw(st.sampled_from(kinds + ["hours", "kind", "theme"] if "opening_hours" in columns else kinds))
    if kind == "missing_col":
        col = draw(st.sampled_from(["id", "name_vi", "lon", "lat"]))
        cols.remove(col)
        return rows_, cols, col, None
    if kind == "extra_col":
        col = draw(st.sampled_from(["colour", "Lat", "notes2", "provnce"]))
        cols.append(col)
        row[col] = "x"
        return rows_, cols, col, None
    if kind == "number":
        col = draw(st.sampled_from(numeric))
        row[col] = draw(st.sampled_from(["abc", "1,5", "ten", "--", "1e", "0x10", "nan?", "1\n2", "½"]))
        return rows_, cols, col, i
    if kind == "range":
        col, bad = draw(st.sampled_from([("lat", "95.000000"), ("lat", "-91.5"), ("lon", "181.000000"),
                                         ("lon", "-200"), ("lon", "2.350000"), ("lat", "48.850000")]))
        row[col] = bad
        return rows_, cols, col, i
    if kind == "swap":
        row["lon"], row["lat"] = row["lat"], row["lon"]
        return rows_, cols, "swap", i
    if kind == "dup":
        rows_[1 - i]["id"] = row["id"]
        return rows_, cols, row["id"], None
    if kind == "kind":
        row["kind"] = draw(st.sampled_from(["pagodaa", "Museum", "shop", "x"]))
        return rows_, cols, "kind", i
    if kind == "theme":
        row["themes"] = draw(st.sampled_from(["heritage;beaches", "food", "heritage, museum", "x"]))
        return rows_, cols, "themes", i
    if kind == "hours":
        row["opening_hours"] = draw(st.sampled_from(["Mo-Xx 08:00-17:00", "25:00-26:00", "open always",
                                                     "Mo-Su 08:00-", "Mo-Su 8-17 blah",
                                                     "Mo-Su 17:00-08:00:00"]))
        return rows_, cols, "opening_hours", i
    row["id"] = ""
    return rows_, cols, "id", i


def csv_text(rows: list[dict[str, str]], columns: list[str]) -> str:
    """CSV text (``\\n`` line ends, minimal quoting) of ``rows`` under header ``columns``."""
    import csv
    import io
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def geojson_text(rows: list[dict[str, str]], columns: list[str]) -> str:
    """GeoJSON FeatureCollection text of ``rows``: points from lon/lat, other columns as properties."""
    feats = []
    for r in rows:
        props = {c: r.get(c, "") for c in columns if c not in ("lon", "lat")}
        try:
            coords = [float(r["lon"]), float(r["lat"])] if "lon" in columns and "lat" in columns else None
        except ValueError:
            coords = [r.get("lon"), r.get("lat")]
        geom = {"type": "Point", "coordinates": coords} if coords is not None else None
        feats.append({"type": "Feature", "properties": props, "geometry": geom})
    return json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False)


#: GeoJSON documents whose structure is wrong (features that are not objects, odd geometries)
_POINT = {"type": "Point", "coordinates": [105.8, 10.0]}
_odd_feature = st.one_of(
    json_values,
    st.builds(lambda g: {"type": "Feature", "properties": {"id": "x"}, "geometry": g}, json_values),
    st.builds(lambda p: {"type": "Feature", "properties": p, "geometry": _POINT}, json_values))
broken_geojson_structure = st.one_of(
    st.builds(lambda feats: json.dumps({"type": "FeatureCollection", "features": feats}),
              st.lists(_odd_feature, min_size=1, max_size=3)),
    st.builds(json.dumps, json_values))


def leaf_paths(obj: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path (tuple of keys / indexes) to a scalar inside nested dicts and lists."""
    if isinstance(obj, dict):
        return [p for k, v in obj.items() for p in leaf_paths(v, (*prefix, k))]
    if isinstance(obj, list):
        return [p for i, v in enumerate(obj) for p in leaf_paths(v, (*prefix, i))] or [prefix]
    return [prefix]


@st.composite
def junk_at_a_leaf(draw, good: dict[str, Any]) -> tuple[dict[str, Any], tuple]:
    """``good`` with one scalar (anywhere) replaced by a JSON value of any type; (data, path)."""
    data = copy.deepcopy(good)
    path = draw(st.sampled_from(leaf_paths(data)))
    target = data
    for key in path[:-1]:
        target = target[key]
    odd = st.sampled_from([1e308, -1e308, 10**20, "", "0001-01-01T00:00+07:00",
                           "9999-12-31T23:59+07:00", "NaN"])
    target[path[-1]] = draw(json_values | odd)
    return data, path


#: whitespace-separated number files (benchmark instance formats) with odd tokens and short lines
_token = st.one_of(st.integers(-5, 200).map(str), st.floats(allow_nan=True, allow_infinity=True).map(repr),
                   st.sampled_from(["x", "-", "1e999", "nan", "inf", "0", "1", "1,5"]))
_line = st.lists(_token, max_size=12).map(" ".join)
_header = st.lists(st.integers(0, 4).map(str), min_size=1, max_size=5).map(" ".join)
number_lines = st.one_of(
    st.lists(_line, max_size=12).map("\n".join),
    st.builds(lambda h, rest: "\n".join([h, *rest]), _header, st.lists(_line, max_size=8)))
