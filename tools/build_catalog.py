"""Build the tour catalog: ``destinations.csv``, ``lodging.csv``, ``ports.csv``.

Inputs (under RAW = ``../shared/data/raw``):

* ``vietnam-tourism-lakehouse/data/places.csv`` — 7,155 OpenStreetMap POIs (ODbL); names are
  NFC-normalised before any matching;
* the province polygons of both schemes: ``provinces_legacy.geojson`` / ``provinces_2025.geojson``
  from ``out`` when present (written by ``tools/build_regions.py``), else built from RAW by that
  same script into a temporary folder — every province of every row is computed by
  point-in-polygon against these, never typed;
* ``ctu-legocity-opendata/heritage.geojson`` — UNESCO / MAB / Ramsar polygons (significance of
  nature reserves);
* curated facts in ``tools/curated/``: ``destinations/<province>.yaml`` (one file per legacy
  province, schema in ``destinations/README.md``), ``lodging.yaml``,
  ``ports.yaml`` (ports, piers and airports; their timetabled links: ``build_transport.py``),
  ``boat_access.yaml`` (the pier and boat minutes of islets and river sites).

Scope: every OpenStreetMap row of ``places.csv`` that lies in one of the 63 legacy provinces. A
point that lies outside every legacy polygon (coastlines are simplified) but within :data:`SNAP_M`
metres of one is moved to the nearest point :data:`INSET_DEG` inside that province and its 2025
province; others are dropped.

Cleaning (``tools/clean_catalog.py``): named drop rules (unnamed, non-latin-script,
sign-or-fragment, generic-name, address-label, commercial, not-a-sight, no-tourism-tag,
minor-without-value), merges (same-name, english-twin, part-of-complex), english-label, kind
checks, then the curated ``exclude:`` lists, the curated entries (which always survive) and the
curated-twin merge. The build logs what every rule did and writes the counts, with the share of
kind defaults among visit time, hours and fee, into the ``catalog-report`` block of
``out/README.md`` when that file has one.

Kind, themes, visit minutes and opening hours follow from the OSM tags and name words
(:func:`classify`, :data:`KINDS`); curated YAML entries override OSM rows that they name by id
(``osm-n123`` = node 123) and add ``cur-<slug>`` rows.

Score rule (1–100): ``KINDS[kind].base`` + significance bonus (UNESCO +40, special national relic
+30, national relic +20, provincial relic +10, local 0) + 10 when a Wikidata id is present,
clamped to 1..100; a curated ``score`` overrides it. OSM rows are "local" except nature reserves
inside a designation of ``ctu-legocity-opendata/heritage.geojson`` (MAB-UNESCO / World Heritage →
"unesco", Ramsar only → "national").

Usage: ``python tools/build_catalog.py RAW --out data``
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import re
import sys
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import shapely
import shapely.ops
import yaml
from shapely.geometry import Point, mapping, shape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import clean_catalog as clean  # noqa: E402
from clean_catalog import TAG_RULES, fold, tags_of  # noqa: E402

from tourlink.atomic import write_text  # noqa: E402
from tourlink.catalog import KINDS, SIGNIFICANCE, THEMES, score_of  # noqa: E402

log = logging.getLogger(__name__)

CURATED = Path(__file__).resolve().parent / "curated"
SRC_PLACES = Path("vietnam-tourism-lakehouse/data/places.csv")
SRC_HERITAGE = Path("ctu-legocity-opendata/heritage.geojson")

SNAP_M = 2000.0
#: the facts whose source the catalogue records row by row (a value not given is the kind's default)
FACTS = ("visit_minutes", "opening_hours", "fee_vnd")
#: the keys a curated ``sources:`` mapping may cite
CITABLE = {*FACTS, "description", "score", "significance", "kind", "themes", "name_vi", "name_en", "location",
           "access_port", "access_boat_minutes", "wikidata"}
INSET_DEG = 0.0003  # about 33 m
M_PER_DEG = 111_320.0

DEST_COLUMNS = ["id", "name_vi", "name_en", "lon", "lat", "province_legacy_code", "province_legacy",
                "province_2025_code", "province_2025", "kind", "themes", "visit_minutes", "opening_hours",
                "fee_vnd", "score", "access_port", "access_boat_minutes", "source", "osm_id", "wikidata",
                "description_vi", "description_en", "defaults", "estimates", "fact_sources"]
LODGING_COLUMNS = ["id", "name_vi", "name_en", "lon", "lat", "province_legacy_code", "province_legacy",
                   "province_2025_code", "province_2025", "town", "price_band", "price_vnd_per_night",
                   "source"]
PORT_COLUMNS = ["id", "name_vi", "name_en", "lon", "lat", "province_legacy_code", "province_legacy",
                "province_2025_code", "province_2025", "kind", "source"]


#: name words → kind, tried in this order on the lower-case NFC name (with diacritics: "làng" is a
#: village, "lăng" a tomb; "chùa" a pagoda, "chúa" a lord) and the English name
NAME_KINDS = [
    (r"chợ nổi|floating market", "floating_market"),
    (r"bảo tàng|museum|nhà trưng bày|khu trưng bày", "museum"),
    (r"\bdi chỉ\b|khảo cổ|phế tích|archaeolog", "relic_site"),
    (r"^làng cổ\b|ancient village", "historic_site"),
    (r"^(vườn hoa|công viên)\b(?! (nước|giải trí|biển))", "park"),
    (r"^làng\b(?! văn hóa)|làng (nghề|gốm|lụa|nón|tranh|mộc|tre|khảm|thêu|quạt|tiện|giang|tết)"
     r"|làng (bánh|hương)|nghề truyền thống|nước mắm|fish sauce|factory|cơ sở làm"
     r"|làm (nón|võng|bánh|kẹo|hủ tiếu|hủ tíu)"
     r"|nhà làm|làng (nhang|chiếu|rèn|đúc|gò)"
     r"|nhà đan|lò gạch|pottery|craft|chopsticks", "craft_village"),
    (r"nhà thờ|church|cathedral|convent|tu viện|thánh đường", "church"),
    (r"chùa|cổ tự|pagoda|thiền viện|tịnh xá|tịnh thất|monastery|tháp .*chùa", "pagoda"),
    (r"đền|miếu|(^|\| )đình\b|đình (làng|thần)|\blăng\b|thánh thất|temple|shrine|văn thánh|văn miếu",
     "temple"),
    (r"căn cứ|nhà tù|trại giam|di tích|\bđồn\b|relic|prison|\bdinh\b|nhà cổ|ancient house|historic house",
     "historic_site"),
    (r"trại rắn|snake|cá sấu|crocodile|vườn thú|safari|\bzoo\b", "zoo"),
    (r"\bchợ\b|market", "market"),
    (r"\bvillage\b", "craft_village"),
    (r"vườn (cây|trái|tiêu|xoài|chôm|sầu|bưởi|mận|nho|cam|quýt|dừa|ca cao|ổi|nhãn|chuối)|miệt vườn"
     r"|orchard|fruit"
     r"|pepper|farm|trang trại", "orchard"),
    (r"\bcồn\b|\bhòn\b|\bđảo\b|cù lao|island", "island"),
    (r"bãi biển|beach|^bãi\b|^biển\b", "beach"),
    (r"vườn quốc gia|khu bảo tồn|national park|sân chim|bird", "nature_reserve"),
    (r"khu du lịch|sinh thái|\bkdl\b|ecotourism|eco", "nature_reserve"),
]

#: kinds of specific tags that win over name words (a peak named "Núi Chùa" is a mountain); name
#: words win over the generic tags (attraction, museum, gallery, historic=*, park, garden)
SPECIFIC_TAG_KINDS = {"beach", "cave", "mountain", "waterfall", "viewpoint", "nature_reserve", "theme_park",
                      "zoo"}

REVOLUTIONARY = (r"can cu|chien thang|nha tu|liet si|cach mang|xu uy|tinh uy|\batk\b|prison|bac ho"
                 r"|ho chi minh"
                 r"|\bdon\b|khoi nghia|anh hung|chien si|mau than|toi ac|\bwar\b|tuong niem|chi bo")


ascii_fold = fold


def nfc(text: str) -> str:
    """Return ``text`` NFC-normalised with collapsed blanks."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()


