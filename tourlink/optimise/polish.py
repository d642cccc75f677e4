"""Polish: a solved tour improved move by move on the tour's own score.

The solver's prizes are fixed per place while the tour's score falls with each repeat of a kind
(:func:`~tourlink.optimise.variety.tour_value`): a solve may keep a fifth pagoda worth a
fraction of its prize, or pass over a garden that would be the tour's first of its kind.
:func:`polish` takes a round's routes and, until no move gains or the time is up, makes the best
of these moves in one day part (a vehicle of the problem), or two:

* put in a destination the tour lacks, where it costs least;
* swap a visit for a destination the tour lacks (at its best place in the same day part);
* drop a visit the polish put in whose share of the score is less than the road and time it costs
  (the solver's own stops were weighed by its trade);
* trade two visits of two day parts, each to its cheapest place in the other, when that saves road
  and time (the worth stays).

After the descent it kicks, an iterated local search (see :func:`polish`): a kick takes visits out
of a day part, or forces in a destination the tour lacks, moving the day's lunch where that makes
room, and a descent goes on from there. The moves keep the lunch where it is: only a forced kick
moves it, to the town of the stop before or after it.

A move gains when the tour's score (and ``COVERAGE_BONUS`` for each partner it covers) rises by
more than the solver's road and day costs it adds to the routes (a drop: falls by less than it
saves); it must keep the problem's windows, day caps and groups (one visit per site, the lunch),
the tour's caps per kind
(:func:`~tourlink.optimise.variety.over_caps`), days that do not cross back into a province,
and every stop in ``keep`` (must-visits, coverage stops, a partner's last stops). The caller
times the polished routes and keeps them only when the timed tour ranks higher.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import time
from collections import Counter

from tourlink.optimise import coverage, variety
from tourlink.optimise.build import Copy
from tourlink.optimise.days import Plan
from tourlink.optimise.planning import Planning
from tourlink.optimise.problem import Problem, driving_cost
from tourlink.optimise.timing import province_runs

#: moves made at most by one descent (a deterministic bound where there is no deadline)
MAX_MOVES = 60
#: kicks tried without a deadline (with one: until it); visits a kick takes out of one day part, at most
KICKS = 12
KICK_SIZE = 3
#: day-part routes whose cost one polish remembers, at most (then it starts afresh)
MAX_REMEMBERED = 200_000


def polish(pl: Planning, p: Plan, problem: Problem, copies: list[Copy], routes: dict[int, list[int]], *,
           keep: frozenset[str], deadline: float | None = None, seed: int = 0, kicks: int = KICKS
           ) -> tuple[dict[int, list[int]], int]:
    """The improved ``routes`` (vehicle → clients) and the number of moves that improved them.

    A descent makes the best move while one gains; then, until the deadline (without one:
    ``kicks`` times), a kick (seeded by ``seed``) and a descent from there. Kicks take turns: one takes
    up to :data:`KICK_SIZE` visits out of one day part; the next forces a destination the tour lacks
    into one, out with up to two of its visits (a way out of a local optimum that costs worth first:
    on the 3-day Mekong tour the first kicks end at 683.1 from every start, with forced ones 703.1).
    A kick's tour is kept when it is worth more than the best so far (the same worth: when it costs
    less), an iterated local search on the tour's own score; every descent also drops a visit it put
    in that is not worth its road and time, so a forced stop stays only where it pays its way.
    """
    routes = {k: list(routes.get(k, [])) for k in range(len(problem.vehicles))}
    if any(driving_cost(problem, k, r) is None for k, r in routes.items()):
        return routes, 0  # not a feasible start: nothing to polish from
    ctx = _Context(pl, p, problem, copies, keep, start=routes)
    best, moves = ctx.descend(routes, deadline)
    rng = random.Random(seed)
    for kick in itertools.count():
        if (deadline is None and kick >= kicks) or (deadline is not None and time.perf_counter() >= deadline):
            break
        forced = kick % 2 == 1
        trial = ctx.forced(best, rng) if forced else ctx.kicked(best, rng)
        if trial is None and forced:
            continue  # the destination drawn fits nowhere in its day part: draw again
        if trial is None:
            break
        trial, made = ctx.descend(trial, deadline)
        if ctx.rank(trial) > ctx.rank(best):
            best, moves = trial, moves + made
    return best, moves


class _Context:
    """What the moves of one polish look up: the problem, each day part's copies."""

    def __init__(self, pl: Planning, p: Plan, problem: Problem, copies: list[Copy], keep: frozenset[str],
                 start: dict[int, list[int]]):
        self.pl, self.p, self.problem, self.copies, self.keep = pl, p, problem, copies, keep
        self.by_part: dict[int, list[int]] = {}
        self.lunch_at: dict[tuple[int, str], int] = {}  # (day part, place) → its lunch client
        for c, cp in enumerate(copies):
            if cp.dest:
                self.by_part.setdefault(cp.segment, []).append(c)
            else:
                self.lunch_at.setdefault((cp.segment, cp.place), c)
        self.day_of = [s.day for s in p.parts]
        # the solver's stops: a drop takes out only what the polish put in
        self.start = frozenset(self.dests(start))
        # a required group (a lunch, a partner's coverage stop) keeps its visit
        self.held = {c.group for c in problem.clients if c.required} - {None}
        self.costs: dict[tuple[int, ...], float | None] = {}

    def cost(self, k: int, route: list[int]) -> float | None:
        """:func:`~tourlink.optimise.problem.driving_cost` of day part ``k`` driving ``route``,
        remembered: the descents of one polish ask again and again of the same routes (the day parts
        a move leaves as they were)."""
        key = (k, *route)
        if key not in self.costs:
            if len(self.costs) >= MAX_REMEMBERED:
                self.costs.clear()
            self.costs[key] = driving_cost(self.problem, k, route)
        return self.costs[key]

    def dests(self, routes: dict[int, list[int]]) -> list[str]:
        return [self.copies[c].dest for r in routes.values() for c in r if self.copies[c].dest]

    def groups(self, routes: dict[int, list[int]]) -> set[int]:
        """The groups the visits of ``routes`` hold."""
        return {self.problem.clients[c].group for r in routes.values() for c in r} - {None}

    def rank(self, routes: dict[int, list[int]]) -> tuple[float, float]:
        """How a kick's tour ranks: its worth (the score, partners covered), then its worth less the
        routes' costs."""
        value = round(worth(self.pl, self.dests(routes)), 6)
        return value, value - sum(self.cost(k, r) or 0 for k, r in routes.items())

    def movable(self, routes: dict[int, list[int]], dests: list[str]) -> dict[int, list[int]]:
        """Per day part, the positions of the visits a move may take out."""
        fixed = self.keep | coverage.sole(self.pl, dests)
        cl, cp = self.problem.clients, self.copies
        return {k: [i for i, c in enumerate(r) if cp[c].dest and cp[c].dest not in fixed
                    and not cl[c].required and cl[c].group not in self.held] for k, r in routes.items()}

    def kicked(self, routes: dict[int, list[int]], rng: random.Random) -> dict[int, list[int]] | None:
        """``routes`` with up to :data:`KICK_SIZE` movable visits of one day part taken out (None: none is
        movable, or taking them out breaks the day part)."""
        movable = {k: pos for k, pos in self.movable(routes, self.dests(routes)).items() if pos}
        if not movable:
            return None
        k = rng.choice(sorted(movable))
        out = set(rng.sample(movable[k], min(len(movable[k]), rng.randint(1, KICK_SIZE))))
        trial = dict(routes)
        trial[k] = [c for i, c in enumerate(routes[k]) if i not in out]
        return trial if self.cost(k, trial[k]) is not None else None

    def forced(self, routes: dict[int, list[int]], rng: random.Random) -> dict[int, list[int]] | None:
        """``routes`` with a destination the tour lacks (drawn at random, with its day part) put in at
        its first place that fits (with the lunch where it is, else moved: :meth:`relunched`), making
        room by taking out none, one or two of the day part's movable visits: of these ways, the tour
        worth most (None: none fits, or its group is taken). Moving the lunch matters: on the Kiên
        Giang – Hậu Giang tour the pagoda the 332.5 reference has fits day 1 only with the lunch at
        another stop, and the polish ends at 322.5 without it."""
        problem, copies = self.problem, self.copies
        dests = self.dests(routes)
        k = rng.choice(sorted(self.by_part))
        have = set(dests)
        options = [c for c in self.by_part[k] if copies[c].dest not in have]
        if not options:
            return None
        c = rng.choice(options)
        r = routes[k]
        used = self.groups(routes)
        room = self.movable(routes, dests)[k]
        best: tuple[float, list[int]] | None = None
        for out in [(), *((i,) for i in room), *itertools.combinations(room, 2)]:
            if problem.clients[c].group in used - {problem.clients[r[i]].group for i in out}:
                continue
            gone = {copies[r[i]].dest for i in out}
            value = worth(self.pl, [*(d for d in dests if d not in gone), copies[c].dest])
            if best is not None and value <= best[0]:
                continue
            rest = [x for i, x in enumerate(r) if i not in out]
            tries = itertools.chain(_placed(rest, c), (self.relunched(k, t) for t in _placed(rest, c)))
            cand = next((t for t in tries if t is not None and self.cost(k, t) is not None
                         and self.keeps_rules(routes, {k: t})), None)
            if cand is not None:
                best = (value, cand)
        return None if best is None else {**routes, k: best[1]}

    def descend(self, routes: dict[int, list[int]], deadline: float | None
                ) -> tuple[dict[int, list[int]], int]:
        """``routes`` after the best gaining move, again and again (and how many moves)."""
        problem, copies, pl = self.problem, self.copies, self.pl
        routes = dict(routes)
        cost = {k: self.cost(k, r) for k, r in routes.items()}
        moves = 0
        while moves < MAX_MOVES and (deadline is None or time.perf_counter() < deadline):
            dests = self.dests(routes)
            tally = _Tally(pl, dests)
            used = self.groups(routes)
            best: tuple[float, dict[int, list[int]]] = (0.0, {})  # what the best move gains, its routes
            movable = self.movable(routes, dests)
            without = self.without(routes, movable)
            for k, outs in movable.items():
                r = routes[k]
                for i in [None, *outs]:
                    rest, base = (r, cost[k]) if i is None else without[k, i]  # base None: breaks the day
                    gone = None if i is None else copies[r[i]].dest
                    left = dests if gone is None else [d for d in dests if d != gone]
                    taken = used - ({problem.clients[r[i]].group} if i is not None else set())
                    if i is not None and gone not in self.start:  # a stop put in that does not pay its way
                        delta = tally.gain(gone=gone) + cost[k] - base if base is not None else 0
                        if delta > best[0] and self.keeps_rules(routes, {k: rest}):
                            best = (delta, {k: rest})
                    options = [c for c in self.by_part.get(k, ()) if copies[c].dest not in left
                               and copies[c].dest != gone and problem.clients[c].group not in taken]
                    for c in options:
                        gain = tally.gain(copies[c].dest, gone)
                        if gain <= best[0]:
                            continue  # no better than the best move even before its cost
                        for cand in self.placed(k, rest, c, gain + cost[k] - best[0], base):
                            extra = self.cost(k, cand)
                            if extra is None:
                                continue
                            delta = gain - (extra - cost[k])
                            if delta > best[0] and self.keeps_rules(routes, {k: cand}):
                                best = (delta, {k: cand})
            for delta, change in self.exchanges(routes, movable, cost, without):
                if delta > best[0] and self.keeps_rules(routes, change):
                    best = (delta, change)
            if not best[1]:
                break
            for k, cand in best[1].items():
                routes[k] = cand
                cost[k] = self.cost(k, cand)
            moves += 1
        return routes, moves

    def without(self, routes: dict[int, list[int]], movable: dict[int, list[int]]
                ) -> dict[tuple[int, int], tuple[list[int], float | None]]:
        """(day part, position of a movable visit) → the day part without that visit, and its cost."""
        out = {}
        for k, pos in movable.items():
            for i in pos:
                r = routes[k][:i] + routes[k][i + 1:]
                out[k, i] = r, self.cost(k, r)
        return out

    def exchanges(self, routes: dict[int, list[int]], movable: dict[int, list[int]], cost: dict,
                  without: dict[tuple[int, int], tuple[list[int], float | None]]
                  ) -> list[tuple[float, dict[int, list[int]]]]:
        """Two visits of two day parts traded, each at its cheapest place in the other part, with
        what it saves in cost (the worth stays): the moves that save something."""
        copies = self.copies
        out = []
        for k1, k2 in itertools.combinations(sorted(movable), 2):
            r1, r2, both = routes[k1], routes[k2], cost[k1] + cost[k2]
            for i in movable[k1]:
                for j in movable[k2]:
                    (ra, ca), (rb, cb) = without[k1, i], without[k2, j]
                    if ca is None or cb is None or ca + cb >= both:
                        continue  # a trade never costs less than the two days without their visit
                    a = self.cheapest(k1, ra, copies[r2[j]].dest, ca, both - cb)
                    b = a and self.cheapest(k2, rb, copies[r1[i]].dest, cb, both - a[0])
                    if a and b and (saved := both - a[0] - b[0]) > 0:
                        out.append((saved, {k1: a[1], k2: b[1]}))
        return out

    def relunched(self, k: int, route: list[int]) -> list[int] | None:
        """``route`` of day part ``k`` with its lunch moved to where the day costs least: at the
        place of the stop before or after it (None: no such day keeps the windows)."""
        copies = self.copies
        at = next((i for i, c in enumerate(route) if copies[c].lunch), None)
        if at is None:
            return None
        rest = route[:at] + route[at + 1:]
        part = self.p.parts[k]
        best = None
        for j in range(len(rest) + 1):
            places = (part.start if j == 0 else copies[rest[j - 1]].place,
                      part.end if j == len(rest) else copies[rest[j]].place)
            # the stop before first, not a set's order: a tie gives the same lunch in every process
            for place in dict.fromkeys(places):
                c = self.lunch_at.get((k, place))
                if c is None:
                    continue
                cand = rest[:j] + [c] + rest[j:]
                x = self.cost(k, cand)
                if x is not None and (best is None or x < best[0]):
                    best = (x, cand)
        return None if best is None else best[1]

    def cheapest(self, k: int, route: list[int], dest: str, base: float | None = None,
                 below: float = math.inf) -> tuple[float, list[int]] | None:
        """``route`` of day part ``k`` (which costs ``base``) with ``dest`` put in where it costs
        least, and that cost; None where no place costs less than ``below``."""
        best = None
        for c in self.by_part.get(k, ()):
            if self.copies[c].dest == dest:
                for cand in self.placed(k, route, c, below if best is None else best[0], base):
                    x = self.cost(k, cand)
                    if x is not None and x < below and (best is None or x < best[0]):
                        best = (x, cand)
        return best

    def placed(self, k: int, route: list[int], c: int, below: float, base: float | None) -> list[list[int]]:
        """``route`` of day part ``k`` with client ``c`` at each place where the day could cost less
        than ``below`` (every place when ``base``, the cost of ``route``, is None): the road the
        visit adds comes at its cost on top of ``base``, and a visit put in never shortens the day."""
        if base is None or below == math.inf:
            return _placed(route, c)
        v, d = self.problem.vehicles[k], self.problem.distance
        at = self.problem.clients[c].location
        locs = [v.start, *(self.problem.clients[x].location for x in route), v.end]
        return [route[:j] + [c] + route[j:] for j, (a, b) in enumerate(itertools.pairwise(locs))
                if base + v.distance_cost * (int(d[a, at]) + int(d[at, b]) - int(d[a, b])) < below]

    def keeps_rules(self, routes: dict[int, list[int]], change: dict[int, list[int]]) -> bool:
        """Whether the tour with the day parts of ``change`` on its routes keeps the caps per kind
        and its days do not cross back into a province."""
        pl, copies = self.pl, self.copies
        days: list[list[str]] = [[] for _ in range(pl.request.days)]
        for j in range(len(self.p.parts)):
            days[self.day_of[j]] += [copies[c].dest for c in change.get(j, routes[j]) if copies[c].dest]
        if variety.over_caps(pl, days, keep=self.keep):
            return False
        for d in {self.day_of[k] for k in change}:
            runs = province_runs(pl, days[d])
            if len(runs) != len({p for p, _vs in runs}):
                return False
        return True


