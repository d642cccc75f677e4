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
    first: dict = {}
    for s in (d1.start, *d1.stops, d1.end):
        if s.kind != "lunch":
            first.setdefault(s.id, s)  # a pier passed twice is one placemark, at its first visit
    expected = list(first.values())
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


def test_names_are_kept_exactly_and_descriptions_escaped_once():
    """Bug 12: "<![CDATA[" in a name was rewritten, and descriptions were escaped twice (&amp;amp;)."""
    import html
    import xml.etree.ElementTree as ET
    from dataclasses import replace

    odd = "Chùa <![CDATA[ Dơi ]]> & <b>"
    it = famtrip()
    d0 = it.days[0]
    stops = tuple(replace(s, name=odd, name_en=odd) if s.kind == "destination" else s for s in d0.stops)
    it = replace(it, days=(replace(d0, stops=stops), *it.days[1:]))
    text = itinerary_to_kml(it)
    assert "&amp;amp;" not in text
    root = ET.fromstring(text.encode("utf-8"))
    names = [el.text for el in root.iter() if el.tag.endswith("name")]
    assert odd in names
    descriptions = [el.text for el in root.iter() if el.tag.endswith("description")]
    assert any(odd in html.unescape(t) for t in descriptions)  # HTML escaped once: one unescape gives text
    assert all("<b>" not in t for t in descriptions)  # never live HTML


def test_a_pier_passed_twice_in_a_day_is_one_placemark(itinerary):
    import xml.etree.ElementTree as ET
    root = ET.fromstring(itinerary_to_kml(itinerary).encode("utf-8"))
    for folder in (el for el in root.iter() if el.tag.endswith("Folder")):
        points = [pm.find("{*}name").text for pm in folder.iter() if pm.tag.endswith("Placemark")
                  and pm.find("{*}Point") is not None]
        assert len(points) == len(set(points)), points
