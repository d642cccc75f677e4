"""Travel-time and distance matrices among places, with the path of every leg.

One shortest-path tree per source (``scipy.sparse.csgraph.dijkstra`` on a CSR of the
network, with predecessors), never one search per pair, on the network with its dead ends
(the modelled local roads, road ends) and chains taken out (:class:`_Contraction`: the search
runs on the junctions only; exact, the same minutes and km as a search of the whole network).
Each place joins the network at its snapped point (:func:`tourlink.roads.snap_many`) on a road
edge; the matrix tries both ends of that edge and adds the access legs. A leg's path is searched
on the whole network from its start when asked for (:meth:`TravelMatrix.leg`).
A place reached by boat from a pier (``access_port`` with
``access_boat_minutes``, e.g. a floating market) is timed to the pier by road plus the boat
minutes, reported as :attr:`LegInfo.boat_minutes`.

No coach time rests on more than :data:`tourlink.roads.MAX_ACCESS_M` (2 km) of straight line: a
place (or its pier) with no road that close — an offshore island, a cape or park without a road —
is unreachable by road: its row and column are infinite (:attr:`TravelMatrix.off_road`).

Results are cached as ``.npz`` in :data:`tourlink.paths.CACHE_DIR` (``TOURLINK_CACHE``) by
data version: the network fingerprint plus the place ids and coordinates.
"""

from __future__ import annotations

import hashlib
import logging
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra

from tourlink import paths, roads
from tourlink.atomic import atomic_write
from tourlink.errors import NotFoundError, ValidationError

log = logging.getLogger(__name__)

CACHE_VERSION = "5"
#: edge modes a matrix may use (sea modes need a network with sea links, see roads.load_network)
MODES = ("road", "fast_boat", "car_ferry", "boat")


@dataclass(frozen=True)
class LegInfo:
    """One leg between two places: ``km``, ``minutes`` (door to door, boat included),
    ``roads`` (names/refs in order, repeats merged), ``geometry`` ([(lon, lat), ...]) and
    ``boat_minutes`` (boat part at the ends, 0 when none)."""

    km: float
    minutes: float
    roads: list[str]
    geometry: list[tuple[float, float]]
    boat_minutes: float = 0.0
    steps: list[dict] = field(default_factory=list, repr=False)


