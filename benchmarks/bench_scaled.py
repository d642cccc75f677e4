"""Scaled benchmark: the optimiser on instances bigger than the published ones, against long-run references.

Generates the instances of :data:`tourlink.bench.scaled.DEFAULT` from ``--shared``'s published
files (200–300 TOPTW places over 2–3 times the horizon; OPHS with twice the POIs, five hotels
and four trips), solves each with the default budget (10 s, seed 0; or ``--iterations``), verifies
every solution against the instance, and compares the score with
``benchmarks/references/scaled.csv`` (the best of several long runs, tied to the generated text
by a hash). Prints a table and writes ``benchmarks/results/bench_scaled.csv``.

``--make-reference`` runs ``--seeds`` seeds × ``--seconds`` per instance instead and updates the
references (a reference only rises).

Usage: ``python benchmarks/bench_scaled.py --shared ../shared [--time-limit 10] [--quick]
[--make-reference --seeds 3 --seconds 300]``
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tourlink.atomic import write_text  # noqa: E402
from tourlink.bench import runner, scaled  # noqa: E402

REFERENCES = ROOT / "benchmarks" / "references" / "scaled.csv"
REF_COLUMNS = ["instance", "format", "digest", "reference", "runs", "seconds_per_run", "date"]
COLUMNS = ["instance", "format", "places", "score", "reference", "gap_pct", "feasible", "seconds",
           "time_limit", "over_limit_s"]


def read_references(path: Path = REFERENCES) -> dict[str, dict]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["instance"]: r for r in csv.DictReader(fh)}


def to_csv(rows: list[dict], columns: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--iterations", type=int, default=None)
    ap.add_argument("--quick", action="store_true", help="the first TOPTW and the first OPHS instance only")
    ap.add_argument("--make-reference", action="store_true")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=300.0)
    ap.add_argument("--only", default=None, help="comma-separated instance names")
    ap.add_argument("--csv", type=Path, default=ROOT / "benchmarks" / "results" / "bench_scaled.csv")
    args = ap.parse_args(argv)
    base = args.shared / "bench" / "instances"
    if not base.is_dir():
        print(f"bench_scaled: {base} absent; nothing to do")
        return 0
    which = scaled.DEFAULT
    if args.quick:
        which = (scaled.DEFAULT[0], next(w for w in scaled.DEFAULT if w[0] == "ophs"))
    refs = read_references()
    with tempfile.TemporaryDirectory() as tmp:
        made = scaled.generate(base, tmp, which)
        if args.only:
            wanted = set(args.only.split(","))
            made = [m for m in made if m[1] in wanted]
        if args.make_reference:
            return make_reference(made, refs, args)
        rows = []
        for fmt, name, path in made:
            digest = scaled.digest(path.read_text(encoding="utf-8"))
            t0 = time.perf_counter()
            limit = None if args.iterations else args.time_limit
            out = runner.solve_file(path, fmt, name=name, time_limit=limit, max_iterations=args.iterations)
            seconds = time.perf_counter() - t0
            ref = refs.get(name)
            ref_score = int(ref["reference"]) if ref and ref["digest"] == digest else None
            gap = None if not ref_score else round(100.0 * (ref_score - out.score) / ref_score, 2)
            places = len(runner_places(fmt, path))
            rows.append({"instance": name, "format": fmt, "places": places, "score": out.score,
                         "reference": ref_score or "", "gap_pct": "" if gap is None else gap,
                         "feasible": out.feasible, "seconds": round(seconds, 1),
                         "time_limit": "" if limit is None else limit,
                         "over_limit_s": "" if limit is None else round(max(0.0, seconds - limit), 1)})
            r = rows[-1]
            print(f"{name:<20} {fmt:<6} {places:>4} places  score {out.score:>5}  ref {r['reference']!s:>5}  "
                  f"gap {r['gap_pct']!s:>6} %  {r['seconds']:>5} s  feasible {out.feasible}", flush=True)
    gaps = [r["gap_pct"] for r in rows if r["gap_pct"] != ""]
    if gaps:
        print(f"mean gap {sum(gaps) / len(gaps):.2f} % (max {max(gaps):.2f} %) over {len(gaps)} instances; "
              f"max over the limit {max(float(r['over_limit_s'] or 0) for r in rows):.1f} s")
    write_text(args.csv, to_csv(rows, COLUMNS))
    return 0


def runner_places(fmt: str, path: Path) -> list:
    from tourlink.bench import ophs, toptw
    if fmt == "toptw":
        return list(range(1, toptw.read_toptw(path).n))
    inst = ophs.read_ophs(path)
    return list(range(inst.n_hotels, len(inst.x)))


def make_reference(made, refs: dict[str, dict], args) -> int:
    for fmt, name, path in made:
        digest = scaled.digest(path.read_text(encoding="utf-8"))
        scores = []
        for seed in range(args.seeds):
            out = runner.solve_file(path, fmt, name=name, time_limit=args.seconds, seed=seed)
            if out.feasible:
                scores.append(out.score)
            print(f"{name} seed {seed}: {out.score} (feasible {out.feasible})", flush=True)
        old = refs.get(name)
        best = max(scores, default=0)
        if old and old["digest"] == digest and int(old["reference"]) >= best:
            continue
        refs[name] = {"instance": name, "format": fmt, "digest": digest, "reference": best,
                      "runs": len(scores), "seconds_per_run": args.seconds, "date": date.today().isoformat()}
        write_text(REFERENCES, to_csv(sorted(refs.values(), key=lambda r: r["instance"]), REF_COLUMNS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
