"""KML/KMZ export: read back by GDAL (pyogrio), a folder per day, styled legs, escaped names."""

import zipfile

import pyogrio
import pytest
from fixtures_itinerary import SPECIAL, famtrip

from tourlink.export.kml import itinerary_to_kml, write_kml, write_kmz


@pytest.fixture(scope="module")
def itinerary():
    """The hand-made 3-day famtrip."""
    return famtrip()


@pytest.fixture(scope="module")
def kml_path(itinerary, tmp_path_factory):
    return write_kml(itinerary, tmp_path_factory.mktemp("kml") / "route.kml")


def test_gdal_reads_a_layer_per_day(kml_path):
    layers = [name for name, _ in pyogrio.list_layers(kml_path)]
    assert layers == ["Day 1 – 2026-12-10", "Day 2 – 2026-12-11", "Day 3 – 2026-12-12"]


def test_placemarks_and_extended_data_agree(itinerary, kml_path):
    df = pyogrio.read_dataframe(kml_path, layer="Day 1 – 2026-12-10")
    points = df[df.geometry.geom_type == "Point"]
    d1 = itinerary.days[0]
    expected = [s for s in (d1.start, *d1.stops, d1.end) if s.kind != "lunch"]
    assert points["Name"].tolist() == [s.name for s in expected]
    assert points["arrive"].tolist() == [s.arrive.isoformat() for s in expected]
    assert points["province_legacy"].tolist() == [s.province_legacy for s in expected]
    lines = df[df.geometry.geom_type == "LineString"]
    assert lines["mode"].tolist() == [leg.mode for leg in d1.legs]
    assert len(lines.geometry.iloc[3].coords) == len(d1.legs[3].geometry)
    assert SPECIAL in points["Name"].tolist()


def test_legs_are_styled_by_mode(itinerary):
    text = itinerary_to_kml(itinerary)
    assert "<color>ffd62728</color>" in text  # fast boat
    assert "<color>ff1f77b4</color>" in text  # road
    assert "<Folder" in text and text.count("<Folder") == 3
    assert text.rfind("<Style ") < text.find("<Folder")  # shared styles in the Document


def test_special_characters_are_text(itinerary):
    text = itinerary_to_kml(itinerary)
    assert "<script>" not in text and "<b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in text


def test_kmz_is_a_zip_gdal_reads_and_reproducible(itinerary, tmp_path):
    a = write_kmz(itinerary, tmp_path / "a.kmz")
    b = write_kmz(itinerary, tmp_path / "b.kmz")
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        assert z.namelist() == ["doc.kml"]
        assert z.read("doc.kml").decode() == itinerary_to_kml(itinerary)
    assert len(pyogrio.list_layers(a)) == 3
