"""Run the optimiser on a folder of published instances and compare with best-known scores.

Every instance goes through the project's own solver (:func:`tourlink.optimise.inner.solve`,
or :func:`tourlink.optimise.hotels.best_sequence` for OPHS), and every solution is
re-checked by the format's verifier, which recomputes each route from the instance data.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from tourlink.atomic import write_text
from tourlink.bench import ophs, toptw, ttdp
from tourlink.errors import NotFoundError, ValidationError
from tourlink.optimise.hotels import best_sequence
from tourlink.optimise.inner import solve

log = logging.getLogger(__name__)

COLUMNS = ("instance", "tours", "score", "bks", "gap_pct", "feasible", "seconds")
FORMATS = ("toptw", "ophs", "ttdp")


@dataclass(frozen=True)
class Outcome:
    """Result of one instance: verified score and the verifier's complaints."""

    instance: str
    tours: int
    score: int
    feasible: bool
    seconds: float
    problems: tuple[str, ...] = ()
    routes: tuple[tuple[int, ...], ...] = ()
    hotels: tuple[int, ...] = ()

    def solution(self, fmt: str) -> dict:
        """The solution in a form anyone can check against the instance file (vertex ids as in it)."""
        out = {"instance": self.instance, "format": fmt, "tours": self.tours, "score": self.score,
               "feasible": self.feasible, "routes": [list(r) for r in self.routes]}
        if fmt == "ophs":
            out["hotels"] = [0, *self.hotels, 1]  # trip d runs from hotels[d] to hotels[d + 1]
        return out


def instance_files(folder: str | Path) -> list[Path]:
    """Instance files under ``folder`` (recursively), format descriptions left out, sorted."""
    folder = Path(folder)
    files = [p for p in folder.rglob("*") if p.is_file() and p.suffix in (".txt", ".ophs")
             and "format" not in p.name.lower() and not p.name.startswith(".")]
    return sorted(files)


def detect_format(folder: str | Path) -> str:
    """``toptw``, ``ophs`` or ``ttdp``, from the files in ``folder``."""
    files = instance_files(folder)
    if not files:
        raise NotFoundError("benchmark folder with instances", str(folder))
    if any(p.suffix == ".ophs" for p in files):
        return "ophs"
    first = files[0].read_text().split("\n", 1)[0].split()
    return "ttdp" if len(first) >= 10 else "toptw"


def _name(path: Path, folder: Path) -> str:
    return path.relative_to(folder).with_suffix("").as_posix()


def solve_file(path: Path, fmt: str, *, name: str | None = None, tours: int | None = None,
               time_limit: float | None = 10.0, max_iterations: int | None = None,
               seed: int = 0) -> Outcome:
    """Solve one instance file of format ``fmt`` and verify the solution."""
    name = name or path.stem
    t0 = time.perf_counter()
    if fmt == "toptw":
        inst = toptw.read_toptw(path)
        m = tours or 1
        p = toptw.problem(inst, m)
        sol = solve(p, seed=seed, time_limit=time_limit, max_iterations=max_iterations)
        routes = [[p.clients[c].location for c in r.clients] for r in sol.routes]
        score, problems = toptw.verify(inst, routes, tours=m)
        hotels: tuple[int, ...] = ()
    elif fmt == "ophs":
        inst = ophs.read_ophs(path)
        m = inst.trips
        if tours not in (None, m):
            log.warning("%s: OPHS instances fix the number of trips (%d); ignoring --tours", name, m)
        lengths = ophs.scaled_lengths(inst)
        seq, sol = best_sequence(lambda s: ophs.problem(inst, s, lengths=lengths), ophs.sequences(inst),
                                 seed=seed, time_limit=time_limit, max_iterations=max_iterations,
                                 rank=lambda s: ophs.sequence_value(inst, s, lengths))
        p = ophs.problem(inst, seq, lengths=lengths)
        trips = [[] for _ in p.vehicles]
        for r in sol.routes:
            trips[r.vehicle] = [p.clients[c].location for c in r.clients]
        score, problems = ophs.verify(inst, seq, trips)
        routes, hotels = trips, tuple(seq)
    elif fmt == "ttdp":
        inst = ttdp.read_ttdp(path)
        m = tours or inst.days
        p = ttdp.problem(inst, m)
        sol = solve(p, seed=seed, time_limit=time_limit, max_iterations=max_iterations)
        days = [[] for _ in p.vehicles]
        for r in sol.routes:
            days[r.vehicle] = [p.clients[c].location for c in r.clients]
        score, problems = ttdp.verify(inst, days)
        routes, hotels = days, ()
    else:
        raise NotFoundError("benchmark format", fmt, FORMATS)
    if score != sol.prize:
        problems.append(f"verifier score {score} differs from the solver's {sol.prize}")
    feasible = sol.feasible and not problems
    return Outcome(name, m, score, feasible, time.perf_counter() - t0, tuple(problems),
                   routes=tuple(tuple(r) for r in routes), hotels=hotels)


