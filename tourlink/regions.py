"""Provinces of Vietnam in both schemes (63 legacy ones until 1 July 2025, 34 since), by name or point.

A province code means nothing without its scheme — codes 15, 24, 44, 52, 80, 82 and 91 were
reused with another meaning in 2025 (legacy 91 is Kiên Giang, 2025 91 is An Giang) — so every
:class:`Region` carries its scheme and its :attr:`Region.key` reads ``"legacy:91"``. A legacy area
(Bắc Giang, now inside Bắc Ninh) is a Region like any other.

>>> resolve("Kien Giang").key
'legacy:91'
>>> current_of(resolve("Kiên Giang")).name
'An Giang'
>>> resolve("TP. HCM").key
'2025:79'
"""

from __future__ import annotations

import csv
import difflib
import functools
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from tourlink.errors import DataError, NotFoundError, ValidationError
from tourlink.paths import data_file

Scheme = Literal["legacy", "2025"]
SCHEMES: tuple[Scheme, ...] = ("legacy", "2025")

#: a point outside every polygon is given to the nearest province within this distance (degrees,
#: about 2 km): piers, beaches and islets that the simplified coastline left just offshore
SNAP_DEG = 0.02

#: leading words dropped from names ("Tỉnh Kiên Giang", "TP. Cần Thơ", "Thành phố Huế")
_PREFIXES = (("thanh", "pho"), ("tinh",), ("tp",), ("province",), ("city",))
#: trailing words dropped from names ("Kien Giang Province", "Can Tho City")
_SUFFIXES = (("province",), ("city",))

#: other names users type, each for the region(s) of that Vietnamese name (in both schemes)
ALIASES: dict[str, tuple[str, ...]] = {
    "Hồ Chí Minh": ("HCMC", "HCM", "TPHCM", "TP HCM", "Sài Gòn", "Saigon", "Ho Chi Minh City"),
    "Huế": ("Thừa Thiên Huế", "Thua Thien Hue", "Hue City"),
    "Bắc Kạn": ("Bắc Cạn",),
    "Bà Rịa - Vũng Tàu": ("Vũng Tàu", "BR-VT"),
    "Đắk Lắk": ("Đăk Lăk", "Darlac"),
    "Đắk Nông": ("Đăk Nông",),
    "Kon Tum": ("Kontum",),
}


@dataclass(frozen=True, order=True)
class Region:
    """A province of one scheme: a legacy province (before 1 July 2025) or a 2025 province.

    Parameters
    ----------
    scheme
        ``"legacy"`` (the 63 provinces) or ``"2025"`` (the 34 provinces).
    code
        The NSO province code in that scheme, two digits (``"91"``).
    name, name_en, full_name
        Vietnamese short name, English name and full official name ("Tỉnh Kiên Giang").
    """

    scheme: Scheme
    code: str
    name: str
    name_en: str
    full_name: str

    @property
    def key(self) -> str:
        """The scheme-qualified code, e.g. ``"legacy:91"``; unique across both schemes."""
        return f"{self.scheme}:{self.code}"

    @property
    def label(self) -> str:
        """A human label, e.g. ``"Kiên Giang (until 2025)"`` or ``"An Giang"``."""
        return f"{self.name} (until 2025)" if self.scheme == "legacy" else self.name

    def __str__(self) -> str:
        return f"{self.key} {self.name}"


def normalise(name: str) -> str:
    """Return the lookup key of a province name: no diacritics, case, prefixes, spaces or punctuation.

    >>> normalise("Tỉnh Kiên Giang") == normalise("kien giang") == normalise("KienGiang")
    True
    >>> normalise("TP. Hồ Chí Minh")
    'hochiminh'
    """
    text = unicodedata.normalize("NFD", name).replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    words = re.sub(r"[^0-9a-z]+", " ", text).split()
    for prefix in _PREFIXES:
        if tuple(words[: len(prefix)]) == prefix and len(words) > len(prefix):
            words = words[len(prefix):]
            break
    for suffix in _SUFFIXES:
        if tuple(words[-len(suffix):]) == suffix and len(words) > len(suffix):
            words = words[: -len(suffix)]
            break
    return "".join(words)


