"""Variety: a tour that does not repeat itself.

* **One site, one visit.** Destinations that read as parts of one site — the same name but
  for a bracketed qualifier ("Di tích Chiến thắng Chương Thiện (Vị Thanh)" and "(Vĩnh Viễn)"),
  or records within ``SAME_SITE_M`` of each other — share a mutually exclusive group of the
  solver's problem: at most one of them is visited.
* **Caps per kind.** A kind capped at one visit for the tour (a floating market, unless the
  request's ``max_per_kind`` asks for more) shares one group as well, and so do the long visits
  (``LONG_VISIT_MINUTES``, half a day: two eco-parks, two islets) of a kind without a cap;
  larger caps, and at most ``MAX_PER_DAY`` visits of one kind a day, are enforced after a solve
  by banning the visits over the cap and solving again (:func:`over_caps`).
* **Prizes fall with repetition.** The ``n``-th visit of a kind in the tour is worth
  ``DECAY ** (n - 1)`` of its value (``THEMED_DECAY`` for a kind whose themes the request
  weights up): :func:`repriced` gives the solver the values that follow from the visits of
  the previous solve, and :func:`tour_value` scores a tour that way.

A must-visit (or a stop the planner requires) leaves the rest of its group out of the tour; two
of them in one group are both kept: the cap yields to what the user asked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from tourlink.optimise.planning import Planning

#: destinations this close (metres) are one site
SAME_SITE_M = 100.0
#: tour caps of kinds unless ``max_per_kind`` says otherwise
DEFAULT_CAPS = {"floating_market": 1}
#: visits of one kind a day
MAX_PER_DAY = 2
#: a visit this long is a half-day: one of a kind per tour unless ``max_per_kind`` sets its cap
LONG_VISIT_MINUTES = 120
#: the value of each further visit of a kind (a kind the request's themes weight up: ``THEMED_DECAY``)
DECAY = 0.7
THEMED_DECAY = 0.85


def site_name(name: str) -> str:
    """The name without bracketed qualifiers, case-folded (the key of one site)."""
    base = re.sub(r"\s*[\(\[].*?[\)\]]\s*", " ", str(name)).strip().casefold()
    return re.sub(r"\s+", " ", base)


def caps(pl: Planning) -> dict[str, int]:
    """Tour cap per kind: the defaults, overridden by the request's ``max_per_kind``."""
    return {**DEFAULT_CAPS, **dict(pl.request.max_per_kind)}


def groups(pl: Planning) -> dict[str, int]:
    """Destination → mutually exclusive group id, over candidates: one site; a kind capped at one;
    the long visits of a kind (ids are indices into the candidates). Computed once per planning."""
    if "variety groups" not in pl.memo:
        pl.memo["variety groups"] = _groups(pl)
    return dict(pl.memo["variety groups"])


