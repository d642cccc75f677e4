"""GeoJSON export: RFC 7946 lon/lat, read back by GDAL, stops and legs agree with the itinerary."""

import json

import pyogrio
import pytest
from fixtures_itinerary import SPECIAL, famtrip

from tourlink.export.geojson import itinerary_to_geojson, write_geojson


@pytest.fixture(scope="module")
def itinerary():
    """The hand-made 3-day famtrip."""
    return famtrip()


def test_lon_lat_order_and_no_crs_member(itinerary):
    fc = itinerary_to_geojson(itinerary)
    assert "crs" not in fc
    first = fc["features"][0]
    assert first["geometry"]["coordinates"] == [105.7876, 10.0341]  # lon, lat of the Cần Thơ hotel


def test_gdal_reads_stops_and_legs(itinerary, tmp_path):
    path = write_geojson(itinerary, tmp_path / "route.geojson")
    df = pyogrio.read_dataframe(path)
    stops = df[df["feature"] == "stop"]
    legs = df[df["feature"] == "leg"]
    n_stops = sum(len(d.stops) + 2 for d in itinerary.days)
    assert len(stops) == n_stops
    assert len(legs) == sum(len(d.legs) for d in itinerary.days)
    d3 = itinerary.days[2]
    boat = legs[(legs["day"] == 3) & (legs["mode"] == "fast_boat")].iloc[0]
    assert boat["depart"] == d3.legs[1].depart  # GDAL parses the ISO time
    assert d3.legs[1].depart.isoformat() == "2026-12-12T08:00:00+07:00"
    assert boat["from_name"] == "Cảng tàu khách Rạch Giá" and boat["partner"] == "Kiên Giang"
    assert SPECIAL in stops["name"].tolist()
    assert stops[stops["id"] == "dest:special"].iloc[0]["province_2025"] == "Cần Thơ"


def test_reproducible_text(itinerary, tmp_path):
    a = write_geojson(itinerary, tmp_path / "a.geojson").read_text(encoding="utf-8")
    b = write_geojson(itinerary, tmp_path / "b.geojson").read_text(encoding="utf-8")
    assert a == b
    assert json.loads(a)["type"] == "FeatureCollection"
