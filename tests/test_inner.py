"""Inner solver (PyVRP) and hotel selection on small hand-checkable problems."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tourlink.errors import InfeasibleError, ValidationError
from tourlink.optimise import inner
from tourlink.optimise.hotels import best_sequence
from tourlink.optimise.problem import Client, Problem, Vehicle, evaluate

ITERS = 300


def line(xs: list[int]) -> np.ndarray:
    """Travel matrix of points on a line: |x_i - x_j|."""
    a = np.array(xs)
    return np.abs(a[:, None] - a[None, :]).astype(np.int64)


def simulate(problem: Problem, vehicle: int, clients: tuple[int, ...]) -> int | None:
    """Independent check: earliest arrival at the route's end, or None when infeasible."""
    v = problem.vehicles[vehicle]
    t, here, dist = v.tw_early, v.start, 0
    for c in clients:
        cl = problem.clients[c]
        t = max(t + problem.duration[here, cl.location], cl.tw_early)
        if t > cl.tw_late:
            return None
        dist += problem.distance[here, cl.location]
        t += cl.service
        here = cl.location
    t += problem.duration[here, v.end]
    dist += problem.distance[here, v.end]
    if t > v.tw_late or (v.max_distance is not None and dist > v.max_distance):
        return None
    return int(t)


def check(problem: Problem, sol) -> None:
    """Assert ``sol`` is feasible by recomputation: windows, groups, single visits, totals."""
    visits = [c for r in sol.routes for c in r.clients]
    assert len(visits) == len(set(visits))
    for r in sol.routes:
        assert simulate(problem, r.vehicle, r.clients) is not None
        assert r.arrive <= problem.vehicles[r.vehicle].tw_late
        assert r.depart >= problem.vehicles[r.vehicle].tw_early
        for c, s in zip(r.clients, r.starts, strict=True):
            assert problem.clients[c].tw_early <= s <= problem.clients[c].tw_late
    for members in problem.groups().values():
        assert len(set(members) & set(visits)) <= 1
    for c, cl in enumerate(problem.clients):
        if cl.required and cl.group is None:
            assert c in visits
    assert sol.prize == sum(problem.clients[c].prize for c in visits)


def brute_force(problem: Problem) -> int:
    """Best prize of a one-vehicle problem by trying every ordered subset."""
    best, n = 0, len(problem.clients)
    for k in range(1, n + 1):
        for perm in itertools.permutations(range(n), k):
            groups = [problem.clients[c].group for c in perm if problem.clients[c].group is not None]
            if len(groups) != len(set(groups)):
                continue
            if simulate(problem, 0, perm) is not None:
                best = max(best, sum(problem.clients[c].prize for c in perm))
    return best


def test_time_window_forces_skipping_the_best_client():
    # depot x=0; A x=10 must start at exactly 20 (prize 10); B x=30 by 30, C x=40 by 40 (6 each).
    # A then B arrives at 40 > 30, B then A at 50 > 20: A excludes B and C; B+C (12) beats A (10).
    p = Problem(line([0, 10, 30, 40]), line([0, 10, 30, 40]),
                (Client(1, 0, 20, 20, 10, name="A"), Client(2, 0, 0, 30, 6, name="B"),
                 Client(3, 0, 0, 40, 6, name="C")), (Vehicle(0, 0, 0, 200),))
    sol = inner.solve(p, max_iterations=ITERS, time_limit=None)
    check(p, sol)
    assert sol.feasible and sol.prize == 12 == brute_force(p)
    assert sol.visited() == {1, 2}
    assert sol.routes[0].starts == (30, 40)


def test_prize_outweighs_travel():
    # only one of A (prize 2, 80 there and back) and B (prize 1, 2 there and back) fits in 81
    p = Problem(line([0, 40, -1]), line([0, 40, -1]),
                (Client(1, 0, 0, 100, 2), Client(2, 0, 0, 100, 1)), (Vehicle(0, 0, 0, 81),))
    sol = inner.solve(p, max_iterations=ITERS, time_limit=None)
    assert sol.visited() == {0} and sol.prize == 2 and sol.distance == 80


