"""The destination graph of a partnership: places as nodes, travel legs as edges.

Nodes are the destinations, lodging hubs and ports of the partner areas (attributes from the
catalogue plus ``group`` = destination | lodging | port, ``area`` = legacy province and
``access_km``, the straight access leg to the nearest road, and ``local_km``, the modelled
local road from there to the main network; places far from any road are logged);
edges are road legs (``mode="road"``, ``minutes``, ``km``, ``boat_minutes``, ``roads``,
``path`` as [(lon, lat), ...]) and sea links between ports (``mode`` fast_boat / car_ferry,
``minutes`` = crossing time, ``departures``, ``fare_vnd``). Good for notebooks::

    G = destination_graph("kien-giang--hau-giang")
    neighbours(G, "rach-gia-lodging", k=5)
    legs_between(G, "Kiên Giang", "Hậu Giang")
    matrix_frame(G)
    draw(G)
    save_graph(G, "kg-hg.gpkg")
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from tourlink import matrix as _matrix
from tourlink.errors import NotFoundError, ValidationError

log = logging.getLogger(__name__)

GROUP_COLOURS = {"destination": "tab:green", "lodging": "tab:blue", "port": "tab:red"}


def _areas(partnership_or_regions) -> tuple[object, list]:
    """Return (argument for catalog.destinations_for, list of legacy Regions)."""
    from tourlink import partnerships, regions
    p = partnership_or_regions
    if isinstance(p, str):
        try:
            p = partnerships.get_partnership(p)
        except NotFoundError:
            p = [regions.resolve(p, scheme="legacy")]
    if hasattr(p, "regions"):
        return p, list(p.regions)
    out = []
    for r in p:
        r = regions.resolve(r, scheme="legacy") if isinstance(r, str) else r
        out += regions.legacy_parts(r) if r.scheme == "2025" else [r]
    return out, out


def _catalog_places(partnership_or_regions) -> pd.DataFrame:
    from tourlink import catalog
    arg, areas = _areas(partnership_or_regions)
    codes = {r.code for r in areas}
    frames = []
    dest = pd.DataFrame(catalog.destinations_for(arg)).drop(columns="geometry", errors="ignore")
    frames.append(dest.assign(group="destination"))
    for loader, group in ((catalog.load_lodging, "lodging"), (catalog.load_ports, "port")):
        df = pd.DataFrame(loader()).drop(columns="geometry", errors="ignore")
        if "province_legacy_code" in df:
            df = df[df["province_legacy_code"].astype(str).isin(codes)]
        frames.append(df.assign(group=group))
    return pd.concat(frames, ignore_index=True)


def _sea_links():
    try:
        from tourlink import catalog
        return catalog.load_sea_links()
    except Exception:  # catalogue without sea links: road legs only
        return []


def destination_graph(partnership_or_regions=None, *, places: pd.DataFrame | None = None,
                      network: nx.MultiDiGraph | None = None, sea_links=None,
                      neighbours: int | None = 12, max_minutes: float | None = None,
                      paths: bool = True) -> nx.Graph:
    """Return the destination graph of a partnership or a list of provinces.

    Parameters
    ----------
    partnership_or_regions
        Partnership, its id or name, a province name, or a list of Regions/names.
    places
        Use this frame (``id, lon, lat`` and any attributes; ``group`` defaults to
        destination) instead of the catalogue.
    network
        Road network for the legs (default the bundled one).
    sea_links
        SeaLink objects (default ``tourlink.catalog.load_sea_links()``) between ports in
        ``places`` (port node ids are the port ids).
    neighbours
        Road legs kept per place: to its ``neighbours`` fastest-reached places (the union over
        all places); ``None`` keeps every pair (n²/2 legs: slow for hundreds of places).
        The full matrix stays available as ``G.graph["matrix"]`` (see :func:`matrix_frame`).
    max_minutes
        Keep only road legs up to this many minutes.
    paths
        Store the path geometry of each leg (``path``); ``False`` stores only its end points.

    Raises
    ------
    ValidationError
        If no places are given or found.
    """
    if places is None:
        if partnership_or_regions is None:
            raise ValidationError("give a partnership, provinces or a places frame")
        places = _catalog_places(partnership_or_regions)
    places = pd.DataFrame(places).drop(columns="geometry", errors="ignore").reset_index(drop=True)
    if len(places) == 0:
        raise ValidationError("no destinations, lodging or ports found for the graph")
    if "group" not in places:
        places["group"] = "destination"
    if "area" not in places:
        places["area"] = places.get("province_legacy", pd.Series([""] * len(places)))
    places = places.drop_duplicates("id").reset_index(drop=True)
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        M = _matrix.travel_matrix(places, network=network)
    for w in caught:
        log.warning("%s", w.message)
    G = nx.Graph(crs="EPSG:4326", name=str(getattr(partnership_or_regions, "id", partnership_or_regions)))
    access = dict(zip(M.ids, M.access_km, strict=True))
    local = dict(zip(M.ids, M.local_km, strict=True))
    for row in places.to_dict("records"):
        G.add_node(str(row["id"]), **{k: _scalar(v) for k, v in row.items() if k != "id"},
                   access_km=round(float(access[str(row["id"])]), 2),
                   local_km=round(float(local[str(row["id"])]), 2))
    G.graph["matrix"] = M
    ids = M.ids
    n = len(ids)
    pairs = set()
    for i in range(n):
        order = np.argsort(M.minutes[i], kind="stable")
        finite = [j for j in order if j != i and np.isfinite(M.minutes[i, j])]
        for j in finite if neighbours is None else finite[:neighbours]:
            pairs.add((min(i, int(j)), max(i, int(j))))
    for i, j in sorted(pairs):
        minutes = float(M.minutes[i, j])
        if max_minutes is not None and minutes > max_minutes:
            continue
        leg = M.leg(ids[i], ids[j], geometry=paths)
        G.add_edge(ids[i], ids[j], mode="road", minutes=round(minutes, 1), km=round(float(M.km[i, j]), 2),
                   boat_minutes=leg.boat_minutes, roads=" / ".join(leg.roads), path=leg.geometry)
    for link in _sea_links() if sea_links is None else sea_links:
        a, b = str(link.from_port), str(link.to_port)
        if a in G and b in G and (not G.has_edge(a, b) or G.edges[a, b]["mode"] == "road"):
            pa, pb = G.nodes[a], G.nodes[b]
            G.add_edge(a, b, mode=link.mode, minutes=float(link.duration_min), km=0.0,
                       boat_minutes=float(link.duration_min), roads=link.operator or link.id,
                       departures=";".join(f"{m // 60:02d}:{m % 60:02d}" for m in link.departures),
                       fare_vnd=link.fare_vnd, path=[(pa["lon"], pa["lat"]), (pb["lon"], pb["lat"])])
    return G


def _scalar(v):
    if isinstance(v, (tuple, list)):
        return ";".join(map(str, v))
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return v.item() if hasattr(v, "item") else v


def neighbours(G: nx.Graph, node_id: str, k: int = 5, *, weight: str = "minutes") -> list[tuple[str, float]]:
    """Return the ``k`` places closest to ``node_id`` by ``weight`` as (id, value), nearest first."""
    if node_id not in G:
        import difflib
        raise NotFoundError("place", node_id, difflib.get_close_matches(node_id, list(G), n=3))
    near = sorted((d[weight], n) for n, d in G[node_id].items())
    return [(n, w) for w, n in near[:k]]


def _area_nodes(G: nx.Graph, area: str) -> set[str]:
    from tourlink.regions import normalise
    key = normalise(area)
    hits = {n for n, d in G.nodes(data=True)
            if key in (normalise(str(d.get("area", ""))), normalise(str(d.get("province_legacy", ""))),
                       normalise(str(d.get("province_2025", ""))))}
    if not hits:
        areas = sorted({str(d.get("area", "")) for _, d in G.nodes(data=True)})
        raise NotFoundError("area of the graph", area, areas[:6])
    return hits


def legs_between(G: nx.Graph, area_a: str, area_b: str) -> pd.DataFrame:
    """Return the legs between places of two areas (province names), fastest first."""
    a, b = _area_nodes(G, area_a), _area_nodes(G, area_b)
    rows = [{"from": u, "to": v, **{k: d[k] for k in ("mode", "minutes", "km", "roads")}}
            for u, v, d in G.edges(data=True) if (u in a and v in b) or (u in b and v in a)]
    for r in rows:
        if r["from"] not in a:
            r["from"], r["to"] = r["to"], r["from"]
    return pd.DataFrame(rows, columns=["from", "to", "mode", "minutes", "km", "roads"]) \
        .sort_values(["minutes", "from", "to"]).reset_index(drop=True)


def matrix_frame(G: nx.Graph, *, weight: str = "minutes") -> pd.DataFrame:
    """Return the square table of ``weight`` (minutes or km) among all nodes.

    Road values come from the full travel matrix (``G.graph["matrix"]``) when the graph has
    it, else from its edges (NaN where no leg); sea edges override with the crossing.
    """
    nodes = list(G)
    M = G.graph.get("matrix")
    if M is not None and weight in ("minutes", "km"):
        idx = [M.index(n) for n in nodes]
        values = getattr(M, weight)[np.ix_(idx, idx)]
        df = pd.DataFrame(np.where(np.isfinite(values), values, np.nan), index=nodes, columns=nodes)
    else:
        df = pd.DataFrame(float("nan"), index=nodes, columns=nodes)
    for u, v, d in G.edges(data=True):
        if M is None or d["mode"] != "road":
            df.loc[u, v] = df.loc[v, u] = d[weight]
    for n in nodes:
        df.loc[n, n] = 0.0
    return df


def graph_to_gdfs(G: nx.Graph):
    """Return (nodes, edges) GeoDataFrames in EPSG:4326 (edge geometry = the leg path)."""
    import geopandas as gpd
    from shapely.geometry import LineString, Point
    nodes = gpd.GeoDataFrame([{"id": n, **d} for n, d in G.nodes(data=True)],
                             geometry=[Point(d["lon"], d["lat"]) for _, d in G.nodes(data=True)],
                             crs="EPSG:4326")
    rows, geoms = [], []
    for u, v, d in G.edges(data=True):
        rows.append({"u": u, "v": v, **{k: val for k, val in d.items() if k != "path"}})
        path = d.get("path") or []
        geoms.append(LineString(path) if len(path) >= 2 else None)
    edges = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")
    return nodes, edges


def save_graph(G: nx.Graph, path: str | Path) -> Path:
    """Write ``G`` to ``.graphml`` (path as WKT) or ``.gpkg`` (layers nodes, edges); return the path."""
    from tourlink.atomic import atomic_write
    path = Path(path)
    if path.suffix == ".graphml":
        H = nx.Graph(**{k: v for k, v in G.graph.items() if isinstance(v, (str, int, float, bool))})
        for n, d in G.nodes(data=True):
            H.add_node(n, **{k: v for k, v in d.items() if isinstance(v, (str, int, float, bool))})
        for u, v, d in G.edges(data=True):
            attrs = {k: val for k, val in d.items() if isinstance(val, (str, int, float, bool))}
            attrs["path"] = "LINESTRING (" + ", ".join(f"{x:.6f} {y:.6f}" for x, y in d.get("path", [])) + ")"
            H.add_edge(u, v, **attrs)
        with atomic_write(path, "wb") as fh:
            nx.write_graphml(H, fh)
        return path
    if path.suffix == ".gpkg":
        import tempfile
        nodes, edges = graph_to_gdfs(G)
        with tempfile.TemporaryDirectory(dir=path.parent if path.parent.exists() else None) as tmp:
            tmp_path = Path(tmp) / path.name
            nodes.to_file(tmp_path, layer="nodes", driver="GPKG")
            edges.to_file(tmp_path, layer="edges", driver="GPKG")
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp_path.replace(path)
        return path
    raise ValidationError(f"cannot save a graph as {path.suffix!r}; use .graphml or .gpkg", source=str(path))


def draw(G: nx.Graph, ax=None, *, labels: bool = False):
    """Draw the graph on a matplotlib axis at lon/lat (nodes coloured by group); return the axis."""
    import matplotlib.pyplot as plt
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 8))
    pos = {n: (d["lon"], d["lat"]) for n, d in G.nodes(data=True)}
    road = [(u, v) for u, v, d in G.edges(data=True) if d["mode"] == "road"]
    sea = [(u, v) for u, v, d in G.edges(data=True) if d["mode"] != "road"]
    nx.draw_networkx_edges(G, pos, edgelist=road, ax=ax, alpha=0.15, width=0.5)
    nx.draw_networkx_edges(G, pos, edgelist=sea, ax=ax, style="dashed", edge_color="tab:blue")
    colours = [GROUP_COLOURS.get(d.get("group"), "gray") for _, d in G.nodes(data=True)]
    nx.draw_networkx_nodes(G, pos, ax=ax, node_size=20, node_color=colours)
    if labels:
        nx.draw_networkx_labels(G, pos, ax=ax, font_size=6)
    ax.set_aspect("equal")
    return ax


__all__ = ["destination_graph", "neighbours", "legs_between", "matrix_frame", "graph_to_gdfs",
           "save_graph", "draw"]
