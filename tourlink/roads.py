"""The road network: load the bundled coach network, build one from OSM, snap places to it.

Every network is an ``nx.MultiDiGraph`` in OSMnx conventions: graph attribute ``crs``
(EPSG:4326), nodes with ``x``/``y`` (lon/lat), edges with ``length`` (m), ``highway``,
``name``, ``ref``, ``speed_kph``, ``travel_time`` (s), ``geometry`` (LineString, lon/lat) and
``mode`` (``"road"``; sea links carry ``fast_boat`` / ``car_ferry`` / ``boat`` and access
edges between a port and the road ``access``). OSMnx functions (``ox.shortest_path``,
``ox.graph_to_gdfs``, ``ox.plot_graph``) work on all of them.

The bundled network (``data/roads_nodes.csv`` + ``data/roads_edges.csv.gz``, built by
``tools/build_roads.py``) is a national skeleton: national and main provincial roads plus
curated expressways, plus a modelled local road (``highway="local"``, a chain of commune
points, see ``data/README.md``) to every catalogue place farther than 2 km from them. A trip
that starts or ends off the roads is joined to the nearest one by an access leg (:func:`snap`)
at :data:`ACCESS_SPEED_KPH` over the straight-line distance times :data:`ACCESS_DETOUR`, never
over more than :data:`MAX_ACCESS_M` of straight line: a place without a road that close is not
reachable by coach (its pier, if it has one, is).
"""

from __future__ import annotations

import csv
import functools
import gzip
import hashlib
import io
import logging
import math
import warnings
import weakref
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np
import shapely
import shapely.ops
from shapely.geometry import LineString

from tourlink import paths
from tourlink.errors import DataError, TourlinkError

log = logging.getLogger(__name__)

NODES_FILE = "roads_nodes.csv"
EDGES_FILE = "roads_edges.csv.gz"

#: speed of the access leg between a place and its snapped point on the network (km/h):
#: town streets and local roads, slower than any class of the skeleton
ACCESS_SPEED_KPH = 25.0
#: the access leg is the straight-line distance times this detour factor
ACCESS_DETOUR = 1.3
#: an access leg longer than this (straight line, m) gets a warning: the place is far off-network
FAR_SNAP_M = 5000.0
#: no coach time is computed over more than this much straight line (m, issue #11 item 4): a place
#: (or the pier of a place reached by boat) farther than this from any road is not reachable by road
#: at all — offshore islands, capes and parks without a road — its matrix row and column are infinite
MAX_ACCESS_M = 2000.0
#: the ``highway`` of the modelled local roads of the bundled network (tools/build_roads.py)
LOCAL_HIGHWAY = "local"
#: a place joins a main road rather than a modelled local road unless the local road is
#: more than this much closer (straight line, m)
LOCAL_PREFER_M = 2000.0
#: walking/transfer minutes between a pier and the road at each end of a sea crossing
PORT_ACCESS_MINUTES = 10.0
#: coach speeds (km/h) for OSM highway classes (osmnx ``hwy_speeds``; coaches keep below
#: car limits: urban arterials 25-35, rural trunk roads 45-50, expressways 75)
OSM_COACH_SPEEDS = {"motorway": 75, "motorway_link": 40, "trunk": 50, "trunk_link": 30,
                    "primary": 35, "primary_link": 25, "secondary": 30, "secondary_link": 20,
                    "tertiary": 25, "tertiary_link": 20, "unclassified": 20, "residential": 15,
                    "living_street": 10, "service": 10}

_R = 6_371_000.0


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Return the great-circle distance in metres between two lon/lat points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * _R * math.asin(min(1.0, math.sqrt(a)))


def _line_length_m(coords) -> float:
    return sum(haversine_m(*a, *b) for a, b in zip(coords[:-1], coords[1:], strict=False))