@functools.cache
def _frame(scheme: Scheme) -> gpd.GeoDataFrame:
    """Read the bundled boundaries of ``scheme`` (cached; callers get copies)."""
    _check_scheme(scheme)
    path = data_file(f"provinces_{scheme}.geojson")
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        rows = [f["properties"] for f in features]
        geoms = [shape(f["geometry"]) for f in features]
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(f"{path} is corrupt ({exc}); run `make data`") from exc
    frame = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")
    return frame.sort_values("code", ignore_index=True)


@functools.cache
def _tree(scheme: Scheme) -> shapely.STRtree:
    return shapely.STRtree(_frame(scheme).geometry.values)


@functools.cache
def _regions(scheme: Scheme) -> tuple[Region, ...]:
    frame = _frame(scheme)
    return tuple(Region(scheme, r.code, r.name, r.name_en, r.full_name) for r in frame.itertuples())


@functools.cache
def _by_key() -> dict[str, Region]:
    return {r.key: r for scheme in SCHEMES for r in _regions(scheme)}


@functools.cache
def _mapping() -> dict[str, str]:
    """Legacy code → 2025 code, from ``province_mapping.csv``."""
    path = data_file("province_mapping.csv")
    with open(path, encoding="utf-8", newline="") as fh:
        mapping = {row["legacy_code"]: row["new_code"] for row in csv.DictReader(fh)}
    known = {r.code for r in _regions("2025")}
    if {r.code for r in _regions("legacy")} != set(mapping) or not set(mapping.values()) <= known:
        raise DataError(f"{path} does not match the bundled province boundaries; run `make data`")
    return mapping


@functools.cache
def _index() -> dict[str, dict[str, Region]]:
    """Lookup key → {scheme: Region} over names, English names, full names and aliases."""
    index: dict[str, dict[str, Region]] = {}
    for scheme in SCHEMES:
        for region in _regions(scheme):
            names = {region.name, region.name_en, region.full_name, *ALIASES.get(region.name, ())}
            for name in names:
                index.setdefault(normalise(name), {})[scheme] = region
    return index


def _check_scheme(scheme: str | None) -> None:
    if scheme is not None and scheme not in SCHEMES:
        raise ValidationError(f"scheme {scheme!r} is not one of 'legacy', '2025'")


def regions(scheme: Scheme) -> list[Region]:
    """Return every Region of ``scheme`` ("legacy": 63, "2025": 34), sorted by code."""
    _check_scheme(scheme)
    return list(_regions(scheme))


def resolve(name: str | Region, *, scheme: Scheme | None = None) -> Region:
    """Return the Region a user means by ``name``.

    Accepts Vietnamese with or without diacritics, any case, with or without "Tỉnh",
    "Thành phố", "TP."; English names ("Hanoi", "Can Tho City"); common variants ("HCMC",
    "Sài Gòn", "Thừa Thiên Huế"); and keys such as ``"legacy:91"``. A name of both schemes
    ("Cần Thơ") gives the 2025 province unless ``scheme="legacy"``; a legacy-only name
    ("Kiên Giang") gives the legacy area, or with ``scheme="2025"`` the province that now
    contains it. A Region passed in is returned as is (converted when ``scheme`` differs).

    Raises
    ------
    NotFoundError
        If nothing matches; its ``suggestions`` are the closest names.
    """
    _check_scheme(scheme)
    if isinstance(name, Region):
        region = name
    elif name.strip().lower().startswith(("legacy:", "2025:")):
        prefix, _, code = name.strip().lower().partition(":")
        region = _by_key().get(f"{prefix}:{code.strip().zfill(2)}")
        if region is None:
            raise NotFoundError("province key", name, suggestions=_suggest(name))
    else:
        found = _index().get(normalise(name))
        if not found:
            raise NotFoundError("province", name, suggestions=_suggest(name))
        region = found.get(scheme or "2025") or found.get("legacy") or found["2025"]
    if scheme == "2025":
        return current_of(region)
    if scheme == "legacy" and region.scheme == "2025":
        parts = [p for p in legacy_parts(region) if normalise(p.name) == normalise(region.name)]
        if not parts:
            raise NotFoundError("legacy province", str(name),
                                suggestions=[p.name for p in legacy_parts(region)])
        return parts[0]
    return region


