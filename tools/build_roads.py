"""Build the bundled coach road network ``data/roads_nodes.csv`` + ``data/roads_edges.csv.gz``.

Input: the national road layer ``ctu-legocity-opendata/giaothong.geojson`` (CC BY-SA 4.0,
Open Development Mekong schema) plus the curated links of ``tools/curated/road_links.yaml``
(expressways and national roads the layer lacks, each with its source).

Steps (see ``data/README.md (road network)`` for the reasons behind every number):

1. keep roads only (``loai_duong != "Đường sắt"``), explode MultiLineStrings, round to 6 dp;
2. join dangling ends: an end that touches no other line is extended to the nearest point of
   another line within :data:`JOIN_TOLERANCE_M`;
3. node the layer (``shapely.union_all``) so crossing roads meet, split into edges;
4. keep the connected parts with at least :data:`MIN_COMPONENT_KM` of road, and smaller ones
   that host a destination of ``out/destinations.csv`` (written by build_catalog first);
5. add the curated links; each end snaps to the network within its ``snap_m`` (default
   :data:`SNAP_M`) by splitting the nearest edge, else it starts a node of its own;
6. join smaller parts within :data:`BRIDGE_M` of the main network by a connector edge;
7. assign coach speeds by road class and region (:func:`coach_speed`), capped stretch by
   stretch in towns by the density of urban wards around them (:data:`URBAN_CAPS`).

Output is deterministic: nodes sorted by (x, y) and numbered, edges sorted by (u, v, key),
coordinates with 6 decimals, gzip with ``mtime=0``.

Run: ``python tools/build_roads.py RAW_DIR --out data``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import math
import sys
from pathlib import Path

import numpy as np
import shapely
import shapely.geometry
import yaml
from shapely.geometry import LineString, Point

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tourlink.atomic import write_bytes  # noqa: E402

SOURCE_FILE = Path("ctu-legocity-opendata") / "giaothong.geojson"
CURATED_FILE = Path(__file__).resolve().parent / "curated" / "road_links.yaml"

#: a dangling end this close to another line is joined to it (digitising gaps at junctions)
JOIN_TOLERANCE_M = 2500.0
#: connected parts with less road than this are dropped (stray fragments)
MIN_COMPONENT_KM = 25.0
#: a smaller connected part this close to the main network is joined to it by a connector
#: (gaps in the source layer); farther parts are islands (Phú Quốc) and stay apart
BRIDGE_M = 10_000.0
#: default distance within which a curated link end is joined to the network
SNAP_M = 3000.0
#: metres per degree of latitude (spherical Earth, R = 6371 km)
M_PER_DEG = 111_195.0

NODE_FIELDS = ["id", "x", "y"]
EDGE_FIELDS = ["u", "v", "key", "highway", "ref", "name", "region", "speed_kph", "length",
               "source", "geometry"]

#: coach speeds in km/h by (road class, region); reasons in data/README.md (road network)
SPEEDS = {
    "motorway": {"delta": 75.0, "north_mountain": 70.0, "north_plain": 75.0, "other": 75.0},
    "trunk": {"delta": 42.0, "north_mountain": 36.0, "north_plain": 48.0, "other": 50.0},
    "primary": {"delta": 38.0, "north_mountain": 33.0, "north_plain": 42.0, "other": 45.0},
    "secondary": {"delta": 35.0, "north_mountain": 30.0, "north_plain": 38.0, "other": 40.0},
    "local": {"delta": 25.0, "north_mountain": 25.0, "north_plain": 25.0, "other": 25.0},
    "tertiary": {"delta": 30.0, "north_mountain": 25.0, "north_plain": 32.0, "other": 35.0},
}


WARDS_FILE = Path("vietnamadminunits-1.0.4") / "wards_legacy_points.csv"
#: urban speed caps (km/h) by the number of urban wards ("Phường") whose point lies within
#: URBAN_RADIUS_M of a stretch of road: (at least n wards, cap on ordinary roads, cap on
#: expressways), densest first. Reasons in data/README.md (road network).
URBAN_CAPS = [(12, 18.0, 45.0), (6, 22.0, 55.0), (3, 30.0, 65.0), (1, 40.0, None)]
URBAN_RADIUS_M = 1500.0
#: stretches of this length (m) get their own cap when an edge's time is summed along it
URBAN_STEP_M = 250.0


def read_urban_wards(raw: Path) -> list[tuple[float, float]]:
    """Return (lon, lat) of the urban wards ("Phường") of the legacy gazetteer, sorted."""
    path = Path(raw) / WARDS_FILE
    with path.open(encoding="utf-8", newline="") as fh:
        return sorted((float(r["lon"]), float(r["lat"])) for r in csv.DictReader(fh)
                      if r["ward"].startswith("Phường") and r["lat"] and r["lon"])


class UrbanModel:
    """Urban speed caps from the density of urban wards around a point (see URBAN_CAPS)."""

    def __init__(self, wards: list[tuple[float, float]]):
        from scipy.spatial import cKDTree
        self._xy = np.array([_local_xy(x, y) for x, y in wards]).reshape(-1, 2)
        self._tree = cKDTree(self._xy) if len(self._xy) else None

    def caps(self, pts: np.ndarray, highway: str) -> np.ndarray:
        """Return the cap (km/h, inf where none) at each (lon, lat) row of ``pts``."""
        out = np.full(len(pts), np.inf)
        if self._tree is None or not len(pts):
            return out
        xy = np.array([_local_xy(x, y) for x, y in pts])
        counts = np.array([len(c) for c in self._tree.query_ball_point(xy, URBAN_RADIUS_M)])
        for n, road, motorway in reversed(URBAN_CAPS):
            cap = motorway if highway == "motorway" else road
            if cap is not None:
                out = np.where(counts >= n, cap, out)
        return out


def _local_xy(lon: float, lat: float) -> tuple[float, float]:
    """Metres on a plane tangent at 16 N (good to ~1 % for neighbour counts within Vietnam)."""
    return lon * M_PER_DEG * math.cos(math.radians(16.0)), lat * M_PER_DEG


def edge_minutes(coords: list, speed: float, highway: str, urban: UrbanModel | None) -> float:
    """Return the coach minutes along ``coords`` at ``speed``, capped stretch by stretch in towns."""
    pts, lengths = [], []
    for a, b in zip(coords[:-1], coords[1:], strict=False):
        seg = haversine_m(*a, *b)
        k = max(1, math.ceil(seg / URBAN_STEP_M))
        for i in range(k):
            t = (i + 0.5) / k
            pts.append((a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])))
            lengths.append(seg / k)
    lengths = np.array(lengths)
    v = np.full(len(lengths), float(speed))
    if urban is not None:
        v = np.minimum(v, urban.caps(np.array(pts), highway))
    return float(np.sum(lengths / (v / 3.6)) / 60)


#: a place farther than this (straight line, m) from the network gets a modelled local road
LOCAL_FROM_M = 2000.0
#: modelled local roads join ward points at most this far apart (m), in the same legacy district
LOCAL_HOP_M = 8000.0
#: ward points of the host's district within this distance (m) are the candidate stops of its chain
LOCAL_REACH_M = 25_000.0
#: modelled local road length = straight line x this factor (circuity of roads against the
#: straight line: Ballou, Rahardja & Sakai 2002, "Selected country circuity factors for road
#: travel distance estimation", Transportation Research Part A 36(9): 843-848, about 1.3 and more
#: outside North America and Western Europe; the same 1.3 as the access leg of tourlink.roads)
LOCAL_DETOUR = 1.3
#: coach speed on a modelled local road (km/h): district and commune roads, as the access leg
LOCAL_SPEED_KPH = 25.0
#: the legacy provinces (islands as their own polygons): local roads stay on land
LAND_FILE = Path("odm-provinces-63-via-taliacao") / "provinces_63_legacy.geojson"
#: the land is widened by this much (degrees, ~330 m) for coastal places digitised offshore
LAND_BUFFER_DEG = 0.003
#: name and ``highway`` of a modelled local road (tourlink.roads.LOCAL_HIGHWAY)
LOCAL_NAME = "đường địa phương (mô hình)"


def read_wards(raw: Path) -> list[tuple[float, float, str]]:
    """Return (lon, lat, district code) of every legacy ward point with coordinates, sorted."""
    with (Path(raw) / WARDS_FILE).open(encoding="utf-8", newline="") as fh:
        return sorted((float(r["lon"]), float(r["lat"]), r["district_code"])
                      for r in csv.DictReader(fh) if r["lat"] and r["lon"])


def read_land(raw: Path):
    """Return the land of Vietnam (union of the legacy provinces, islands included), prepared, or None.

    Buffered by :data:`LAND_BUFFER_DEG` so that places on the digitised coast count as on land.
    """
    path = Path(raw) / LAND_FILE
    if not path.exists():
        return None
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    land = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in features])
    land = land.buffer(LAND_BUFFER_DEG)
    shapely.prepare(land)
    return land


def _exits(lines: list, pts: list[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Return, for each (lon, lat) of ``pts``, the metres to the nearest of ``lines`` and that point."""
    if not pts:
        return np.zeros(0), np.zeros((0, 2))
    tree = shapely.STRtree(lines)
    geoms = shapely.points(np.asarray(pts, dtype=float))
    k = tree.query_nearest(geoms, all_matches=False)[1]
    near = np.asarray(lines, dtype=object)[k]
    q = shapely.get_coordinates(shapely.line_interpolate_point(near, shapely.line_locate_point(near, geoms)))
    metres = np.array([haversine_m(x, y, qx, qy) for (x, y), (qx, qy) in zip(pts, q, strict=True)])
    return metres, q


