"""Hand-made itineraries for the map and export tests (builder functions, no data files).

:func:`famtrip` is a 3-day Kiên Giang – Hậu Giang famtrip small enough to check by hand:

* Day 1 (2026-12-10): Cần Thơ hotel → Ninh Kiều pier → boat → Cái Răng floating market
  05:30–07:00 → boat back → road to a destination whose name is full of HTML/XML special
  characters (``SPECIAL``) → Hậu Giang base (lunch there) → overnight in Vị Thanh.
* Day 2 (2026-12-11): Vị Thanh → Rạch Giá: Nguyễn Trung Trực temple, Kiên Giang museum, lunch,
  overnight in Rạch Giá.
* Day 3 (2026-12-12): Rạch Giá hotel → Rạch Giá port → fast boat 08:00 → Bãi Vòng (Phú Quốc)
  → Dinh Cậu, lunch → Phú Quốc airport (end of tour, no overnight).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from tourlink.itinerary import TZ, Coverage, Day, Dropped, Itinerary, Leg, Stop

#: the name that must show as text in every format
SPECIAL = '<script>alert(1)</script> & "Chùa" <b>'


def t(day: int, hhmm: str) -> datetime:
    """Return 2026-12-(9+day) HH:MM in Asia/Ho_Chi_Minh."""
    h, m = (int(x) for x in hhmm.split(":"))
    return datetime(2026, 12, 9 + day, h, m, tzinfo=TZ)


def _stop(id_, name, lon, lat, day, arrive, depart, kind="destination", **kw) -> Stop:
    return Stop(
        id=id_, name=name, lon=lon, lat=lat, arrive=t(day, arrive), depart=t(day, depart), kind=kind, **kw
    )


def _leg(
    a: Stop, b: Stop, mode: str, km: float, *, via=(), name="", fare=0, after: Stop | None = None
) -> Leg:
    """A leg from ``a`` (leaving when ``after``, e.g. lunch at ``a``, ends) to ``b``."""
    depart = (after or a).depart
    minutes = (b.arrive - depart).total_seconds() / 60
    geometry = ((a.lon, a.lat), *via, (b.lon, b.lat))
    return Leg(
        from_id=a.id,
        to_id=b.id,
        mode=mode,
        km=km,
        minutes=minutes,
        depart=depart,
        arrive=b.arrive,
        name=name,
        fare_vnd=fare,
        geometry=geometry,
    )


HG = dict(province_legacy="Hậu Giang", province_2025="Cần Thơ", partner="Hậu Giang")
KG = dict(province_legacy="Kiên Giang", province_2025="An Giang", partner="Kiên Giang")
CT = dict(province_legacy="Cần Thơ", province_2025="Cần Thơ")


def day1() -> Day:
    hotel = _stop(
        "lodging:ct-ninhkieu",
        "Khách sạn Ninh Kiều",
        105.7876,
        10.0341,
        1,
        "05:00",
        "05:00",
        kind="lodging",
        name_en="Ninh Kieu Hotel",
        **CT,
    )
    pier = _stop(
        "port:ninh-kieu-pier",
        "Bến tàu du lịch Ninh Kiều",
        105.7889,
        10.0330,
        1,
        "05:05",
        "05:10",
        kind="port",
        name_en="Ninh Kieu tourist pier",
        **CT,
    )
    market = _stop(
        "dest:cai-rang",
        "Chợ nổi Cái Răng",
        105.7560,
        10.0037,
        1,
        "05:30",
        "07:00",
        name_en="Cai Rang floating market",
        themes=("floating_market", "market_food"),
        visit_minutes=90,
        opening_hours="Mo-Su 05:00-08:00",
        score=95,
        **CT,
    )
    pier2 = _stop(
        "port:ninh-kieu-pier",
        "Bến tàu du lịch Ninh Kiều",
        105.7889,
        10.0330,
        1,
        "07:25",
        "07:30",
        kind="port",
        name_en="Ninh Kieu tourist pier",
        **CT,
    )
    special = _stop(
        "dest:special",
        SPECIAL,
        105.8220,
        9.8000,
        1,
        "08:30",
        "10:00",
        name_en=SPECIAL + " (en)",
        themes=("spiritual",),
        visit_minutes=90,
        fee_vnd=20000,
        opening_hours="Mo-Su 06:00-17:00",
        score=60,
        **HG,
    )
    base = _stop(
        "dest:hg-base",
        "Khu di tích Căn cứ Tỉnh ủy Hậu Giang",
        105.5210,
        9.7290,
        1,
        "11:00",
        "12:00",
        name_en="Hau Giang Provincial Party base relic site",
        themes=("revolutionary_historic",),
        visit_minutes=60,
        fee_vnd=10000,
        opening_hours="Tu-Su 07:00-17:00",
        score=70,
        **HG,
    )
    lunch = _stop(
        "lunch:1", "Ăn trưa", 105.5210, 9.7290, 1, "12:00", "13:00", kind="lunch", name_en="Lunch", **HG
    )
    night = _stop(
        "lodging:vi-thanh",
        "Khách sạn Vị Thanh",
        105.4700,
        9.7840,
        1,
        "13:40",
        "13:40",
        kind="lodging",
        name_en="Vi Thanh Hotel",
        **HG,
    )
    legs = (
        _leg(hotel, pier, "walk", 0.2),
        _leg(pier, market, "boat", 6.5, via=((105.7800, 10.0200),), name="Sông Cần Thơ"),
        _leg(market, pier2, "boat", 6.5, via=((105.7800, 10.0200),), name="Sông Cần Thơ"),
        _leg(pier2, special, "road", 31.0, via=((105.7700, 9.9500), (105.8000, 9.8600)), name="QL61C"),
        _leg(special, base, "road", 38.5, via=((105.7000, 9.7800), (105.6000, 9.7500)), name="QL61"),
        _leg(base, night, "road", 9.2, via=((105.5000, 9.7600),), name="ĐT931", after=lunch),
    )
    return Day(
        index=1,
        date=date(2026, 12, 10),
        start=hotel,
        end=night,
        stops=(pier, market, pier2, special, base, lunch),
        legs=legs,
    )


def day2(start: Stop) -> Day:
    hotel = replace(start, arrive=t(2, "07:30"), depart=t(2, "07:30"))
    temple = _stop(
        "dest:nguyen-trung-truc",
        "Đền thờ Nguyễn Trung Trực",
        105.0786,
        10.0151,
        2,
        "09:00",
        "10:00",
        name_en="Nguyen Trung Truc Temple",
        themes=("heritage", "spiritual"),
        visit_minutes=60,
        opening_hours="Mo-Su 05:00-18:00",
        score=85,
        **KG,
    )
    museum = _stop(
        "dest:kg-museum",
        "Bảo tàng Kiên Giang",
        105.0830,
        10.0120,
        2,
        "10:15",
        "11:15",
        name_en="Kien Giang Museum",
        themes=("museum",),
        visit_minutes=60,
        opening_hours="Tu-Su 07:30-11:30,13:30-17:00",
        score=65,
        **KG,
    )
    lunch = _stop(
        "lunch:2", "Ăn trưa", 105.0830, 10.0120, 2, "11:30", "12:30", kind="lunch", name_en="Lunch", **KG
    )
    night = _stop(
        "lodging:rach-gia",
        "Khách sạn Rạch Giá",
        105.0900,
        10.0050,
        2,
        "12:45",
        "12:45",
        kind="lodging",
        name_en="Rach Gia Hotel",
        **KG,
    )
    legs = (
        _leg(hotel, temple, "road", 62.0, via=((105.3000, 9.9000), (105.1500, 9.9800)), name="QL61"),
        _leg(temple, museum, "road", 1.2),
        _leg(museum, night, "road", 1.5, after=lunch),
    )
    return Day(
        index=2, date=date(2026, 12, 11), start=hotel, end=night, stops=(temple, museum, lunch), legs=legs
    )


def day3(start: Stop) -> Day:
    hotel = replace(start, arrive=t(3, "07:00"), depart=t(3, "07:00"))
    port = _stop(
        "port:rach-gia",
        "Cảng tàu khách Rạch Giá",
        105.0700,
        10.0160,
        3,
        "07:15",
        "08:00",
        kind="port",
        name_en="Rach Gia passenger port",
        **KG,
    )
    bai_vong = _stop(
        "port:bai-vong",
        "Cảng Bãi Vòng",
        104.0300,
        10.1540,
        3,
        "10:45",
        "11:00",
        kind="port",
        name_en="Bai Vong port",
        **KG,
    )
    dinh_cau = _stop(
        "dest:dinh-cau",
        "Dinh Cậu",
        103.9580,
        10.2170,
        3,
        "11:45",
        "12:30",
        name_en="Dinh Cau shrine",
        themes=("spiritual", "beach_island"),
        visit_minutes=45,
        opening_hours="Mo-Su 06:00-20:00",
        score=80,
        **KG,
    )
    lunch = _stop(
        "lunch:3", "Ăn trưa", 103.9580, 10.2170, 3, "12:30", "13:30", kind="lunch", name_en="Lunch", **KG
    )
    end = _stop(
        "place:pqc-airport",
        "Sân bay Phú Quốc",
        103.9930,
        10.1700,
        3,
        "14:00",
        "14:00",
        kind="place",
        name_en="Phu Quoc airport",
        **KG,
    )
    legs = (
        _leg(hotel, port, "road", 3.0),
        _leg(
            port,
            bai_vong,
            "fast_boat",
            115.0,
            via=((104.6000, 10.0500),),
            name="Superdong Rạch Giá – Phú Quốc",
            fare=340000,
        ),
        _leg(bai_vong, dinh_cau, "road", 14.0, via=((104.0000, 10.1900),), name="ĐT46"),
        _leg(dinh_cau, end, "road", 8.0, after=lunch),
    )
    return Day(
        index=3,
        date=date(2026, 12, 12),
        start=hotel,
        end=end,
        stops=(port, bai_vong, dinh_cau, lunch),
        legs=legs,
        overnight=False,
    )


def famtrip() -> Itinerary:
    """The 3-day famtrip described in the module docstring."""
    d1 = day1()
    d2 = day2(d1.end)
    d3 = day3(d2.end)
    coverage = (
        Coverage("Hậu Giang", "Hậu Giang", "Cần Thơ", 2, 1),
        Coverage("Kiên Giang", "Kiên Giang", "An Giang", 3, 1),
    )
    return Itinerary(
        days=(d1, d2, d3),
        request={
            "partnership": "kien-giang--hau-giang",
            "days": 3,
            "start": "Cần Thơ",
            "date": "2026-12-10",
            "group_size": 20,
        },
        title="Famtrip Kiên Giang – Hậu Giang",
        partnership="kien-giang--hau-giang",
        dropped=(Dropped("dest:nga-bay", "Chợ nổi Ngã Bảy", "outside the dawn window"),),
        coverage=coverage,
        score=455.0,
        meta={"contacts": [{"role": "Tour leader", "name": "Nguyễn Văn A", "phone": "+84 90 000 0000"}]},
    )


def minimal() -> Itinerary:
    """One day at one hotel with a single visit reached by a leg without geometry (straight line)."""
    hotel = _stop("lodging:h", "Khách sạn", 105.0, 10.0, 1, "08:00", "08:00", kind="lodging")
    visit = _stop("dest:v", "Đình làng", 105.01, 10.01, 1, "08:30", "09:00", visit_minutes=30)
    back = replace(hotel, arrive=t(1, "09:30"), depart=t(1, "09:30"))
    legs = tuple(
        replace(x, geometry=()) for x in (_leg(hotel, visit, "road", 2.0), _leg(visit, back, "road", 2.0))
    )
    day = Day(
        index=1, date=date(2026, 12, 10), start=hotel, end=back, stops=(visit,), legs=legs, overnight=False
    )
    return Itinerary(days=(day,))