_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]+")


def display_name(text: str) -> str:
    """A mapper's name made fit for a printed programme: a CJK alias glued to a Vietnamese
    name is dropped ("Chùa Phật Đà佛陀寺" → "Chùa Phật Đà"), and a name typed in capitals is
    title-cased ("NƠI AN NGHỈ ..." → "Nơi An Nghỉ ..."). Names with no Latin letters stay."""
    text = nfc(text)
    latin = _CJK.sub(" ", text).strip()
    if latin and latin != text and any(c.isalpha() for c in latin):
        text = nfc(latin)
    if text.isupper() and len(text) > 4:
        text = text.title()
    return text


def osm_short(osm_type: str, osm_id: str) -> str:
    """Return the stable destination id of an OSM object (``osm-n123``, ``osm-w123``, ``osm-r123``)."""
    return f"osm-{osm_type[0]}{osm_id}"


# --------------------------------------------------------------------------- polygons

class Polygons:
    """Point-in-polygon lookup of both province schemes, read from the bundled GeoJSON files."""

    def __init__(self, folder: Path):
        self.legacy = self._read(folder / "provinces_legacy.geojson")
        self.new = self._read(folder / "provinces_2025.geojson")
        self.by_legacy_name = {r["name"]: r for r in self.legacy}
        self._tree_l = shapely.STRtree([r["geometry"] for r in self.legacy])
        self._tree_n = shapely.STRtree([r["geometry"] for r in self.new])
        self._inner: dict[tuple[str, str], object] = {}

    @staticmethod
    def _read(path: Path) -> list[dict]:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        recs = [{"code": str(f["properties"]["code"]), "name": nfc(f["properties"]["name"]),
                 "geometry": shape(f["geometry"])} for f in features]
        for r in recs:
            shapely.prepare(r["geometry"])
        return recs

    def locate(self, lon: float, lat: float) -> tuple[dict | None, dict | None]:
        """Return the (legacy, 2025) province records containing the point, or None."""
        pt = Point(lon, lat)
        out = []
        for tree, recs in ((self._tree_l, self.legacy), (self._tree_n, self.new)):
            hits = tree.query(pt, predicate="within")
            out.append(recs[int(min(hits))] if len(hits) else None)
        return out[0], out[1]

    def snap(self, lon: float, lat: float, legacy_names: set[str]) -> tuple[float, float] | None:
        """Return the point moved just inside the nearest legacy province of ``legacy_names`` ∩ its
        2025 province when it lies within ``SNAP_M``, else None."""
        pt = Point(lon, lat)
        best = None
        for rec in self.legacy:
            if rec["name"] not in legacy_names:
                continue
            d = rec["geometry"].distance(pt) * M_PER_DEG
            if d <= SNAP_M and (best is None or d < best[0]):
                best = (d, rec)
        if best is None:
            return None
        rec = best[1]
        inner = self._inner_geometry(rec, pt)
        if inner is None or inner.is_empty:
            return None
        q = shapely.ops.nearest_points(inner, pt)[0]
        return round(q.x, 6), round(q.y, 6)

    def _inner_geometry(self, rec: dict, pt: Point):
        window = pt.buffer(SNAP_M / M_PER_DEG * 1.5)
        key = (rec["code"], f"{pt.x:.3f},{pt.y:.3f}")
        if key not in self._inner:
            part = rec["geometry"].intersection(window)
            news = [n["geometry"].intersection(part) for n in self.new if n["geometry"].intersects(part)]
            if not news:
                self._inner[key] = None
            else:
                biggest = max(news, key=lambda g: g.area)
                self._inner[key] = biggest.buffer(-INSET_DEG)
        return self._inner[key]


