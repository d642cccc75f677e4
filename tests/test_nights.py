"""Nights (tourlink.optimise.nights) on the synthetic world of test_plan: hub pool, island nights."""

from __future__ import annotations

from test_plan import make_world, req

from tourlink.optimise import nights
from tourlink.optimise.crossings import Crossing
from tourlink.optimise.outer import plan
from tourlink.optimise.planning import Planning


def _pl(**kw) -> Planning:
    r = req(**kw)
    return Planning(make_world(r), r)


def test_one_night_after_a_long_crossing_is_refused_unless_the_tour_ends_there():
    pl = _pl(days=3, start="Beta")
    out, back = (lk for lk in pl.world.links)   # both take 120 min
    there = Crossing(0, out, 780)
    assert not nights.island_nights_ok(pl, ("h-isle", "h-beta"), (there, Crossing(1, back, 840)))
    assert nights.island_nights_ok(pl, ("h-isle", "h-isle"), (there, Crossing(2, back, 840)))
    pl_end = _pl(days=2, start="Beta", end="Isle")
    assert nights.island_nights_ok(pl_end, ("h-isle",), (there,))     # the tour ends on the island
    assert nights.island_nights_ok(_pl(days=3, start="Beta", island_nights=1),
                                   ("h-isle", "h-beta"), (there, Crossing(1, back, 840)))


def test_a_planned_island_trip_stays_two_nights():
    r = req(days=3, must=("i1",), start="Beta")
    it = plan(r, world=make_world(r), max_iterations=200)
    assert [d.end.id for d in it.days[:2]] == ["h-isle", "h-isle"]
    assert "one-night-island" not in {f.rule for f in it.review().flags}


def test_the_hub_pool_holds_a_hub_of_each_partner():
    pl = _pl(days=3)
    assert {pl.get(h, "partner") for h in nights.hub_pool(pl)} >= {"Area A", "Area B"}
