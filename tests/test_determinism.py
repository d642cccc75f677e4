"""Determinism and atomic output.

* The same request and seed, planned twice with an iteration limit (never a wall-clock limit,
  so a busy machine cannot change the result), gives byte-identical files in every format of
  the famtrip pack, written into two different folders.
* An export interrupted midway (a file write that fails after half its bytes) leaves each
  previous file intact, or no file, and no temporary file behind — in the library and the CLI.
"""

from __future__ import annotations

import importlib.util
import re
from datetime import date
from pathlib import Path

import pytest
from fixtures_itinerary import famtrip

from tourlink.export import FORMATS, write_pack
from tourlink.itinerary import Itinerary

#: every format but PDF (needs Chromium; its bytes are covered by D's own tests where installed)
PACK_FORMATS = [f for f in FORMATS if f != "pdf"]

needs_catalog = pytest.mark.skipif(importlib.util.find_spec("tourlink.catalog") is None,
                                   reason="tourlink.catalog not available")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _small_request():
    from tourlink.request import TourRequest
    return TourRequest(partnership="kien-giang--hau-giang", start_date=date(2026, 12, 10), days=2,
                       start="Cần Thơ", seed=7, title="Determinism check")


@pytest.fixture(scope="module")
def two_plans() -> tuple[Itinerary, Itinerary]:
    """The same small real-data request planned twice (seed 7, 40 iterations per inner solve)."""
    if importlib.util.find_spec("tourlink.catalog") is None:
        pytest.skip("tourlink.catalog not available")
    from tourlink.optimise.outer import plan
    r = _small_request()
    return plan(r, max_iterations=40), plan(r, max_iterations=40)


def test_same_request_and_seed_give_byte_identical_pack(two_plans, tmp_path):
    a, b = two_plans
    files_a = write_pack(a, tmp_path / "a", formats=PACK_FORMATS)
    files_b = write_pack(b, tmp_path / "b", formats=PACK_FORMATS)
    assert [f.name for f in files_a] == [f.name for f in files_b]
    ba, bb = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert set(ba) >= {"itinerary.json", "map.html", "route.gpx", "route.kml", "route.kmz", "route.geojson",
                       "timetable.csv", "timetable.xlsx", "calendar.ics", "itinerary.vi.html",
                       "itinerary.en.html", "README.txt"}
    differ = sorted(name for name in ba if ba[name] != bb.get(name))
    assert not differ, f"files differ between two runs with the same seed: {differ}"


def test_same_request_and_seed_give_byte_identical_itinerary_json(two_plans, tmp_path):
    a, b = two_plans
    assert a.to_json() == b.to_json()


def test_same_itinerary_written_twice_is_byte_identical(tmp_path):
    """The renderers alone (no planner): one itinerary, two folders, same bytes in every file.

    The hand-made famtrip is first normalised by one JSON round trip (its scores are ints in a float
    field); from then on, writing, reading back and writing again must not change a byte.
    """
    it = Itinerary.from_dict(famtrip().to_dict())
    write_pack(it, tmp_path / "a", formats=PACK_FORMATS)
    write_pack(Itinerary.from_json(tmp_path / "a" / "itinerary.json"), tmp_path / "b", formats=PACK_FORMATS)
    ba, bb = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert ba.keys() == bb.keys()
    assert sorted(n for n in ba if ba[n] != bb[n]) == []


def test_re_export_from_itinerary_json_gives_the_same_pack(two_plans, tmp_path):
    """Bug 12: itinerary.json kept 5 decimals of the leg geometry, so a re-export moved GPX/KML points."""
    a, _ = two_plans
    write_pack(a, tmp_path / "planned", formats=PACK_FORMATS)
    again = Itinerary.from_json(tmp_path / "planned" / "itinerary.json")
    write_pack(again, tmp_path / "again", formats=PACK_FORMATS)
    ba, bb = _files(tmp_path / "planned"), _files(tmp_path / "again")
    assert sorted(n for n in ba if ba[n] != bb.get(n)) == []


def test_planned_itinerary_json_round_trip_is_byte_identical(two_plans, tmp_path):
    """itinerary.json read back and written again is the same file (re-export keeps the plan as it was)."""
    a, _ = two_plans
    path = tmp_path / "itinerary.json"
    text = a.to_json(path)
    assert Itinerary.from_json(path).to_json() == text


def test_planner_is_deterministic_apart_from_timing(two_plans):
    a, b = (p.to_dict() for p in two_plans)
    for d in (a, b):
        d["meta"].pop("seconds", None)
    assert a == b


def test_partnership_map_is_byte_identical_run_to_run(tmp_path, capsys):
    from tourlink.cli import main
    outs = [tmp_path / "a.html", tmp_path / "b.html"]
    for out in outs:
        assert main(["-q", "partnerships", "map", "kien-giang--hau-giang", "--out", str(out)]) == 0
    assert outs[0].read_bytes() == outs[1].read_bytes()


# ============================================================================ interrupted export
class _Crash(OSError):
    pass


