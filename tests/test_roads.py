"""Tests of tourlink.roads: the bundled network, the stored format, snapping, OSM input."""

from __future__ import annotations

import gzip
import importlib.util
import math
import shutil
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from tourlink import roads

HERE = Path(__file__).parent
ROOT = HERE.parent
CUT = HERE / "data" / "hcmc_d1_cut.osm"


@pytest.fixture
def tiny(tmp_path) -> nx.MultiDiGraph:
    """Two 1.1 km road edges in a line along the equator, A(0) - B(1) - C(2), stored and read
    back in the bundled format: hand-checkable lengths and times (trunk at 36 km/h = 10 m/s)."""
    (tmp_path / "n.csv").write_text("id,x,y\n0,105.000000,10.000000\n1,105.010000,10.000000\n"
                                    "2,105.020000,10.000000\n", encoding="utf-8")
    rows = ("u,v,key,highway,ref,name,region,speed_kph,length,source,geometry\n"
            "0,1,0,trunk,QL1,Quốc lộ 1,delta,36.0,1095.0,test,105.000000 10.000000;105.010000 10.000000\n"
            "1,2,0,secondary,ĐT9,,delta,18.0,1095.0,test,105.010000 10.000000;105.020000 10.000000\n")
    (tmp_path / "e.csv.gz").write_bytes(gzip.compress(rows.encode("utf-8"), mtime=0))
    return roads.read_network(tmp_path / "n.csv", tmp_path / "e.csv.gz")


def test_read_network_makes_two_directed_edges_per_row(tiny):
    assert tiny.number_of_nodes() == 3 and tiny.number_of_edges() == 4
    e = tiny.edges[0, 1, 0]
    assert e["travel_time"] == pytest.approx(109.5)  # 1095 m at 10 m/s
    assert tiny.edges[2, 1, 0]["travel_time"] == pytest.approx(219.0)
    assert list(tiny.edges[1, 0, 0]["geometry"].coords)[0] == (105.01, 10.0)
    assert tiny.graph["crs"] == "EPSG:4326" and e["mode"] == "road"


def test_read_network_missing_file_is_data_error(tmp_path):
    with pytest.raises(roads.DataError, match="make data"):
        roads.read_network(tmp_path / "none.csv", tmp_path / "none.csv.gz")


def test_snap_onto_the_middle_of_an_edge(tiny):
    s = roads.snap(105.005, 10.001, tiny)
    assert (s.u, s.v) == (0, 1) and s.t == pytest.approx(0.5, abs=1e-6)
    assert s.distance_m == pytest.approx(111.2, abs=1.0)
    assert s.access_s == pytest.approx(s.distance_m * roads.ACCESS_DETOUR / (roads.ACCESS_SPEED_KPH / 3.6))


def test_snap_far_from_any_road_warns_with_the_distance(tiny):
    with pytest.warns(UserWarning, match=r"11\.\d km from the nearest road"):
        roads.snap(105.01, 10.1, tiny)


def test_add_sea_links_adds_ports_access_and_timetabled_edges(tiny):
    from types import SimpleNamespace
    ports = pd.DataFrame({"id": ["a", "b"], "lon": [105.0, 105.02], "lat": [10.001, 10.001]})
    link = SimpleNamespace(id="x", from_port="a", to_port="b", mode="fast_boat", operator="Op",
                           departures=(480, 780), duration_min=150, fare_vnd=330000)
    n = roads.add_sea_links(tiny, ports=ports, links=[link])
    assert n == 2 * 2 + 1  # two access edges per port (both ways), one timetabled sea edge
    e = tiny.edges["port:a", "port:b", 0]
    assert e["mode"] == "fast_boat" and e["departures"] == (480, 780) and e["travel_time"] == 9000
    assert not tiny.has_edge("port:b", "port:a")
    assert {d["mode"] for _, _, d in tiny.out_edges("port:a", data=True)} == {"fast_boat", "access"}
    assert set(tiny["port:b"]) == {2}  # at the end of the line: joined to node C, no split


def test_split_edge_shares_length_and_time(tiny):
    new = roads.split_edge(tiny, 0, 1, 0, 0.25)
    assert tiny.nodes[new]["x"] == pytest.approx(105.0025)
    assert not tiny.has_edge(0, 1) and tiny.has_edge(0, new) and tiny.has_edge(new, 1)
    assert tiny.edges[0, new, 0]["length"] == pytest.approx(1095 * 0.25)
    assert tiny.edges[1, new, 0]["travel_time"] == pytest.approx(109.5 * 0.75)
    assert roads.snap(105.004, 10.0, tiny).u in (new, 0)


