"""Timetable CSV (UTF-8 with BOM) and XLSX: one row per leg, running totals, read back."""

import csv
import io
from datetime import datetime, time

import openpyxl
import pytest
from fixtures_itinerary import SPECIAL, famtrip

from tourlink.export.timetable import COLUMNS, write_csv, write_xlsx


@pytest.fixture(scope="module")
def itinerary():
    """The hand-made 3-day famtrip."""
    return famtrip()


def test_csv_has_bom_and_a_row_per_leg(itinerary, tmp_path):
    path = write_csv(itinerary, tmp_path / "timetable.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == sum(len(d.legs) for d in itinerary.days) == 13
    boat = next(r for r in rows if r["mode"] == "fast_boat")
    assert (boat["day"], boat["departure"], boat["arrival"]) == ("3", "08:00", "10:45")
    assert boat["from"] == "Cảng tàu khách Rạch Giá" and boat["to"] == "Cảng Bãi Vòng"
    assert float(rows[-1]["total_km"]) == pytest.approx(itinerary.km, abs=0.1)
    day1_last = [r for r in rows if r["day"] == "1"][-1]
    assert float(day1_last["day_km"]) == pytest.approx(itinerary.days[0].km, abs=0.1)
    assert day1_last["lodging"] == "Khách sạn Vị Thanh"
    assert rows[3]["to"] == SPECIAL and rows[3]["partner"] == "Hậu Giang"


def test_xlsx_matches_csv(itinerary, tmp_path):
    path = write_xlsx(itinerary, tmp_path / "timetable.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Timetable"]
    values = list(ws.values)
    assert values[0] == COLUMNS
    with open(write_csv(itinerary, tmp_path / "t.csv"), encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(values) == len(rows)
    shown = [v.strftime("%H:%M") if isinstance(v, time) else f"{v:%Y-%m-%d}" if isinstance(v, datetime)
             else str(v) for v in values[5]]
    assert shown == rows[5]
    assert ws.freeze_panes == "A2"


def test_xlsx_times_are_times_with_a_filter(itinerary, tmp_path):
    """Polish: times were text ("08:00"), so Excel could not sort or sum them; no autofilter."""
    ws = openpyxl.load_workbook(write_xlsx(itinerary, tmp_path / "t.xlsx"))["Timetable"]
    assert ws.auto_filter.ref == ws.dimensions
    row = next(ws.iter_rows(min_row=2, max_row=2))
    by = dict(zip(COLUMNS, row, strict=True))
    assert by["departure"].is_date and by["departure"].number_format == "hh:mm"
    assert isinstance(by["departure"].value, time) and isinstance(by["date"].value, datetime)
    assert by["date"].number_format == "yyyy-mm-dd"


def test_xlsx_is_reproducible(itinerary, tmp_path):
    assert (
        write_xlsx(itinerary, tmp_path / "a.xlsx").read_bytes()
        == write_xlsx(itinerary, tmp_path / "b.xlsx").read_bytes()
    )


def test_a_name_that_looks_like_a_formula_stays_text(tmp_path):
    """A destination called "=HYPERLINK(...)" must not become a live formula in Excel."""
    from dataclasses import replace

    it = famtrip()
    d0 = it.days[0]
    evil = "=HYPERLINK(\"http://x\",\"click\")"
    stops = (replace(d0.stops[0], name=evil), *d0.stops[1:])
    it = replace(it, days=(replace(d0, stops=stops), *it.days[1:]))
    text = write_csv(it, tmp_path / "t.csv").read_text(encoding="utf-8-sig")
    assert "'" + evil.replace('"', '""') in text and ",=HYPERLINK" not in text
    ws = openpyxl.load_workbook(write_xlsx(it, tmp_path / "t.xlsx")).active
    cells = [c for row in ws.iter_rows() for c in row if c.value == evil]
    assert cells and all(c.data_type == "s" for c in cells)
