"""A re-solve round of the planner starts from the previous round's routes (synthetic world of test_plan)."""

from __future__ import annotations

from test_plan import make_world, req

from tourlink.optimise import inner
from tourlink.optimise.build import build_problem
from tourlink.optimise.nights import candidate_plans
from tourlink.optimise.outer import _carry
from tourlink.optimise.planning import Planning


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
