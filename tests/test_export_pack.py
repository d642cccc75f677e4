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
    assert main(["export", str(src), "--out", str(out), "--formats", "gpx,kml,csv"]) == 0
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
