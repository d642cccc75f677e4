"""Tests of the catalogue's cleaning stage (tools/clean_catalog.py) and of its report in data/README.md.

Each rule is tried on a tiny fixture row; the build-level tests check the rows the issue named on
the real OSM table (``--shared``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from tourlink.paths import DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import build_catalog  # noqa: E402
import clean_catalog as clean  # noqa: E402


def row(name_vi, name_en="", *, tags=(("tourism", "attraction"),), wikidata="", kind="attraction",
        lon=105.85, lat=21.03, rid=None):
    """An OSM row as the build sees it: places.csv columns plus the record fields the merges read."""
    out = {"name_vi": name_vi, "name_en": name_en or name_vi, "wikidata": wikidata, "tourism": "",
           "historic": "", "natural": "", "leisure": "", "id": rid or f"osm-n{abs(hash(name_vi)) % 10**9}",
           "lon": lon, "lat": lat, "kind": kind, "osm_id": "node/1"}
    for k, v in tags:
        out[k] = v
    out["_tags"] = clean.tags_of(out)
    return out


def east(rec, metres):
    """``rec`` moved ``metres`` to the east (a copy with a new id)."""
    out = dict(rec, lon=rec["lon"] + metres / (clean.M_PER_DEG * 0.9336))  # cos(21°)
    out["id"] = f"{rec['id']}-{int(metres)}"
    return out


# --------------------------------------------------------------------------- drop rules

@pytest.mark.parametrize(("name", "tags", "rule"), [
    ("0 km", (("tourism", "attraction"),), "sign-or-fragment"),
    ("Noi Quy", (("tourism", "attraction"),), "sign-or-fragment"),
    ("Quy", (("tourism", "attraction"),), "sign-or-fragment"),
    ("A10", (("historic", "ruins"),), "sign-or-fragment"),
    ("", (("tourism", "attraction"),), "unnamed"),
    ("Будда", (("tourism", "attraction"),), "non-latin-script"),
    ("Lake", (("tourism", "attraction"),), "generic-name"),
    ("Old Citadel Wall", (("tourism", "attraction"),), "generic-name"),
    ("Chùa", (("tourism", "attraction"),), "generic-name"),
    ("Phường 8", (("tourism", "attraction"),), "address-label"),
    ("Tarot Museum", (("tourism", "museum"),), "commercial"),
    ("Beer Street", (("tourism", "attraction"),), "commercial"),
    ("Rose Kitchen Cooking Classes", (("tourism", "attraction"),), "commercial"),
    ("Vựa Cua Thu Thão", (("tourism", "attraction"),), "commercial"),
    ("Ice Factory", (("tourism", "attraction"),), "commercial"),
    ("Volleyball field", (("tourism", "attraction"),), "not-a-sight"),
    ("Tượng đồng chiến sĩ", (("tourism", "artwork"),), "no-tourism-tag"),
    ("Núi Cấm Nhỏ", (("natural", "peak"),), "minor-without-value"),
])
def test_each_drop_rule_on_a_fixture_row(name, tags, rule):
    assert clean.drop_rule(row(name, tags=tags)).name == rule


@pytest.mark.parametrize(("name", "tags", "wikidata"), [
    ("Chùa Vĩnh Nghiêm", (("tourism", "attraction"),), ""),
    ("Núi Đèn", (("tourism", "attraction"),), ""),  # "đèn" (a lamp) is a name, "đền" a kind
    ("Núi Sam", (("natural", "peak"),), "Q123"),  # a peak with Wikidata
    ("Bảo tàng Công an Hà Nội", (("tourism", "museum"),), ""),
    ("Cồn Phụng", (("tourism", "attraction"),), ""),
])
def test_sights_pass_every_drop_rule(name, tags, wikidata):
    assert clean.drop_rule(row(name, tags=tags, wikidata=wikidata)) is None


def test_english_label_is_dropped_after_the_merges():
    report = clean.Report()
    recs = {r["id"]: r for r in (row("Monkey wall"), row("Long Phuoc Tunnels"),
                                 row("Cannon Fort", tags=(("historic", "fort"),)))}
    left = clean.drop_english_labels(recs, report)
    assert sorted(r["name_vi"] for r in left.values()) == ["Cannon Fort", "Long Phuoc Tunnels"]
    assert report.dropped["english-label"] == 1
    assert clean.is_english_only("Snake Farm") and not clean.is_english_only("Bãi Sao")


# --------------------------------------------------------------------------- kind checks

@pytest.mark.parametrize(("name", "kind", "right", "check"), [
    ("Hang Cá Sấu", "zoo", "cave", "cave-not-zoo"),
    ("Công viên Lưu Hữu Phước", "theme_park", "park", "city-park-not-theme-park"),
    ("Cung văn hóa thiếu nhi", "theme_park", "cultural_centre", "cultural-house-not-theme-park"),
    ("Công viên nước Hồ Tây", "theme_park", "theme_park", None),
    ("Trại Cá Sấu Long Xuyên", "zoo", "zoo", None),
    ("Đồng Tháp Mười", "attraction", "attraction", None),  # "đồng" (a field) is not "động" (a cave)
])
def test_kind_checks(name, kind, right, check):
    got, rule = clean.check_kind(name, kind)
    assert got == right and (rule.name if rule else None) == check


# --------------------------------------------------------------------------- merges

def test_same_name_chains_a_wall_mapped_four_times():
    wall = row("Tường thành cổ Vinh", kind="historic_site", rid="osm-n1")
    recs = {r["id"]: r for r in (wall, east(wall, 400), east(wall, 800), east(wall, 1200))}
    other = east(wall, 2000)  # 800 m from the last piece: another object of the same name
    recs[other["id"]] = other
    report = clean.Report()
    left = clean.merge(recs, report)
    assert sorted(left) == ["osm-n1", "osm-n1-2000"] and report.merged["same-name"] == 3


def test_english_twin_goes_into_the_vietnamese_row():
    vi = row("Bảo tàng Công an Hà Nội", kind="museum", rid="osm-w1")
    en = east(row("Hanoi Police Museum", kind="museum", rid="osm-n2"), 20)
    co_loa_vi = row("Thành Cổ Loa", kind="historic_site", lat=21.11, rid="osm-w3")
    co_loa_en = east(row("Co Loa Citadel", lat=21.11, rid="osm-n4"), 150)
    far = east(row("Hanoi Train Street", rid="osm-n5"), 60)  # an attraction near a museum: not a twin
    report = clean.Report()
    left = clean.merge({r["id"]: r for r in (vi, en, co_loa_vi, co_loa_en, far)}, report)
    assert sorted(left) == ["osm-n5-60", "osm-w1", "osm-w3"]
    assert report.fate == {"osm-n2-20": "english-twin:osm-w1", "osm-n4-150": "english-twin:osm-w3"}


def test_parts_of_a_complex_go_under_one_entry():
    citadel = row("Hoàng thành Thăng Long", kind="historic_site", rid="osm-w1", wikidata="Q1")
    hall = east(row("Điện Kính Thiên", kind="historic_site", rid="osm-w2"), 54)
    gate = east(row("Đoan Môn", rid="osm-w3"), 117)
    museum = east(row("Bảo tàng Lịch sử", kind="museum", rid="osm-w4"), 100)  # its own sight
    beyond = east(row("Nhà hát Lớn", kind="historic_site", rid="osm-w5"), 900)
    zoo = row("Vườn thú Thủ Lệ", kind="zoo", tags=(("tourism", "zoo"),), lat=21.03 + 0.05, rid="osm-w6")
    cage = east(row("Chuồng hổ", kind="attraction", lat=21.03 + 0.05, rid="osm-n7"), 200)
    report = clean.Report()
    left = clean.merge({r["id"]: r for r in (citadel, hall, gate, museum, beyond, zoo, cage)}, report)
    assert sorted(left) == ["osm-w1", "osm-w4-100", "osm-w5-900", "osm-w6"]
    assert report.merged["part-of-complex"] == 3


def test_curated_twins_merge_only_the_same_place():
    tho_ha = row("Làng gốm Thổ Hà", "Tho Ha pottery village", kind="craft_village", rid="cur-tho-ha")
    en = east(row("Tho Ha Village", kind="craft_village", rid="osm-n1"), 300)
    market = row("Chợ Đồng Đăng", kind="market", lat=21.9, rid="cur-dong-dang")
    fort = east(row("Dong Dang Fortress", lat=21.9, rid="osm-n2"), 500)  # same core name, not the market
    recs = {r["id"]: r for r in (tho_ha, en, market, fort)}
    report = clean.Report()
    clean.curated_twins(recs, {"cur-tho-ha", "cur-dong-dang"}, report)
    assert sorted(recs) == ["cur-dong-dang", "cur-tho-ha", "osm-n2-500"]


def test_shared_points():
    a = row("Ca trù Thăng Long", rid="cur-a")
    b = east(row("Nhà hát Múa rối Thăng Long", rid="cur-b"), 5)
    c = east(row("Ca trù Thăng Long", rid="osm-n3"), 10)  # the same name: a duplicate, not a shared point
    pairs = clean.shared_points({r["id"]: r for r in (a, b, c)})
    assert pairs == [("cur-a", "cur-b-5"), ("cur-b-5", "osm-n3-10")]


# --------------------------------------------------------------------------- the real table

@pytest.fixture(scope="module")
def catalogue(raw_dir):
    """The catalogue assembled from ../shared and the curated files (nothing written)."""
    return build_catalog.assemble(raw_dir, DATA_DIR)


@pytest.mark.parametrize(("osm_id", "fate"), [
    ("osm-n13684800176", "drop:sign-or-fragment"),  # "0 km"
    ("osm-n5344833130", "drop:sign-or-fragment"),  # "Noi Quy"
    ("osm-n5661418822", "drop:sign-or-fragment"),  # "Quy"
    ("osm-n6278214586", "drop:commercial"),  # "Tarot Museum"
    ("osm-n5427950221", "drop:commercial"),  # "Ice Factory"
    ("osm-n8440236517", "drop:commercial"),  # "Beer Street"
    ("osm-n5300822921", "drop:commercial"),  # a crab shop
    ("osm-n13415760108", "drop:commercial"),  # cooking classes
    ("osm-n5328620221", "drop:generic-name"),  # "Old Citadel Wall" (four times)
    ("osm-n4171861196", "english-twin:osm-w704134587"),  # Hanoi Police Museum = Bảo tàng Công an Hà Nội
    ("osm-w1497572243", "part-of-complex:osm-w696913691"),  # Điện Kính Thiên in Hoàng thành
    ("osm-w185531692", "part-of-complex:osm-w696913691"),  # Hậu Lâu
    ("osm-n6546220354", "part-of-complex:osm-w696913691"),  # Rồng đá
])
def test_the_rows_the_issue_named(catalogue, osm_id, fate):
    assert catalogue.report.fate[osm_id] == fate
    # gone, unless a curator enriched the row (Cồn Quy): curated entries always survive cleaning
    assert osm_id not in catalogue.destinations or osm_id in catalogue.curated


def test_curated_entries_survive_cleaning(catalogue):
    curated = catalogue.curated
    assert len(curated) > 100 and curated <= set(catalogue.destinations)


def test_kinds_checked_on_the_real_table(catalogue):
    assert catalogue.destinations["osm-n4293342731"]["kind"] == "cave"  # Hang Cá Sấu, Hà Tiên: not a zoo
    kinds = catalogue.report.kinds
    assert kinds["cave-not-zoo"] >= 10 and kinds["city-park-not-theme-park"] >= 3  # Lưu Hữu Phước, sông Hậu


def test_bundled_files_and_report_are_the_build(catalogue):
    for name, text in catalogue.files().items():
        assert (DATA_DIR / name).read_text(encoding="utf-8") == text, f"{name} is stale; run make data"
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert build_catalog.replace_block(readme, catalogue.markdown()) == readme, "the report is stale"


# --------------------------------------------------------------------------- default shares

def _shares(frame):
    n = len(frame)
    return {f: round(100 * sum(f in d for d in frame["defaults"]) / n, 1) for f in build_catalog.FACTS}


def test_default_shares_in_the_readme_are_measured_from_the_bundled_file():
    """Recomputes both shares from data/destinations.csv alone and finds them in the report."""
    d = pd.read_csv(DATA_DIR / "destinations.csv", keep_default_na=False)
    d["defaults"] = d["defaults"].str.split(";")
    areas = build_catalog.partner_areas()
    order = d.sort_values(["score", "id"], ascending=[False, True])
    top = pd.concat([order[order["province_legacy"] == a].head(25) for a in areas])
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    a, b = _shares(d), _shares(top)
    for f in build_catalog.FACTS:
        assert f"| {f} | {a[f]:.1f}% | {b[f]:.1f}% |" in readme
        assert b[f] < 10, f"{f}: {b[f]} % of the top 25 per partner area is the kind's default (goal < 10 %)"
    osm = d[d["id"].str.startswith("osm-") & (d["source"].str.startswith("OpenStreetMap"))]
    assert (osm["defaults"].map(len) == 3).all()  # an OSM row has no fact of its own
