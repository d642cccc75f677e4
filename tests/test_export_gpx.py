"""GPX 1.1 export: valid against the XSD, read back by gpxpy, agrees with the itinerary."""

import gpxpy
import pytest
from fixtures_itinerary import SPECIAL, famtrip

from tourlink.export.gpx import itinerary_to_gpx, write_gpx


@pytest.fixture(scope="module")
def itinerary():
    """The hand-made 3-day famtrip (boat at dawn, fast boat 08:00, special-character name)."""
    return famtrip()


@pytest.fixture(scope="module")
def text(itinerary):
    return itinerary_to_gpx(itinerary)


def test_valid_against_gpx_11_schema(text, shared_dir):
    xmlschema = pytest.importorskip("xmlschema")
    xsd = shared_dir / "schemas" / "gpx-1.1.xsd"
    if not xsd.is_file():
        pytest.skip(f"{xsd} is absent")
    xmlschema.XMLSchema(xsd).validate(text)


def test_waypoints_agree_with_the_stops(itinerary, text):
    gpx = gpxpy.parse(text)
    first: dict = {}
    for s in (s for d in itinerary.days for s in (d.start, *d.stops, d.end) if s.kind != "lunch"):
        first.setdefault(s.id, s)  # each place once, at its first visit
    expected = list(first.values())
    assert [w.name for w in gpx.waypoints] == [s.name for s in expected]
    assert [w.time for w in gpx.waypoints] == [s.arrive for s in expected]
    assert [(w.latitude, w.longitude) for w in gpx.waypoints] == [(s.lat, s.lon) for s in expected]
    syms = {w.name: w.symbol for w in gpx.waypoints}
    assert syms["Khách sạn Vị Thanh"] == "Lodging"
    assert syms["Cảng tàu khách Rạch Giá"] == "Anchor"


def test_a_route_and_a_track_per_day_named_day_n_date(itinerary, text):
    gpx = gpxpy.parse(text)
    names = ["Day 1 – 2026-12-10", "Day 2 – 2026-12-11", "Day 3 – 2026-12-12"]
    assert [r.name for r in gpx.routes] == names
    assert [t.name for t in gpx.tracks] == names
    # one segment per leg, following the leg's geometry
    d1 = itinerary.days[0]
    assert len(gpx.tracks[0].segments) == len(d1.legs)
    seg = gpx.tracks[0].segments[3]
    assert [(p.longitude, p.latitude) for p in seg.points] == list(d1.legs[3].geometry)
    assert seg.points[0].time == d1.legs[3].depart
    assert seg.points[-1].time == d1.legs[3].arrive
    # the route visits the located places of day 3 in order
    assert [p.name for p in gpx.routes[2].points] == [
        "Khách sạn Rạch Giá",
        "Cảng tàu khách Rạch Giá",
        "Cảng Bãi Vòng",
        "Dinh Cậu",
        "Sân bay Phú Quốc",
    ]


def test_special_characters_are_text(text):
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in text
    assert SPECIAL in [w.name for w in gpxpy.parse(text).waypoints]


def test_write_gpx_is_reproducible(itinerary, tmp_path):
    a = write_gpx(itinerary, tmp_path / "a.gpx").read_bytes()
    b = write_gpx(itinerary, tmp_path / "b.gpx").read_bytes()
    assert a == b


def test_each_place_is_one_waypoint(itinerary, text):
    """Bug 12: the GPX repeated waypoints (the pier before and after a market, the start hub at the end)."""
    gpx = gpxpy.parse(text)
    names = [(w.name, round(w.latitude, 6), round(w.longitude, 6)) for w in gpx.waypoints]
    assert len(names) == len(set(names))
    located = {s.id for d in itinerary.days for s in (d.start, *d.stops, d.end) if s.kind != "lunch"}
    assert len(gpx.waypoints) == len(located)