class _Arcs:
    """A directed graph as arrays: arc ends (sorted by tail, head), times (s) and lengths (m), the
    CSR of times and the sorted arc keys ``tail * n + head`` for looking arcs up."""

    def __init__(self, n: int, rows: np.ndarray, cols: np.ndarray, tt: np.ndarray, ln: np.ndarray):
        order = np.lexsort((cols, rows))
        self.n = n
        self.rows, self.cols = rows[order].astype(np.int64), cols[order].astype(np.int64)
        self.tt, self.ln = np.asarray(tt, float)[order], np.asarray(ln, float)[order]
        self.time = csr_matrix((self.tt, (self.rows, self.cols)), shape=(n, n))
        self.keys = self.rows * n + self.cols

    def where(self, keep: np.ndarray) -> _Arcs:
        """The arcs where ``keep`` is true."""
        return _Arcs(self.n, self.rows[keep], self.cols[keep], self.tt[keep], self.ln[keep])

    def reversed(self) -> _Arcs:
        """Every arc turned round (a search on it runs from the targets back to the sources)."""
        return _Arcs(self.n, self.cols, self.rows, self.tt, self.ln)

    def search(self, sources, *, min_only: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Times, predecessors and path lengths (m) along the fastest paths from ``sources``.

        With ``min_only`` one row: each node reached from its nearest source.
        """
        sources = np.asarray(sources, dtype=np.int64)
        if min_only:
            if not sources.size:
                return np.full(self.n, math.inf), np.full(self.n, -9999), np.zeros(self.n)
            dist, pred, _src = dijkstra(self.time, directed=True, indices=sources, return_predecessors=True,
                                        min_only=True)
            return dist, pred, self.tree_lengths(pred[None, :], dist[None, :])[0]
        if not sources.size:
            return np.zeros((0, self.n)), np.zeros((0, self.n), dtype=np.int32), np.zeros((0, self.n))
        dist, pred = dijkstra(self.time, directed=True, indices=sources, return_predecessors=True)
        return dist, pred, self.tree_lengths(pred, dist)

    def tree_lengths(self, pred: np.ndarray, dist: np.ndarray) -> np.ndarray:
        """Return the path length (m) from each source to every node along the predecessor tree.

        Nodes are visited in order of their time from the source (a parent is always reached
        before its child), one vectorised step over all sources per rank.
        """
        S, N = pred.shape
        parent = pred.astype(np.int64)
        has = parent >= 0
        cols = np.broadcast_to(np.arange(N)[None, :], (S, N))
        parent = np.where(has, parent, cols)  # a root or an unreached node is its own parent
        step = np.zeros((S, N))
        if self.keys.size:
            keys = parent * N + cols
            pos = np.clip(np.searchsorted(self.keys, keys), 0, self.keys.size - 1)
            step = np.where(has & (self.keys[pos] == keys), self.ln[pos], 0.0)
        reached = np.isfinite(dist)
        depth_order = np.argsort(np.where(reached, dist, np.inf), axis=1, kind="stable")
        total = np.zeros((S, N))
        r = np.arange(S)
        for k in range(int(reached.sum(axis=1).max(initial=0))):
            node = depth_order[:, k]
            total[r, node] = total[r, parent[r, node]] + step[r, node]
        return total


class _Csr:
    """The network as arrays: node order and its arcs (the fastest edge of every node pair)."""

    def __init__(self, G: nx.MultiDiGraph, modes: tuple[str, ...]):
        allowed = set(modes) | ({"access"} if "road" in modes else set())
        self.nodes = list(G.nodes)
        self.pos = {n: i for i, n in enumerate(self.nodes)}
        best: dict = {}
        for u, v, k, d in G.edges(keys=True, data=True):
            if d.get("mode", "road") not in allowed:
                continue
            a, b = self.pos[u], self.pos[v]
            tt = float(d["travel_time"])
            if (a, b) not in best or tt < best[(a, b)][0]:
                best[(a, b)] = (tt, float(d["length"]), k)
        arcs = sorted(best)
        n = len(self.nodes)
        rows = np.array([a for a, _ in arcs], dtype=np.int64)
        cols = np.array([b for _, b in arcs], dtype=np.int64)
        tt = np.array([best[a][0] for a in arcs]) + 1e-6  # csgraph drops explicit zeros
        ln = np.array([best[a][1] for a in arcs])
        self.arcs = _Arcs(n, rows, cols, tt, ln)
        h = hashlib.sha256()
        h.update(G.graph.get("fingerprint", "").encode())
        for arr in (rows, cols, tt, ln):
            h.update(arr.tobytes())
        self.fingerprint = h.hexdigest()[:20]


class _Contraction:
    """The network with its dead ends and chains taken out of the search, exactly.

    Junctions are the nodes where three or more roads of the network's 2-core meet (plus one node
    of a part without any). Everything else lies on a *piece*: a chain of the core between two
    junctions (or one, a loop) with the dead-end trees that hang on it, or a dead-end tree hanging
    on a junction — the modelled local roads and the skeleton's road ends. A piece meets the rest
    of the network only at its junctions, so a fastest path between two nodes either stays inside
    one piece or leaves its first piece by a junction, runs junction to junction, and enters the
    last piece by a junction. Each node keeps the time and length from and to the (at most two)
    junctions of its piece; the search runs on the junctions only, over shortcut arcs through the
    pieces; paths inside a piece are searched on the piece.
    """

    def __init__(self, arcs: _Arcs):
        n = arcs.n
        self.arcs = arcs
        proper = arcs.rows != arcs.cols
        a, b = arcs.rows[proper], arcs.cols[proper]
        sym = csr_matrix((np.ones(2 * a.size), (np.r_[a, b], np.r_[b, a])), shape=(n, n))
        sym.sum_duplicates()
        indptr, nbr = sym.indptr, sym.indices
        degree = np.diff(indptr).astype(np.int64)
        core = np.ones(n, dtype=bool)  # the 2-core: peel dead ends until none is left
        stack = [int(k) for k in np.nonzero(degree <= 1)[0]]
        while stack:
            k = stack.pop()
            if not core[k]:
                continue
            core[k] = False
            for m in nbr[indptr[k]:indptr[k + 1]]:
                if core[m]:
                    degree[m] -= 1
                    if degree[m] <= 1:
                        stack.append(int(m))
        junction = core & (degree != 2)
        _count, part = connected_components(sym, directed=False)
        has = np.zeros(_count, dtype=bool)
        has[part[junction]] = True
        for p in np.nonzero(~has)[0]:  # a ring or a tree: one of its nodes (a core one first) is the junction
            members = np.nonzero(part == p)[0]
            junction[min(members[core[members]], default=members[0])] = True
        keep = ~junction[arcs.rows] & ~junction[arcs.cols]
        inner = arcs.where(keep & proper)
        _np, piece = connected_components(inner.time, directed=False)
        piece = np.where(junction, -1, piece)
        ends = np.full((_np, 2), -1, dtype=np.int64)
        touch = np.r_[arcs.rows, arcs.cols], np.r_[arcs.cols, arcs.rows]  # (piece node, junction)
        pairs = sorted({(int(piece[a]), int(b)) for a, b in zip(*touch, strict=True)
                        if junction[b] and not junction[a]})
        for p, j in pairs:
            slot = 0 if ends[p, 0] < 0 else 1
            if slot == 1 and ends[p, 1] >= 0:
                raise AssertionError(f"piece {p} meets more than two junctions")
            ends[p, slot] = j
        self.junction, self.piece, self.inner = junction, piece, inner
        # the nodes of each piece in a row, and each node's rank among its piece's nodes
        label = np.where(junction, _np, piece)  # junctions last
        self._members = np.argsort(label, kind="stable")
        self._starts = np.searchsorted(label[self._members], np.arange(_np + 2))
        self.rank = np.empty(n, dtype=np.int64)
        self.rank[self._members] = np.arange(n) - self._starts[label[self._members]]
        self._pieces: dict[int, tuple[np.ndarray, _Arcs]] = {}
        self.jnodes = np.nonzero(junction)[0]
        self.jpos = np.full(n, -1, dtype=np.int64)
        self.jpos[self.jnodes] = np.arange(self.jnodes.size)
        # times to (out) and from (in) the end junctions of each node's piece, end 0 and end 1
        self.out_j = np.full((n, 2), -1, dtype=np.int64)
        self.in_j = np.full((n, 2), -1, dtype=np.int64)
        self.out_t, self.in_t = np.full((n, 2), math.inf), np.full((n, 2), math.inf)
        self.out_m, self.in_m = np.zeros((n, 2)), np.zeros((n, 2))
        end_of = np.where(piece[:, None] >= 0, ends[np.maximum(piece, 0)], -1)  # (n, 2) end junctions
        for r in (0, 1):
            # from end r into its piece: arcs into a junction are dropped, arcs out of one kept only
            # towards the pieces it is end r of
            into = ~junction[arcs.cols] & (~junction[arcs.rows] | (end_of[arcs.cols, r] == arcs.rows))
            t, _p, m = arcs.where(into).search(self.jnodes, min_only=True)
            ok = ~junction & (end_of[:, r] >= 0) & np.isfinite(t)
            self.in_j[ok, r], self.in_t[ok, r], self.in_m[ok, r] = end_of[ok, r], t[ok], m[ok]
            out = ~junction[arcs.rows] & (~junction[arcs.cols] | (end_of[arcs.rows, r] == arcs.cols))
            t, _p, m = arcs.where(out).reversed().search(self.jnodes, min_only=True)
            ok = ~junction & (end_of[:, r] >= 0) & np.isfinite(t)
            self.out_j[ok, r], self.out_t[ok, r], self.out_m[ok, r] = end_of[ok, r], t[ok], m[ok]
        for a in (self.out_j, self.in_j):
            a[self.jnodes, 0] = self.jnodes
        self.out_t[self.jnodes, 0] = self.in_t[self.jnodes, 0] = 0.0
        # the junction graph: arcs between junctions, and shortcuts end -> piece -> junction
        direct = junction[arcs.rows] & junction[arcs.cols] & proper
        cand = [(arcs.rows[direct], arcs.cols[direct], arcs.tt[direct], arcs.ln[direct])]
        last = ~junction[arcs.rows] & junction[arcs.cols]
        x, j2, w, ln = arcs.rows[last], arcs.cols[last], arcs.tt[last], arcs.ln[last]
        for r in (0, 1):
            ok = np.isfinite(self.in_t[x, r]) & (self.in_j[x, r] != j2)
            xo = x[ok]
            cand.append((self.in_j[xo, r], j2[ok], self.in_t[xo, r] + w[ok], self.in_m[xo, r] + ln[ok]))
        a, b, t, m = (np.concatenate(c) for c in zip(*cand, strict=True))
        first = np.lexsort((t, b, a))
        a, b, t, m = a[first], b[first], t[first], m[first]
        uniq = np.ones(a.size, dtype=bool)
        uniq[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
        self.core = _Arcs(self.jnodes.size, self.jpos[a[uniq]], self.jpos[b[uniq]], t[uniq], m[uniq])

    def place_times(self, ends: np.ndarray, out_t: np.ndarray, out_m: np.ndarray, in_t: np.ndarray,
                    in_m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Fastest times (s), their lengths (m) and the ends used (``2 * a + b``) among places.

        ``ends`` (n, 2): the two end nodes of each place's edge; ``out_t``/``out_m``: time and
        length from the place to each end, ``in_t``/``in_m`` from each end to the place.
        """
        oj, ot, om, oe = self._options(ends, out_t, out_m, self.out_j, self.out_t, self.out_m)
        ij, it, im, ie = self._options(ends, in_t, in_m, self.in_j, self.in_t, self.in_m)
        srcs = np.unique(oj)
        dist, _pred, length = self.core.search(self.jpos[srcs])
        best_t, best_m, p, q = _best(ot, om, np.searchsorted(srcs, oj), it, im, self.jpos[ij], dist, length)
        n = len(ends)
        choice = (oe[np.arange(n)[:, None], p] * 2 + ie[np.arange(n)[None, :], q]).astype(np.int8)
        self._inside(ends, out_t, out_m, in_t, in_m, best_t, best_m, choice)
        return best_t, best_m, choice

    def _options(self, ends, t, m, aj, at, am) -> tuple[np.ndarray, ...]:
        """The (at most two) junctions a place leaves or enters by: the ends of its edge's piece or
        the edge's own junction ends. Returns junction, time, length and edge end, (n, 2) each."""
        n = len(ends)
        cj = aj[ends].reshape(n, 4)  # (end a, anchor) pairs
        ct = np.where(cj >= 0, (t[:, :, None] + at[ends]).reshape(n, 4), math.inf)
        cm = (m[:, :, None] + am[ends]).reshape(n, 4)
        r = np.arange(n)
        k1 = np.argmin(ct, axis=1)
        k2 = np.argmin(np.where(cj == cj[r, k1][:, None], math.inf, ct), axis=1)
        k2 = np.where(cj[r, k2] == cj[r, k1], k1, k2)  # one junction only: the same option twice
        k = np.stack([k1, k2], axis=1)
        j = np.where(cj[r[:, None], k] >= 0, cj[r[:, None], k], self.jnodes[0])
        return j, ct[r[:, None], k], cm[r[:, None], k], k // 2

    def _inside(self, ends, out_t, out_m, in_t, in_m, best_t, best_m, choice) -> None:
        """Places whose edges lie on one piece: the fastest way may stay inside it (updates in place)."""
        piece = np.where(self.piece[ends[:, 0]] >= 0, self.piece[ends[:, 0]], self.piece[ends[:, 1]])
        order = np.argsort(piece, kind="stable")
        bounds = np.flatnonzero(np.diff(piece[order])) + 1
        for members in np.split(order, bounds):
            p = piece[members[0]]
            if p < 0 or len(members) < 2:
                continue
            nodes, arcs = self._piece(p)
            inside = self.piece[ends[members]] == p  # (m, 2): which edge ends lie in the piece
            srcs = np.unique(self.rank[ends[members][inside]])
            dist, _pred, length = arcs.search(srcs)
            for a in (0, 1):
                rows = np.minimum(np.searchsorted(srcs, self.rank[ends[members, a]]), len(srcs) - 1)
                for b in (0, 1):
                    cols = np.where(inside[:, b], self.rank[ends[members, b]], 0)
                    ok = inside[:, a, None] & inside[None, :, b]
                    t = out_t[members, a, None] + dist[rows][:, cols] + in_t[None, members, b]
                    t = np.where(ok & (members[:, None] != members[None, :]), t, math.inf)
                    sub = np.ix_(members, members)
                    better = t < best_t[sub]
                    best_t[sub] = np.where(better, t, best_t[sub])
                    best_m[sub] = np.where(better, out_m[members, a, None] + length[rows][:, cols]
                                           + in_m[None, members, b], best_m[sub])
                    choice[sub] = np.where(better, 2 * a + b, choice[sub])

    def _piece(self, p: int) -> tuple[np.ndarray, _Arcs]:
        """The nodes of piece ``p`` and its arcs, numbered by :attr:`rank`."""
        if p not in self._pieces:
            nodes = self._members[self._starts[p]:self._starts[p + 1]]
            keep = (self.piece[self.inner.rows] == p)
            sub = self.inner.where(keep)
            arcs = _Arcs(len(nodes), self.rank[sub.rows], self.rank[sub.cols], sub.tt, sub.ln)
            self._pieces[p] = nodes, arcs
        return self._pieces[p]


