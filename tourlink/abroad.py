"""Partner areas outside Vietnam: boundary, sights, lodging and how a group gets there.

Bundled in ``data/abroad.geojson`` (built by ``tools/build_catalog.py`` from
``tools/curated/abroad.yaml``; boundaries from ``../shared/data/raw/laos``). A partnership member
with ``region: null`` names its area by ``abroad:`` (e.g. ``LA18``, Xaisomboun in Laos).

tourlink has no road network outside Vietnam, so a programme with a partner abroad cannot be
planned as one coach tour: :func:`check_plannable` says so in one line, with the way there and
what can be planned instead (the Vietnamese side, with ``--provinces``).

>>> area = abroad_area("LA18")
>>> area.name, area.country
('Xaisomboun', 'Lao PDR')
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

import geopandas as gpd
from shapely.geometry import shape

from tourlink.errors import InfeasibleError, NotFoundError
from tourlink.paths import data_file


@dataclass(frozen=True)
class AbroadArea:
    """A partner area outside Vietnam: names, capital, the way there in one line (``route_*``) and in a
    paragraph (``access_*``) with its sources, the boundary (WGS84) and its sights and lodging."""

    key: str
    name: str
    name_vi: str
    name_en: str
    country: str
    capital: str
    route_vi: str
    route_en: str
    access_vi: str
    access_en: str
    access_sources: tuple[str, ...]
    boundary_source: str
    geometry: object
    places: gpd.GeoDataFrame

    @property
    def destinations(self) -> gpd.GeoDataFrame:
        """The sights of the area (``access`` says "restricted" where permits are needed)."""
        return self.places[self.places["feature"] == "destination"].reset_index(drop=True)

    @property
    def lodging(self) -> gpd.GeoDataFrame:
        """Where a group sleeps in the area."""
        return self.places[self.places["feature"] == "lodging"].reset_index(drop=True)

    def access(self, lang: str = "en") -> str:
        """How a group gets there, in ``lang`` ("vi" or "en")."""
        return self.access_vi if lang == "vi" else self.access_en


@functools.cache
def _areas() -> dict[str, AbroadArea]:
    doc = json.loads(data_file("abroad.geojson").read_text(encoding="utf-8"))
    points = [f for f in doc["features"] if f["properties"]["feature"] != "area"]
    out = {}
    for f in doc["features"]:
        p = f["properties"]
        if p["feature"] != "area":
            continue
        mine = [g for g in points if g["properties"]["area"] == p["key"]]
        rows = [{**g["properties"], "lon": g["geometry"]["coordinates"][0],
                 "lat": g["geometry"]["coordinates"][1]} for g in mine]
        xy = gpd.points_from_xy([r["lon"] for r in rows], [r["lat"] for r in rows])
        places = gpd.GeoDataFrame(rows, geometry=xy, crs="EPSG:4326")
        out[p["key"]] = AbroadArea(
            p["key"], p["name"], p["name_vi"], p["name_en"], p["country"], p["capital"], p["route_vi"],
            p["route_en"], p["access_vi"], p["access_en"], tuple(p["access_sources"]), p["boundary_source"],
            shape(f["geometry"]), places)
    return out


def abroad_areas() -> dict[str, AbroadArea]:
    """Return the bundled partner areas outside Vietnam by key."""
    return dict(_areas())


def abroad_area(key: str) -> AbroadArea:
    """Return the partner area ``key`` (e.g. ``"LA18"``).

    Raises
    ------
    NotFoundError
        If the bundled data has no such area.
    """
    areas = _areas()
    if key not in areas:
        raise NotFoundError("partner area abroad", key, suggestions=sorted(areas))
    return areas[key]


def check_plannable(partnership) -> None:
    """Raise if ``partnership`` has a member outside Vietnam, which no coach tour can reach.

    Raises
    ------
    InfeasibleError
        One line: which partner, why, how a group gets there, and what to plan instead.
    """
    abroad = [m for m in partnership.members if m.region is None]
    if not abroad:
        return
    parts = []
    for m in abroad:
        area = _areas().get(m.abroad or "")
        how = f" ({area.route_en})" if area else ""
        parts.append(f"{m.name} is outside Vietnam and tourlink has no roads there{how}")
    home = " ".join(f'"{r.name}"' for r in partnership.regions)
    raise InfeasibleError(
        f"{partnership.id} cannot be planned as one coach tour: {'; '.join(parts)}; plan the Vietnamese "
        f"side with --provinces {home} instead of --partnership (`tourlink partnerships show "
        f"{partnership.id}` lists the sights abroad)")


__all__ = ["AbroadArea", "abroad_area", "abroad_areas", "check_plannable"]