def test_time_warp_never_buys_a_big_prize():
    # the huge prize is one time unit too late to reach; the others are easy
    xs = [0, 10, 3, 4, 5]
    clients = (Client(1, 0, 0, 9, 1_000_000), Client(2, 1, 0, 500, 1), Client(3, 1, 0, 500, 1),
               Client(4, 1, 0, 500, 1))
    p = Problem(line(xs), line(xs), clients, (Vehicle(0, 0, 0, 1000),))
    params = inner._penalty_params(p, inner.prize_scale(p))
    assert params.max_penalty >= inner.prize_scale(p) * 1_000_000
    sol = inner.solve(p, max_iterations=ITERS, time_limit=None)
    check(p, sol)
    assert sol.feasible and sol.visited() == {1, 2, 3} and sol.prize == 3


def test_mutually_exclusive_copies_visited_once():
    # POI X open on both days (copies 0, 1 in group 7), Y only on day 2; both days could take X
    d = line([0, 10, 20])
    clients = (Client(1, 30, 0, 300, 5, group=7, name="X@1"),
               Client(1, 30, 1440, 1740, 5, group=7, name="X@2"), Client(2, 30, 1440, 1740, 3, name="Y@2"))
    vehicles = (Vehicle(0, 0, 0, 600, name="day 1"), Vehicle(0, 0, 1440, 2040, name="day 2"))
    p = Problem(d, d, clients, vehicles)
    assert p.groups() == {7: [0, 1]}
    sol = inner.solve(p, max_iterations=ITERS, time_limit=None)
    check(p, sol)
    assert sol.prize == 8 and len(sol.visited() & {0, 1}) == 1 and 2 in sol.visited()
    for r in sol.routes:  # each route lies on its own day
        assert all(vehicles[r.vehicle].tw_early <= s <= vehicles[r.vehicle].tw_late for s in r.starts)


def test_two_vehicles_with_different_ends_and_timetable():
    # hotel H0 x=0, hotel H1 x=100; P x=50 (any time), Q x=90 only on the second day
    xs = [0, 100, 50, 90]
    clients = (Client(2, 10, 0, 2000, 5, name="P"), Client(3, 20, 1000, 1100, 4, name="Q"))
    vehicles = (Vehicle(0, 1, 0, 200, name="out"), Vehicle(1, 0, 1000, 1300, name="back"))
    p = Problem(line(xs), line(xs), clients, vehicles)
    sol = inner.solve(p, max_iterations=ITERS, time_limit=None)
    check(p, sol)
    assert sol.prize == 9
    assert {r.vehicle for r in sol.routes} == {0, 1}  # a route between two hotels always runs
    back = next(r for r in sol.routes if r.vehicle == 1)
    assert 1 in back.clients
    out = next(r for r in sol.routes if r.vehicle == 0)
    assert out.arrive - out.depart == 100 + (10 if 0 in out.clients else 0)
    assert sol.distance == 200
    if back.clients == (1, 0):  # Q at 1010 after leaving H1 at 1000, P at 1050, home at 1110
        assert (back.depart, back.starts, back.arrive) == (1000, (1010, 1070), 1130)


def test_required_client_is_visited_at_a_cost():
    xs = [0, -30, 30]
    clients = (Client(1, 0, 0, 100, 0, required=True, name="must"), Client(2, 0, 0, 100, 10, name="nice"))
    p = Problem(line(xs), line(xs), clients, (Vehicle(0, 0, 0, 100),))
    sol = inner.solve(p, max_iterations=ITERS, time_limit=None)
    check(p, sol)
    assert sol.feasible and sol.visited() == {0} and sol.prize == 0
    free = Problem(line(xs), line(xs), (Client(1, 0, 0, 100, 0), clients[1]), (Vehicle(0, 0, 0, 100),))
    assert inner.solve(free, max_iterations=ITERS, time_limit=None).prize == 10


