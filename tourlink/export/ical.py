"""iCalendar (RFC 5545): an event per visit and per leg, TZID Asia/Ho_Chi_Minh, stable UIDs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import icalendar

from tourlink.atomic import write_bytes
from tourlink.export._common import duration, hm, leg_ends, mode_label, name, one_line, stamp, tour_key, uid
from tourlink.itinerary import TZ, Itinerary, Stop
from tourlink.labels import without_ids

PRODID = "-//tourlink//famtrip pack//EN"


def _where(s: Stop) -> str:
    prov = ", ".join(
        p for p in (s.province_legacy, f"{s.province_2025} (2025)" if s.province_2025 else "") if p
    )
    return f"{s.name} ({prov})" if prov else s.name


def itinerary_to_ical(itinerary: Itinerary) -> bytes:
    """Return the calendar (bytes, CRLF lines) of ``itinerary``."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", one_line(itinerary.title) or "Itinerary")  # one line (icalendar asserts it)
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    key = tour_key(itinerary)
    dtstamp = stamp()
    first = min((d.start.depart for d in itinerary.days), default=dtstamp)
    last = max((d.end.arrive for d in itinerary.days), default=dtstamp)
    cal.add_component(
        icalendar.Timezone.from_tzinfo(
            TZ, tzid="Asia/Ho_Chi_Minh", first_date=first.date(), last_date=last.date()
        )
    )
    events: list[tuple[datetime, int, icalendar.Event]] = []
    for d in itinerary.days:
        for s in d.stops:
            if s.kind not in ("destination", "lunch"):
                continue
            ev = icalendar.Event()
            ev.add("uid", f"{uid(key, d.index, 'visit', s.id, s.arrive.isoformat())}@tourlink")
            ev.add("dtstamp", dtstamp)
            ev.add("dtstart", s.arrive.astimezone(TZ))
            ev.add("dtend", s.depart.astimezone(TZ))
            ev.add("summary", s.name if s.kind == "destination" else f"{s.name} / {s.name_en or 'Lunch'}")
            ev.add("location", _where(s))
            ev.add("geo", (round(s.lat, 6), round(s.lon, 6)))
            lines = [d.title]
            if s.name_en and s.name_en != s.name:
                lines.append(s.name_en)
            if s.opening_hours:
                lines.append(f"Opening hours: {s.opening_hours}")
            if s.fee_vnd:
                lines.append(f"Fee: {s.fee_vnd:,} VND")
            if s.partner:
                lines.append(f"Partner: {s.partner}")
            ev.add("description", "\n".join(lines))
            ev.add("categories", ["visit" if s.kind == "destination" else "meal"])
            events.append((s.arrive, len(events), ev))
        for i, (leg, a, b) in enumerate(leg_ends(d), start=1):
            ev = icalendar.Event()
            ev.add(
                "uid",
                f"{uid(key, d.index, 'leg', i, leg.from_id, leg.to_id, leg.depart.isoformat())}@tourlink",
            )
            ev.add("dtstamp", dtstamp)
            ev.add("dtstart", leg.depart.astimezone(TZ))
            ev.add("dtend", leg.arrive.astimezone(TZ))
            code = f" {leg.code}" if leg.code else ""
            ev.add("summary", f"{mode_label(leg.mode)}{code}: {name(a)} → {name(b)}")
            if a is not None:
                ev.add("location", _where(a))
                ev.add("geo", (round(a.lat, 6), round(a.lon, 6)))
            desc = f"{d.title}\n{leg.km:.1f} km, {duration(leg.minutes)}, departs {hm(leg.depart)}"
            if without_ids(leg.name):
                desc += f"\n{without_ids(leg.name)}"
            if leg.fare_vnd:
                desc += f"\nFare: {leg.fare_vnd:,} VND per person"
            ev.add("description", desc)
            ev.add("categories", ["travel", leg.mode])
            events.append((leg.depart, len(events), ev))
    for _t, _i, ev in sorted(events, key=lambda x: (x[0], x[1])):  # in time order
        cal.add_component(ev)
    return cal.to_ical()


def write_ical(itinerary: Itinerary, path: str | Path) -> Path:
    """Write ``calendar.ics`` atomically and return its path."""
    return write_bytes(path, itinerary_to_ical(itinerary))
