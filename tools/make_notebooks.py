# ruff: noqa: E501  (notebook cell sources are kept verbatim)
"""Write the notebooks in notebooks/ from the cell sources below (outputs stripped).

Run ``python tools/make_notebooks.py`` after changing a story; ``make test`` executes them.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent.parent / "notebooks"

NOTEBOOKS: dict[str, list[tuple[str, str]]] = {
    "01_quick_start.ipynb": [
        ("md", """# 01 · Quick start: plan the Kiên Giang – Hậu Giang famtrip

The two provinces signed a 2022–2025 cooperation programme (famtrips of each other's travel
companies). Kiên Giang is now part of An Giang and Hậu Giang part of Cần Thơ (2025 merger);
tourlink plans on the legacy areas as signed. Everything below runs offline on the bundled data."""),
        ("code", """import tourlink
from tourlink import TourRequest, plan

request = TourRequest(
    partnership="kien-giang--hau-giang",
    start_date="2026-12-10",
    days=4,
    start="Cần Thơ",
    themes={"floating_market": 2.0, "beach_island": 1.5},
    title="Famtrip Kiên Giang – Hậu Giang",
)
itinerary = plan(request, seed=1, time_limit=5)
print(itinerary.summary())"""),
        ("md", "Every itinerary `plan()` returns has passed the independent checker. Check it again yourself:"),
        ("code", """from tourlink.optimise.check import check

problems = check(itinerary, request)
assert not problems, problems
len(itinerary.visits), round(itinerary.km), round(itinerary.road_hours, 1)"""),
        ("md", "The interactive map: one layer per day, boat legs dashed, partner areas in both province schemes."),
        ("code", """m = tourlink.explore(itinerary)
m"""),
    ],
    "02_explore_partnership.ipynb": [
        ("md", """# 02 · Explore a partnership: the Mekong Delta programme

"Mười bốn tỉnh, thành phố – Một điểm đến": the 13 Mekong Delta provinces and Hà Nội (2016–2020).
Its members were signed under the 63-province scheme; after 1 July 2025 they lie in fewer
provinces. Here: the partners in both schemes, their destinations, the destination graph, the
distances between partners and how balanced a tour is."""),
        ("code", """import pandas as pd

import tourlink
from tourlink import catalog, graph, regions

p = tourlink.get_partnership("mekong-13--ha-noi")
members = pd.DataFrame(
    [{"signed as": m.name, "legacy area": m.region.key if m.region else None,
      "2025 province": regions.current_of(m.region).name if m.region else None}
     for m in p.members])
members"""),
        ("md", "Several partners now share one province: the coverage rule therefore counts legacy areas."),
        ("code", """members.groupby("2025 province")["signed as"].apply(", ".join).to_frame("legacy areas")"""),
        ("code", """dests = catalog.destinations_for(p)
dests.groupby("province_legacy").size().sort_values(ascending=False).to_frame("destinations")"""),
        ("md", """## The destination graph of the southern partners

Nodes are destinations, lodging hubs and ports; edges are road legs (minutes, km, the roads
taken, the path) and the timetabled sea links. We keep legs up to 45 minutes to keep it light."""),
        ("code", """south = [m.region for m in p.members if m.region and m.region.name != "Hà Nội"]
G = graph.destination_graph(["Kiên Giang", "Hậu Giang", "Cần Thơ"], max_minutes=45)
G.number_of_nodes(), G.number_of_edges()"""),
        ("code", """first = next(n for n, d in G.nodes(data=True) if d.get("group") == "lodging")
G.nodes[first]["name_vi"], graph.neighbours(G, first, k=5)"""),
        ("code", """ax = graph.draw(G)
ax.set_title("Destination graph: Kiên Giang, Hậu Giang, Cần Thơ (legs ≤ 45 min)");"""),
        ("md", "## Distances between partners (fastest road leg between their places, minutes)"),
        ("code", """G_all = graph.destination_graph(["Kiên Giang", "Hậu Giang", "Cần Thơ", "Sóc Trăng"])
between = {}
for a in ["Kiên Giang", "Hậu Giang", "Cần Thơ", "Sóc Trăng"]:
    for b in ["Kiên Giang", "Hậu Giang", "Cần Thơ", "Sóc Trăng"]:
        if a < b:
            legs = graph.legs_between(G_all, a, b)
            between[(a, b)] = legs["minutes"].min() if len(legs) else None