def load_polygons(raw: Path, out: Path) -> Polygons:
    """Return the polygons of ``out`` when built, else build them from ``raw`` in a temporary folder."""
    if (out / "provinces_legacy.geojson").exists() and (out / "provinces_2025.geojson").exists():
        return Polygons(out)
    import build_regions  # same folder; derives the polygons from RAW exactly as data/ does

    with tempfile.TemporaryDirectory() as tmp:
        build_regions.build(raw, Path(tmp))
        return Polygons(Path(tmp))


# --------------------------------------------------------------------------- OSM rows

def classify(name_vi: str, name_en: str, tags: list[tuple[str, str]]) -> tuple[str, tuple[str, ...]]:
    """Return ``(kind, themes)`` of a place from its name words and OSM tags."""
    folded = ascii_fold(f"{name_vi} | {name_en}")
    low = f"{nfc(name_vi).lower()} | {nfc(name_en).lower()}"
    tag_kinds = [TAG_RULES[t][0] for t in tags if t in TAG_RULES]
    kind = None
    for pattern, k in NAME_KINDS:
        if re.search(pattern, low):
            kind = k
            break
    specific = next((k for k in tag_kinds if k in SPECIFIC_TAG_KINDS), None)
    kind = specific or kind or (tag_kinds[0] if tag_kinds else None)
    kind = kind or "attraction"
    themes = list(KINDS[kind].themes)
    if re.search(REVOLUTIONARY, folded):
        themes = [t for t in themes if t not in ("nature",)] + ["revolutionary_historic"]
        if "heritage" not in themes:
            themes.append("heritage")
    if kind == "attraction" and any(k == "tourism" and v == "attraction" for k, v in tags) and \
            any(k == "historic" for k, _ in tags):
        themes = ["heritage"]
    return kind, tuple(dict.fromkeys(themes))


def read_designations(raw: Path) -> list[tuple[str, str, object]]:
    """Return (label, significance, polygon) of the international designations in heritage.geojson:
    World Heritage and MAB-UNESCO biosphere reserves count as "unesco", Ramsar-only sites as
    "national" (the bonus of a national relic), best first."""
    path = raw / SRC_HERITAGE
    if not path.exists():
        return []
    out = []
    for f in json.loads(path.read_text(encoding="utf-8"))["features"]:
        p = f["properties"]
        kind = nfc(p.get("Kieu_BT") or "")
        level = "unesco" if ("UNESCO" in kind or "thế giới" in kind) else "national"
        geom = shape(f["geometry"])
        shapely.prepare(geom)
        out.append((f"{nfc(p['Ten'])}: {kind}", level, geom))
    return sorted(out, key=lambda t: (t[1] != "unesco", t[0]))


