"""Run every published benchmark family through tourlink's optimiser and tabulate the gaps.

    python benchmarks/run_all.py --shared ../shared [--time-limit 10] [--quick]

Families: TOPTW c1 / r1 / rc1 with one tour (gap to the best-known, mostly proven optima,
and to the ILS reference), the same with 2-4 tours, OPHS SET_1-2, and the multi-day TTDP
set. Then runs ``benchmarks/bench_matrix.py``, ``benchmarks/bench_plan.py`` (real tours, seeds 0-3),
``benchmarks/bench_scaled.py`` (200–300 places),
``benchmarks/bench_scale.py`` and ``benchmarks/bench_batch.py`` when present. Writes one CSV
per family and ``summary.csv`` to ``benchmarks/results/``; prints a table per family. Exits 0
with a message where the shared folder (or a family's folder) is absent.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tourlink.atomic import write_text  # noqa: E402
from tourlink.bench import runner  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
QUICK = {"c1": ["c101", "c104"], "r1": ["r101", "r112"], "rc1": ["rc101", "rc108"],
         "ophs": ["64-45-1-2", "T1-65-1-2"], "ttdp": ["t101", "t120"]}


def families(shared: Path, multi: list[int]) -> list[dict]:
    """The benchmark families: name, folder, instances filter, tours, BKS and reference files."""
    inst, bks = shared / "bench" / "instances", shared / "bench" / "bks"
    solomon = inst / "toptw_solomon"
    names = sorted(p.stem for p in runner.instance_files(solomon)) if solomon.is_dir() else []
    out = []

    def toptw(m: int) -> list[dict]:
        fams = []
        for fam in ("c1", "r1", "rc1"):
            members = [n for n in names if n.startswith(fam) and n[len(fam):].isdigit()]
            fams.append({"family": f"{fam} m={m}", "key": fam, "dir": solomon, "instances": members,
                         "tours": m, "bks": bks / "toptw.csv", "ref": bks / "optw_ils_reference.csv"})
        return fams

    out += toptw(1)  # the goals first, then the other families, m = 2-4 last
    out.append({"family": "OPHS SET_1-2", "key": "ophs", "dir": inst / "ophs" / "SET_1-2",
                "instances": None, "tours": None, "bks": bks / "ophs.csv", "ref": None})
    out.append({"family": "TTDP", "key": "ttdp", "dir": inst / "ttdp_gavalas", "instances": None,
                "tours": None, "bks": bks / "ttdp_gavalas.csv", "ref": None})
    for m in multi:
        out += toptw(m)
    return out


def summarise(family: str, rows: list[dict], ref: dict | None) -> dict:
    """Mean gap to BKS and to the reference, optimum hits, seconds, infeasible count."""
    with_bks = [r for r in rows if r["bks"] != ""]
    gaps = [float(r["gap_pct"]) for r in with_bks]
    ref_gaps, below_ref = [], 0
    for r in rows:
        value = runner.lookup(ref, r["instance"], int(r["tours"])) if ref else None
        if value:
            ref_gaps.append(100.0 * (value - r["score"]) / value)
            below_ref += r["score"] < value
    return {"family": family, "instances": len(rows),
            "mean_gap_bks_pct": round(statistics.fmean(gaps), 3) if gaps else "",
            "max_gap_bks_pct": round(max(gaps), 3) if gaps else "",
            "hits": f"{sum(r['score'] >= r['bks'] for r in with_bks)}/{len(with_bks)}" if with_bks else "",
            "mean_gap_ref_pct": round(statistics.fmean(ref_gaps), 3) if ref_gaps else "",
            "below_ref": below_ref if ref_gaps else "",
            "mean_score": round(statistics.fmean(r["score"] for r in rows), 1) if rows else "",
            "mean_seconds": round(statistics.fmean(r["seconds"] for r in rows), 2) if rows else "",
            "infeasible": sum(not r["feasible"] for r in rows)}


def table(summaries: list[dict]) -> str:
    """Plain-text table of the family summaries."""
    cols = ["family", "instances", "mean_gap_bks_pct", "max_gap_bks_pct", "hits", "mean_gap_ref_pct",
            "below_ref", "mean_score", "mean_seconds", "infeasible"]
    widths = [max(len(c), *(len(str(s[c])) for s in summaries)) for c in cols]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True))]
    lines += ["  ".join(str(s[c]).ljust(w) for c, w in zip(cols, widths, strict=True)) for s in summaries]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the shared folder")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per instance (10)")
    parser.add_argument("--quick", action="store_true", help="two instances per family, 2 s each")
    parser.add_argument("--tours", default="2,3,4",
                        help="extra tour counts for TOPTW (default 2,3,4; '' for none)")
    parser.add_argument("--multi-instances", default=None,
                        help="comma-separated subset of TOPTW instances for m >= 2 (default all)")
    parser.add_argument("--only", default=None, help="comma-separated family keys: c1,r1,rc1,ophs,ttdp")
    parser.add_argument("--no-others", action="store_true",
                        help="skip the other benchmark scripts (bench_matrix, bench_plan, bench_scaled, ...)")
    args = parser.parse_args(argv)
    if not (args.shared / "bench").is_dir():
        print(f"run_all: {args.shared / 'bench'} is absent; nothing to benchmark (skipped)")
        return 0
    limit = 2.0 if args.quick else args.time_limit
    multi = [int(m) for m in args.tours.split(",") if m.strip()]
    subset = set(args.multi_instances.split(",")) if args.multi_instances else None
    only = set(args.only.split(",")) if args.only else None
    summaries, all_rows = [], []
    for fam in families(args.shared, multi):
        if only and fam["key"] not in only:
            continue
        if not fam["dir"].is_dir():
            print(f"# {fam['family']}: {fam['dir']} is absent (skipped)")
            continue
        names = fam["instances"]
        if args.quick:
            names = QUICK[fam["key"]]
        elif subset is not None and (fam["tours"] or 1) > 1:
            names = [n for n in names if n in subset]
        if names is not None and not names:
            continue
        bks = runner.load_bks(fam["bks"]) if fam["bks"].is_file() else {}
        ref = runner.load_bks(fam["ref"]) if fam["ref"] and fam["ref"].is_file() else None
        print(f"# {fam['family']}: {len(names) if names is not None else 'all'} instances, {limit:g} s each",
              flush=True)
        rows = runner.run(fam["dir"], tours=fam["tours"], time_limit=limit, bks=bks, instances=names,
                          on_result=lambda r: print("  " + ",".join(str(r[c]) for c in runner.COLUMNS),
                                                    flush=True))
        slug = fam["family"].replace(" ", "_").replace("=", "").lower()
        write_text(RESULTS / f"{slug}.csv", runner.rows_to_csv(rows))
        summaries.append(summarise(fam["family"], rows, ref))
        all_rows += rows
    if summaries:
        text = table(summaries)
        print("\n" + text)
        header = list(summaries[0])
        write_text(RESULTS / "summary.csv", ",".join(header) + "\n" + "".join(
            ",".join(str(s[c]) for c in header) + "\n" for s in summaries))
        write_text(RESULTS / "summary.txt", f"time limit {limit:g} s per instance, "
                   f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n" + text + "\n")
    status = 1 if any(not r["feasible"] for r in all_rows) else 0
    if not args.no_others:
        scale = ["--no-tracemalloc", "--csv", str(RESULTS / "bench_scale.csv")]
        others = {"bench_matrix.py": ["--quick"] if args.quick else [],
                  "bench_plan.py": ["--quick"] if args.quick else ["--seed", "0,1,2,3"],
                  "bench_scaled.py": ["--quick"] if args.quick else [],
                  "bench_scale.py": scale + (["--n", "1000", "--time-limit", "20"] if args.quick else []),
                  "bench_batch.py": ["--quick"] if args.quick else []}
        for script, extra in others.items():
            path = ROOT / "benchmarks" / script
            if not path.is_file():
                print(f"# {script}: not present (skipped)")
                continue
            cmd = [sys.executable, str(path), "--shared", str(args.shared), *extra]
            print(f"# running {script}", flush=True)
            code = subprocess.run(cmd, cwd=ROOT).returncode
            if code:
                print(f"# {script} exited with {code}")
                status = status or code
    return status


if __name__ == "__main__":
    sys.exit(main())