def test_unreachable_required_client_is_reported_infeasible():
    p = Problem(line([0, 100]), line([0, 100]), (Client(1, 0, 0, 50, 1, required=True),),
                (Vehicle(0, 0, 0, 300),))
    sol = inner.solve(p, max_iterations=2000, time_limit=None)  # long enough to hit the penalty bound
    assert not sol.feasible
    assert evaluate(p, [(0, [0])])[1]  # the checker names the broken window


def test_max_distance_and_duration():
    xs = [0, 10, -10]
    clients = (Client(1, 0, 0, 100, 3), Client(2, 0, 0, 100, 2))
    p = Problem(line(xs), line(xs), clients, (Vehicle(0, 0, 0, 100, max_distance=30),))
    sol = inner.solve(p, max_iterations=ITERS, time_limit=None)
    assert sol.visited() == {0} and sol.distance == 20
    # waiting counts in max_duration: the client opens at 50, so leave at 40 and be back at 60
    q = Problem(line(xs), line(xs), (Client(1, 0, 50, 60, 3),), (Vehicle(0, 0, 0, 100, max_duration=20),))
    sol = inner.solve(q, max_iterations=ITERS, time_limit=None)
    assert sol.feasible and sol.routes[0].depart == 40 and sol.routes[0].arrive == 60


def test_deterministic_and_warm_start():
    rng = np.random.default_rng(3)
    pts = rng.integers(0, 100, size=(15, 2))
    d = np.rint(np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1))).astype(np.int64)
    clients = tuple(Client(i, 5, 0, 400, int(rng.integers(1, 10))) for i in range(1, 15))
    p = Problem(d, d, clients, (Vehicle(0, 0, 0, 200), Vehicle(0, 0, 0, 200)))
    a = inner.solve(p, seed=4, max_iterations=400, time_limit=None)
    b = inner.solve(p, seed=4, max_iterations=400, time_limit=None)
    assert a.routes == b.routes and a.prize == b.prize
    check(p, a)
    seen = []
    c = inner.solve(p, seed=5, max_iterations=50, time_limit=None, initial=a,
                    on_progress=lambda *x: seen.append(x))
    assert c.prize >= a.prize
    assert all(isinstance(pr, int) and t >= 0 for pr, t in seen)


def test_greedy_start_is_feasible_and_respects_groups_and_required():
    d = line([0, 10, 20, 30, -5])
    clients = (Client(1, 5, 0, 100, 9, group=1), Client(1, 5, 0, 100, 9, group=1), Client(2, 5, 0, 100, 4),
               Client(3, 5, 0, 15, 8), Client(4, 0, 0, 100, 0, required=True))
    p = Problem(d, d, clients, (Vehicle(0, 0, 0, 80),))
    routes = inner.greedy(p)
    sol, problems = evaluate(p, routes)
    assert problems == [] and 4 in sol.visited() and len(sol.visited() & {0, 1}) == 1
    assert 3 not in sol.visited() or routes[0][1].index(3) == 0  # x=30 by 15 only as the first stop


def test_costs_that_would_overflow_are_refused():
    d = np.array([[0, 10**12], [10**12, 0]], dtype=np.int64)
    p = Problem(d, d, (Client(1, 0, 0, 10, 10**6),), (Vehicle(0, 0, 0, 10),))
    with pytest.raises(ValidationError, match="coarser units"):
        inner.solve(p, max_iterations=5, time_limit=None)


def test_empty_problem_and_bad_budget():
    p = Problem(line([0]), line([0]), (), (Vehicle(0, 0, 0, 10),))
    assert inner.solve(p, max_iterations=5, time_limit=None).routes == ()
    with pytest.raises(ValueError, match="time_limit or max_iterations"):
        inner.solve(p, time_limit=None)


