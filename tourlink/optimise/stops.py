"""The itinerary's pieces from world places: :class:`~tourlink.itinerary.Stop` and
:class:`~tourlink.itinerary.Leg` values at given minutes of a tour day."""

from __future__ import annotations

import math
from dataclasses import replace

from tourlink.itinerary import Leg, Stop
from tourlink.optimise.planning import Planning


def km_between(a, b) -> float:
    """Great-circle km between two rows with ``lon`` / ``lat``."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a["lon"], a["lat"], b["lon"], b["lat"]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return round(2 * 6371.0 * math.asin(math.sqrt(h)), 2)


def place_stop(pl: Planning, pid: str, day: int, arrive: int, depart: int, *, kind: str) -> Stop:
    """A stop at place ``pid`` from ``arrive`` to ``depart`` (minutes after midnight of ``day``)."""
    r = pl.row(pid)
    return Stop(id=pid, name=str(r["name"]), lon=float(r["lon"]), lat=float(r["lat"]),
                arrive=pl.dt(day, arrive), depart=pl.dt(day, depart), kind=kind,
                name_en=str(r["name_en"]), province_legacy=str(r["province_legacy"]),
                province_2025=str(r["province_2025"]), partner=str(r["partner"]))


def dest_stop(pl: Planning, pid: str, day: int, arrive: int, depart: int) -> Stop:
    """A visit of destination ``pid``, with its themes, hours, fee and score."""
    r = pl.row(pid)
    base = place_stop(pl, pid, day, arrive, depart, kind="destination")
    return replace(base, themes=tuple(r["themes"]), visit_minutes=int(r["visit_minutes"]),
                   fee_vnd=int(r["fee_vnd"]), opening_hours=str(r["opening_hours"]),
                   score=round(pl.prize(pid) / 10, 1))


def lunch_stop(pl: Planning, pid: str, day: int, a: int, b: int) -> Stop:
    """The lunch pause from ``a`` to ``b`` at or near place ``pid``."""
    r = pl.row(pid)
    where = "at" if r["kind"] in ("port", "lodging") else "near"
    return Stop(id=f"lunch-{day + 1}", name=f"Lunch {where} {r['name']}",
                lon=float(r["lon"]), lat=float(r["lat"]), arrive=pl.dt(day, a),
                depart=pl.dt(day, b), kind="lunch", name_en="Lunch")


def road_leg(pl: Planning, a: str, b: str, day: int, dep: int, arr: int) -> Leg:
    """The coach leg a → b with the roads taken and the drawn path (straight line if unknown)."""
    world = pl.world
    name, geom = "", ()
    km = world.km(a, b)
    if a != b:
        try:
            info = world.matrix.leg(a, b)
            roads = [x for x in (getattr(info, "roads", None) or []) if x]
            name = " · ".join(dict.fromkeys(roads[:4]))
            geom = tuple((float(x), float(y)) for x, y in (getattr(info, "geometry", None) or []))
            km = float(getattr(info, "km", km))
        except (LookupError, ValueError, AttributeError, NotImplementedError):
            pass
    if not geom:
        ra, rb = pl.row(a), pl.row(b)
        geom = ((float(ra["lon"]), float(ra["lat"])), (float(rb["lon"]), float(rb["lat"])))
    return Leg(a, b, "road", round(km, 2), float(arr - dep), pl.dt(day, dep), pl.dt(day, arr),
               name=name, geometry=geom)


def boat_leg(pl: Planning, a: str, b: str, day: int, dep: int, arr: int) -> Leg:
    """The river boat between a pier and the site it serves."""
    ra, rb = pl.row(a), pl.row(b)
    geom = ((float(ra["lon"]), float(ra["lat"])), (float(rb["lon"]), float(rb["lat"])))
    return Leg(a, b, "boat", km_between(ra, rb), float(arr - dep), pl.dt(day, dep), pl.dt(day, arr),
               name="boat", geometry=geom)


__all__ = ["km_between", "place_stop", "dest_stop", "lunch_stop", "road_leg", "boat_leg"]
