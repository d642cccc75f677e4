"""Helpers shared by the renderers: the day's timeline, labels, stable ids and time formats."""

from __future__ import annotations

import hashlib
import html
import os
import re
from datetime import UTC, datetime

from tourlink.itinerary import Day, Itinerary, Leg, Stop

#: mode labels by language
MODE_LABELS = {
    "en": {
        "road": "Road",
        "fast_boat": "Fast boat",
        "car_ferry": "Car ferry",
        "boat": "Boat",
        "walk": "Walk",
        "flight": "Flight",
    },
    "vi": {
        "road": "Đường bộ",
        "fast_boat": "Tàu cao tốc",
        "car_ferry": "Phà",
        "boat": "Thuyền",
        "walk": "Đi bộ",
        "flight": "Máy bay",
    },
}

#: GPX/Garmin symbols by stop kind
SYMBOLS = {
    "lodging": "Lodging",
    "port": "Anchor",
    "destination": "Scenic Area",
    "lunch": "Restaurant",
    "place": "Flag, Blue",
}


#: characters XML 1.0 (GPX, KML) and XLSX cannot hold: C0 controls but tab/LF/CR, and U+FFFE/U+FFFF
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: object) -> str:
    """``text`` without the characters XML 1.0 and XLSX cannot hold (pasted control characters)."""
    return _NOT_XML.sub("", str(text))


def one_line(text: object) -> str:
    """``text`` on one line: line breaks and runs of spaces become one space (names, titles)."""
    return " ".join(str(text).split())


def esc(text: object) -> str:
    """Escape ``text`` for HTML and for the JavaScript template literals folium puts it in."""
    return (
        html.escape(str(text), quote=True).replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")
    )


def timeline(day: Day) -> list[Stop | Leg]:
    """Return the day in order: start, then each leg followed by the place it reaches.

    A lunch stop (no leg of its own) comes where its time puts it: after the stop it pauses
    at, or after the leg that brings the group to where it lunches before the visit.
    """
    out: list[Stop | Leg] = [day.start]
    legs = list(day.legs)
    for stop in (*day.stops, day.end):
        if stop.kind != "lunch" and legs:
            out.append(legs.pop(0))
        out.append(stop)
    out.extend(legs)
    return sorted(out, key=_begins)  # stable: equal times keep the order above


def _begins(item: Stop | Leg) -> tuple[datetime, int]:
    """When an item begins; a lunch that begins as a leg leaves is taken on board (after the leg)."""
    if isinstance(item, Leg):
        return item.depart, 0
    return item.arrive, 1 if item.kind == "lunch" else 0


def places(day: Day) -> dict[str, Stop]:
    """Located stops of the day by id (the first stop of an id wins)."""
    out: dict[str, Stop] = {}
    for s in (day.start, *day.stops, day.end):
        if s.kind != "lunch":
            out.setdefault(s.id, s)
    return out


def leg_ends(day: Day) -> list[tuple[Leg, Stop | None, Stop | None]]:
    """Each leg of the day with the stops it joins (found in the timeline, else by id)."""
    items = timeline(day)
    by_id = places(day)
    out = []
    for i, item in enumerate(items):
        if isinstance(item, Leg):
            before = next((x for x in reversed(items[:i]) if isinstance(x, Stop) and x.kind != "lunch"), None)
            after = next((x for x in items[i + 1 :] if isinstance(x, Stop)), None)
            if before is None or before.id != item.from_id:
                before = by_id.get(item.from_id, before)
            if after is None or after.id != item.to_id:
                after = by_id.get(item.to_id, after)
            out.append((item, before, after))
    return out


def name(stop: Stop | None, lang: str = "vi") -> str:
    """The stop's name in ``lang`` ("en" falls back to the Vietnamese name)."""
    if stop is None:
        return ""
    return (stop.name_en or stop.name) if lang == "en" else stop.name


def mode_label(mode: str, lang: str = "en") -> str:
    return MODE_LABELS[lang].get(mode, mode)


def hm(t: datetime) -> str:
    """ "08:00"."""
    return f"{t:%H:%M}"


def hhmm_vi(t: datetime) -> str:
    """ "08h00" as operators print it."""
    return f"{t:%H}h{t:%M}"


def duration(minutes: float) -> str:
    """ "2 h 45" / "35 min"."""
    m = round(minutes)
    return f"{m // 60} h {m % 60:02d}" if m >= 60 else f"{m} min"


def stamp() -> datetime:
    """When the file is made (UTC, whole seconds): the "created" time of GPX, XLSX and DTSTAMP.

    ``SOURCE_DATE_EPOCH`` (seconds since 1970, the reproducible-builds convention) fixes it, so
    that the same itinerary gives byte-identical files.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(UTC).replace(microsecond=0)


def uid(*parts: object) -> str:
    """A stable identifier from ``parts`` (hex digest)."""
    return hashlib.sha1("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:20]


def tour_key(itinerary: Itinerary) -> str:
    """A short stable key of the tour (partnership, title and dates)."""
    first = itinerary.days[0].date.isoformat() if itinerary.days else ""
    return uid(itinerary.partnership, itinerary.title, first, len(itinerary.days))