def test_problem_validation_lists_every_problem():
    with pytest.raises(ValidationError) as err:
        Problem(line([0, 1]), line([0, 1]), (Client(5, -1, 10, 0, -2),), (Vehicle(0, 3, 5, 1),))
    text = " ".join(err.value.problems)
    assert str(err.value).startswith("Problem: 6 problems:")
    for part in ("location 5", "negative service", "window 10 > 0", "negative prize", "end location 3"):
        assert part in text
    with pytest.raises(ValidationError, match="square"):
        Problem(np.zeros((2, 3), int), np.zeros((2, 3), int), (), (Vehicle(0, 0, 0, 1),))
    with pytest.raises(ValidationError, match="integers"):
        Problem(np.zeros((2, 2)), np.zeros((2, 2)), (), (Vehicle(0, 0, 0, 1),))


@st.composite
def small_problems(draw):
    n = draw(st.integers(2, 5))
    xs = [0] + draw(st.lists(st.integers(-30, 30), min_size=n, max_size=n))
    clients = []
    for i in range(n):
        early = draw(st.integers(0, 80))
        clients.append(Client(i + 1, draw(st.integers(0, 10)), early, early + draw(st.integers(0, 60)),
                              draw(st.integers(0, 9)), group=draw(st.sampled_from([None, None, 0, 1]))))
    n_vehicles = draw(st.integers(1, 2))
    return Problem(line(xs), line(xs), tuple(clients), tuple(Vehicle(0, 0, 0, draw(st.integers(40, 160)))
                                                              for _ in range(n_vehicles)))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_property_solutions_are_feasible_and_optimal_on_tiny_cases(p):
    sol = inner.solve(p, max_iterations=200, time_limit=None, seed=1)
    assert sol.feasible
    check(p, sol)
    if len(p.vehicles) == 1:
        assert sol.prize == brute_force(p)


def test_best_sequence_picks_the_right_hotel():
    # start and end hotel x=0; middle hotel x=100 (near the POIs), x=-100 or x=-200 (too far)
    xs = [0, 100, -100, 90, 110, 95, 105, -200]
    d = line(xs)

    def build(seq):
        clients = tuple(Client(i, 0, 0, 10_000, 5) for i in (3, 4, 5, 6))
        return Problem(d, d, clients, (Vehicle(0, seq[0], 0, 130), Vehicle(seq[0], 0, 0, 130)))

    seq, sol = best_sequence(build, [(2,), (1,), (0,)], max_iterations=200, time_limit=None)
    assert seq == (1,) and sol.feasible and sol.prize == 20
    with pytest.raises(InfeasibleError):
        best_sequence(build, [(7,)], max_iterations=50, time_limit=None)  # 200 > 130: never reachable
    with pytest.raises(InfeasibleError) as err:
        best_sequence(build, [(7,), (7,)], max_iterations=50, time_limit=None)
    assert "any of the 2 hotel sequences" in str(err.value) and "50 iterations" in str(err.value)
    assert any("reaches its end" in r for r in err.value.reasons)  # the broken constraint is named


def test_best_sequence_halves_the_field_and_continues_each_search(monkeypatch):
    """Eight sequences screened at a quarter budget; then 4, 2, 1 go on, each round one budget in
    all, each solve starting from that sequence's last solution; the last one standing wins."""
    from tourlink.optimise import hotels
    d = line([0, 10, 20])
    calls = []

    def fake_solve(problem, *, seed, time_limit, max_iterations, initial=None):
        value = problem.clients[0].prize  # the sequence's worth: its one client's prize
        calls.append((value, max_iterations, initial is not None))
        sol, _ = evaluate(problem, [(0, [0])])
        found = value * 10 if initial is None else initial.objective + 1  # each further search adds one
        return dataclasses.replace(sol, objective=found)

    def build(seq):
        return Problem(d, d, (Client(1, 0, 0, 100, seq[0]),), (Vehicle(0, 0, 0, 100),))

    monkeypatch.setattr(hotels, "solve", fake_solve)
    seq, sol = hotels.best_sequence(build, [(v,) for v in (3, 8, 1, 7, 5, 2, 6, 4)], keep=4,
                                    max_iterations=400, time_limit=None)
    assert seq == (8,) and sol.objective == 80 + 3  # screened, then three more searches
    assert [c for c in calls if not c[2]] == [(v, 100, False) for v in (3, 8, 1, 7, 5, 2, 6, 4)]
    rounds = [c[:2] for c in calls if c[2]]
    assert rounds == [(8, 100), (7, 100), (6, 100), (5, 100), (8, 200), (7, 200), (8, 400)]