def read_places(raw: Path) -> list[dict]:
    """Return the rows of places.csv with NFC names and float coordinates."""
    with open(raw / SRC_PLACES, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["name_vi"] = display_name(r["name_vi"] or r["place_name"])
        r["name_en"] = display_name(r["name_en"])
        r["lon"], r["lat"] = float(r["longitude"]), float(r["latitude"])
        r["id"] = osm_short(r["osm_type"], r["osm_id"])
        r["wikidata"] = r["wikidata"].strip()
    return rows


def osm_destinations(raw: Path, polys: Polygons,
                     report: clean.Report) -> tuple[dict[str, dict], dict[str, dict]]:
    """Return (kept, all) OSM destination records of the 63 legacy provinces, keyed by id.

    ``all`` holds every located row (curated ``osm-*`` entries may name any of them); ``kept`` the
    rows that pass the cleaning stage. ``report`` counts what each rule did.
    """
    kept: dict[str, dict] = {}
    every: dict[str, dict] = {}
    designated = read_designations(raw)
    provinces = {r["name"] for r in polys.legacy}
    for r in read_places(raw):
        lon, lat = r["lon"], r["lat"]
        leg, new = polys.locate(lon, lat)
        note = ""
        if leg is None or new is None:
            snapped = polys.snap(lon, lat, provinces)
            if snapped is None:
                continue
            lon, lat = snapped
            leg, new = polys.locate(lon, lat)
            note = f"; point moved inside the coast from {r['lon']:.6f},{r['lat']:.6f}"
            if leg is None or new is None:
                continue
        tags = tags_of(r)
        kind, themes = classify(r["name_vi"], r["name_en"], tags)
        kind, check = clean.check_kind(r["name_vi"], kind)
        if check is not None:
            themes = KINDS[kind].themes
        significance = "local"
        if kind == "nature_reserve":
            for name, level, geom in designated:
                if geom.contains(Point(lon, lat)):
                    significance, note = level, note + f"; inside {name} (heritage.geojson)"
                    break
        rec = {
            "id": r["id"], "name_vi": r["name_vi"], "name_en": r["name_en"] or _english(r["name_vi"]),
            "lon": lon, "lat": lat, "kind": kind, "themes": themes,
            "visit_minutes": KINDS[kind].minutes, "opening_hours": KINDS[kind].hours, "fee_vnd": 0,
            "score": score_of(kind, significance, wikidata=bool(r["wikidata"])), "access_port": "",
            "access_boat_minutes": 0,
            "source": f"OpenStreetMap {r['osm_type']} {r['osm_id']} via places.csv {r['place_id']} "
                      f"({', '.join(f'{k}={v}' for k, v in tags)}){note}",
            "osm_id": f"{r['osm_type']}/{r['osm_id']}", "wikidata": r["wikidata"],
            "_leg": leg, "_new": new, "_tags": tags, "_given": (),
        }
        every[rec["id"]] = rec
        report.considered += 1
        rule = clean.drop_rule({**r, "name_en": rec["name_en"]})
        if rule is not None:
            report.drop(rule.name, rec)
            continue
        if check is not None:
            report.kinds[check.name] += 1
        kept[rec["id"]] = rec
    kept = clean.drop_english_labels(clean.merge(kept, report), report)
    return kept, every


def _english(name_vi: str) -> str:
    text = unicodedata.normalize("NFD", name_vi.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c))


# --------------------------------------------------------------------------- curated YAML

class CuratedError(ValueError):
    """A curated YAML entry that breaks the schema; the message names file, entry and field."""


def read_yaml(path: Path, key: str) -> list[dict]:
    """Return the list under ``key`` of a curated YAML file ([] when the file is absent)."""
    if not path.exists():
        return []
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise CuratedError(f"{path}: not valid YAML: {exc}".replace("\n", " ")) from None
    items = doc.get(key) or []
    if not isinstance(items, list):
        raise CuratedError(f"{path}: `{key}` must be a list")
    return items


def _where(path: Path, i: int, item: dict, field: str) -> str:
    return f"{path.name} entry {i + 1} ({item.get('id', '?')}) field {field}"


def merge_curated(path: Path, items: list[dict], kept: dict[str, dict], every: dict[str, dict],
                  polys: Polygons, problems: list[str]) -> set[str]:
    """Apply the curated entries of ``path`` to ``kept`` (override OSM rows, add ``cur-*`` rows);
    return their ids."""
    from tourlink.hours import validate as validate_hours

    ids = set()
    for i, item in enumerate(items):
        errs = _check_destination(path, i, item, every, polys, validate_hours)
        problems.extend(e for e in errs if isinstance(e, str))
        if not errs or not isinstance(errs[-1], dict):
            continue
        rec = errs[-1]
        kept[rec["id"]] = rec
        ids.add(rec["id"])
    return ids


def boat_access(path: Path, items: list[dict], kept: dict[str, dict], ports: dict[str, str],
                problems: list[str]) -> None:
    """Give the islets and river sites of ``boat_access.yaml`` their pier and one-way boat minutes
    (the transport file; a curated ``access_port`` is kept)."""
    for i, item in enumerate(items):
        where = f"{path.name} entry {i + 1} ({item.get('destination', '?')})"
        rec = kept.get(item.get("destination"))
        pier, minutes = item.get("pier"), item.get("boat_minutes")
        if rec is None:
            problems.append(f"{where} field destination: not a destination of the catalogue")
        elif ports.get(pier) not in ("river_pier", "sea_port"):
            problems.append(f"{where} field pier: {pier!r} is not a pier or port id of ports.yaml")
        elif isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 180:
            problems.append(f"{where} field boat_minutes: one-way minutes 1-180 required, got {minutes!r}")
        elif not str(item.get("source") or "").strip():
            problems.append(f"{where} field source: required")
        elif not rec["access_port"]:
            cite = nfc(" ".join(str(item["source"]).split()))
            rec.update(access_port=pier, access_boat_minutes=minutes,
                       source=f"{rec['source']}; boat from {pier}: {cite}")


def exclude(path: Path, items: list[dict], kept: dict[str, dict], every: dict[str, dict],
            problems: list[str], fate: dict[str, str]) -> int:
    """Remove the OSM rows listed under ``exclude:`` (duplicates, junk), each with a reason; return how
    many were still there (the cleaning rules may have dropped the others already)."""
    removed = 0
    for i, item in enumerate(items):
        item = item if isinstance(item, dict) else {"id": item}
        where = f"{path.name} exclude entry {i + 1} ({item.get('id', '?')})"
        if not str(item.get("reason") or "").strip():
            problems.append(f"{where} field reason: required")
        elif item.get("id") not in every:
            problems.append(f"{where} field id: not an OSM row of places.csv in Vietnam")
        elif kept.pop(item["id"], None) is not None:
            removed += 1
            fate[item["id"]] = "drop:curated-exclude"
    return removed


