"""The quotation (tourlink.quote): hand-computed prices, group sizes, coaches, budget, rate files, outputs."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import openpyxl
import pytest
from fixtures_itinerary import _leg, _stop, famtrip, t

from tourlink.errors import InfeasibleError, ValidationError
from tourlink.itinerary import Day, Itinerary
from tourlink.quote import Quote, load_rates, meals_of, quote, vehicle_plan

#: a complete rate table with round numbers, so every price below can be checked by hand
RATES_CSV = """kind,key,class,unit,value,source
coach_day,*,16,VND/day,1000000,test
coach_day,*,29,VND/day,2000000,test
coach_day,*,45,VND/day,3000000,test
coach_km,*,16,VND/km,5000,test
coach_km,*,29,VND/km,10000,test
coach_km,*,45,VND/km,15000,test
coach_guests,*,16,guests,14,test
coach_guests,*,29,guests,27,test
coach_guests,*,45,guests,43,test
local_coach_day,*,16,VND/day,500000,test
local_coach_day,*,29,VND/day,700000,test
local_coach_day,*,45,VND/day,900000,test
reposition_detour,*,,factor,1.5,test
toll_km,CT.99,16,VND/km,1000,test
toll_km,CT.99,29,VND/km,2000,test
toll_km,CT.99,45,VND/km,3000,test
toll_max_km,CT.99,,km,40,test
room,*,3,VND/room-night,600000,test
room,lodging:b,3,VND/room-night,700000,test
room_factor,*,4,factor,2,test
lunch,*,,VND/guest,100000,test
dinner,*,,VND/guest,200000,test
boat_hire,*,,VND/boat,500000,test
boat_guests,*,,persons,10,test
guide_day,*,,VND/day,800000,test
insurance_day,*,,VND/guest-day,5000,test
margin,*,,%,10,test
vat,*,,%,10,test
"""
P = dict(province_legacy="Hậu Giang", province_2025="Cần Thơ", partner="Hậu Giang")


@pytest.fixture
def rates(tmp_path):
    """The round-number table above, alone (no bundled rows)."""
    path = tmp_path / "rates.csv"
    path.write_text(RATES_CSV, encoding="utf-8")
    return load_rates(path, bundled=False)


def two_days(group_size: int = 10) -> Itinerary:
    """Day 1: hotel A → 100 km (QL1, CT.99) → V1 (fee 50,000) → lunch → 50 km → hotel B (night).
    Day 2: hotel B → 20 km → port X → fast boat (300,000 a person) → port Y on an island → 10 km → V2 →
    lunch → 10 km → the airport (end, no night)."""
    a = _stop("lodging:a", "Hotel A", 105.0, 10.0, 1, "08:00", "08:00", kind="lodging", **P)
    v1 = _stop("dest:v1", "V1", 105.5, 10.0, 1, "10:00", "11:00", fee_vnd=50000, **P)
    lunch1 = _stop("lunch:1", "Lunch", 105.5, 10.0, 1, "11:00", "12:00", kind="lunch")
    b = _stop("lodging:b", "Hotel B", 105.7, 10.0, 1, "14:00", "14:00", kind="lodging", **P)
    day1 = Day(index=1, date=date(2026, 12, 10), start=a, end=b, stops=(v1, lunch1),
               legs=(_leg(a, v1, "road", 100.0, name="QL1 · CT.99"), _leg(v1, b, "road", 50.0, after=lunch1)))
    morning = b.arrive.replace(day=11, hour=8)
    b2 = dataclasses.replace(b, arrive=morning, depart=morning)
    x = _stop("port:x", "Port X", 105.0, 10.1, 2, "08:30", "09:00", kind="port", **P)
    y = _stop("port:y", "Port Y", 104.0, 10.2, 2, "11:00", "11:15", kind="port", **P)
    v2 = _stop("dest:v2", "V2", 104.05, 10.2, 2, "11:30", "12:30", **P)
    lunch2 = _stop("lunch:2", "Lunch", 104.05, 10.2, 2, "12:30", "13:30", kind="lunch")
    end = _stop("place:airport", "Airport", 104.1, 10.2, 2, "14:00", "14:00", kind="place", **P)
    day2 = Day(index=2, date=date(2026, 12, 11), start=b2, end=end, stops=(x, y, v2, lunch2), overnight=False,
               legs=(_leg(b2, x, "road", 20.0), _leg(x, y, "fast_boat", 110.0, name="Test boat tb-x-y",
                                                       fare=300000 * group_size),
                     _leg(y, v2, "road", 10.0), _leg(v2, end, "road", 10.0, after=lunch2)))
    return Itinerary(days=(day1, day2), request={"group_size": group_size}, title="Test tour")


def test_a_hand_computed_quote(rates):
    q = quote(two_days(), rates=rates)
    assert (q.group_size, q.seats, q.coaches, q.lodging_grade) == (10, 16, 1, 3)
    day1 = (150 * 5000 + 1000000          # coach: 150 km and the day
            + 40 * 1000                   # CT.99: the 100-km leg is charged its tolled 40 km
            + 5 * 700000 + 700000         # 5 twin rooms at Hotel B's own rate, 1 for guide and driver
            + 12 * 100000 + 12 * 200000   # lunch and dinner for 10 guests + guide + driver
            + 10 * 50000 + 800000 + 10 * 5000)  # V1's fee, the guide, insurance
    day2 = (20 * 5000 + 1000000           # the coach drives to port X and waits there
            + 11 * 300000                 # fast boat for 10 guests and the guide
            + 500000                      # local coach on the island
            + 12 * 100000 + 800000 + 10 * 5000)
    assert q.by_day == {1: day1, 2: day2}
    assert q.cost_vnd == 17890000 == day1 + day2
    assert q.margin_vnd == 1789000 and q.vat_vnd == 1967900
    assert q.per_guest_vnd == 2165000  # 21,646,900 / 10 = 2,164,690, rounded up to 1,000
    assert q.group_vnd == 21650000
    assert q.single_supplement_vnd == 424000  # half of Hotel B's 700,000 × 1.1 × 1.1 = 423,500
    assert q.by_kind["toll"] == 40000 and q.by_kind["local_coach"] == 500000
    assert not any(i.estimate for i in q.items)


def test_grade_odd_groups_and_vat_by_date(rates, tmp_path):
    q4 = quote(two_days(), rates=rates, lodging_grade=4)
    assert q4.by_kind["lodging"] == 5 * 1400000  # Hotel B's 3-star rate × the 4-star factor 2
    assert all(i.estimate for i in q4.items if i.kind == "lodging")
    q11 = quote(two_days(11), rates=rates)
    assert q11.by_kind["lodging"] == 6 * 700000  # 11 guests: 5 twins and a room alone
    dated = tmp_path / "vat.csv"
    dated.write_text(RATES_CSV.replace("kind,key,class,unit,value,source",
                                       "kind,key,class,unit,value,valid_from,valid_to,source")
                     .replace(",test\n", ",,,test\n") + "vat,*,,%,8,2026-01-01,2026-12-31,test\n",
                     encoding="utf-8")
    r = load_rates(dated, bundled=False)
    assert quote(two_days(), rates=r).vat_pct == 8
    later = Itinerary(days=tuple(dataclasses.replace(d, date=d.date.replace(year=2027))
                                 for d in two_days().days), request={"group_size": 10})
    assert quote(later, rates=r).vat_pct == 10


def test_price_per_guest_falls_with_group_size_where_the_coach_dominates(rates):
    one_day = two_days().days[0]
    drive = Itinerary(days=(dataclasses.replace(one_day, overnight=False),), request={"group_size": 10})
    prices = [quote(drive, rates=rates, group_size=n).per_guest_vnd for n in (2, 4, 8, 14)]
    assert prices == sorted(prices, reverse=True) and len(set(prices)) == 4
    coach = quote(drive, rates=rates, group_size=2).by_kind["coach"]
    assert coach > quote(drive, rates=rates, group_size=2).cost_vnd / 2  # the coach is most of the cost


def test_vehicle_class_switches_at_16_29_45(rates):
    seats = {n: vehicle_plan(n, rates)[:2] for n in (1, 14, 15, 27, 28, 43, 44, 86, 87)}
    assert seats == {1: (1, "16"), 14: (1, "16"), 15: (1, "29"), 27: (1, "29"), 28: (1, "45"), 43: (1, "45"),
                     44: (2, "29"), 86: (2, "45"), 87: (3, "45")}
    q = quote(two_days(44), rates=rates)
    assert (q.coaches, q.seats) == (2, 29) and "2 × 29-seat coach" == q.vehicle()
    guide = [i for i in q.items if i.kind == "guide"]
    assert all(i.quantity == 2 for i in guide)  # a guide per coach


def test_car_ferry_takes_the_coach_and_a_coach_meets_the_group_at_another_port():
    """Bundled rates: the Thạnh Thới car ferry Hà Tiên → Bãi Vòng charges the coach (links.csv),
    the fast boat back to Rạch Giá leaves it... and the other way round."""
    ht = _stop("port-ha-tien", "Hà Tiên", 104.48, 10.39, 1, "07:00", "08:30", kind="port", **P)
    bv = _stop("port-bai-vong", "Bãi Vòng", 104.03, 10.15, 1, "11:10", "11:20", kind="port", **P)
    hub = _stop("hub-phu-quoc", "Dương Đông", 103.97, 10.23, 1, "12:00", "12:00", kind="lodging", **P)
    ferry = Day(index=1, date=date(2026, 12, 10), start=ht, end=hub, stops=(bv,),
                legs=(_leg(ht, bv, "car_ferry", 50.0, name="Thạnh Thới tt-ha-tien--bai-vong", fare=1850000),
                      _leg(bv, hub, "road", 20.0)))
    q = quote(Itinerary(days=(ferry,), request={"group_size": 10}))
    vehicle = [i for i in q.items if i.kind == "vehicle_ferry"]
    assert len(vehicle) == 1 and vehicle[0].vnd == 3000000 and "links.csv" in vehicle[0].source
    assert vehicle[0].estimate  # no published coach tariff: the timetable marks it an estimate
    assert "local_coach" not in q.by_kind  # the coach crossed with the group
    fares = [i for i in q.items if i.kind == "fares"]
    assert fares[0].rate_vnd == 185000 and fares[0].quantity == 11
    # by fast boat there and back to another port: the coach drives empty between the ports
    rates = load_rates()
    it = famtrip()
    back_x = dataclasses.replace(it.days[2].stops[0], id="port:ha-tien", lon=104.48, lat=10.39)
    d3 = it.days[2]
    ret = dataclasses.replace(d3.legs[1], from_id=d3.stops[1].id, to_id="port:ha-tien")
    d4 = dataclasses.replace(d3, index=4, stops=(d3.stops[1], back_x), legs=(ret,), end=back_x)
    q2 = quote(dataclasses.replace(it, days=(*it.days, d4)), rates=rates, group_size=20)
    empty = [i for i in q2.items if "drives empty" in i.label]
    assert len(empty) == 1 and empty[0].day == 4
    detour = rates.need("reposition_detour").value
    assert 75 * detour < empty[0].quantity < 85 * detour  # Rạch Giá port → Hà Tiên ≈ 79 km straight


def flying(*, island: bool = False) -> Itinerary:
    """Hà Nội → fly to Cần Thơ → a day in the Delta → fly back from Tân Sơn Nhất, on one meridian:
    hotel H 105.8 E 21.0 N, airport N 21.2 N (0.2° = 22.239 km straight), airport C 10.0 N, airport
    S 10.8 N (0.8° = 88.956 km from C), hotel D in Cần Thơ (``island``: C, D and S on Phú Quốc).
    Day 1: H → 30 km → N, flight to C, C → 20 km → D (night). Day 2: D → 150 km → S, flight to N,
    N → 30 km → H (end)."""
    north = dict(province_legacy="Hà Nội", province_2025="Hà Nội")
    (cx, cy), (dx, dy), (sx, sy) = (((103.95, 10.17), (103.97, 10.22), (104.0, 10.3)) if island else
                                    ((105.8, 10.0), (105.75, 10.03), (105.8, 10.8)))
    h = _stop("lodging:h", "Hotel H", 105.8, 21.0, 1, "07:00", "07:00", kind="lodging", **north)
    n = _stop("airport:n", "Airport N", 105.8, 21.2, 1, "08:00", "09:30", kind="port", **north)
    c = _stop("airport:c", "Airport C", cx, cy, 1, "11:30", "11:30", kind="port", **P)
    d = _stop("lodging:d", "Hotel D", dx, dy, 1, "12:00", "12:00", kind="lodging", **P)
    day1 = Day(index=1, date=date(2026, 12, 10), start=h, end=d, stops=(n, c),
               legs=(_leg(h, n, "road", 30.0), _leg(n, c, "flight", 1100.0, name="Test air"),
                     _leg(c, d, "road", 20.0)))
    d2 = dataclasses.replace(d, arrive=t(2, "07:00"), depart=t(2, "07:00"))
    s = _stop("airport:s", "Airport S", sx, sy, 2, "10:00", "11:30", kind="port", **P)
    n2 = dataclasses.replace(n, arrive=t(2, "13:00"), depart=t(2, "13:00"))
    h2 = dataclasses.replace(h, arrive=t(2, "14:00"), depart=t(2, "14:00"))
    day2 = Day(index=2, date=date(2026, 12, 11), start=d2, end=h2, stops=(s, n2), overnight=False,
               legs=(_leg(d2, s, "road", 150.0), _leg(s, n2, "flight", 1100.0, name="Test air"),
                     _leg(n2, h2, "road", 30.0)))
    return Itinerary(days=(day1, day2), request={"group_size": 10}, title="Flying test")


def test_a_flying_tour_hires_a_coach_per_region_for_its_own_days(rates):
    """16 seats for 10 guests: 1,000,000 VND a day, 5,000 VND a km; empty drives × 1.5."""
    q = quote(flying(), rates=rates)
    coach = {day: sum(i.vnd for i in q.items if i.kind == "coach" and i.day == day) for day in (1, 2)}
    assert coach[1] == (30 * 5000 + 1000000       # the Hà Nội coach takes the group to airport N ...
                        + 33.4 * 5000             # ... and drives back to hotel H: 22.239 km × 1.5
                        + 20 * 5000 + 1000000)    # the Cần Thơ coach meets the group at airport C
    assert coach[2] == (150 * 5000 + 1000000      # the Cần Thơ coach to airport S ...
                        + 133.4 * 5000            # ... and back to airport C: 88.956 km × 1.5
                        + 30 * 5000 + 1000000)    # a Hà Nội coach meets the group at airport N
    assert "local_coach" not in q.by_kind  # no island: every region has its own coach with its km
    hires = [i.label for i in q.items if i.kind == "coach" and "day hire" in i.label]
    assert hires == ["Coach 16 seats: day hire with driver",
                     "Coach 16 seats from Airport C: day hire with driver",
                     "Coach 16 seats from Airport C: day hire with driver",
                     "Coach 16 seats from Airport N: day hire with driver"]
    isle = quote(flying(island=True), rates=rates)  # Phú Quốc: a local coach by the day, no km
    assert [(i.day, i.vnd) for i in isle.items if i.kind == "local_coach"] == [(1, 500000), (2, 500000)]
    assert sum(i.vnd for i in isle.items if i.kind == "coach") == (30 * 5000 + 1000000 + 33.4 * 5000
                                                                   + 30 * 5000 + 1000000)


def test_tolls_are_measured_along_the_sections_a_leg_runs_on():
    """A leg named CT.01 along Mỹ Thuận - Cần Thơ (free) and Trung Lương - Mỹ Thuận (tolled per km)."""
    from tourlink.quote import _toll_sections

    sections = _toll_sections()
    tl_mt = [p for line in sections["Cao tốc Trung Lương - Mỹ Thuận"][1] for p in line]
    mt_ct = [p for line in sections["Cao tốc Mỹ Thuận - Cần Thơ"][1] for p in line]
    a = _stop("a", "A", *mt_ct[0], 1, "08:00", "08:00", kind="place", **P)
    z = _stop("z", "Z", *tl_mt[-1], 1, "10:00", "10:00", kind="place", **P)
    leg = dataclasses.replace(_leg(a, z, "road", 80.0, name="CT.01"), geometry=tuple(mt_ct + tl_mt))
    day = Day(index=1, date=date(2026, 12, 10), start=a, end=z, legs=(leg,), overnight=False)
    q = quote(Itinerary(days=(day,), request={"group_size": 20}))
    tolls = [i for i in q.items if i.kind == "toll"]
    assert len(tolls) == 1 and "Trung Lương - Mỹ Thuận" in tolls[0].label and tolls[0].rate_vnd == 3136
    assert 45 < tolls[0].quantity < 53  # the section is about 49 km
    assert not any("Mỹ Thuận - Cần Thơ" in i.label for i in tolls)  # no toll collected there
    before = Itinerary(days=(dataclasses.replace(day, date=date(2025, 6, 1)),), request={"group_size": 20})
    assert "toll" not in quote(before).by_kind  # the rate applies from 2025-11-01


def test_river_boats_are_hired_by_the_boat_unless_the_leg_has_a_fare(rates):
    it = famtrip()  # day 1: Ninh Kiều pier → Cái Răng and back by boat, no fare
    q = quote(it, rates=rates, group_size=20)
    hire = [i for i in q.items if i.kind == "boat_hire"]
    assert len(hire) == 1 and hire[0].quantity == 3 and hire[0].vnd == 1500000  # 21 people, 10 a boat
    d1 = it.days[0]
    legs = tuple(dataclasses.replace(x, fare_vnd=20 * 40000) if x.mode == "boat" else x for x in d1.legs)
    ferried = dataclasses.replace(it, days=(dataclasses.replace(d1, legs=legs), *it.days[1:]))
    q2 = quote(ferried, rates=rates, group_size=20)
    assert "boat_hire" not in q2.by_kind
    boat_fares = [i for i in q2.items if i.kind == "fares" and i.label.startswith("Boat")]
    assert [i.vnd for i in boat_fares] == [21 * 40000, 21 * 40000]  # each way, guests and guide
    market = dataclasses.replace(d1.stops[1], fee_vnd=50000)  # the catalogue's fee is the shared boat
    paid = dataclasses.replace(d1, stops=(d1.stops[0], market, *d1.stops[2:]))
    q3 = quote(dataclasses.replace(it, days=(paid, *it.days[1:])), rates=rates, group_size=20)
    assert "boat_hire" not in q3.by_kind and q3.by_kind["fees"] == q.by_kind["fees"] + 20 * 50000


def test_a_site_with_a_boat_rate_of_its_own_pays_the_boat_and_its_fee(tmp_path):
    """Thới Sơn: the fee (25,000 VND) is the pony cart; a rate keyed by the site hires the boat."""
    it = famtrip()
    d1 = it.days[0]

    def with_site(**kw):
        site = dataclasses.replace(d1.stops[1], fee_vnd=25000, **kw)
        legs = tuple(dataclasses.replace(x, **{end: site.id for end in ("from_id", "to_id")
                                               if getattr(x, end) == d1.stops[1].id}) for x in d1.legs)
        day = dataclasses.replace(d1, stops=(d1.stops[0], site, *d1.stops[2:]), legs=legs)
        return site, dataclasses.replace(it, days=(day, *it.days[1:]))

    islet, paid = with_site()
    path = tmp_path / "rates.csv"
    path.write_text(RATES_CSV + f"boat_hire,{islet.id},,VND/boat,800000,test\n"
                    f"boat_guests,{islet.id},,persons,15,test\n", encoding="utf-8")
    q = quote(paid, rates=load_rates(path, bundled=False), group_size=20)
    hire = [i for i in q.items if i.kind == "boat_hire"]
    assert len(hire) == 1 and hire[0].quantity == 2 and hire[0].vnd == 1600000  # 21 people, 15 a boat
    fee = [i for i in q.items if i.kind == "fees" and islet.name in i.label]
    assert len(fee) == 1 and fee[0].vnd == 20 * 25000
    assert "boat_hire" not in quote(paid, group_size=20).by_kind  # bundled: no own rate, the fee is the boat
    _, thoi_son = with_site(id="osm-n7013181685", name="Cồn Thới Sơn")
    bundled = [i for i in quote(thoi_son, group_size=20).items if i.kind == "boat_hire"]
    assert len(bundled) == 1 and bundled[0].vnd == 2 * 650000 and bundled[0].estimate  # 21 people, 12 a boat


def test_quote_round_trips_through_itinerary_json(rates, tmp_path):
    it = two_days()
    priced = dataclasses.replace(it, quote=quote(it, rates=rates))
    path = tmp_path / "itinerary.json"
    priced.to_json(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["quote"]["per_guest_vnd"] == 2165000 and data["quote"]["group_vnd"] == 21650000
    assert data["quote"]["by_day"] == {"1": 10940000, "2": 6950000}
    assert set(data["quote"]["by_kind"]) <= {"coach", "local_coach", "toll", "fares", "lodging", "meals",
                                             "fees", "guide", "staff", "insurance"}
    back = Itinerary.from_json(path)
    assert back.quote == priced.quote
    assert "Price: 2,165,000 VND per guest" in back.summary()
    assert "Giá tour: 2.165.000 đ/khách" in back.summary(lang="vi")
    data["quote"]["items"][0]["vnd"] = "lots"
    data["quote"]["group_size"] = 0
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValidationError, match="quote item 1 field vnd"):
        Itinerary.from_json(path)
    assert Quote.from_dict(priced.quote.to_dict()) == priced.quote


def test_bundled_rates_each_cite_a_source_and_a_date():
    rates = load_rates()
    assert all(r.source and r.as_of for r in rates.rows)
    sourced, estimated = rates.counts()
    assert sourced >= 10 and estimated == sum(r.source.startswith("estimate") for r in rates.rows)
    for kind in ("coach_day", "coach_km", "coach_guests"):
        assert rates.classes(kind) == ["16", "29", "45"]
    q = quote(famtrip(), rates=rates)  # every kind the bundled tours need has a rate
    assert q.per_guest_vnd > 0 and q.vat_pct == 8  # December 2026: the reduced rate


def test_a_users_rate_file_overrides_and_bad_files_report_every_problem(tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text('[[rate]]\nkind = "margin"\nvalue = 0\nsource = "famtrip at cost"\n'
                    '[[rate]]\nkind = "guide_day"\nkey = "*"\nvalue = 1_000_000\n', encoding="utf-8")
    r = load_rates(mine)
    assert r.need("margin").value == 0 and r.need("guide_day").value == 1000000
    assert r.need("coach_day", cls="29").origin == "data/rates.csv"
    assert quote(famtrip(), rates=r).margin_vnd == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("kind,key,class,value,source\ncoach_dya,*,29,100,x\ncoach_day,*,big,100,x\n"
                   "room,*,3,1.500.000 đ,x\nmargin,*,,150,x\n", encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        load_rates(bad)
    text = " | ".join(e.value.problems)
    assert len(e.value.problems) == 4 and "did you mean 'coach_day'" in text and "seats" in text
    assert "1.500.000" in text and "percentage" in text
    (tmp_path / "cols.csv").write_text("kind,key,clas,value\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="did you mean 'class'"):
        load_rates(tmp_path / "cols.csv")
    with pytest.raises(ValidationError, match="file not found"):
        load_rates(tmp_path / "none.csv")


def test_cli_rate_file_errors_and_budget_are_one_line_exit_2(tmp_path, capsys, monkeypatch):
    from test_plan import make_world

    import tourlink.optimise.outer as outer
    from tourlink.cli import main

    monkeypatch.setattr(outer, "load_world", lambda request: make_world(request))
    argv = ["-q", "plan", "--partnership", "test", "--days", "2", "--start", "Alpha", "--date", "2026-12-08",
            "--iterations", "100"]
    bad = tmp_path / "bad.csv"
    bad.write_text("kind,key,class,value\nvat,*,,ten\n", encoding="utf-8")
    assert main([*argv, "--rates", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tourlink: error:") and "bad.csv" in err and "value" in err and err.count("\n") == 1
    assert main([*argv, "--group-size", "25", "--budget", "100000"]) == 2
    err = capsys.readouterr().err
    assert "over the budget of 100,000 VND per guest" in err and "25 guests" in err and err.count("\n") == 1
    assert main([*argv, "--group-size", "25", "--lodging-grade", "4", "--out", str(tmp_path / "t")]) == 0
    out = capsys.readouterr().out
    assert "Price:" in out and "25 guests" in out and "4-star" in out
    data = json.loads((tmp_path / "t" / "itinerary.json").read_text(encoding="utf-8"))
    assert data["quote"]["group_size"] == 25 and data["quote"]["seats"] == 29


def test_budget_refusal_names_the_amount_over(rates):
    from tourlink.planner import check_budget

    q = quote(two_days(), rates=rates)
    check_budget(q, None)
    check_budget(q, q.per_guest_vnd)
    with pytest.raises(InfeasibleError, match=r"2,165,000 VND per guest for 10 guests, 165,000 VND over the "
                                              r"budget of 2,000,000 VND per guest"):
        check_budget(q, 2000000)


def test_quote_xlsx_opens_with_openpyxl(rates, tmp_path):
    from tourlink.export import write_pack

    it = two_days()
    it = dataclasses.replace(it, quote=quote(it, rates=rates))
    files = write_pack(it, tmp_path, formats="quote")
    assert [f.name for f in files] == ["quote.xlsx", "README.txt"]
    wb = openpyxl.load_workbook(tmp_path / "quote.xlsx")
    head = {r[0]: r[1] for r in wb["Quote"].iter_rows(max_row=13, values_only=True)}
    assert head["price per guest (VND)"] == 2165000 and head["price of the group (VND)"] == 21650000
    rows = list(wb["Quote"].iter_rows(values_only=True))
    start = rows.index(("day", "kind", "item", "quantity", "unit", "rate_vnd", "vnd", "estimate", "source"))
    items = rows[start + 1:-1]
    assert len(items) == len(it.quote.items) and sum(r[6] for r in items) == it.quote.cost_vnd
    assert rows[-1][1] == "total cost" and rows[-1][6] == 17890000
    by_day = list(wb["By day"].iter_rows(values_only=True))
    assert by_day[-1][-1] == 17890000 and [r[-1] for r in by_day[1:3]] == [10940000, 6950000]
    assert "Price: 2,165,000 VND per guest" in (tmp_path / "README.txt").read_text(encoding="utf-8")


def test_printable_price_section_in_vi_and_en(rates):
    from tourlink.export.printable import itinerary_to_html

    it = two_days()
    it = dataclasses.replace(it, quote=quote(it, rates=rates))
    vi, en = itinerary_to_html(it, lang="vi"), itinerary_to_html(it, lang="en")
    assert "Giá tour" in vi and "2.165.000 đ" in vi and "Phụ thu phòng đơn" in vi and "424.000 đ" in vi
    assert "Tour price" in en and "2,165,000 VND" in en and "21,650,000 VND" in en
    assert "16-seat coach (air-conditioned)" in en and "Xe 16 chỗ đời mới" in vi
    assert "Coach on the island (1 days)" in en and "Travel insurance" in en and "VAT 10%" in en
    assert en.index("Tour price") < en.index("Included") < en.index("Not included")
    assert "Single supplement (424,000 VND)" in en


def test_meals_follow_the_day():
    d1, d2 = two_days().days
    assert meals_of(d1) == (True, True) and meals_of(d2) == (True, False)
    evening = dataclasses.replace(d2, stops=(), legs=(), start=dataclasses.replace(
        d2.start, depart=d2.start.depart.replace(hour=14)))
    assert meals_of(evening) == (False, False)


def test_cli_quote_reprices_a_plan(tmp_path, capsys):
    from tourlink.cli import main

    it = two_days()
    it.to_json(tmp_path / "itinerary.json")
    assert main(["quote", str(tmp_path / "itinerary.json"), "--items"]) == 0
    out = capsys.readouterr().out
    assert "Price:" in out and "10 guests" in out and "day 2" in out
    argv = ["quote", str(tmp_path / "itinerary.json"), "--group-size", "15", "--out", str(tmp_path / "q")]
    assert main(argv) == 0
    back = Itinerary.from_json(tmp_path / "q" / "itinerary.json")
    assert back.quote.group_size == 15 and back.quote.seats == 29
    assert (tmp_path / "q" / "quote.xlsx").is_file()
    assert main(["quote", str(tmp_path / "itinerary.json"), "--budget", "1000"]) == 2
    err = capsys.readouterr().err
    assert "over the budget of 1,000 VND per guest" in err and err.count("\n") == 1
    assert main(["quote", str(tmp_path / "none.json")]) == 2
    assert "file not found" in capsys.readouterr().err
