"""Plans with timetabled legs, each checked against the bundled timetable read independently
(``data/links.csv`` and ``data/departures.csv`` through the csv module, not tourlink.transport)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from tourlink.errors import InfeasibleError
from tourlink.optimise.outer import plan
from tourlink.paths import DATA_DIR
from tourlink.request import TourRequest

WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


def _days(text: str) -> set[int]:
    out: set[int] = set()
    for part in text.split(","):
        a, _, b = part.partition("-")
        i, j = WEEKDAYS.index(a), WEEKDAYS.index(b or a)
        out.update(range(i, j + 1))
    return out


def _timetable() -> tuple[dict[str, dict], list[dict]]:
    with open(DATA_DIR / "links.csv", encoding="utf-8") as fh:
        links = {r["id"]: r for r in csv.DictReader(fh)}
    with open(DATA_DIR / "departures.csv", encoding="utf-8") as fh:
        deps = list(csv.DictReader(fh))
    return links, deps


def _assert_on_timetable(leg) -> None:
    """The leg's link (last word of its name) departs at that time on that date and takes its time."""
    links, deps = _timetable()
    link = links[leg.name.split()[-1]]
    assert (link["from_port"], link["to_port"], link["mode"]) == (leg.from_id, leg.to_id, leg.mode)
    on: date = leg.depart.date()
    valid = {r["time"] for r in deps if r["link_id"] == link["id"] and on.weekday() in _days(r["days"])
             and (not r["first_day"] or on >= date.fromisoformat(r["first_day"]))
             and (not r["last_day"] or on <= date.fromisoformat(r["last_day"]))}
    assert f"{leg.depart:%H:%M}" in valid, (leg.name, on, valid)
    assert leg.minutes == float(link["duration_min"])
    assert (leg.arrive - leg.depart).total_seconds() == 60 * int(link["duration_min"])


@pytest.fixture(scope="module")
def flying():
    """Hà Nội + the Mekong by air: five days from Hà Nội with a night in Cần Thơ."""
    r = TourRequest(start_date="2026-12-08", days=5, start="Hà Nội", partnership="mekong-13--ha-noi",
                    modes=("road", "boat", "flight"), min_stops_per_partner=0, nights_in=("Cần Thơ",))
    return r, plan(r, max_iterations=200)


def test_hanoi_mekong_plan_flies_there_and_back(flying):
    r, it = flying
    flights = [leg for d in it.days for leg in d.legs if leg.mode == "flight"]
    assert len(flights) == 2
    out, back = flights
    assert (out.from_id, out.to_id) == ("airport-noi-bai", "airport-can-tho")
    assert (back.from_id, back.to_id) == ("airport-can-tho", "airport-noi-bai")
    for leg in flights:
        _assert_on_timetable(leg)
        assert leg.fare_vnd == 2_500_000 * r.group_size
    # the group waits at the airport for check-in (90 min) and is met ashore on the other side
    for d in it.days:
        for leg in d.legs:
            if leg.mode == "flight":
                wait = next(s for s in d.stops if s.id == leg.from_id)
                assert (leg.depart - wait.arrive).total_seconds() >= 90 * 60
    nights = [d.end.province_legacy for d in it.days if d.overnight]
    assert "Hà Nội" in nights and any(n != "Hà Nội" for n in nights)
    assert {v.province_legacy for d in it.days for v in d.visits} - {"Hà Nội"}  # Mekong visits too


def test_without_flight_mode_the_same_request_cannot_reach_can_tho():
    r = TourRequest(start_date="2026-12-08", days=5, start="Hà Nội", partnership="mekong-13--ha-noi",
                    min_stops_per_partner=0, nights_in=("Cần Thơ",))
    with pytest.raises(InfeasibleError):
        plan(r, max_iterations=50)