def local_links(net: _Net, hosts: list[tuple[float, float]], wards: list[tuple[float, float, str]],
                *, land=None) -> list[dict]:
    """Return a modelled local road for every host farther than LOCAL_FROM_M from the network.

    Each is the shortest chain host -> ward point -> ... -> ward point -> nearest point of the
    network (as it is before any local road is added: a local road never joins another one),
    over straight hops of at most LOCAL_HOP_M between the ward points of the host's legacy
    district (the district of a point is that of its nearest ward point, so a chain does not
    jump a district border such as a big river). With ``land`` (a polygon) every hop must lie
    on it: no local road crosses the sea to an islet. Hosts with no such chain get none.
    """
    from scipy.spatial import cKDTree
    hosts = sorted(set(hosts))
    if not hosts or not wards:
        return []
    lines = list(net.lines())
    host_m, host_q = _exits(lines, hosts)
    far = [k for k in range(len(hosts)) if host_m[k] > LOCAL_FROM_M]
    if not far:
        return []
    wxy = np.array([_local_xy(x, y) for x, y, _ in wards])
    tree = cKDTree(wxy)
    district = [w[2] for w in wards]
    ward_m, ward_q = _exits(lines, [w[:2] for w in wards])

    def on_land(a, b) -> bool:
        return land is None or bool(shapely.covers(land, LineString([a, b])))

    links = []
    for h in far:
        host = hosts[h]
        hxy = np.array(_local_xy(*host))
        own = district[int(tree.query(hxy)[1])]
        near = [int(i) for i in sorted(tree.query_ball_point(hxy, LOCAL_REACH_M)) if district[int(i)] == own]
        # nodes: 0 = the host, 1.. = the district's ward points; -1 = the network
        pts = [host] + [wards[i][:2] for i in near]
        xy = np.vstack([hxy] + [wxy[i] for i in near])
        exit_m = np.concatenate([[host_m[h]], ward_m[near]])
        exit_q = [tuple(host_q[h])] + [tuple(ward_q[i]) for i in near]
        banned: set = set()
        while True:
            chain = _shortest_chain(xy, exit_m, banned)
            if chain is None:
                break
            coords = [pts[k] for k in chain] + [exit_q[chain[-1]]]
            wet = [(a, b) for a, b in zip(chain, chain[1:] + [-1], strict=True)
                   if not on_land(pts[a], exit_q[a] if b == -1 else pts[b])]
            if not wet:
                links.append({"coords": [_r(c) for c in coords], "name": LOCAL_NAME, "ref": "",
                              "highway": "local", "speed_kph": LOCAL_SPEED_KPH, "detour": LOCAL_DETOUR,
                              "source": f"modelled local road: host and ward points of district {own}, "
                                        f"straight x {LOCAL_DETOUR} (circuity, Ballou et al. 2002)"})
                break
            banned |= set(wet)
    return links


