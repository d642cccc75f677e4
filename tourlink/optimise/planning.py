"""The planning state: one request over one world, and what every concern derives from them.

:class:`Planning` is the one home of the state the planner's concerns share — the
:class:`~tourlink.optimise.world.World`, the :class:`~tourlink.request.TourRequest`, the
request's times in minutes, and caches of opening windows and prizes — so that the modules
by concern (:mod:`~tourlink.optimise.nights`, :mod:`~tourlink.optimise.crossings`,
:mod:`~tourlink.optimise.coverage`, :mod:`~tourlink.optimise.timing`, ...) take one argument
and can be read and tested alone.

Times are minutes after midnight of a tour day; day ``d`` (0-based) of the solver's global
timeline starts at ``d * 1440``.

Two numbers rate a destination: its *prize* ``10 * score * theme weight`` (what the itinerary
reports as a stop's score, in tenths of a point) and its *value* to the solver
``10 * theme weight * (score - SCORE_FLOOR)``, weighed against the minutes a visit costs
(:mod:`tourlink.optimise.build`): above the floor, a flagship sight is worth several minor ones.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from tourlink.itinerary import TZ
from tourlink.optimise.world import World, fold, is_dawn_site
from tourlink.request import TourRequest

#: catalogue score worth nothing to the solver: a place this minor never earns its minutes
SCORE_FLOOR = 25.0
#: kinds and themes of the places an evening block goes to (when open late)
EVENING_KINDS = ("market", "performance_venue", "landmark")
EVENING_THEMES = ("market_food",)


class Planning:
    """A request planned over a world; derived values are computed once and cached.

    Parameters
    ----------
    world
        Places, sea links and road matrix.
    request
        What to plan.
    """

    def __init__(self, world: World, request: TourRequest):
        self.world = world
        self.request = request
        self.day_start = request.minutes("day_start")
        self.day_end = request.minutes("day_end")
        self.lunch_start = request.minutes("lunch_start")
        self.lunch_end = request.minutes("lunch_end")
        self.lunch_minutes = request.lunch_minutes
        self.dawn_start = request.minutes("dawn_start")
        self.road_cap = int(request.max_road_hours * 60)
        self._windows: dict[tuple, list[tuple[int, int]]] = {}
        self._prizes: dict[str, int] = {}
        self._values: dict[str, int] = {}
        self._kinds = world.places["category"].to_dict() if "category" in world.places else {}
        self._provinces = world.places["province_legacy"].astype(str).to_dict()
        self._zones: dict[str, tuple[int, int]] | None = None
        self.memo: dict[Any, Any] = {}  # per-concern caches (estimates, segment options)

    # ----------------------------------------------------------- the world, shortly
    def minutes(self, a: str, b: str) -> int:
        """Road minutes a → b (``NO_ROAD`` or more when there is no road)."""
        return self.world.minutes(a, b)

    def name(self, pid: str) -> str:
        return self.world.name(pid)

    def road_id(self, pid: str) -> str:
        """The place a vehicle drives to for ``pid``: its pier for a boat-access site."""
        return self.world.road_id(pid)

    def row(self, pid: str) -> pd.Series:
        return self.world.row(pid)

    def get(self, pid: str, col: str) -> Any:
        return self.world.get(pid, col)

    def land(self, pid: str) -> int | None:
        """Land mass (road component) of a place."""
        return self.world.comp.get(pid)

    def zone(self, pid: str) -> tuple:
        """Zone of a place: its land mass, and where the request may fly, the cluster of hubs,
        ports and airports on it that are joined by a day's drive (:func:`zones`)."""
        if self._zones is None:
            self._zones = zones(self)
        z = self._zones.get(pid)
        if z is None:
            near = [(self.minutes(pid, a), a) for a in self._zones if self.land(a) == self.land(pid)]
            t, a = min(near, default=(0, None))
            z = self._zones[a] if a is not None and t <= self.drive_limit else (self.land(pid), -1)
        return z

    @property
    def drive_limit(self) -> int:
        """Road minutes one day can drive: the daily window less lunch, at most the road cap."""
        return min(self.day_end - self.day_start - self.lunch_minutes, self.road_cap)

    def dawn_site(self, dest: str) -> bool:
        """Whether a day may start at dawn for ``dest`` (a floating market reached by boat)."""
        key = ("dawn site", dest)
        if key not in self.memo:
            self.memo[key] = is_dawn_site(self.world.row(dest))
        return self.memo[key]

    def boat_minutes(self, dest: str) -> int:
        """One-way boat minutes from the pier of a boat-access site (0 for others)."""
        port = self.world.get(dest, "access_port")
        return int(self.world.get(dest, "access_boat_minutes")) if isinstance(port, str) and port else 0

    def in_area(self, pid: str, area: str) -> bool:
        """Whether place ``pid`` lies in ``area`` (a partner, legacy or 2025 province name)."""
        r = self.world.row(pid)
        key = fold(area)
        return any(fold(x) == key for x in (r["partner"], r["province_legacy"], r["province_2025"]) if x)

    # ------------------------------------------------------------------ derived
    def prize(self, dest: str) -> int:
        """``round(10 * score * theme weight)``: one tenth of a score point resolution."""
        if dest not in self._prizes:
            r = self.world.row(dest)
            self._prizes[dest] = int(round(10 * float(r["score"]) * self.request.weight(tuple(r["themes"]))))
        return self._prizes[dest]

    def value(self, dest: str) -> int:
        """The solver's value of a visit: ``round(10 * theme weight * (score - SCORE_FLOOR))``, >= 0."""
        if dest not in self._values:
            r = self.world.row(dest)
            above = max(0.0, float(r["score"]) - SCORE_FLOOR)
            self._values[dest] = int(round(10 * above * self.request.weight(tuple(r["themes"]))))
        return self._values[dest]

    def province(self, pid: str) -> str:
        """The legacy province of a place ("" if unknown)."""
        return self._provinces.get(pid, "")

    def kind(self, dest: str) -> str:
        """The catalogue kind of a destination (museum, pagoda, floating_market, ...; "" if none)."""
        k = self._kinds.get(dest, "")
        return k if isinstance(k, str) else ""

    def windows(self, dest: str, day: int) -> list[tuple[int, int]]:
        """Windows on the visit start of ``dest`` on tour day ``day`` (minutes after midnight).

        The opening hours of that date, cut to the daily window (from ``dawn_start`` for a
        floating market reached by boat when dawn starts are allowed), each shortened by the visit.
        """
        key = (dest, day)
        if key not in self._windows:
            self._windows[key] = self._visit_windows(dest, day)
        return self._windows[key]

    def _visit_windows(self, dest: str, day: int) -> list[tuple[int, int]]:
        from tourlink import hours

        r = self.world.row(dest)
        when = self.request.start_date + timedelta(days=day)
        visit = int(r["visit_minutes"])
        lo = self.dawn_start if is_dawn_site(r) and self.request.dawn else self.day_start
        out = []
        for o, c in hours.windows(str(r["opening_hours"] or "24/7"), when):
            e, late = max(o, lo), min(c, self.day_end) - visit
            if e <= late:
                out.append((e, late))
        return out

    def evening_windows(self, dest: str, day: int) -> list[tuple[int, int]]:
        """Windows on the visit start of ``dest`` in the evening block of day ``day``, when it is
        an evening place: open after dark for a night market, a dinner cruise or a show (opening
        at 15:00 or later, or a market, show or food place open until 20:00 or later)."""
        key = ("evening", dest, day)
        if key not in self._windows:
            from tourlink import hours

            r = self.world.row(dest)
            lo, hi = self.request.minutes("evening_start"), self.request.minutes("evening_end")
            kindly = self.kind(dest) in EVENING_KINDS or bool(set(r["themes"]) & set(EVENING_THEMES))
            visit = int(r["visit_minutes"])
            out = []
            for o, c in hours.windows(str(r["opening_hours"] or "24/7"), self.request.start_date
                                      + timedelta(days=day)):
                if o >= 15 * 60 or (kindly and c >= 20 * 60 and o > 0):
                    e, late = max(o, lo), min(c, hi) - visit
                    if e <= late:
                        out.append((e, late))
            self._windows[key] = out
        return self._windows[key]

    def excursion_km(self, place: str, start: str, end: str) -> float:
        """Road km a visit at ``place`` adds to a drive from ``start`` to ``end``, measured as an
        operator reads a route: ``km(start, place) + km(place, end) - 1.25 * crow-fly km(start, end)``
        (the road's usual detour factor); an out-and-back from a base is all excursion."""
        w = self.world
        crow = _crow_km(float(w.get(start, "lon")), float(w.get(start, "lat")), float(w.get(end, "lon")),
                        float(w.get(end, "lat")))
        return w.km(start, place) + w.km(place, end) - 1.25 * crow

    def dt(self, day: int, minute: float) -> datetime:
        """The aware datetime of ``minute`` after midnight of tour day ``day``."""
        base = datetime.combine(self.request.start_date + timedelta(days=day), datetime.min.time(), tzinfo=TZ)
        return base + timedelta(minutes=int(minute))


