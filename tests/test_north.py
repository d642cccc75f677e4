"""Tests of the northern destinations: the curated YAML (A3) and, once built, data/destinations.csv.

The YAML checks need nothing but the repository. The catalog checks read the bundled
``data/destinations.csv`` and skip, saying why, while it is absent or does not yet hold the
northern curated entries (``make data`` builds it).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
import yaml
from shapely.geometry import Point, shape

from tourlink.hours import validate
from tourlink.paths import DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
CURATED = ROOT / "tools" / "curated" / "destinations"
NORTH = ("bac-giang", "bac-ninh", "thai-nguyen", "hai-duong", "lang-son", "nghe-an", "ha-noi", "hoa-binh")

THEMES = {"heritage", "spiritual", "nature", "orchard", "craft_village", "beach_island", "floating_market",
          "museum", "cultural_institution", "revolutionary_historic", "intangible_heritage", "market_food"}
SIGNIFICANCE = {"unesco", "special_national", "national", "provincial", "local"}

#: legacy province -> minimum number of destinations in the catalog (issue 2)
MINIMUM = {"Bắc Giang": 25, "Bắc Ninh": 10, "Thái Nguyên": 10, "Hải Dương": 10, "Lạng Sơn": 10,
           "Nghệ An": 10, "Hà Nội": 10, "Hòa Bình": 10}

#: sites the seed articles and the task name: id -> (legacy province, a theme it must carry)
NAMED = {
    "osm-n5630671423": ("Thái Nguyên", "revolutionary_historic"),   # ATK Định Hóa
    "cur-atk-hiep-hoa": ("Bắc Giang", "revolutionary_historic"),    # ATK II Hiệp Hòa
    "osm-n7578148686": ("Bắc Giang", "spiritual"),                  # Vĩnh Nghiêm pagoda
    "osm-n5141145956": ("Hải Dương", "spiritual"),                  # Côn Sơn
    "cur-kiep-bac": ("Hải Dương", "spiritual"),                     # Kiếp Bạc
    "cur-bo-da": ("Bắc Giang", "spiritual"),
    "cur-tay-yen-tu": ("Bắc Giang", "spiritual"),
    "cur-xuong-giang": ("Bắc Giang", "heritage"),
    "cur-luc-ngan-lychee": ("Bắc Giang", "orchard"),
    "cur-khuon-than": ("Bắc Giang", "nature"),
    "cur-suoi-mo": ("Bắc Giang", "nature"),
    "osm-n10709724110": ("Bắc Giang", "craft_village"),             # Thổ Hà
    "cur-noi-ninh": ("Bắc Giang", "intangible_heritage"),           # Quan họ village of Bắc Giang
    "cur-den-vua-ba": ("Bắc Ninh", "intangible_heritage"),          # Quan họ: Diềm village
    "osm-n11660330982": ("Bắc Ninh", "intangible_heritage"),     # Quan họ: Lim hill
    "osm-w1019349488": ("Bắc Ninh", "museum"),                      # Bắc Ninh museum
    "osm-n10709738008": ("Bắc Ninh", "spiritual"),                  # Dâu pagoda
    "cur-but-thap": ("Bắc Ninh", "spiritual"),
    "osm-w1443021489": ("Bắc Ninh", "craft_village"),               # Đông Hồ paintings
    "osm-w576742550": ("Bắc Ninh", "heritage"),                     # Đền Đô
    "cur-then-quynh-son": ("Lạng Sơn", "intangible_heritage"),      # Then venues
    "cur-then-dinh-hoa": ("Thái Nguyên", "intangible_heritage"),
    "cur-then-son-dong": ("Bắc Giang", "intangible_heritage"),
    "cur-hb-museum": ("Hòa Bình", "cultural_institution"),
    "cur-hb-cultural-palace": ("Hòa Bình", "cultural_institution"),
    "cur-hb-stadium": ("Hòa Bình", "cultural_institution"),
    "osm-n12442016001": ("Hòa Bình", "museum"),                     # Mường culture museum
    "cur-hb-lake": ("Hòa Bình", "nature"),
    "cur-kim-lien": ("Nghệ An", "revolutionary_historic"),
    "cur-cua-lo": ("Nghệ An", "beach_island"),
    "osm-r7143215": ("Nghệ An", "nature"),                          # Pù Mát
    "cur-den-cuong": ("Nghệ An", "spiritual"),
    "cur-ky-lua": ("Lạng Sơn", "market_food"),
    "cur-dong-dang-market": ("Lạng Sơn", "market_food"),
    "osm-n5602133184": ("Lạng Sơn", "spiritual"),                   # Tam Thanh
    "osm-n6799419133": ("Lạng Sơn", "nature"),                      # Mẫu Sơn
    "cur-chi-lang": ("Lạng Sơn", "heritage"),
    "osm-n5630745722": ("Thái Nguyên", "orchard"),                  # Tân Cương tea
    "cur-nui-coc": ("Thái Nguyên", "nature"),
    "osm-w1019030795": ("Thái Nguyên", "museum"),                   # ethnic cultures museum
    "cur-van-mieu": ("Hà Nội", "heritage"),
    "osm-w696913691": ("Hà Nội", "heritage"),                       # Thăng Long citadel
}


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    """The curated northern entries, as written in the YAML."""
    return [e for name in NORTH
            for e in yaml.safe_load((CURATED / f"{name}.yaml").read_text(encoding="utf-8"))["destinations"]]


@pytest.fixture(scope="module")
def catalog() -> dict[str, dict]:
    """Rows of the built data/destinations.csv by id; skips while it lacks the northern entries."""
    path = DATA_DIR / "destinations.csv"
    if not path.exists():
        pytest.skip(f"{path} is not built yet (run `make data`)")
    with path.open(encoding="utf-8", newline="") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    if "cur-atk-hiep-hoa" not in rows:
        pytest.skip(f"{path} was built without the northern tools/curated/destinations (run `make data`)")
    return rows


# ----------------------------------------------------------------------------- the curated YAML

def test_yaml_ids_unique_and_well_formed(entries):
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids))
    for e in entries:
        assert e["id"].startswith(("cur-", "osm-n", "osm-w", "osm-r")), e["id"]
        if e["id"].startswith("cur-"):
            assert isinstance(e["lon"], float) and isinstance(e["lat"], float), e["id"]


def test_yaml_fields_follow_the_schema(entries):
    for e in entries:
        assert e["name_vi"] and e["name_en"] and e["source"], e["id"]
        assert e["province"] in MINIMUM, e["id"]
        assert e["themes"] and set(e["themes"]) <= THEMES, e["id"]
        assert e["significance"] in SIGNIFICANCE, e["id"]
        assert 10 <= e["visit_minutes"] <= 480, e["id"]
        assert isinstance(e["fee_vnd"], int) and 0 <= e["fee_vnd"] <= 500_000, e["id"]
        assert validate(e["opening_hours"], where=e["id"]) == e["opening_hours"]


def test_yaml_covers_every_northern_province_and_named_site(entries):
    per = Counter(e["province"] for e in entries)
    assert per["Bắc Giang"] >= 25
    assert all(per[p] >= 10 for p in MINIMUM), per
    by_id = {e["id"]: e for e in entries}
    for site, (province, theme) in NAMED.items():
        assert by_id[site]["province"] == province, site
        assert theme in by_id[site]["themes"], site


def test_yaml_points_lie_in_their_bundled_legacy_province(entries):
    path = DATA_DIR / "provinces_legacy.geojson"
    if not path.exists():
        pytest.skip(f"{path} is not built yet (run `make data`)")
    polygons = {f["properties"]["name"]: shape(f["geometry"])
                for f in json.loads(path.read_text(encoding="utf-8"))["features"]}
    for e in entries:
        if "lon" in e:
            assert polygons[e["province"]].contains(Point(e["lon"], e["lat"])), e["id"]


# ----------------------------------------------------------------------------- the built catalog

def test_catalog_minimum_counts_per_northern_province(catalog):
    per = Counter(r["province_legacy"] for r in catalog.values())
    short = {p: per[p] for p, n in MINIMUM.items() if per[p] < n}
    assert not short, f"below the minimum count: {short}"


def test_catalog_holds_the_named_sites_in_their_provinces(catalog):
    for site, (province, theme) in NAMED.items():
        assert site in catalog, f"{site} missing from destinations.csv"
        row = catalog[site]
        assert row["province_legacy"] == province, site
        assert theme in row["themes"].split(";"), site


def test_catalog_names_the_unesco_site_and_the_2025_provinces(catalog):
    # Vĩnh Nghiêm (old Bắc Giang) and Côn Sơn (old Hải Dương) now lie in Bắc Ninh and Hải Phòng
    assert catalog["osm-n7578148686"]["province_2025"] == "Bắc Ninh"
    assert catalog["osm-n5141145956"]["province_2025"] == "Hải Phòng"
    assert catalog["cur-hb-museum"]["province_2025"] == "Phú Thọ"
    assert int(catalog["osm-n7578148686"]["score"]) > int(catalog["cur-my-chu"]["score"])


def test_catalog_opening_hours_of_northern_rows_are_valid(catalog):
    for row in catalog.values():
        if row["province_legacy"] in MINIMUM:
            validate(row["opening_hours"], where=f"destinations.csv {row['id']}")
