"""Partner coverage (tourlink.optimise.coverage) on the synthetic world of test_plan.

A third partner, "Area C", has one destination far to the north ("c1", 400 km from Alpha): no day
of a short tour can reach it.
"""

from __future__ import annotations

import pytest
from test_plan import _row, make_world, req

from tourlink.errors import InfeasibleError
from tourlink.optimise import coverage
from tourlink.optimise.days import Plan, make_segments
from tourlink.optimise.outer import plan
from tourlink.optimise.planning import Planning
from tourlink.optimise.world import Partner

FAR = [_row("c1", "C far museum", 0, 400, "02", score=90, kind="museum", themes="museum", visit_minutes=60,
            opening_hours="Mo-Su 07:30-17:00", fee_vnd=0)]


def _far_world(r):
    w = make_world(r, extra=FAR)
    w.places.loc["c1", ["province_legacy", "partner"]] = ["Area C", "Area C"]
    w.info["partner"]["c1"] = "Area C"
    w.partners = (*w.partners, Partner("Area C", "Area C", "New Area C", "03"))
    return w


def test_every_partner_gets_a_stop_by_default():
    r = req(days=2, dawn=False, sea=False)
    assert r.min_stops_per_partner == 1
    it = plan(r, world=make_world(r), max_iterations=300)
    assert {c.partner: c.stops >= 1 for c in it.coverage} == {"Area A": True, "Area B": True}
    off = plan(r.replace(min_stops_per_partner=0, days=1), world=make_world(r), max_iterations=300)
    cover = {c.partner: c for c in off.coverage}
    assert cover["Area B"].stops == 0 and "coverage is off" in cover["Area B"].reason


def test_a_partner_only_an_out_and_back_away_is_explained():
    """One day from Alpha: Area B's places are a 120–160 km round trip off the day's line."""
    r = req(days=1, dawn=False, sea=False)
    it = plan(r, world=make_world(r), max_iterations=300)
    cover = {c.partner: c for c in it.coverage}
    assert cover["Area B"].stops == 0 and "out-and-back of" in cover["Area B"].reason


def test_a_partner_out_of_reach_is_explained_not_refused():
    r = req(days=2, dawn=False, sea=False)
    it = plan(r, world=_far_world(r), max_iterations=300)
    cover = {c.partner: c for c in it.coverage}
    assert cover["Area C"].stops == 0
    why = cover["Area C"].reason
    assert "C far museum" in why and "over the 6.0 h a day allows" in why
    assert cover["Area A"].stops and cover["Area B"].stops
    assert "coverage" not in {f.rule for f in it.review().flags}


def test_strict_coverage_refuses_with_the_reason():
    r = req(days=2, dawn=False, sea=False, strict_coverage=True)
    with pytest.raises(InfeasibleError, match="Area C gets no stop: its nearest destination"):
        plan(r, world=_far_world(r), max_iterations=100)


def test_picks_give_each_partner_its_best_stop_for_the_days():
    r = req(days=2, dawn=False, sea=False)
    pl = Planning(make_world(r), r)
    p = Plan(("h-beta",), (), make_segments(pl, ("h-beta",), ()))
    bonus = coverage.picks(pl, p)
    assert set(bonus.values()) == {coverage.COVERAGE_BONUS}
    assert sorted(pl.get(d, "partner") for d in bonus) == ["Area A", "Area B"]
    assert "a1" in bonus  # Area A's best value for the minutes, next to Alpha
