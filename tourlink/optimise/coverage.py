"""Partner coverage: which partner areas lack stops, and which stop to force in for each.

The planner solves, times the days, and asks :func:`uncovered`; for every partner below
``min_stops_per_partner`` it forces in the stop :func:`best_reachable` picks and solves again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tourlink.optimise.build import Copy
from tourlink.optimise.days import Plan
from tourlink.optimise.planning import Planning
from tourlink.optimise.world import NO_ROAD

if TYPE_CHECKING:
    from tourlink.optimise.timing import Timed


def uncovered(pl: Planning, visited: list[str]) -> list[str]:
    """Partners with fewer than ``min_stops_per_partner`` of ``visited`` (none when the rule is off)."""
    k = pl.request.min_stops_per_partner
    if not k:
        return []
    return [p.name for p in pl.world.partners
            if sum(1 for v in visited if pl.get(v, "partner") == p.name) < k]


def best_reachable(pl: Planning, copies: list[Copy], partner: str, taken: set[str], p: Plan,
                   days: list[Timed]) -> str | None:
    """The partner's stop to force in: best score minus minutes it costs (visit + cheapest detour
    from the planned days' places), one point per minute; None when no day can reach one."""
    def reach(dest: str) -> set[int]:  # segments that could take the visit (shortlist or not)
        road = pl.road_id(dest)
        return {k for k, s in enumerate(p.segments) if pl.land(road) == pl.land(s.start)
                and pl.minutes(s.start, road) + pl.minutes(road, s.end) <= s.cap
                and pl.windows(dest, s.day)}
    where = {d: reach(d) for d in pl.world.candidates if pl.get(d, "partner") == partner and d not in taken}
    opts = sorted(d for d, ks in where.items() if ks)
    if not opts:
        return None
    chains = []
    for d, t in enumerate(days):
        for k in p.day_segments(d):
            s = p.segments[k]
            mine = [v for v in t.visits if any(c.dest == v and c.segment == k for c in copies)]
            chains.append((k, [s.start, *[pl.road_id(v) for v in mine], s.end]))

    def cost(dest: str) -> tuple[float, str]:
        road = pl.road_id(dest)
        segs = where[dest]
        detour = min((pl.minutes(a, road) + pl.minutes(road, b) - pl.minutes(a, b)
                      for k, ch in chains if k in segs for a, b in zip(ch[:-1], ch[1:], strict=True)),
                     default=NO_ROAD)
        return detour + int(pl.get(dest, "visit_minutes")) - pl.prize(dest) / 10, dest
    return min(opts, key=cost)


__all__ = ["uncovered", "best_reachable"]
