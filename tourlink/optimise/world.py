"""The world a request plans over: places, sea links and the road travel matrix.

:func:`load_world` gathers what a request needs from the catalog — candidate destinations
(the partners' legacy areas, minus ``exclude``), overnight hubs, ports, sea links — and the
road travel matrix between all of them (:class:`World`). Tests build a :class:`World`
directly from small tables (:func:`assemble_places`).
"""

from __future__ import annotations

import logging
import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tourlink.errors import NotFoundError, ValidationError
from tourlink.request import TourRequest
from tourlink.transport import Link

log = logging.getLogger(__name__)

#: travel minutes at or above this mean "no road" (different land masses)
NO_ROAD = 10_000


@dataclass(frozen=True)
class Partner:
    """A partner legacy area of the request."""

    name: str
    province_legacy: str
    province_2025: str
    code: str = ""


@dataclass
class World:
    """Everything a request plans over: places (indexed by id), sea links, road matrix.

    ``places`` has one row per destination, hub and port with columns ``name, name_en, lon,
    lat, kind`` (destination/lodging/port), ``province_legacy, province_2025, partner,
    themes, visit_minutes, opening_hours, fee_vnd, score, access_port,
    access_boat_minutes, price_vnd_per_night``; ``matrix`` is a TravelMatrix-like object
    (``index(id)``, ``minutes``, ``km``, ``leg(a, b)``) over at least these ids.
    """

    places: pd.DataFrame
    candidates: list[str]
    hubs: list[str]
    links: tuple[Link, ...]
    matrix: Any
    partners: tuple[Partner, ...]
    start: str
    end: str
    partnership: str = ""
    comp: dict[str, int] = field(default_factory=dict)
    offshore: frozenset[str] = frozenset()
    no_road: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if not self.comp:
            self.comp = land_components(self.matrix, list(self.places.index), cut=self.offshore)
        if not self.no_road:
            self.no_road = no_road_reasons(self.places, self.matrix, links=self.links)
        self.info = {col: self.places[col].to_dict() for col in
                     ("name", "kind", "visit_minutes", "access_port", "access_boat_minutes", "partner", "lon",
                      "lat", "themes", "province_legacy") if col in self.places}
        self._minutes: tuple[dict[str, int], list[list[int]]] | None = None
        self._rows: dict[str, pd.Series] = {}

    def get(self, pid: str, col: str) -> Any:
        """Value of column ``col`` for place ``pid`` (fast dictionary lookup)."""
        return self.info[col][pid]

    def minutes(self, a: str, b: str) -> int:
        """Road minutes a → b, rounded up (``NO_ROAD`` or more when there is no road)."""
        if a != b and (a in self.offshore or b in self.offshore):
            return NO_ROAD
        if self._minutes is None:  # the places' minutes as plain ints, once (the planner asks often)
            ids = list(self.places.index)
            idx = [self.matrix.index(i) for i in ids]
            m = np.asarray(self.matrix.minutes, dtype=float)[np.ix_(idx, idx)]
            whole = np.where(np.isfinite(m) & (m < NO_ROAD), np.ceil(m - 1e-9), NO_ROAD).astype(np.int64)
            self._minutes = ({p: k for k, p in enumerate(ids)}, whole.tolist())
        where, rows = self._minutes
        if a in where and b in where:
            return rows[where[a]][where[b]]
        m = self.matrix.minutes[self.matrix.index(a), self.matrix.index(b)]
        return NO_ROAD if not np.isfinite(m) or m >= NO_ROAD else int(math.ceil(m - 1e-9))

    def km(self, a: str, b: str) -> float:
        k = self.matrix.km[self.matrix.index(a), self.matrix.index(b)]
        return float(k) if np.isfinite(k) else 0.0

    def row(self, pid: str) -> pd.Series:
        """The place's row of ``places``, remembered: the timing of every round asks for the rows of
        its stops, and a DataFrame lookup takes about 100 µs."""
        if pid not in self._rows:
            self._rows[pid] = self.places.loc[pid]
        return self._rows[pid]

    def name(self, pid: str) -> str:
        return str(self.info["name"][pid])

    def road_id(self, pid: str) -> str:
        """The place a vehicle drives to for ``pid``: its pier for a boat-access site."""
        port = self.info["access_port"].get(pid, "") if "access_port" in self.info else ""
        return str(port) if isinstance(port, str) and port else pid


