"""The famtrip pack: every format of an itinerary written at once, consistent with each other.

:func:`write_pack` writes, into one folder, ``itinerary.json``, ``map.html``, ``route.gpx``,
``route.kml``, ``route.kmz``, ``route.geojson``, ``timetable.csv``, ``timetable.xlsx``,
``calendar.ics``, ``quote.xlsx``, ``itinerary.vi.html``, ``itinerary.en.html`` (and their ``.pdf`` where
Chromium is installed) and ``README.txt``. Every file is written atomically, and the same
itinerary always gives byte-identical files.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from tourlink.atomic import write_text
from tourlink.errors import ValidationError
from tourlink.itinerary import Itinerary

log = logging.getLogger(__name__)

#: format name → (file names, what each is for)
FORMATS: dict[str, tuple[tuple[str, str], ...]] = {
    "json": (
        ("itinerary.json", "the plan itself (tourlink's JSON form; re-export or check it with tourlink)"),
    ),
    "map": (("map.html", "interactive map: open in any browser (works offline when exported offline)"),),
    "gpx": (("route.gpx", "GPX 1.1 for GPS units and phone apps (waypoints, a route and a track per day)"),),
    "kml": (("route.kml", "KML for Google Earth / My Maps (a folder per day)"),),
    "kmz": (("route.kmz", "the same KML zipped (KMZ)"),),
    "geojson": (("route.geojson", "GeoJSON (lon/lat) of stops and legs for GIS tools"),),
    "csv": (("timetable.csv", "timetable of every leg (UTF-8 with BOM: opens in Excel)"),),
    "xlsx": (("timetable.xlsx", "the same timetable as an Excel workbook"),),
    "ics": (("calendar.ics", "calendar of visits and legs (import into Google/Apple/Outlook calendar)"),),
    "quote": (("quote.xlsx", "the price: per guest and for the group, every cost with its rate and source"),),
    "html": (
        ("itinerary.vi.html", "printable programme in Vietnamese"),
        ("itinerary.en.html", "printable programme in English"),
    ),
    "pdf": (
        ("itinerary.vi.pdf", "printable programme in Vietnamese, PDF"),
        ("itinerary.en.pdf", "printable programme in English, PDF"),
    ),
}
DEFAULT_FORMATS = tuple(FORMATS)


def parse_formats(formats: str | Iterable[str] | None) -> tuple[str, ...]:
    """Return the format names of ``formats`` ("gpx,kml" or a list; None for all).

    Raises
    ------
    ValidationError
        Listing every unknown name and the known ones.
    """
    if formats is None:
        return DEFAULT_FORMATS
    names = [f.strip().lower() for f in (formats.split(",") if isinstance(formats, str) else formats)]
    names = [n for n in names if n]
    bad = [n for n in names if n not in FORMATS]
    if bad or not names:
        raise ValidationError(
            f"unknown format(s) {', '.join(bad) or '(none given)'}; choose from {','.join(FORMATS)}",
            source="--formats",
        )
    return tuple(dict.fromkeys(names))


def write_pack(
    itinerary: Itinerary,
    out_dir: str | Path,
    *,
    formats: str | Iterable[str] | None = None,
    offline: bool = True,
) -> list[Path]:
    """Write the famtrip pack of ``itinerary`` into ``out_dir`` and return the files written.

    Parameters
    ----------
    itinerary
        The tour.
    out_dir
        Folder to write into (made when missing).
    formats
        Names from :data:`FORMATS` (default: all). ``pdf`` needs Chromium; without it the PDFs
        are skipped with a log note. ``pdf`` also writes the HTML it prints.
    offline
        Make ``map.html`` work with no connection (inline scripts, no web tiles).

    Raises
    ------
    ValidationError
        When ``formats`` names an unknown format.
    """
    from tourlink.export import geojson, gpx, ical, kml, printable, quote_sheet, timetable

    single = {"gpx": (gpx.write_gpx, "route.gpx"), "kml": (kml.write_kml, "route.kml"),
              "kmz": (kml.write_kmz, "route.kmz"), "geojson": (geojson.write_geojson, "route.geojson"),
              "csv": (timetable.write_csv, "timetable.csv"), "xlsx": (timetable.write_xlsx, "timetable.xlsx"),
              "ics": (ical.write_ical, "calendar.ics"), "quote": (quote_sheet.write_quote_xlsx, "quote.xlsx")}
    chosen = parse_formats(formats)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for fmt in chosen:
        if fmt == "json":
            itinerary.to_json(out / "itinerary.json")
            written.append(out / "itinerary.json")
        elif fmt == "map":
            from tourlink import maps

            written.append(
                write_text(out / "map.html", maps.to_html(maps.explore(itinerary, offline=offline)))
            )
        elif fmt in single:
            write, name = single[fmt]
            written.append(write(itinerary, out / name))
        elif fmt == "html":
            for lang in ("vi", "en"):
                written.append(printable.write_html(itinerary, out / f"itinerary.{lang}.html", lang=lang))
        elif fmt == "pdf":
            if printable.find_chromium() is None:
                log.info("PDF skipped: chromium is not installed (apt-get install chromium)")
                continue
            for lang in ("vi", "en"):
                page = out / f"itinerary.{lang}.html"
                if page not in written:
                    written.append(printable.write_html(itinerary, page, lang=lang))
                pdf = printable.html_to_pdf(page, out / f"itinerary.{lang}.pdf")
                if pdf is not None:
                    written.append(pdf)
    written.append(write_text(out / "README.txt", readme(itinerary, written)))
    return written


def readme(itinerary: Itinerary, files: Iterable[Path]) -> str:
    """The pack's README.txt: what the tour is and what each file is for."""
    purpose = {fname: text for entries in FORMATS.values() for fname, text in entries}
    names = [p.name for p in files]
    width = max((len(n) for n in names), default=10) + 2
    lines = [f"{itinerary.title or 'Itinerary'} — famtrip pack made by tourlink", ""]
    if itinerary.days:
        lines.append(
            f"{len(itinerary.days)} days, {itinerary.days[0].date} to {itinerary.days[-1].date}; "
            f"{len(itinerary.visits)} visits, {itinerary.km:.0f} km"
            + (f"; partnership {itinerary.partnership}" if itinerary.partnership else "")
        )
        from tourlink.quote import quote_of
        lines.append(quote_of(itinerary).lines()[0])
        lines.append("")
    lines.append("Files:")
    for n in names:
        lines.append(f"  {n:<{width}}{purpose.get(n, '')}")
    lines.append(f"  {'README.txt':<{width}}this list")
    lines += [
        "",
        "Times are local (Asia/Ho_Chi_Minh, UTC+7). Boat and ferry times follow the operators'",
        "timetables as known when planned: check them before the trip.",
    ]
    return "\n".join(lines) + "\n"


__all__ = ["FORMATS", "write_pack", "parse_formats", "readme"]