def _suggest(name: str, *, n: int = 4) -> list[str]:
    """Return up to ``n`` display names closest to ``name``."""
    index = _index()
    keys = difflib.get_close_matches(normalise(name), list(index), n=n * 2, cutoff=0.6)
    out: list[str] = []
    for key in keys:
        region = index[key].get("2025") or index[key]["legacy"]
        if region.name not in out:
            out.append(region.name)
    return out[:n]


def current_of(region: Region) -> Region:
    """Return the 2025 province containing ``region`` (itself if it already is a 2025 province)."""
    if region.scheme == "2025":
        return region
    return _by_key()["2025:" + _mapping()[region.code]]


def legacy_parts(region: Region) -> list[Region]:
    """Return the legacy areas that make up ``region`` (``[region]`` for a legacy area), by code."""
    if region.scheme == "legacy":
        return [region]
    return [r for r in _regions("legacy") if _mapping()[r.code] == region.code]


def provinces(scheme: Scheme) -> gpd.GeoDataFrame:
    """Return the boundaries of ``scheme`` as a GeoDataFrame in EPSG:4326.

    Columns: scheme, code, name, name_en, full_name, geometry (legacy also new_code, new_name:
    the 2025 province each legacy area became). One row per province, sorted by code.
    """
    return _frame(scheme).copy()


def geometry(region: Region) -> BaseGeometry:
    """Return the (simplified, about 300 m) boundary of ``region`` as a shapely MultiPolygon."""
    frame = _frame(region.scheme)
    match = frame.index[frame["code"] == region.code]
    if len(match) != 1:
        raise NotFoundError("province", region.key, suggestions=_suggest(region.name))
    return frame.geometry.iloc[match[0]]


def _locate_in(points: np.ndarray, scheme: Scheme, *, allowed=None) -> list[Region | None]:
    """Containing (else nearest within SNAP_DEG) Region of ``scheme`` per point.

    ``allowed`` (optional, one set of codes per point) limits the candidates of each point.
    """
    tree, regs = _tree(scheme), _regions(scheme)
    result: list[Region | None] = [None] * len(points)
    pi, gi = tree.query(points, predicate="intersects")
    for p, g in sorted(zip(pi.tolist(), gi.tolist(), strict=True), reverse=True):
        if allowed is None or regs[g].code in allowed[p]:
            result[p] = regs[g]  # on a shared border the lower code wins (sorted, last write)
    for p in (i for i, r in enumerate(result) if r is None):
        near = tree.query(points[p], predicate="dwithin", distance=SNAP_DEG)
        near = [g for g in near.tolist() if allowed is None or regs[g].code in allowed[p]]
        if near:
            dist = shapely.distance(points[p], tree.geometries[near])
            result[p] = regs[near[int(np.argmin(dist))]]
    return result


def locate_many(lons, lats, *, scheme: Scheme) -> list[Region | None]:
    """Return the Region of ``scheme`` containing each point (lon, lat), or None outside Vietnam.

    A point within :data:`SNAP_DEG` of a province but outside every polygon (a pier on the
    simplified coastline) is given to the nearest province. The two schemes always agree: a
    point's legacy province is one of the legacy parts of its 2025 province.
    """
    _check_scheme(scheme)
    points = np.atleast_1d(shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)))
    new = _locate_in(points, "2025")
    if scheme == "2025":
        return new
    allowed = [{r.code for r in legacy_parts(n)} if n else set() for n in new]
    return _locate_in(points, "legacy", allowed=allowed)


def locate(lon: float, lat: float) -> tuple[Region | None, Region | None]:
    """Return the (legacy, 2025) provinces containing the point, None where outside.

    >>> [r.name for r in locate(105.08, 10.01)]  # Rạch Giá
    ['Kiên Giang', 'An Giang']
    """
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return None, None  # nan/inf: no province (shapely cannot test such a point)
    old = locate_many([lon], [lat], scheme="legacy")[0]
    return old, current_of(old) if old else None


__all__ = ["Region", "SCHEMES", "resolve", "regions", "current_of", "legacy_parts", "provinces",
           "geometry", "locate", "locate_many", "normalise", "ALIASES"]