def land_components(matrix: Any, ids: list[str], *, cut: frozenset[str] = frozenset()) -> dict[str, int]:
    """Group ids by land mass: two places share a component when a road joins them (places in
    ``cut`` have no road to any other place)."""
    idx = [matrix.index(i) for i in ids]
    sub = np.asarray(matrix.minutes)[np.ix_(idx, idx)]
    ok = np.isfinite(sub) & (sub < NO_ROAD)
    alone = np.array([i in cut for i in ids], dtype=bool)
    ok &= ~(alone[:, None] | alone[None, :])
    ok |= np.eye(len(ids), dtype=bool)
    comp: dict[str, int] = {}
    label = 0
    for k in range(len(ids)):
        if ids[k] in comp:
            continue
        stack = [k]
        while stack:
            j = stack.pop()
            if ids[j] in comp:
                continue
            comp[ids[j]] = label
            stack.extend(np.nonzero(ok[j] & ok[:, j])[0].tolist())
        label += 1
    return comp



def is_boat_site(row: pd.Series) -> bool:
    """Whether a destination row is reached by boat from a pier (``access_port``)."""
    port = row.get("access_port", "")
    return isinstance(port, str) and bool(port)


def is_dawn_site(row: pd.Series) -> bool:
    """Whether a destination row is a floating market reached by boat: a day may start at dawn for it
    (an islet reached by boat keeps the daily window)."""
    themes = row.get("themes", ())
    return is_boat_site(row) and "floating_market" in (themes if isinstance(themes, (tuple, list)) else
                                                       str(themes).split(";"))


