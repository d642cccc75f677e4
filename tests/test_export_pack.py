"""The famtrip pack: write_pack, consistency across formats, reproducible bytes, the export CLI."""

import csv
import json
from pathlib import Path

import gpxpy
import icalendar
import pyogrio
import pytest
from fixtures_itinerary import SPECIAL, famtrip

from tourlink.cli import main
from tourlink.errors import ValidationError
from tourlink.export import FORMATS, parse_formats, write_pack
from tourlink.itinerary import Itinerary

NO_PDF = [f for f in FORMATS if f != "pdf"]
EXPECTED = [
    "itinerary.json",
    "map.html",
    "route.gpx",
    "route.kml",
    "route.kmz",
    "route.geojson",
    "timetable.csv",
    "timetable.xlsx",
    "calendar.ics",
    "quote.xlsx",
    "itinerary.vi.html",
    "itinerary.en.html",
    "README.txt",
]


@pytest.fixture(scope="module")
def itinerary():
    """The hand-made 3-day famtrip."""
    return famtrip()


@pytest.fixture(scope="module")
def pack(itinerary, tmp_path_factory):
    out = tmp_path_factory.mktemp("pack")
    return out, write_pack(itinerary, out, formats=NO_PDF)


def test_pack_has_the_predictable_names(pack):
    out, files = pack
    assert [p.name for p in files] == EXPECTED
    assert sorted(p.name for p in out.iterdir()) == sorted(EXPECTED)  # no temporary files left
    readme = (out / "README.txt").read_text(encoding="utf-8")
    for name in EXPECTED:
        assert name in readme


def test_formats_agree_on_visits_names_and_times(itinerary, pack):
    out, _ = pack
    visits = [(s.name, s.arrive) for s in itinerary.visits]
    gpx = gpxpy.parse((out / "route.gpx").read_text(encoding="utf-8"))
    assert [(w.name, w.time) for w in gpx.waypoints if w.type == "destination"] == visits
    geo = pyogrio.read_dataframe(out / "route.geojson")
    dest = geo[geo["kind"] == "destination"]
    assert list(zip(dest["name"], dest["arrive"], strict=True)) == visits
    kml = [
        n
        for layer, _ in pyogrio.list_layers(out / "route.kml")
        for n in pyogrio.read_dataframe(out / "route.kml", layer=layer).query("kind == 'destination'")["Name"]
    ]
    assert kml == [v[0] for v in visits]
    cal = icalendar.Calendar.from_ical((out / "calendar.ics").read_bytes())
    ev = [
        (str(e["summary"]), e.decoded("dtstart"))
        for e in cal.walk("VEVENT")
        if "visit" in str(e.get("categories").to_ical())
    ]
    assert ev == visits
    with open(out / "timetable.csv", encoding="utf-8-sig", newline="") as fh:
        arrivals = {(r["to"], r["arrival"]) for r in csv.DictReader(fh)}
    assert {(n, f"{t:%H:%M}") for n, t in visits} <= arrivals
    back = Itinerary.from_json(out / "itinerary.json")
    assert [(s.name, s.arrive) for s in back.visits] == visits
    for page in ("itinerary.vi.html", "itinerary.en.html", "map.html"):
        text = (out / page).read_text(encoding="utf-8")
        assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert (
        SPECIAL
        in json.loads((out / "itinerary.json").read_text(encoding="utf-8"))["days"][0]["stops"][3]["name"]
    )


