"""What the solver's model and the day timing keep of a plan (synthetic world of test_plan).

The pace of a crossing day is shared by its two segments; a partner without a stop gets one of
the solver's choice (one required group); a day whose visit order misses the lunch pause is
re-ordered before any visit is dropped; timing without building stops gives the same times.
"""

from __future__ import annotations

import pytest
from test_plan import make_world, req, run

from tourlink.optimise.build import build_problem
from tourlink.optimise.days import Plan, make_segments
from tourlink.optimise.inner import to_pyvrp
from tourlink.optimise.nights import candidate_plans
from tourlink.optimise.planning import Planning
from tourlink.optimise.timing import time_day, time_repaired

LONG = dict(kind="museum", themes="heritage", visit_minutes=240, opening_hours="Mo-Su 07:30-15:00",
            fee_vnd=0, score=50)


def _row(pid, x, y, **kw):
    from test_plan import _row as row
    return row(pid, pid, x, y, "01", **kw)


def test_a_crossing_day_shares_the_pace_between_its_segments():
    r = req(days=2, start="Alpha", end="Isle", min_stops_per_partner=0, pace=3)
    pl = Planning(make_world(r), r)
    crossing_days = [p for p in candidate_plans(pl) if p.crossings]
    assert crossing_days
    for p in crossing_days:
        for c in p.crossings:
            parts = [p.segments[k] for k in p.day_segments(c.day)]
            assert len(parts) == 2 and sum(s.pace for s in parts) == r.pace
            assert all(s.pace >= 0 for s in parts)
        problem, _copies, _locs = build_problem(pl, p)
        unit = pl.road_cap + 1
        for v, s in zip(problem.vehicles, p.segments, strict=True):  # the pace rides on max_distance
            assert v.max_distance == s.cap + (r.pace if s.pace is None else s.pace) * unit


def test_a_partner_to_cover_becomes_one_required_group_of_its_candidates():
    r = req(days=1, min_stops_per_partner=1, dawn=False, sea=False)
    pl = Planning(make_world(r), r)
    p = Plan((), (), make_segments(pl, (), ()))
    problem, copies, _locs = build_problem(pl, p, cover=frozenset({"Area B"}))
    b = [k for k, c in enumerate(copies) if pl.get(c.dest, "partner") == "Area B"]
    a = [k for k, c in enumerate(copies) if pl.get(c.dest, "partner") == "Area A"]
    assert len({copies[k].dest for k in b}) >= 2  # the solver chooses among several
    assert len({problem.clients[k].group for k in b}) == 1
    assert sum(problem.clients[k].required for k in b) == 1
    assert not any(problem.clients[k].required for k in a)
    data, _scale = to_pyvrp(problem)
    group = problem.clients[b[0]].group
    assert data.group(sorted(problem.groups()).index(group)).required
    it = run(r, iters=300)
    assert {c.partner: c.stops for c in it.coverage}["Area B"] >= 1


def test_a_lunch_pause_blocked_by_the_order_is_mended_by_reordering_not_dropping():
    # x1 takes 4 h and must start by 11:00: after a1 and a2 it starts near 10:00 and covers the
    # whole lunch window; first thing in the morning it leaves lunch at 11:32
    extra = [_row("x1", 1, 1, **LONG)]
    r = req(days=1, min_stops_per_partner=0, dawn=False, sea=False)
    world = make_world(r, extra=extra)
    pl = Planning(world, r)
    p = Plan((), (), make_segments(pl, (), ()))
    segs = [p.segments[0]]
    with pytest.raises(Exception, match="lunch"):
        time_day(pl, 0, segs, [["a1", "a2", "x1"]], None)
    removed: dict[str, str] = {}
    timed, lists = time_repaired(pl, p, 0, [["a1", "a2", "x1"]], removed)
    assert removed == {} and sorted(lists[0]) == ["a1", "a2", "x1"]
    assert any(s.kind == "lunch" for s in timed.stops)


@pytest.mark.parametrize("kw", [dict(days=2, start="Alpha", end="Isle", min_stops_per_partner=0),
                                dict(days=2, min_stops_per_partner=1)])
def test_timing_without_building_stops_gives_the_same_times(kw):
    r = req(**kw)
    world = make_world(r)
    it = run(r, iters=300)
    pl = Planning(world, r)
    key = tuple(it.meta["plan"])
    p = next(q for q in candidate_plans(pl) if q.key() == key)
    for d, day in enumerate(it.days):
        segs = [p.segments[k] for k in p.day_segments(d)]
        lists: list[list[str]] = [[] for _ in segs]
        part = 0
        for s in day.stops:
            if s.kind == "port" and p.crossing_on(d) and s.id == p.crossing_on(d).link.to_port:
                part = 1
            elif s.kind == "destination":
                lists[part].append(s.id)
        built = time_day(pl, d, segs, lists, p.crossing_on(d))
        fast = time_day(pl, d, segs, lists, p.crossing_on(d), build=False)
        assert (fast.start_depart, fast.end_arrive, fast.road, fast.visits) == \
            (built.start_depart, built.end_arrive, built.road, built.visits)
        assert fast.stops == [] and built.stops
        assert built.road == sum(leg.minutes for leg in built.legs if leg.mode == "road")