def _shortest_chain(xy: np.ndarray, exit_m: np.ndarray, banned: set) -> list[int] | None:
    """Dijkstra from node 0 over hops <= LOCAL_HOP_M to the network (-1); the node chain or None."""
    import heapq
    best, prev, heap, done = {0: 0.0}, {}, [(0.0, 0)], set()
    while heap:
        c, k = heapq.heappop(heap)
        if k in done:
            continue
        done.add(k)
        if k == -1:
            break
        if exit_m[k] <= LOCAL_HOP_M and (k, -1) not in banned and c + exit_m[k] < best.get(-1, math.inf):
            best[-1], prev[-1] = c + exit_m[k], k
            heapq.heappush(heap, (best[-1], -1))
        hop = np.hypot(*(xy - xy[k]).T)
        for j in np.nonzero((hop <= LOCAL_HOP_M) & (hop > 0))[0]:
            j = int(j)
            if j in done or (k, j) in banned:
                continue
            if c + float(hop[j]) < best.get(j, math.inf):
                best[j], prev[j] = c + float(hop[j]), k
                heapq.heappush(heap, (best[j], j))
    if -1 not in prev:
        return None
    chain, k = [], prev[-1]
    while True:
        chain.append(k)
        if k == 0:
            return chain[::-1]
        k = prev[k]


