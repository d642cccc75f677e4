"""GPX 1.1: a waypoint per stop, and per day a route (stops) and a track (road geometry)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import gpxpy.gpx

from tourlink.atomic import write_text
from tourlink.export._common import SYMBOLS, clean, hm, leg_ends, name, places, stamp
from tourlink.itinerary import Itinerary, Stop


def _utc(t: datetime) -> datetime:
    return t.astimezone(UTC)


def _desc(day_title: str, s: Stop) -> str:
    parts = [day_title, f"{hm(s.arrive)}–{hm(s.depart)}"]
    if s.name_en and s.name_en != s.name:
        parts.append(s.name_en)
    if s.province_legacy or s.province_2025:
        parts.append(f"{s.province_legacy} / {s.province_2025} (2025)")
    if s.partner:
        parts.append(f"partner {s.partner}")
    return " · ".join(parts)


def itinerary_to_gpx(itinerary: Itinerary) -> str:
    """Return the GPX 1.1 document of ``itinerary`` (times in UTC as GPX requires)."""
    gpx = gpxpy.gpx.GPX()
    gpx.creator = "tourlink"
    gpx.name = itinerary.title or "Itinerary"
    gpx.description = f"partnership {itinerary.partnership}" if itinerary.partnership else None
    gpx.time = stamp()
    seen: set[str] = set()  # a place once: a pier passed twice, the hub the tour ends at
    for d in itinerary.days:
        for s in (d.start, *d.stops, d.end):
            if s.kind == "lunch" or s.id in seen:
                continue  # lunch is at the stop before; a day starts where the last ended
            seen.add(s.id)
            gpx.waypoints.append(
                gpxpy.gpx.GPXWaypoint(
                    latitude=round(s.lat, 6),
                    longitude=round(s.lon, 6),
                    time=_utc(s.arrive),
                    name=s.name,
                    description=_desc(d.title, s),
                    symbol=SYMBOLS.get(s.kind, "Waypoint"),
                    type=s.kind,
                )
            )
        rte = gpxpy.gpx.GPXRoute(name=d.title, description=f"{name(d.start)} → {name(d.end)}", number=d.index)
        for s in places(d).values():
            rte.points.append(
                gpxpy.gpx.GPXRoutePoint(
                    latitude=round(s.lat, 6),
                    longitude=round(s.lon, 6),
                    time=_utc(s.arrive),
                    name=s.name,
                    symbol=SYMBOLS.get(s.kind),
                )
            )
        gpx.routes.append(rte)
        trk = gpxpy.gpx.GPXTrack(name=d.title, description=f"{d.km:.1f} km", number=d.index)
        for leg, a, b in leg_ends(d):
            path = list(leg.geometry) or [(p.lon, p.lat) for p in (a, b) if p is not None]
            seg = gpxpy.gpx.GPXTrackSegment()
            for i, (lon, lat) in enumerate(path):
                t = _utc(leg.depart) if i == 0 else _utc(leg.arrive) if i == len(path) - 1 else None
                seg.points.append(
                    gpxpy.gpx.GPXTrackPoint(latitude=round(lat, 6), longitude=round(lon, 6), time=t)
                )
            trk.segments.append(seg)
        gpx.tracks.append(trk)
    return clean(gpx.to_xml(version="1.1"))  # markup holds no control characters: only names can


def write_gpx(itinerary: Itinerary, path: str | Path) -> Path:
    """Write ``route.gpx`` atomically and return its path."""
    return write_text(path, itinerary_to_gpx(itinerary))
