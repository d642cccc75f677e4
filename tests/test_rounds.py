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
    visited = [first.clients[c].name for route in sol.routes for c in route.clients if copies[c].dest]
    assert len(visited) >= 2
    gone = visited[0]
    again, _copies, _ = build_problem(pl, p, banned=frozenset({(gone, -1)}))  # the next round bans one visit
    assert len(again.clients) < len(first.clients)
    start = _carry((first, sol), again)
    names = [again.clients[c].name for route in start.routes for c in route.clients]
    assert gone not in names and set(names) == {first.clients[c].name for route in sol.routes
                                                for c in route.clients} - {gone}
    assert {route.vehicle for route in start.routes} <= {route.vehicle for route in sol.routes}
    assert _carry(None, again) is None
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
    assert res.score == pytest.approx(max(candidates), abs=0.05)
    assert res.score == pytest.approx(variety.tour_value(pl, [v for d in res.days for v in d.visits]) / 10)

    assert sum(reprice == "True" for *_, reprice in rounds) <= MAX_REPRICES
