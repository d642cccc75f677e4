"""Plans off the request thread: a bounded queue of jobs run by a pool of worker processes.

A :class:`Planner` takes :class:`~tourlink.request.TourRequest` objects, runs each through
:func:`tourlink.plan` in a worker (a local process pool, or a Dask cluster when a client is given)
and keeps the result by job id. At most ``workers`` plans run at once and at most ``queue`` more
wait; a submission beyond that raises :class:`QueueFull` (the web layer answers 503). Every plan
gets a time limit (the request's, capped at the planner's).
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from tourlink.request import TourRequest

#: finished jobs kept in memory (oldest forgotten first)
KEEP_DONE = 200


class QueueFull(RuntimeError):
    """Every worker is busy and the queue is full; try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"the planning queue is full; retry in {retry_after} s")


def plan_request(data: dict[str, Any], time_limit: float | None,
                 max_iterations: int | None) -> dict[str, Any]:
    """Plan the request ``data`` (its ``to_dict`` form); return ``{"itinerary": ...}`` or ``{"error": ...}``.

    Runs in a worker process: it takes and returns plain data only.
    """
    from tourlink.errors import TourlinkError
    from tourlink.planner import plan  # planned, priced and held to the budget

    try:
        request = TourRequest.from_dict(data, source="request")
        itinerary = plan(request, time_limit=time_limit, max_iterations=max_iterations)
    except TourlinkError as exc:
        return {"error": str(exc)}
    return {"itinerary": itinerary.to_dict()}


@dataclass
class Job:
    """One plan: its request, status (queued, running, done, failed) and result."""

    id: str
    request: TourRequest
    time_limit: float
    status: str = "queued"
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    error: str = ""
    itinerary: dict[str, Any] | None = None
    cache: dict[str, bytes] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The API form: status, times, progress (by time spent against the limit), result."""
        now = time.time()
        if self.status == "done":
            progress = 1.0
        elif self.status == "running" and self.started:
            progress = min(0.95, (now - self.started) / max(1.0, self.time_limit))
        else:
            progress = 0.0
        out: dict[str, Any] = {"id": self.id, "status": self.status, "progress": round(progress, 2),
                               "time_limit": self.time_limit}
        if self.error:
            out["error"] = self.error
        if self.itinerary is not None:
            out["itinerary"] = self.itinerary
        return out


class Planner:
    """A bounded pool that plans requests in worker processes.

    Parameters
    ----------
    workers
        Plans run at once (worker processes of a local pool; ignored with ``client``).
    queue
        Plans that may wait for a worker; one more is refused with :class:`QueueFull`.
    time_limit
        Seconds of search per plan, and the cap on a request's own ``time_limit``.
    max_iterations
        Solver iterations per plan instead of a time limit (repeatable results; tests).
    client
        A ``distributed.Client``: plans run on its cluster instead of a local process pool.
    executor
        Any ``concurrent.futures`` executor to run plans on (tests use threads).
    """

    def __init__(self, *, workers: int = 1, queue: int = 8, time_limit: float = 20.0,
                 max_iterations: int | None = None, client: Any = None,
                 executor: cf.Executor | None = None):
        if workers < 1 or queue < 0 or not time_limit > 0:
            raise ValueError("workers ≥ 1, queue ≥ 0 and time_limit > 0 are required")
        self.workers, self.queue, self.time_limit = workers, queue, float(time_limit)
        self.max_iterations = max_iterations
        self.client = client
        self._own = executor is None and client is None
        self._executor = executor or (None if client is not None else cf.ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn")))
        self._dispatch = cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tourlink-plan")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ public
    def submit(self, request: TourRequest) -> Job:
        """Queue ``request``; QueueFull when ``workers + queue`` plans already wait or run."""
        with self._lock:
            busy = sum(1 for j in self._jobs.values() if j.status in ("queued", "running"))
            if busy >= self.workers + self.queue:
                raise QueueFull(retry_after=max(1, int(self.time_limit)))
            limit = min(self.time_limit, request.time_limit or self.time_limit)
            job = Job(uuid.uuid4().hex, request, limit)
            self._jobs[job.id] = job
            self._forget_old()
        self._dispatch.submit(self._run, job)
        return job

    def get(self, job_id: str) -> Job | None:
        """The job with id ``job_id`` (None when unknown or forgotten)."""
        with self._lock:
            return self._jobs.get(job_id)

    def close(self) -> None:
        """Stop accepting work and shut the local pool down."""
        self._dispatch.shutdown(wait=False, cancel_futures=True)
        if self._own and self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)

    # ----------------------------------------------------------------- private
    def _run(self, job: Job) -> None:
        job.status, job.started = "running", time.time()
        args = (job.request.to_dict(), None if self.max_iterations else job.time_limit, self.max_iterations)
        try:
            if self.client is not None:
                future = self.client.submit(plan_request, *args, pure=False)
            else:
                future = self._executor.submit(plan_request, *args)
            # a plan keeps to its limit; the margin covers loading data in a fresh worker
            result = future.result(timeout=job.time_limit + 120)
        except Exception as exc:  # noqa: BLE001 - a worker crash or timeout fails this job only
            result = {"error": f"planning failed: {type(exc).__name__}: {exc}"}
        job.finished = time.time()
        if "itinerary" in result:
            job.itinerary, job.status = result["itinerary"], "done"
        else:
            job.error, job.status = str(result.get("error", "planning failed")), "failed"

    def _forget_old(self) -> None:
        done = [k for k, j in self._jobs.items() if j.status in ("done", "failed")]
        for k in done[:max(0, len(done) - KEEP_DONE)]:
            del self._jobs[k]


__all__ = ["Job", "Planner", "QueueFull", "plan_request"]