def _best(ot, om, oi, it, im, ii, D, L) -> tuple[np.ndarray, ...]:
    """Over the options ``p`` of each source and ``q`` of each target, the least
    ``ot[:, p] + D[oi[:, p], ii[:, q]] + it[:, q]``, its length (``om``, ``L``, ``im``) and (p, q)."""
    shape = (len(ot), len(it))
    best_t, best_m = np.full(shape, math.inf), np.full(shape, math.inf)
    code = np.zeros(shape, dtype=np.int8)
    Q = it.shape[1]
    for p in range(ot.shape[1]):
        Dp, Lp = D[oi[:, p]], L[oi[:, p]]
        for q in range(Q):
            t = Dp[:, ii[:, q]]
            t += ot[:, p, None]
            t += it[None, :, q]
            better = t < best_t
            np.copyto(best_t, t, where=better)
            m = Lp[:, ii[:, q]]
            m += om[:, p, None]
            m += im[None, :, q]
            np.copyto(best_m, m, where=better)
            np.copyto(code, p * Q + q, where=better)
    return best_t, best_m, code // Q, code % Q


def _plain(csr: _Csr, ends, out_t, out_m, in_t, in_m) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:meth:`_Contraction.place_times` searched on the whole network (the reference the
    contraction is tested against)."""
    X = np.unique(ends)
    dist, _pred, length = csr.arcs.search(X)
    rows = np.searchsorted(X, ends)
    best_t, best_m, p, q = _best(out_t, out_m, rows, in_t, in_m, ends, dist, length)
    return best_t, best_m, (2 * p + q).astype(np.int8)


_CONTRACTIONS: dict[str, _Contraction] = {}


def _contraction(csr: _Csr) -> _Contraction:
    """The contraction of a network's arcs, kept for the last few networks (by fingerprint)."""
    c = _CONTRACTIONS.pop(csr.fingerprint, None) or _Contraction(csr.arcs)
    _CONTRACTIONS[csr.fingerprint] = c
    while len(_CONTRACTIONS) > 4:
        _CONTRACTIONS.pop(next(iter(_CONTRACTIONS)))
    return c


