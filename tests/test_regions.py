"""tourlink.regions: name resolution in both schemes, the legacy → 2025 mapping, boundaries, locate."""

import doctest

import pytest
import shapely

from tourlink import regions
from tourlink.errors import NotFoundError, ValidationError
from tourlink.regions import Region, current_of, legacy_parts, locate, normalise, resolve


@pytest.mark.parametrize("name", ["Kiên Giang", "Kien Giang", "kiên giang", "KIEN GIANG", "Tỉnh Kiên Giang",
                                  "tinh kien giang", "Kien Giang Province", "KienGiang", " Kiên  Giang "])
def test_kien_giang_spellings_give_the_legacy_area(name):
    assert resolve(name).key == "legacy:91"


@pytest.mark.parametrize(("name", "key"), [
    ("Hồ Chí Minh", "2025:79"), ("HCMC", "2025:79"), ("TPHCM", "2025:79"), ("TP. HCM", "2025:79"),
    ("Sai Gon", "2025:79"), ("Saigon", "2025:79"), ("Sài Gòn", "2025:79"),
    ("Ho Chi Minh City", "2025:79"), ("Thành phố Hồ Chí Minh", "2025:79"),
    ("Hue", "2025:46"), ("Thua Thien Hue", "2025:46"), ("Thừa Thiên Huế", "2025:46"),
    ("Hanoi", "2025:01"), ("Ha Noi", "2025:01"), ("Thành phố Hà Nội", "2025:01"),
    ("TP Cần Thơ", "2025:92"), ("Can Tho City", "2025:92"), ("Haiphong", "2025:31"), ("Da Nang", "2025:48"),
    ("Thanh Hóa", "2025:38"), ("Thanh Hoá", "2025:38"), ("Dak Lak", "2025:66"), ("Đăk Lăk", "2025:66"),
    ("Hậu Giang", "legacy:93"), ("hau giang", "legacy:93"), ("Bắc Giang", "legacy:24"),
    ("Hai Duong", "legacy:30"), ("Ba Ria - Vung Tau", "legacy:77"), ("Bắc Cạn", "legacy:06"),
    ("legacy:91", "legacy:91"), ("2025:91", "2025:91"),
])
def test_names_variants_and_keys(name, key):
    assert resolve(name).key == key


def test_name_in_both_schemes_gives_2025_unless_legacy_asked():
    assert resolve("An Giang").key == "2025:91"
    assert resolve("An Giang", scheme="legacy").key == "legacy:89"
    assert resolve("Cần Thơ", scheme="legacy").key == "legacy:92"


def test_legacy_only_name_with_scheme_2025_gives_the_province_containing_it():
    assert resolve("Kiên Giang", scheme="2025").key == "2025:91"
    assert resolve("Bắc Giang", scheme="2025").name == "Bắc Ninh"
    assert resolve("Hải Dương", scheme="2025").name == "Hải Phòng"


def test_a_region_passes_through_resolve():
    kg = resolve("Kiên Giang")
    assert resolve(kg) is kg
    assert resolve(kg, scheme="2025") == current_of(kg)


def test_miss_names_the_closest_matches():
    with pytest.raises(NotFoundError) as err:
        resolve("Kien Gian")
    assert err.value.suggestions[0] == "Kiên Giang"
    assert "Kiên Giang" in str(err.value) and "did you mean" in str(err.value)
    with pytest.raises(NotFoundError) as err:
        resolve("Bac Gang")
    assert "Bắc Giang" in err.value.suggestions
    with pytest.raises(LookupError):  # NotFoundError is also a LookupError
        resolve("Atlantis")
    with pytest.raises(NotFoundError):
        resolve("legacy:99")


def test_bad_scheme_is_a_validation_error():
    with pytest.raises(ValidationError, match="scheme"):
        resolve("Kiên Giang", scheme="2024")


@pytest.mark.parametrize(("code", "legacy_name", "new_name"), [
    ("15", "Yên Bái", "Lào Cai"), ("24", "Bắc Giang", "Bắc Ninh"), ("44", "Quảng Bình", "Quảng Trị"),
    ("52", "Bình Định", "Gia Lai"), ("80", "Long An", "Tây Ninh"), ("82", "Tiền Giang", "Đồng Tháp"),
    ("91", "Kiên Giang", "An Giang"),
])
def test_reused_codes_keep_their_scheme(code, legacy_name, new_name):
    old, new = resolve(f"legacy:{code}"), resolve(f"2025:{code}")
    assert (old.name, new.name) == (legacy_name, new_name)
    assert old != new and old.key != new.key
    assert current_of(old) == new  # each reused code passed to the province that absorbed it


def test_counts_and_mapping_cover_both_schemes():
    legacy, new = regions.regions("legacy"), regions.regions("2025")
    assert (len(legacy), len(new)) == (63, 34)
    assert {current_of(r) for r in legacy} == set(new)
    assert sorted(p for r in new for p in legacy_parts(r)) == sorted(legacy)


