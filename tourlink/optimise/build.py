"""From a request and the catalog to the solver's :class:`~tourlink.optimise.problem.Problem`.

Two steps:

* :func:`load_world` gathers what a request needs from the catalog — candidate destinations
  (the partners' legacy areas, minus ``exclude``), overnight hubs, ports, sea links — and the
  road travel matrix between all of them (:class:`World`). Tests build a :class:`World`
  directly from small tables.
* :func:`build_problem` turns a :class:`Plan` (the overnight hub of each night and the
  timetabled sea crossings, chosen by the outer layer) into a Problem.

Modelling rules (minutes on one global timeline, day ``d`` (0-based) at ``d * 1440``):

* every *segment* of a day (a day without a crossing has one; a crossing day has the part
  before the boat and the part after it) is one vehicle from its start place to its end place;
  ``max_distance`` caps its road minutes (the distance matrix holds road minutes);
* each candidate gets one client copy per (segment, open interval of that date) that can be
  reached, visited and left inside the segment, all copies in one mutually exclusive group;
  the window is on the visit start, ``[open, close - visit]`` ∩ the daily window;
* prize = ``round(10 * score * weight)`` where ``weight`` is the request's largest weight of
  the destination's themes (1.0 when none is listed): one tenth of a score point resolution;
* a floating market (``access_port``) is served at its pier: service = visit + 2 × boat
  minutes, window shifted by the boat minutes; such days may start at ``dawn_start``, while
  other visits keep the daily window (their earliest start allows the drive from the day's
  start after ``day_start``);
* lunch is reserved by ending the segment that holds the lunch window ``lunch_minutes``
  earlier and by closing the windows of visits after the lunch window ``lunch_minutes``
  earlier; the outer layer inserts the pause when it times the day;
* pace: the distance matrix is road minutes plus ``pace_unit`` per arrival at a visit, and
  ``max_distance = road cap + pace * pace_unit``, so no segment takes more than ``pace``
  visits (the road cap is exact for full segments and re-checked on every timed day);
* each segment is offered only its shortlist of candidates (:func:`shortlist`).
"""

from __future__ import annotations

import logging
import math
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from tourlink.errors import NotFoundError, ValidationError
from tourlink.optimise.problem import Client, Problem, Vehicle
from tourlink.request import TourRequest

log = logging.getLogger(__name__)

#: minutes to be at the port before a boat leaves, and to get off after it arrives
CHECKIN_MINUTES = 30
DISEMBARK_MINUTES = 10
#: how long before ``day_start`` a day may start to catch a morning boat
EARLY_BOAT_MINUTES = 90
#: travel minutes at or above this mean "no road" (different land masses)
NO_ROAD = 10_000


@dataclass(frozen=True)
class Partner:
    """A partner legacy area of the request."""

    name: str
    province_legacy: str
    province_2025: str
    code: str = ""


@dataclass(frozen=True)
class Link:
    """A timetabled sea link (one direction), as in ``catalog.load_sea_links()``."""

    id: str
    from_port: str
    to_port: str
    mode: str
    departures: tuple[int, ...]
    duration_min: int
    fare_vnd: int = 0
    operator: str = ""


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

    def __post_init__(self):
        if not self.comp:
            self.comp = land_components(self.matrix, list(self.places.index))
        self.info = {col: self.places[col].to_dict() for col in
                     ("name", "kind", "visit_minutes", "access_port", "access_boat_minutes", "partner")
                     if col in self.places}

    def get(self, pid: str, col: str) -> Any:
        """Value of column ``col`` for place ``pid`` (fast dictionary lookup)."""
        return self.info[col][pid]

    def minutes(self, a: str, b: str) -> int:
        """Road minutes a → b, rounded up (``NO_ROAD`` or more when there is no road)."""
        m = self.matrix.minutes[self.matrix.index(a), self.matrix.index(b)]
        return NO_ROAD if not np.isfinite(m) or m >= NO_ROAD else int(math.ceil(m - 1e-9))

    def km(self, a: str, b: str) -> float:
        k = self.matrix.km[self.matrix.index(a), self.matrix.index(b)]
        return float(k) if np.isfinite(k) else 0.0

    def row(self, pid: str) -> pd.Series:
        return self.places.loc[pid]

    def name(self, pid: str) -> str:
        return str(self.info["name"][pid])

    def road_id(self, pid: str) -> str:
        """The place a vehicle drives to for ``pid``: its pier for a boat-access site."""
        port = self.info["access_port"].get(pid, "") if "access_port" in self.info else ""
        return str(port) if isinstance(port, str) and port else pid