def region_of(lon: float, lat: float) -> str:
    """Return the speed region of a point: delta, north_mountain, north_plain or other.

    ``delta``: south of 11.0 N and west of 107.0 E (Mekong Delta and Hồ Chí Minh City);
    ``north_mountain``: north of 21.45 N, or north of 20.45 N and west of 105.5 E (the
    north-east and north-west uplands: Lạng Sơn, Thái Nguyên hills, Hòa Bình, Sơn La);
    ``north_plain``: the rest north of 19.5 N (Red River Delta, Thanh Hóa/Nghệ An plain);
    ``other``: central coast and highlands.
    """
    if lat < 11.0 and lon < 107.0:
        return "delta"
    if lat > 21.45 or (lat > 20.45 and lon < 105.5):
        return "north_mountain"
    if lat > 18.5:
        return "north_plain"
    return "other"


def coach_speed(highway: str, region: str) -> float:
    """Return the mean coach speed in km/h for a road class in a region."""
    return SPEEDS.get(highway, SPEEDS["tertiary"])[region]


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Return the great-circle distance in metres between two points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000.0 * math.asin(min(1.0, math.sqrt(a)))


def line_length_m(coords) -> float:
    """Return the length in metres of a lon/lat polyline."""
    return sum(haversine_m(*a, *b) for a, b in zip(coords[:-1], coords[1:], strict=False))


def _r(c) -> tuple[float, float]:
    return (round(float(c[0]), 6), round(float(c[1]), 6))


def _ref_and_class(props: dict) -> tuple[str, str, str]:
    """Return (name, ref, highway) of a giaothong feature."""
    name = (props.get("ten") or "").strip()
    if name in ("", "Không biết"):
        name = ""
    ref = ""
    if name.startswith("Quốc lộ "):
        ref = "QL" + name.removeprefix("Quốc lộ ").strip()
        if ref == "QL1":  # the layer mixes "Quốc lộ 1" and "Quốc lộ 1A" for the same road
            ref, name = "QL1A", "Quốc lộ 1A"
    elif name.startswith("Tỉnh lộ "):
        ref = "ĐT" + name.removeprefix("Tỉnh lộ ").strip()
    elif name in ("Đường Hồ Chí Minh", "Hà Nội - Hồ Chí Minh"):
        ref = "HCM"
    level = props.get("cap_duong") or ""
    main = props.get("loai_duong") == "Đường chính"
    if level in ("Quốc Gia", "Asean"):
        highway = "trunk" if main else "primary"
    elif level == "Cấp Tỉnh":
        highway = "secondary"
    else:
        highway = "tertiary"
    return name, ref, highway