def read_network(nodes_path: str | Path, edges_path: str | Path) -> nx.MultiDiGraph:
    """Return the network stored in a node table and a (gzip) edge table (the bundled format).

    Each stored edge is two-way and becomes two directed edges. Raises DataError when a file
    is missing or a row is malformed.
    """
    nodes_path, edges_path = Path(nodes_path), Path(edges_path)
    G = nx.MultiDiGraph(crs="EPSG:4326", name="tourlink coach network")
    try:
        node_text = nodes_path.read_text(encoding="utf-8")
        raw = edges_path.read_bytes()
        edge_text = (gzip.decompress(raw) if edges_path.suffix == ".gz" else raw).decode("utf-8")
    except OSError as exc:
        raise DataError(f"cannot read road network {nodes_path.name}/{edges_path.name}: {exc}; "
                        "run `make data`") from exc
    try:
        for row in csv.DictReader(io.StringIO(node_text)):
            G.add_node(int(row["id"]), x=float(row["x"]), y=float(row["y"]))
        for row in csv.DictReader(io.StringIO(edge_text)):
            coords = [tuple(map(float, p.split())) for p in row["geometry"].split(";")]
            u, v, key = int(row["u"]), int(row["v"]), int(row["key"])
            speed = float(row["speed_kph"])
            length = float(row["length"])
            attrs = dict(highway=row["highway"], name=row["name"], ref=row["ref"],
                         region=row["region"], source=row["source"], speed_kph=speed,
                         length=length, travel_time=length / (speed / 3.6), mode="road",
                         oneway=False)
            G.add_edge(u, v, key, geometry=LineString(coords), reversed=False, **attrs)
            G.add_edge(v, u, key, geometry=LineString(coords[::-1]), reversed=True, **attrs)
    except (KeyError, ValueError) as exc:
        raise DataError(f"road network {edges_path.name} is corrupt ({exc}); run `make data`") from exc
    h = hashlib.sha256(node_text.encode("utf-8") + raw).hexdigest()[:16]
    G.graph["fingerprint"] = h
    return G


@functools.lru_cache(maxsize=4)
def _bundled(data_dir: str, sea: bool) -> nx.MultiDiGraph:
    G = read_network(paths.data_file(NODES_FILE), paths.data_file(EDGES_FILE))
    if sea:
        add_sea_links(G)
    return G


def load_network(*, sea: bool = True) -> nx.MultiDiGraph:
    """Return the bundled coach network (cached; treat it as read-only, ``.copy()`` to edit).

    Parameters
    ----------
    sea
        Add the ports and sea links of the catalogue (``tourlink.catalog``) as non-road
        edges; skipped silently where the catalogue has none.

    Raises
    ------
    DataError
        If the bundled network files are missing (run ``make data``).
    """
    return _bundled(str(paths.DATA_DIR), sea)


def add_sea_links(G: nx.MultiDiGraph, *, ports=None, links=None) -> int:
    """Add port nodes, port access edges and timetabled sea edges to ``G``; return edges added.

    ``ports`` is a frame with ``id, lon, lat`` (default ``tourlink.catalog.load_ports()``);
    ``links`` a list of SeaLink (default ``tourlink.catalog.load_sea_links()``). A port node
    is named ``"port:<id>"`` (attributes ``port``, ``label``); it joins the road at its
    snapped point (the road edge is split there, see :func:`split_edge`) by an ``access``
    edge each way of :data:`PORT_ACCESS_MINUTES` plus the access leg, unless it is farther
    than :data:`MAX_ACCESS_M` from any road (an island port: its boats only). Sea edges (one per
    direction, as in ``links.csv``) carry ``mode``,
    ``departures`` (minutes after midnight), ``duration`` (min), ``fare_vnd``, ``operator``
    and ``travel_time`` = duration (s, no waiting).
    """
    if ports is None or links is None:
        try:
            from tourlink import catalog
            ports = catalog.load_ports() if ports is None else ports
            links = catalog.load_sea_links() if links is None else links
        except (ImportError, AttributeError, TourlinkError) as exc:
            log.debug("no sea links added: %s", exc)
            return 0
    if ports is None or len(ports) == 0 or not links:
        return 0
    added = 0
    port_xy = {str(r.id): (float(r.lon), float(r.lat), str(getattr(r, "name_vi", r.id)))
               for r in ports.itertuples()}
    for pid, (lon, lat, label) in sorted(port_xy.items()):
        node = f"port:{pid}"
        s = snap(lon, lat, G, warn=False)
        G.add_node(node, x=lon, y=lat, port=pid, label=label)
        if s.distance_m > MAX_ACCESS_M:  # an island port without a road: its boats only
            continue
        edge = G.edges[s.u, s.v, s.key]
        if s.t * edge["length"] < 50:
            join = s.u
        elif (1 - s.t) * edge["length"] < 50:
            join = s.v
        else:
            join = split_edge(G, s.u, s.v, s.key, s.t)
        jx, jy = G.nodes[join]["x"], G.nodes[join]["y"]
        tt = PORT_ACCESS_MINUTES * 60 + s.access_s
        for a, b, c in ((node, join, [(lon, lat), (jx, jy)]), (join, node, [(jx, jy), (lon, lat)])):
            G.add_edge(a, b, highway="access", name="", ref="", length=s.access_m, speed_kph=ACCESS_SPEED_KPH,
                       travel_time=tt, geometry=LineString(c), mode="access", oneway=False)
            added += 1
    for link in links:
        a, b = f"port:{link.from_port}", f"port:{link.to_port}"
        if a not in G or b not in G:
            log.warning("sea link %s: unknown port %s or %s", link.id, link.from_port, link.to_port)
            continue
        (x1, y1), (x2, y2) = (G.nodes[a]["x"], G.nodes[a]["y"]), (G.nodes[b]["x"], G.nodes[b]["y"])
        label = f"{link.operator or link.mode} {G.nodes[a].get('label', link.from_port)} - " \
                f"{G.nodes[b].get('label', link.to_port)}"
        G.add_edge(a, b, highway="ferry", name=label, ref=link.id,
                   length=haversine_m(x1, y1, x2, y2), mode=link.mode,
                   departures=tuple(link.departures), duration=float(link.duration_min),
                   fare_vnd=link.fare_vnd, operator=link.operator,
                   travel_time=float(link.duration_min) * 60,
                   geometry=LineString([(x1, y1), (x2, y2)]), oneway=True)
        added += 1
    return added


