"""Tests of tourlink.catalog and of the catalogue build (tools/build_catalog.py)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest
import shapely
from shapely.geometry import Point, shape

from tourlink import catalog
from tourlink.catalog import (
    KINDS,
    THEMES,
    SeaLink,
    destinations_for,
    destinations_from_file,
    lodging_from_file,
)
from tourlink.errors import NotFoundError, ValidationError
from tourlink.hours import validate
from tourlink.paths import DATA_DIR

ROOT = Path(__file__).resolve().parent.parent

SOUTH = ["Long An", "Tiền Giang", "Bến Tre", "Trà Vinh", "Vĩnh Long", "Đồng Tháp", "An Giang", "Kiên Giang",
         "Cần Thơ", "Hậu Giang", "Sóc Trăng", "Bạc Liêu", "Cà Mau"]
NORTH = ["Hà Nội", "Bắc Giang", "Bắc Ninh", "Thái Nguyên", "Hải Dương", "Lạng Sơn", "Nghệ An", "Hòa Bình"]
BIG = ["Kiên Giang", "Hậu Giang", "Bắc Giang"]


@pytest.fixture(scope="module")
def dest():
    """The bundled destinations (about 700 rows in 21 legacy provinces)."""
    return catalog.load_destinations()


@pytest.fixture(scope="module")
def polygons():
    """Bundled province polygons of both schemes, keyed by (scheme, code), prepared for PIP."""
    out = {}
    for scheme, name in (("legacy", "provinces_legacy.geojson"), ("2025", "provinces_2025.geojson")):
        for f in json.loads((DATA_DIR / name).read_text(encoding="utf-8"))["features"]:
            geom = shape(f["geometry"])
            shapely.prepare(geom)
            out[(scheme, str(f["properties"]["code"]))] = geom
    return out


# --------------------------------------------------------------------------- bundled data

@pytest.mark.parametrize("province", SOUTH + NORTH)
def test_minimum_destinations_per_legacy_province(dest, province):
    n = int((dest["province_legacy"] == province).sum())
    assert n >= (25 if province in BIG else 10), f"{province}: {n}"


def test_ids_unique_and_well_formed(dest):
    for table in (dest, catalog.load_lodging(), catalog.load_ports()):
        assert table["id"].is_unique
    assert dest["id"].str.fullmatch(r"osm-[nwr]\d+|cur-[a-z0-9-]+").all()
    assert {link.id for link in catalog.load_sea_links()}.__len__() == len(catalog.load_sea_links())


@pytest.mark.parametrize("loader", ["load_destinations", "load_lodging", "load_ports"])
def test_points_inside_polygons_of_stated_provinces(polygons, loader):
    table = getattr(catalog, loader)()
    bad = []
    for row in table.itertuples():
        pt = Point(row.lon, row.lat)
        for scheme, code in (("legacy", row.province_legacy_code), ("2025", row.province_2025_code)):
            if not polygons[(scheme, code)].intersects(pt):
                bad.append(f"{row.id} not in {scheme}:{code}")
    assert not bad, bad[:5]


def test_legacy_and_2025_province_agree_with_mapping(dest):
    from tourlink.regions import current_of, regions, resolve

    legacy = {r.code: r for r in regions("legacy")}
    pairs = set(zip(dest["province_legacy_code"], dest["province_2025_code"], strict=True))
    for old, new in pairs:
        assert current_of(legacy[old]).code == new, (old, new)
    assert resolve("Kiên Giang", scheme="legacy").code in dict(pairs)


def test_kinds_themes_and_scores(dest):
    assert set(dest["kind"]) <= set(KINDS)
    assert all(t in THEMES for ts in dest["themes"] for t in ts)
    assert dest["themes"].map(len).min() >= 1
    assert dest["score"].between(1, 100).all()
    assert (dest["visit_minutes"] > 0).all()


def test_theme_vocabulary_matches_partnerships():
    from tourlink.partnerships import THEMES as P_THEMES

    assert tuple(P_THEMES) == THEMES


def test_opening_hours_parse(dest):
    for oh in set(dest["opening_hours"]):
        assert validate(oh) == oh


def test_score_rule():
    assert catalog.score_of("museum") == 50
    assert catalog.score_of("museum", "national", wikidata=True) == 80
    assert catalog.score_of("floating_market", "unesco", wikidata=True) == 100  # clamped


def test_designated_nature_reserves_score_higher(dest):
    row = dest.set_index("id").loc["osm-r7146562"]  # Vườn quốc gia Tràm Chim, a Ramsar site
    assert row.score == KINDS["nature_reserve"].base + 20 + 10 and "Ramsar" in row.source


NAMED = [
    ("Thái Nguyên", "ATK Định Hóa"), ("Bắc Giang", "ATK II"), ("Bắc Giang", "Vĩnh Nghiêm"),
    ("Hải Dương", "Côn Sơn"), ("Hải Dương", "Kiếp Bạc"), ("Cần Thơ", "Cái Răng"), ("Cần Thơ", "Bình Thủy"),
    ("Cần Thơ", "Ninh Kiều"), ("Cần Thơ", "Chùa Ông"), ("Cần Thơ", "Trúc Lâm Phương Nam"),
    ("Cần Thơ", "Mỹ Khánh"),
    ("Hậu Giang", "Chợ nổi Ngã Bảy"), ("Hậu Giang", "Lung Ngọc Hoàng"), ("Hậu Giang", "Chương Thiện"),
    ("Hậu Giang", "Căn cứ Tỉnh ủy"), ("Hậu Giang", "Tầm Vu"), ("Hậu Giang", "Bảo tàng tỉnh Hậu Giang"),
    ("Kiên Giang", "Nhà tù Phú Quốc"), ("Kiên Giang", "Dinh Cậu"), ("Kiên Giang", "Bãi Sao"),
    ("Kiên Giang", "Hàm Ninh"), ("Kiên Giang", "Suối Tranh"), ("Kiên Giang", "Vườn tiêu"),
    ("Kiên Giang", "nước mắm"), ("Kiên Giang", "Hòn Thơm"), ("Kiên Giang", "Chợ đêm"),
    ("Kiên Giang", "Safari"),
    ("Kiên Giang", "Mũi Nai"), ("Kiên Giang", "Thạch Động"), ("Kiên Giang", "Lăng Mạc Cửu"),
    ("Kiên Giang", "Nguyễn Trung Trực"), ("Kiên Giang", "U Minh Thượng"),
    ("Hòa Bình", "Bảo tàng"), ("Hòa Bình", "Văn hóa"),
]


@pytest.mark.parametrize(("province", "words"), NAMED)
def test_named_sites_present(dest, province, words):
    rows = dest[dest["province_legacy"] == province]
    assert rows["name_vi"].str.contains(words, case=False, regex=False).any(), words


@pytest.mark.parametrize("words", ["quan họ", "hát Then"])
def test_quan_ho_and_then_venues(dest, words):
    rows = dest[dest["name_vi"].str.contains(words, case=False, regex=False)]
    assert rows["themes"].map(lambda ts: "intangible_heritage" in ts).any()


def test_floating_markets_have_a_pier(dest):
    ports = catalog.load_ports().set_index("id")
    markets = dest[dest["kind"] == "floating_market"]
    assert len(markets) >= 5
    for row in markets.itertuples():
        assert ports.loc[row.access_port, "kind"] == "river_pier", row.id
        assert row.access_boat_minutes > 0
        assert row.opening_hours == "Mo-Su 05:00-08:00"
    cai_rang = markets[markets["name_vi"].str.contains("Cái Răng")].iloc[0]
    assert (cai_rang.access_port, cai_rang.access_boat_minutes) == ("pier-ninh-kieu", 30)


def test_sea_links_both_directions_and_timetables():
    links = catalog.load_sea_links()
    ports = set(catalog.load_ports()["id"])
    pairs = {(x.from_port, x.to_port, x.mode) for x in links}
    for x in links:
        assert isinstance(x, SeaLink)
        assert {x.from_port, x.to_port} <= ports
        assert (x.to_port, x.from_port, x.mode) in pairs, x.id
        assert list(x.departures) == sorted(x.departures) and all(0 <= d < 1440 for d in x.departures)
        assert x.fare_vnd > 0 and x.as_of and x.source
    by_id = {x.id: x for x in links}
    assert by_id["sd-rach-gia--bai-vong"].duration_min == 165
    assert by_id["sd-rach-gia--bai-vong"].departures[0] == 8 * 60
    assert by_id["tt-ha-tien--bai-vong"].mode == "car_ferry"
    assert by_id["tt-ha-tien--bai-vong"].vehicle_fare_vnd > 0
    assert by_id["sd-ha-tien--bai-vong"].vehicle_fare_vnd is None


def test_every_partner_province_has_a_lodging_hub():
    hubs = catalog.load_lodging()
    assert set(SOUTH + NORTH) <= set(hubs["province_legacy"])
    assert set(hubs["price_band"]) <= {"budget", "mid", "upper"}
    assert (hubs["price_vnd_per_night"] > 0).all()


def test_loaders_return_copies():
    a = catalog.load_destinations()
    a.loc[0, "name_vi"] = "changed"
    assert catalog.load_destinations().loc[0, "name_vi"] != "changed"


# --------------------------------------------------------------------------- filtering

def test_destinations_for_partnership():
    gdf = destinations_for("kien-giang--hau-giang")
    assert set(gdf["province_legacy"]) == {"Kiên Giang", "Hậu Giang"}
    assert len(gdf) >= 50


def test_destinations_for_theme_and_regions():
    gdf = destinations_for(["Kiên Giang", "Hậu Giang"], themes="floating_market")
    assert list(gdf["province_legacy"]) == ["Hậu Giang"]
    assert gdf["name_vi"].str.contains("Ngã Bảy").all()


def test_destinations_for_2025_province_means_its_legacy_parts():
    from tourlink.regions import resolve

    gdf = destinations_for(resolve("Cần Thơ", scheme="2025"))
    assert set(gdf["province_legacy"]) == {"Cần Thơ", "Hậu Giang", "Sóc Trăng"}


def test_destinations_for_errors():
    with pytest.raises(ValidationError, match="unknown theme 'beach'"):
        destinations_for("kien-giang--hau-giang", themes=["beach"])
    with pytest.raises(NotFoundError):
        destinations_for("Atlantis")


# --------------------------------------------------------------------------- user files

HEADER = "id,name_vi,lon,lat,kind,themes,opening_hours\n"


def write(tmp_path: Path, text: str | bytes, name: str = "mine.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_user_csv_gets_provinces_and_defaults(tmp_path):
    rows = "b,Chùa X,105.08,10.01,pagoda,,\na,Bảo tàng Y,105.79,10.03,museum,museum,\n"
    path = write(tmp_path, HEADER + rows)
    gdf = destinations_from_file(path)
    assert list(gdf["id"]) == ["a", "b"]
    b = gdf.set_index("id").loc["b"]
    assert (b.province_legacy, b.province_2025) == ("Kiên Giang", "An Giang")
    assert b.themes == ("spiritual", "heritage") and b.opening_hours == KINDS["pagoda"].hours
    assert b.score == KINDS["pagoda"].base and b.name_en == "Chùa X"
    assert gdf.crs.to_epsg() == 4326


def test_user_geojson(tmp_path):
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [105.745, 10.002]},
         "properties": {"id": "m", "name_vi": "Chợ", "kind": "floating_market"}}]}
    gdf = destinations_from_file(write(tmp_path, json.dumps(doc), "m.geojson"))
    assert gdf.iloc[0]["province_legacy"] == "Cần Thơ"
    assert gdf.iloc[0]["opening_hours"] == "Mo-Su 05:00-08:00"


def test_broken_row_names_file_row_and_field(tmp_path):
    path = write(tmp_path, HEADER + "a,Ok,105.08,10.01,pagoda,,\nb,Bad,abc,10.01,pagoda,,\n")
    with pytest.raises(ValidationError) as err:
        destinations_from_file(path)
    assert err.value.problems == ["row 3 field lon: 'abc' is not a number"]
    assert str(err.value).startswith(str(path)) and "row 3 field lon" in str(err.value)


def test_all_problems_reported_at_once(tmp_path):
    rows = ["a,A,105.08,10.01,pagoda,,", "a,B,105.08,10.01,temple,wrong,", "c,C,105.08,10.01,spaceport,,",
            "d,D,105.08,10.01,museum,,Mo-Xx 99:00", "e,,105.08,10.01,,,"]
    with pytest.raises(ValidationError) as err:
        destinations_from_file(write(tmp_path, HEADER + "\n".join(rows) + "\n"))
    text = " | ".join(err.value.problems)
    for expected in ("row 3 field id: duplicate id 'a'", "row 3 field themes", "row 4 field kind",
                     "row 5 field opening_hours", "row 6 field name_vi"):
        assert expected in text
    assert len(err.value.problems) == 5


def test_swapped_and_outside_coordinates(tmp_path):
    path = write(tmp_path, HEADER + "a,A,10.01,105.08,,,\nb,B,2.35,48.85,,,\nc,C,200,10,,,\n")
    with pytest.raises(ValidationError) as err:
        destinations_from_file(path)
    a, b, c = sorted(err.value.problems)
    assert "row 2" in a and "swapped" in a and "Kiên Giang" in a
    assert "row 3" in b and "outside Vietnam" in b and "swapped" not in b
    assert "row 4" in c and "out of range" in c


def test_missing_and_unknown_columns(tmp_path):
    with pytest.raises(ValidationError, match="missing column.*lat"):
        destinations_from_file(write(tmp_path, "id,name_vi,lon\na,A,105\n"))
    with pytest.raises(ValidationError, match="unknown column.*'colour'"):
        destinations_from_file(write(tmp_path, "id,name_vi,lon,lat,colour\na,A,105.08,10.01,red\n"))


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"), (b"id,name_vi,lon,lat\n", "no rows"),
    ("id,name_vi,lon,lat\na,Chùa,105.08,10.01\n".encode("cp1258"), "not UTF-8"),
])
def test_unreadable_files(tmp_path, content, message):
    with pytest.raises(ValidationError, match=message):
        destinations_from_file(write(tmp_path, content))


def test_lodging_from_file(tmp_path):
    path = write(tmp_path, "id,name_vi,lon,lat,price_band,price_vnd_per_night\nh,KS,105.47,9.78,mid,300000\n")
    hub = lodging_from_file(path).iloc[0]
    assert (hub.province_legacy, hub.town, hub.price_vnd_per_night) == ("Hậu Giang", "KS", 300000)
    with pytest.raises(ValidationError, match="row 2 field price_band"):
        lodging_from_file(write(tmp_path, "id,name_vi,lon,lat,price_band\nh,KS,105.47,9.78,luxury\n"))


# --------------------------------------------------------------------------- the build

def _build_module():
    tools = str(ROOT / "tools")
    if tools not in sys.path:
        sys.path.insert(0, tools)
    spec = importlib.util.spec_from_file_location("build_catalog", ROOT / "tools" / "build_catalog.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


# the rebuild-and-compare test of the catalogue lives in tests/test_clean_catalog.py (one build for all)


def test_build_reports_a_broken_curated_entry(raw_dir, tmp_path, monkeypatch):
    module = _build_module()
    curated = tmp_path / "curated"
    shutil.copytree(ROOT / "tools" / "curated", curated)
    south = curated / "destinations" / "can-tho.yaml"
    text = south.read_text(encoding="utf-8")
    south.write_text(text.replace("kind: floating_market", "kind: boat_market", 1), encoding="utf-8")
    monkeypatch.setattr(module, "CURATED", curated)
    for name in ("provinces_legacy.geojson", "provinces_2025.geojson"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    with pytest.raises(module.CuratedError, match=r"can-tho\.yaml entry \d+ \(\S+\) field kind"):
        module.build(raw_dir, tmp_path)


def test_missing_file_and_odd_geojson(tmp_path):
    with pytest.raises(ValidationError, match="no-such.csv: cannot read the file"):
        destinations_from_file(tmp_path / "no-such.csv")
    doc = '{"type": "FeatureCollection", "features": [1, {"type": "Feature", "properties": "x"}]}'
    with pytest.raises(ValidationError) as err:
        destinations_from_file(write(tmp_path, doc, "odd.geojson"))
    assert [p.split(":")[0] for p in err.value.problems] == ["feature 1", "feature 2"]


@pytest.mark.parametrize("value", ["inf", "1e400", "nan"])
def test_non_finite_numbers_rejected(tmp_path, value):
    path = write(tmp_path, f"id,name_vi,lon,lat,visit_minutes\na,A,105.08,10.01,{value}\n")
    with pytest.raises(ValidationError, match=f"row 2 field visit_minutes: '{value}' is not an integer"):
        destinations_from_file(path)


def test_given_provinces_are_checked(tmp_path):
    text = ("id,name_vi,lon,lat,province_legacy\na,A,105.08,10.01,Kien Giangg\nb,B,105.08,10.01,Cần Thơ\n"
            "c,C,105.08,10.01,Kiên Giang\n")
    with pytest.raises(ValidationError) as err:
        destinations_from_file(write(tmp_path, text))
    a, b = err.value.problems
    assert a.startswith("row 2 field province_legacy: unknown province 'Kien Giangg'") and "Kiên Giang" in a
    assert b.startswith("row 3 field province_legacy: the point lies in Kiên Giang, not in Cần Thơ")


def test_excluded_rows_absent_and_stale_exclude_reported(dest, raw_dir, tmp_path, monkeypatch):
    assert "osm-w669125218" not in set(dest["id"])  # duplicate of Chùa Dơi, excluded with a reason
    module = _build_module()
    curated = tmp_path / "curated"
    shutil.copytree(ROOT / "tools" / "curated", curated)
    south = curated / "destinations" / "kien-giang.yaml"
    south.write_text(south.read_text(encoding="utf-8") + "- id: osm-n1\n  reason: stale\n", encoding="utf-8")
    monkeypatch.setattr(module, "CURATED", curated)
    for name in ("provinces_legacy.geojson", "provinces_2025.geojson"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    with pytest.raises(module.CuratedError, match=r"exclude entry \d+ \(osm-n1\) field id: not an OSM row"):
        module.build(raw_dir, tmp_path)
