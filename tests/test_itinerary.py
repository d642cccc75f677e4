"""The Itinerary value object: JSON round-trip, totals, clear errors on malformed files."""

from datetime import date, datetime

import pytest

from tourlink.errors import ValidationError
from tourlink.itinerary import TZ, Day, Itinerary, Leg, Stop


def _t(h, m=0, d=10):
    return datetime(2026, 12, d, h, m, tzinfo=TZ)


@pytest.fixture
def tiny():
    """One day, hotel → pagoda → hotel, 12 km each way."""
    hotel = Stop("h1", "Khách sạn A", 105.78, 10.03, _t(7), _t(7, 30), kind="lodging")
    pagoda = Stop("d1", "Chùa <B> & \"C\"", 105.80, 10.05, _t(8), _t(9), fee_vnd=20000,
                  province_legacy="Cần Thơ", province_2025="Cần Thơ")
    legs = (Leg("h1", "d1", "road", 12.0, 30, _t(7, 30), _t(8)),
            Leg("d1", "h1", "road", 12.0, 30, _t(9), _t(9, 30)))
    day = Day(1, date(2026, 12, 10), start=hotel, end=hotel, stops=(pagoda,), legs=legs,
              overnight=False)
    return Itinerary(days=(day,), title="tiny", score=10)


def test_round_trip_keeps_everything(tiny, tmp_path):
    path = tmp_path / "itinerary.json"
    tiny.to_json(path)
    back = Itinerary.from_json(path)
    assert back == tiny
    assert '"arrive": "2026-12-10T08:00+07:00"' in path.read_text(encoding="utf-8")


def test_totals(tiny):
    assert tiny.km == 24.0
    assert tiny.road_hours == 1.0
    assert tiny.fees_vnd == 20000
    assert "Chùa <B>" in tiny.summary()


@pytest.mark.parametrize("text", ["", "[]", "{\"days\": 3}", "{\"days\": [{\"day\": 1}]}"])
def test_malformed_file_is_one_clear_error(tmp_path, text):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError, match="bad.json"):
        Itinerary.from_json(path)


def test_summary_in_vietnamese(tiny):
    text = tiny.summary(lang="vi")
    assert "Ngày 1 – 10/12/2026" in text and "Tổng: 1 điểm tham quan" in text
    assert "Day 1" not in text


def test_every_bad_value_is_named_by_day_stop_and_field(tiny, tmp_path):
    data = tiny.to_dict()
    data["days"][0]["stops"][0]["name"] = 5
    data["days"][0]["stops"][0]["lon"] = 1000
    data["days"][0]["legs"][1]["mode"] = "teleport"
    path = tmp_path / "odd.json"
    path.write_text(__import__("json").dumps(data), encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        Itinerary.from_json(path)
    problems = err.value.problems
    assert any("day 1 stop 1 field name: expected text" in p for p in problems)
    assert any("day 1 stop 1 field lon" in p for p in problems)
    assert any("day 1 leg 2 field mode" in p for p in problems)


def test_folder_deep_json_and_bom(tiny, tmp_path):
    with pytest.raises(ValidationError, match="cannot read"):
        Itinerary.from_json(tmp_path)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100000 + "]" * 100000, encoding="utf-8")
    with pytest.raises(ValidationError, match="deep.json"):
        Itinerary.from_json(deep)
    bom = tmp_path / "bom.json"
    bom.write_text("\ufeff" + tiny.to_json(), encoding="utf-8")
    assert Itinerary.from_json(bom) == tiny


def test_summary_reads_as_an_operator_would_print_it():
    """Polish: no pier "05:10–05:10" rows, road km apart from boat km, "1 night" not "1 nights",
    an early start with its reason (bug 9), the Vietnamese words with --lang vi."""
    from dataclasses import replace

    from fixtures_itinerary import famtrip
    it = famtrip()
    en, vi = it.summary(), it.summary(lang="vi")
    assert "Bến tàu du lịch Ninh Kiều  [" not in en  # the pier passed twice is no stop
    assert "Chợ nổi Cái Răng  [Cần Thơ]  (by boat from Bến tàu du lịch Ninh Kiều)" in en
    assert "(79 km by road, 2.7 h on the road; 13 km by boat)" in en
    assert "(đường bộ 79 km, 2,7 giờ; đường thủy 13 km)" in vi
    assert "05:00  depart Khách sạn Ninh Kiều  (before 07:30 to reach Cai Rang floating market at dawn)" in en
    assert "07:00  khởi hành Khách sạn Rạch Giá  (trước 07h30 để kịp tàu cao tốc 08h00)" in vi
    assert "fast boat → Cảng Bãi Vòng" in en and "tàu cao tốc → Cảng Bãi Vòng" in vi
    assert "1 nights" not in en and "1 stops" not in en
    default = replace(it, title="3-day tour: Hậu Giang – Kiên Giang", request={"title": ""})
    assert default.summary(lang="vi").splitlines()[0] == "Tour 3 ngày: Hậu Giang – Kiên Giang"


def test_a_town_stop_that_only_holds_the_lunch_is_no_visit_row(tiny):
    """A lunch in the hub town on a drive day: one "Lunch at" row, not a visit of the town too."""
    from dataclasses import replace

    day = tiny.days[0]
    town = Stop("hub-x", "Bắc Giang", 106.2, 21.27, _t(10, 50), _t(12), kind="lodging",
                province_legacy="Bắc Giang")
    lunch = Stop("lunch-1", "Lunch at Bắc Giang", 106.2, 21.27, _t(11), _t(12), kind="lunch")
    legs = (*day.legs[:1], Leg("d1", "hub-x", "road", 5.0, 10, _t(9), _t(9, 10)),
            Leg("hub-x", "h1", "road", 12.0, 30, _t(12), _t(12, 30)))
    it = replace(tiny, days=(replace(day, stops=(*day.stops, town, lunch), legs=legs),))
    lines = it.summary().splitlines()
    assert "  11:00–12:00  Lunch at Bắc Giang" in lines
    assert not any("Bắc Giang  [Bắc Giang]" in line for line in lines)
    from tourlink.export.printable import itinerary_to_html
    html = itinerary_to_html(it, lang="en")
    assert "Bắc Giang (0" not in html and "Lunch" in html
