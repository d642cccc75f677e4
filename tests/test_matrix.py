"""Tests of tourlink.matrix on a hand-checkable network and on the bundled one."""

from __future__ import annotations

import gzip
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from tourlink import matrix, roads
from tourlink.errors import NotFoundError, ValidationError


@pytest.fixture
def line(tmp_path) -> nx.MultiDiGraph:
    """A - B - C along the equator-ish line at lat 10: A-B 1095 m at 36 km/h (109.5 s),
    B-C 1095 m at 18 km/h (219 s); every distance and time can be checked by hand."""
    (tmp_path / "n.csv").write_text("id,x,y\n0,105.000000,10.000000\n1,105.010000,10.000000\n"
                                    "2,105.020000,10.000000\n", encoding="utf-8")
    rows = ("u,v,key,highway,ref,name,region,speed_kph,length,source,geometry\n"
            "0,1,0,trunk,QL1,,delta,36.0,1095.0,t,105.000000 10.000000;105.010000 10.000000\n"
            "1,2,0,secondary,ĐT9,,delta,18.0,1095.0,t,105.010000 10.000000;105.020000 10.000000\n")
    (tmp_path / "e.csv.gz").write_bytes(gzip.compress(rows.encode(), mtime=0))
    return roads.read_network(tmp_path / "n.csv", tmp_path / "e.csv.gz")


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    """Each test gets its own matrix cache folder."""
    monkeypatch.setattr("tourlink.paths.CACHE_DIR", tmp_path / "cache")
    return tmp_path / "cache"


def places(**pts) -> pd.DataFrame:
    return pd.DataFrame([(k, x, y) for k, (x, y) in pts.items()], columns=["id", "lon", "lat"])


def test_times_and_km_on_the_line(line):
    M = matrix.travel_matrix(places(a=(105.0, 10.0), b=(105.01, 10.0), c=(105.02, 10.0)), network=line)
    assert M.km[M.index("a"), M.index("c")] == pytest.approx(2.19, abs=1e-3)
    assert M.minutes[0, 2] == pytest.approx((109.5 + 219) / 60, abs=1e-3)
    assert M.minutes[2, 0] == pytest.approx(M.minutes[0, 2], abs=1e-6)
    assert np.all(np.diag(M.minutes) == 0)
    leg = M.leg("a", "c")
    assert leg.roads == ["QL1", "ĐT9"] and leg.boat_minutes == 0
    assert leg.geometry[0] == (105.0, 10.0) and leg.geometry[-1] == (105.02, 10.0)


def test_access_legs_are_added(line):
    M = matrix.travel_matrix(places(a=(105.005, 10.001), c=(105.02, 10.0)), network=line)
    s = roads.snap(105.005, 10.001, line)
    on_road = 0.5 * 109.5 + 219
    assert M.minutes[0, 1] == pytest.approx((on_road + s.access_s) / 60, abs=1e-3)
    assert M.km[0, 1] == pytest.approx((0.5 * 1095 + 1095 + s.access_m) / 1000, abs=1e-3)


def test_two_places_on_one_edge_go_along_it(line):
    M = matrix.travel_matrix(places(p=(105.002, 10.0), q=(105.008, 10.0)), network=line)
    assert M.km[0, 1] == pytest.approx(0.6 * 1095 / 1000, abs=1e-3)
    assert M.leg("p", "q").roads == ["QL1"]


def test_searches_do_not_grow_with_the_places(line, monkeypatch):
    """One search for all sources, never one per pair: 3 or 30 places, the same few searches."""
    calls = []
    real = matrix.dijkstra

    def counting(*args, **kwargs):
        calls.append(kwargs.get("indices"))
        return real(*args, **kwargs)

    monkeypatch.setattr(matrix, "dijkstra", counting)
    monkeypatch.setattr(matrix, "_CONTRACTIONS", {})
    few = places(a=(105.0, 10.0), b=(105.01, 10.0), c=(105.02, 10.0))
    many = places(**{f"p{k}": (105.0 + k * 0.0007, 10.0005) for k in range(30)})
    counts = []
    for P in (few, few, many):  # the first call also contracts the network (kept for the next ones)
        calls.clear()
        matrix.travel_matrix(P, network=line, cache=False)
        counts.append(len(calls))
    assert counts[1] == counts[2] <= 2 < counts[0]