def read_layer(path: Path, *, renames: list[dict] = ()) -> list[dict]:
    """Return the road parts of the layer: dicts with coords, name, ref, highway.

    ``renames`` (from the curated file) correct the name/ref/class of features matched by
    ``gid`` and their name in the layer (``was``).
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    fix = {(g, r["was"]): r for r in renames for g in r["gids"]}
    parts = []
    for feat in data["features"]:
        props = feat["properties"]
        if props.get("loai_duong") == "Đường sắt":
            continue
        name, ref, highway = _ref_and_class(props)
        r = fix.get((props.get("gid"), props.get("ten")))
        if r is not None:
            name, ref, highway = r["name"], r.get("ref", ""), r.get("highway", highway)
        geom = feat["geometry"]
        lines = geom["coordinates"] if geom["type"] == "MultiLineString" else [geom["coordinates"]]
        for line in lines:
            coords = []
            for c in line:
                c = _r(c)
                if not coords or coords[-1] != c:
                    coords.append(c)
            if len(coords) >= 2:
                parts.append({"coords": coords, "name": name, "ref": ref, "highway": highway,
                              "source": f"giaothong gid {props.get('gid')}"})
    return parts


def join_dangling(parts: list[dict], tolerance_m: float) -> int:
    """Extend every dangling end to the nearest other line within ``tolerance_m``; return count."""
    count: dict[tuple, int] = {}
    for p in parts:
        for c in p["coords"]:
            count[c] = count.get(c, 0) + 1
    lines = [LineString(p["coords"]) for p in parts]
    tree = shapely.STRtree(lines)
    tol_deg = tolerance_m / M_PER_DEG
    joined = 0
    for i, p in enumerate(parts):
        for end in (0, -1):
            c = p["coords"][end]
            if count[c] > 1:
                continue
            pt = Point(c)
            best = None
            for j in tree.query(pt.buffer(tol_deg)):
                if j == i:
                    continue
                q = lines[j].interpolate(lines[j].project(pt))
                d = haversine_m(c[0], c[1], q.x, q.y)
                if d <= tolerance_m and (best is None or d < best[0]):
                    best = (d, _r((q.x, q.y)))
            if best is not None and best[1] != c:
                if end == 0:
                    p["coords"].insert(0, best[1])
                else:
                    p["coords"].append(best[1])
                joined += 1
    return joined


def node_parts(parts: list[dict]) -> list[dict]:
    """Split the parts where they meet or cross; return pieces carrying their part's attributes."""
    lines = [LineString(p["coords"]) for p in parts]
    merged = shapely.union_all(shapely.set_precision(lines, 1e-6))
    pieces = list(getattr(merged, "geoms", [merged]))
    tree = shapely.STRtree(lines)
    out = []
    for piece in pieces:
        coords = []
        for c in piece.coords:
            c = _r(c)
            if not coords or coords[-1] != c:
                coords.append(c)
        if len(coords) < 2:
            continue
        mid = LineString(coords).interpolate(0.5, normalized=True)
        cand = tree.query(mid.buffer(1e-5))
        if len(cand) == 0:
            cand = [int(tree.nearest(mid))]
        # prefer the best road class among overlapping source lines
        rank = {"trunk": 0, "primary": 1, "secondary": 2, "tertiary": 3}
        j = min(cand, key=lambda k: (rank[parts[k]["highway"]], lines[k].distance(mid), k))
        src = parts[j]
        out.append({**{k: src[k] for k in ("name", "ref", "highway", "source")}, "coords": coords})
    return out