def _check_destination(path: Path, i: int, item: dict, every: dict[str, dict], polys: Polygons,
                       validate_hours) -> list:
    """Return the problems of one curated entry, followed by its record when it has none."""
    w = lambda f: _where(path, i, item, f)  # noqa: E731
    errs: list = []
    did = str(item.get("id", ""))
    if not re.fullmatch(r"cur-[a-z0-9-]+|osm-[nwr]\d+", did):
        return [f"{w('id')}: must be cur-<slug> or osm-n/w/r<digits>, got {did!r}"]
    base = every.get(did) if did.startswith("osm-") else None
    if did.startswith("osm-") and base is None:
        return [f"{w('id')}: OSM object {did} is not a row of places.csv in Vietnam"]
    errs += [f"{w(f)}: required" for f in ("name_vi", "name_en", "province", "kind", "themes", "source")
             if not item.get(f)]
    kind = item.get("kind")
    if kind not in KINDS:
        return errs + [f"{w('kind')}: {kind!r} is not one of {', '.join(KINDS)}"]
    themes = item.get("themes") or []
    bad = [t for t in themes if t not in THEMES]
    if bad:
        errs.append(f"{w('themes')}: {bad} not in the vocabulary {', '.join(THEMES)}")
    sig = item.get("significance", "local")
    if sig not in SIGNIFICANCE:
        errs.append(f"{w('significance')}: {sig!r} is not one of {', '.join(SIGNIFICANCE)}")
        sig = "local"
    lon = item.get("lon", base["lon"] if base else None)
    lat = item.get("lat", base["lat"] if base else None)
    if not isinstance(lon, (int, float)) or not isinstance(lat, (int, float)):
        return errs + [f"{w('lon/lat')}: numbers required for a curated-only place"]
    oh = item.get("opening_hours") or KINDS[kind].hours
    try:
        oh = validate_hours(oh)
    except ValueError as exc:
        errs.append(f"{w('opening_hours')}: {exc}")
    leg, new = polys.locate(float(lon), float(lat))
    source = nfc(str(item.get("source", "")))
    if (leg is None or new is None) and (snapped := polys.snap(lon, lat, {nfc(str(item.get("province")))})):
        source += f"; point moved inside the bundled coastline from {lon:.6f},{lat:.6f}"
        lon, lat = snapped
        leg, new = polys.locate(lon, lat)
    if leg is None or new is None or leg["name"] != nfc(str(item.get("province"))):
        got = leg["name"] if leg else "no legacy province"
        errs.append(f"{w('lon/lat')}: {lon},{lat} lies in {got}, not in {item.get('province')}")
    wikidata = str(item.get("wikidata") or (base["wikidata"] if base else ""))
    score = item.get("score", score_of(kind, sig, wikidata=bool(wikidata)))
    if not isinstance(score, int) or not 1 <= score <= 100:
        errs.append(f"{w('score')}: must be an integer 1-100")
    port = item.get("access_port") or ""
    boat = item.get("access_boat_minutes", 0)
    if port and (not isinstance(boat, int) or boat <= 0):
        errs.append(f"{w('access_boat_minutes')}: a positive integer is required with access_port")
    sources = item.get("sources") or {}
    if not isinstance(sources, dict):
        errs.append(f"{w('sources')}: a mapping from fact to citation is required")
        sources = {}
    bad = sorted(str(k) for k in set(sources) - CITABLE)
    if bad:
        errs.append(f"{w('sources')}: {bad} are not facts of the entry; use {', '.join(sorted(CITABLE))}")
    given = tuple(f for f in FACTS if item.get(f) is not None)
    for f in given:
        if f in sources and not str(sources[f] or "").strip():
            errs.append(f"{w('sources')}: the citation of {f} is empty")
    if errs:
        return errs
    cited = {str(k): nfc(str(v)) for k, v in sorted(sources.items())}
    return [{
        "id": did, "name_vi": nfc(item["name_vi"]), "name_en": nfc(item["name_en"]),
        "lon": round(float(lon), 6), "lat": round(float(lat), 6), "kind": kind, "themes": tuple(themes),
        "visit_minutes": int(item.get("visit_minutes", KINDS[kind].minutes)), "opening_hours": oh,
        "fee_vnd": int(item.get("fee_vnd", 0)), "score": score, "access_port": port,
        "access_boat_minutes": int(boat or 0), "source": source,
        "osm_id": base["osm_id"] if base else "", "wikidata": wikidata, "_leg": leg, "_new": new,
        "description_vi": nfc(str(item.get("description_vi") or "")),
        "description_en": nfc(str(item.get("description_en") or "")),
        "_given": given, "_sources": cited,
    }]


# --------------------------------------------------------------------------- writing