def test_same_input_gives_byte_identical_files(itinerary, pack, tmp_path):
    out, files = pack
    again = write_pack(famtrip(), tmp_path, formats=NO_PDF)
    for a, b in zip(files, again, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_format_subset_and_unknown_formats(itinerary, tmp_path):
    files = write_pack(itinerary, tmp_path, formats="gpx, ics")
    assert [p.name for p in files] == ["route.gpx", "calendar.ics", "README.txt"]
    with pytest.raises(ValidationError, match="unknown format.*shp.*choose from"):
        parse_formats("gpx,shp")


def test_cli_export_writes_the_pack(itinerary, tmp_path, capsys):
    src = tmp_path / "itinerary.json"
    itinerary.to_json(src)
    out = tmp_path / "pack"
    assert main(["export", str(src), "--out", str(out), "--formats", "gpx,kml,csv", "--no-check"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["README.txt", "route.gpx", "route.kml", "timetable.csv"]
    assert "route.gpx" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args, message",
    [
        (["export", "missing.json", "--out", "x"], "file not found"),
        (["export", "{src}", "--out", "x", "--formats", "gpx,png"], "unknown format(s) png"),
        (["export", "{bad}", "--out", "x"], "not a tourlink itinerary"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(args, message, itinerary, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    itinerary.to_json(tmp_path / "ok.json")
    (tmp_path / "bad.json").write_text('{"days": 3}', encoding="utf-8")
    args = [a.format(src="ok.json", bad="bad.json") for a in args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_cli_help_has_examples(capsys):
    assert main(["export", "--help"]) == 0
    assert "tourlink export tour/itinerary.json --out pack/" in capsys.readouterr().out


def test_minimal_itinerary_gives_every_format(tmp_path, pytestconfig):
    """No title, no partnership, legs without geometry: every writer still produces readable files."""
    from fixtures_itinerary import minimal

    files = write_pack(minimal(), tmp_path, formats=NO_PDF)
    assert [p.name for p in files] == EXPECTED
    gpx = (tmp_path / "route.gpx").read_text(encoding="utf-8")
    xsd = Path(pytestconfig.getoption("--shared")) / "schemas" / "gpx-1.1.xsd"  # validated where present
    if xsd.is_file():
        pytest.importorskip("xmlschema").XMLSchema(xsd).validate(gpx)
    track = gpxpy.parse(gpx).tracks[0]
    assert [len(s.points) for s in track.segments] == [2, 2]  # straight lines between the stops
    assert len(pyogrio.read_dataframe(tmp_path / "route.geojson")) == 5
    cal = icalendar.Calendar.from_ical((tmp_path / "calendar.ics").read_bytes())
    assert [str(e["summary"]) for e in cal.walk("VEVENT")] == [
        "Road: Khách sạn → Đình làng",
        "Đình làng",
        "Road: Đình làng → Khách sạn",
    ]


def test_pdf_format_writes_the_pages_it_prints(tmp_path, caplog):
    import logging

    from tourlink.export.printable import find_chromium

    caplog.set_level(logging.INFO, logger="tourlink.export")
    files = write_pack(famtrip(), tmp_path, formats="pdf")
    if find_chromium() is None:
        assert [p.name for p in files] == ["README.txt"]  # skipped with a note
        assert "PDF skipped" in caplog.text
        return
    assert [p.name for p in files] == [
        "itinerary.vi.html",
        "itinerary.vi.pdf",
        "itinerary.en.html",
        "itinerary.en.pdf",
        "README.txt",
    ]
    assert "itinerary.en.pdf" in (tmp_path / "README.txt").read_text(encoding="utf-8")


# ----------------------------------------------------------------- all or nothing (bug 4)
def _entries(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_pack_replaces_an_older_one_whole_and_keeps_the_users_files(itinerary, tmp_path):
    out = tmp_path / "tour"
    write_pack(itinerary, out, formats=NO_PDF)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    files = write_pack(itinerary, out, formats="json,map")
    assert [p.name for p in files] == ["itinerary.json", "map.html", "README.txt"]
    assert sorted(_entries(out)) == ["README.txt", "itinerary.json", "map.html", "notes.txt"]  # no old GPX
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()])
@pytest.mark.parametrize("older", [False, True])
def test_an_error_mid_pack_leaves_the_folder_as_it_was(itinerary, tmp_path, monkeypatch, error, older):
    """An exception or Ctrl-C after some files are written: no file of the new pack, no temporary folder."""
    from tourlink.export import kml

    out = tmp_path / "a" / "tour"
    if older:
        write_pack(itinerary, out, formats="gpx,csv")
    before = _entries(out) if older else None

    def broken(it, path):
        raise error
    monkeypatch.setattr(kml, "write_kml", broken)  # after json, map and gpx are written
    with pytest.raises(type(error)):
        write_pack(itinerary, out, formats=NO_PDF)
    if older:
        assert _entries(out) == before
        assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(["a", "tour", *before])
    else:
        assert list(tmp_path.iterdir()) == []  # not even the parent folder made for it


def test_an_error_names_the_pack_file_not_the_temporary_folder(itinerary, tmp_path, monkeypatch):
    from tourlink.export import kml

    def broken(it, path):
        raise PermissionError(13, "Permission denied", str(path))
    monkeypatch.setattr(kml, "write_kml", broken)
    with pytest.raises(PermissionError) as caught:
        write_pack(itinerary, tmp_path / "tour", formats="kml")
    assert caught.value.filename == str(tmp_path / "tour" / "route.kml")


def test_export_says_what_it_replaces(itinerary, tmp_path, capsys):
    src = tmp_path / "it.json"
    itinerary.to_json(src)
    out = tmp_path / "pack"
    assert main(["-q", "export", str(src), "--out", str(out), "--formats", "gpx,ics", "--no-check"]) == 0
    capsys.readouterr()
    assert main(["-q", "export", str(src), "--out", str(out), "--formats", "gpx", "--no-check"]) == 0
    printed = capsys.readouterr().out
    assert (f"replaced the older pack in {out} (3 files; removed calendar.ics, which this pack has not)"
            in printed)
    assert sorted(_entries(out)) == ["README.txt", "route.gpx"]


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.3])
def test_ctrl_c_during_export_leaves_nothing(itinerary, tmp_path, delay):
    """A real process interrupted (SIGINT to its group, as Ctrl-C) while it writes the pack."""
    import os
    import signal
    import subprocess
    import sys
    import time

    src = tmp_path / "it.json"
    itinerary.to_json(src)
    work = tmp_path / "work"
    work.mkdir()
    p = subprocess.Popen([sys.executable, "-m", "tourlink", "-q", "export", str(src),
                          "--out", str(work / "pack"), "--formats", ",".join(NO_PDF), "--no-check"],
                         start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not os.listdir(work) and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)  # the temporary folder appears: writing has begun
    time.sleep(delay)
    interrupted = p.poll() is None
    if interrupted:
        os.killpg(p.pid, signal.SIGINT)
    err = p.communicate(timeout=60)[1].decode()
    left = sorted(os.listdir(work))
    seen = f"interrupted {interrupted}, exit code {p.returncode}, left {left}, stderr {err[-400:]!r}"
    if interrupted and p.returncode == 130:
        assert left == [] and "interrupted" in err, seen
    else:  # finished before the signal: the whole pack
        assert left == ["pack"] and len(os.listdir(work / "pack")) == len(EXPECTED), seen
