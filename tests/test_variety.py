"""Variety (tourlink.optimise.variety) on the synthetic world of test_plan, with a few extra places.

Extra places: a second floating market ("mk2", near Beta), two parts of one relic named alike but
for a bracketed qualifier ("r-a", "r-b", 20 km apart), and a shrine 50 m from a1 ("a1x").
"""

from __future__ import annotations

import pytest
from test_plan import _row, make_world, req

from tourlink.optimise import variety
from tourlink.optimise.outer import plan
from tourlink.optimise.planning import Planning

D = dict(kind="historic_site", themes="heritage", visit_minutes=45, opening_hours="Mo-Su 07:00-17:00",
         fee_vnd=0)
EXTRA = [
    _row("mk2", "B floating market", 62, 3, "02", score=85,
         **{**D, "kind": "floating_market", "themes": "floating_market", "visit_minutes": 60,
            "opening_hours": "Mo-Su 05:00-08:00", "access_port": "port-m", "access_boat_minutes": 15}),
    _row("r-a", "Chiến thắng Đồi Mây (khu A)", 20, 5, "01", score=70, **D),
    _row("r-b", "Chiến thắng Đồi Mây (khu B)", 40, 5, "01", score=65, **D),
    _row("a1x", "Miếu cạnh A", 10.05, 0, "01", score=50, **{**D, "kind": "temple"}),
]


def _pl(**kw) -> Planning:
    r = req(**kw)
    return Planning(make_world(r, extra=EXTRA), r)


def test_one_site_and_capped_kinds_share_a_group():
    pl = _pl()
    g = variety.groups(pl)
    assert g["r-a"] == g["r-b"]            # the same name but for the bracketed part
    assert g["a1"] == g["a1x"]             # 50 m apart
    assert g["mk"] == g["mk2"]             # floating markets: one per tour by default
    assert len({g["a1"], g["a2"], g["b1"], g["r-a"], g["mk"]}) == 5


def test_a_larger_cap_splits_the_group_and_a_must_visit_leaves_its_siblings_out():
    assert len({variety.groups(_pl(max_per_kind={"floating_market": 2}))[k] for k in ("mk", "mk2")}) == 2
    r = req(days=1, must=("r-b",), dawn=False, sea=False, min_stops_per_partner=0)
    it = plan(r, world=make_world(r, extra=EXTRA), max_iterations=200)
    ids = {s.id for s in it.visits}
    assert "r-b" in ids and "r-a" not in ids
    assert any(d.id == "r-a" for d in it.dropped)


def test_over_caps_names_the_least_valuable_visits():
    pl = _pl(max_per_kind={"historic_site": 2})
    over = variety.over_caps(pl, [["r-a", "r-b", "i2"], ["b2"]])
    # historic sites by value: r-a (70), i2 (70), r-b (65), b2 (35): two fit the tour cap
    assert {v for v, day, _ in over if day == -1} == {"r-b", "b2"}
    pl = _pl()
    over = variety.over_caps(pl, [["r-a", "r-b", "i2", "b2"]])  # one day, four historic sites
    assert {(v, d) for v, d, _ in over} == {("r-b", 0), ("b2", 0)}


def test_value_falls_with_repetition_and_themes_soften_the_fall():
    pl = _pl()
    one, two = variety.tour_value(pl, ["i2"]), variety.tour_value(pl, ["i2", "b2"])
    assert two == pytest.approx(one + pl.value("b2") * variety.DECAY)
    themed = _pl(themes={"heritage": 1.5})
    assert variety.decay_of(themed, "b2") == variety.THEMED_DECAY
    again = variety.repriced(pl, ["i2"])
    assert again["b2"] == round(pl.value("b2") * variety.DECAY) and again["i1"] == pl.value("i1")


def test_planned_tour_has_one_floating_market_and_one_part_of_a_site():
    r = req(days=2, sea=False, min_stops_per_partner=0)
    it = plan(r, world=make_world(r, extra=EXTRA), max_iterations=300)
    ids = {s.id for s in it.visits}
    assert len(ids & {"mk", "mk2"}) == 1 and len(ids & {"r-a", "r-b"}) <= 1 and len(ids & {"a1", "a1x"}) <= 1
    assert it.review().clean, it.review().text()