def _fmt(rec: dict, columns: list[str]) -> dict:
    out = {}
    for c in columns:
        v = rec.get(c, "")
        if c in ("lon", "lat"):
            v = f"{float(v):.6f}"
        elif c == "themes":
            v = ";".join(v)
        out[c] = v
    if "fact_sources" in columns:
        cited = rec.get("_sources") or {}
        out["defaults"] = ";".join(f for f in FACTS if f not in rec["_given"])
        out["estimates"] = ";".join(f for f in (*FACTS, "description")
                                    if str(cited.get(f, "")).lower().startswith("estimate"))
        out["fact_sources"] = json.dumps(cited, ensure_ascii=False, sort_keys=True,
                                         separators=(",", ":")) if cited else ""
    leg, new = rec.get("_leg"), rec.get("_new")
    if leg is not None:
        out.update(province_legacy_code=leg["code"], province_legacy=leg["name"],
                   province_2025_code=new["code"], province_2025=new["name"])
    return out


def to_csv(records: list[dict], columns: list[str]) -> str:
    """Return ``records`` as CSV text sorted by id (UTF-8, ``\\n``, floats with 6 decimals)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for rec in sorted(records, key=lambda r: r["id"]):
        writer.writerow(_fmt(rec, columns))
    return buf.getvalue()


def _located(path: Path, items: list[dict], polys: Polygons, problems: list[str],
             required: tuple[str, ...]) -> list[dict]:
    """Return curated point entries (lodging, ports) with provinces computed by point-in-polygon."""
    out = []
    seen = set()
    for i, item in enumerate(items):
        w = lambda f, i=i, item=item: _where(path, i, item, f)  # noqa: E731
        missing = [f for f in required if item.get(f) in (None, "")]
        if missing:
            problems.extend(f"{w(f)}: required" for f in missing)
            continue
        if item["id"] in seen:
            problems.append(f"{w('id')}: duplicate id {item['id']!r}")
        seen.add(item["id"])
        lon, lat = float(item["lon"]), float(item["lat"])
        leg, new = polys.locate(lon, lat)
        note = ""
        if (leg is None or new is None) and (snapped := polys.snap(lon, lat, {nfc(item["province"])})):
            note = f"; point moved inside the bundled coastline from {lon:.6f},{lat:.6f}"
            lon, lat = snapped
            leg, new = polys.locate(lon, lat)
        if leg is None or new is None or leg["name"] != nfc(item["province"]):
            got = leg["name"] if leg else "no legacy province"
            problems.append(f"{w('lon/lat')}: {lon},{lat} lies in {got}, not in {item['province']}")
            continue
        rec = {k: (nfc(v) if isinstance(v, str) else v) for k, v in item.items()}
        rec.update(lon=lon, lat=lat, source=rec["source"] + note, _leg=leg, _new=new)
        out.append(rec)
    return out


@dataclass
class Catalogue:
    """Everything the build writes, before writing: the records of each file and the cleaning report."""

    destinations: dict[str, dict]
    lodging: list[dict]
    ports: list[dict]
    curated: set[str]
    report: clean.Report
    abroad: str = ""

    def files(self) -> dict[str, str]:
        """Return the text of each CSV file by name."""
        return {"destinations.csv": to_csv(list(self.destinations.values()), DEST_COLUMNS),
                "lodging.csv": to_csv(self.lodging, LODGING_COLUMNS),
                "ports.csv": to_csv(self.ports, PORT_COLUMNS), "abroad.geojson": self.abroad}

    def markdown(self) -> str:
        """Return the cleaning report block of ``data/README.md``."""
        return report_markdown(self.report, self.destinations, self.curated, self.lodging)


def assemble(raw: Path, out: Path) -> Catalogue:
    """Clean the OSM rows of ``raw``, apply the curated YAML and return the catalogue (nothing written).

    ``out`` is where the province polygons are read from (built from ``raw`` when absent).

    Raises
    ------
    CuratedError
        When a curated entry breaks the schema or lies outside its stated province (all problems).
    """
    raw, out = Path(raw), Path(out)
    polys = load_polygons(raw, out)
    report = clean.Report()
    kept, every = osm_destinations(raw, polys, report)
    problems: list[str] = []
    files = sorted((CURATED / "destinations").glob("*.yaml"))
    curated: set[str] = set()
    for path in files:
        curated |= merge_curated(path, read_yaml(path, "destinations"), kept, every, polys, problems)
    for path in files:
        report.dropped["curated-exclude"] += exclude(path, read_yaml(path, "exclude"), kept, every, problems,
                                                      report.fate)
    clean.curated_twins(kept, curated, report)
    ports = _located(CURATED / "ports.yaml", read_yaml(CURATED / "ports.yaml", "ports"), polys, problems,
                     ("id", "name_vi", "name_en", "lon", "lat", "province", "kind", "source"))
    port_ids = {p["id"] for p in ports}
    boat_access(CURATED / "boat_access.yaml", read_yaml(CURATED / "boat_access.yaml", "boat_access"), kept,
                {p["id"]: p["kind"] for p in ports}, problems)
    for rec in kept.values():
        if rec["access_port"] and rec["access_port"] not in port_ids:
            problems.append(f"destination {rec['id']} field access_port: {rec['access_port']!r} "
                            "is not a port id")
    lodging = _located(CURATED / "lodging.yaml", read_yaml(CURATED / "lodging.yaml", "lodging"), polys,
                       problems,
                       ("id", "name_vi", "name_en", "lon", "lat", "province", "town", "price_band",
                        "price_vnd_per_night", "source"))
    abroad = abroad_geojson(raw, CURATED / "abroad.yaml", problems)
    if problems:
        raise CuratedError(f"{len(problems)} problem(s) in tools/curated: " + "; ".join(problems))
    return Catalogue(kept, lodging, ports, curated, report, abroad)


def build(raw: Path, out: Path) -> list[Path]:
    """Build the catalog files of ``out`` (destinations, lodging and ports CSV, ``abroad.geojson``) from
    ``raw`` and the curated YAML; return their paths.

    Logs the cleaning report and writes it into the ``catalog-report`` block of ``out/README.md``
    when that file has one.

    Raises
    ------
    CuratedError
        When a curated entry breaks the schema or lies outside its stated province (all problems).
    """
    out = Path(out)
    cat = assemble(raw, out)
    text = cat.markdown()
    for line in text.splitlines():
        log.info("%s", line)
    out.mkdir(parents=True, exist_ok=True)
    files = [write_text(out / name, content) for name, content in cat.files().items()]
    readme = out / "README.md"
    if readme.exists():
        old = readme.read_text(encoding="utf-8")
        new = replace_block(old, text)
        if new != old:
            write_text(readme, new)
    return files


# --------------------------------------------------------------------------- partners abroad

ABROAD_KINDS = ("destination", "lodging")


def _rounded(coords, nd: int = 5):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), nd) for c in coords]
    return [_rounded(c, nd) for c in coords]


def abroad_geojson(raw: Path, path: Path, problems: list[str]) -> str:
    """Return ``data/abroad.geojson``: each foreign partner area of ``path`` (``tools/curated/abroad.yaml``)
    as its boundary polygon (from ``raw``) with the access statement, then its destinations and lodging as
    points; every point must lie inside its area. One feature per line, keys sorted."""
    features = []
    for i, item in enumerate(read_yaml(path, "partners")):
        where = f"{path.name} partner {i + 1} ({item.get('key', '?')})"
        required = ("key", "name", "name_vi", "name_en", "country", "capital", "boundary", "boundary_source",
                    "route_en", "route_vi", "access_en", "access_vi", "access_sources")
        missing = [f for f in required if not item.get(f)]
        if missing:
            problems.append(f"{where}: required {', '.join(missing)}")
            continue
        b = item["boundary"]
        try:
            doc = json.loads((Path(raw) / b["file"]).read_text(encoding="utf-8"))
            geom = next(shape(f["geometry"]) for f in doc["features"]
                        if str(f["properties"].get(b["property"])) == str(b["value"]))
        except (OSError, KeyError, StopIteration, ValueError) as exc:
            problems.append(f"{where} field boundary: {b} not found in RAW ({exc.__class__.__name__})")
            continue
        area = {k: nfc(str(item[k])) for k in ("key", "name", "name_vi", "name_en", "country", "capital",
                                                 "route_en", "route_vi", "access_en", "access_vi",
                                                 "boundary_source")}
        area["access_sources"] = [nfc(str(x)) for x in item["access_sources"]]
        outline = {"type": geom.geom_type, "coordinates": _rounded(mapping(geom)["coordinates"])}
        features.append({"type": "Feature", "properties": {"feature": "area", **area}, "geometry": outline})
        seen = set()
        for kind, key, fields in (("destination", "destinations", ("id", "name_vi", "name_en", "lon", "lat",
                                                                     "kind", "themes", "source")),
                                  ("lodging", "lodging", ("id", "name_vi", "name_en", "lon", "lat", "town",
                                                          "price_band", "price_vnd_per_night", "source"))):
            for j, rec in enumerate(item.get(key) or []):
                w = f"{where} {key} entry {j + 1} ({rec.get('id', '?')})"
                lack = [f for f in fields if rec.get(f) in (None, "", [])]
                if lack:
                    problems.append(f"{w}: required {', '.join(lack)}")
                    continue
                if not str(rec["id"]).startswith("abroad-") or rec["id"] in seen:
                    problems.append(f"{w} field id: a new id starting with abroad- is required")
                seen.add(rec["id"])
                if kind == "destination" and rec["kind"] not in KINDS:
                    problems.append(f"{w} field kind: {rec['kind']!r} is not one of {', '.join(KINDS)}")
                if kind == "destination" and set(rec["themes"]) - set(THEMES):
                    problems.append(f"{w} field themes: {sorted(set(rec['themes']) - set(THEMES))} not in "
                                    "the vocabulary")
                lon, lat = float(rec["lon"]), float(rec["lat"])
                if not geom.contains(Point(lon, lat)):
                    problems.append(f"{w} field lon/lat: {lon},{lat} lies outside {item['name']}")
                props = {k: (nfc(v) if isinstance(v, str) else v) for k, v in rec.items()
                         if k not in ("lon", "lat")}
                if "themes" in props:
                    props["themes"] = ";".join(props["themes"])
                props.update(feature=kind, area=area["key"])
                point = {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}
                features.append({"type": "Feature", "properties": props, "geometry": point})
    lines = [json.dumps(f, ensure_ascii=False, sort_keys=True, separators=(",", ":")) for f in features]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


# --------------------------------------------------------------------------- report

REPORT_BEGIN = "<!-- BEGIN catalog-report (written by tools/build_catalog.py; do not edit) -->"
REPORT_END = "<!-- END catalog-report -->"
#: how many of the best rows of each partner legacy area the default share (b) looks at
TOP_N = 25


def partner_areas() -> list[str]:
    """Return the legacy provinces of the members of ``data/partnerships.yaml``, in file order."""
    path = Path(__file__).resolve().parent.parent / "data" / "partnerships.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    names = [nfc(m["region"]) for p in doc for m in p["members"] if m.get("region")]
    return list(dict.fromkeys(names))


def top_rows(recs: list[dict], area: str, n: int = TOP_N) -> list[dict]:
    """Return the ``n`` best destinations of a legacy area by score (ties by id)."""
    rows = [r for r in recs if r["_leg"]["name"] == area]
    return sorted(rows, key=lambda r: (-r["score"], r["id"]))[:n]


def default_shares(recs: list[dict]) -> dict[str, float]:
    """Return, per fact of :data:`FACTS`, the share of ``recs`` whose value is the kind's default."""
    n = max(1, len(recs))
    return {f: sum(f not in r["_given"] for r in recs) / n for f in FACTS}