def _groups(pl: Planning) -> dict[str, int]:
    cands = list(pl.world.candidates)
    parent = list(range(len(cands)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    first: dict[tuple[str, str], int] = {}
    tour_caps = caps(pl)
    one = {k for k, n in tour_caps.items() if n == 1}
    rows = [pl.row(c) for c in cands]
    for i, r in enumerate(rows):
        kind = pl.kind(cands[i])
        keys = [("kind", kind)] if kind in one else []
        if kind not in tour_caps and int(r["visit_minutes"]) >= LONG_VISIT_MINUTES:
            keys.append(("long", kind))
        name = site_name(r["name"])
        if len(name) >= 6:
            keys.append(("site", name))
        for key in keys:
            if key in first:
                join(first[key], i)
            else:
                first[key] = i
    xy = [(float(r["lon"]), float(r["lat"])) for r in rows]
    order = sorted(range(len(cands)), key=lambda i: xy[i])
    deg = SAME_SITE_M / 111_000
    for n, i in enumerate(order):  # sweep by longitude: pairs within SAME_SITE_M
        for j in order[n + 1:]:
            if xy[j][0] - xy[i][0] > deg * 2:
                break
            if _metres(xy[i], xy[j]) <= SAME_SITE_M:
                join(i, j)
    return {c: find(i) for i, c in enumerate(cands)}


def over_caps(pl: Planning, days: Iterable[Iterable[str]], *,
              keep: frozenset[str] = frozenset()) -> list[tuple[str, int, str]]:
    """Visits beyond a cap, least valuable first out: ``(dest, day, why)``.

    ``days`` holds each day's visits in order. A visit over the tour cap of its kind is named
    with day -1 (ban it from the tour); one over ``MAX_PER_DAY`` with its day (ban it that day).
    Must-visits and ``keep`` (stops the planner requires) are never named.
    """
    tour_caps = caps(pl)
    keep = frozenset(pl.request.must) | keep
    out: list[tuple[str, int, str]] = []
    visits = [(v, d) for d, vs in enumerate(days) for v in vs]
    by_kind: dict[str, list[tuple[str, int]]] = {}
    for v, d in visits:
        by_kind.setdefault(pl.kind(v), []).append((v, d))
    for kind, vs in sorted(by_kind.items()):
        ranked = sorted(vs, key=lambda x: (x[0] not in keep, -pl.value(x[0]), x[0]))
        cap = tour_caps.get(kind)
        if cap is not None and len(ranked) > cap:
            out += [(v, -1, f"variety: more than {cap} {kind.replace('_', ' ')} in the tour")
                    for v, _d in ranked[cap:] if v not in keep]
            ranked = ranked[:cap]
        per_day: dict[int, int] = {}
        for v, d in ranked:
            per_day[d] = per_day.get(d, 0) + 1
            if per_day[d] > MAX_PER_DAY and v not in keep:
                out.append((v, d, f"variety: more than {MAX_PER_DAY} {kind.replace('_', ' ')} in a day"))
    return out


def bans(pl: Planning, days: list[list[str]], over: list[tuple[str, int, str]]) -> frozenset[tuple[str, int]]:
    """What to ban for the next solve when visits are ``over`` a cap: each of them, and every other
    candidate of its kind where the cap is now full (that day, or the tour), so that the next solve
    cannot swap one repeat for another."""
    out = {(v, d) for v, d, _why in over}
    kept = {v for vs in days for v in vs} - {v for v, _d, _why in over}
    for v, d, _why in over:
        kind = pl.kind(v)
        out |= {(c, d) for c in pl.world.candidates if pl.kind(c) == kind and c not in kept}
    return frozenset(out)


def decay_of(pl: Planning, dest: str) -> float:
    """How much each further visit of ``dest``'s kind keeps of its value (looked up once per planning)."""
    key = ("decay", dest)
    if key not in pl.memo:
        themed = any(pl.request.themes.get(t, 1.0) > 1.0 for t in pl.row(dest)["themes"])
        pl.memo[key] = THEMED_DECAY if themed else DECAY
    return pl.memo[key]


def repriced(pl: Planning, visits: Iterable[str]) -> dict[str, int]:
    """Solver values given the visits of a previous solve: a candidate of a kind already
    visited ``n`` times by more valuable places is worth ``decay ** n`` of its value."""
    seen: dict[str, list[int]] = {}
    for v in visits:
        seen.setdefault(pl.kind(v), []).append(pl.value(v))
    out = {}
    for c in pl.world.candidates:
        better = sum(1 for x in seen.get(pl.kind(c), ()) if x > pl.value(c))
        out[c] = int(round(pl.value(c) * decay_of(pl, c) ** better))
    return out


def tour_value(pl: Planning, visits: Iterable[str]) -> float:
    """Summed value of ``visits`` with repetition decay (the ``n``-th of a kind by value)."""
    by_kind: dict[str, list[str]] = {}
    for v in visits:
        by_kind.setdefault(pl.kind(v), []).append(v)
    total = 0.0
    for vs in by_kind.values():
        for n, v in enumerate(sorted(vs, key=lambda x: -pl.value(x))):
            total += pl.value(v) * decay_of(pl, v) ** n
    return total


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(min(1.0, h)))


__all__ = ["groups", "caps", "over_caps", "bans", "repriced", "tour_value", "site_name", "decay_of",
           "SAME_SITE_M", "DEFAULT_CAPS", "MAX_PER_DAY", "LONG_VISIT_MINUTES", "DECAY", "THEMED_DECAY"]