def _crash_midway(monkeypatch, *, after_files: int = 0) -> list[str]:
    """Make the ``after_files``-th atomic write (0-based) write half its data, then raise ``_Crash``."""
    import tourlink.atomic as atomic

    real_fdopen = atomic.os.fdopen
    opened: list[str] = []

    class HalfWriter:
        def __init__(self, fh):
            self._fh = fh

        def write(self, data):
            self._fh.write(data[: max(1, len(data) // 2)])
            self._fh.flush()
            raise _Crash(28, "No space left on device (simulated)")

        def __getattr__(self, name):
            return getattr(self._fh, name)

        def __enter__(self):
            self._fh.__enter__()
            return self

        def __exit__(self, *exc):
            return self._fh.__exit__(*exc)

    def fdopen(fd, *args, **kwargs):
        fh = real_fdopen(fd, *args, **kwargs)
        opened.append(getattr(fh, "name", "?"))
        return HalfWriter(fh) if len(opened) == after_files + 1 else fh

    monkeypatch.setattr(atomic.os, "fdopen", fdopen)
    return opened


def _temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp")


@pytest.mark.parametrize("after_files", [0, 3, 7])
def test_interrupted_export_keeps_previous_files_and_leaves_no_temp(tmp_path, monkeypatch, after_files):
    it = famtrip()
    out = tmp_path / "pack"
    write_pack(it, out, formats=PACK_FORMATS)
    before = _files(out)
    changed = Itinerary(days=it.days[:1], title="Shorter tour", partnership=it.partnership)
    _crash_midway(monkeypatch, after_files=after_files)
    with pytest.raises(_Crash):
        write_pack(changed, out, formats=PACK_FORMATS)
    assert _files(out) == before, "the older pack changed: a crash midway must leave it whole"
    assert _temp_files(tmp_path) == []


def test_interrupted_first_export_leaves_no_file(tmp_path, monkeypatch):
    out = tmp_path / "pack"
    _crash_midway(monkeypatch, after_files=0)
    with pytest.raises(_Crash):
        write_pack(famtrip(), out, formats=PACK_FORMATS)
    assert not out.exists()
    assert _temp_files(tmp_path) == []


def test_interrupted_cli_export_is_one_line_exit_2(tmp_path, monkeypatch, capsys):
    from tourlink.cli import main
    src = tmp_path / "itinerary.json"
    famtrip().to_json(src)
    out = tmp_path / "pack"
    _crash_midway(monkeypatch, after_files=2)
    code = main(["-q", "export", str(src), "--out", str(out), "--formats", "gpx,kml,geojson,csv",
                 "--no-check"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and "No space left" in err
    assert _temp_files(tmp_path) == []
    assert not out.exists()  # not the two files written before the crash


def test_interrupted_itinerary_json_keeps_previous(tmp_path, monkeypatch):
    path = tmp_path / "itinerary.json"
    it = famtrip()
    it.to_json(path)
    before = path.read_bytes()
    _crash_midway(monkeypatch, after_files=0)
    with pytest.raises(_Crash):
        Itinerary(days=it.days[:1]).to_json(path)
    assert path.read_bytes() == before
    assert _temp_files(tmp_path) == []


def test_ctrl_c_during_an_export_keeps_previous_file(tmp_path, monkeypatch):
    """KeyboardInterrupt (not an Exception) midway through a write: previous file kept, no temp file."""
    import tourlink.atomic as atomic
    from tourlink.export.gpx import write_gpx
    path = tmp_path / "route.gpx"
    write_gpx(famtrip(), path)
    before = path.read_bytes()
    real_fdopen = atomic.os.fdopen

    class Interrupted:
        def __init__(self, fh):
            self._fh = fh

        def write(self, data):
            self._fh.write(data[: len(data) // 3])
            raise KeyboardInterrupt

        def __getattr__(self, name):
            return getattr(self._fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self._fh.__exit__(*exc)

    monkeypatch.setattr(atomic.os, "fdopen", lambda *a, **k: Interrupted(real_fdopen(*a, **k)))
    with pytest.raises(KeyboardInterrupt):
        write_gpx(Itinerary(days=famtrip().days[:1]), path)
    assert path.read_bytes() == before
    assert _temp_files(tmp_path) == []


# ============================================================================ every write is atomic
_RAW_WRITE = re.compile(r"""open\([^)]*['"](?:w|a|x)b?\+?['"]|\.write_text\(|\.write_bytes\(|\.to_file\(|"""
                        r"""\.to_csv\(|\.savefig\(|\.save\(|shutil\.(?:copy|move)""")
#: raw writes that are safe: into an in-memory buffer, or into a temporary folder renamed into place
_SAFE_RAW = {("tourlink/export/timetable.py", "wb.save(buf)"),
             ("tourlink/graph.py", "nodes.to_file(tmp_path"), ("tourlink/graph.py", "edges.to_file(tmp_path")}


def test_package_writes_files_only_through_tourlink_atomic():
    """A grep: only tourlink/atomic.py opens files for writing (so no half-written file can appear)."""
    root = Path(__file__).resolve().parent.parent
    found = []
    for path in sorted((root / "tourlink").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel == "tourlink/atomic.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            if _RAW_WRITE.search(code) and not any(rel == f and frag in code for f, frag in _SAFE_RAW):
                found.append(f"{rel}:{n}: {line.strip()}")
    assert not found, "write through tourlink.atomic instead:\n" + "\n".join(found)


def test_the_raw_write_grep_catches_raw_writes():
    for sample in ['open(p, "w")', "open(p, 'wb')", "path.write_text(s)", "gdf.to_file(p)", "df.to_csv(p)",
                   "fig.savefig(p)", "shutil.copy(a, b)"]:
        assert _RAW_WRITE.search(sample), sample
    assert not _RAW_WRITE.search('open(p, "r")') and not _RAW_WRITE.search("write_text(path, text)")
