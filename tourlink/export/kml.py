"""KML and KMZ: a folder per day with stop placemarks (extended data) and a styled line per leg."""

from __future__ import annotations

import html
import re
import zipfile
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import simplekml

from tourlink.atomic import write_bytes, write_text
from tourlink.export._common import clean, hm, leg_ends, mode_label, name
from tourlink.itinerary import SEA_MODES, Itinerary, Stop
from tourlink.labels import without_ids

#: line colour (KML aabbggrr) and width by mode
MODE_STYLE = {
    "road": ("ff1f77b4", 4),
    "fast_boat": ("ffd62728", 3),
    "car_ferry": ("ff2ca0d6", 3),
    "boat": ("ffff7f0e", 3),
    "walk": ("ff7f7f7f", 2),
    "flight": ("ff9467bd", 2),
}
#: Google Earth icons by stop kind
KIND_ICON = {
    "lodging": "http://maps.google.com/mapfiles/kml/shapes/lodging.png",
    "port": "http://maps.google.com/mapfiles/kml/shapes/ferry.png",
    "destination": "http://maps.google.com/mapfiles/kml/paddle/red-circle.png",
    "place": "http://maps.google.com/mapfiles/kml/paddle/wht-blank.png",
}
#: zip entry time for reproducible KMZ
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _text(text: object) -> str:
    """Plain text for a KML element (simplekml writes values as given: see ``parsetext(False)``)."""
    return xml_escape(clean(text))


def _html(text: object) -> str:
    """Text for <description>, which Google Earth renders as HTML: escaped HTML inside CDATA.

    Readers get the HTML once escaped (``&amp;`` for ``&``), so a name shows as text; the escaped
    text holds no ``>`` and so cannot end the CDATA section.
    """
    return f"<![CDATA[{html.escape(clean(text), quote=False)}]]>"


def _stop_data(day: int, order: int, s: Stop) -> dict[str, str]:
    return {
        "day": str(day),
        "order": str(order),
        "stop_id": s.id,
        "kind": s.kind,
        "name_en": s.name_en,
        "arrive": s.arrive.isoformat(),
        "depart": s.depart.isoformat(),
        "visit_minutes": str(s.visit_minutes),
        "fee_vnd": str(s.fee_vnd),
        "opening_hours": s.opening_hours,
        "province_legacy": s.province_legacy,
        "province_2025": s.province_2025,
        "partner": s.partner,
        "themes": ";".join(s.themes),
    }


def itinerary_to_kml(itinerary: Itinerary) -> str:
    """Return the KML document of ``itinerary`` (ids numbered in document order)."""
    kml = simplekml.Kml(name=_text(itinerary.title or "Itinerary"))
    kml.parsetext(False)  # we escape every value ourselves: simplekml kept any "<![CDATA[" raw
    kml.document.name = _text(itinerary.title or "Itinerary")
    styles = {}
    for mode, (colour, width) in MODE_STYLE.items():
        st = simplekml.Style()
        st.linestyle.color, st.linestyle.width = colour, width
        styles[mode] = st
        kml.document.styles.append(st)  # shared styles belong to the Document
    point_styles = {}
    for kind, href in KIND_ICON.items():
        st = simplekml.Style()
        st.iconstyle.icon.href = href
        point_styles[kind] = st
        kml.document.styles.append(st)
    for d in itinerary.days:
        folder = kml.newfolder(name=_text(d.title))
        folder.description = _html(f"{name(d.start)} → {name(d.end)}, {d.km:.1f} km")
        order = 0
        seen: set[str] = set()  # a pier passed twice in a day is one placemark
        for s in (d.start, *d.stops, d.end):
            if s.kind == "lunch" or (s is d.start and d.index > 1) or s.id in seen:
                continue
            seen.add(s.id)
            order += 1
            p = folder.newpoint(name=_text(s.name), coords=[(round(s.lon, 6), round(s.lat, 6))])
            p.description = _html(f"{hm(s.arrive)}–{hm(s.depart)} {s.name_en}".strip())
            p.timespan.begin, p.timespan.end = s.arrive.isoformat(), s.depart.isoformat()
            for k, v in _stop_data(d.index, order, s).items():
                p.extendeddata.newdata(name=k, value=xml_escape(clean(v)))  # simplekml leaves data raw
            p.style = point_styles.get(s.kind, point_styles["place"])
        for i, (leg, a, b) in enumerate(leg_ends(d), start=1):
            path = list(leg.geometry) or [(x.lon, x.lat) for x in (a, b) if x is not None]
            ls = folder.newlinestring(
                name=_text(f"{mode_label(leg.mode)} {hm(leg.depart)}: {name(a)} → {name(b)}"),
                coords=[(round(x, 6), round(y, 6)) for x, y in path],
            )
            via = without_ids(leg.name)
            ls.description = _html(f"{leg.km:.1f} km, {round(leg.minutes)} min {via}".strip())
            ls.timespan.begin, ls.timespan.end = leg.depart.isoformat(), leg.arrive.isoformat()
            for k, v in {
                "day": str(d.index),
                "order": str(i),
                "mode": leg.mode,
                "from": leg.from_id,
                "to": leg.to_id,
                "depart": leg.depart.isoformat(),
                "arrive": leg.arrive.isoformat(),
                "km": f"{leg.km:.2f}",
                "minutes": f"{leg.minutes:.1f}",
                "fare_vnd": str(leg.fare_vnd),
                "sea": str(leg.mode in SEA_MODES).lower(),
            }.items():
                ls.extendeddata.newdata(name=k, value=xml_escape(clean(v)))
            ls.style = styles.get(leg.mode, styles["road"])
    return _renumber(kml.kml())


def _renumber(text: str) -> str:
    """Replace simplekml's process-wide id counters by ids in document order."""
    ids: dict[str, str] = {}
    for m in re.finditer(r' id="([^"]+)"', text):
        ids.setdefault(m.group(1), f"tl{len(ids) + 1}")
    text = re.sub(r' id="([^"]+)"', lambda m: f' id="{ids[m.group(1)]}"', text)
    return re.sub(
        r"<styleUrl>#([^<]+)</styleUrl>",
        lambda m: f"<styleUrl>#{ids.get(m.group(1), m.group(1))}</styleUrl>",
        text,
    )


def kmz_bytes(kml_text: str) -> bytes:
    """A KMZ (zip with ``doc.kml``) with a fixed entry time, so the bytes are reproducible."""
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("doc.kml", date_time=ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        z.writestr(info, kml_text.encode("utf-8"))
    return buf.getvalue()


def write_kml(itinerary: Itinerary, path: str | Path) -> Path:
    """Write ``route.kml`` atomically and return its path."""
    return write_text(path, itinerary_to_kml(itinerary))


def write_kmz(itinerary: Itinerary, path: str | Path) -> Path:
    """Write ``route.kmz`` atomically and return its path."""
    return write_bytes(path, kmz_bytes(itinerary_to_kml(itinerary)))
