"""Searches side by side: other seeds in forked processes, the best result kept."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

import pytest
from test_plan import make_world, req

from tourlink.errors import InfeasibleError
from tourlink.optimise import seeds
from tourlink.optimise.check import check
from tourlink.optimise.outer import plan

pytestmark = pytest.mark.skipif(not seeds.can_fork(), reason="searches side by side need Linux and 2 cores")


def _pid_and_seed(seed: int) -> tuple[int, int]:
    return os.getpid(), seed


def test_the_other_seeds_run_in_other_processes_and_the_best_is_kept():
    got = seeds.best_of(_pid_and_seed, [3, 4, 5], key=lambda r: r[1])
    assert got[1] == 5 and got[0] != os.getpid()  # the best came from a child
    mine = seeds.best_of(_pid_and_seed, [7, 1], key=lambda r: r[1])
    assert mine == (os.getpid(), 7)
    tie = seeds.best_of(_pid_and_seed, [2, 9], key=lambda r: 0)
    assert tie[0] == os.getpid()  # equals: this process's


def _fails_for(bad: set[int]):
    def search(seed: int) -> int:
        if seed in bad:
            raise InfeasibleError(f"no tour with seed {seed}")
        return seed
    return search


def test_a_failed_seed_is_left_out_and_only_all_failing_raises():
    assert seeds.best_of(_fails_for({1}), [0, 1], key=lambda s: s) == 0  # a child's failure
    assert seeds.best_of(_fails_for({0}), [0, 1], key=lambda s: s) == 1  # this process's
    with pytest.raises(InfeasibleError, match="seed 0"):
        seeds.best_of(_fails_for({0, 1}), [0, 1], key=lambda s: s)


def test_jobs_are_one_in_a_worker_process_and_when_asked():
    assert seeds.jobs(None) == 2 and seeds.jobs(1) == 1
    with pytest.raises(ValueError):
        seeds.jobs(0)
    with ProcessPoolExecutor(1) as pool:  # a web-desk or batch worker plans on its own core
        assert pool.submit(seeds.jobs, None).result() == 1


def test_a_timed_plan_searches_two_seeds_and_the_result_is_checked():
    r = req(days=2)
    world = make_world(r)
    it = plan(r, world=world, time_limit=2.0, jobs=2)
    assert it.meta["seed"] in (r.seed, r.seed + 1) and not check(it, r, world=world)
    alone = plan(r, world=world, time_limit=2.0, jobs=1)
    assert alone.meta["seed"] == r.seed


def _fake_search(seed: int, **_kw):
    """Seed 0's tour leaves partner 02 out with the higher score (the market is worth more than
    b1); seed 1's covers both partners."""
    from types import SimpleNamespace
    ids = ["a1", "mk"] if seed == 0 else ["a1", "b1"]
    return SimpleNamespace(visits=tuple(SimpleNamespace(id=i) for i in ids),
                           score=90.0 if seed == 0 else 80.0, meta={"seed": seed})


def test_the_seeds_tours_rank_by_partners_covered_before_the_score(monkeypatch):
    from tourlink.optimise import outer

    monkeypatch.setattr(outer, "_search", lambda pl, built, errors, *, seed, **kw: _fake_search(seed))
    r = req(days=2, seed=0, min_stops_per_partner=1)
    assert plan(r, world=make_world(r), time_limit=2.0, jobs=2).meta["seed"] == 1
    off = req(days=2, seed=0, min_stops_per_partner=0)  # coverage off: the score decides
    assert plan(off, world=make_world(off), time_limit=2.0, jobs=2).meta["seed"] == 0


@pytest.mark.parametrize(("jobs", "searched"), [(1, [0, 1, 2]), (2, [0, 1, 2, 3, 4, 5])])
def test_a_long_limit_runs_searches_one_after_the_other_and_keeps_the_best(monkeypatch, jobs, searched):
    import time

    from tourlink.optimise import outer

    calls = []

    def fake(pl, built, errors, *, seed, deadline, **kw):
        calls.append((seed, deadline))
        return _fake_search(seed)
    monkeypatch.setattr(outer, "_search", fake)
    monkeypatch.setattr(outer, "RESTART_SECONDS", 0.5)
    r = req(days=2, seed=0, min_stops_per_partner=1)
    t0 = time.perf_counter()
    it = plan(r, world=make_world(r), time_limit=1.6, jobs=jobs)
    assert it.meta["seed"] == 1  # the only tour covering both partners, found by the first search
    here = [s for s, _ in calls]  # the parent's seeds (a forked child's calls are its own)
    assert here == searched[::jobs]
    ends = [d for _, d in calls]  # three searches, each to its share of what is left of the 1.6 s
    assert ends == sorted(ends) and t0 < ends[0] < ends[-1] <= t0 + 1.6 + 0.5
    assert plan(r, world=make_world(r), time_limit=0.9, jobs=1).meta["seed"] == 0 and len(calls) == 4
