"""Build the province boundaries of both schemes and the legacy → 2025 mapping into ``data/``.

Inputs (under RAW = ``../shared/data/raw``):

* ``thanglequoc-vn-provinces-2025/provinces/*.geojson`` — the 34 provinces since 1 July 2025;
* ``odm-provinces-63-via-taliacao/provinces_63_legacy.geojson`` — the 63 legacy provinces;
* ``tourlink-derived/province_mapping_legacy63_to_new34.csv`` — legacy code → 2025 code;
* ``vietnamadminunits-1.0.4/wards_new_3321_points.csv`` — ward points, used only as a check.

Outputs: ``provinces_2025.geojson``, ``provinces_legacy.geojson``, ``province_mapping.csv``.

The 2025 provinces are simplified as one coverage (``shapely.coverage_simplify``, so neighbours
keep a shared border without slivers), snapped to a 1e-5° grid (``shapely.set_precision`` keeps
the result valid), and islets under ``MIN_PART_DEG2`` are dropped except in An Giang (code 91,
which holds the islands of Kiên Giang: Phú Quốc, Nam Du, Thổ Chu ... are all kept). The legacy
areas are then redrawn inside them (:func:`nest`), so a point's legacy province always lies in
its 2025 province. Files are written with sorted keys, one feature per line and a fixed float
format, so the same input gives the same bytes. The build fails when fewer than
``MIN_WARD_SHARE`` of the 3,321 ward points of 2025 fall inside their own province.

Usage: ``python tools/build_regions.py RAW --out data``
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import sys
import unicodedata
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping, shape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tourlink.atomic import write_text  # noqa: E402

log = logging.getLogger(__name__)

#: simplification tolerance in degrees (about 300 m), applied to each scheme as one coverage
TOLERANCE_DEG = 0.003
#: grid the coordinates are snapped to (5 decimals, about 1 m)
GRID_DEG = 1e-5
#: polygon parts smaller than this (deg², about 0.025 km²) are dropped ...
MIN_PART_DEG2 = 2e-6
#: ... except in these provinces (2025 code 91, An Giang, holds the islands of Kiên Giang)
KEEP_ALL_PARTS = {("2025", "91")}
#: share of the 2025 ward points that must fall inside their own province
MIN_WARD_SHARE = 0.99

SRC_2025 = Path("thanglequoc-vn-provinces-2025/provinces")
SRC_LEGACY = Path("odm-provinces-63-via-taliacao/provinces_63_legacy.geojson")
SRC_MAPPING = Path("tourlink-derived/province_mapping_legacy63_to_new34.csv")
SRC_WARDS = Path("vietnamadminunits-1.0.4/wards_new_3321_points.csv")

MAPPING_COLUMNS = ["legacy_code", "legacy_name", "legacy_full_name", "new_code", "new_name",
                   "new_full_name", "merged", "note"]

#: English names of legacy provinces whose plain ASCII form is not the usual English one
LEGACY_NAME_EN = {"Hà Nội": "Hanoi", "Hải Phòng": "Haiphong"}


def ascii_name(name: str) -> str:
    """Return ``name`` without Vietnamese diacritics ("Kiên Giang" → "Kien Giang")."""
    text = unicodedata.normalize("NFD", name).replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFC", "".join(c for c in text if not unicodedata.combining(c)))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def read_2025(raw: Path) -> list[dict]:
    """Return the 34 provinces of 2025 as records with properties and a shapely geometry."""
    files = sorted((raw / SRC_2025).glob("*.geojson"))
    if len(files) != 34:
        raise ValueError(f"{raw / SRC_2025}: expected 34 province files, found {len(files)}")
    records = []
    for path in files:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        geom = shapely.union_all([shape(f["geometry"]) for f in features])
        p = features[0]["properties"]
        records.append({"scheme": "2025", "code": p["code"], "name": _nfc(p["name"]),
                        "name_en": _nfc(p["nameEn"]), "full_name": _nfc(p["fullName"]), "geometry": geom})
    return records


def read_mapping(raw: Path) -> list[dict]:
    """Return the 63 rows of the legacy → 2025 mapping, sorted by legacy code."""
    with open(raw / SRC_MAPPING, encoding="utf-8-sig", newline="") as fh:
        rows = [{k: _nfc(v or "") for k, v in row.items()} for row in csv.DictReader(fh)]
    if len(rows) != 63 or set(rows[0]) != set(MAPPING_COLUMNS):
        raise ValueError(f"{raw / SRC_MAPPING}: expected 63 rows with columns {MAPPING_COLUMNS}")
    return sorted(rows, key=lambda r: r["legacy_code"])


def read_legacy(raw: Path, mapping: list[dict], new_en: dict[str, str]) -> list[dict]:
    """Return the 63 legacy provinces as records; names and 2025 codes come from ``mapping``."""
    by_code = {r["legacy_code"]: r for r in mapping}
    features = json.loads((raw / SRC_LEGACY).read_text(encoding="utf-8"))["features"]
    records = []
    for f in features:
        p = f["properties"]
        row = by_code.get(p["legacy_code"])
        if row is None or row["new_code"] != p["new_code"]:
            raise ValueError(f"{raw / SRC_LEGACY}: legacy code {p['legacy_code']} disagrees with the mapping")
        name = row["legacy_name"]
        name_en = LEGACY_NAME_EN.get(name) or (new_en[row["new_code"]] if name == row["new_name"]
                                               else ascii_name(name))
        records.append({"scheme": "legacy", "code": row["legacy_code"], "name": name, "name_en": name_en,
                        "full_name": row["legacy_full_name"], "new_code": row["new_code"],
                        "new_name": row["new_name"], "geometry": shape(f["geometry"])})
    if sorted(r["code"] for r in records) != sorted(by_code):
        raise ValueError(f"{raw / SRC_LEGACY}: the 63 legacy codes do not match the mapping")
    return records


def simplify(records: list[dict]) -> None:
    """Simplify the geometries of one scheme in place (coverage-preserving, gridded, islets dropped)."""
    records.sort(key=lambda r: r["code"])
    geoms = shapely.coverage_simplify(np.array([r["geometry"] for r in records]), TOLERANCE_DEG)
    for rec, geom in zip(records, geoms, strict=True):
        geom = shapely.make_valid(shapely.set_precision(geom, GRID_DEG))
        parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
        if (rec["scheme"], rec["code"]) not in KEEP_ALL_PARTS:
            parts = [p for p in parts if p.area >= MIN_PART_DEG2] or parts
        parts.sort(key=lambda p: (-p.area, p.bounds))
        rec["geometry"] = shapely.orient_polygons(shapely.MultiPolygon(parts))


def nest(legacy: list[dict], new: list[dict]) -> None:
    """Redraw the legacy areas in place as a partition of the (simplified) 2025 provinces.

    The two sources were surveyed separately, so their borders differ by up to a few hundred
    metres. Each legacy area becomes its 2025 province ∩ its own outline; what no outline covers
    (or a splinter under ``MIN_PART_DEG2``) goes to the part it shares the longest border with
    (else the nearest). Only the borders between legacy parts are then simplified, so every
    legacy area lies inside the 2025 province it became and both share its coastline.
    """
    by_new: dict[str, list[dict]] = {}
    for rec in legacy:
        by_new.setdefault(rec["new_code"], []).append(rec)
    for province in new:
        parts = sorted(by_new[province["code"]], key=lambda r: r["code"])
        outline = province["geometry"]
        if len(parts) == 1:
            parts[0]["geometry"] = outline
            continue
        pieces, taken = [], shapely.Polygon()
        for rec in parts:
            own = shapely.intersection(shapely.make_valid(rec["geometry"]), outline)
            piece = shapely.difference(own, taken)
            taken = shapely.union(taken, piece)
            pieces.append(piece)
        main, loose = [], []
        for i, piece in enumerate(pieces):
            polys = [p for p in shapely.get_parts(piece) if p.geom_type == "Polygon"]
            main.append(shapely.union_all([p for p in polys if p.area >= MIN_PART_DEG2]))
            loose += [(p, i) for p in polys if p.area < MIN_PART_DEG2]
        loose += [(p, None) for p in shapely.get_parts(shapely.difference(outline, taken))
                  if p.geom_type == "Polygon" and p.area > 0]
        extra: list[list] = [[] for _ in parts]
        for poly, owner in loose:
            shared = [shapely.intersection(poly.boundary, m.boundary).length if not m.is_empty else 0.0
                      for m in main]
            j = int(np.argmax(shared))
            if shared[j] <= 0:
                j = owner if owner is not None else int(np.argmin([m.distance(poly) for m in main]))
            extra[j].append(poly)
        merged = [shapely.union_all([m, *e]) for m, e in zip(main, extra, strict=True)]
        merged = shapely.coverage_simplify(np.array(merged), TOLERANCE_DEG, simplify_boundary=False)
        for rec, geom in zip(parts, merged, strict=True):
            rec["geometry"] = geom


def finish(records: list[dict]) -> None:
    """Snap nested legacy geometries to the grid and orient them, in place (no parts dropped)."""
    for rec in records:
        geom = shapely.make_valid(shapely.set_precision(rec["geometry"], GRID_DEG))
        parts = sorted((p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"),
                       key=lambda p: (-p.area, p.bounds))
        rec["geometry"] = shapely.orient_polygons(shapely.MultiPolygon(parts))


def _round(obj):
    if isinstance(obj, float):
        return round(obj, 5) + 0.0  # + 0.0 turns -0.0 into 0.0
    if isinstance(obj, list | tuple):
        return [_round(x) for x in obj]
    return obj


def to_geojson(records: list[dict], name: str) -> str:
    """Serialise records as a FeatureCollection: one feature per line, sorted keys, 5 decimals."""
    lines = []
    for rec in sorted(records, key=lambda r: r["code"]):
        props = {k: v for k, v in rec.items() if k != "geometry"}
        geom = mapping(rec["geometry"])
        geom = {"type": geom["type"], "coordinates": _round(geom["coordinates"])}
        feature = {"type": "Feature", "properties": props, "geometry": geom}
        lines.append(json.dumps(feature, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    head = json.dumps({"type": "FeatureCollection", "name": name}, ensure_ascii=False)[:-1]
    return head + ', "features": [\n' + ",\n".join(lines) + "\n]}\n"


def to_csv(rows: list[dict]) -> str:
    """Serialise the mapping rows as CSV with ``\\n`` line ends."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=MAPPING_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def ward_share(raw: Path, records: list[dict]) -> float:
    """Return the share of the 2025 ward points that fall inside their own 2025 province."""
    with open(raw / SRC_WARDS, encoding="utf-8-sig", newline="") as fh:
        wards = list(csv.DictReader(fh))
    points = shapely.points([float(w["lon"]) for w in wards], [float(w["lat"]) for w in wards])
    geoms = [r["geometry"] for r in records]
    tree = shapely.STRtree(geoms)
    hits = tree.query(points, predicate="within")
    inside = {(int(p), records[int(g)]["code"]) for p, g in hits.T}
    ok = sum((i, w["province_code"]) in inside for i, w in enumerate(wards))
    return ok / len(wards)