def land_components(matrix: Any, ids: list[str]) -> dict[str, int]:
    """Group ids by land mass: two places share a component when a road joins them."""
    idx = [matrix.index(i) for i in ids]
    sub = np.asarray(matrix.minutes)[np.ix_(idx, idx)]
    ok = np.isfinite(sub) & (sub < NO_ROAD)
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


# --------------------------------------------------------------------- the plan
@dataclass(frozen=True)
class Crossing:
    """A timetabled boat on ``day`` (0-based): leaves ``link.from_port`` at ``depart``."""

    day: int
    link: Link
    depart: int  # minutes after midnight

    @property
    def arrive(self) -> int:
        return self.depart + self.link.duration_min


@dataclass(frozen=True)
class Segment:
    """One vehicle: a part of a day between two places (minutes after midnight)."""

    day: int
    start: str
    end: str
    early: int
    late: int
    cap: int  # road minutes allowed
    lunch: bool = False  # the lunch pause is reserved in this segment
    dawn: bool = False  # may start at dawn for a floating market


@dataclass(frozen=True)
class Plan:
    """Overnight hubs (one per night) and the sea crossings; segments derive from them."""

    nights: tuple[str, ...]
    crossings: tuple[Crossing, ...] = ()
    segments: tuple[Segment, ...] = ()

    def key(self) -> tuple[str, ...]:
        return self.nights + tuple(f"{c.day}:{c.link.id}@{c.depart}" for c in self.crossings)


def day_places(world: World, nights: tuple[str, ...]) -> list[tuple[str, str]]:
    """(start, end) place of each day for the hub of each night."""
    seq = [world.start, *nights, world.end]
    return list(zip(seq[:-1], seq[1:], strict=True))


def make_segments(world: World, request: TourRequest, nights: tuple[str, ...],
                  crossings: tuple[Crossing, ...]) -> tuple[Segment, ...] | None:
    """Segments of every day, or None when a day cannot be driven (too long, no boat)."""
    ds, de = request.minutes("day_start"), request.minutes("day_end")
    ls, le, lm = request.minutes("lunch_start"), request.minutes("lunch_end"), request.lunch_minutes
    cap = int(request.max_road_hours * 60)
    by_day = {c.day: c for c in crossings}
    dawn = request.dawn and request.minutes("dawn_start") < ds
    out: list[Segment] = []
    for d, (a, b) in enumerate(day_places(world, nights)):
        c = by_day.get(d)
        if c is None:
            if world.minutes(a, b) > min(de - ds - lm, cap):
                return None
            out.append(Segment(d, a, b, ds, de, cap, lunch=True, dawn=dawn))
            continue
        p, q = c.link.from_port, c.link.to_port
        late_a = c.depart - CHECKIN_MINUTES
        early_b = c.arrive + DISEMBARK_MINUTES
        early_a = min(ds, late_a - world.minutes(a, p))  # a morning boat may start the day early
        if early_a < ds - EARLY_BOAT_MINUTES or early_b + world.minutes(q, b) > de:
            return None
        len_a, len_b = max(0, late_a - ds), de - early_b
        # check-in and crossing that cover the lunch window: lunch at the port / on board
        on_board = min(c.arrive, le) - max(late_a, ls) >= lm
        lunch_a = not on_board and min(late_a, le) - max(ds, ls) >= lm and len_a >= len_b
        share = len_a / max(1, len_a + len_b)
        cap_a = max(int(cap * share), world.minutes(a, p))
        out.append(Segment(d, a, p, early_a, late_a, cap_a, lunch=lunch_a, dawn=dawn and early_a == ds))
        if cap - cap_a < world.minutes(q, b):
            return None
        out.append(Segment(d, q, b, early_b, de, cap - cap_a,
                           lunch=not lunch_a and not on_board and min(de, le) - max(early_b, ls) >= lm))
    return tuple(out)


# ----------------------------------------------------------------- the problem
@dataclass(frozen=True)
class Copy:
    """What a client of the Problem stands for: a destination in a segment interval."""

    dest: str
    segment: int
    early: int  # window on the visit start at the destination, minutes after midnight
    late: int
    lead: int  # minutes between the service start at the road place and the visit start


def visit_windows(world: World, request: TourRequest, dest: str, day: int) -> list[tuple[int, int]]:
    """Windows on the visit start of ``dest`` on tour day ``day`` (minutes after midnight)."""
    cache = world.__dict__.setdefault("_win_cache", {})
    key = (dest, day, request.start_date, request.day_start, request.day_end, request.dawn,
           request.dawn_start)
    if key not in cache:
        cache[key] = _visit_windows(world, request, dest, day)
    return cache[key]