class TravelMatrix:
    """Minutes and km among ``ids`` (``minutes[i, j]`` from ids[i] to ids[j]); legs on demand."""

    def __init__(self, ids, minutes: np.ndarray, km: np.ndarray, *, _detail: dict | None = None,
                 _network: nx.MultiDiGraph | None = None):
        self.ids = [str(i) for i in ids]
        self.minutes = np.asarray(minutes, dtype=float)
        self.km = np.asarray(km, dtype=float)
        self._pos = {i: k for k, i in enumerate(self.ids)}
        self._d = _detail or {}
        self._G = _network
        self._preds: dict[int, np.ndarray] = {}

    def __repr__(self) -> str:
        return f"TravelMatrix({len(self.ids)} places)"

    @property
    def access_km(self) -> np.ndarray:
        """Access-leg length (km, straight line times the detour factor) of each place to its road."""
        return np.array([s["access_m"] / 1000 for s in self._d.get("snaps", [])])

    @property
    def off_road(self) -> np.ndarray:
        """Whether each place (or its pier) has no road within ``roads.MAX_ACCESS_M``: no coach reaches it."""
        return self.access_km > roads.MAX_ACCESS_M * roads.ACCESS_DETOUR / 1000

    @property
    def local_km(self) -> np.ndarray:
        """Length (km) of the modelled local road from each place's road to the main network."""
        return np.array([s.get("local_m", 0.0) / 1000 for s in self._d.get("snaps", [])])

    def index(self, place_id: str) -> int:
        """Return the row/column of ``place_id``; NotFoundError with suggestions if unknown."""
        try:
            return self._pos[str(place_id)]
        except KeyError:
            import difflib
            raise NotFoundError("place", str(place_id),
                                difflib.get_close_matches(str(place_id), self.ids, n=3)) from None

    def leg(self, from_id: str, to_id: str, *, geometry: bool = True) -> LegInfo:
        """Return the leg from ``from_id`` to ``to_id`` with its roads and path geometry.

        ``geometry=False`` skips the path (``LegInfo.geometry`` holds the two end points only),
        which is much faster when only roads and steps are needed.
        """
        i, j = self.index(from_id), self.index(to_id)
        d = self._d
        if not d:  # a matrix built from arrays only: no paths to rebuild
            return LegInfo(float(self.km[i, j]), float(self.minutes[i, j]), [], [], 0.0)
        if i == j:
            return LegInfo(0.0, 0.0, [], [(float(d["lon"][i]), float(d["lat"][i]))], 0.0)
        boat = float(d["boat"][i] + d["boat"][j])
        G = self._G if self._G is not None else roads.load_network(sea=False)
        nodes = d["nodes"]
        choice = int(d["choice"][i, j])
        start = (float(d["lon"][i]), float(d["lat"][i]))
        end = (float(d["lon"][j]), float(d["lat"][j]))
        si, sj = d["snaps"][i], d["snaps"][j]
        steps: list[dict] = []
        if choice == 4:  # both on the same edge
            e = G.edges[si["u"], si["v"], si["key"]]
            steps.append(_step(e, abs(si["t"] - sj["t"])))
            geom = [start]
            if geometry:
                geom.append(roads.edge_part(G, si["u"], si["v"], si["key"], si["t"], sj["t"]))
            geom.append(end)
        elif math.isfinite(self.minutes[i, j]):
            a, b = divmod(choice, 2)
            chain = self._path(int(d["out_node"][i, a]), int(d["in_node"][j, b]))
            ends_i = (si["u"], si["t"], 0.0) if a == 0 else (si["v"], si["t"], 1.0)
            ends_j = (sj["u"], 0.0, sj["t"]) if b == 0 else (sj["v"], 1.0, sj["t"])
            e_i = G.edges[si["u"], si["v"], si["key"]]
            e_j = G.edges[sj["u"], sj["v"], sj["key"]]
            geom = [start]
            if geometry:
                geom.append(roads.edge_part(G, si["u"], si["v"], si["key"], ends_i[1], ends_i[2]))
            steps.append(_step(e_i, abs(ends_i[1] - ends_i[2])))
            for p, q in zip(chain[:-1], chain[1:], strict=False):
                u, v = nodes[p], nodes[q]
                e = G.edges[u, v, self._key(G, u, v)]
                if geometry:
                    geom.append(shapely.get_coordinates(e["geometry"]))
                steps.append(_step(e, 1.0))
            if geometry:
                geom.append(roads.edge_part(G, sj["u"], sj["v"], sj["key"], ends_j[1], ends_j[2]))
            steps.append(_step(e_j, abs(ends_j[1] - ends_j[2])))
            geom.append(end)
        else:
            return LegInfo(math.inf, math.inf, [], [start[0], end[0]], boat)
        steps = ([_extra("boat", 0.0, d["boat"][i])] * bool(d["boat"][i])
                 + [_extra("access", si["access_m"], si["access_s"] / 60)] + steps
                 + [_extra("access", sj["access_m"], sj["access_s"] / 60)]
                 + [_extra("boat", 0.0, d["boat"][j])] * bool(d["boat"][j]))
        names = []
        for s in steps:
            if s["km"] > 0.05 and s["name"] and s["mode"] in ("road", "access") \
                    and (not names or names[-1] != s["name"]):
                names.append(s["name"])
        return LegInfo(float(self.km[i, j]), float(self.minutes[i, j]), names, _polyline(geom), boat, steps)

    def _path(self, a: int, b: int) -> list[int]:
        """The nodes (csr positions) of the fastest path from ``a`` to ``b``, searched on the whole
        network from ``a`` once (kept for the next leg from there)."""
        pred = self._preds.get(a)
        if pred is None:
            time = self._d["csr"].arcs.time
            _t, pred = dijkstra(time, directed=True, indices=[a], return_predecessors=True)
            pred = self._preds[a] = pred[0]
        chain = [b]
        while chain[-1] != a and pred[chain[-1]] >= 0:
            chain.append(int(pred[chain[-1]]))
        return chain[::-1]

    def _key(self, G, u, v):
        keys = G[u][v]
        return min(keys, key=lambda k: keys[k]["travel_time"])