def test_a_start_from_another_problem_is_ignored_not_fatal():
    """A warm start that breaks this problem's groups (X twice) falls back to a greedy start."""
    d = line([0, 10, 20])
    free = (Client(1, 30, 0, 300, 5, name="X@1"), Client(1, 30, 1440, 1740, 5, name="X@2"),
            Client(2, 30, 1440, 1740, 3, name="Y@2"))
    vehicles = (Vehicle(0, 0, 0, 600, name="day 1"), Vehicle(0, 0, 1440, 2040, name="day 2"))
    other = inner.solve(Problem(d, d, free, vehicles), max_iterations=ITERS, time_limit=None)
    assert {0, 1} <= other.visited()
    grouped = Problem(d, d, tuple(Client(c.location, c.service, c.tw_early, c.tw_late, c.prize,
                                         group=7 if i < 2 else None, name=c.name)
                                  for i, c in enumerate(free)), vehicles)
    sol = inner.solve(grouped, max_iterations=ITERS, time_limit=None, initial=other)
    check(grouped, sol)
    assert sol.prize == 8 and len(sol.visited() & {0, 1}) == 1


def test_perturbation_size_follows_the_start_visits_on_capped_days():
    class Start:
        def __init__(self, n):
            self.n = n

        def num_clients(self):
            return self.n

    from tourlink.optimise.inner import _perturbations

    clients = (Client(1, 0, 0, 100, 2),)
    capped = Problem(line([0, 1]), line([0, 1]), clients, (Vehicle(0, 0, 0, 100, capacity=5),) * 3)
    open_ = Problem(line([0, 1]), line([0, 1]), clients, (Vehicle(0, 0, 0, 100),) * 3)
    assert _perturbations(capped, [None]) == inner.SETTINGS["max_perturbations"]
    assert _perturbations(capped, [Start(9), None]) == 4      # a third, at least 4
    assert _perturbations(capped, [Start(36), None]) == 12
    assert _perturbations(capped, [Start(120)]) == 25         # at most the tuned 25
    assert _perturbations(open_, [Start(9), None]) == 25      # uncapped: the benchmarks' 25


def test_greedy_completes_a_start_that_lacks_a_newly_required_client():
    d = line([0, 10, 20, 30])
    clients = (Client(1, 5, 0, 100, 9), Client(2, 5, 0, 100, 4), Client(3, 5, 0, 100, 0, required=True))
    p = Problem(d, d, clients, (Vehicle(0, 0, 0, 100),))
    routes = inner.greedy(p, [(0, [1])])
    sol, problems = evaluate(p, routes)
    assert problems == [] and sol.visited() == {0, 1, 2}
    # a solve from the infeasible start keeps the required client
    stale, _ = evaluate(p, [(0, [1])])
    assert not stale.feasible
    again = inner.solve(p, max_iterations=50, time_limit=None, initial=stale)
    assert again.feasible and 2 in again.visited()


def test_the_last_seed_of_pyvrps_range_wraps_around_for_the_restart():
    """The request accepts seed 2**32 - 1; the restart's seed + 1 wraps to 0 instead of crashing."""
    from tourlink.request import SEED_LIMIT

    d = line([0, 10, 20])
    p = Problem(d, d, (Client(1, 0, 0, 100, 5), Client(2, 0, 0, 100, 3)), (Vehicle(0, 0, 0, 100),))
    sol = inner.solve(p, seed=SEED_LIMIT - 1, max_iterations=50, time_limit=None)
    assert sol.feasible and sol.prize == 8
