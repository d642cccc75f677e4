"""GeoJSON (RFC 7946, lon/lat): a Point per stop and a LineString per leg, with day, order and times."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tourlink.atomic import write_text
from tourlink.export._common import leg_ends, name
from tourlink.itinerary import Itinerary, Stop


def _xy(lon: float, lat: float) -> list[float]:
    return [round(lon, 6), round(lat, 6)]


def _stop_feature(day: int, order: int, s: Stop) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": _xy(s.lon, s.lat)},
        "properties": {
            "feature": "stop",
            "day": day,
            "order": order,
            "id": s.id,
            "name": s.name,
            "name_en": s.name_en,
            "kind": s.kind,
            "arrive": s.arrive.isoformat(),
            "depart": s.depart.isoformat(),
            "visit_minutes": s.visit_minutes,
            "fee_vnd": s.fee_vnd,
            "opening_hours": s.opening_hours,
            "province_legacy": s.province_legacy,
            "province_2025": s.province_2025,
            "partner": s.partner,
            "themes": ";".join(s.themes),
        },
    }


def itinerary_to_geojson(itinerary: Itinerary) -> dict[str, Any]:
    """Return the FeatureCollection of ``itinerary`` (stops first, then legs, by day)."""
    features = []
    for d in itinerary.days:
        order = 0
        for s in (d.start, *d.stops, d.end):
            order += 1
            features.append(_stop_feature(d.index, order, s))
        for i, (leg, a, b) in enumerate(leg_ends(d), start=1):
            path = list(leg.geometry) or [(x.lon, x.lat) for x in (a, b) if x is not None]
            provinces = list(dict.fromkeys(x.province_legacy for x in (a, b) if x and x.province_legacy))
            partners = list(dict.fromkeys(x.partner for x in (a, b) if x and x.partner))
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": [_xy(x, y) for x, y in path]},
                    "properties": {
                        "feature": "leg",
                        "day": d.index,
                        "order": i,
                        "from": leg.from_id,
                        "to": leg.to_id,
                        "from_name": name(a),
                        "to_name": name(b),
                        "mode": leg.mode,
                        "name": leg.name,
                        "depart": leg.depart.isoformat(),
                        "arrive": leg.arrive.isoformat(),
                        "km": round(leg.km, 2),
                        "minutes": round(leg.minutes, 1),
                        "fare_vnd": leg.fare_vnd,
                        "provinces": ";".join(provinces),
                        "partner": ";".join(partners),
                    },
                }
            )
    return {"type": "FeatureCollection", "name": itinerary.title or "itinerary", "features": features}


def write_geojson(itinerary: Itinerary, path: str | Path) -> Path:
    """Write ``route.geojson`` atomically (UTF-8, sorted keys) and return its path."""
    text = json.dumps(itinerary_to_geojson(itinerary), ensure_ascii=False, sort_keys=True, indent=1)
    return write_text(path, text + "\n")