def _polyline(parts: list) -> list[tuple[float, float]]:
    """Join coordinate pieces into one rounded polyline without repeated points."""
    arr = np.round(np.concatenate([np.asarray(p, dtype=float).reshape(-1, 2) for p in parts]), 6)
    keep = np.ones(len(arr), dtype=bool)
    keep[1:] = np.any(arr[1:] != arr[:-1], axis=1)
    return [tuple(c) for c in arr[keep].tolist()]


def _extra(mode: str, metres: float, minutes: float) -> dict:
    return {"name": "", "mode": mode, "km": float(metres) / 1000, "minutes": float(minutes)}


def _step(e: dict, frac: float) -> dict:
    step = {"name": _road_label(e), "mode": e.get("mode", "road"), "km": frac * e["length"] / 1000,
            "minutes": frac * e["travel_time"] / 60}
    if e.get("departures"):
        step["departures"] = tuple(e["departures"])
        step["link"] = e.get("ref", "")
    return step


def _road_label(e: dict) -> str:
    """Return the label of an edge: ref or name of a road, operator/name of a boat."""
    ref, name = e.get("ref") or "", e.get("name") or ""
    if e.get("mode", "road") not in ("road", "access"):
        return name or ref
    return ref or name


def _places_table(places) -> tuple[list[str], np.ndarray, np.ndarray, list, np.ndarray]:
    problems = []
    cols = set(getattr(places, "columns", []))
    for c in ("id", "lon", "lat"):
        if c not in cols:
            problems.append(f"missing column {c!r}")
    if problems:
        raise ValidationError(problems, source="places")
    ids = [str(i) for i in places["id"]]
    lon = np.asarray(places["lon"], dtype=float)
    lat = np.asarray(places["lat"], dtype=float)
    for k, (i, x, y) in enumerate(zip(ids, lon, lat, strict=False)):
        if not (np.isfinite(x) and np.isfinite(y) and 100 <= x <= 112 and 7 <= y <= 24.5) \
                and not (np.isfinite(x) and np.isfinite(y) and -180 <= x <= 180 and -90 <= y <= 90):
            problems.append(f"row {k} ({i}): lon/lat ({x}, {y}) is not a point")
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        problems.append(f"duplicate ids {dup[:5]}")
    if problems:
        raise ValidationError(problems, source="places")
    port = list(places["access_port"]) if "access_port" in cols else [None] * len(ids)
    port = [p if isinstance(p, str) and p.strip() else None for p in port]
    boat = (np.nan_to_num(np.asarray(places["access_boat_minutes"], dtype=float))
            if "access_boat_minutes" in cols else np.zeros(len(ids)))
    boat = np.where([p is not None for p in port], boat, 0.0)
    return ids, lon, lat, port, boat