# ------------------------------------------------------------------ loading
def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d) and extra spaces, for matching names."""
    t = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(ch for ch in t if unicodedata.category(ch) != "Mn").lower().split())


def resolve_place(name: str, places: pd.DataFrame, *, what: str = "place") -> str:
    """Id of the place ``name`` designates: an id, a lodging town, a port or hub name.

    Lodging hubs win over ports and destinations with the same name.
    """
    if name in places.index:
        return name
    key = fold(name)
    order = {"lodging": 0, "port": 1, "destination": 2}
    cols = ("kind", "name", "name_en", "town", "province_legacy")
    # plain tuples: iterrows is slow on a national catalogue
    rows = [(str(pid), dict(zip(cols, vals, strict=True)))
            for pid, *vals in zip(places.index, *(places[c] if c in places else [""] * len(places)
                                                   for c in cols), strict=True)]
    hits = []
    for pid, r in rows:
        names = [r["name"], r["name_en"], r["town"]]
        if any(isinstance(n, str) and n and fold(n) == key for n in names):
            hits.append((order.get(r["kind"], 3), pid))
    if not hits:
        for pid, r in rows:
            names = [r["town"], r["province_legacy"]]
            if r["kind"] == "lodging" and any(isinstance(n, str) and n and key in fold(n) for n in names):
                hits.append((0, pid))
    if not hits:  # "Cantho" for "Cần Thơ": ignore spaces
        tight = key.replace(" ", "")
        for pid, r in rows:
            names = [r["name"], r["town"], r["province_legacy"]]
            if r["kind"] == "lodging" and any(isinstance(n, str) and n and tight in fold(n).replace(" ", "")
                                              for n in names):
                hits.append((0, pid))
    if hits:
        return sorted(hits)[0][1]
    import difflib
    pool = sorted({str(x) for col in ("town", "name", "name_en") if col in places
                   for x in places.loc[places["kind"] != "destination", col].dropna() if str(x)})
    folded = {fold(x): x for x in pool}
    near = [folded[x] for x in difflib.get_close_matches(key, list(folded), n=3, cutoff=0.6)]
    raise NotFoundError(what, name, near)


def one_hub_per_town(lodging: pd.DataFrame) -> list[str]:
    """One lodging id per town (the first by id), sorted by id."""
    seen: dict[str, str] = {}
    for pid in sorted(lodging.index):
        town = fold(lodging.at[pid, "town"]) if "town" in lodging else pid
        seen.setdefault(town, pid)
    return sorted(seen.values())


def load_world(request: TourRequest, *, network: Any = None) -> World:
    """Gather candidates, hubs, ports, sea links and the road matrix of ``request``."""
    from tourlink import catalog, regions

    partnership_id = ""
    if request.partnership:
        from tourlink import abroad, partnerships
        p = partnerships.get_partnership(request.partnership)
        abroad.check_plannable(p)  # a partner abroad (Xaisomboun) is no coach stop: say so, never drop it
        areas = list(p.regions)
        partnership_id = p.id
        source: Any = p
    else:
        areas = []
        for name in request.provinces:
            reg = regions.resolve(name)
            areas.extend(regions.legacy_parts(reg) if reg.scheme == "2025" else [reg])
        areas = list(dict.fromkeys(areas))  # "Cần Thơ" (2025) and "Hậu Giang" overlap: once each
        source = areas
    partners = tuple(Partner(a.name, a.name, regions.current_of(a).name, a.code) for a in areas)
    codes = {a.code for a in areas}
    dests = catalog.destinations_for(source)
    lodging = catalog.load_lodging()
    ports = catalog.load_ports()
    links = tuple(lk for lk in catalog.load_sea_links() if lk.family in request.modes)
    places = assemble_places(dests, lodging, ports, partners)
    start = resolve_place(request.start, places, what="start place")
    end = resolve_place(request.end or request.start, places, what="end place")
    in_area = places["province_legacy_code"].astype(str).isin(codes)
    hub_pool = one_hub_per_town(places[(places["kind"] == "lodging") & in_area])
    for extra in (start, end):
        if places.at[extra, "kind"] == "lodging" and extra not in hub_pool:
            hub_pool.append(extra)
    port_ids = {lk.from_port for lk in links} | {lk.to_port for lk in links}
    airports = set(places.index[places.get("category", pd.Series(dtype=str)) == "airport"])
    used_ports = sorted(p for p in places.index[places["kind"] == "port"]
                        if (p in port_ids and (in_area.get(p, False) or p in airports))
                        or p in set(dests.get("access_port", pd.Series(dtype=str)).dropna()))
    keep = sorted(set(dests["id"]) | set(hub_pool) | set(used_ports) | {start, end})
    places = places.loc[keep]
    links = tuple(lk for lk in links if lk.from_port in places.index and lk.to_port in places.index)
    matrix = _matrix(places, network=network)
    cands = sorted(set(dests["id"]) - set(request.exclude))
    return World(places=places, candidates=cands, hubs=sorted(hub_pool), links=links, matrix=matrix,
                 partners=partners, start=start, end=end, partnership=partnership_id,
                 offshore=offshore_places(places, matrix))


def offshore_places(places: pd.DataFrame, matrix: Any) -> frozenset[str]:
    """Sea ports and island destinations farther than ``roads.FAR_SNAP_M`` from any road: offshore
    islands without a road of their own (Hòn Sơn, Nam Du), reached only by their boats — never by
    a long access leg to a mainland road."""
    from tourlink import roads
    try:
        km = np.asarray(matrix.access_km) / roads.ACCESS_DETOUR
    except (AttributeError, TypeError):
        return frozenset()
    if len(km) != len(matrix.ids):
        return frozenset()
    out = set()
    for pid, r in places.iterrows():
        island = (r["kind"] == "port" and r.get("category") == "sea_port") or \
                 (r["kind"] == "destination" and r.get("category") == "island" and not r.get("access_port"))
        if island and km[matrix.index(pid)] * 1000 > roads.FAR_SNAP_M:
            out.add(str(pid))
    return frozenset(out)


def no_road_reasons(places: pd.DataFrame, matrix: Any, *, links: tuple[Link, ...] = ()) -> dict[str, str]:
    """Why each place that no coach reaches is not offered to a coach plan: it (or its pier) has no
    road within ``roads.MAX_ACCESS_M`` — no coach time rests on a longer straight line. An island
    with a port of the timetabled ``links`` within 5 km (Nam Du, Hòn Sơn) is left to the boats."""
    from tourlink import roads
    ports = sorted({p for lk in links for p in (lk.from_port, lk.to_port)} & set(places.index))
    served = [(places.at[p, "lon"], places.at[p, "lat"]) for p in ports]
    try:
        off, km = np.asarray(matrix.off_road), np.asarray(matrix.access_km) / roads.ACCESS_DETOUR
    except (AttributeError, TypeError):
        return {}
    if len(off) != len(matrix.ids):
        return {}
    limit = f"{roads.MAX_ACCESS_M / 1000:g} km"
    out = {}
    for pid in places.index:
        k = matrix.index(pid)
        lon, lat = places.at[pid, "lon"], places.at[pid, "lat"]
        if not off[k] or any(roads.haversine_m(lon, lat, x, y) <= 5000 for x, y in served):
            continue
        port = places.at[pid, "access_port"] if "access_port" in places else ""
        nearest = f"no road within {limit} (the nearest is {km[k]:.1f} km away)"
        if isinstance(port, str) and port:
            name = places.at[port, "name"] if port in places.index else port
            out[str(pid)] = f"its pier {name} has {nearest}: not offered to a coach plan"
        elif "category" in places and places.at[pid, "category"] == "island":
            out[str(pid)] = f"an island with {nearest}: reached only by boat, not offered to a coach plan"
        else:
            out[str(pid)] = f"{nearest} and no boat from a pier: not offered to a coach plan"
    return out


def assemble_places(dests: pd.DataFrame, lodging: pd.DataFrame, ports: pd.DataFrame,
                    partners: tuple[Partner, ...]) -> pd.DataFrame:
    """One table of destinations, lodging and ports indexed by id (columns of :class:`World`)."""
    by_code = {p.code: p.name for p in partners}
    frames = []
    for df, kind in ((dests, "destination"), (lodging, "lodging"), (ports, "port")):
        if df is None or len(df) == 0:
            continue
        f = pd.DataFrame(df.drop(columns=[c for c in ("geometry",) if c in df])).copy()
        if "name" not in f:
            f["name"] = f["name_vi"] if "name_vi" in f else f["id"]
        f = f.rename(columns={"kind": "category"})
        f["kind"] = kind
        frames.append(f)
    places = pd.concat(frames, ignore_index=True)
    defaults = {"name_en": "", "province_legacy": "", "province_2025": "", "province_legacy_code": "",
                "themes": (), "visit_minutes": 0, "opening_hours": "24/7", "fee_vnd": 0, "score": 0.0,
                "access_port": "", "access_boat_minutes": 0, "town": "", "price_vnd_per_night": 0}
    for col, val in defaults.items():
        if col not in places:
            places[col] = [val] * len(places)
    places["themes"] = [tuple(t) if isinstance(t, (tuple, list)) else
                        tuple(x for x in str(t).split(";") if x) if isinstance(t, str) else ()
                        for t in places["themes"]]
    for col in ("access_port", "opening_hours", "town", "name_en", "province_legacy", "province_2025"):
        places[col] = places[col].fillna("").astype(str)
    for col in ("visit_minutes", "fee_vnd", "access_boat_minutes", "price_vnd_per_night"):
        places[col] = pd.to_numeric(places[col], errors="coerce").fillna(0).astype(int)
    places["score"] = pd.to_numeric(places["score"], errors="coerce").fillna(0.0)
    places["province_legacy_code"] = places["province_legacy_code"].fillna("").astype(str)
    places["partner"] = [by_code.get(c, "") for c in places["province_legacy_code"]]
    places.loc[places["opening_hours"] == "", "opening_hours"] = "24/7"
    dup = places["id"][places["id"].duplicated()].tolist()
    if dup:
        raise ValidationError(f"ids used by more than one place: {', '.join(dup[:5])}", source="catalog")
    return places.set_index("id", drop=False).sort_index()


def _matrix(places: pd.DataFrame, *, network: Any = None) -> Any:
    import warnings

    from tourlink import matrix as tm
    frame = places[["id", "lon", "lat"]].reset_index(drop=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = tm.travel_matrix(frame, network=network, modes=("road",))
    for w in caught:  # e.g. far-off islets snapped to a distant road: the planner's log, not stderr
        log.debug("travel matrix: %s", w.message)
    return m


__all__ = ["World", "Partner", "Link", "NO_ROAD", "load_world", "assemble_places", "resolve_place",
           "one_hub_per_town", "land_components", "fold", "is_boat_site", "is_dawn_site", "offshore_places",
           "no_road_reasons"]