def test_bundled_network_follows_osmnx_conventions():
    import osmnx as ox
    G = roads.load_network(sea=False)
    assert G.graph["crs"] == "EPSG:4326" and G.number_of_nodes() > 500
    u, v, k, d = next(iter(G.edges(keys=True, data=True)))
    for key in ("length", "highway", "speed_kph", "travel_time", "geometry", "mode", "name", "ref"):
        assert key in d
    assert d["travel_time"] == pytest.approx(d["length"] / (d["speed_kph"] / 3.6))
    nodes, edges = ox.graph_to_gdfs(G)
    assert len(edges) == G.number_of_edges() and {"x", "y"} <= set(nodes.columns)
    assert load_is_cached()


def load_is_cached() -> bool:
    return roads.load_network(sea=False) is roads.load_network(sea=False)


def test_bundled_network_has_phu_quoc_and_the_expressways():
    G = roads.load_network(sea=False)
    refs = {d["ref"] for _, _, d in G.edges(data=True)}
    assert {"CT.01", "CT.03", "CT.04", "CT.07", "QL31", "QL80", "QL63"} <= refs
    s = roads.snap(103.9607, 10.2171, G)  # Dương Đông, Phú Quốc
    assert s.distance_m < 3000
    assert G.nodes[s.u]["x"] < 104.2  # the island part is kept, not dropped as a fragment


#: islands whose own roads are kept because they host destinations: Phú Quốc, Cát Bà, Côn Đảo
ISLANDS = {"Phú Quốc": (103.8, 9.9, 104.1, 10.5), "Cát Bà": (106.9, 20.7, 107.15, 20.9),
           "Côn Đảo": (106.5, 8.6, 106.7, 8.8)}


def test_bundled_network_is_one_mainland_part_and_islands():
    G = roads.load_network(sea=False)
    parts = sorted(nx.weakly_connected_components(G), key=len, reverse=True)

    def island(part):
        return next((name for name, (x0, y0, x1, y1) in ISLANDS.items()
                     if all(x0 <= G.nodes[n]["x"] <= x1 and y0 <= G.nodes[n]["y"] <= y1 for n in part)), None)

    cut_off = [sorted(p)[:3] for p in parts[1:] if island(p) is None]
    assert not cut_off, f"a mainland fragment is cut off: bridge it in tools/build_roads.py ({cut_off})"
    assert "Phú Quốc" in {island(p) for p in parts[1:]}
    curated = {d["source"] for u, v, d in G.edges(parts[0], data=True) if d["source"].startswith("curated")}
    assert len(curated) >= 15  # every curated link joined the mainland


def test_network_from_xml_on_the_committed_cut():
    G = roads.network_from_xml(CUT)
    assert G.number_of_edges() > 20
    d = next(iter(G.edges(data=True)))[2]
    assert d["mode"] == "road" and d["travel_time"] > 0 and isinstance(d["name"], str)
    s = roads.snap(106.6925, 10.7845, G)
    assert s.distance_m < 200


def test_network_from_xml_on_the_shared_sample(raw_dir):
    G = roads.network_from_xml(raw_dir / "osm-samples" / "hcmc_tan_dinh_d1_d3.osm")
    assert G.number_of_nodes() > 300
    speeds = {d["speed_kph"] for _, _, d in G.edges(data=True)}
    assert min(speeds) >= 10 and max(speeds) <= 75


def test_network_from_xml_rejects_a_missing_file(tmp_path):
    with pytest.raises(roads.DataError, match="does not exist"):
        roads.network_from_xml(tmp_path / "x.osm")


@pytest.mark.live
def test_network_from_place_live():
    G = roads.network_from_place("Ninh Kiều, Cần Thơ, Vietnam")
    assert G.number_of_edges() > 100
    assert all(d["mode"] == "road" for _, _, d in G.edges(data=True))


