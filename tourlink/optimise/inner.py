"""Inner solver: a :class:`~tourlink.optimise.problem.Problem` solved with PyVRP (stub)."""

from __future__ import annotations

from collections.abc import Callable

from tourlink.optimise.problem import Problem, Solution


def solve(problem: Problem, *, seed: int = 0, time_limit: float | None = 10.0,
          max_iterations: int | None = None, initial: Solution | None = None,
          on_progress: Callable[[int, float], None] | None = None) -> Solution:
    """Solve ``problem``; see the module docstring (being implemented)."""
    raise NotImplementedError("inner.solve is being implemented by C1")