def test_mergers_of_domain():
    assert [p.name for p in legacy_parts(resolve("Cần Thơ"))] == ["Cần Thơ", "Hậu Giang", "Sóc Trăng"]
    assert [p.name for p in legacy_parts(resolve("Vĩnh Long"))] == ["Bến Tre", "Trà Vinh", "Vĩnh Long"]
    assert [p.name for p in legacy_parts(resolve("Lạng Sơn"))] == ["Lạng Sơn"]
    assert legacy_parts(resolve("Kiên Giang")) == [resolve("Kiên Giang")]
    assert current_of(resolve("Tiền Giang")).name == "Đồng Tháp"
    assert current_of(resolve("Bạc Liêu")).name == "Cà Mau"


def test_lookup_keys_are_unique_within_each_scheme():
    for scheme in regions.SCHEMES:
        keys = [normalise(r.name) for r in regions.regions(scheme)]
        assert len(keys) == len(set(keys))


def test_region_key_label_and_order():
    kg = resolve("Kiên Giang")
    assert kg == Region("legacy", "91", "Kiên Giang", "Kien Giang", "Tỉnh Kiên Giang")
    assert (kg.key, kg.label, str(kg)) == ("legacy:91", "Kiên Giang (until 2025)", "legacy:91 Kiên Giang")
    with pytest.raises(AttributeError):
        kg.code = "89"  # frozen


def test_provinces_frame_and_geometry():
    gdf = regions.provinces("legacy")
    assert set(gdf.columns) == {"scheme", "code", "name", "name_en", "full_name", "new_code", "new_name",
                                "geometry"}
    assert set(regions.provinces("2025").columns) == {"scheme", "code", "name", "name_en", "full_name",
                                                      "geometry"}
    assert gdf.crs.to_epsg() == 4326 and len(gdf) == 63 and gdf.geometry.is_valid.all()
    gdf.loc[0, "name"] = "changed"  # a copy: the cache stays intact
    assert regions.provinces("legacy").loc[0, "name"] == "Hà Nội"
    kg = regions.geometry(resolve("Kiên Giang"))
    assert kg.geom_type == "MultiPolygon" and kg.contains(shapely.Point(103.96, 10.22))


def test_every_legacy_area_lies_in_the_province_it_became():
    for old in regions.regions("legacy"):
        inner, outer = regions.geometry(old), regions.geometry(current_of(old))
        assert inner.difference(outer).area <= 1e-5 * inner.area, old  # up to the 1e-5° grid
    # where nothing merged, the legacy area is the 2025 province
    lang_son = resolve("Lạng Sơn", scheme="legacy")
    assert regions.geometry(lang_son).equals(regions.geometry(current_of(lang_son)))


@pytest.mark.parametrize(("lon", "lat", "legacy", "new"), [
    (105.0800, 10.0120, "Kiên Giang", "An Giang"),    # Rạch Giá, port town
    (103.9600, 10.2200, "Kiên Giang", "An Giang"),    # Dương Đông, Phú Quốc
    (104.4860, 10.3800, "Kiên Giang", "An Giang"),    # Hà Tiên
    (104.3500, 9.6800, "Kiên Giang", "An Giang"),     # Nam Du islands
    (105.4700, 9.7800, "Hậu Giang", "Cần Thơ"),       # Vị Thanh
    (105.7700, 10.0300, "Cần Thơ", "Cần Thơ"),        # Ninh Kiều, Cần Thơ
    (106.1950, 21.2730, "Bắc Giang", "Bắc Ninh"),     # Bắc Giang city
    (105.8520, 21.0290, "Hà Nội", "Hà Nội"),          # Hoàn Kiếm, Hà Nội
    (105.6870, 18.6790, "Nghệ An", "Nghệ An"),        # Vinh
])
def test_locate_known_points(lon, lat, legacy, new):
    old, cur = locate(lon, lat)
    assert (old.name, cur.name) == (legacy, new)
    assert current_of(old) == cur


def test_locate_outside_vietnam_and_near_the_coast():
    assert locate(100.0, 10.0) == (None, None)   # Gulf of Thailand
    assert locate(102.64, 18.3) == (None, None)   # Laos (Vientiane)
    # a point just off the simplified shore (< SNAP_DEG) goes to the nearest province
    near = regions.locate_many([104.05], [10.17], scheme="legacy")
    assert near[0].name == "Kiên Giang"


def test_locate_many_matches_locate():
    lons, lats = [105.08, 106.195, 100.0], [10.012, 21.273, 10.0]
    got = regions.locate_many(lons, lats, scheme="2025")
    assert [r.name if r else None for r in got] == ["An Giang", "Bắc Ninh", None]


def test_docstring_examples_run():
    from tourlink import partnerships

    for module in (regions, partnerships):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0