class _Tally:
    """The worth (:func:`worth`) of a tour one visit in or out from ``dests``, in the time of the
    kinds and partners that change, not the whole tour's (the descent asks it of every option).

    Per kind, the visits in value order (:func:`~tourlink.optimise.variety.tour_value`'s, ties in
    tour order) with the sums, from each rank on, of their decayed values as they are, one rank
    down (a visit put in before them) and one rank up (one taken out before them): a visit in or
    out changes the kind's score by a few of these sums."""

    def __init__(self, pl: Planning, dests: list[str]):
        self.pl = pl
        by_kind: dict[str, list[str]] = {}
        for v in dests:
            by_kind.setdefault(pl.kind(v), []).append(v)
        # each kind's visits in value order (a stable sort: ties in tour order, as tour_value ranks them)
        self.by_kind = {kind: sorted(vs, key=lambda x: -pl.value(x)) for kind, vs in by_kind.items()}
        self.sums: dict[str, tuple[list[int], list[float], list[float], list[float]]] = {}
        for kind, ranked in self.by_kind.items():
            values = [pl.value(v) for v in ranked]
            decays = [variety.decay_of(pl, v) for v in ranked]
            terms = [x * d ** n for n, (x, d) in enumerate(zip(values, decays, strict=True))]
            now, down, up = [0.0], [0.0], [0.0]  # suffix sums, built from the end
            for t, d in zip(reversed(terms), reversed(decays), strict=True):
                now.append(now[-1] + t)
                down.append(down[-1] + t * d)
                up.append(up[-1] + t / d)
            self.sums[kind] = ([-x for x in values], now[::-1], down[::-1], up[::-1])
        self.k = pl.request.min_stops_per_partner
        self.partners = {p.name for p in pl.world.partners}
        self.stops = Counter(pl.get(v, "partner") for v in dests)

    def gain(self, add: str | None = None, gone: str | None = None) -> float:
        """What the tour gains in worth with ``add`` put in and ``gone`` taken out (either may be None)."""
        pl, out = self.pl, 0.0
        ka = None if add is None else pl.kind(add)
        kg = None if gone is None else pl.kind(gone)
        if ka is not None and ka == kg:  # both in one kind: that kind's score afresh
            vs = [v for v in self.by_kind[kg] if v != gone] + [add]
            out += variety.tour_value(pl, vs) - self.sums[kg][1][0]
        else:
            if ka is not None:
                neg, now, down, _up = self.sums.get(ka, ([], [0.0], [0.0], [0.0]))
                x = pl.value(add)
                r = bisect.bisect_right(neg, -x)  # after the visits worth as much (tour order)
                out += x * variety.decay_of(pl, add) ** r + down[r] - now[r]
            if kg is not None:
                _neg, now, _down, up = self.sums[kg]
                q = self.by_kind[kg].index(gone)
                out += up[q + 1] - now[q]
        if self.k:
            came = None if add is None else pl.get(add, "partner")
            left = None if gone is None else pl.get(gone, "partner")
            if came != left:  # a visit in and one out of one partner change nothing
                for who, n in ((came, 1), (left, -1)):
                    if who in self.partners:
                        have = self.stops[who]
                        out += coverage.COVERAGE_BONUS * ((have + n >= self.k) - (have >= self.k))
        return out


def _placed(route: list[int], c: int) -> list[list[int]]:
    """``route`` with client ``c`` at each place."""
    return [route[:j] + [c] + route[j:] for j in range(len(route) + 1)]


def worth(pl: Planning, dests: list[str]) -> float:
    """What a tour of ``dests`` is worth: its score (:func:`~tourlink.optimise.variety.tour_value`)
    and ``COVERAGE_BONUS`` for each partner with ``min_stops_per_partner`` stops."""
    covered = len(pl.world.partners) - len(coverage.uncovered(pl, dests))  # all when the rule is off
    return variety.tour_value(pl, dests) + coverage.COVERAGE_BONUS * covered


__all__ = ["polish", "worth", "MAX_MOVES", "KICKS", "KICK_SIZE"]