def _build_module():
    spec = importlib.util.spec_from_file_location("build_roads", ROOT / "tools" / "build_roads.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def built(raw_dir, tmp_path_factory):
    """The road files built from ../shared by tools/build_roads.py into a temporary folder, with
    the bundled catalogue beside them (its places get local roads) as in ``make data``."""
    out = tmp_path_factory.mktemp("roads")
    for name in ("destinations.csv", "lodging.csv", "ports.csv"):
        shutil.copy(ROOT / "data" / name, out / name)
    return _build_module().build(raw_dir, out)


def test_build_is_deterministic_and_matches_the_bundled_files(built):
    a = built
    assert [p.name for p in a] == ["roads_nodes.csv", "roads_edges.csv.gz"]
    for p in a:
        assert p.read_bytes() == (ROOT / "data" / p.name).read_bytes(), f"data/{p.name} is stale"
    text = gzip.decompress(a[1].read_bytes()).decode()
    assert "Đường sắt" not in text and "curated ct-ha-noi-hai-phong" in text


def test_speed_table_covers_every_class_and_region():
    b = _build_module()
    for hw in b.SPEEDS:
        for region in ("delta", "north_mountain", "north_plain", "other"):
            assert 20 <= b.coach_speed(hw, region) <= 80
    assert b.region_of(105.78, 10.03) == "delta" and b.region_of(106.76, 21.85) == "north_mountain"
    assert b.region_of(105.85, 21.03) == "north_plain"
    assert math.isclose(b.haversine_m(105, 10, 105, 11), 111195, rel_tol=1e-3)


def test_curated_links_each_carry_a_source():
    b = _build_module()
    cur = b.load_curated()
    assert len(cur["links"]) >= 15 and all(link["source"] for link in cur["links"])
    assert all(r["reason"] for r in cur["renames"])


def test_curated_file_problems_are_all_reported(tmp_path):
    b = _build_module()
    bad = tmp_path / "links.yaml"
    bad.write_text("links:\n  - id: a\n    highway: road\n    waypoints: [[1, 2]]\n"
                   "  - id: a\n    name: x\n    highway: trunk\n    waypoints: [[105, 10]]\n    source: s\n",
                   encoding="utf-8")
    with pytest.raises(ValueError) as exc:
        b.load_curated(bad)
    msg = str(exc.value)
    for part in ("missing name", "missing source", "unknown highway 'road'", "not lon,lat", "'a' repeats"):
        assert part in msg


def test_committed_cut_is_reproduced_by_the_script(raw_dir, tmp_path):
    spec = importlib.util.spec_from_file_location("cut_osm_sample", ROOT / "tools" / "cut_osm_sample.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = mod.cut(raw_dir / "osm-samples" / "hcmc_tan_dinh_d1_d3.osm", tmp_path / "cut.osm",
                  (106.6900, 10.7820, 106.6950, 10.7870))
    assert out.read_bytes() == CUT.read_bytes()
    assert "OpenStreetMap contributors" in CUT.read_text(encoding="utf-8")[:400]


def test_a_fragment_hosting_a_destination_is_kept(raw_dir, built):
    b = _build_module()
    hosted = pd.read_csv(built[0])  # built next to the catalogue, which has destinations on Côn Đảo
    assert ((hosted["y"] < 8.8) & (hosted["x"] > 106.3)).any()  # 24 km of road, kept
    nodes, edges = b.build_graph_tables(raw_dir)  # without destinations the fragment is dropped
    assert not any(float(n["y"]) < 8.8 and float(n["x"]) > 106.3 for n in nodes)


# --- modelled local roads ---------------------------------------------------------------

def _ward_net(b):
    """A 20 km east-west main road at 10 N and a build-time net holding it."""
    net = b._Net()
    net.add({"coords": [(105.0, 10.0), (105.2, 10.0)], "name": "QL", "ref": "QL1", "highway": "trunk",
             "source": "test"})
    return net


def test_local_road_chains_ward_points_of_the_host_district_to_the_main_road():
    b = _build_module()
    net = _ward_net(b)
    host = (105.1, 10.12)  # 13.3 km north of the road: beyond one hop
    wards = [(105.1, 10.115, "A"), (105.1, 10.06, "A"), (105.13, 10.03, "B"), (105.05, 10.03, "A")]
    links = b.local_links(net, [host, (105.05, 10.01)], wards)
    assert len(links) == 1  # the second host is 1.1 km from the road: no local road
    coords = links[0]["coords"]
    assert coords[0] == host and coords[-1][1] == pytest.approx(10.0)
    assert (105.13, 10.03) not in coords  # a ward point of another district is no stop
    hops = [b.haversine_m(*p, *q) for p, q in zip(coords[:-1], coords[1:], strict=False)]
    assert max(hops) <= b.LOCAL_HOP_M and links[0]["highway"] == "local" and links[0]["detour"] == 1.3


def test_local_road_does_not_cross_the_sea_or_leave_a_lonely_host():
    from shapely.geometry import box
    b = _build_module()
    net = _ward_net(b)
    island = (105.1, 10.04)  # 4.4 km off the road, on a separate piece of land
    land = box(104.9, 9.95, 105.3, 10.01).union(box(105.08, 10.03, 105.12, 10.05))
    assert b.local_links(net, [island], [(105.1, 10.04, "A")]) != []
    assert b.local_links(net, [island], [(105.1, 10.04, "A")], land=land) == []
    assert b.local_links(net, [(105.1, 10.3)], [(105.1, 10.3, "A")]) == []  # 33 km, no ward on the way


def test_snap_takes_a_local_road_only_when_it_is_much_closer(tmp_path):
    """Main road along 10 N; a local road from (105.05, 10.05) down to it, 5.5 km long."""
    (tmp_path / "n.csv").write_text("id,x,y\n0,105.000000,10.000000\n1,105.050000,10.000000\n"
                                    "2,105.100000,10.000000\n3,105.050000,10.050000\n", encoding="utf-8")
    rows = ("u,v,key,highway,ref,name,region,speed_kph,length,source,geometry\n"
            "0,1,0,trunk,QL1,,delta,36.0,5475.0,t,105.000000 10.000000;105.050000 10.000000\n"
            "1,2,0,trunk,QL1,,delta,36.0,5475.0,t,105.050000 10.000000;105.100000 10.000000\n"
            "1,3,0,local,,local,delta,25.0,7231.0,t,105.050000 10.000000;105.050000 10.050000\n")
    (tmp_path / "e.csv.gz").write_bytes(gzip.compress(rows.encode("utf-8"), mtime=0))
    G = roads.read_network(tmp_path / "n.csv", tmp_path / "e.csv.gz")
    near = roads.snap(105.052, 10.015, G)  # 1.7 km from the main road, 0.2 km from the local one
    assert G.edges[near.u, near.v, near.key]["highway"] == "trunk" and near.local_m == 0.0
    far = roads.snap(105.052, 10.045, G)  # 5 km from the main road
    assert G.edges[far.u, far.v, far.key]["highway"] == "local" and far.distance_m < 300
    assert far.local_m == pytest.approx(0.9 * 7231.0, rel=0.01)  # the way out, towards the main road


def test_every_catalogue_place_has_a_road_within_2_km():
    """The access layer: the bundled places' straight access legs, the goal of issue #11 item 4.
    Beyond 2 km no coach reaches a place (tourlink.matrix), so every hub must have a road that close."""
    import numpy as np

    from tourlink import catalog
    G = roads.load_network(sea=False)
    rows = []
    for df in (catalog.load_destinations(), catalog.load_lodging(), catalog.load_ports()):
        rows += [(r.id, r.lon, r.lat) for r in df.itertuples()]
    snaps = roads.snap_many([x for _, x, _ in rows], [y for _, _, y in rows], G)
    d = np.array([s.distance_m for s in snaps])
    far = sorted(f"{i} ({m / 1000:.0f} km)" for (i, _, _), m in zip(rows, d, strict=True) if m > 2000)
    # national catalogue, before the local roads: 52 % > 2 km, 30 % > 5 km, median 2.2 km; with them
    # 9.3 % and 8.0 %, two hubs (Hưng Yên, Lai Châu) among them; with the access links 8.4 % and 7.2 %.
    # What stays far is offshore (Hạ Long bay, Cô Tô, Nam Du, the Spratlys) or parks and capes without a road
    assert np.median(d) < 500, np.median(d)
    assert np.mean(d > 2000) <= 0.09, far
    assert np.mean(d > 5000) <= 0.08, far
    islands = {"port-nam-du", "port-hon-son"}
    hubs = set(catalog.load_lodging()["id"]) | set(catalog.load_ports()["id"]) - islands
    assert not [f for f in far if f.split()[0] in hubs]  # every hub, pier and airport on the mainland
    on_local = [s for s, m in zip(snaps, d, strict=True) if s.local_m > 0]
    assert len(on_local) >= 0.25 * len(rows)  # a third of them ride a modelled local road


def test_snap_many_is_snap_of_each_point():
    from tourlink import catalog
    G = roads.load_network(sea=False)
    d = catalog.load_destinations().sort_values("id").iloc[::20]
    many = roads.snap_many(d["lon"], d["lat"], G)
    assert many == [roads.snap(x, y, G, warn=False) for x, y in zip(d["lon"], d["lat"], strict=True)]
    assert any(s.local_m > 0 for s in many) and roads.snap_many([], [], G) == []
    with pytest.raises(roads.TourlinkError, match="not a lon/lat point"):
        roads.snap_many([105.0, 200.0], [10.0, 10.0], G)