def _visit_windows(world: World, request: TourRequest, dest: str, day: int) -> list[tuple[int, int]]:
    from tourlink import hours

    r = world.row(dest)
    when = request.start_date + timedelta(days=day)
    visit = int(r["visit_minutes"])
    lo = request.minutes("dawn_start") if is_boat_site(r) and request.dawn else request.minutes("day_start")
    hi = request.minutes("day_end")
    out = []
    for o, c in hours.windows(str(r["opening_hours"] or "24/7"), when):
        e, late = max(o, lo), min(c, hi) - visit
        if e <= late:
            out.append((e, late))
    return out


def is_boat_site(row: pd.Series) -> bool:
    port = row.get("access_port", "")
    return isinstance(port, str) and bool(port)


def prize_of(world: World, request: TourRequest, dest: str) -> int:
    """``round(10 * score * theme weight)``."""
    cache = world.__dict__.setdefault("_prize_cache", {})
    key = (dest, tuple(sorted(request.themes.items())))
    if key not in cache:
        r = world.row(dest)
        cache[key] = int(round(10 * float(r["score"]) * request.weight(tuple(r["themes"]))))
    return cache[key]


def build_problem(world: World, request: TourRequest, plan: Plan, *,
                  required: frozenset[str] = frozenset(),
                  allowed: frozenset[str] | None = None) -> tuple[Problem, list[Copy], list[str]]:
    """Return the Problem of ``plan``, what each client stands for, and the location ids.

    ``required`` destinations get a required copy (``request.must`` are always required);
    ``allowed`` limits the candidates (None = all).
    """
    segs = plan.segments
    locs: list[str] = []
    where: dict[str, int] = {}

    def loc(pid: str) -> int:
        if pid not in where:
            where[pid] = len(locs)
            locs.append(pid)
        return where[pid]

    for s in segs:
        loc(s.start), loc(s.end)
    ls, lm = request.minutes("lunch_start"), request.lunch_minutes
    clients: list[Client] = []
    copies: list[Copy] = []
    must = set(request.must) | set(required)
    keep = shortlist(world, request, segs, must=must)
    for g, dest in enumerate(world.candidates):
        if allowed is not None and dest not in allowed and dest not in must:
            continue
        r = world.row(dest)
        road = world.road_id(dest)
        boat = int(r.get("access_boat_minutes", 0) or 0) if is_boat_site(r) else 0
        visit = int(r["visit_minutes"])
        service = visit + 2 * boat
        prize = prize_of(world, request, dest)
        first = True
        for k, s in enumerate(segs):
            if world.comp.get(road) != world.comp.get(s.start):
                continue
            if dest not in keep[k]:
                continue
            t_in, t_out = world.minutes(s.start, road), world.minutes(road, s.end)
            if t_in + t_out > s.cap or t_in >= NO_ROAD:
                continue
            late_seg = s.late - (request.lunch_minutes if s.lunch else 0)
            base = request.minutes("dawn_start") if boat and s.dawn else s.early
            for e, lt in visit_windows(world, request, dest, s.day):
                e_srv = max(e - boat, base + t_in)
                l_srv = min(lt - boat, late_seg - service - t_out)
                if s.lunch and l_srv > ls:  # a visit after the lunch window may be pushed back by lunch
                    l_srv = max(min(ls, l_srv), l_srv - lm)
                if e_srv > l_srv:
                    continue
                off = s.day * 1440
                clients.append(Client(location=loc(road), service=service, tw_early=off + e_srv,
                                      tw_late=off + l_srv, prize=prize,
                                      required=dest in must and first, group=g, name=dest))
                copies.append(Copy(dest, k, e, lt, boat))
                first = False
    vehicles = []
    for k, s in enumerate(segs):
        off = s.day * 1440
        late = s.late - (request.lunch_minutes if s.lunch else 0)
        early = request.minutes("dawn_start") if s.dawn else s.early
        vehicles.append(Vehicle(start=loc(s.start), end=loc(s.end), tw_early=off + early,
                                tw_late=off + max(early, late), max_distance=s.cap, name=f"segment {k}"))
    idx = [world.matrix.index(x) for x in locs]
    sub = np.asarray(world.matrix.minutes, dtype=float)[np.ix_(idx, idx)]
    sub = np.where(np.isfinite(sub) & (sub < NO_ROAD), np.ceil(sub - 1e-9), NO_ROAD)
    dur = sub.astype(np.int64)
    np.fill_diagonal(dur, 0)
    # distance = road minutes + PACE_UNIT per arrival at a visit, so max_distance holds the pace
    # exactly (a route with pace + 1 visits is over whatever its road minutes); the road cap is
    # exact on routes with pace visits and re-checked on the timed day otherwise
    unit = pace_unit(request)
    at_client = np.zeros(len(locs), dtype=np.int64)
    at_client[sorted({c.location for c in clients})] = unit
    dist = dur + at_client[None, :]
    np.fill_diagonal(dist, 0)
    vehicles = [replace(v, max_distance=v.max_distance + request.pace * unit) for v in vehicles]
    return Problem(duration=dur, distance=dist, clients=tuple(clients),
                   vehicles=tuple(vehicles)), copies, locs


