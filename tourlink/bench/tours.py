"""Real tours as a benchmark: plan bundled requests, compare with long-run references.

A *tour* is a request file (TOML, as ``tourlink plan --request`` reads): the project's
``examples/*.toml`` and the operator-style tours of ``benchmarks/tours/*.toml``. Each is planned
with :func:`tourlink.optimise.outer.plan` and verified by the independent checker; its score is
compared with a *reference*, the best score of long runs (several seeds × minutes) kept in
``benchmarks/references/plan.csv``.

A reference holds only for what it was made on: :func:`request_digest` hashes the request (every
field but ``seed``, ``time_limit`` and ``title``, defaults included), :func:`data_digests` the
catalogue (every bundled data file but the road network, rates and README) and the road network;
and the planner's scoring rule must still give the reference's own visits the reference score
(:func:`rescore`). A reference that fails any of these is *stale*: reported as such (with what
changed), never compared.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from tourlink.request import TourRequest

#: request fields that do not change what the best plan is
_NOT_PLANNING = ("seed", "time_limit", "title")
#: data files of the road network (the rest of ``data/`` but rates and README is the catalogue)
_NETWORK = ("roads_edges", "roads_nodes")
_IGNORED = ("rates", "README")

REF_COLUMNS = ["tour", "reference", "runs", "seconds_per_run", "clock", "cpu_seconds", "request", "catalogue",
               "network", "date", "code", "plan", "visits"]


@dataclass(frozen=True)
class Tour:
    """A named request file."""

    name: str
    path: Path
    request: TourRequest


def load_tours(*folders: str | Path) -> list[Tour]:
    """The tours of every ``*.toml`` in ``folders`` (sorted by name; examples are named ``ex-<stem>``)."""
    out = []
    for folder in folders:
        folder = Path(folder)
        prefix = "ex-" if folder.name == "examples" else ""
        for path in sorted(folder.glob("*.toml")):
            out.append(Tour(prefix + path.stem.replace("_", "-"), path, TourRequest.from_toml(path)))
    return sorted(out, key=lambda t: t.name)


def _hash(parts: list[bytes]) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(hashlib.sha256(p).digest())
    return h.hexdigest()[:12]


def data_digests(data_dir: str | Path | None = None) -> dict[str, str]:
    """``{"catalogue": ..., "network": ...}``: hashes of the bundled data files a plan reads."""
    from tourlink.paths import DATA_DIR
    base = Path(data_dir) if data_dir is not None else DATA_DIR
    files = sorted(p for p in base.rglob("*") if p.is_file() and not p.name.startswith(".")
                   and not p.name.startswith(_IGNORED))
    net = [p for p in files if p.name.startswith(_NETWORK)]
    cat = [p for p in files if p not in net]
    return {"catalogue": _hash([p.relative_to(base).as_posix().encode() + p.read_bytes() for p in cat]),
            "network": _hash([p.relative_to(base).as_posix().encode() + p.read_bytes() for p in net])}


def request_digest(request: TourRequest) -> str:
    """Hash of every planning field of ``request`` (defaults included)."""
    d = {k: v for k, v in request.to_dict().items() if k not in _NOT_PLANNING}
    return _hash([json.dumps(d, sort_keys=True, ensure_ascii=False, default=str).encode()])


def stale(ref: dict, now: dict[str, str], *, score: float | None = None) -> list[str]:
    """What changed since reference ``ref`` was made (``request``, ``catalogue``, ``network``, and
    ``rules`` when ``score``, its visits scored today, is not its score)."""
    out = [k for k in ("request", "catalogue", "network") if ref.get(k) != now.get(k)]
    if score is not None and abs(score - float(ref["reference"])) > 0.05:
        out.append("rules")
    return out


def judge(request: TourRequest, by_day: str, *, world=None) -> tuple[float, int]:
    """The score today's planner gives the visits ``by_day`` ("a b | c d": ids by day) of
    ``request``, and how many partners they leave below ``min_stops_per_partner``."""
    from tourlink.optimise import coverage, variety
    from tourlink.optimise.outer import load_world
    from tourlink.optimise.planning import Planning

    pl = Planning(world if world is not None else load_world(request), request)
    visits = [v for day in by_day.split("|") for v in day.split()]
    known = [v for v in visits if v in pl.world.places.index]
    if len(known) < len(visits):
        return -1.0, 0  # a visit no longer in the catalogue: the reference cannot stand
    return round(variety.tour_value(pl, known) / 10, 1), len(coverage.uncovered(pl, known))


def rescore(request: TourRequest, by_day: str, *, world=None) -> float:
    """The score today's planner gives the visits ``by_day`` of ``request`` (:func:`judge`)."""
    return judge(request, by_day, world=world)[0]


