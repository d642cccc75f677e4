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
