"""Reliability figures of the CLI: bad inputs (how each class ends) and interrupted writes (files left).

Run from a worktree (it plans with a small iteration limit, so it takes a few minutes)::

    .venv/bin/python tools/reliability.py            # both parts
    .venv/bin/python tools/reliability.py --inputs   # only the bad inputs
    .venv/bin/python tools/reliability.py --interrupts --repeat 12

Each bad input runs ``python -m tourlink ...`` in a subprocess with a time limit and a memory
cap and is classed by how it ends: ``exit 2`` (one clean line on stderr, as the CLI promises),
``exit 0`` (accepted), ``exit 1``, ``traceback``, ``timeout`` or ``killed``. Every case says
what it should end with; the table counts the cases that end as expected.

Interrupted writes send SIGINT to the process group (as Ctrl-C does) while ``export`` or
``plan --pack`` writes the pack, at increasing delays after the first file appears, and count
what is left: in a new folder nothing or the whole pack; over an older pack the older pack
intact or the whole new one (byte for byte: ``SOURCE_DATE_EPOCH`` makes packs reproducible);
never a mix, never a temporary file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
EPOCH = "1767225600"  # every run makes the same files (reproducible packs)
PLAN = ["plan", "--partnership", "kien-giang--hau-giang", "--days", "2", "--start", "Cần Thơ",
        "--date", "2026-12-10", "--iterations", "30", "--no-sea"]


def _limits() -> None:  # in the child: 2 GB of memory, its own process group
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def run_cli(argv: list[str], *, timeout: float = 60, cwd: Path | None = None) -> dict:
    """Run the CLI; return {code, outcome, stderr_lines, seconds}."""
    t0 = time.monotonic()
    env = dict(os.environ, PYTHONIOENCODING="utf-8", TQDM_DISABLE="1", SOURCE_DATE_EPOCH=EPOCH)
    try:
        p = subprocess.run([PY, "-m", "tourlink", *argv], capture_output=True, text=True, timeout=timeout,
                           preexec_fn=_limits, cwd=cwd, env=env, errors="replace")
    except subprocess.TimeoutExpired:
        return {"code": None, "outcome": "timeout", "stderr": "", "seconds": timeout}
    err = p.stderr.strip()
    if "Traceback (most recent call last)" in err:
        outcome = "traceback"
    elif p.returncode < 0 or p.returncode == 137 or "MemoryError" in err:
        outcome = "killed"
    elif p.returncode == 2:
        outcome = "exit 2" if err.count("\n") == 0 and len(err) < 2000 else "exit 2 (messy)"
    else:
        outcome = f"exit {p.returncode}"
    return {"code": p.returncode, "outcome": outcome, "stderr": err, "stdout": p.stdout,
            "seconds": round(time.monotonic() - t0, 1)}


# ----------------------------------------------------------------- bad inputs
def _files(tmp: Path) -> dict[str, Path]:
    """Hostile and broken input files, written into ``tmp``."""
    f = {}

    def put(name: str, text: str) -> None:
        f[name] = tmp / name
        f[name].write_text(text, encoding="utf-8")

    bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i, (prev, cur) in enumerate(zip("abcdefgh", "bcdefghi", strict=True)):
        bomb.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
        del i
    put("bomb.yaml", "\n".join(bomb) + "\n")
    put("deep.yaml", "[" * 5000 + "]" * 5000 + "\n")
    put("deep.toml", "x = " + "[" * 5000 + "]" * 5000 + "\n")
    put("deep_req.toml", 'start_date = 2026-12-10\ndays = 2\nstart = "Cần Thơ"\n'
        'partnership = "kien-giang--hau-giang"\nmust = ' + "[" * 3000 + "]" * 3000 + "\n")
    base = ('partnership = "kien-giang--hau-giang"\nstart_date = 2026-12-10\nstart = "Cần Thơ"\n'
            'sea = false\n')
    put("newline.toml", base + 'days = 2\ntitle = "a\\nb\\r\\nc"\n')
    put("road05.toml", base + "days = 2\nmax_road_hours = 0.5\n")
    put("zero_themes.toml", base + "days = 2\n[themes]\n" + "".join(
        f"{t} = 0\n" for t in ("heritage", "spiritual", "nature", "orchard", "craft_village", "beach_island",
                               "floating_market", "museum", "cultural_institution", "revolutionary_historic",
                               "intangible_heritage", "market_food")))
    put("broken.yaml", "- id: [unclosed\n")
    put("empty.yaml", "")
    put("huge_name.toml", base + 'days = 2\n' + 'x' * 100_000 + ' = 1\n')
    return f


def _itineraries(tmp: Path, good: Path) -> dict[str, Path]:
    """Inconsistent variants of a planned itinerary.json."""
    data = json.loads(good.read_text(encoding="utf-8"))
    out = {}

    def put(name: str, d: dict) -> None:
        out[name] = tmp / name
        out[name].write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")

    moved = json.loads(json.dumps(data))
    stop = next(s for d in moved["days"] for s in d["stops"] if s["kind"] == "destination")
    stop["lon"], stop["lat"] = 2.35, 48.85  # Paris, still labelled with its province
    put("moved.json", moved)
    long = json.loads(json.dumps(data))
    long["days"] = [json.loads(json.dumps(long["days"][0])) for _ in range(800)]
    for i, d in enumerate(long["days"], 1):
        d["day"] = i
    put("800days.json", long)
    swapped = json.loads(json.dumps(data))
    d0 = swapped["days"][0]
    if len(d0["stops"]) > 1:
        d0["stops"][0], d0["stops"][1] = d0["stops"][1], d0["stops"][0]
    put("swapped.json", swapped)
    newline = json.loads(json.dumps(data))
    newline["title"] = "line one\nline two\r\nline three"
    put("newline.json", newline)
    return out


def bad_inputs(tmp: Path, good: Path, shared: Path | None = None) -> list[tuple[str, list[str], str]]:
    """(class, argv, expected outcome) of every case; expected is "exit 2", "exit 0" or "warn"."""
    f = _files(tmp)
    it = _itineraries(tmp, good)
    out = str(tmp / "out")
    long_name = "x" * 100_000
    cases: list[tuple[str, list[str], str]] = []
    add = cases.append
    # 1 alias bombs
    add(("1 yaml bomb", ["partnerships", "--file", str(f["bomb.yaml"])], "exit 2"))
    add(("1 yaml bomb", ["partnerships", "show", "x", "--file", str(f["bomb.yaml"])], "exit 2"))
    add(("1 yaml bomb", ["destinations", "--partnership", "x", "--file", str(f["bomb.yaml"])], "exit 2"))
    # 2 deep nesting, far dates
    add(("2 deep/far", ["partnerships", "--file", str(f["deep.yaml"])], "exit 2"))
    add(("2 deep/far", ["plan", "--request", str(f["deep.toml"])], "exit 2"))
    add(("2 deep/far", ["plan", "--request", str(f["deep_req.toml"])], "exit 2"))
    for d in ("9999-12-31", "9999-12-25", "0001-01-01", "1900-01-01", "2200-06-01"):
        add(("2 deep/far", [*PLAN[:7], "--date", d, *PLAN[9:]], "exit 2"))
    # 3 newline title
    add(("3 newline title", ["plan", "--request", str(f["newline.toml"]), "--iterations", "30", "--out",
                             out + "-nl", "--pack"], "exit 0"))
    add(("3 newline title", ["export", str(it["newline.json"]), "--out", out + "-nl2"], "exit 0"))
    # 5 online by default (checked on the files, see check_offline)
    # 6 flags
    add(("6 flags", [*PLAN, "--iterations", "10000000000"], "exit 2"))
    add(("6 flags", [*PLAN, "--iterations", "0"], "exit 2"))
    add(("6 flags", [*PLAN[:-3], "--iterations", "30", "--time-limit", "5"], "exit 2"))
    bench = str(shared / "bench" / "instances" / "toptw_solomon") if shared else ""
    if bench and Path(bench).is_dir():
        for v in ("0", "-1", "-0.5", "nan", "inf"):
            add(("6 flags", ["bench", bench, "--instances", "c101", "--time-limit", v], "exit 2"))
    add(("6 flags", [*PLAN, "--exclude", "zz-no-such-place"], "exit 2"))
    add(("6 flags", [*PLAN, "--must", "zz-no-such-place"], "exit 2"))
    add(("6 flags", [*PLAN, "--provinces", "Bắc Giang"], "exit 2"))
    add(("6 flags", [*PLAN, "--out", ""], "exit 2"))
    add(("6 flags", ["export", str(good), "--out", ""], "exit 2"))
    add(("6 flags", ["partnerships", "map", "kien-giang--hau-giang", "--out", ""], "exit 2"))
    add(("6 flags", [*PLAN, "--time-limit", "nan"], "exit 2"))
    add(("6 flags", [*PLAN, "--time-limit", "1e300"], "exit 2"))
    # 7 nothing to visit
    add(("7 empty plan", ["plan", "--request", str(f["road05.toml"]), "--iterations", "30"], "exit 2"))
    add(("7 empty plan", ["plan", "--request", str(f["zero_themes.toml"]), "--iterations", "30"], "exit 2"))
    # 8 inconsistent itineraries
    for name in ("moved.json", "800days.json", "swapped.json"):
        add(("8 bad itinerary", ["export", str(it[name]), "--out", out + "-" + name], "exit 2"))
        add(("8 bad itinerary", ["check", str(it[name])], "exit 2"))
    add(("8 bad itinerary", ["check", str(good)], "exit 0"))
    # 10 messages
    add(("10 messages", ["plan", "--request", str(f["huge_name.toml"])], "exit 2"))
    add(("10 messages", ["partnerships", "show", long_name], "exit 2"))
    add(("10 messages", ["provinces", "resolve", long_name], "exit 2"))
    add(("10 messages", ["route", long_name, "Cần Thơ"], "exit 2"))
    add(("10 messages", [*PLAN[:5], "--start", long_name, *PLAN[7:]], "exit 2"))
    add(("10 messages", ["partnerships", "map", "kien-giang--hau-giang", "--out", "/proc/x/y.html"],
         "exit 2"))
    add(("10 messages", ["partnerships", "map", "kien-giang--hau-giang", "--out", str(tmp)], "exit 2"))
    # general fuzz classes, as in tests/test_fuzz_cli.py
    for argv in (["plan", "--zz"], ["provinces", "list", "--scheme", "1975"], ["route", "95,200", "Cần Thơ"],
                 ["partnerships", "--file", str(f["broken.yaml"])],
                 ["partnerships", "--file", str(f["empty.yaml"])],
                 ["partnerships", "--file", str(tmp / "missing.yaml")],
                 ["export", str(tmp / "missing.json"), "--out", out], ["bench", str(tmp / "missing")],
                 [*PLAN[:5], "--days", "0", *PLAN[7:]], ["--lang", "fr", "partnerships"]):
        add(("general", argv, "exit 2"))
    return cases


def measure_inputs(tmp: Path, good: Path, shared: Path | None) -> list[dict]:
    rows = []
    for cls, argv, expect in bad_inputs(tmp, good, shared):
        r = run_cli(argv, timeout=90)
        ok = r["outcome"] == expect
        rows.append({"class": cls, "argv": " ".join(a if len(a) < 60 else a[:20] + "…" for a in argv),
                     "expect": expect, "outcome": r["outcome"], "ok": ok,
                     "stderr": r["stderr"][-300:], "seconds": r["seconds"]})
        print(f"{'ok ' if ok else 'BAD'} {cls:<16} {r['outcome']:<14} {rows[-1]['argv'][:90]}"
              + ("" if ok else f"\n      {r['stderr'][-240:]!r}"), flush=True)
    return rows


def check_offline(tmp: Path, good: Path) -> list[dict]:
    """Bug 5: maps written without --online must not load anything from the web."""
    rows = []
    for label, argv, page in (
        ("plan --out", [*PLAN, "--out", str(tmp / "off-plan")], tmp / "off-plan" / "map.html"),
        ("partnerships map", ["partnerships", "map", "kien-giang--hau-giang", "--out", str(tmp / "pm.html")],
         tmp / "pm.html"),
        ("export", ["export", str(good), "--out", str(tmp / "off-export"), "--formats", "map"],
         tmp / "off-export" / "map.html"),
    ):
        r = run_cli(argv)
        html = page.read_text(encoding="utf-8") if page.exists() else ""
        loads = r"<(?:script|link|img)\b[^>]*\b(?:src|href)=\"https?:"  # what the page fetches, not <a> links
        web = len(re.findall(loads, html))
        rows.append({"class": "5 offline map", "argv": label, "expect": "no web link",
                     "outcome": f"{web} web links" if html else r["outcome"], "ok": bool(html) and web == 0})
        print(f"{'ok ' if rows[-1]['ok'] else 'BAD'} 5 offline map     {rows[-1]['outcome']:<14} {label}")
    return rows


# ----------------------------------------------------------------- interrupts
def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha1(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _interrupt(argv: list[str], target: Path, delay: float) -> None:
    """Start the CLI, wait until something appears beside or in ``target``, wait ``delay``, Ctrl-C."""
    parent = target.parent
    before = set(os.listdir(parent)) | set(os.listdir(target) if target.is_dir() else ())
    before_mtime = {p.name: p.stat().st_mtime_ns for p in target.iterdir()} if target.is_dir() else {}
    env = dict(os.environ, PYTHONIOENCODING="utf-8", TQDM_DISABLE="1", SOURCE_DATE_EPOCH=EPOCH)
    p = subprocess.Popen([PY, "-m", "tourlink", *argv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         start_new_session=True, env=env)
    t_end = time.monotonic() + 120
    while time.monotonic() < t_end and p.poll() is None:
        now = set(os.listdir(parent)) | set(os.listdir(target) if target.is_dir() else ())
        changed = target.is_dir() and any(
            p_.stat().st_mtime_ns != before_mtime.get(p_.name) for p_ in target.iterdir() if p_.is_file())
        if now - before or changed:
            break
        time.sleep(0.005)
    time.sleep(delay)
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGINT)
    try:
        p.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    p.stderr.close()


def measure_interrupts(tmp: Path, good: Path, *, repeat: int) -> list[dict]:
    """Interrupt export / plan --pack at increasing delays; count what is left."""
    full = tmp / "full"
    run_cli(["export", str(good), "--out", str(full)])
    new = _digest(full)  # what an uninterrupted run writes, byte for byte
    complete = set(new)
    old = tmp / "old-pack"
    run_cli(["export", str(good), "--out", str(old), "--formats", "json,map,gpx,kml,csv,html"])
    # an "older" pack: the same files from another title, so a mix shows
    data = json.loads(good.read_text(encoding="utf-8"))
    data["title"] = "An older tour"
    older = tmp / "older.json"
    older.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    rows = []
    scenarios = [
        ("export → new folder", lambda out: ["export", str(good), "--out", str(out)], False),
        ("export → older pack", lambda out: ["export", str(good), "--out", str(out)], True),
        ("plan --pack → new folder", lambda out: [*PLAN, "--out", str(out), "--pack"], False),
        ("plan --pack → older pack", lambda out: [*PLAN, "--out", str(out), "--pack"], True),
    ]
    for label, argv_of, over_old in scenarios:
        for k in range(repeat):
            case = tmp / f"int-{label.split()[0]}-{int(over_old)}-{k}"
            case.mkdir()
            out = case / "pack"
            if over_old:
                run_cli(["export", str(older), "--out", str(out)])
            old_digest = _digest(out) if out.exists() else {}
            delay = 0.05 * k * (4 if "plan" in label else 1)  # from mid-write to after the end
            _interrupt(argv_of(out), out, delay)
            left = _digest(out) if out.is_dir() else {}
            stray = [n for n in os.listdir(case) if n != "pack"]
            stray += [n for n in left if n.startswith(".") or n.endswith(".tmp")]
            if over_old:
                state = ("old pack intact" if left == old_digest else
                         "whole new pack" if _same(left, new) else "mixed")
            else:
                state = ("nothing" if not out.exists() else "empty folder" if not left else
                         "whole pack" if _same(left, new) else f"{len(left)} of {len(complete)} files")
            ok = state in ("nothing", "whole pack", "old pack intact", "whole new pack") and not stray
            rows.append({"class": label, "delay": delay, "state": state, "stray": stray, "ok": ok})
            print(f"{'ok ' if ok else 'BAD'} {label:<26} +{delay:.2f}s  {state}"
                  + (f"  stray: {stray}" if stray else ""), flush=True)
            shutil.rmtree(case, ignore_errors=True)
    return rows


def _same(left: dict[str, str], new: dict[str, str]) -> bool:
    """``left`` is the uninterrupted pack: the same files, the same bytes (PDFs: Chromium's own bytes)."""
    return set(left) == set(new) and all(left[n] == new[n] for n in left if not n.endswith(".pdf"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inputs", action="store_true", help="only the bad inputs")
    ap.add_argument("--interrupts", action="store_true", help="only the interrupted writes")
    ap.add_argument("--repeat", type=int, default=8, help="interrupts per scenario (8)")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                    help="the shared folder (for the bench cases; skipped when absent)")
    ap.add_argument("--json", type=Path, default=None, help="also write the rows as JSON")
    args = ap.parse_args()
    both = not (args.inputs or args.interrupts)
    tmp = Path(tempfile.mkdtemp(prefix="tourlink-reliability-"))
    try:
        r = run_cli([*PLAN, "--out", str(tmp / "good")])
        good = tmp / "good" / "itinerary.json"
        if not good.exists():
            print("cannot plan the reference tour:", r["stderr"], file=sys.stderr)
            return 1
        rows: dict[str, list[dict]] = {}
        if args.inputs or both:
            rows["inputs"] = measure_inputs(tmp, good, args.shared) + check_offline(tmp, good)
        if args.interrupts or both:
            rows["interrupts"] = measure_interrupts(tmp, good, repeat=args.repeat)
        print()
        for part, rs in rows.items():
            by = Counter((r["class"], r.get("outcome") or r.get("state")) for r in rs)
            okc = Counter(r["class"] for r in rs if r["ok"])
            allc = Counter(r["class"] for r in rs)
            print(f"{part}: {sum(okc.values())} of {len(rs)} end as they should")
            for cls in allc:
                ends = ", ".join(f"{n}× {o}" for (c, o), n in sorted(by.items()) if c == cls)
                print(f"  {cls:<26} {okc[cls]:>3}/{allc[cls]:<3} {ends}")
        if args.json:
            args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
