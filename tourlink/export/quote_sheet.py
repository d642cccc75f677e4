"""The quotation as an XLSX workbook: ``quote.xlsx`` (price, every cost with its rate and source)."""

from __future__ import annotations

from pathlib import Path

from tourlink.atomic import write_bytes
from tourlink.export._common import clean
from tourlink.export.timetable import workbook_bytes
from tourlink.itinerary import Itinerary
from tourlink.quote import ITEM_LABELS, quote_of

#: columns of the item table
ITEM_COLUMNS = ("day", "kind", "item", "quantity", "unit", "rate_vnd", "vnd", "estimate", "source")


def quote_xlsx(itinerary: Itinerary) -> bytes:
    """The XLSX bytes: sheet ``Quote`` (the price and every item) and ``By day`` (cost per day and kind)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    q = quote_of(itinerary)
    bold = Font(bold=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "Quote"
    first, last = (itinerary.days[0].date, itinerary.days[-1].date) if itinerary.days else ("", "")
    head = [
        ("tour", itinerary.title or "Itinerary"),
        ("dates", f"{first} – {last}"),
        ("guests", q.group_size),
        ("coach", q.vehicle()),
        ("hotels", f"{q.lodging_grade} stars, twin share"),
        ("price per guest (VND)", q.per_guest_vnd),
        ("price of the group (VND)", q.group_vnd),
        ("single supplement (VND)", q.single_supplement_vnd),
        ("cost (VND)", q.cost_vnd),
        (f"margin {q.margin_pct:g} % (VND)", q.margin_vnd),
        (f"VAT {q.vat_pct:g} % (VND)", q.vat_vnd),
        ("cost resting on estimated rates (VND)", q.estimated_vnd),
        ("rates", q.rates),
    ]
    for label, value in head:
        ws.append([label, clean(value) if isinstance(value, str) else value])
        ws.cell(ws.max_row, 1).font = bold
    for note in q.notes:
        ws.append(["note", clean(note)])
    ws.append([])
    ws.append(list(ITEM_COLUMNS))
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = bold
    labels = ITEM_LABELS["en"]
    for i in q.items:
        ws.append([i.day, labels.get(i.kind, i.kind), clean(i.label), i.quantity, i.unit, i.rate_vnd, i.vnd,
                   "estimate" if i.estimate else "", clean(i.source)])
    ws.append(["", "total cost", "", "", "", "", q.cost_vnd])
    ws.cell(ws.max_row, 2).font = bold
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":  # a name starting with "=" is text, never a formula
                cell.data_type = "s"
            if isinstance(cell.value, int | float) and cell.column > 1:
                cell.number_format = "#,##0"
    ws.freeze_panes = f"A{header_row + 1}"
    for col, width in zip("ABCDEFGHI", (36, 16, 58, 10, 11, 12, 14, 9, 90), strict=True):
        ws.column_dimensions[col].width = width

    by = wb.create_sheet("By day")
    kinds = list(q.by_kind)
    by.append(["day", *[labels.get(k, k) for k in kinds], "total"])
    for cell in by[1]:
        cell.font = bold
    for d in q.by_day:
        cells = [sum(i.vnd for i in q.items if i.day == d and i.kind == k) for k in kinds]
        by.append([d, *cells, sum(cells)])
    by.append(["total", *[q.by_kind[k] for k in kinds], q.cost_vnd])
    for row in by.iter_rows(min_row=2):
        for cell in row[1:]:
            cell.number_format = "#,##0"

    return workbook_bytes(wb, itinerary, title=f"Quote: {itinerary.title or 'Itinerary'}")


def write_quote_xlsx(itinerary: Itinerary, path: str | Path) -> Path:
    """Write ``quote.xlsx`` atomically and return its path."""
    return write_bytes(path, quote_xlsx(itinerary))


__all__ = ["quote_xlsx", "write_quote_xlsx", "ITEM_COLUMNS"]
