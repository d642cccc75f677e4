"""Timetabled links: the bundled timetable, weekdays and seasons, and the build's validation."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path

import pytest

from tourlink import catalog, transport
from tourlink.transport import Link, Service, parse_days

ROOT = Path(__file__).resolve().parent.parent


def _build_module():
    tools = str(ROOT / "tools")
    if tools not in sys.path:
        sys.path.insert(0, tools)
    spec = importlib.util.spec_from_file_location("build_transport", ROOT / "tools" / "build_transport.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_weekdays_parse_and_print_back():
    assert parse_days("Mo-Su") == frozenset(range(7))
    assert sorted(parse_days("Mo-Th,Sa")) == [0, 1, 2, 3, 5]
    assert sorted(parse_days("Sa-Mo")) == [0, 5, 6]
    assert transport.format_days(parse_days("Mo-Th,Sa")) == "Mo-Th,Sa"
    assert transport.format_days(parse_days("Fr,Su")) == "Fr,Su"
    with pytest.raises(ValueError):
        parse_days("Mon-Fri")


def test_departures_follow_weekday_and_season():
    link = Link("x", "a", "b", "flight", (345, 845), 60, services=(
        Service((845,), parse_days("Mo-Th,Sa")),
        Service((345,), parse_days("Fr,Su"), date(2024, 4, 19), date(2024, 10, 25), ("0V123",))))
    assert link.departures_on(date(2024, 5, 6)) == (845,)          # a Monday
    assert link.departures_on(date(2024, 5, 10)) == (345,)         # a Friday in the season
    assert link.departures_on(date(2024, 11, 1)) == ()             # a Friday after it
    assert link.code(date(2024, 5, 10), 345) == "0V123" and link.code(date(2024, 5, 6), 845) == ""
    nxt = transport.next_departures(link, date(2024, 10, 25), after=600, n=2)
    assert nxt == [(date(2024, 10, 26), 845), (date(2024, 10, 28), 845)]


def test_bundled_timetable_has_every_mode_with_sources():
    links = transport.load_links()
    ports = catalog.load_ports().set_index("id")["kind"]
    assert {lk.mode for lk in links} == {"fast_boat", "car_ferry", "flight"}
    pairs = {(lk.from_port, lk.to_port, lk.operator) for lk in links}
    for lk in links:
        assert (lk.to_port, lk.from_port, lk.operator) in pairs, lk.id  # both directions
        assert (ports[lk.from_port] == "airport") == (lk.mode == "flight"), lk.id
        assert lk.source and lk.as_of and lk.duration_min > 0 and lk.fare_vnd > 0
        assert all(field in transport.LINK_COLUMNS or field == "departures" for field, _ in lk.estimates)
    by_id = {lk.id: lk for lk in links}
    # the 18:00 Thạnh Thới night ferry ran in the 2025 pilot only
    tt = by_id["tt-ha-tien--bai-vong"]
    assert 18 * 60 in tt.departures_on(date(2025, 6, 2)) and 18 * 60 not in tt.departures_on(date(2026, 6, 1))
    assert tt.vehicle_fare_vnd and tt.estimated("vehicle_fare_vnd")
    assert by_id["vj-noi-bai--phu-quoc"].code(date(2026, 12, 10), 7 * 60 + 5) == "VJ459"
    # Nam Du: two boats back on weekdays, four at weekends (e.vnexpress.net 2024-07-16)
    back = by_id["sd-nam-du--rach-gia"]
    assert len(back.departures_on(date(2026, 12, 9))) == 2
    assert len(back.departures_on(date(2026, 12, 12))) == 4
    assert catalog.load_sea_links() == links  # the catalogue's name for the same timetable


def test_build_reports_every_problem_at_once():
    bt = _build_module()
    ports = {"p": "sea_port", "q": "sea_port", "air": "airport"}
    items = [
        {"id": "Bad id", "mode": "hovercraft", "from": "p", "to": "nowhere", "operator": "",
         "duration_min": 0, "fare_vnd": 1, "timetable": [{"departures": ["25:00"], "days": "Mon"}],
         "as_of": "2026-01-01", "source": "s"},
        {"id": "ok--flight", "mode": "flight", "from": "p", "to": "air", "operator": "X",
         "duration_min": 60, "fare_vnd": 1,
         "timetable": [{"departures": ["07:00 VN12"], "from": "2026-02-01", "to": "2026-01-01"}],
         "as_of": "2026-01-01", "source": "s", "vehicle_fare_vnd": 5},
    ]
    with pytest.raises(bt.CuratedError) as exc:
        bt.links_of(items, ports)
    msg = str(exc.value)
    for part in ("id: 'Bad id'", "mode: 'hovercraft'", "to: 'nowhere'", "operator: required", "duration_min",
                 "days: ", "from: p is a sea_port; a flight flies between airports", "season ends",
                 "vehicle_fare_vnd: only a car ferry"):
        assert part in msg, part


def test_build_writes_both_directions_and_seasons():
    bt = _build_module()
    items = [{"id": "a--b", "mode": "car_ferry", "from": "p", "to": "q", "operator": "F",
              "duration_min": 90,
              "fare_vnd": 100, "vehicle_fare_vnd": 900, "as_of": "2026-01-01", "source": "s",
              "estimates": {"vehicle_fare_vnd": "a guess"},
              "timetable": [{"departures": ["08:00"]},
                            {"days": "Sa,Su", "from": "2026-06-01", "to": "2026-08-31",
                             "departures": ["17:00"]}],
              "back": {"id": "b--a", "timetable": [{"departures": ["10:00"]}]}}]
    rows, deps = bt.links_of(items, {"p": "sea_port", "q": "river_pier"})
    assert [r["id"] for r in rows] == ["a--b", "b--a"]
    assert rows[1]["from_port"] == "q" and rows[1]["vehicle_fare_vnd"] == 900
    assert rows[0]["estimates"] == ("checkin_min: the planning default for a car_ferry (45 min), not a "
                                    "published time | vehicle_fare_vnd: a guess")
    assert rows[0]["checkin_min"] == 45
    assert {(d["link_id"], d["time"], d["days"], d["first_day"]) for d in deps} == {
        ("a--b", "08:00", "Mo-Su", ""), ("a--b", "17:00", "Sa,Su", "2026-06-01"),
        ("b--a", "10:00", "Mo-Su", "")}