def _crow_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    import math
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def zones(pl: Planning) -> dict[str, tuple[int, int]]:
    """Zones of the hubs, start, end and link ports: ``(land mass, cluster)``.

    Without ``"flight"`` in the request's modes the cluster is 0 (a zone is a land mass). With
    it, places of one land mass are joined when the road between them, both ways, fits a day's
    drive (:attr:`Planning.drive_limit`), and a zone is a group joined that way (single linkage):
    Hà Nội and the Mekong Delta are two zones of the mainland, linked by flights.
    """
    world = pl.world
    ports = {p for lk in world.links for p in (lk.from_port, lk.to_port)}
    anchors = sorted({*world.hubs, world.start, world.end, *ports} & set(world.places.index))
    if "flight" not in pl.request.modes:
        return {a: (pl.land(a), 0) for a in anchors}
    parent = {a: a for a in anchors}

    def root(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    limit = pl.drive_limit
    for i, a in enumerate(anchors):
        for b in anchors[i + 1:]:
            if pl.land(a) == pl.land(b) and max(pl.minutes(a, b), pl.minutes(b, a)) <= limit:
                parent[root(a)] = root(b)
    labels: dict[str, int] = {}
    out = {}
    for a in anchors:
        r = root(a)
        labels.setdefault(r, len(labels))
        out[a] = (pl.land(a), labels[r])
    return out


__all__ = ["Planning", "zones", "SCORE_FLOOR"]