def split_edge(G: nx.MultiDiGraph, u, v, key, t: float) -> int:
    """Split road edge (u, v, key) and its reverse at fraction ``t`` from ``u``; return the new node.

    The new node gets the next free integer id; lengths and travel times are shared pro rata.
    """
    data = G.edges[u, v, key]
    g = data["geometry"]
    point = g.interpolate(t, normalized=True)
    new = max((n for n in G if isinstance(n, int)), default=-1) + 1
    G.add_node(new, x=round(point.x, 6), y=round(point.y, 6))
    pairs = [(u, v, key, t)]
    if G.has_edge(v, u, key) and G.edges[v, u, key].get("reversed") != data.get("reversed"):
        pairs.append((v, u, key, 1 - t))
    for a, b, k, frac in pairs:
        d = dict(G.edges[a, b, k])
        G.remove_edge(a, b, k)
        for x, y, lo, hi in ((a, new, 0.0, frac), (new, b, frac, 1.0)):
            part = shapely.ops.substring(d["geometry"], lo, hi, normalized=True)
            G.add_edge(x, y, **{**d, "length": d["length"] * (hi - lo),
                                "travel_time": d["travel_time"] * (hi - lo), "geometry": part})
    _INDEX.pop(G, None)
    return new


def _add_coach_speeds(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    import osmnx as ox
    G = ox.routing.add_edge_speeds(G, hwy_speeds=OSM_COACH_SPEEDS, fallback=20)
    G = ox.routing.add_edge_travel_times(G)
    for u, v, _k, data in G.edges(keys=True, data=True):
        data["mode"] = "road"
        if "geometry" not in data:
            data["geometry"] = LineString([(G.nodes[u]["x"], G.nodes[u]["y"]),
                                           (G.nodes[v]["x"], G.nodes[v]["y"])])
        for key in ("name", "ref", "highway"):
            value = data.get(key, "")
            data[key] = "; ".join(map(str, value)) if isinstance(value, list) else str(value or "")
    return G


def network_from_xml(path: str | Path, *, simplify: bool = True) -> nx.MultiDiGraph:
    """Return the drivable street network of a local OSM XML extract (``.osm``) via OSMnx.

    Same structure as :func:`load_network` (``speed_kph`` from :data:`OSM_COACH_SPEEDS`
    where OSM has no ``maxspeed``, ``travel_time``, ``mode="road"``, ``geometry``).

    Raises
    ------
    DataError
        If the file cannot be read or holds no drivable ways.
    """
    import osmnx as ox
    path = Path(path)
    if not path.is_file():
        raise DataError(f"OSM extract {path} does not exist")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # osmnx warns about its own XML defaults
        try:
            G = ox.graph_from_xml(path, simplify=simplify, retain_all=False)
        except Exception as exc:  # osmnx raises plain exceptions on empty/bad files
            raise DataError(f"cannot build a street network from {path}: {exc}") from exc
    drivable = {"motorway", "trunk", "primary", "secondary", "tertiary", "unclassified",
                "residential", "living_street", "service", "road"}
    drivable |= {x + "_link" for x in drivable}
    drop = [(u, v, k) for u, v, k, h in G.edges(keys=True, data="highway")
            if not ({h} if isinstance(h, str) else set(h or ())) & drivable]
    G.remove_edges_from(drop)
    G.remove_nodes_from([n for n in list(G) if G.degree(n) == 0])
    if G.number_of_edges() == 0:
        raise DataError(f"OSM extract {path} holds no drivable ways")
    # one-way streets cut at the extract's edge leave dead ends: keep the part where every
    # node can reach every other, so no place snaps to a street it cannot leave
    G = ox.truncate.largest_component(G, strongly=True)
    return _add_coach_speeds(G)


def network_from_place(query: str, *, network_type: str = "drive") -> nx.MultiDiGraph:
    """Return the street network of a place name from OpenStreetMap (needs the internet).

    Same structure as :func:`load_network`. Raises DataError with a hint when OSM cannot be
    reached or the place is unknown.
    """
    import osmnx as ox
    try:
        G = ox.graph_from_place(query, network_type=network_type)
    except Exception as exc:
        raise DataError(f"cannot download the street network of {query!r} from OpenStreetMap "
                        f"({exc}); check the internet connection or use network_from_xml") from exc
    return _add_coach_speeds(G)


# --- snapping -------------------------------------------------------------------------

@dataclass(frozen=True)
class Snap:
    """Where a place joins the network.

    ``u``, ``v``, ``key``: the road edge; ``t``: fraction of its length from ``u``;
    ``point``: the (lon, lat) joining point; ``distance_m``: straight-line distance from the
    place; ``access_m`` / ``access_s``: the access leg (distance times :data:`ACCESS_DETOUR`,
    at :data:`ACCESS_SPEED_KPH`); ``local_m``: length of the modelled local road from the
    joining point to the main network (0 on a main road).
    """

    lon: float
    lat: float
    u: object
    v: object
    key: int
    t: float
    point: tuple[float, float]
    distance_m: float
    local_m: float = 0.0

    @property
    def access_m(self) -> float:
        return self.distance_m * ACCESS_DETOUR

    @property
    def access_s(self) -> float:
        return self.access_m / (ACCESS_SPEED_KPH / 3.6)


class _EdgeIndex:
    """Road edges for snapping: all of them, and (``main``) the main ones, not modelled local roads."""

    def __init__(self, edges: list, geoms: list, *, local: list[bool] | None = None):
        if not geoms:
            raise DataError("the network has no road edges to snap to")
        self.edges, self.geoms = edges, geoms
        self.tree = shapely.STRtree(geoms)
        self.main = None
        if local and any(local) and not all(local):
            keep = [i for i, is_local in enumerate(local) if not is_local]
            self.main = _EdgeIndex([edges[i] for i in keep], [geoms[i] for i in keep])

    @classmethod
    def of(cls, G: nx.MultiDiGraph) -> _EdgeIndex:
        edges, geoms, local = [], [], []
        for u, v, k, d in G.edges(keys=True, data=True):
            if d.get("mode", "road") != "road" or d.get("reversed"):
                continue
            g = d.get("geometry") or LineString([(G.nodes[u]["x"], G.nodes[u]["y"]),
                                                 (G.nodes[v]["x"], G.nodes[v]["y"])])
            edges.append((u, v, k))
            geoms.append(g)
            local.append(d.get("highway") == LOCAL_HIGHWAY)
        return cls(edges, geoms, local=local)


_INDEX: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _index(G: nx.MultiDiGraph) -> _EdgeIndex:
    idx = _INDEX.get(G)
    if idx is None or len(idx.edges) == 0:
        idx = _INDEX[G] = _EdgeIndex.of(G)
    return idx


def snap(lon: float, lat: float, G: nx.MultiDiGraph, *, warn: bool = True) -> Snap:
    """Return where the point (lon, lat) joins the road network ``G`` (nearest road edge).

    A modelled local road is taken only when it is more than :data:`LOCAL_PREFER_M` closer
    than the nearest main road (a place near a main road does not ride another place's local
    road). Warns (``UserWarning``, and a log message) when the place is more than
    :data:`FAR_SNAP_M` from any road: its times then rest on a long access leg.
    """
    s = snap_many([lon], [lat], G)[0]
    if warn and s.distance_m > FAR_SNAP_M:
        msg = (f"place at ({lon:.5f}, {lat:.5f}) is {s.distance_m / 1000:.1f} km from the nearest road "
               "of the network; its travel times rest on a long access leg")
        warnings.warn(msg, UserWarning, stacklevel=2)
    return s


def snap_many(lons, lats, G: nx.MultiDiGraph) -> list[Snap]:
    """Return :func:`snap` of every point (``lons[k]``, ``lats[k]``), searched all at once (no warning)."""
    lons, lats = np.asarray(lons, dtype=float).ravel(), np.asarray(lats, dtype=float).ravel()
    for lon, lat in zip(lons, lats, strict=True):
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            raise TourlinkError(f"({lon}, {lat}) is not a lon/lat point")
    if not lons.size:
        return []
    idx = _index(G)
    best = _nearest(lons, lats, idx)
    main = _nearest(lons, lats, idx.main) if idx.main is not None else best
    out = []
    for k, (lon, lat) in enumerate(zip(lons, lats, strict=True)):
        # a modelled local road only where it brings the place much closer
        use_main = idx.main is not None and main[k][0] <= best[k][0] + LOCAL_PREFER_M
        which, near = (idx.main, main[k]) if use_main else (idx, best[k])
        out.append(_snap_result(G, float(lon), float(lat), which, near))
    return out


def _nearest(lons: np.ndarray, lats: np.ndarray, idx: _EdgeIndex) -> list[tuple]:
    """For each point, (metres, edge, distance along it in degrees, (lon, lat) of the nearest point).

    The candidates are the edges whose bounding box meets the box around the point of half-side
    1.5 times the (planar) distance to the nearest edge; the nearest of them by great-circle
    distance wins, the first in edge order on a tie.
    """
    pts = shapely.points(lons, lats)
    first = np.asarray(idx.tree.nearest(pts), dtype=np.int64)
    radius = shapely.distance(np.asarray(idx.geoms, dtype=object)[first], pts) * 1.5 + 1e-6
    boxes = shapely.box(lons - radius, lats - radius, lons + radius, lats + radius)
    which, cand = idx.tree.query(boxes)
    order = np.lexsort((cand, which))
    which, cand = which[order], cand[order]
    geoms = np.asarray(idx.geoms, dtype=object)[cand]
    along = shapely.line_locate_point(geoms, pts[which])
    q = shapely.get_coordinates(shapely.line_interpolate_point(geoms, along))
    d = _haversine(lons[which], lats[which], q[:, 0], q[:, 1])
    best: list = [None] * len(lons)
    for k, (w, i) in enumerate(zip(which.tolist(), cand.tolist(), strict=True)):
        if best[w] is None or d[k] < best[w][0] - 1e-9:
            best[w] = (float(d[k]), i, float(along[k]), (float(q[k, 0]), float(q[k, 1])))
    return best


def _haversine(lon1, lat1, lon2, lat2) -> np.ndarray:
    """:func:`haversine_m` over arrays."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * _R * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def _snap_result(G: nx.MultiDiGraph, lon: float, lat: float, idx: _EdgeIndex, best: tuple) -> Snap:
    d, i, along, q = best
    u, v, k = idx.edges[i]
    t = along / idx.geoms[i].length if idx.geoms[i].length > 0 else 0.0
    return Snap(lon=float(lon), lat=float(lat), u=u, v=v, key=k, t=float(t),
                point=(round(q[0], 6), round(q[1], 6)), distance_m=float(d),
                local_m=_local_m(G, u, v, k, float(t)))


def _local_m(G: nx.MultiDiGraph, u, v, key, t: float) -> float:
    """Metres of modelled local road from fraction ``t`` of edge (u, v, key) to the main network.

    A local road of the bundled network is one edge from its place to a main road: the way out
    is towards the end that a main road touches (towards the nearer end if both or none do).
    """
    e = G.edges[u, v, key]
    if e.get("highway") != LOCAL_HIGHWAY:
        return 0.0

    def on_main(n) -> bool:
        return any(d.get("highway") != LOCAL_HIGHWAY and d.get("mode", "road") == "road"
                   for _, _, d in G.edges(n, data=True))

    to_u, to_v = t * e["length"], (1 - t) * e["length"]
    if on_main(u) != on_main(v):
        return float(to_u if on_main(u) else to_v)
    return float(min(to_u, to_v))


def edge_part(G: nx.MultiDiGraph, u, v, key, t0: float, t1: float) -> list[tuple[float, float]]:
    """Return the coordinates of edge (u, v, key) between fractions ``t0`` and ``t1`` (from u)."""
    g = G.edges[u, v, key]["geometry"]
    if t0 <= t1:
        part = shapely.ops.substring(g, t0, t1, normalized=True)
        coords = list(part.coords) if part.geom_type == "LineString" else [part.coords[0]]
    else:
        coords = edge_part(G, u, v, key, t1, t0)[::-1]
    return [(float(x), float(y)) for x, y in coords]


__all__ = ["load_network", "read_network", "network_from_xml", "network_from_place", "snap", "snap_many",
           "Snap", "add_sea_links", "split_edge", "edge_part", "haversine_m", "ACCESS_SPEED_KPH",
           "ACCESS_DETOUR", "FAR_SNAP_M", "MAX_ACCESS_M", "PORT_ACCESS_MINUTES", "LOCAL_HIGHWAY"]
