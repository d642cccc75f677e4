"""A re-solve round of the planner starts from the previous round's routes (synthetic world of test_plan)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from test_plan import make_world, req

from tourlink.bench.tours import load_tours
from tourlink.optimise import inner, variety
from tourlink.optimise.build import build_problem
from tourlink.optimise.nights import candidate_plans, rank_plans
from tourlink.optimise.outer import MAX_REPRICES, _carry, _solve_plan
from tourlink.optimise.planning import Planning
from tourlink.optimise.world import load_world

ROOT = Path(__file__).resolve().parent.parent


def test_the_previous_routes_carry_over_to_a_problem_with_other_clients():
    r = req(days=2, min_stops_per_partner=0, dawn=False, sea=False)
    pl = Planning(make_world(r), r)
    p = candidate_plans(pl)[0]
    first, copies, _ = build_problem(pl, p)
    sol = inner.solve(first, max_iterations=300, time_limit=None, seed=0)
    visited = [c for route in sol.routes for c in route.clients if copies[c].dest]
    assert len(visited) >= 2
    # the next round bans the visit of the lowest location: the others' locations are numbered anew
    low = min(visited, key=lambda c: first.clients[c].location)
    gone = first.clients[low].name
    assert any(first.clients[c].location > first.clients[low].location for c in visited)
    again, again_copies, _ = build_problem(pl, p, banned=frozenset({(gone, -1)}))
    assert len(again.clients) < len(first.clients)
    start = _carry((first, copies, sol), again, again_copies)
    names = [again.clients[c].name for route in start.routes for c in route.clients]
    assert gone not in names and set(names) == {first.clients[c].name for route in sol.routes
                                                for c in route.clients} - {gone}
    assert {route.vehicle for route in start.routes} <= {route.vehicle for route in sol.routes}
    assert _carry(None, again, again_copies) is None
    # the start is taken: the re-solve is at least as good as where it started (when feasible)
    resolved = inner.solve(again, max_iterations=50, time_limit=None, seed=0, initial=start)
    assert resolved.feasible and (not start.feasible or resolved.objective >= start.objective)


def test_repricing_goes_on_while_it_improves_and_the_tour_is_the_best_rule_abiding_round(caplog):
    # the 2-day Kiên Giang – Hậu Giang tour repeats kinds: its values are repriced by them
    tour = next(t for t in load_tours(ROOT / "benchmarks" / "tours") if t.name == "kg-hg-2d")
    pl = Planning(load_world(tour.request), tour.request)
    p = rank_plans(pl, candidate_plans(pl))[0]
    with caplog.at_level(logging.DEBUG, logger="tourlink.optimise.outer"):
        res = _solve_plan(pl, p, seed=0, deadline=None, max_iterations=200)
    rounds = [m.groups() for m in (re.search(r"round \d+: score ([\d.]+),.*best (\w+), reprice (\w+)",
                                             r.getMessage()) for r in caplog.records) if m]
    assert len(rounds) >= 2 and rounds[0][2] == "True"  # the first round's kinds reprice the second
    candidates = [float(score) for score, best, _ in rounds if best == "True"]
    # the tour is the best of them, or that tour polished where the polish scored higher
    said = (re.search(r"polish: \d+ moves, score ([\d.]+) -> ([\d.]+)", r.getMessage())
            for r in caplog.records)
    polished = [tuple(map(float, m.groups())) for m in said if m]
    if polished:  # kept only when it ranks higher
        (before, after), = polished
        assert before >= max(candidates) - 0.05 and res.score == pytest.approx(max(before, after), abs=0.05)
    else:
        assert res.score == pytest.approx(max(candidates), abs=0.05)
    assert res.score == pytest.approx(variety.tour_value(pl, [v for d in res.days for v in d.visits]) / 10)

    assert sum(reprice == "True" for *_, reprice in rounds) <= MAX_REPRICES


def _kg_hg():
    tour = next(t for t in load_tours(ROOT / "benchmarks" / "tours") if t.name == "kg-hg-2d")
    pl = Planning(load_world(tour.request), tour.request)
    return pl, rank_plans(pl, candidate_plans(pl))[0]


def coverage_dests(pl):
    return [d for d in pl.world.candidates if pl.get(d, "partner") == pl.world.partners[-1].name]


def test_a_partner_to_cover_gets_one_required_group_the_solver_picks_from():
    pl, p = _kg_hg()
    partner = pl.world.partners[-1].name
    problem, copies, _ = build_problem(pl, p, cover=frozenset({partner}))
    required = [c for c in problem.clients if c.required and not c.name.startswith("lunch")]
    assert len(required) == 1
    members = problem.groups()[required[0].group]
    assert {pl.get(problem.clients[i].name, "partner") for i in members} == {partner}
    # every offered stop of the partner is in it, but for one whose site or kind group spans partners
    g = variety.groups(pl)
    spans = {d for d in coverage_dests(pl)
             if any(g[o] == g[d] and pl.get(o, "partner") != partner for o in pl.world.candidates)}
    assert spans, "kg-hg has long visits of one kind in both partners"
    assert {problem.clients[i].name for i in members} == {c.dest for c in copies
                                                            if c.dest in coverage_dests(pl)} - spans
    sol = inner.solve(problem, max_iterations=200, time_limit=None, seed=0)
    assert sol.feasible and len(sol.visited() & set(members)) == 1
    # a partner with a required stop already has one: no group
    again, _, _ = build_problem(pl, p, cover=frozenset({partner}), required=frozenset({required[0].name}))
    assert [c.name for c in again.clients if c.required and not c.name.startswith("lunch")] \
        == [required[0].name]


def test_what_breaks_a_rule_is_dropped_and_the_days_timed_again(monkeypatch):
    from tourlink.optimise.outer import _drop_over
    from tourlink.optimise.timing import day_plans, time_days

    pl, p = _kg_hg()
    problem, copies, _ = build_problem(pl, p)
    sol = inner.solve(problem, max_iterations=200, time_limit=None, seed=0)
    plans, leave = day_plans(p, copies, sol)
    days, plans, removed = time_days(pl, p, plans, leave)
    result = (problem, copies, sol, days, plans, removed, 0)
    assert _drop_over(pl, p, result) is result  # nothing over a cap: unchanged
    monkeypatch.setattr(variety, "MAX_PER_DAY", 1)
    over = variety.over_caps(pl, [d.visits for d in days])
    assert over, "a day repeats a kind"
    fixed = _drop_over(pl, p, result)
    assert not variety.over_caps(pl, [d.visits for d in fixed[3]])
    assert {v for v, _d, _why in over} <= set(fixed[5]) and "variety" in fixed[5][over[0][0]]
    assert fixed[6] == len({v for v, _d, _why in over})  # the visits a rule dropped, counted


def test_night_plans_are_screened_with_the_partners_without_a_night_covered():
    from dataclasses import replace

    from tourlink.optimise.outer import _screen_cover

    tours = {t.name: t for t in load_tours(ROOT / "benchmarks" / "tours", ROOT / "examples")}
    r = tours["bg4-ha-noi-4d"].request
    pl = Planning(load_world(r), r)
    p = rank_plans(pl, candidate_plans(pl))[0]
    nightless = {pt.name for pt in pl.world.partners} - {pl.get(h, "partner") for h in p.nights}
    assert _screen_cover(pl, p) == nightless and 0 < len(nightless) < len(pl.world.partners) / 2
    problem, _copies, _ = build_problem(pl, p, cover=_screen_cover(pl, p))
    groups = {problem.clients[i].group for i, c in enumerate(problem.clients)
              if c.required and not c.name.startswith("lunch")}
    assert len(groups) == len(nightless)  # one required group per partner without a night
    off = replace(r, min_stops_per_partner=0)
    assert _screen_cover(Planning(pl.world, off), p) == frozenset()
    # most of the Mekong-13 partners have no night in a 5-day tour: no screening groups there
    m = tours["ex-mekong-5-days"].request
    plm = Planning(load_world(m), m)
    assert _screen_cover(plm, rank_plans(plm, candidate_plans(plm))[0]) == frozenset()
