"""The Laos partner of bac-giang--xaysomboun: Xaisomboun's boundary, sights, lodging and access, and the
one-line refusal to plan a coach tour across the border."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from shapely.geometry import Point

from tourlink import abroad, partnerships
from tourlink.cli import main
from tourlink.errors import InfeasibleError
from tourlink.optimise.world import load_world
from tourlink.request import TourRequest

ROOT = Path(__file__).resolve().parent.parent


def test_xaisomboun_has_its_boundary_sights_lodging_and_access():
    area = abroad.abroad_area("LA18")
    assert (area.name, area.country, area.capital.split(" ")[0]) == ("Xaisomboun", "Lao PDR", "Anouvong")
    x0, y0, x1, y1 = area.geometry.bounds  # SOURCES.md §10: lon 102.50–103.90, lat 18.46–19.28
    assert 102.4 < x0 < 102.6 and 103.8 < x1 < 104.0 and 18.4 < y0 < 18.5 and 19.2 < y1 < 19.3
    assert len(area.destinations) >= 5 and len(area.lodging) >= 1
    for _, r in area.places.iterrows():
        assert area.geometry.contains(Point(r["lon"], r["lat"])), r["id"]
        assert "http" in r["source"], r["id"]  # every sight and hub cites a page
    restricted = set(area.destinations.loc[area.destinations["access"] == "restricted", "id"])
    assert restricted == {"abroad-phou-bia", "abroad-long-tieng"}
    assert "Vientiane" in area.access_en and "Viêng Chăn" in area.access_vi and "Nậm Cắn" in area.access_vi
    assert all("http" in s for s in area.access_sources)


def test_the_laos_programme_is_refused_in_one_line_with_what_to_do():
    p = partnerships.get_partnership("bac-giang--xaysomboun")
    assert [m.abroad for m in p.members] == [None, "LA18"]
    request = TourRequest(partnership=p.id, start_date="2026-12-10", days=2, start="Bắc Giang")
    with pytest.raises(InfeasibleError) as err:
        load_world(request)
    text = str(err.value)
    assert "\n" not in text and "Xay Sổm Bun is outside Vietnam" in text and "Vientiane" in text
    assert '--provinces "Bắc Giang"' in text
    abroad.check_plannable(partnerships.get_partnership("bac-giang--4"))  # all partners in Vietnam: fine


def test_the_cli_exits_2_and_the_bac_giang_side_loads(capsys):
    code = main(["-q", "plan", "--partnership", "bac-giang--xaysomboun", "--days", "2",
                 "--start", "Bắc Giang", "--date", "2026-12-10"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "cannot be planned as one coach tour" in err
    request = TourRequest(provinces=("Bắc Giang",), start_date="2026-12-10", days=2, start="Bắc Giang")
    world = load_world(request)  # the Vietnamese side of the programme, as the message suggests
    assert [p.name for p in world.partners] == ["Bắc Giang"] and len(world.candidates) >= 25


def test_partnerships_show_tells_the_way_there(capsys):
    assert main(["partnerships", "show", "bac-giang--xaysomboun"]) == 0
    out = capsys.readouterr().out
    assert "getting there:" in out and "Phou Bia" in out and "[restricted: permits needed]" in out


def test_build_rejects_a_point_outside_the_area(raw_dir, tmp_path):
    sys.path.insert(0, str(ROOT / "tools"))
    import build_catalog

    text = (ROOT / "tools" / "curated" / "abroad.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "abroad.yaml"
    bad.write_text(text.replace("lon: 103.15194", "lon: 105.15194"), encoding="utf-8")  # Phou Bia in Vietnam
    problems: list[str] = []
    build_catalog.abroad_geojson(raw_dir, bad, problems)
    assert problems == ["abroad.yaml partner 1 (LA18) destinations entry 1 (abroad-phou-bia) field lon/lat: "
                        "105.15194,18.98167 lies outside Xaisomboun"]
