"""Travel-time and distance matrices among places, with the path of every leg.

One shortest-path tree per source (``scipy.sparse.csgraph.dijkstra`` on a CSR of the
network, with predecessors), never one search per pair. Each place joins the network at its
snapped point (:func:`tourlink.roads.snap`) on a road edge; the matrix tries both ends of
that edge and adds the access legs. A place reached by boat from a pier (``access_port`` with
``access_boat_minutes``, e.g. a floating market) is timed to the pier by road plus the boat
minutes, reported as :attr:`LegInfo.boat_minutes`.

A place more than :data:`tourlink.roads.MAX_ACCESS_M` from any road (an offshore island)
is unreachable by road: its row and column are infinite.

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
from scipy.sparse.csgraph import dijkstra

from tourlink import paths, roads
from tourlink.atomic import atomic_write
from tourlink.errors import NotFoundError, ValidationError

log = logging.getLogger(__name__)

CACHE_VERSION = "3"
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


class _Csr:
    """The network as arrays: node order, CSR of travel times and lengths, best edge per arc."""

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
        self.time = csr_matrix((tt, (rows, cols)), shape=(n, n))
        self.length = csr_matrix((ln, (rows, cols)), shape=(n, n))
        self.key = {a: best[a][2] for a in arcs}
        self.arc_keys = rows * n + cols  # sorted: arcs are sorted by (row, col)
        self.arc_lengths = ln
        self.length_of = {a: best[a][1] for a in arcs}
        h = hashlib.sha256()
        h.update(G.graph.get("fingerprint", "").encode())
        for arr in (rows, cols, tt, ln):
            h.update(arr.tobytes())
        self.fingerprint = h.hexdigest()[:20]


def _tree_lengths(pred: np.ndarray, dist: np.ndarray, csr: _Csr) -> np.ndarray:
    """Return the path length (m) from each source to every node along the predecessor tree.

    Nodes are visited in order of their time from the source (a parent is always reached before
    its child), one vectorised step over all sources per rank.
    """
    S, N = pred.shape
    parent = pred.astype(np.int64)
    has = parent >= 0
    cols = np.broadcast_to(np.arange(N)[None, :], (S, N))
    parent = np.where(has, parent, cols)  # a root or an unreached node is its own parent
    step = np.zeros((S, N))
    if csr.arc_keys.size:
        keys = parent * N + cols
        pos = np.clip(np.searchsorted(csr.arc_keys, keys), 0, csr.arc_keys.size - 1)
        step = np.where(has & (csr.arc_keys[pos] == keys), csr.arc_lengths[pos], 0.0)
    order = np.argsort(dist, axis=1, kind="stable")
    total = np.zeros((S, N))
    r = np.arange(S)
    for k in range(N):
        node = order[:, k]
        total[r, node] = total[r, parent[r, node]] + step[r, node]
    return total


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

    def __repr__(self) -> str:
        return f"TravelMatrix({len(self.ids)} places)"

    @property
    def access_km(self) -> np.ndarray:
        """Access-leg length (km, straight line times the detour factor) of each place to its road."""
        return np.array([s["access_m"] / 1000 for s in self._d.get("snaps", [])])

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
            out_node, in_node = d["out_node"][i, a], d["in_node"][j, b]
            row = int(d["src_row"][out_node])
            pred = d["pred"][row]
            chain = [int(in_node)]
            while chain[-1] != out_node:
                p = int(pred[chain[-1]])
                if p < 0:
                    break
                chain.append(p)
            chain.reverse()
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
             f"{roads.ACCESS_DETOUR}|".encode())
    h.update("\x1f".join(ids).encode())
    h.update(np.round(lon, 6).tobytes() + np.round(lat, 6).tobytes())
    h.update("\x1f".join(p or "" for p in port).encode() + np.asarray(boat, float).tobytes())
    return h.hexdigest()[:24]


def travel_matrix(places, *, network: nx.MultiDiGraph | None = None,
                  modes: tuple[str, ...] = ("road",), cache: bool = True) -> TravelMatrix:
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
    snaps = [roads.snap(x, y, G, warn=False) for x, y in zip(slon, slat, strict=False)]
    _warn_far(ids, snaps)
    detail = _compute(G, csr, snaps, slon, slat, boat)
    detail["lon"], detail["lat"] = lon, lat
    if cache:
        _save_cache(cache_path, detail)
    detail["nodes"] = csr.nodes
    return TravelMatrix(ids, detail.pop("minutes"), detail.pop("km"), _detail=detail, _network=G)


def _warn_far(ids: list[str], snaps) -> None:
    """Warn once (UserWarning) about the places farther than roads.FAR_SNAP_M from any road."""
    far = sorted(((s.distance_m, i) for i, s in zip(ids, snaps, strict=True)
                  if s.distance_m > roads.FAR_SNAP_M), reverse=True)
    if far:
        worst = ", ".join(f"{i} ({d / 1000:.1f} km)" for d, i in far[:3])
        more = f" and {len(far) - 3} more" if len(far) > 3 else ""
        cut = sum(d > roads.MAX_ACCESS_M for d, _ in far)
        beyond = (f"; {cut} beyond {roads.MAX_ACCESS_M / 1000:.0f} km are unreachable by road"
                  if cut else "")
        warnings.warn(f"{len(far)} place(s) lie more than {roads.FAR_SNAP_M / 1000:.0f} km from the road "
                      f"network: {worst}{more}; their times rest on access legs at "
                      f"{roads.ACCESS_SPEED_KPH:.0f} km/h{beyond}", UserWarning, stacklevel=3)


def _compute(G, csr: _Csr, snaps, slon, slat, boat) -> dict:
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
    sources = np.unique(out_node.ravel())
    dist, pred = dijkstra(csr.time, directed=True, indices=sources, return_predecessors=True)
    tree_m = _tree_lengths(pred, dist, csr)
    src_row = np.full(len(csr.nodes), -1, dtype=np.int64)
    src_row[sources] = np.arange(len(sources))
    best_t = np.full((n, n), inf)
    best_m = np.full((n, n), inf)
    choice = np.zeros((n, n), dtype=np.int8)
    for a in (0, 1):
        rows = src_row[out_node[:, a]]
        for b in (0, 1):
            cols = in_node[:, b]
            t = out_t[:, a, None] + dist[rows][:, cols] + in_t[None, :, b]
            m = out_m[:, a, None] + tree_m[rows][:, cols] + in_m[None, :, b]
            better = t < best_t
            best_t = np.where(better, t, best_t)
            best_m = np.where(better, m, best_m)
            choice = np.where(better, a * 2 + b, choice).astype(np.int8)
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
    cut = np.array([s.distance_m > roads.MAX_ACCESS_M for s in snaps])  # offshore: no road at all
    minutes[cut, :] = minutes[:, cut] = np.inf
    total_m[cut, :] = total_m[:, cut] = np.inf
    np.fill_diagonal(minutes, 0.0)
    np.fill_diagonal(total_m, 0.0)
    snap_rows = [{"u": s.u, "v": s.v, "key": s.key, "t": s.t, "access_m": s.access_m, "access_s": s.access_s,
                  "local_m": s.local_m} for s in snaps]
    return {"minutes": minutes, "km": total_m / 1000, "choice": choice, "pred": pred.astype(np.int32),
            "src_row": src_row, "out_node": out_node, "in_node": in_node, "boat": boat,
            "snaps": snap_rows}


def _save_cache(path: Path, detail: dict) -> None:
    snaps = detail["snaps"]
    with atomic_write(path, "wb") as fh:
        np.savez(fh, minutes=detail["minutes"], km=detail["km"], choice=detail["choice"],
                 pred=detail["pred"], src_row=detail["src_row"], out_node=detail["out_node"],
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
    d["nodes"] = csr.nodes
    return d


__all__ = ["travel_matrix", "TravelMatrix", "LegInfo"]
