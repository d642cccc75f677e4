"""One search with several seeds side by side: the other seeds run in forked processes on the
spare cores, within the same time limit, and the best result is kept.

Forking copies the planner's state as it is (world, built problems), so a child starts searching
at once. It is used only where it is safe and useful: on Linux, from the main thread of a process
that is not itself a worker (a web-desk or Dask worker plans on its own core), with a second core
free. Anywhere else the search runs once, with the first seed.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

#: seconds a child may take beyond the parent's own search before it is stopped
GRACE = 5.0


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether searches may run side by side here (see the module's description)."""
    return (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and threading.current_thread() is threading.main_thread()
            and multiprocessing.parent_process() is None and cores() >= 2)


def jobs(requested: int | None) -> int:
    """How many searches to run: ``requested`` if given, else one per core (at most 2) where
    :func:`can_fork`, else 1."""
    if requested is not None:
        if requested < 1:
            raise ValueError("jobs must be at least 1")
        return requested if requested == 1 or can_fork() else 1
    return min(2, cores()) if can_fork() else 1


def best_of(search: Callable[[int], T], seeds: Sequence[int], *, key: Callable[[T], Any]) -> T:
    """``search(seed)`` for every seed — the first here, the others in forked children at the same
    time — and the result with the highest ``key`` (the first seed's on a tie).

    A child's failure is logged and ignored; when the search here fails, the best child's result
    is returned if there is one, else the failure is raised. A child still running
    :data:`GRACE` seconds after the search here ended is stopped.
    """
    ctx = multiprocessing.get_context("fork")
    children = []
    for s in seeds[1:]:
        recv, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(search, s, send), daemon=True)
        proc.start()
        send.close()
        children.append((s, proc, recv))
    try:
        mine: T | None = search(seeds[0])
        error: BaseException | None = None
    except Exception as exc:  # noqa: BLE001 - raised below unless a child did better
        mine, error = None, exc
    results = [] if mine is None else [mine]
    until = time.monotonic() + GRACE
    for s, proc, recv in children:
        try:
            if recv.poll(max(0.0, until - time.monotonic())):
                ok, value = recv.recv()
                if ok:
                    results.append(value)
                else:
                    log.debug("seed %d: %s", s, value)
            else:
                log.debug("seed %d: no answer within %.0f s of the first; stopped", s, GRACE)
        except (EOFError, OSError) as exc:  # the child died without answering
            log.debug("seed %d: %s", s, exc)
        finally:
            recv.close()
            if proc.is_alive():
                proc.kill()
            proc.join()
    if not results:
        assert error is not None
        raise error
    return max(results, key=key)  # max keeps the first of equals: this process's


def _child(search: Callable[[int], Any], seed: int, send) -> None:
    try:
        send.send((True, search(seed)))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which decides
        send.send((False, f"{type(exc).__name__}: {exc}"))
    finally:
        send.close()


__all__ = ["best_of", "can_fork", "cores", "jobs", "GRACE"]
