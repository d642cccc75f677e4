"""Tests of the operator's review (tourlink.review): one clean tour, then each rule broken alone.

The fixture tour is small enough to read: two days from a Cần Thơ hotel, a few stops each, lunch
inside the window, no long legs. Every rule test changes one thing and expects exactly that rule.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import date, datetime

import pytest

from tourlink.cli import main
from tourlink.itinerary import TZ, Coverage, Day, Itinerary, Leg, Stop
from tourlink.review import Rules, review

CT = dict(province_legacy="Cần Thơ", province_2025="Cần Thơ", partner="Cần Thơ")
HG = dict(province_legacy="Hậu Giang", province_2025="Cần Thơ", partner="Hậu Giang")
FM = ("floating_market",)


def at(day: int, hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime(2026, 12, 9 + day, h, m, tzinfo=TZ)


def place(id_, lon, lat, day, arrive, depart=None, *, kind="destination", where=CT, **kw) -> Stop:
    return Stop(id=id_, name=kw.pop("name", id_), lon=lon, lat=lat, arrive=at(day, arrive),
                depart=at(day, depart or arrive), kind=kind, **where, **kw)


def km_between(a: Stop, b: Stop) -> float:
    dx = (a.lon - b.lon) * 111.32 * math.cos(math.radians(a.lat))
    return 1.3 * math.hypot(dx, (a.lat - b.lat) * 110.57)


def make_day(index: int, start: Stop, stops: list[Stop], end: Stop, *, modes: dict | None = None,
             km: dict | None = None, overnight: bool = True) -> Day:
    """A day whose legs join consecutive located places; leg minutes from the timetable."""
    modes, km = modes or {}, km or {}
    chain = [start, *[s for s in stops if s.kind != "lunch"], end]
    legs = []
    for a, b in zip(chain, chain[1:], strict=False):
        dep = a.depart
        lunch = [s for s in stops if s.kind == "lunch" and s.arrive >= a.depart and s.depart <= b.arrive]
        if lunch:
            dep = lunch[-1].depart
        legs.append(Leg(a.id, b.id, modes.get(b.id, "road"), km.get(b.id, km_between(a, b)),
                        (b.arrive - dep).total_seconds() / 60, dep, b.arrive))
    return Day(index=index, date=date(2026, 12, 9 + index), start=start, end=end, stops=tuple(stops),
               legs=tuple(legs), overnight=overnight)


def hotel(day: int, t: str) -> Stop:
    return place("hub-can-tho", 105.7876, 10.0341, day, t, kind="lodging")


def clean_tour() -> Itinerary:
    """Two easy days around Cần Thơ and Hậu Giang: nothing an operator would flag."""
    d1 = make_day(1, hotel(1, "07:30"), [
        place("a-museum", 105.78, 10.03, 1, "07:45", "09:00", visit_minutes=75, name="Bảo tàng A"),
        place("b-house", 105.72, 10.08, 1, "09:30", "10:30", visit_minutes=60, name="Nhà cổ B"),
        place("c-garden", 105.70, 10.05, 1, "11:00", "11:30", visit_minutes=30, name="Vườn C"),
        place("lunch-1", 105.70, 10.05, 1, "11:30", "12:30", kind="lunch", name="Lunch"),
    ], hotel(1, "13:15"))
    d2 = make_day(2, hotel(2, "07:30"), [
        place("d-temple", 105.60, 9.90, 2, "08:30", "09:30", visit_minutes=60, where=HG, name="Đền D"),
        place("e-canal", 105.47, 9.78, 2, "11:00", "11:45", visit_minutes=45, where=HG, name="Kênh E"),
        place("lunch-2", 105.47, 9.78, 2, "11:45", "12:45", kind="lunch", name="Lunch"),
    ], hotel(2, "15:30"), overnight=False)
    return Itinerary(days=(d1, d2), title="Clean", request={"max_road_hours": 6.0},
                     coverage=(Coverage("Cần Thơ", "Cần Thơ", "Cần Thơ", 3, 2),
                               Coverage("Hậu Giang", "Hậu Giang", "Cần Thơ", 2, 0)))


def with_day(it: Itinerary, i: int, day: Day) -> Itinerary:
    days = list(it.days)
    days[i - 1] = day
    return replace(it, days=tuple(days))


def rules_of(it: Itinerary) -> list[str]:
    return [f.rule for f in review(it).flags]


def test_clean_tour_is_clean():
    r = review(clean_tour())
    assert r.clean, r.text()
    assert "Nothing to flag" in r.text()


def test_no_lunch_is_flagged_and_short_days_need_none():
    it = clean_tour()
    d1 = it.days[0]
    no_lunch = make_day(1, d1.start, [s for s in d1.stops if s.kind != "lunch"], d1.end)
    assert rules_of(with_day(it, 1, no_lunch)) == ["lunch"]
    # a lunch outside the window does not count
    late = [replace(s, arrive=at(1, "13:20"), depart=at(1, "14:20")) if s.kind == "lunch" else s
            for s in d1.stops]
    assert rules_of(with_day(it, 1, make_day(1, d1.start, late, d1.end))) == ["lunch"]
    # a morning-only day needs no lunch: back at the hotel by 12:30
    short = make_day(1, d1.start, list(d1.stops[:2]), hotel(1, "11:20"))
    assert rules_of(with_day(it, 1, short)) == []


def test_early_start_without_a_market_is_flagged_with_one_it_is_not():
    it = clean_tour()
    d1 = it.days[0]
    early = make_day(1, hotel(1, "05:30"), list(d1.stops), d1.end)
    assert rules_of(with_day(it, 1, early)) == ["early-start"]
    market = place("cho-noi", 105.80, 10.00, 1, "06:00", "07:20", visit_minutes=80, themes=FM)
    dawn = make_day(1, hotel(1, "05:30"), [market, *d1.stops[1:]], d1.end)
    assert "early-start" not in rules_of(with_day(it, 1, dawn))


def test_early_start_for_a_boat_is_a_note():
    it = clean_tour()
    port = place("port-rach-gia", 105.08, 10.01, 1, "07:10", "08:00", kind="port")
    island = place("port-bai-vong", 104.05, 10.15, 1, "10:45", "10:55", kind="port")
    lunch = place("lunch-1", 104.05, 10.15, 1, "11:30", "12:30", kind="lunch")
    day = make_day(1, hotel(1, "06:00"), [port, island, lunch], hotel(1, "14:00"),
                   modes={"port-bai-vong": "fast_boat"}, km={"port-rach-gia": 20})
    r = review(with_day(it, 1, day))
    notes = [f for f in r.findings if f.rule == "early-start"]
    assert [f.severity for f in notes] == ["note"] and "08:00 fast boat" in notes[0].message


def test_late_start_is_a_note():
    it = clean_tour()
    stops = [place("a-museum", 105.78, 10.03, 1, "10:00", "11:00", visit_minutes=60, name="Bảo tàng A"),
             place("lunch-1", 105.78, 10.03, 1, "11:00", "12:00", kind="lunch", name="Lunch"),
             place("c-garden", 105.70, 10.05, 1, "12:30", "13:00", visit_minutes=30, name="Vườn C")]
    r = review(with_day(it, 1, make_day(1, hotel(1, "09:40"), stops, hotel(1, "13:45"))))
    assert r.clean and [(f.rule, f.severity, f.day) for f in r.findings] == [("late-start", "note", 1)]
    assert "09:40" in r.findings[0].message
    # leaving at 09:20 is no note; neither is a late departure on a day without visits
    assert review(with_day(it, 1, make_day(1, hotel(1, "09:20"), stops, hotel(1, "13:45")))).findings == ()
    assert review(with_day(it, 1, make_day(1, hotel(1, "10:00"), [], hotel(1, "12:00")))).findings == ()


def test_long_day_and_road_hours():
    it = clean_tour()
    d1 = it.days[0]
    long_day = make_day(1, hotel(1, "07:00"), list(d1.stops), hotel(1, "19:30"))
    assert rules_of(with_day(replace(it, request={"max_road_hours": 24}), 1, long_day)) == ["long-day"]
    slow = make_day(1, d1.start, list(d1.stops), hotel(1, "18:00"))  # 5 h 30 back to the hotel
    assert rules_of(with_day(replace(it, request={"max_road_hours": 5.5}), 1, slow)) == ["road-hours"]


def test_implausible_coach_speed():
    it = clean_tour()
    d1 = it.days[0]
    fast = make_day(1, d1.start, list(d1.stops), d1.end, km={"b-house": 60.0})  # 60 km in 30 min
    assert rules_of(with_day(it, 1, fast)) == ["speed"]


def test_zigzag_across_a_border():
    it = clean_tour()
    d2 = it.days[1]
    back = place("f-ct", 105.75, 10.0, 2, "10:00", "10:40", visit_minutes=40, name="Chùa F")
    zig = make_day(2, d2.start, [d2.stops[0], back, *d2.stops[1:]], d2.end, overnight=False,
                   km={"f-ct": 15.0, "e-canal": 20.0})
    # Hậu Giang → Cần Thơ → Hậu Giang
    assert rules_of(with_day(it, 2, zig)) == ["zigzag"]


def test_an_islet_by_boat_counts_where_the_coach_waits():
    it = clean_tour()
    d2 = it.days[1]
    pier = place("pier-my-tho", 106.37, 10.35, 2, "09:45", "09:50", kind="port", where=HG, name="Bến tàu")
    islet = place("con-phung", 106.38, 10.33, 2, "10:05", "10:35", visit_minutes=30, where=CT, name="Cồn")
    back = replace(pier, arrive=at(2, "10:50"), depart=at(2, "10:50"))
    day = make_day(2, d2.start, [d2.stops[0], pier, islet, back, *d2.stops[1:]], d2.end, overnight=False,
                   modes={"con-phung": "boat", "pier-my-tho": "boat"},
                   km={"pier-my-tho": 20.0, "e-canal": 20.0})
    assert "zigzag" not in rules_of(with_day(it, 2, day))  # Hậu Giang pier, islet by boat, Hậu Giang


def test_out_and_back():
    it = clean_tour()
    d1 = it.days[0]
    far = place("far-site", 106.6, 10.3, 1, "14:30", "15:00", visit_minutes=30, name="Xa")
    day = make_day(1, d1.start, [*d1.stops, far], hotel(1, "17:00"),
                   km={"far-site": 95.0, "hub-can-tho": 95.0})
    assert rules_of(with_day(it, 1, day)) == ["out-and-back"]
    asked = replace(with_day(it, 1, day), request={**(it.request or {}), "must": ["far-site"]})
    assert rules_of(asked) == []  # a must-visit's detour is the request's choice: a note
    assert [f.rule for f in review(asked).findings if f.severity == "note"] == ["out-and-back"]


def test_a_partners_one_stop_on_a_detour_is_a_note_where_coverage_asks_for_it():
    # day 2 of the clean tour with Hậu Giang's one stop 40 km north, off the way to a canal in Cần Thơ
    it = clean_tour()
    d2 = it.days[1]
    far = place("far-temple", 105.60, 10.40, 2, "08:45", "09:30", where=HG, name="Đền Xa")
    canal = replace(d2.stops[1], **CT)
    day = make_day(2, d2.start, [far, canal, d2.stops[2]], d2.end)
    one = replace(it, coverage=(it.coverage[0], replace(it.coverage[1], stops=1)))
    asked = replace(with_day(one, 2, day), request={**(it.request or {}), "min_stops_per_partner": 1})
    r = review(asked)
    assert r.clean and [(f.rule, f.day, f.severity) for f in r.findings] == [("coverage", 2, "note")]
    detour = km_between(d2.start, far) + km_between(far, canal) - 1.25 * km_between(d2.start, canal) / 1.3
    assert 60 < detour < 120
    assert f"Đền Xa, Hậu Giang's one stop, costs a detour of {detour:.0f} km" in r.findings[0].message
    assert "điểm duy nhất của Hậu Giang" in r.findings[0].message_vi
    assert review(with_day(one, 2, day)).findings == ()  # coverage not asked: the stop is the plan's choice
    assert review(replace(asked, coverage=it.coverage)).findings == ()  # the partner has another stop
    assert review(with_day(asked, 2, d2)).findings == ()  # on the way (a detour of 2 km): no finding


def test_repeats_by_id_distance_and_name():
    it = clean_tour()
    d2 = it.days[1]
    again = replace(it.days[0].stops[0], arrive=at(2, "10:00"), depart=at(2, "10:30"))
    day = make_day(2, d2.start, [d2.stops[0], again, *d2.stops[1:]], d2.end, overnight=False)
    assert "repeat" in rules_of(with_day(it, 2, day))
    near = replace(again, id="other-record", name="Other name", lon=again.lon + 0.0005)
    day = make_day(2, d2.start, [d2.stops[0], near, *d2.stops[1:]], d2.end, overnight=False)
    assert "repeat" in rules_of(with_day(it, 2, day))
    part = place("chuong-thien-2", 105.50, 9.80, 2, "10:00", "10:30", visit_minutes=30, where=HG,
                 name="Chiến thắng Chương Thiện (Vĩnh Viễn)")
    part1 = replace(part, id="chuong-thien-1", name="Chiến thắng Chương Thiện (Vị Thanh)", lon=105.46)
    day = make_day(2, d2.start, [part1, part, *d2.stops[1:]], d2.end, overnight=False)
    assert rules_of(with_day(it, 2, day)) == ["repeat"]


def test_floating_market_cap_and_request_override():
    it = clean_tour()
    m1 = place("m1", 105.80, 10.00, 1, "07:45", "09:00", visit_minutes=75, themes=FM)
    m2 = place("m2", 105.47, 9.80, 2, "08:30", "09:30", visit_minutes=60, themes=FM, where=HG)
    d1, d2 = it.days
    it2 = replace(it, days=(make_day(1, d1.start, [m1, *d1.stops[1:]], d1.end),
                            make_day(2, d2.start, [m2, *d2.stops[1:]], d2.end, overnight=False)))
    assert rules_of(it2) == ["kind-cap"]
    assert rules_of(replace(it2, request={"max_per_kind": {"floating_market": 2}})) == []


def test_long_wait_at_a_pier_without_lunch():
    it = clean_tour()
    d1 = it.days[0]
    pier = place("pier", 105.79, 10.03, 1, "13:00", "14:30", kind="port", name="Bến tàu")
    day = make_day(1, d1.start, [*d1.stops, pier], hotel(1, "15:00"))
    found = review(with_day(it, 1, day)).flags
    assert [f.rule for f in found] == ["wait"] and "90 min at Bến tàu" in found[0].message


def test_one_night_after_a_long_crossing():
    it = clean_tour()
    d1, d2 = it.days
    out = place("port-bai-vong", 104.05, 10.15, 1, "16:00", "16:10", kind="port")
    rg = place("port-rach-gia", 105.08, 10.01, 1, "12:40", "13:15", kind="port")
    pq = place("hub-pq", 103.97, 10.22, 1, "16:40", kind="lodging")
    day1 = make_day(1, d1.start, [*d1.stops, rg, out], pq,
                    modes={"port-bai-vong": "fast_boat"}, km={"port-rach-gia": 60})
    back_out = place("port-bai-vong", 104.05, 10.15, 2, "07:30", "08:00", kind="port")
    back_in = place("port-rach-gia", 105.08, 10.01, 2, "10:45", "10:55", kind="port")
    lunch = place("lunch-2", 105.08, 10.01, 2, "11:30", "12:30", kind="lunch")
    day2 = make_day(2, place("hub-pq", 103.97, 10.22, 2, "07:15", kind="lodging"), [back_out, back_in, lunch],
                    hotel(2, "14:00"), modes={"port-rach-gia": "fast_boat"}, km={"hub-can-tho": 60},
                    overnight=False)
    r = review(replace(it, days=(day1, day2)))
    assert "one-night-island" in [f.rule for f in r.flags]


def test_coverage_flag_and_note_with_reason():
    it = clean_tour()
    empty = Coverage("Bạc Liêu", "Bạc Liêu", "Cà Mau", 0, 0)
    assert rules_of(replace(it, coverage=(*it.coverage, empty))) == ["coverage"]
    why = replace(empty, reason="5 hours by road from every night's hub")
    r = review(replace(it, coverage=(*it.coverage, why)))
    assert r.clean and [f.severity for f in r.findings] == ["note"]


def test_rules_are_adjustable():
    it = clean_tour()
    assert not review(it, rules=Rules(max_day_hours=5.0)).clean


def test_coverage_reason_round_trips_through_json():
    it = replace(clean_tour(), coverage=(Coverage("Bạc Liêu", "Bạc Liêu", "Cà Mau", 0, 0, reason="too far"),))
    back = Itinerary.from_dict(json.loads(it.to_json()))
    assert back.coverage[0].reason == "too far"


@pytest.mark.parametrize("lang, word", [("en", "Whole tour"), ("vi", "Cả tour")])
def test_cli_review_exit_codes(tmp_path, capsys, lang, word):
    clean = tmp_path / "clean.json"
    clean_tour().to_json(clean)
    assert main(["--lang", lang, "review", str(clean)]) == 0
    flagged = tmp_path / "flagged.json"
    it = clean_tour()
    replace(it, coverage=(*it.coverage, Coverage("Bạc Liêu", "Bạc Liêu", "Cà Mau", 0, 0))).to_json(flagged)
    assert main(["--lang", lang, "review", str(flagged)]) == 3
    assert word in capsys.readouterr().out
    assert main(["review", str(flagged), "--json"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert data["clean"] is False and data["findings"][0]["rule"] == "coverage"
    (tmp_path / "bad.json").write_text("[1]", encoding="utf-8")
    assert main(["review", str(tmp_path / "bad.json")]) == 2