def report_markdown(report: clean.Report, kept: dict[str, dict], curated: set[str],
                    lodging: list[dict]) -> str:
    """Return the cleaning report as the Markdown block of ``data/README.md``."""
    recs = list(kept.values())
    areas = partner_areas()
    top = [r for a in areas for r in top_rows(recs, a)]
    per_area = Counter(r["_leg"]["name"] for r in recs)
    counts = sorted(per_area.values())
    hubs = Counter(h["_leg"]["name"] for h in lodging)
    rule_reason = {r.name: r.reason for r in (*clean.DROP_RULES, clean.ENGLISH_LABEL)}
    rule_reason["curated-exclude"] = "listed under `exclude:` in a curated file, with its reason"
    lines = [REPORT_BEGIN, "", f"OSM rows located in a legacy province: {report.considered:,}; destinations "
             f"written: {len(recs):,} ({len(curated & set(kept)):,} curated, "
             f"{sum(1 for r in recs if r['id'].startswith('cur-')):,} of them curated-only).", "",
             "| drop rule | rows removed | why |", "|---|---:|---|"]
    for name in [*rule_reason]:
        lines.append(f"| {name} | {report.dropped[name]:,} | {rule_reason[name]} |")
    lines += ["", "| merge rule | rows merged into another |", "|---|---:|"]
    for name in ("same-name", "english-twin", "part-of-complex", "curated-twin"):
        lines.append(f"| {name} | {report.merged[name]:,} |")
    lines += ["", "| kind check | rows corrected |", "|---|---:|"]
    lines += [f"| {c.name} | {report.kinds[c.name]:,} |" for c in clean.KIND_CHECKS]
    shares_all, shares_top = default_shares(recs), default_shares(top)
    lines += ["", f"Share of kind defaults (a value not given by a curated entry): all {len(recs):,} rows, "
              f"and the top {TOP_N} by score of each of the {len(areas)} partner legacy areas "
              f"({len(top):,} rows).", "", "| fact | (a) all rows | (b) top 25 per partner area |",
              "|---|---:|---:|"]
    lines += [f"| {f} | {shares_all[f]:.1%} | {shares_top[f]:.1%} |" for f in FACTS]
    estimates = sum(1 for r in top for f in FACTS
                    if str(r.get("_sources", {}).get(f, "")).startswith("estimate"))
    uncited = sum(1 for r in top for f in r["_given"] if f not in r.get("_sources", {}))
    lines += ["", f"Among the (b) facts that are not defaults, {estimates:,} are marked `estimate:` and "
              f"{uncited:,} have no per-fact citation in `sources:` (only the entry's `source`).", ""]
    lines += [f"Destinations per legacy province: {len(per_area)} provinces, min {counts[0]}, median "
              f"{counts[len(counts) // 2]}, max {counts[-1]}; lodging hubs in {len(hubs)} legacy "
              "provinces.", ""]
    lines += ["| partner legacy area | destinations | (b) defaults: visit / hours / fee |", "|---|---:|---|"]
    for a in areas:
        s = default_shares(top_rows(recs, a))
        lines.append(f"| {a} | {per_area[a]} | {' / '.join(f'{s[f]:.0%}' for f in FACTS)} |")
    few = sorted(a for a, n in per_area.items() if n < 10)
    lines += ["", f"Legacy provinces under 10 destinations: {', '.join(few) if few else 'none'}."]
    shared = [(a, b) for a, b in clean.shared_points(kept) if a in curated or b in curated]
    lines += [f"Different places on one point (within {clean.SHARED_POINT_M:.0f} m, one of them curated): "
              + (", ".join(f"{a} & {b}" for a, b in shared) if shared else "none") + ".", "", REPORT_END]
    return "\n".join(lines) + "\n"


def replace_block(text: str, block: str) -> str:
    """Return ``text`` with its catalog-report block replaced by ``block`` (unchanged without markers)."""
    if REPORT_BEGIN not in text or REPORT_END not in text:
        return text
    head, rest = text.split(REPORT_BEGIN, 1)
    tail = rest.split(REPORT_END, 1)[1]
    return head + block.rstrip("\n") + tail


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python tools/build_catalog.py RAW --out data``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path, help="folder ../shared/data/raw")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "data")
    args = parser.parse_args(argv)
    for path in build(args.raw, args.out):
        print(f"{path}  {path.stat().st_size:,} B")
    return 0


if __name__ == "__main__":
    sys.exit(main())
