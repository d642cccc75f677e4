"""National scope of the catalogue: every legacy province has destinations and a lodging hub, and a
partnership of the user's own (Huế – Quảng Trị) is written, found and planned end to end."""

from __future__ import annotations

import json

import pytest

from tourlink import catalog, partnerships, regions
from tourlink.cli import main
from tourlink.errors import ValidationError


@pytest.fixture(autouse=True)
def no_user_files(monkeypatch):
    """Files registered by a test (``tourlink plan --partnerships``) are forgotten after it."""
    monkeypatch.setattr(partnerships, "_USER_FILES", [])
    monkeypatch.delenv(partnerships.ENV_VAR, raising=False)


@pytest.fixture(scope="module")
def dest():
    """The bundled destinations (about 2,000 rows in the 63 legacy provinces)."""
    return catalog.load_destinations()


def test_every_legacy_province_has_ten_destinations(dest):
    counts = dest["province_legacy_code"].value_counts()
    codes = [r.code for r in regions.regions("legacy")]
    assert len(codes) == 63
    few = {c: int(counts.get(c, 0)) for c in codes if counts.get(c, 0) < 10}
    assert not few, f"legacy provinces under 10 destinations: {few}"


def test_every_legacy_province_has_a_lodging_hub():
    hubs = catalog.load_lodging()
    missing = sorted({r.name for r in regions.regions("legacy")} - set(hubs["province_legacy"]))
    assert not missing
    assert hubs["source"].str.contains("ward_code").all()  # every point from the ward gazetteer
    national = hubs[hubs["source"].str.contains("national scope|provincial capital|city centre|resort town")]
    assert len(national) >= 40 and national["source"].str.contains("estimate").all()  # prices are estimates


def test_descriptions_defaults_and_sources_load(dest):
    assert set(catalog.FACTS) == {"visit_minutes", "opening_hours", "fee_vnd"}
    osm_only = dest[dest["fact_sources"] == ""]
    assert (osm_only["defaults"].map(len) <= 3).all()
    cited = dest[dest["fact_sources"] != ""].iloc[0]
    sources = catalog.fact_sources(cited)
    assert sources and not set(sources) & set(cited["defaults"])  # a cited fact is not a default
    described = dest[dest["description_vi"] != ""]
    assert len(described) > 50
    assert catalog.description(described.iloc[0], "vi") == described.iloc[0]["description_vi"]


def test_new_partnership_is_validated_and_written(tmp_path):
    path = tmp_path / "mine.yaml"
    p = partnerships.new_partnership("hue--quang-tri", ["Thừa Thiên Huế", "quang tri"], themes=["heritage"])
    partnerships.add_partnership(path, p)
    assert partnerships.load_partnerships(path)["hue--quang-tri"] == p
    with pytest.raises(ValidationError, match="already has a partnership 'hue--quang-tri'"):
        partnerships.add_partnership(path, p)
    with pytest.raises(ValidationError, match="is a bundled programme"):
        partnerships.add_partnership(path, partnerships.new_partnership("bac-giang--4", ["Bắc Giang"]))
    with pytest.raises(ValidationError, match="member 2: unknown province 'Quang Trij'"):
        partnerships.new_partnership("x", ["Huế", "Quang Trij"])


def test_user_partnership_from_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "mine.yaml"
    partnerships.add_partnership(path, partnerships.new_partnership("hue--quang-tri", ["Huế", "Quảng Trị"]))
    with pytest.raises(Exception, match="hue--quang-tri"):
        partnerships.get_partnership("hue--quang-tri")
    monkeypatch.setenv(partnerships.ENV_VAR, str(path))
    assert [r.name for r in partnerships.get_partnership("hue--quang-tri").regions] == ["Huế", "Quảng Trị"]


def test_a_new_pair_is_planned_end_to_end(tmp_path, capsys):
    """`tourlink partnerships new` then `tourlink plan --partnerships` on Huế – Quảng Trị, iteration limit."""
    mine = tmp_path / "mine.yaml"
    assert main(["-q", "partnerships", "new", "hue--quang-tri", "--member", "Thừa Thiên Huế", "--member",
                 "Quảng Trị", "--theme", "heritage", "--out", str(mine)]) == 0
    out = tmp_path / "plan"
    code = main(["-q", "plan", "--partnerships", str(mine), "--partnership", "hue--quang-tri", "--days", "3",
                 "--start", "Huế", "--date", "2026-12-10", "--iterations", "200", "--seed", "1",
                 "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    plan = json.loads((out / "itinerary.json").read_text(encoding="utf-8"))
    text = json.dumps(plan, ensure_ascii=False)
    assert "Huế" in text and "Quảng Trị" in text
    visited = [s for day in plan["days"] for s in day["stops"] if s.get("kind") == "destination"]
    provinces = {s.get("province_legacy") or s.get("partner") for s in visited}
    assert {"Huế", "Quảng Trị"} <= provinces, provinces
