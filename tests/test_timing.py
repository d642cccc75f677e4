"""Day timing (tourlink.optimise.timing): lunch every day where the solver put it, on board or at
the pier when a crossing spans it, and the timed days keep what the solver planned."""

from __future__ import annotations

from datetime import time

import pytest
from test_plan import make_world, req

from tourlink.optimise.outer import plan


def _lunches(day):
    return [s for s in day.stops if s.kind == "lunch"]


@pytest.mark.parametrize("kw", [dict(days=2), dict(days=3, must=("i1",), start="Beta"),
                                dict(days=1, must=("i1",), start="Beta", end="Isle")])
def test_lunch_every_day_inside_the_window_and_the_timing_keeps_the_solver_plan(kw):
    r = req(**kw)
    it = plan(r, world=make_world(r), max_iterations=300)
    for d in it.days:
        (lunch,) = _lunches(d)
        assert time(11, 0) <= lunch.arrive.time() and lunch.depart.time() <= time(13, 30)
        assert lunch.minutes == r.lunch_minutes
    assert it.meta["solver_visits"] == it.meta["timed_visits"]


def test_lunch_on_board_when_the_boat_spans_noon():
    r = req(days=1, must=("i1",), start="Beta", end="Isle", day_start="08:00", min_stops_per_partner=0)
    w = make_world(r, out_departures=(660,))   # 11:00 – 13:00 on the boat
    it = plan(r, world=w, max_iterations=100)
    (lunch,) = _lunches(it.days[0])
    assert lunch.name.startswith("Lunch on board") and lunch.arrive.time() == time(11, 0)
    boat = next(leg for leg in it.days[0].legs if leg.mode == "fast_boat")
    assert boat.depart <= lunch.arrive and lunch.depart <= boat.arrive


def test_a_dawn_start_only_for_the_market():
    r = req(days=2, sea=False)
    it = plan(r, world=make_world(r), max_iterations=300)
    for d in it.days:
        early = d.start.depart.time() < time(7, 0)
        assert early == any(s.id == "mk" for s in d.visits)


NIGHT_MARKET = dict(kind="market", themes="market_food", visit_minutes=60, opening_hours="Mo-Su 17:00-23:00",
                    fee_vnd=0)


def test_an_evening_block_after_check_in_goes_to_an_evening_place():
    from test_plan import _row
    extra = [_row("nm", "B night market", 63, 1, "02", score=60, **NIGHT_MARKET)]
    r = req(days=2, sea=False, evening=True, nights_in=("Area B",))
    it = plan(r, world=make_world(r, extra=extra), max_iterations=300)
    d1 = it.days[0]
    kinds = [s.kind for s in d1.stops]
    assert "lodging" in kinds, it.summary()
    inn = kinds.index("lodging")
    assert d1.stops[inn].id == d1.end.id == "h-beta"
    (evening,) = [s for s in d1.stops[inn + 1:] if s.kind == "destination"]
    assert evening.id == "nm" and evening.arrive.time() >= time(18, 30)
    assert d1.end.arrive.time() <= time(21, 30)
    assert "nm" not in {s.id for s in it.days[1].visits}
    quiet = plan(r.replace(evening=False), world=make_world(r, extra=extra), max_iterations=300)
    for d in quiet.days:  # no evening block: nothing is visited after a stop at the hotel
        kinds = [s.kind for s in d.stops]
        after = kinds[kinds.index("lodging") + 1:] if "lodging" in kinds else []
        assert "destination" not in after, quiet.summary()
