"""The famtrip pack: every format of an itinerary written at once, consistent with each other.

:func:`write_pack` writes, into one folder, ``itinerary.json``, ``map.html``, ``route.gpx``,
``route.kml``, ``route.kmz``, ``route.geojson``, ``timetable.csv``, ``timetable.xlsx``,
``calendar.ics``, ``quote.xlsx``, ``itinerary.vi.html``, ``itinerary.en.html`` (and their ``.pdf``
where Chromium is installed) and ``README.txt``. The pack is written whole or not at all. The same
itinerary gives the same files but for the time they were made (the "created" time of GPX,
XLSX and the calendar's DTSTAMP); with ``SOURCE_DATE_EPOCH`` set they are byte-identical.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from tourlink.atomic import atomic_folder, write_text
from tourlink.errors import ValidationError
from tourlink.export._common import one_line
from tourlink.itinerary import Itinerary
from tourlink.labels import count

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


def pack_names() -> set[str]:
    """Names of every file a pack can hold (other files in a pack folder are the user's, and kept)."""
    return {n for entries in FORMATS.values() for n, _ in entries} | {"README.txt"}


def pack_files(folder: str | Path) -> list[Path]:
    """The files of an earlier pack in ``folder`` (sorted by name; [] when there are none)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(folder / n for n in pack_names() if (folder / n).is_file())


def check_folder(folder: str | Path) -> None:
    """Raise ValidationError when ``folder`` cannot hold a pack; make nothing.

    Used before a long run, so that a bad ``--out`` is refused before planning.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ValidationError("is a file, not a folder; choose a folder for the pack", source=str(folder))
    for name in pack_names():
        if (folder / name).is_dir():
            raise ValidationError(f"holds a folder named {name}; choose another folder for the pack",
                                  source=str(folder))
    parent = folder.parent  # where the temporary folder goes
    base = next((p for p in (parent, *parent.parents) if p.exists()), None)
    if base is None or not base.is_dir():
        raise ValidationError(f"cannot write ({base} is a file); choose a writable folder",
                              source=str(folder))
    need = [base, folder] if folder.is_dir() else [base]
    if not all(os.access(p, os.W_OK | os.X_OK) for p in need):
        raise ValidationError("cannot write (permission denied); choose a writable folder",
                              source=str(folder))


def write_pack(
    itinerary: Itinerary,
    out_dir: str | Path,
    *,
    formats: str | Iterable[str] | None = None,
    offline: bool = True,
) -> list[Path]:
    """Write the famtrip pack of ``itinerary`` into ``out_dir`` at once and return the files written.

    The pack is written into a temporary folder beside ``out_dir`` and moved in when complete
    (:func:`tourlink.atomic.atomic_folder`): an error or Ctrl-C leaves ``out_dir`` as it was. The
    folder then holds this pack only: files of an older pack there (see :func:`pack_files`) are
    replaced, or removed when this pack has no such file; the user's other files are kept.

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
        When ``formats`` names an unknown format or ``out_dir`` cannot hold a pack.
    """
    chosen = parse_formats(formats)
    out = Path(out_dir)
    check_folder(out)
    with atomic_folder(out, replaces=pack_names()) as tmp:
        names = [p.name for p in _write_formats(itinerary, tmp, chosen, offline=offline)]
        write_text(tmp / "README.txt", readme(itinerary, names))
    return [out / n for n in (*names, "README.txt")]


def _write_formats(itinerary: Itinerary, out: Path, chosen: tuple[str, ...], *, offline: bool) -> list[Path]:
    """Write each chosen format into ``out`` (a fresh folder); return the files in pack order."""
    from tourlink import maps
    from tourlink.export import geojson, gpx, ical, kml, printable, quote_sheet, timetable

    #: file name → writer(itinerary, path) of the formats with one file each
    single: dict[str, tuple[str, Callable[[Itinerary, Path], Path]]] = {
        "json": ("itinerary.json", _write_json),
        "map": ("map.html", lambda it, p: write_text(p, maps.to_html(maps.explore(it, offline=offline)))),
        "gpx": ("route.gpx", gpx.write_gpx),
        "kml": ("route.kml", kml.write_kml),
        "kmz": ("route.kmz", kml.write_kmz),
        "geojson": ("route.geojson", geojson.write_geojson),
        "csv": ("timetable.csv", timetable.write_csv),
        "xlsx": ("timetable.xlsx", timetable.write_xlsx),
        "ics": ("calendar.ics", ical.write_ical),
        "quote": ("quote.xlsx", quote_sheet.write_quote_xlsx),
    }
    written: list[Path] = []
    for fmt in chosen:
        if fmt in single:
            name, write = single[fmt]
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
    return written


def _write_json(itinerary: Itinerary, path: Path) -> Path:
    itinerary.to_json(path)
    return path


def readme(itinerary: Itinerary, files: Iterable[Path | str]) -> str:
    """The pack's README.txt: what the tour is and what each file is for."""
    purpose = {fname: text for entries in FORMATS.values() for fname, text in entries}
    names = [Path(p).name for p in files]
    width = max((len(n) for n in names), default=10) + 2
    lines = [f"{one_line(itinerary.title) or 'Itinerary'} — famtrip pack made by tourlink", ""]
    if itinerary.days:
        lines.append(
            f"{len(itinerary.days)} days, {itinerary.days[0].date} to {itinerary.days[-1].date}; "
            f"{count(len(itinerary.visits), 'visit')}, "
            f"{sum(d.road_km for d in itinerary.days):.0f} km by road"
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


__all__ = ["FORMATS", "write_pack", "parse_formats", "readme", "pack_files", "pack_names", "check_folder"]