@pytest.mark.parametrize("day", ["2026-12-08", "2026-12-12"])  # a Tuesday and a Saturday
def test_nam_du_cannot_be_a_day_trip_from_rach_gia_and_the_timetable_says_why(day):
    """The first boat lands at Nam Du too late for a 300-min visit before the last boat back."""
    r = TourRequest(start_date=day, days=1, start="Rạch Giá", provinces=("Kiên Giang",),
                    must=("cur-quan-dao-nam-du",), min_stops_per_partner=0)
    with pytest.raises(InfeasibleError) as exc:
        plan(r, max_iterations=50)
    msg = str(exc.value)
    assert "does not fit the timetable" in msg and "Nam Du" in msg
    # the same conclusion from the timetable read independently
    links, deps = _timetable()
    on = date.fromisoformat(day)

    def times(link_id):
        return sorted(r["time"] for r in deps if r["link_id"] == link_id and on.weekday() in _days(r["days"]))
    out, back = links["sd-rach-gia--nam-du"], links["sd-nam-du--rach-gia"]
    first = times(out["id"])[0]
    h, m = map(int, first.split(":"))
    ashore = h * 60 + m + int(out["duration_min"]) + 10
    last_h, last_m = map(int, times(back["id"])[-1].split(":"))
    assert ashore + 300 + int(back["checkin_min"]) > last_h * 60 + last_m
    assert f"leaves {first}" in msg and f"{times(back['id'])[-1]}" in msg


def test_islet_is_visited_by_boat_from_its_pier():
    """Cồn Thới Sơn from Mỹ Tho: the coach stops at the tourist wharf, a boat crosses both ways."""
    import yaml

    from tourlink.optimise.check import check

    r = TourRequest(start_date="2026-12-09", days=1, start="Mỹ Tho", provinces=("Tiền Giang",),
                    must=("osm-n7013181685",), min_stops_per_partner=0)
    it = plan(r, max_iterations=100)
    assert check(it, r) == []
    legs = [leg for d in it.days for leg in d.legs]
    boats = [leg for leg in legs if leg.mode == "boat" and "osm-n7013181685" in (leg.from_id, leg.to_id)]
    assert [(b.from_id, b.to_id) for b in boats] == [("pier-my-tho", "osm-n7013181685"),
                                                      ("osm-n7013181685", "pier-my-tho")]
    path = Path(__file__).resolve().parent.parent / "tools" / "curated" / "boat_access.yaml"
    curated = yaml.safe_load(path.read_text("utf-8"))
    entry = next(e for e in curated["boat_access"] if e["destination"] == "osm-n7013181685")
    assert all(b.minutes == entry["boat_minutes"] for b in boats)
    assert not any(leg.mode == "road" and leg.to_id == "osm-n7013181685" for leg in legs)  # no coach on water


def test_the_pack_shows_the_flight(flying, tmp_path):
    """Printable row "Bay ... Nội Bài hh:mm → Cần Thơ hh:mm", an ICS event, the GPX route through both
    airports, a dotted line on the map."""
    import gpxpy
    import icalendar

    from tourlink.export import write_pack

    _r, it = flying
    out = write_pack(it, tmp_path, formats=["gpx", "ics", "html", "map"], offline=True)
    names = {p.name for p in out}
    vi = (tmp_path / "itinerary.vi.html").read_text("utf-8")
    out_leg = next(leg for d in it.days for leg in d.legs if leg.mode == "flight")
    assert f"Sân bay quốc tế Nội Bài {out_leg.depart:%H}h{out_leg.depart:%M} → Sân bay quốc tế Cần Thơ " \
           f"{out_leg.arrive:%H}h{out_leg.arrive:%M}" in vi and "Bay " in vi
    cal = icalendar.Calendar.from_ical((tmp_path / "calendar.ics").read_bytes())
    flights = [e for e in cal.walk("VEVENT") if str(e["summary"]).startswith("Flight")]
    assert len(flights) == 2 and flights[0].decoded("dtstart") == out_leg.depart
    gpx = gpxpy.parse((tmp_path / "route.gpx").read_text("utf-8"))
    airports = {"Sân bay quốc tế Nội Bài", "Sân bay quốc tế Cần Thơ"}
    assert any(airports <= {p.name for p in r.points} for r in gpx.routes)
    page = next(p for p in out if p.suffix == ".html" and p.name.startswith("map")).read_text("utf-8")
    assert "tl-flight" in page and '"dashArray": "2 10"' in page
    assert "map.html" in names


def test_plan_flag_fly_adds_the_flight_mode():
    from tourlink.cli import build_parser
    from tourlink.cli.plan_cmd import request_from_args

    args = build_parser().parse_args(["plan", "--partnership", "mekong-13--ha-noi", "--days", "5", "--start",
                                      "Hà Nội", "--date", "2026-12-08", "--fly"])
    assert request_from_args(args).modes == ("road", "boat", "flight")
    args = build_parser().parse_args(["plan", "--partnership", "mekong-13--ha-noi", "--days", "5", "--start",
                                      "Hà Nội", "--date", "2026-12-08"])
    assert request_from_args(args).modes == ("road", "boat")
