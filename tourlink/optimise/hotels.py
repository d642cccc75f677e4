"""Hotel (overnight depot) selection around the inner solver.

A tour of several routes chained through intermediate depots (hotels, overnight hubs): the
caller knows how to build the :class:`Problem` for one sequence of intermediate depots;
:func:`best_sequence` screens every candidate sequence with a short budget, then halves the
most promising few round by round, each solve continuing from the sequence's last solution.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from tourlink.errors import InfeasibleError
from tourlink.optimise.inner import solve
from tourlink.optimise.problem import Problem, Solution, evaluate

log = logging.getLogger(__name__)

Seq = TypeVar("Seq", bound=Hashable)


def _key(sol: Solution) -> tuple[int, int]:
    return sol.key()


def best_sequence(build: Callable[[Seq], Problem], candidates: Sequence[Seq], *, seed: int = 0,
                  time_limit: float | None = 10.0, max_iterations: int | None = None, keep: int = 4,
                  screen_share: float = 0.25, rank: Callable[[Seq], float] | None = None,
                  screen: int = 16) -> tuple[Seq, Solution]:
    """Return the candidate hotel sequence with the best solution, and that solution.

    Every candidate is screened with a short solve; then successive halving: the best ``keep``
    go on, each from its own solution, and each round keeps the better half until one is left,
    every round with the same share of the budget (so the last sequence standing gets the most
    search, none of it thrown away).

    Parameters
    ----------
    build
        ``build(seq) -> Problem`` for one sequence of intermediate depots.
    candidates
        The sequences to consider (at least one).
    seed
        Seed passed to every solve.
    time_limit
        Total wall-clock budget in seconds; ``screen_share`` of it is spread over screening
        all candidates, the rest over the halving rounds.
    max_iterations
        Deterministic budget instead (or as well): each screening solve gets a quarter of it,
        each halving round all of it, shared by the sequences of the round.
    keep
        How many of the best screened sequences go on to the halving rounds.
    rank
        A cheap estimate of a sequence's value: when given, only the ``screen`` best-ranked
        candidates are screened with the solver (an instance with hundreds of hotel sequences
        could not screen them all within the time limit).
    screen
        How many ranked candidates are screened (with ``rank`` only).

    With a time limit, screening stops when its share of the time is spent (after at least
    ``keep`` candidates) and each later solve gets its share of what is left, so the whole call
    keeps to the limit up to one solver set-up.

    Raises
    ------
    InfeasibleError
        When no candidate sequence has a feasible solution.
    """
    if not candidates:
        raise ValueError("best_sequence needs at least one candidate sequence")
    if time_limit is None and max_iterations is None:
        raise ValueError("give time_limit or max_iterations (or both)")
    t0 = time.perf_counter()
    if len(candidates) == 1:
        problem = build(candidates[0])
        sol = solve(problem, seed=seed, time_limit=time_limit, max_iterations=max_iterations)
        if not sol.feasible:
            raise InfeasibleError(_reasons(problem, candidates[0], sol, time_limit, max_iterations))
        return candidates[0], sol
    if rank is not None and len(candidates) > screen:
        order = sorted(range(len(candidates)), key=lambda k: (-rank(candidates[k]), k))
        candidates = [candidates[k] for k in sorted(order[:max(screen, keep)])]
    problems: dict[int, Problem] = {}
    pool: list[tuple[tuple[int, int], int, Solution]] = []  # (key, -index, solution)
    its = None if max_iterations is None else max(1, max_iterations // 4)
    for k, seq in enumerate(candidates):
        per = None
        if time_limit is not None:
            left = time_limit * screen_share - (time.perf_counter() - t0)
            if left <= 0 and len(pool) >= keep:
                log.debug("screening stopped after %d of %d sequences (time)", len(pool), len(candidates))
                break
            per = max(0.0, left) / (len(candidates) - k)
        problems[k] = build(seq)
        sol = solve(problems[k], seed=seed, time_limit=per, max_iterations=its)
        pool.append((_key(sol), -k, sol))
    pool.sort(key=lambda t: (t[0], t[1]), reverse=True)
    pool = pool[:max(1, min(keep, len(pool)))]  # go on even when screening found nothing feasible
    sizes = [len(pool)]
    while sizes[-1] > 1:
        sizes.append((sizes[-1] + 1) // 2)
    for r, size in enumerate(sizes):
        pool = pool[:size]
        for n in range(size):
            _key0, negk, sol = pool[n]
            budget = None
            if time_limit is not None:  # this round's share of what is left, split over its solves
                budget = max(0.0, time_limit - (time.perf_counter() - t0)) / (len(sizes) - r) / (size - n)
            again = solve(problems[-negk], seed=seed, time_limit=budget,
                          max_iterations=None if max_iterations is None else max(1, max_iterations // size),
                          initial=sol)
            log.debug("hotel sequence %r, round %d: %d -> %d", candidates[-negk], r, sol.objective,
                      again.objective)
            pool[n] = (max(_key(again), _key(sol)), negk, again if _key(again) >= _key(sol) else sol)
        pool.sort(key=lambda t: (t[0], t[1]), reverse=True)
    _key1, negk, best = pool[0]
    if not best.feasible:
        raise InfeasibleError(_reasons(problems[-negk], candidates[-negk], best, time_limit, max_iterations,
                                       n_candidates=len(candidates)))
    return candidates[-negk], best


def _reasons(problem: Problem, seq, sol: Solution, time_limit: float | None, max_iterations: int | None,
             *, n_candidates: int = 1) -> list[str]:
    """Why no sequence worked: the budget used and what the best attempt still breaks."""
    budget = " and ".join(x for x in (f"{time_limit:g} s" if time_limit is not None else "",
                                      f"{max_iterations} iterations" if max_iterations is not None else "")
                          if x)
    which = f"the hotel sequence {seq!r}" if n_candidates == 1 else \
        f"any of the {n_candidates} hotel sequences (best attempt {seq!r})"
    head = (f"the search found no feasible solution for {which} within {budget}; the request may be "
            "impossible, or need a longer time limit")
    return [head, *evaluate(problem, sol.routes)[1][:3]]


__all__ = ["best_sequence"]