def _port_coords(port_ids: set[str]) -> dict[str, tuple[float, float]]:
    if not port_ids:
        return {}
    try:
        from tourlink import catalog
        ports = catalog.load_ports()
    except Exception as exc:  # catalogue not built: time the place from its own point
        log.warning("cannot read ports for boat access (%s); using the places' own points", exc)
        return {}
    return {str(r.id): (float(r.lon), float(r.lat)) for r in ports.itertuples() if str(r.id) in port_ids}


def _cache_key(fingerprint: str, ids, lon, lat, port, boat, modes) -> str:
    h = hashlib.sha256()
    h.update(f"{CACHE_VERSION}|{fingerprint}|{','.join(modes)}|{roads.ACCESS_SPEED_KPH}|"
             f"{roads.ACCESS_DETOUR}|{roads.MAX_ACCESS_M}|".encode())
    h.update("\x1f".join(ids).encode())
    h.update(np.round(lon, 6).tobytes() + np.round(lat, 6).tobytes())
    h.update("\x1f".join(p or "" for p in port).encode() + np.asarray(boat, float).tobytes())
    return h.hexdigest()[:24]


def travel_matrix(places, *, network: nx.MultiDiGraph | None = None,
                  modes: tuple[str, ...] = ("road",), cache: bool = True,
                  contract: bool = True) -> TravelMatrix:
    """Return the door-to-door travel matrix among ``places``.

    Parameters
    ----------
    places
        DataFrame with ``id, lon, lat`` and optionally ``access_port`` (a river pier id of
        ``tourlink.catalog.load_ports()``) and ``access_boat_minutes`` (one way).
    network
        Road network (default the bundled one without sea links).
    modes
        Edge modes to use; sea crossings are left to the outer planner, so the default is
        road only.
    cache
        Read/write the ``.npz`` cache in ``tourlink.paths.CACHE_DIR``.
    contract
        Search with the network's dead ends and chains taken out (:class:`_Contraction`, exact);
        ``False`` searches the whole network (the reference the contraction is tested against).

    Raises
    ------
    ValidationError
        If a column is missing, an id repeats or a coordinate is not a point.
    """
    ids, lon, lat, port, boat = _places_table(places)
    unknown = sorted(set(modes) - set(MODES))
    if unknown:
        raise ValidationError(f"unknown mode(s) {unknown}; use some of {list(MODES)}", source="modes")
    G = network if network is not None else roads.load_network(sea=False)
    csr = _Csr(G, tuple(modes))
    key = _cache_key(csr.fingerprint, ids, lon, lat, port, boat, tuple(modes))
    cache_path = Path(paths.CACHE_DIR) / "matrix" / f"{key}.npz"
    if cache and cache_path.exists():
        try:
            detail = _load_cache(cache_path, csr)
            return TravelMatrix(ids, detail.pop("minutes"), detail.pop("km"), _detail=detail, _network=G)
        except (OSError, ValueError, KeyError) as exc:
            log.debug("ignoring unreadable matrix cache %s: %s", cache_path, exc)
    pier = _port_coords({p for p in port if p})
    slon, slat = lon.copy(), lat.copy()
    for k, p in enumerate(port):
        if p in pier:
            slon[k], slat[k] = pier[p]
    snaps = roads.snap_many(slon, slat, G)
    _warn_far(ids, snaps)
    detail = _compute(G, csr, snaps, slon, slat, boat, contract=contract)
    detail["lon"], detail["lat"] = lon, lat
    if cache:
        _save_cache(cache_path, detail)
    detail["nodes"], detail["csr"] = csr.nodes, csr
    return TravelMatrix(ids, detail.pop("minutes"), detail.pop("km"), _detail=detail, _network=G)


