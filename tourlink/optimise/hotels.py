"""Hotel (overnight depot) selection around the inner solver.

A tour of several routes chained through intermediate depots (hotels, overnight hubs): the
caller knows how to build the :class:`Problem` for one sequence of intermediate depots;
:func:`best_sequence` screens every candidate sequence with a short budget, then re-solves
the most promising few with the rest, warm-started from their screening solutions.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from tourlink.errors import InfeasibleError
from tourlink.optimise.inner import solve
from tourlink.optimise.problem import Problem, Solution

log = logging.getLogger(__name__)

Seq = TypeVar("Seq", bound=Hashable)


def _key(sol: Solution) -> tuple[int, int, int]:
    return (int(sol.feasible), sol.prize, -sol.distance)


def best_sequence(build: Callable[[Seq], Problem], candidates: Sequence[Seq], *, seed: int = 0,
                  time_limit: float | None = 10.0, max_iterations: int | None = None, keep: int = 3,
                  screen_share: float = 0.35) -> tuple[Seq, Solution]:
    """Return the candidate hotel sequence with the best solution, and that solution.

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
        all candidates, the rest over re-solving the best ``keep``.
    max_iterations
        Deterministic budget instead (or as well): each screening solve gets a quarter of it,
        each re-solve all of it.
    keep
        How many of the best screened sequences are re-solved.

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
        sol = solve(build(candidates[0]), seed=seed, time_limit=time_limit, max_iterations=max_iterations)
        if not sol.feasible:
            raise InfeasibleError(f"no feasible solution for the only hotel sequence {candidates[0]!r}")
        return candidates[0], sol
    problems: dict[int, Problem] = {}
    screened: list[tuple[tuple[int, int, int], int, Seq, Solution]] = []
    per = None if time_limit is None else time_limit * screen_share / len(candidates)
    its = None if max_iterations is None else max(1, max_iterations // 4)
    for k, seq in enumerate(candidates):
        problems[k] = build(seq)
        sol = solve(problems[k], seed=seed, time_limit=per, max_iterations=its)
        screened.append((_key(sol), -k, seq, sol))
    screened.sort(key=lambda t: (t[0], t[1]), reverse=True)
    top = [t for t in screened[:keep] if t[3].feasible]
    if not top:
        raise InfeasibleError(f"none of the {len(candidates)} hotel sequences has a feasible solution")
    best_key, best_seq, best_sol = top[0][0], top[0][2], top[0][3]
    for n, (_key0, negk, seq, sol) in enumerate(top):
        left = None
        if time_limit is not None:
            left = max(0.0, (time_limit - (time.perf_counter() - t0)) / (len(top) - n))
        again = solve(problems[-negk], seed=seed, time_limit=left, max_iterations=max_iterations,
                      initial=sol)
        log.debug("hotel sequence %r: screened %d, re-solved %d", seq, sol.prize, again.prize)
        if _key(again) > best_key:
            best_key, best_seq, best_sol = _key(again), seq, again
    return best_seq, best_sol


__all__ = ["best_sequence"]