def test_second_run_reads_the_cache(line, monkeypatch, cache_dir):
    P = places(a=(105.0, 10.0), c=(105.02, 10.0))
    first = matrix.travel_matrix(P, network=line)
    assert len(list((cache_dir / "matrix").glob("*.npz"))) == 1
    monkeypatch.setattr(matrix, "_compute", lambda *a, **k: pytest.fail("recomputed"))
    second = matrix.travel_matrix(P, network=line)
    assert np.array_equal(first.minutes, second.minutes)
    assert second.leg("a", "c").roads == ["QL1", "ĐT9"]


def test_boat_access_minutes_are_added_and_reported(line, monkeypatch):
    monkeypatch.setattr(matrix, "_port_coords", lambda ids: {"pier": (105.0, 10.0)})
    P = places(a=(105.02, 10.0), m=(105.03, 10.05))
    P["access_port"] = ["", "pier"]
    P["access_boat_minutes"] = [0, 30]
    M = matrix.travel_matrix(P, network=line)
    assert M.minutes[0, 1] == pytest.approx((109.5 + 219) / 60 + 30, abs=1e-3)
    assert M.leg("a", "m").boat_minutes == 30


def test_bad_places_report_every_problem(line):
    P = pd.DataFrame({"id": ["a", "a"], "lon": [105.0, float("nan")], "lat": [10.0, 10.0]})
    with pytest.raises(ValidationError) as exc:
        matrix.travel_matrix(P, network=line)
    assert len(exc.value.problems) == 2
    with pytest.raises(ValidationError, match="missing column 'lat'"):
        matrix.travel_matrix(pd.DataFrame({"id": ["a"], "lon": [1.0]}), network=line)


def test_unknown_mode_is_rejected(line):
    with pytest.raises(ValidationError, match="unknown mode"):
        matrix.travel_matrix(places(a=(105.0, 10.0)), network=line, modes=("road", "plane"))


def test_unknown_id_suggests(line):
    M = matrix.travel_matrix(places(alpha=(105.0, 10.0), beta=(105.02, 10.0)), network=line)
    with pytest.raises(NotFoundError, match="alpha"):
        M.index("alpa")


def test_bundled_network_leg_has_path_geometry():
    P = places(can_tho=(105.7835, 10.0341), rach_gia=(105.0809, 10.0125))
    M = matrix.travel_matrix(P)
    leg = M.leg("can_tho", "rach_gia")
    assert 95 < leg.km < 135 and len(leg.geometry) > 20
    assert "QL80" in leg.roads


def test_matrix_from_arrays_answers_legs_without_paths():
    M = matrix.TravelMatrix(["a", "b"], np.array([[0, 30.0], [31.0, 0]]), np.array([[0, 20.0], [21.0, 0]]))
    leg = M.leg("b", "a")
    assert (leg.km, leg.minutes, leg.geometry) == (21.0, 31.0, [])


def test_no_coach_time_over_more_than_2_km_of_straight_line(line, monkeypatch):
    """Issue #11 item 4: a place with no road within 2 km is unreachable by road (infinite row and
    column), unless it has a pier near a road: the coach drives there and the boat takes over."""
    monkeypatch.setattr(matrix, "_port_coords", lambda ids: {"pier": (105.02, 10.0)})
    P = places(a=(105.0, 10.0), near=(105.01, 10.017), far=(105.01, 10.019), islet=(105.03, 10.05))
    P["access_port"] = ["", "", "", "pier"]  # near: 1.89 km from the road, far: 2.11 km, islet: 6 km
    P["access_boat_minutes"] = [0, 0, 0, 20]
    with pytest.warns(UserWarning, match=r"1 place\(s\) have no road within 2 km: far \(2\.1 km\)"):
        M = matrix.travel_matrix(P, network=line)
    assert list(M.off_road) == [False, False, True, False]
    assert np.isfinite(M.minutes[0, 1]) and np.isinf(M.minutes[0, 2]) and np.isinf(M.km[2, 1])
    assert M.minutes[2, 2] == 0 and M.minutes[0, 3] == pytest.approx((109.5 + 219) / 60 + 20, abs=1e-3)
    access = [st["km"] for st in M.leg("a", "near").steps if st["mode"] == "access"]
    assert max(access) == pytest.approx(1.89 * roads.ACCESS_DETOUR, abs=0.01)


