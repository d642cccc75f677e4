"""Tests of TourRequest: validation (all problems at once), defaults, TOML and dict round trip."""

from __future__ import annotations

from datetime import date

import pytest

from tourlink.errors import ValidationError
from tourlink.request import TourRequest, hhmm, minutes_of


def make(**kw) -> TourRequest:
    base = dict(partnership="kien-giang--hau-giang", start_date="2026-12-10", days=4, start="Cần Thơ")
    base.update(kw)
    return TourRequest(**base)


def test_defaults_and_derived_fields():
    r = make()
    assert r.start_date == date(2026, 12, 10)
    assert r.end == "Cần Thơ" and r.nights == 3
    assert (r.day_start, r.day_end, r.lunch_start, r.lunch_end, r.lunch_minutes) == (
        "07:30", "18:00", "11:00", "13:30", 60)
    assert r.minutes("day_start") == 450
    assert r.sea and r.dawn and r.dawn_start == "05:00"
    assert r.min_stops_per_partner == 1 and not r.strict_coverage and r.max_per_kind == {}
    assert not r.evening and (r.evening_start, r.evening_end) == ("18:30", "21:30") and r.island_nights == 2


def test_kind_caps_name_catalogue_kinds_and_whole_numbers():
    assert make(max_per_kind={"floating_market": 2}).max_per_kind == {"floating_market": 2}
    with pytest.raises(ValidationError) as e:
        make(max_per_kind={"floatin_market": 2, "museum": -1}, evening_start="17:00")
    text = str(e.value)
    assert "did you mean 'floating_market'" in text and "museum = -1" in text
    assert "evening_start 17:00 must not be before day_end" in text


def test_theme_weight_is_the_largest_listed_weight_else_one():
    r = make(themes={"floating_market": 3, "heritage": 1.5})
    assert r.weight(("floating_market", "heritage")) == 3.0
    assert r.weight(("heritage",)) == 1.5
    assert r.weight(("nature",)) == 1.0


def test_every_problem_is_reported_at_once():
    with pytest.raises(ValidationError) as e:
        make(days=0, day_start="7h30", themes={"beachs": 2}, pace=0, must=["x"], exclude=["x"])
    text = " ".join(e.value.problems)
    assert len(e.value.problems) == 5
    assert "days: 0 is outside 1..14" in text
    assert "day_start" in text and "HH:MM" in text
    assert "did you mean 'beach_island'" in text
    assert "must and exclude both name x" in text


def test_window_and_lunch_rules():
    with pytest.raises(ValidationError, match="at least an hour"):
        make(day_start="10:00", day_end="10:30")
    with pytest.raises(ValidationError, match="shorter than lunch_minutes"):
        make(lunch_start="12:00", lunch_end="12:30")
    with pytest.raises(ValidationError, match="partnership"):
        TourRequest(start_date="2026-12-10", days=2, start="Cần Thơ")


def test_unknown_keys_are_rejected_with_suggestions():
    with pytest.raises(ValidationError) as e:
        TourRequest.from_dict({"partnership": "x", "start_date": "2026-12-10", "days": 2, "start": "A",
                               "max_road_hour": 5})
    assert "unknown key 'max_road_hour'; did you mean 'max_road_hours'?" in str(e.value)
    with pytest.raises(ValidationError, match="missing key 'days'"):
        TourRequest.from_dict({"partnership": "x", "start_date": "2026-12-10", "start": "A"})


def test_toml_and_dict_round_trip(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text('partnership = "kien-giang--hau-giang"\nstart_date = 2026-12-10\ndays = 3\n'
                    'start = "Rạch Giá"\nmust = ["cur-a"]\n[themes]\nheritage = 2\n', encoding="utf-8")
    r = TourRequest.from_toml(path)
    assert r.days == 3 and r.must == ("cur-a",) and r.themes == {"heritage": 2.0}
    again = TourRequest.from_dict(r.to_dict())
    assert again == r
    bad = tmp_path / "bad.toml"
    bad.write_text("days = = 3", encoding="utf-8")
    with pytest.raises(ValidationError, match="bad.toml: not valid TOML"):
        TourRequest.from_toml(bad)
    with pytest.raises(ValidationError, match="file not found"):
        TourRequest.from_toml(tmp_path / "missing.toml")


def test_bundled_examples_are_valid_requests():
    from pathlib import Path
    files = sorted((Path(__file__).parent.parent / "examples").glob("*.toml"))
    assert files
    for f in files:
        assert TourRequest.from_toml(f).days >= 1


def test_odd_values_are_refused(tmp_path):
    from datetime import datetime
    with pytest.raises(ValidationError, match="time_limit"):
        make(time_limit=float("nan"))
    with pytest.raises(ValidationError, match="has a time of day"):
        make(start_date=datetime(2026, 12, 10, 8, 0))
    with pytest.raises(ValidationError, match="cannot read the file"):
        TourRequest.from_toml(tmp_path)


def test_time_helpers():
    assert minutes_of("05:00") == 300 and hhmm(1079) == "17:59"
    with pytest.raises(ValueError):
        minutes_of("25:00")