pd.Series(between, name="minutes").to_frame()"""),
        ("md", "## How balanced is a tour? Stops and nights per partner of a 3-day plan"),
        ("code", """itinerary = tourlink.plan(
    tourlink.TourRequest(provinces=("Hậu Giang", "Sóc Trăng", "Cần Thơ"), start_date="2026-12-14",
                         days=3, start="Cần Thơ", min_stops_per_partner=2),
    seed=1, time_limit=4)
pd.DataFrame([vars(c) for c in itinerary.coverage])"""),
    ],
    "03_famtrip_pack.ipynb": [
        ("md", """# 03 · The famtrip pack: write and inspect every export

For drivers, guides and participants: GPX for GPS units and phone apps, KML/KMZ for Google
Earth, GeoJSON, a timetable (CSV/XLSX), a calendar, a printable programme in Vietnamese and
English, and a map that works offline. Each file is opened again here with a real reader."""),
        ("code", """import tempfile
from pathlib import Path

import tourlink

itinerary = tourlink.plan(
    tourlink.TourRequest(partnership="kien-giang--hau-giang", start_date="2026-12-10", days=3,
                         start="Rạch Giá"),
    seed=2, time_limit=4)
out = Path(tempfile.mkdtemp(prefix="tourlink-pack-"))
files = tourlink.write_pack(itinerary, out)
{f.name: f.stat().st_size for f in sorted(files)}"""),
        ("code", """import gpxpy

gpx = gpxpy.parse((out / "route.gpx").read_text(encoding="utf-8"))
[(r.name, len(r.points)) for r in gpx.routes]"""),
        ("code", """import pyogrio

{layer: pyogrio.read_info(out / "route.kml", layer=layer)["features"]
 for layer, _ in pyogrio.list_layers(out / "route.kml")}"""),
        ("code", """import geopandas as gpd

gdf = gpd.read_file(out / "route.geojson")
gdf.drop(columns="geometry").head()"""),
        ("code", """import icalendar

cal = icalendar.Calendar.from_ical((out / "calendar.ics").read_bytes())
events = cal.walk("VEVENT")
len(events), str(events[0]["SUMMARY"]), events[0]["DTSTART"].dt"""),
        ("code", """import openpyxl

ws = openpyxl.load_workbook(out / "timetable.xlsx").active
[c.value for c in ws[1]], ws.max_row - 1"""),
        ("code", """print((out / "README.txt").read_text(encoding="utf-8"))"""),
    ],
    "04_your_own_data.ipynb": [
        ("md", """# 04 · Your own data: destinations from CSV, street-level routing from OSM

Bring a CSV (or GeoJSON) of your own destinations or lodging: tourlink validates every row,
computes the legacy and 2025 province of each point itself, and reports all problems at once.
For street-level travel times inside a town, build the network from an OpenStreetMap extract
with OSMnx (`network_from_xml` for a local `.osm` file, `network_from_place` online)."""),
        ("code", """import tempfile
from pathlib import Path

import tourlink
from tourlink import catalog

work = Path(tempfile.mkdtemp(prefix="tourlink-own-"))
(work / "my_places.csv").write_text(
    "id,name_vi,name_en,lon,lat,kind,themes,visit_minutes,opening_hours,fee_vnd,score,source\\n"
    "my-museum,Bảo tàng Phụ nữ Nam Bộ,Southern Women's Museum,106.68732,10.78412,museum,museum,60,"
    "\\"Mo-Su 07:30-11:30,13:30-17:00\\",0,60,OSM way 1019040791\\n"
    "my-church,Nhà thờ Tân Định,Tân Định Church,106.69058,10.78825,church,spiritual;heritage,30,"
    "\\"Mo-Sa 08:00-11:00,14:00-16:00\\",0,70,OSM way 60118189\\n"
    "my-turtle,Hồ Con Rùa,Turtle Lake,106.69589,10.78259,monument,heritage,20,24/7,0,40,"
    "OSM node 1770193841\\n"
    "my-gallery,Annam Gallery,Annam Gallery,106.68884,10.79003,museum,museum,45,"
    "Tu-Su 09:00-18:00,0,30,OSM node 11040495502\\n",
    encoding="utf-8")