def build(raw: Path, out: Path) -> list[Path]:
    """Write the province boundaries of both schemes and the mapping into ``out``; return the paths.

    Raises
    ------
    ValueError
        If an input disagrees with another or the ward-point check fails.
    """
    raw, out = Path(raw), Path(out)
    mapping_rows = read_mapping(raw)
    new = read_2025(raw)
    new_en = {r["code"]: r["name_en"] for r in new}
    if {r["new_code"] for r in mapping_rows} != set(new_en):
        raise ValueError(f"{raw / SRC_MAPPING}: its 2025 codes differ from the 34 province files")
    legacy = read_legacy(raw, mapping_rows, new_en)
    simplify(new)
    nest(legacy, new)
    finish(legacy)
    share = ward_share(raw, new)
    log.info("%.2f %% of the 2025 ward points fall inside their province", 100 * share)
    if share < MIN_WARD_SHARE:
        raise ValueError(f"only {share:.1%} of the ward points fall inside their 2025 province "
                         f"after simplification (need {MIN_WARD_SHARE:.0%}); lower TOLERANCE_DEG")
    return [
        write_text(out / "provinces_2025.geojson", to_geojson(new, "provinces_2025")),
        write_text(out / "provinces_legacy.geojson", to_geojson(legacy, "provinces_legacy")),
        write_text(out / "province_mapping.csv", to_csv(mapping_rows)),
    ]


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``build_regions.py RAW --out DIR``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path, help="folder of the raw data (../shared/data/raw)")
    parser.add_argument("--out", type=Path, default=Path("data"), help="output folder (default data)")
    args = parser.parse_args(argv)
    if not args.raw.is_dir():
        print(f"build_regions: raw data folder {args.raw} not found", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for path in build(args.raw, args.out):
        print(f"{path}  {path.stat().st_size:,} B")
    return 0


if __name__ == "__main__":
    sys.exit(main())