def load_bks(path: str | Path) -> dict[tuple[str, int], int]:
    """``(instance, m) -> score`` from a CSV with ``instance,m`` and ``bks`` or ``ils_score``."""
    path = Path(path)
    out: dict[tuple[str, int], int] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        col = next((c for c in ("bks", "ils_score", "score") if c in (reader.fieldnames or [])), None)
        if col is None or "instance" not in (reader.fieldnames or []) or "m" not in reader.fieldnames:
            raise ValidationError("needs columns instance, m and bks (or ils_score)", source=str(path))
        for row in reader:
            out[(row["instance"], int(row["m"]))] = int(float(row[col]))
    return out


def lookup(table: dict[tuple[str, int], int], name: str, m: int) -> int | None:
    """BKS of ``name`` with ``m`` tours; matches on the path tail (``SET_1-2/x`` ~ ``x``)."""
    if (name, m) in table:
        return table[(name, m)]
    tail = name.rsplit("/", 1)[-1]
    for (inst, mm), v in table.items():
        if mm == m and inst.rsplit("/", 1)[-1] == tail:
            return v
    return None


def rows_to_csv(rows: Iterable[dict], columns: Iterable[str] = COLUMNS) -> str:
    """CSV text of ``rows`` with ``columns`` (default :data:`COLUMNS`; other keys left out)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def run(folder: str | Path, *, tours: int | None = None, time_limit: float | None = 10.0,
        bks: str | Path | dict | None = None, csv: str | Path | None = None,
        instances: Iterable[str] | None = None, max_iterations: int | None = None, seed: int = 0,
        solutions: str | Path | None = None, on_result: Callable[[dict], None] | None = None) -> list[dict]:
    """Solve every instance in ``folder`` and return one row per instance (:data:`COLUMNS`).

    Parameters
    ----------
    folder
        Instances of one format (detected); searched recursively.
    tours
        Number of tours / days (TOPTW default 1, TTDP default the file's; OPHS fixed by the file).
    time_limit, max_iterations, seed
        Budget and seed per instance.
    bks
        CSV of best-known scores (``instance,m,bks``) or an already loaded table.
    csv
        Where to write the rows (atomically).
    solutions
        A folder to write every solution into, one ``<instance>-m<tours>.json`` each: the routes
        as vertex ids of the instance file, the score and the verifier's verdict.
    instances
        Only these instance names (stem or relative path), e.g. ``["c101", "r101"]``.
    on_result
        Called with each row as soon as it is done (progress output).
    """
    folder = Path(folder)
    fmt = detect_format(folder)
    table = bks if isinstance(bks, dict) else (load_bks(bks) if bks else {})
    files = instance_files(folder)
    if instances is not None:
        wanted = set(instances)
        files = [p for p in files if p.stem in wanted or _name(p, folder) in wanted]
        missing = wanted - {p.stem for p in files} - {_name(p, folder) for p in files}
        if missing:
            raise NotFoundError("instance", ", ".join(sorted(missing)),
                                [p.stem for p in instance_files(folder)][:5])
    rows = []
    for path in files:
        out = solve_file(path, fmt, name=_name(path, folder), tours=tours, time_limit=time_limit,
                         max_iterations=max_iterations, seed=seed)
        for msg in out.problems:
            log.error("%s: %s", out.instance, msg)
        best = lookup(table, out.instance, out.tours)
        gap = None if not best else round(100.0 * (best - out.score) / best, 3)
        row = {"instance": out.instance, "tours": out.tours, "score": out.score,
               "bks": "" if best is None else best, "gap_pct": "" if gap is None else gap,
               "feasible": out.feasible, "seconds": round(out.seconds, 2)}
        rows.append(row)
        if solutions is not None:
            target = Path(solutions) / f"{out.instance.replace('/', '__')}-m{out.tours}.json"
            write_text(target, json.dumps(out.solution(fmt), indent=1) + "\n")
        if on_result is not None:
            on_result(row)
    if csv is not None:
        write_text(Path(csv), rows_to_csv(rows))
    return rows


__all__ = ["run", "solve_file", "detect_format", "instance_files", "load_bks", "lookup", "rows_to_csv",
           "COLUMNS", "Outcome"]