mine = tourlink.destinations_from_file(work / "my_places.csv")
mine[["id", "name_vi", "province_legacy", "province_2025"]]"""),
        ("md", "A file with mistakes gets one error that lists every problem, with row and field:"),
        ("code", """(work / "bad.csv").write_text(
    "id,name_vi,name_en,lon,lat,kind,themes,visit_minutes,opening_hours,fee_vnd,score\\n"
    "x-1,Điểm X,Place X,10.78,106.69,museum,museum,60,Mo-Su 08:00-17:00,0,50\\n"
    "x-1,Điểm Y,Place Y,106.69,10.78,museum,museum,soon,8h-17h,0,50\\n",
    encoding="utf-8")
try:
    tourlink.destinations_from_file(work / "bad.csv")
except tourlink.ValidationError as err:
    for problem in err.problems:
        print("-", problem)"""),
        ("md", """## Street-level routing from a local OSM extract

`../tests/data/hcmc_tan_dinh_streets.osm` holds the streets of a real OpenStreetMap export of
central Hồ Chí Minh City (Tân Định, around Hồ Con Rùa; cut by `tools/cut_osm_sample.py`) (© OpenStreetMap contributors, ODbL). The result has the same structure as the
bundled national network (OSMnx conventions), so the rest of tourlink works unchanged."""),
        ("code", """G = tourlink.network_from_xml(Path("..") / "tests" / "data" / "hcmc_tan_dinh_streets.osm")
G.number_of_nodes(), G.number_of_edges(), sorted({d["highway"] if isinstance(d["highway"], str) else d["highway"][0] for *_, d in G.edges(data=True)})"""),
        ("code", """M = tourlink.travel_matrix(mine, network=G, cache=False)
import pandas as pd

pd.DataFrame(M.minutes, index=M.ids, columns=M.ids).round(1)"""),
        ("code", """leg = M.leg("my-museum", "my-turtle")
round(leg.km, 2), round(leg.minutes, 1), leg.roads"""),
        ("md", "With internet, `tourlink.network_from_place(\"Quận 1, Hồ Chí Minh, Vietnam\")` downloads the same kind of network from OSM."),
    ],
    "05_compare_variants.ipynb": [
        ("md", """# 05 · Compare variants

Three ways to run a 4-day Kiên Giang – Hậu Giang famtrip, side by side: the default, a
spiritual-heritage emphasis, and one that spreads the nights across partners without the sea
crossing. Each plan comes priced (`itinerary.quote`): the price per guest sits next to the
kilometres and the partner coverage."""),
        ("code", """import pandas as pd

import tourlink
from tourlink.quote import quote

base = dict(partnership="kien-giang--hau-giang", start_date="2026-12-10", days=4, start="Cần Thơ",
            group_size=20)
variants = {
    "default": tourlink.TourRequest(**base),
    "spiritual": tourlink.TourRequest(**base, themes={"spiritual": 2.0, "heritage": 1.5}),
    "nights spread": tourlink.TourRequest(**base, spread_nights=True, sea=False),
}
plans = {name: tourlink.plan(req, seed=1, time_limit=4) for name, req in variants.items()}"""),
        ("code", """rows = []
for name, it in plans.items():
    row = {"variant": name, "price per guest (VND)": it.quote.per_guest_vnd, "km": round(it.km),
           "hours on the road": round(it.road_hours, 1), "visits": len(it.visits), "score": round(it.score)}
    for c in it.coverage:
        row[f"stops {c.partner}"] = c.stops
        row[f"nights {c.partner}"] = c.nights
    rows.append(row)
table = pd.DataFrame(rows).set_index("variant")
table"""),
        ("md", """Where the money goes (VND for the group of 20, before margin and VAT): the island
variants pay fast-boat fares and a local coach on Phú Quốc, the road-only one more coach km."""),
        ("code", """pd.DataFrame({name: it.quote.by_kind for name, it in plans.items()}).fillna(0).astype(int)"""),
        ("md", """The same plans priced for other group sizes: the coach and the guide are shared, so the
price per guest falls as the group grows, and steps up where a larger coach is needed."""),
        ("code", """pd.DataFrame({name: {n: quote(it, group_size=n).per_guest_vnd for n in (10, 15, 20, 30, 45)}
              for name, it in plans.items()}).rename_axis("guests")"""),
        ("code", """import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 4, figsize=(14, 3))
for ax, col in zip(axes, ["price per guest (VND)", "km", "hours on the road", "score"]):
    table[col].plot.bar(ax=ax, title=col, rot=0)
fig.tight_layout()"""),
    ],
}


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src)
                    for kind, src in cells]
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"c{i:02d}"
        nbformat.write(nb, HERE / name)
        print("wrote", HERE / name)


if __name__ == "__main__":
    main()