class _Net:
    """Tiny undirected edge store used while building (nodes by rounded coordinate)."""

    def __init__(self):
        self.edges: list[dict] = []
        self._lines: list = []

    def add(self, piece: dict) -> None:
        if piece["coords"][0] == piece["coords"][-1] and len(piece["coords"]) <= 2:
            return
        self.edges.append(piece)

    def lines(self) -> list[LineString]:
        """Return the edge geometries (kept in step with ``edges``)."""
        if len(self._lines) != len(self.edges):
            self._lines = [LineString(e["coords"]) for e in self.edges]
        return self._lines

    def components(self) -> list[tuple[set, float]]:
        parent: dict = {}

        def find(a):
            while parent.setdefault(a, a) != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        for e in self.edges:
            ra, rb = find(e["coords"][0]), find(e["coords"][-1])
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        comps: dict = {}
        for e in self.edges:
            r = find(e["coords"][0])
            nodes, km = comps.get(r, (set(), 0.0))
            nodes.update((e["coords"][0], e["coords"][-1]))
            comps[r] = (nodes, km + line_length_m(e["coords"]) / 1000)
        return sorted(comps.values(), key=lambda t: (-t[1], min(t[0])))

    def attach_dangling(self, tolerance_m: float) -> int:
        """Join every end of degree 1 to the nearest other edge within ``tolerance_m``; return count."""
        degree: dict = {}
        for e in self.edges:
            for c in (e["coords"][0], e["coords"][-1]):
                degree[c] = degree.get(c, 0) + 1
        joined = 0
        for c in sorted(c for c, d in degree.items() if d == 1):
            own = next(e for e in self.edges if c in (e["coords"][0], e["coords"][-1]))
            q = self.snap(c, tolerance_m, exclude=c)
            if q != c:
                self.edges.append({**own, "coords": [c, q], "source": own["source"] + " (joined)"})
                joined += 1
        return joined

    def bridge_components(self, max_m: float) -> list[tuple[tuple, tuple, float]]:
        """Join each smaller connected part to the largest one when they are at most ``max_m`` apart.

        Adds one connector edge per part (from its node nearest to the main part); returns
        (from, to, metres) of each connector. Parts farther away (islands) stay apart.
        """
        comps = self.components()
        main = set(comps[0][0])
        out = []
        for nodes, _ in comps[1:]:
            lines = self.lines()
            main_lines = [g for e, g in zip(self.edges, lines, strict=True) if e["coords"][0] in main]
            best = min((float(shapely.distance(main_lines, Point(c)).min()), c) for c in sorted(nodes))
            if best[0] * M_PER_DEG * 0.9 > max_m:
                continue
            c = best[1]
            q = self.snap(c, max_m, only=main)
            if q == c:
                continue
            metres = haversine_m(*c, *q)
            self.add({"coords": [c, q], "name": "", "ref": "", "highway": "tertiary",
                      "source": f"bridged gap of {metres:.0f} m"})
            main |= set(nodes) | {q}
            out.append((c, q, metres))
        return out

    def snap(self, c: tuple, snap_m: float, *, exclude: tuple | None = None,
             only: set | None = None) -> tuple:
        """Return the network point for ``c``: an existing end or a split of the nearest edge.

        Edges with an end at ``exclude`` are not considered; with ``only``, just edges that
        start at one of those points.
        """
        pt = Point(c)
        best = None
        lines = self.lines()
        near = shapely.distance(lines, pt) * M_PER_DEG * 0.9 <= snap_m
        for i in [int(k) for k in near.nonzero()[0]]:
            e, line = self.edges[i], lines[i]
            if exclude is not None and exclude in (e["coords"][0], e["coords"][-1]):
                continue
            if only is not None and e["coords"][0] not in only:
                continue
            q = line.interpolate(line.project(pt))
            d = haversine_m(c[0], c[1], q.x, q.y)
            if d <= snap_m and (best is None or d < best[0]):
                best = (d, i, line.project(pt))
        if best is None:
            return c
        _, i, along = best
        e = self.edges[i]
        line = LineString(e["coords"])
        a, b = e["coords"][0], e["coords"][-1]
        q = _r(line.interpolate(along).coords[0])
        for end in (a, b):
            if haversine_m(*end, *q) < 100:
                return end
        # split edge i at q
        first, second = _split(line, along)
        self.edges[i] = {**e, "coords": [_r(c) for c in first[:-1]] + [q]}
        self.edges.append({**e, "coords": [q] + [_r(c) for c in second[1:]]})
        self._lines = []
        return q


def _split(line: LineString, along: float) -> tuple[list, list]:
    """Split ``line`` at distance ``along`` (degrees) into two coordinate lists sharing the cut."""
    coords = [tuple(c) for c in line.coords]
    acc = 0.0
    for k in range(len(coords) - 1):
        seg = math.dist(coords[k], coords[k + 1])
        if acc + seg >= along:
            t = (along - acc) / seg if seg else 0.0
            cut = (coords[k][0] + t * (coords[k + 1][0] - coords[k][0]),
                   coords[k][1] + t * (coords[k + 1][1] - coords[k][1]))
            return coords[: k + 1] + [cut], [cut] + coords[k + 1:]
        acc += seg
    return coords, coords[-1:] * 2


