"""Matrix benchmark: travel_matrix for 100 / 300 / 1,000 places on the bundled network.

For each size, all measured in the same run on the same places:

* ``matrix_s``: wall time of ``tourlink.matrix.travel_matrix`` (cache off): snapping all places
  at once (``roads.snap_many``), the search on the contracted network (dead ends and chains out,
  exact), distances along the trees; ``contract_s``: contracting the network, once per network
  and process (measured before the sizes, not in ``matrix_s``); ``peak_mb``: peak traced memory
  of one more call (tracemalloc, which slows it, so it is not timed);
* ``whole_s``: the same with ``contract=False`` (the search over the whole network), and
  ``before_s``, the previous method: ``whole_s`` with the places snapped one by one
  (``roads.snap`` in a loop, ``snap_each_s``) instead of at once (``snap_many_s``), i.e.
  ``whole_s - snap_many_s + snap_each_s``; ``vs_before`` = ``before_s / matrix_s``;
* ``same``: whether both searches give the same minutes and km (to 1e-9);
* the speed-up against per-pair ``nx.shortest_path_length``: a sample of ``--pairs`` pairs is
  timed and scaled up to all n*(n-1) pairs (said so in the table).

Places are points near random road edges (seeded, reproducible).

Usage: ``python benchmarks/bench_matrix.py [--sizes 100,300,1000] [--pairs 200] [--quick]
[--csv OUT] [--shared DIR]`` (``--shared`` is accepted for run_all.py and unused).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from tourlink import matrix, paths, roads  # noqa: E402
from tourlink.atomic import write_text  # noqa: E402

COLUMNS = ["places", "matrix_s", "contract_s", "peak_mb", "whole_s", "snap_many_s", "snap_each_s", "before_s",
           "vs_before", "same", "pairs_sampled", "per_pair_ms", "per_pair_all_s_est", "speedup"]


def random_places(G: nx.MultiDiGraph, n: int, *, seed: int = 0) -> pd.DataFrame:
    """Return ``n`` places within ~1 km of random road edges of ``G`` (reproducible)."""
    rng = random.Random(seed)
    edges = sorted((u, v, k) for u, v, k, d in G.edges(keys=True, data=True)
                   if d.get("mode") == "road" and not d.get("reversed"))
    rows = []
    for i in range(n):
        u, v, k = rng.choice(edges)
        p = G.edges[u, v, k]["geometry"].interpolate(rng.random(), normalized=True)
        rows.append((f"p{i:04d}", p.x + rng.uniform(-0.01, 0.01), p.y + rng.uniform(-0.01, 0.01)))
    return pd.DataFrame(rows, columns=["id", "lon", "lat"])


def contract_seconds(G: nx.MultiDiGraph) -> float:
    """Seconds to contract the network (cleared first; the contraction is then kept)."""
    matrix._CONTRACTIONS.clear()
    t0 = time.perf_counter()
    matrix._contraction(matrix._Csr(G, ("road",)))
    return time.perf_counter() - t0


def one(G: nx.MultiDiGraph, n: int, pairs: int, contract_s: float) -> dict:
    places = random_places(G, n, seed=n)
    t0 = time.perf_counter()
    M = matrix.travel_matrix(places, network=G, cache=False)
    seconds = time.perf_counter() - t0
    tracemalloc.start()
    matrix.travel_matrix(places, network=G, cache=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    t0 = time.perf_counter()
    W = matrix.travel_matrix(places, network=G, cache=False, contract=False)
    whole = time.perf_counter() - t0
    ok = np.isfinite(M.minutes)
    same = bool(np.array_equal(ok, np.isfinite(W.minutes))
                and np.allclose(M.minutes[ok], W.minutes[ok], rtol=0, atol=1e-9)
                and np.allclose(M.km[ok], W.km[ok], rtol=0, atol=1e-9))
    lon, lat = places["lon"].to_numpy(), places["lat"].to_numpy()
    t0 = time.perf_counter()
    roads.snap_many(lon, lat, G)
    snap_many = time.perf_counter() - t0
    t0 = time.perf_counter()
    snaps = [roads.snap(x, y, G, warn=False) for x, y in zip(lon, lat, strict=True)]
    snap_each = time.perf_counter() - t0
    before = whole - snap_many + snap_each
    rng = random.Random(1)
    sample = [(rng.randrange(n), rng.randrange(n)) for _ in range(pairs)]
    t1 = time.perf_counter()
    for i, j in sample:
        try:
            nx.shortest_path_length(G, snaps[i].u, snaps[j].v, weight="travel_time")
        except nx.NetworkXNoPath:
            pass
    per_pair = (time.perf_counter() - t1) / pairs
    est = per_pair * n * (n - 1)
    assert M.minutes.shape == (n, n)
    return {"places": n, "matrix_s": round(seconds, 3), "contract_s": round(contract_s, 3),
            "peak_mb": round(peak / 2**20, 1), "whole_s": round(whole, 3), "snap_many_s": round(snap_many, 3),
            "snap_each_s": round(snap_each, 3),
            "before_s": round(before, 3), "vs_before": round(before / seconds, 2), "same": same,
            "pairs_sampled": pairs, "per_pair_ms": round(per_pair * 1000, 3),
            "per_pair_all_s_est": round(est, 1), "speedup": round(est / seconds, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,300,1000")
    parser.add_argument("--pairs", type=int, default=200, help="per-pair sample size")
    parser.add_argument("--quick", action="store_true", help="sizes 100,300 and 100 pairs")
    parser.add_argument("--csv", type=Path, default=ROOT / "benchmarks" / "results" / "bench_matrix.csv")
    parser.add_argument("--shared", type=Path, default=None, help="unused (bundled data only)")
    args = parser.parse_args(argv)
    sizes = [100, 300] if args.quick else [int(s) for s in args.sizes.split(",")]
    pairs = 100 if args.quick else args.pairs
    G = roads.load_network(sea=False)
    print(f"network: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges; per-pair times are "
          f"a sample of {pairs} nx.shortest_path_length calls scaled to n*(n-1)")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        paths.CACHE_DIR = Path(tmp)
        contract_s = contract_seconds(G)
        print(f"contracting the network: {contract_s:.2f} s (once per network and process)")
        for n in sizes:
            rows.append(one(G, n, pairs, contract_s))
            r = rows[-1]
            print(f"{r['places']:>6} places  matrix {r['matrix_s']:>7.2f} s  peak {r['peak_mb']:>7.1f} MB  "
                  f"whole network {r['whole_s']:>6.2f} s  before {r['before_s']:>6.2f} s "
                  f"(x{r['vs_before']:.2f}, same {r['same']})  per-pair {r['per_pair_ms']:>6.2f} ms -> "
                  f"{r['per_pair_all_s_est']:>8.1f} s est  speed-up {r['speedup']:>7.1f}x", flush=True)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    write_text(args.csv, buf.getvalue())
    print(f"wrote {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
