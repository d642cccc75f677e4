"""Timetable of the legs as CSV (UTF-8 with BOM, for Excel) and XLSX, with running totals."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, time
from pathlib import Path
from typing import Any

from tourlink.atomic import write_bytes, write_text
from tourlink.export._common import clean, hm, leg_ends, name, stamp
from tourlink.itinerary import Itinerary

COLUMNS = (
    "day",
    "date",
    "from",
    "to",
    "departure",
    "arrival",
    "mode",
    "km",
    "minutes",
    "day_km",
    "day_minutes",
    "total_km",
    "total_minutes",
    "province_legacy",
    "province_2025",
    "partner",
    "stay",
    "lodging",
)
#: zip entry time for reproducible XLSX
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def timetable_rows(itinerary: Itinerary) -> list[dict[str, Any]]:
    """One row per leg: where from/to, times, mode, distance, running totals and where it arrives."""
    rows = []
    total_km = total_min = 0.0
    for d in itinerary.days:
        day_km = day_min = 0.0
        lodging = d.lodging.name if d.lodging else ""
        for leg, a, b in leg_ends(d):
            day_km += leg.km
            day_min += leg.minutes
            total_km += leg.km
            total_min += leg.minutes
            rows.append(
                {
                    "day": d.index,
                    "date": d.date.isoformat(),
                    "from": name(a),
                    "to": name(b),
                    "departure": hm(leg.depart),
                    "arrival": hm(leg.arrive),
                    "mode": leg.mode,
                    "km": round(leg.km, 1),
                    "minutes": round(leg.minutes),
                    "day_km": round(day_km, 1),
                    "day_minutes": round(day_min),
                    "total_km": round(total_km, 1),
                    "total_minutes": round(total_min),
                    "province_legacy": b.province_legacy if b else "",
                    "province_2025": b.province_2025 if b else "",
                    "partner": b.partner if b else "",
                    "stay": f"{hm(b.arrive)}–{hm(b.depart)}" if b and b.depart > b.arrive else "",
                    "lodging": lodging,
                }
            )
    return rows


def timetable_csv(itinerary: Itinerary) -> str:
    """The CSV text (without the BOM, which :func:`write_csv` adds)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
    w.writeheader()
    w.writerows({k: _inert(v) for k, v in row.items()} for row in timetable_rows(itinerary))
    return buf.getvalue()


def _inert(value: Any) -> Any:
    """Text a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_csv(itinerary: Itinerary, path: str | Path) -> Path:
    """Write ``timetable.csv`` atomically (UTF-8 with BOM, CRLF) and return its path."""
    return write_text(path, timetable_csv(itinerary), encoding="utf-8-sig")


def timetable_xlsx(itinerary: Itinerary) -> bytes:
    """The XLSX bytes: one sheet ``Timetable``, bold frozen header with filters, real dates and times."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Timetable"
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in timetable_rows(itinerary):
        ws.append([_cell(c, row[c]) for c in COLUMNS])
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":  # a name starting with "=" is text, never a formula
                cell.data_type = "s"
            elif cell.column_letter in _FORMATS:  # sorts, filters and sums as dates and times
                cell.number_format = _FORMATS[cell.column_letter]
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for col, width in zip(
        "ABCDEFGHIJKLMNOPQR", (5, 11, 34, 34, 9, 9, 10, 7, 8, 8, 8, 8, 8, 14, 14, 12, 12, 28), strict=True
    ):
        ws.column_dimensions[col].width = width
    return workbook_bytes(wb, itinerary, title=itinerary.title or "Itinerary")


#: number formats of the date and time columns (B date, E departure, F arrival)
_FORMATS = {"B": "yyyy-mm-dd", "E": "hh:mm", "F": "hh:mm"}


def _cell(column: str, value: Any) -> Any:
    """A timetable value as Excel holds it: dates and times of day as such, text cleaned."""
    if column == "date":
        return date.fromisoformat(value)
    if column in ("departure", "arrival"):
        return time.fromisoformat(value)
    return clean(value) if isinstance(value, str) else value


def workbook_bytes(wb: Any, itinerary: Itinerary, *, title: str) -> bytes:
    """The bytes of an openpyxl workbook (fixed entry times; created when made, see ``stamp``)."""
    when = stamp().replace(tzinfo=None)
    wb.properties.creator = "tourlink"
    wb.properties.title = title
    wb.properties.created = wb.properties.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip(buf.getvalue(), modified=f"{when:%Y-%m-%dT%H:%M:%SZ}")


def _fixed_zip(data: bytes, *, modified: str) -> bytes:
    """Rewrite a zip with fixed entry times and core ``modified`` (openpyxl stamps the time of saving)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            new = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = 0o644 << 16
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + modified.encode(), content)
            dst.writestr(new, content)
    return out.getvalue()


def write_xlsx(itinerary: Itinerary, path: str | Path) -> Path:
    """Write ``timetable.xlsx`` atomically and return its path."""
    return write_bytes(path, timetable_xlsx(itinerary))