def test_matrix_runs_unchanged_on_an_osm_street_network():
    """The OSM upgrade path: the same matrix code on the committed street cut of District 1."""
    G = roads.network_from_xml(Path(__file__).parent / "data" / "hcmc_d1_cut.osm")
    P = places(a=(106.6905, 10.7825), b=(106.6945, 10.7865))
    M = matrix.travel_matrix(P, network=G)
    assert 0.3 < M.km[0, 1] < 2.0 and 1 < M.minutes[0, 1] < 20
    leg = M.leg("a", "b")
    assert leg.roads and len(leg.geometry) >= 3


def test_legs_to_places_off_the_skeleton_ride_a_local_road_not_a_long_straight_line():
    """Issue #11 item 4: no coach time over more than 2 km of straight line. Places of the
    catalogue 2-8 km from a main road reach it by their modelled local road, shown on the leg."""
    from tourlink import catalog
    G = roads.load_network(sea=False)
    idx = roads._index(G)
    d = catalog.load_destinations().sort_values("id")
    main_m = [b[0] for b in roads._nearest(d["lon"].to_numpy(), d["lat"].to_numpy(), idx.main)]
    off = [r for r, m in zip(d.itertuples(), main_m, strict=True) if 2000 < m < 8000][:12]
    assert len(off) >= 10
    M = matrix.travel_matrix(pd.DataFrame([(r.id, r.lon, r.lat) for r in off], columns=["id", "lon", "lat"]))
    assert np.all(M.access_km <= 2.0 * roads.ACCESS_DETOUR) and np.all(M.local_km > 2.0)
    for a, b in zip(M.ids[:-1], M.ids[1:], strict=True):
        leg = M.leg(a, b, geometry=False)
        assert all(s["km"] <= 2.0 * roads.ACCESS_DETOUR for s in leg.steps if s["mode"] == "access")
        local = sum(s["km"] for s in leg.steps if s["name"] == "đường địa phương (mô hình)")
        assert local >= M.local_km[M.index(a)] + M.local_km[M.index(b)] - 0.1, (a, b)
        assert sum(s["km"] for s in leg.steps) == pytest.approx(M.km[M.index(a), M.index(b)], rel=1e-3)


def _same(P, G, modes=("road",)):
    A = matrix.travel_matrix(P, network=G, modes=modes, cache=False)
    B = matrix.travel_matrix(P, network=G, modes=modes, cache=False, contract=False)
    assert np.array_equal(np.isfinite(A.minutes), np.isfinite(B.minutes))
    ok = np.isfinite(A.minutes)
    np.testing.assert_allclose(A.minutes[ok], B.minutes[ok], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(A.km[ok], B.km[ok], rtol=1e-12, atol=1e-9)
    return A


@pytest.mark.filterwarnings("ignore:.*have no road within")
def test_contracted_search_gives_the_minutes_and_km_of_the_whole_network():
    """Dead ends and chains out of the search change nothing: catalogue places (many on modelled
    local roads, i.e. dead ends) and points near random edges, on roads and with the boats."""
    import random

    from tourlink import catalog
    G = roads.load_network(sea=False)
    d = catalog.load_destinations().sort_values("id")
    rng = random.Random(3)
    edges = sorted((u, v, k) for u, v, k, e in G.edges(keys=True, data=True) if not e["reversed"])
    near = []
    for i in range(60):
        u, v, k = rng.choice(edges)
        p = G.edges[u, v, k]["geometry"].interpolate(rng.random(), normalized=True)
        near.append((f"r{i}", p.x + rng.uniform(-0.005, 0.005), p.y + rng.uniform(-0.005, 0.005)))
    P = pd.concat([d[["id", "lon", "lat"]].iloc[::15], pd.DataFrame(near, columns=["id", "lon", "lat"])])
    M = _same(P.reset_index(drop=True), G)
    assert np.isfinite(M.minutes).mean() > 0.5
    assert matrix._contraction(matrix._Csr(G, ("road",))).jnodes.size < G.number_of_nodes() / 5
    _same(P.iloc[:80].reset_index(drop=True), roads.load_network(sea=True), modes=matrix.MODES)


def test_contracted_search_is_exact_on_one_way_streets():
    G = roads.network_from_xml(Path(__file__).parent / "data" / "hcmc_d1_cut.osm")
    rng = np.random.default_rng(0)
    nodes = sorted(G.nodes)
    pts = [(f"q{i}", G.nodes[nodes[k]]["x"] + rng.uniform(-2e-4, 2e-4), G.nodes[nodes[k]]["y"]
            + rng.uniform(-2e-4, 2e-4)) for i, k in enumerate(rng.choice(len(nodes), 40))]
    _same(pd.DataFrame(pts, columns=["id", "lon", "lat"]), G)
