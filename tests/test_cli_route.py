"""Tests of `tourlink route` run in-process through tourlink.cli.main."""

from __future__ import annotations

import json

import pytest

from tourlink import cli
from tourlink.cli import route_cmd


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setattr("tourlink.paths.CACHE_DIR", tmp_path / "cache")


def test_route_prints_km_time_and_roads(capsys):
    assert cli.main(["route", "Cần Thơ", "Rạch Giá"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Cần Thơ → Rạch Giá:") and " km, " in out and "QL80" in out


def test_route_json_shape(capsys):
    assert cli.main(["route", "Ha Noi", "Luc Ngan", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"km", "minutes", "legs"} and 70 < data["km"] < 120
    assert {"mode", "name", "km", "minutes"} == set(data["legs"][0])
    assert "QL31" in [leg["name"] for leg in data["legs"]]
    assert sum(leg["km"] for leg in data["legs"]) == pytest.approx(data["km"], abs=0.5)


def test_route_accepts_lat_lon(capsys):
    assert cli.main(["route", "10.0341,105.7835", "Vị Thanh", "--json"]) == 0
    assert 35 < json.loads(capsys.readouterr().out)["km"] < 70


def test_unknown_place_is_exit_2_with_suggestion(capsys):
    assert cli.main(["route", "Rach Gai", "Hà Nội"]) == 2
    assert "unknown place 'Rach Gai'" in capsys.readouterr().err


def test_sea_crossing_shows_the_boat_leg(monkeypatch):
    import networkx as nx
    from shapely.geometry import LineString

    from tourlink import roads
    G = roads.load_network(sea=False).copy()
    port_edge = {"mode": "fast_boat", "highway": "ferry", "name": "Superdong", "ref": "rg-pq",
                 "length": 110000.0, "travel_time": 9000.0,
                 "geometry": LineString([(105.07, 10.01), (104.04, 10.16)])}
    a = roads.snap(105.0809, 10.0125, G)
    b = roads.snap(103.9607, 10.2171, G)
    G.add_edge(a.u, b.u, **port_edge)
    monkeypatch.setattr(roads, "load_network", lambda sea=True: G)
    result = route_cmd.route("Rạch Giá", "Phú Quốc")
    assert "fast_boat" in [leg["mode"] for leg in result["legs"]]
    assert result["minutes"] > 150
    assert isinstance(G, nx.MultiDiGraph)


def test_province_name_goes_to_its_centre(capsys):
    assert cli.main(["route", "Hậu Giang", "Cần Thơ", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert 10 < data["km"] < 90


def test_real_sea_crossing_rach_gia_phu_quoc(capsys):
    from tourlink import catalog
    try:
        links = catalog.load_sea_links()
    except Exception as exc:  # catalogue not built in this checkout
        pytest.skip(f"no sea links: {exc}")
    if not links:
        pytest.skip("the catalogue has no sea links")
    assert cli.main(["route", "Rạch Giá", "Phú Quốc"]) == 0
    out = capsys.readouterr().out
    assert "boat" in out and "departures" in out


def test_floating_market_shows_its_boat_leg(capsys, monkeypatch):
    rows = {"label": "Chợ nổi X", "lon": 105.7452, "lat": 10.0025, "access_port": "pier-x",
            "access_boat_minutes": 30.0}
    real = route_cmd.resolve_place
    monkeypatch.setattr(route_cmd, "resolve_place", lambda t: dict(rows) if t == "market" else real(t))
    monkeypatch.setattr("tourlink.matrix._port_coords", lambda ids: {"pier-x": (105.7875, 10.0330)})
    result = route_cmd.route("market", "Cần Thơ")
    assert result["legs"][0] == {"mode": "boat", "name": "boat to/from the pier", "km": 0.0, "minutes": 30.0}
    assert result["minutes"] > 30


def test_bad_point_is_a_clear_error(capsys):
    assert cli.main(["route", "95,200", "Hà Nội"]) == 2
    assert "is not a point: give lat,lon" in capsys.readouterr().err


def test_route_from_a_place_to_itself_is_zero(capsys):
    """Bug 11: ``route "Cần Thơ" "Cần Thơ"`` said 4 km, 11 min (access roads there and back)."""
    assert cli.main(["route", "Cần Thơ", "Cần Thơ"]) == 0
    assert capsys.readouterr().out.strip() == "Cần Thơ → Cần Thơ: the same place, 0 km"
    assert cli.main(["route", "Cần Thơ", "can tho", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"km": 0.0, "minutes": 0.0, "legs": []}


def test_boat_leg_lists_the_next_departures_of_every_operator_on_that_date(capsys):
    import csv

    from tourlink.paths import DATA_DIR
    assert cli.main(["route", "Rạch Giá", "Phú Quốc", "--date", "2026-12-12", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    boat = next(leg for leg in data["legs"] if leg["mode"] == "fast_boat")
    nxt = boat["next"]
    assert {x["operator"] for x in nxt} == {"Superdong", "Phú Quốc Express"}
    assert all(x["date"] == "2026-12-12" for x in nxt)
    assert [x["time"] for x in nxt] == sorted(x["time"] for x in nxt)
    with open(DATA_DIR / "departures.csv", encoding="utf-8") as fh:  # the timetable, read independently
        rows = [r for r in csv.DictReader(fh)
                if r["link_id"] in ("sd-rach-gia--bai-vong", "pqe-rach-gia--bai-vong")]
    assert sorted(x["time"] for x in nxt) == sorted(r["time"] for r in rows)


def test_far_apart_places_show_the_way_by_air(capsys):
    assert cli.main(["route", "Hà Nội", "Cần Thơ", "--date", "2026-12-08"]) == 0
    out = capsys.readouterr().out
    assert "by air:" in out and "flight" in out and "next departures Tue 08 Dec: 07:00" in out
    assert cli.main(["route", "Hà Nội", "Cần Thơ", "--json"]) == 0
    air = json.loads(capsys.readouterr().out)["by_air"]
    assert [leg["mode"] for leg in air["legs"]] == ["road", "flight", "road"]
    assert air["minutes"] < 8 * 60  # door to door, against some 35 h by coach


def test_bad_date_is_a_clear_error(capsys):
    assert cli.main(["route", "Rạch Giá", "Phú Quốc", "--date", "12/12/2026"]) == 2
    assert "--date" in capsys.readouterr().err


def test_route_in_vietnamese(capsys):
    assert cli.main(["--lang", "vi", "route", "Cần Thơ", "Rạch Giá"]) == 0
    out = capsys.readouterr().out
    assert "bằng xe" in out and "phút" in out and " min" not in out