def _warn_far(ids: list[str], snaps) -> None:
    """Warn once (UserWarning) about the places with no road within roads.MAX_ACCESS_M."""
    far = sorted(((s.distance_m, i) for i, s in zip(ids, snaps, strict=True)
                  if s.distance_m > roads.MAX_ACCESS_M), reverse=True)
    if far:
        worst = ", ".join(f"{i} ({d / 1000:.1f} km)" for d, i in far[:3])
        more = f" and {len(far) - 3} more" if len(far) > 3 else ""
        warnings.warn(f"{len(far)} place(s) have no road within {roads.MAX_ACCESS_M / 1000:.0f} km: "
                      f"{worst}{more}; no coach reaches them", UserWarning, stacklevel=3)


def _compute(G, csr: _Csr, snaps, slon, slat, boat, *, contract: bool = True) -> dict:
    n = len(snaps)
    inf = math.inf
    out_node = np.zeros((n, 2), dtype=np.int64)
    in_node = np.zeros((n, 2), dtype=np.int64)
    out_t = np.full((n, 2), inf)
    in_t = np.full((n, 2), inf)
    out_m = np.zeros((n, 2))
    in_m = np.zeros((n, 2))
    acc_t = np.array([s.access_s for s in snaps])
    acc_m = np.array([s.access_m for s in snaps])
    for k, s in enumerate(snaps):
        e = G.edges[s.u, s.v, s.key]
        tt, ln = e["travel_time"], e["length"]
        back = G.has_edge(s.v, s.u)
        pu, pv = csr.pos[s.u], csr.pos[s.v]
        out_node[k] = (pu, pv)
        in_node[k] = (pu, pv)
        out_t[k, 1], out_m[k, 1] = (1 - s.t) * tt, (1 - s.t) * ln
        in_t[k, 0], in_m[k, 0] = s.t * tt, s.t * ln
        if back:
            out_t[k, 0], out_m[k, 0] = s.t * tt, s.t * ln
            in_t[k, 1], in_m[k, 1] = (1 - s.t) * tt, (1 - s.t) * ln
    ends = out_node  # the two end nodes of each place's edge (in_node holds the same)
    if contract:
        best_t, best_m, choice = _contraction(csr).place_times(ends, out_t, out_m, in_t, in_m)
    else:
        best_t, best_m, choice = _plain(csr, ends, out_t, out_m, in_t, in_m)
    # two places on the same edge: along the edge directly
    edge_of = {}
    for k, s in enumerate(snaps):
        edge_of.setdefault((s.u, s.v, s.key), []).append(k)
    for (u, v, key), members in edge_of.items():
        e = G.edges[u, v, key]
        for i in members:
            for j in members:
                if i == j:
                    continue
                frac = abs(snaps[i].t - snaps[j].t)
                if snaps[j].t < snaps[i].t and not G.has_edge(v, u):
                    continue
                t = frac * e["travel_time"]
                if t < best_t[i, j]:
                    best_t[i, j], best_m[i, j], choice[i, j] = t, frac * e["length"], 4
    total_t = best_t + acc_t[:, None] + acc_t[None, :]
    total_m = best_m + acc_m[:, None] + acc_m[None, :]
    minutes = total_t / 60 + boat[:, None] + boat[None, :]
    cut = np.array([s.distance_m > roads.MAX_ACCESS_M for s in snaps])  # no road close enough
    minutes[cut, :] = minutes[:, cut] = np.inf
    total_m[cut, :] = total_m[:, cut] = np.inf
    np.fill_diagonal(minutes, 0.0)
    np.fill_diagonal(total_m, 0.0)
    snap_rows = [{"u": s.u, "v": s.v, "key": s.key, "t": s.t, "access_m": s.access_m, "access_s": s.access_s,
                  "local_m": s.local_m} for s in snaps]
    return {"minutes": minutes, "km": total_m / 1000, "choice": choice, "out_node": out_node,
            "in_node": in_node, "boat": boat, "snaps": snap_rows}


