"""Scale benchmark: plan over 5,000 candidate destinations (SYNTHETIC, jittered from the catalog).

The bundled catalog of a programme has about a hundred destinations. To see how the planner
behaves on a large user catalog, this script synthesises ``--n`` candidates (default 5,000)
by jittering the programme's real destinations inside their own legacy provinces (Gaussian,
``--sigma`` degrees, re-drawn until the point lies in the same province, else kept on the
original point). Every synthetic row is labelled: id ``syn-NNNNN``, name ``[synthetic] …``,
source ``synthetic jitter of <id>``. Nothing synthetic is written to ``data/``.

Two phases are measured separately, each with wall time, peak resident memory (psutil RSS,
sampled every 50 ms) and the peak of Python allocations (tracemalloc, which includes NumPy
arrays; ``--no-tracemalloc`` to skip its overhead):

* ``matrix`` — :func:`tourlink.optimise.world.load_world`: snap every place to the road
  network and build the travel matrix;
* ``solve`` — :func:`tourlink.optimise.outer.plan` with the request's time limit.

The run passes when the solve finishes within its time limit (plus 10 % grace) or fails with a
TourlinkError (a clear message), which is recorded. Before building the matrix the script checks
that its estimated peak (about 64 bytes per pair of places, measured) fits in the available memory
and otherwise records a clear failure instead of being killed. Prints a table; writes a CSV (``--csv``).

Usage: ``python benchmarks/bench_scale.py [--n 5000] [--time-limit 60] [--csv OUT]``
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import sys
import threading
import time
import tracemalloc
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tourlink.atomic import write_text  # noqa: E402
from tourlink.errors import TourlinkError  # noqa: E402

COLUMNS = ["phase", "n_candidates", "n_places", "seconds", "time_limit", "within_limit", "rss_start_mb",
           "rss_peak_mb", "tracemalloc_peak_mb", "status", "visits", "score", "message"]
GRACE = 1.10


def synthesise(base: pd.DataFrame, n: int, *, sigma: float = 0.03, seed: int = 0,
               rounds: int = 12) -> pd.DataFrame:
    """``n`` synthetic destinations jittered from ``base`` rows, each inside its base's legacy province.

    Parameters
    ----------
    base
        Real destinations (columns of ``destinations.csv``).
    n
        Number of synthetic rows.
    sigma
        Standard deviation of the jitter in degrees (0.03° ≈ 3 km).
    seed
        Random seed (same seed → same rows).
    rounds
        Re-draws for points that fall outside their province; after that the base point is kept.
    """
    from tourlink.regions import locate_many

    rng = np.random.default_rng(seed)
    base = base.sort_values("id", ignore_index=True)
    pick = np.arange(n) % len(base)
    src = base.iloc[pick].reset_index(drop=True)
    lon0, lat0 = src["lon"].to_numpy(float), src["lat"].to_numpy(float)
    want = src["province_legacy_code"].astype(str).to_numpy()
    lon, lat = lon0.copy(), lat0.copy()
    todo = np.ones(n, dtype=bool)
    for _ in range(rounds):
        idx = np.flatnonzero(todo)
        if not len(idx):
            break
        x = lon0[idx] + rng.normal(0, sigma, len(idx))
        y = lat0[idx] + rng.normal(0, sigma, len(idx))
        got = locate_many(x, y, scheme="legacy")
        ok = np.array([r is not None and r.code == w for r, w in zip(got, want[idx], strict=True)])
        lon[idx[ok]], lat[idx[ok]] = x[ok], y[ok]
        todo[idx[ok]] = False
    out = pd.DataFrame(src.drop(columns=[c for c in ("geometry",) if c in src]))
    out["lon"], out["lat"] = np.round(lon, 6), np.round(lat, 6)
    out["source"] = ["synthetic jitter of " + str(i) for i in src["id"]]
    out["id"] = [f"syn-{i:05d}" for i in range(n)]
    out["name_vi"] = [f"[synthetic] {name} #{i}" for i, name in enumerate(src["name_vi"])]
    out["name_en"] = [f"[synthetic] {name} #{i}" for i, name in enumerate(src["name_en"])]
    for col in ("osm_id", "wikidata"):
        if col in out:
            out[col] = ""
    return out


def matrix_bytes(n_places: int) -> int:
    """Rough peak memory of building the travel matrix of ``n_places`` (measured: ~64 bytes a pair)."""
    return 64 * n_places * n_places


def available_bytes() -> int:
    """Memory available to this process now (psutil)."""
    import psutil
    return int(psutil.virtual_memory().available)


@contextlib.contextmanager
def measured(use_tracemalloc: bool) -> Iterator[dict]:
    """Measure wall seconds, peak RSS (sampled) and the tracemalloc peak of the block."""
    import psutil

    proc = psutil.Process()
    stats = {"rss_start_mb": proc.memory_info().rss / 2**20, "rss_peak_mb": 0.0, "tracemalloc_peak_mb": ""}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            stats["rss_peak_mb"] = max(stats["rss_peak_mb"], proc.memory_info().rss / 2**20)
            stop.wait(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    if use_tracemalloc:
        tracemalloc.start()
    thread.start()
    t0 = time.perf_counter()
    try:
        yield stats
    finally:
        stats["seconds"] = time.perf_counter() - t0
        stop.set()
        thread.join()
        stats["rss_peak_mb"] = max(stats["rss_peak_mb"], proc.memory_info().rss / 2**20)
        if use_tracemalloc:
            stats["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
            tracemalloc.stop()
        stats["rss_start_mb"] = round(stats["rss_start_mb"], 1)
        stats["rss_peak_mb"] = round(stats["rss_peak_mb"], 1)
        stats["seconds"] = round(stats["seconds"], 2)


def run(*, n: int, partnership: str, start: str, days: int, start_date: date, time_limit: float,
        seed: int, sigma: float, use_tracemalloc: bool) -> list[dict]:
    """Synthesise, build the world (matrix phase), plan (solve phase); return one row per phase."""
    from tourlink import catalog
    from tourlink.optimise.outer import plan
    from tourlink.optimise.world import load_world
    from tourlink.partnerships import get_partnership
    from tourlink.request import TourRequest

    real = catalog.destinations_for(get_partnership(partnership))
    synthetic = synthesise(real, n, sigma=sigma, seed=seed)
    request = TourRequest(partnership=partnership, start=start, days=days, start_date=start_date,
                          time_limit=time_limit, seed=seed,
                          title=f"scale benchmark, {n} synthetic candidates")
    rows: list[dict] = []
    world = None
    with measured(use_tracemalloc) as m:
        try:
            need, have = matrix_bytes(n + 20), available_bytes()
            if need > have:  # fail with a message instead of being killed by the OOM killer
                raise MemoryError(f"the travel matrix of {n + 20} places needs about {need / 2**30:.1f} GiB, "
                                  f"only {have / 2**30:.1f} GiB are available")
            with mock.patch.object(catalog, "destinations_for", lambda *a, **k: synthetic):
                world = load_world(request)
            status, message = "ok", ""
        except TourlinkError as exc:
            status, message = "failed", str(exc)
        except MemoryError as exc:
            status, message = "failed", str(exc) or "out of memory building the travel matrix"
    rows.append({"phase": "matrix", "n_candidates": n, "n_places": len(world.places) if world else "",
                 "time_limit": "", "within_limit": "", "status": status, "visits": "", "score": "",
                 "message": message, **m})
    if world is None:
        return rows
    visits = score = ""
    with measured(use_tracemalloc) as m:
        try:
            it = plan(request, world=world)
            status, message = "ok", ""
            visits, score = len(it.visits), round(it.score, 1)
        except TourlinkError as exc:
            status, message = "failed", str(exc)
        except MemoryError:
            status, message = "failed", "out of memory in the solver"
    rows.append({"phase": "solve", "n_candidates": len(world.candidates), "n_places": len(world.places),
                 "time_limit": time_limit, "within_limit": m["seconds"] <= GRACE * time_limit,
                 "status": status, "visits": visits, "score": score, "message": message, **m})
    return rows


def table(rows: list[dict]) -> str:
    """A fixed-width text table of ``rows``."""
    cols = ["phase", "n_candidates", "n_places", "seconds", "time_limit", "within_limit", "rss_peak_mb",
            "tracemalloc_peak_mb", "status", "visits", "score"]
    width = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in cols}
    lines = ["  ".join(c.rjust(width[c]) for c in cols)]
    lines += ["  ".join(str(r.get(c, "")).rjust(width[c]) for c in cols) for r in rows]
    lines += [f"{r['phase']}: {r['message']}" for r in rows if r.get("message")]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5000, help="synthetic candidate destinations (default 5000)")
    ap.add_argument("--partnership", default="kien-giang--hau-giang", help="programme whose destinations are "
                    "jittered (default kien-giang--hau-giang)")
    ap.add_argument("--start", default="Cần Thơ", help="start and end place (default Cần Thơ)")
    ap.add_argument("--days", type=int, default=3, help="tour days (default 3)")
    ap.add_argument("--date", type=date.fromisoformat, default=date(2026, 12, 10), help="date of day 1")
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds of search (default 60)")
    ap.add_argument("--sigma", type=float, default=0.03, help="jitter in degrees (default 0.03)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-tracemalloc", action="store_true",
                    help="measure RSS only (no tracemalloc overhead)")
    ap.add_argument("--csv", type=Path, default=ROOT / "benchmarks" / "results" / "bench_scale.csv")
    ap.add_argument("--shared", default=None, help="ignored (bundled data only; accepted for run_all.py)")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("--n must be at least 1")
    try:
        rows = run(n=args.n, partnership=args.partnership, start=args.start, days=args.days,
                   start_date=args.date, time_limit=args.time_limit, seed=args.seed, sigma=args.sigma,
                   use_tracemalloc=not args.no_tracemalloc)
    except TourlinkError as exc:
        print(f"bench_scale: cannot run: {exc}")
        return 1
    print(table(rows))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    write_text(args.csv, buf.getvalue())
    print(f"wrote {args.csv}")
    solve = [r for r in rows if r["phase"] == "solve"]
    ok = all(r["status"] == "ok" for r in rows) and all(r["within_limit"] for r in solve)
    clear_failure = any(r["status"] == "failed" and r["message"] for r in rows)
    return 0 if ok or clear_failure else 1


if __name__ == "__main__":
    sys.exit(main())