#: candidates offered to one segment: this many per allowed visit, best value per minute first
SHORTLIST_PER_VISIT = 8


def shortlist(world: World, request: TourRequest, segs: tuple[Segment, ...], *,
              must: set[str] = frozenset()) -> list[set[str]]:
    """Per segment, the candidates worth offering to the solver.

    A segment can take at most ``pace`` visits, so only the ``SHORTLIST_PER_VISIT * pace`` best by
    prize per minute spent (visit + detour from the segment's direct drive) are offered, plus the
    must-visits. Keeps the problem small on large catalogs without losing what a day could use.
    """
    n = SHORTLIST_PER_VISIT * request.pace
    out = []
    for s in segs:
        direct = world.minutes(s.start, s.end)
        scored = []
        for dest in world.candidates:
            road = world.road_id(dest)
            if world.comp.get(road) != world.comp.get(s.start):
                continue
            t_in, t_out = world.minutes(s.start, road), world.minutes(road, s.end)
            if t_in + t_out > s.cap:
                continue
            spend = int(world.get(dest, "visit_minutes")) + max(0, t_in + t_out - direct) + 10
            scored.append((-prize_of(world, request, dest) / spend, dest))
        scored.sort()
        out.append({d for _v, d in scored[:n]} | (set(must) & {d for _v, d in scored}))
    return out


def pace_unit(request: TourRequest) -> int:
    """Distance added per visit so that ``max_distance`` also caps the visits per segment."""
    return int(request.max_road_hours * 60) + 1


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
    hits = []
    for pid, r in places.iterrows():
        names = [r.get("name", ""), r.get("name_en", ""), r.get("town", "")]
        if any(isinstance(n, str) and n and fold(n) == key for n in names):
            hits.append((order.get(r["kind"], 3), str(pid)))
    if not hits:
        for pid, r in places.iterrows():
            names = [r.get("town", ""), r.get("province_legacy", "")]
            if r["kind"] == "lodging" and any(isinstance(n, str) and n and key in fold(n) for n in names):
                hits.append((0, str(pid)))
    if not hits:  # "Cantho" for "Cần Thơ": ignore spaces
        tight = key.replace(" ", "")
        for pid, r in places.iterrows():
            names = [r.get("name", ""), r.get("town", ""), r.get("province_legacy", "")]
            if r["kind"] == "lodging" and any(isinstance(n, str) and n and tight in fold(n).replace(" ", "")
                                              for n in names):
                hits.append((0, str(pid)))
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
        from tourlink import partnerships
        p = partnerships.get_partnership(request.partnership, path=request.partnerships_file or None)
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
    links = tuple(Link(s.id, s.from_port, s.to_port, s.mode, tuple(s.departures), int(s.duration_min),
                       int(s.fare_vnd or 0), str(getattr(s, "operator", "")))
                  for s in catalog.load_sea_links())
    places = assemble_places(dests, lodging, ports, partners)
    start = resolve_place(request.start, places, what="start place")
    end = resolve_place(request.end or request.start, places, what="end place")
    in_area = places["province_legacy_code"].astype(str).isin(codes)
    hub_pool = one_hub_per_town(places[(places["kind"] == "lodging") & in_area])
    for extra in (start, end):
        if places.at[extra, "kind"] == "lodging" and extra not in hub_pool:
            hub_pool.append(extra)
    port_ids = {lk.from_port for lk in links} | {lk.to_port for lk in links}
    used_ports = sorted(p for p in places.index[places["kind"] == "port"]
                        if (p in port_ids and in_area.get(p, False))
                        or p in set(dests.get("access_port", pd.Series(dtype=str)).dropna()))
    keep = sorted(set(dests["id"]) | set(hub_pool) | set(used_ports) | {start, end})
    places = places.loc[keep]
    links = tuple(lk for lk in links if lk.from_port in places.index and lk.to_port in places.index)
    matrix = _matrix(places, network=network)
    cands = sorted(set(dests["id"]) - set(request.exclude))
    return World(places=places, candidates=cands, hubs=sorted(hub_pool), links=links, matrix=matrix,
                 partners=partners, start=start, end=end, partnership=partnership_id)


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


def tour_dates(request: TourRequest) -> list[date]:
    """The date of each tour day."""
    return [request.start_date + timedelta(days=d) for d in range(request.days)]


__all__ = ["World", "Partner", "Link", "Plan", "Segment", "Crossing", "Copy", "load_world",
           "build_problem", "make_segments", "resolve_place", "land_components", "fold",
           "visit_windows", "prize_of", "assemble_places", "tour_dates"]