def _save_cache(path: Path, detail: dict) -> None:
    snaps = detail["snaps"]
    with atomic_write(path, "wb") as fh:
        np.savez(fh, minutes=detail["minutes"], km=detail["km"], choice=detail["choice"],
                 out_node=detail["out_node"],
                 in_node=detail["in_node"], boat=detail["boat"], lon=detail["lon"], lat=detail["lat"],
                 snap_t=np.array([s["t"] for s in snaps]),
                 snap_am=np.array([s["access_m"] for s in snaps]),
                 snap_as=np.array([s["access_s"] for s in snaps]),
                 snap_lm=np.array([s["local_m"] for s in snaps]),
                 snap_key=np.array([s["key"] for s in snaps], dtype=np.int64),
                 snap_u=np.array([str(s["u"]) for s in snaps]), snap_v=np.array([str(s["v"]) for s in snaps]))


def _load_cache(path: Path, csr: _Csr) -> dict:
    with np.load(path, allow_pickle=False) as z:
        d = {k: z[k] for k in z.files}
    by_str = {str(n): n for n in csr.nodes}
    cols = (d.pop("snap_u"), d.pop("snap_v"), d.pop("snap_key"), d.pop("snap_t"), d.pop("snap_am"),
            d.pop("snap_as"), d.pop("snap_lm"))
    d["snaps"] = [{"u": by_str[u], "v": by_str[v], "key": int(k), "t": float(t), "access_m": float(am),
                   "access_s": float(a_s), "local_m": float(lm)}
                  for u, v, k, t, am, a_s, lm in zip(*cols, strict=True)]
    d["nodes"], d["csr"] = csr.nodes, csr
    return d


__all__ = ["travel_matrix", "TravelMatrix", "LegInfo"]