def load_curated(path: Path = CURATED_FILE) -> dict:
    """Return ``{"renames": [...], "links": [...]}`` from the curated file, validated.

    Every link needs id, name, highway, waypoints (lon, lat in Vietnam) and source; every
    rename gids, was, name and reason. Raises ValueError listing all problems.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    links, renames = data.get("links") or [], data.get("renames") or []
    problems = []
    for k, r in enumerate(renames):
        for field in ("gids", "was", "name", "reason"):
            if not r.get(field):
                problems.append(f"{path.name}: rename {k}: missing {field}")
    for k, link in enumerate(links):
        for field in ("id", "name", "highway", "waypoints", "source"):
            if not link.get(field):
                problems.append(f"{path.name}: link {k} ({link.get('id')}): missing {field}")
        if link.get("highway") and link["highway"] not in SPEEDS:
            problems.append(f"{path.name}: link {link.get('id')}: unknown highway {link['highway']!r}")
        for w in link.get("waypoints") or []:
            if not (len(w) == 2 and 102 <= w[0] <= 110 and 8 <= w[1] <= 24):
                problems.append(f"{path.name}: link {link.get('id')}: waypoint {w} is not lon,lat in Vietnam")
    ids = [link.get("id") for link in links]
    problems += [f"{path.name}: link id {i!r} repeats" for i in sorted({i for i in ids if ids.count(i) > 1})]
    if problems:
        raise ValueError("; ".join(problems))
    return {"renames": renames, "links": links}


def _hosts_any(net: _Net, nodes: set, pts: list[Point]) -> bool:
    lines = [g for e, g in zip(net.edges, net.lines(), strict=True) if e["coords"][0] in nodes]
    return bool(lines) and float(shapely.distance(shapely.MultiLineString(lines), pts).min()) \
        * M_PER_DEG * 0.9 <= SNAP_M


def _destination_points(out: Path) -> list[tuple[float, float]]:
    """(lon, lat) of the destinations, lodging hubs and ports the catalogue step has written to ``out``."""
    points = []
    for name in ("destinations.csv", "lodging.csv", "ports.csv"):
        path = out / name
        if path.exists():
            with path.open(encoding="utf-8", newline="") as fh:
                points += [(float(r["lon"]), float(r["lat"])) for r in csv.DictReader(fh)]
    return points


def build_graph_tables(raw: Path, *, curated: Path = CURATED_FILE,
                       hosts: list[tuple[float, float]] = ()) -> tuple[list[dict], list[dict]]:
    """Return (nodes, edges) rows of the network built from ``raw`` and the curated links.

    ``hosts`` are (lon, lat) of destinations: a fragment shorter than MIN_COMPONENT_KM is
    kept when one of them lies within SNAP_M of it (an island's only roads).
    """
    cur = load_curated(curated)
    parts = read_layer(raw / SOURCE_FILE, renames=cur["renames"])
    join_dangling(parts, JOIN_TOLERANCE_M)
    net = _Net()
    for piece in node_parts(parts):
        net.add(piece)
    net.attach_dangling(JOIN_TOLERANCE_M)
    keep = set()
    host_pts = [Point(h) for h in hosts]
    for nodes, km in net.components():
        if km >= MIN_COMPONENT_KM or (host_pts and _hosts_any(net, nodes, host_pts)):
            keep |= nodes
    net.edges = [e for e in net.edges if e["coords"][0] in keep]
    net._lines = []
    for link in cur["links"]:
        coords = [_r(w) for w in link["waypoints"]]
        snap_m = float(link.get("snap_m", SNAP_M))
        start = net.snap(coords[0], snap_m)
        end = net.snap(coords[-1], snap_m)
        coords = [start] + coords[1:-1] + [end] if len(coords) > 2 else [start, end]
        if start != _r(link["waypoints"][0]):
            coords.insert(1, _r(link["waypoints"][0]))
        if end != _r(link["waypoints"][-1]):
            coords.insert(len(coords) - 1, _r(link["waypoints"][-1]))
        dedup = [c for k, c in enumerate(coords) if k == 0 or c != coords[k - 1]]
        net.add({"coords": dedup, "name": link["name"], "ref": link.get("ref", ""),
                 "highway": link["highway"], "source": f"curated {link['id']}",
                 "speed_kph": link.get("speed_kph")})
    net.bridge_components(BRIDGE_M)
    wards = raw / WARDS_FILE
    if wards.exists():
        land = read_land(raw)
        links = local_links(net, list(hosts), read_wards(raw), land=land)
        for link in links:  # join every local road to the main network first, then add them
            link["coords"][-1] = net.snap(link["coords"][-1], SNAP_M)
        for link in links:
            net.add(link)
    return _tables(net, UrbanModel(read_urban_wards(raw)) if wards.exists() else None)


def _tables(net: _Net, urban: UrbanModel | None = None) -> tuple[list[dict], list[dict]]:
    # contract edges shorter than 1 m (rounding-level gaps): their far end becomes their near end
    alias: dict = {}

    def find(c):
        while c in alias:
            c = alias[c]
        return c

    for e in net.edges:
        if line_length_m(e["coords"]) < 1.0:
            a, b = find(e["coords"][0]), find(e["coords"][-1])
            if a != b:
                alias[max(a, b)] = min(a, b)
    edges = []
    for e in net.edges:
        if line_length_m(e["coords"]) < 1.0:
            continue
        coords = [find(e["coords"][0])] + e["coords"][1:-1] + [find(e["coords"][-1])]
        edges.append({**e, "coords": coords})
    net.edges = edges
    pts = sorted({e["coords"][0] for e in net.edges} | {e["coords"][-1] for e in net.edges})
    ids = {c: k for k, c in enumerate(pts)}
    nodes = [{"id": k, "x": f"{c[0]:.6f}", "y": f"{c[1]:.6f}"} for c, k in ids.items()]
    rows = []
    for e in net.edges:
        coords = e["coords"]
        u, v = ids[coords[0]], ids[coords[-1]]
        if u > v or (u == v and coords > coords[::-1]):
            u, v, coords = v, u, coords[::-1]
        length = line_length_m(coords) * float(e.get("detour") or 1.0)
        if length < 1.0:
            continue
        mid = coords[len(coords) // 2]
        region = region_of(*mid)
        speed = e.get("speed_kph") or coach_speed(e["highway"], region)
        minutes = edge_minutes(coords, speed, e["highway"], urban) * float(e.get("detour") or 1.0)
        speed = length / 1000 / (minutes / 60)
        rows.append({"u": u, "v": v, "highway": e["highway"], "ref": e["ref"], "name": e["name"],
                     "region": region, "speed_kph": f"{float(speed):.1f}", "length": f"{length:.1f}",
                     "source": e["source"],
                     "geometry": ";".join(f"{x:.6f} {y:.6f}" for x, y in coords)})
    rows.sort(key=lambda r: (r["u"], r["v"], r["geometry"]))
    seen: dict = {}
    for r in rows:
        r["key"] = seen.get((r["u"], r["v"]), 0)
        seen[(r["u"], r["v"])] = r["key"] + 1
    return nodes, rows


def _csv_bytes(rows: list[dict], fields: list[str]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def build(raw: Path, out: Path) -> list[Path]:
    """Build the road network from ``raw`` into ``out``; return the written files."""
    raw, out = Path(raw), Path(out)
    nodes, edges = build_graph_tables(raw, hosts=_destination_points(out))
    node_path = write_bytes(out / "roads_nodes.csv", _csv_bytes(nodes, NODE_FIELDS))
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(_csv_bytes(edges, EDGE_FIELDS))
    edge_path = write_bytes(out / "roads_edges.csv.gz", buf.getvalue())
    return [node_path, edge_path]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path, help="folder of the raw data (../shared/data/raw)")
    parser.add_argument("--out", type=Path, default=ROOT / "data", help="output folder")
    args = parser.parse_args(argv)
    for path in build(args.raw, args.out):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
