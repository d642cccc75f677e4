"""Cut a small street extract out of an OSM XML file for the tests (``tests/data/``).

Keeps the ``highway`` ways whose nodes all lie in a bounding box, the nodes they use and the
``name``/``highway``/``oneway``/``maxspeed``/``ref`` tags; drops users, versions and
timestamps; writes deterministic XML with the ODbL attribution of the source in the root
element and in a header comment.

Data © OpenStreetMap contributors, ODbL 1.0 (https://opendatacommons.org/licenses/odbl/1-0/).

Run: ``python tools/cut_osm_sample.py ../shared/data/raw/osm-samples/hcmc_tan_dinh_d1_d3.osm
tests/data/hcmc_d1_cut.osm --bbox 106.6900,10.7820,106.6950,10.7870``.
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import quoteattr

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tourlink.atomic import write_text  # noqa: E402

KEEP_TAGS = ("highway", "name", "oneway", "maxspeed", "ref", "junction", "lanes")
HEADER = ("<!-- Cut by tools/cut_osm_sample.py from {src}. Data (c) OpenStreetMap contributors, "
          "available under the Open Database License (ODbL) 1.0: "
          "https://opendatacommons.org/licenses/odbl/1-0/ ; see https://www.openstreetmap.org/copyright -->")


def cut(src: Path, out: Path, bbox: tuple[float, float, float, float]) -> Path:
    """Write the highway ways of ``src`` inside ``bbox`` (min lon, min lat, max lon, max lat) to ``out``."""
    minx, miny, maxx, maxy = bbox
    root = ET.parse(src).getroot()
    nodes = {}
    for n in root.iter("node"):
        lon, lat = float(n.get("lon")), float(n.get("lat"))
        if minx <= lon <= maxx and miny <= lat <= maxy:
            nodes[int(n.get("id"))] = (lat, lon)
    ways, used = [], set()
    for w in root.iter("way"):
        tags = {t.get("k"): t.get("v") for t in w.iter("tag")}
        refs = [int(nd.get("ref")) for nd in w.iter("nd")]
        if "highway" not in tags or len(refs) < 2 or not all(r in nodes for r in refs):
            continue
        ways.append((int(w.get("id")), refs, {k: tags[k] for k in KEEP_TAGS if k in tags}))
        used.update(refs)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', HEADER.format(src=src.name),
             '<osm version="0.6" generator="tourlink cut_osm_sample" copyright="OpenStreetMap and '
             'contributors" attribution="http://www.openstreetmap.org/copyright" '
             'license="http://opendatacommons.org/licenses/odbl/1-0/">',
             f' <bounds minlat="{miny:.7f}" minlon="{minx:.7f}" maxlat="{maxy:.7f}" maxlon="{maxx:.7f}"/>']
    for nid in sorted(used):
        lat, lon = nodes[nid]
        lines.append(f' <node id="{nid}" visible="true" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
    for wid, refs, tags in sorted(ways):
        lines.append(f' <way id="{wid}" visible="true" version="1">')
        lines += [f'  <nd ref="{r}"/>' for r in refs]
        lines += [f"  <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in sorted(tags.items())]
        lines.append(" </way>")
    lines.append("</osm>")
    return write_text(out, "\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--bbox", default="106.6900,10.7820,106.6950,10.7870",
                        help="min_lon,min_lat,max_lon,max_lat")
    args = parser.parse_args(argv)
    bbox = tuple(float(v) for v in args.bbox.split(","))
    path = cut(args.src, args.out, bbox)
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
