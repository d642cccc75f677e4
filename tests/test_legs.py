"""Plans with timetabled legs, each checked against the bundled timetable read independently
(``data/links.csv`` and ``data/departures.csv`` through the csv module, not tourlink.transport)."""

from __future__ import annotations

import csv
from datetime import date

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