def objective(request: TourRequest, plan: str, by_day: str, *, world=None) -> float | None:
    """What the planner weighs a tour by, in score points: its worth (the score, and the coverage
    bonus of each partner covered) less the solver's road and day costs of its days, each day part
    driven in the order of ``by_day`` at its cheapest (the visits' opening-hours copies, the lunch
    anywhere it fits). ``plan`` is the night plan as the itinerary names it (hubs, then crossings);
    on a day of two parts (a crossing, an evening) the visits are split where it costs least. None
    when that plan cannot drive the days (a visit no longer offered to its day, a broken window)."""
    import itertools

    from tourlink.optimise.build import build_problem
    from tourlink.optimise.nights import candidate_plans
    from tourlink.optimise.outer import load_world
    from tourlink.optimise.planning import Planning
    from tourlink.optimise.polish import worth
    from tourlink.optimise.problem import driving_cost

    pl = Planning(world if world is not None else load_world(request), request)
    days = [day.split() for day in by_day.split("|")]
    visits = [v for day in days for v in day]
    p = next((p for p in candidate_plans(pl) if " ".join(p.key()) == plan.strip()), None)
    if p is None or len(days) != request.days or any(v not in pl.world.places.index for v in visits):
        return None
    problem, copies, _ = build_problem(pl, p, bonus=dict.fromkeys(visits, 0))

    def cheapest(k: int, dests: list[str]) -> float | None:
        options = [[c for c, cp in enumerate(copies) if cp.dest == d and cp.segment == k] for d in dests]
        lunches = [c for c, cp in enumerate(copies) if not cp.dest and cp.segment == k] or [None]
        routes = ([*combo[:at], *([lunch] if lunch is not None else []), *combo[at:]]
                  for combo in itertools.product(*options) for at in range(len(dests) + 1)
                  for lunch in lunches)
        return min((c for c in (driving_cost(problem, k, x) for x in routes) if c is not None), default=None)

    total = 0.0
    for d, dests in enumerate(days):
        parts = p.day_segments(d)
        costs = [[cheapest(k, dests[a:b])
                  for k, a, b in zip(parts, (0, *cuts), (*cuts, len(dests)), strict=True)]
                 for cuts in itertools.combinations_with_replacement(range(len(dests) + 1), len(parts) - 1)]
        costs = [sum(c) for c in costs if None not in c]
        if not costs:
            return None
        total += min(costs)
    return round((worth(pl, visits) - total) / 10, 1)


def plan_tour(tour: Tour, *, time_limit: float | None = None, seed: int | None = None,
              max_iterations: int | None = None, world=None, jobs: int | None = None) -> dict:
    """Plan ``tour`` and return its row: score, visits, partners left out (below
    ``min_stops_per_partner``), km, road hours, plan, visits by day, times.

    ``time_limit`` defaults to the request's (else the planner's default). ``seconds`` is the
    wall clock of the whole :func:`plan` call, ``cpu_seconds`` the process time it and the
    searches it ran side by side used (:mod:`tourlink.optimise.seeds`). Raises what ``plan`` raises.
    """
    from tourlink.optimise.check import check
    from tourlink.optimise.outer import DEFAULT_TIME_LIMIT, plan

    req = tour.request
    if time_limit is None and max_iterations is None:
        time_limit = req.time_limit if req.time_limit is not None else DEFAULT_TIME_LIMIT
    t0, c0 = time.perf_counter(), _cpu()
    it = plan(req, seed=seed, time_limit=time_limit, max_iterations=max_iterations, world=world, jobs=jobs)
    seconds, cpu = time.perf_counter() - t0, _cpu() - c0
    problems = check(it, req)
    return {"tour": tour.name, "days": req.days, "time_limit": "" if max_iterations else time_limit,
            "iterations": max_iterations or "", "seed": req.seed if seed is None else seed,
            "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1), "score": it.score,
            "visits": len(it.visits), "km": round(it.km),
            "left_out": sum(c.stops < req.min_stops_per_partner for c in it.coverage),
            "road_hours": round(it.road_hours, 1),
            "feasible": not problems, "plan": " ".join(it.meta.get("plan", [])),
            "by_day": " | ".join(" ".join(s.id for s in d.stops if s.kind == "destination") for d in it.days)}


def _cpu() -> float:
    """CPU seconds of this process and its finished children (seeds searched side by side)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def read_references(path: str | Path) -> dict[str, dict]:
    """``tour -> row`` of a references CSV (empty when the file is absent)."""
    path = Path(path)
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["tour"]: r for r in csv.DictReader(fh)}


def references_csv(refs: dict[str, dict]) -> str:
    """CSV text of ``refs`` (:data:`REF_COLUMNS`, sorted by tour)."""
    from tourlink.bench.runner import rows_to_csv
    return rows_to_csv(sorted(refs.values(), key=lambda r: r["tour"]), REF_COLUMNS)


__all__ = ["Tour", "load_tours", "data_digests", "request_digest", "stale", "rescore", "plan_tour",
           "read_references",
           "references_csv", "REF_COLUMNS"]
