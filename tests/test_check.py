"""Tests of the independent checker: a valid plan passes; each broken rule is caught and named."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from test_plan import make_world, req

from tourlink.errors import InfeasibleError
from tourlink.itinerary import Itinerary
from tourlink.optimise.check import assert_feasible, check
from tourlink.optimise.outer import plan


@pytest.fixture(scope="module")
def island():
    """A 3-day plan from Beta to the island and back (boat legs, lunch, coverage)."""
    r = req(days=3, must=("i1",), start="Beta", min_stops_per_partner=1)
    w = make_world(r)
    return r, w, plan(r, world=w, max_iterations=200)


def _with_day(it: Itinerary, k: int, **changes) -> Itinerary:
    days = list(it.days)
    days[k] = replace(days[k], **changes)
    return replace(it, days=tuple(days))


def _constraints(it, r, w):
    return {v.constraint for v in check(it, r, world=w)}


def test_a_planned_itinerary_passes_and_survives_json(island):
    r, w, it = island
    assert check(it, r, world=w) == []
    assert check(Itinerary.from_dict(it.to_dict()), r, world=w) == []
    assert_feasible(it, r, world=w)


def test_moved_visit_breaks_opening_hours_and_times(island):
    r, w, it = island
    k = next(i for i, d in enumerate(it.days) if d.visits)
    stops = list(it.days[k].stops)
    j = next(i for i, s in enumerate(stops) if s.kind == "destination")
    late = timedelta(hours=12)
    stops[j] = replace(stops[j], arrive=stops[j].arrive + late, depart=stops[j].depart + late)
    got = _constraints(_with_day(it, k, stops=tuple(stops)), r, w)
    assert {"opening hours", "times"} <= got


def test_boat_at_a_time_with_no_departure_is_caught(island):
    r, w, it = island
    k = next(i for i, d in enumerate(it.days) if any(x.mode == "fast_boat" for x in d.legs))
    legs = list(it.days[k].legs)
    j = next(i for i, x in enumerate(legs) if x.mode == "fast_boat")
    legs[j] = replace(legs[j], depart=legs[j].depart + timedelta(minutes=15),
                      arrive=legs[j].arrive + timedelta(minutes=15))
    bad = check(_with_day(it, k, legs=tuple(legs)), r, world=w)
    assert any(v.constraint == "timetable" and "matches no departure" in v.message for v in bad)


def test_road_leg_across_the_sea_is_caught(island):
    r, w, it = island
    k = next(i for i, d in enumerate(it.days) if any(x.mode == "fast_boat" for x in d.legs))
    legs = list(it.days[k].legs)
    j = next(i for i, x in enumerate(legs) if x.mode == "fast_boat")
    legs[j] = replace(legs[j], mode="road")
    assert "sea" in _constraints(_with_day(it, k, legs=tuple(legs)), r, w)


def test_request_rules_missing_must_excluded_pace_road_budget_lunch(island):
    r, w, it = island
    visited = [s.id for s in it.visits]
    got = _constraints(it, r.replace(must=("zz",), exclude=(visited[0],)), w)
    assert {"must", "exclude"} <= got
    assert "pace" in _constraints(it, r.replace(pace=1), w) or max(len(d.visits) for d in it.days) <= 1
    assert "road hours" in _constraints(it, r.replace(max_road_hours=0.5), w)
    assert "budget" in _constraints(it, r.replace(budget_vnd=1000), w)
    nolunch = _with_day(it, 0, stops=tuple(s for s in it.days[0].stops if s.kind != "lunch"))
    if any(s.kind == "lunch" for s in it.days[0].stops):
        assert "lunch" in _constraints(nolunch, r, w)


def test_a_visit_outside_the_partner_areas_is_caught(island):
    r, w, it = island
    w2 = make_world(r)
    w2.candidates = [c for c in w2.candidates if c != it.visits[0].id]
    assert "visits" in _constraints(it, r, w2)


def test_coverage_and_days_rules(island):
    r, w, it = island
    assert "coverage" in _constraints(it, r.replace(min_stops_per_partner=9, pace=10), w)
    assert "days" in _constraints(replace(it, days=it.days[:2]), r, w)


def test_assert_feasible_raises_with_every_reason(island):
    r, w, it = island
    with pytest.raises(InfeasibleError) as e:
        assert_feasible(it, r.replace(max_road_hours=0.5, budget_vnd=1000), world=w)
    assert any("budget" in x for x in e.value.reasons) and any("road hours" in x for x in e.value.reasons)


def test_a_stop_moved_away_from_its_place_is_caught(island):
    """Coordinates that disagree with the catalogue (a stop moved abroad, same label) break "places"."""
    r, w, it = island
    k = next(i for i, d in enumerate(it.days) if d.visits)
    stops = list(it.days[k].stops)
    j = next(i for i, s in enumerate(stops) if s.kind == "destination")
    stops[j] = replace(stops[j], lon=2.35, lat=48.85)
    bad = [v for v in check(_with_day(it, k, stops=tuple(stops)), r, world=w) if v.constraint == "places"]
    assert len(bad) == 1 and "from where the catalogue puts it" in bad[0].message


# ---------------------------------------------------------------- tourlink check / export (bug 8)
@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """A real 2-day plan over the bundled data (no sea), its itinerary.json and broken variants."""
    import json

    from tourlink.request import TourRequest
    r = TourRequest(partnership="kien-giang--hau-giang", start_date="2026-12-10", days=2, start="Cần Thơ",
                    sea=False)
    folder = tmp_path_factory.mktemp("planned")
    good = folder / "itinerary.json"
    plan(r, max_iterations=30).to_json(good)
    data = json.loads(good.read_text(encoding="utf-8"))
    stop = next(s for d in data["days"] for s in d["stops"] if s["kind"] == "destination")
    stop["lon"], stop["lat"] = 2.35, 48.85  # Paris, still labelled with its province
    (folder / "moved.json").write_text(json.dumps(data), encoding="utf-8")
    data = json.loads(good.read_text(encoding="utf-8"))
    data["days"] = [dict(data["days"][0], day=i) for i in range(1, 801)]
    (folder / "800days.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


def test_check_command_passes_a_plan(planned, capsys):
    from tourlink.cli import main
    assert main(["check", str(planned / "itinerary.json")]) == 0
    assert "ok — 2 days" in capsys.readouterr().out


@pytest.mark.parametrize("name, rule", [("moved.json", "places: day 1:"),
                                        ("800days.json", "800 days, the request asks for 2")])
def test_check_command_lists_what_is_broken(planned, name, rule, capsys):
    from tourlink.cli import main
    assert main(["check", str(planned / name)]) == 2
    out, err = capsys.readouterr()
    assert rule in out
    assert err.count("\n") == 1 and "rule" in err and "(listed above)" in err


@pytest.mark.parametrize("name", ["moved.json", "800days.json"])
def test_export_refuses_an_inconsistent_itinerary(planned, name, tmp_path, capsys):
    from tourlink.cli import main
    assert main(["export", str(planned / name), "--out", str(tmp_path / "pack")]) == 2
    err = capsys.readouterr().err
    assert "does not pass the checker" in err and "tourlink check" in err and err.count("\n") == 1
    assert not (tmp_path / "pack").exists()
    assert main(["-q", "export", str(planned / "moved.json"), "--out", str(tmp_path / "pack"), "--no-check",
                 "--formats", "gpx"]) == 0
