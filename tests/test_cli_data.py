"""CLI: ``tourlink provinces``, ``tourlink partnerships`` and ``tourlink destinations``."""

import csv
import io
import json
import sys
import types

import pytest

from tourlink.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_resolve_prints_both_schemes(capsys):
    code, out, _ = run(capsys, "provinces", "resolve", "Kiên Giang")
    assert code == 0
    assert out == "Kiên Giang → legacy:91 Kiên Giang (until 2025) → 2025:91 An Giang\n"
    code, out, _ = run(capsys, "provinces", "resolve", "Kien", "Giang")  # unquoted words are joined
    assert out.startswith("Kien Giang → legacy:91")


def test_resolve_a_2025_province_lists_its_legacy_parts(capsys):
    code, out, _ = run(capsys, "provinces", "resolve", "TP. Cần Thơ")
    assert code == 0 and "2025:92 Cần Thơ" in out
    assert "legacy:93 Hậu Giang" in out and "legacy:94 Sóc Trăng" in out


def test_resolve_in_the_legacy_scheme(capsys):
    code, out, _ = run(capsys, "provinces", "resolve", "Can Tho", "--scheme", "legacy")
    assert code == 0 and out == "Can Tho → legacy:92 Cần Thơ (until 2025) → 2025:92 Cần Thơ\n"


def test_resolve_miss_is_one_line_with_suggestions(capsys):
    code, out, err = run(capsys, "provinces", "resolve", "Hau Giangg")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Hậu Giang" in err


def test_locate_a_point(capsys):
    code, out, _ = run(capsys, "provinces", "locate", "103.96", "10.22")
    assert code == 0
    assert out == "103.960000 10.220000 → legacy:91 Kiên Giang (until 2025) → 2025:91 An Giang\n"
    code, _, err = run(capsys, "provinces", "locate", "10.22", "103.96")  # swapped: outside Vietnam
    assert code == 2 and err.count("\n") == 1 and "longitude first" in err
    code, _, err = run(capsys, "provinces", "locate", "100.0", "10.0")  # Gulf of Thailand
    assert code == 2 and "no province" in err and "longitude first" not in err


@pytest.mark.parametrize(("scheme", "rows", "sample"), [
    ("2025", 34, "2025:91  An Giang"), ("legacy", 63, "2025:91 An Giang")])
def test_provinces_list(capsys, scheme, rows, sample):
    code, out, _ = run(capsys, "provinces", "list", "--scheme", scheme)
    lines = out.splitlines()
    assert code == 0 and len(lines) == rows + 2  # header and rule
    assert any(sample in line for line in lines)


def test_partnerships_table(capsys):
    code, out, _ = run(capsys, "partnerships")
    assert code == 0
    ids = [line.split()[0] for line in out.splitlines()[2:]]
    assert ids == ["kien-giang--hau-giang", "bac-giang--4", "bac-giang--nghe-an", "mekong-13--ha-noi",
                   "bac-giang--xaysomboun"]


def test_partnerships_show(capsys):
    code, out, _ = run(capsys, "partnerships", "show", "bac-giang--4")
    assert code == 0
    assert "slogan:  Hai địa phương – Một điểm đến" in out
    assert "Bắc Giang: legacy:24 Bắc Giang → 2025:24 Bắc Ninh" in out
    # the article's headline, not the seed's hashed file name (polish)
    assert "source:  Ký kết hợp tác giữa Bắc Giang với 5 tỉnh về văn hóa, thể thao, du lịch" in out
    assert "001_538f0324e5b1c47c.txt" not in out
    code, out, _ = run(capsys, "partnerships", "show", "bac-giang--xaysomboun")
    assert "Xay Sổm Bun: outside Vietnam" in out


def test_partnerships_show_unknown_is_exit_2(capsys):
    code, _, err = run(capsys, "partnerships", "show", "kien-giang")
    assert code == 2 and err.count("\n") == 1 and "kien-giang--hau-giang" in err


def test_user_partnership_file(tmp_path, capsys):
    path = tmp_path / "mine.yaml"
    path.write_text("- id: mine\n  name_vi: Thử\n  name_en: Trial\n  members: [Kien Giang, Hau Giang]\n"
                    "  period: 2026\n  themes: [nature]\n  source: notes\n", encoding="utf-8")
    code, out, _ = run(capsys, "partnerships", "--file", str(path))
    assert code == 0 and "mine" in out and "Kien Giang, Hau Giang" in out
    code, out, _ = run(capsys, "partnerships", "show", "mine", "--file", str(path))
    assert code == 0 and "Hau Giang: legacy:93 Hậu Giang → 2025:92 Cần Thơ" in out
    path.write_text(path.read_text(encoding="utf-8").replace("nature", "natur"), encoding="utf-8")
    code, _, err = run(capsys, "partnerships", "--file", str(path))
    assert code == 2 and err.count("\n") == 1
    assert str(path) in err and "entry 1 (mine).themes" in err and "'nature'" in err


@pytest.mark.parametrize("argv", [["provinces", "--help"], ["provinces", "resolve", "--help"],
                                  ["provinces", "locate", "--help"],
                                  ["provinces", "list", "--help"], ["partnerships", "--help"],
                                  ["partnerships", "show", "--help"], ["partnerships", "map", "--help"],
                                  ["destinations", "--help"]])
def test_help_has_examples(capsys, argv):
    code, out, _ = run(capsys, *argv)
    assert code == 0 and "examples:" in out and "tourlink " in out


def test_partnerships_map_writes_html(tmp_path, capsys):
    pytest.importorskip("tourlink.maps")
    out_file = tmp_path / "kg.html"
    code, out, _ = run(capsys, "partnerships", "map", "kien-giang--hau-giang", "--out", str(out_file))
    assert code == 0 and str(out_file) in out
    html = out_file.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and "Kiên Giang" in html and "Hậu Giang" in html
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, no temporary file left


def test_destinations_formats(capsys):
    pytest.importorskip("tourlink.catalog")
    code, out, _ = run(capsys, "destinations", "--partnership", "kien-giang--hau-giang", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and {r["province_legacy"] for r in rows} <= {"Kiên Giang", "Hậu Giang"}
    code, out, _ = run(capsys, "destinations", "--partnership", "kien-giang--hau-giang",
                       "--theme", "floating_market", "--format", "geojson")
    features = json.loads(out)["features"]
    assert code == 0 and features
    assert all("floating_market" in f["properties"]["themes"] for f in features)
    code, out, _ = run(capsys, "destinations", "--partnership", "kien-giang--hau-giang")
    assert code == 0 and out.splitlines()[0].split()[:2] == ["id", "name_vi"]


def test_destinations_unknown_theme_is_exit_2(capsys):
    code, _, err = run(capsys, "destinations", "--partnership", "kien-giang--hau-giang", "--theme", "beach")
    assert code == 2 and err.count("\n") == 1 and "beach_island" in err


@pytest.fixture
def fake_catalog(monkeypatch):
    """A stand-in ``tourlink.catalog`` with two destinations, to test the output formats alone."""
    import geopandas as gpd
    import shapely

    frame = gpd.GeoDataFrame({
        "id": ["hg-cho-noi-nga-bay", "kg-hon-phu-tu"], "name_vi": ["Chợ nổi Ngã Bảy", "Hòn Phụ Tử"],
        "lon": [105.8185, 104.4312], "lat": [9.8157, 10.3742], "province_legacy": ["Hậu Giang", "Kiên Giang"],
        "kind": ["floating_market", "nature"], "themes": [("floating_market", "market_food"), ("nature",)],
        "visit_minutes": [90, 60], "score": [80, 55], "wikidata": [None, "Q123"],
    }, geometry=shapely.points([105.8185, 104.4312], [9.8157, 10.3742]), crs="EPSG:4326")
    calls = []

    def destinations_for(partnership, *, themes=None):
        calls.append((partnership.id, themes))
        keep = [not themes or bool(set(t) & set(themes)) for t in frame["themes"]]
        return frame[keep].iloc[::-1]  # unsorted on purpose: the CLI sorts by id

    module = types.ModuleType("tourlink.catalog")
    module.destinations_for = destinations_for
    monkeypatch.setitem(sys.modules, "tourlink.catalog", module)
    return calls


def test_destinations_csv_geojson_table_from_the_catalog(capsys, fake_catalog):
    code, out, _ = run(capsys, "destinations", "--partnership", "kien-giang--hau-giang", "--format", "csv")
    assert code == 0
    head = "id,name_vi,lon,lat,province_legacy,kind,themes,visit_minutes,score,wikidata"
    assert out.splitlines()[0] == head
    assert out.splitlines()[1] == ("hg-cho-noi-nga-bay,Chợ nổi Ngã Bảy,105.818500,9.815700,Hậu Giang,"
                                   "floating_market,floating_market;market_food,90,80,")
    code, out, _ = run(capsys, "destinations", "--partnership", "kien-giang--hau-giang",
                       "--theme", "floating_market", "--format", "geojson")
    data = json.loads(out)
    assert [f["properties"]["id"] for f in data["features"]] == ["hg-cho-noi-nga-bay"]
    assert data["features"][0]["geometry"]["coordinates"] == [105.8185, 9.8157]
    assert data["features"][0]["properties"]["themes"] == ["floating_market", "market_food"]
    assert fake_catalog[-1] == ("kien-giang--hau-giang", ["floating_market"])
    code, out, _ = run(capsys, "destinations", "--partnership", "kien-giang--hau-giang")
    lines = out.splitlines()
    assert lines[0].split() == ["id", "name_vi", "province_legacy", "kind", "themes", "visit_minutes",
                                "score"]
    assert lines[2].startswith("hg-cho-noi-nga-bay") and lines[3].startswith("kg-hon-phu-tu")
    assert lines[-1] == "2 destinations in Kiên Giang, Hậu Giang"


def test_partnership_map_is_offline_unless_asked(tmp_path):
    """Bug 5: the map loaded Leaflet from a CDN by default (blank with no connection)."""
    import re

    from tourlink.cli import main
    off, on = tmp_path / "off.html", tmp_path / "on.html"
    assert main(["-q", "partnerships", "map", "kien-giang--hau-giang", "--out", str(off)]) == 0
    assert main(["-q", "partnerships", "map", "kien-giang--hau-giang", "--out", str(on), "--online"]) == 0
    remote = r"<(?:script|link)[^>]+(?:src|href)=\"https?:"
    assert not re.search(remote, off.read_text(encoding="utf-8"))
    assert re.search(remote, on.read_text(encoding="utf-8"))


@pytest.mark.parametrize("out", ["", "{tmp}"])
def test_partnership_map_out_must_be_a_file_name(out, tmp_path, capsys):
    from tourlink.cli import main
    assert main(["partnerships", "map", "kien-giang--hau-giang", "--out", out.format(tmp=tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "give a file name" in err and ".tmp" not in err and err.count("\n") == 1


def test_resolve_a_2025_key_in_the_legacy_scheme_lists_every_part(capsys):
    """Bug 11: ``2025:91 --scheme legacy`` listed only An Giang; Kiên Giang is part of it too."""
    from tourlink.cli import main
    assert main(["provinces", "resolve", "2025:91", "--scheme", "legacy"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["2025:91 → legacy:89 An Giang (until 2025) → 2025:91 An Giang",
                   "2025:91 → legacy:91 Kiên Giang (until 2025) → 2025:91 An Giang"]


def test_lang_vi_reaches_provinces_partnerships_and_errors(capsys):
    """Polish: --lang vi was ignored by provinces, partnerships and the error line."""
    from tourlink.cli import main
    assert main(["--lang", "vi", "provinces", "resolve", "Kien Giang"]) == 0
    assert "(đến 2025)" in capsys.readouterr().out
    assert main(["--lang", "vi", "partnerships", "show", "kien-giang--hau-giang"]) == 0
    out = capsys.readouterr().out
    assert "chủ đề:  di tích lịch sử – văn hóa" in out and "nguồn:  Hợp tác phát triển" in out
    assert main(["--lang", "vi", "provinces", "resolve", "zzq"]) == 2
    assert capsys.readouterr().err.startswith("tourlink: lỗi: ")
    assert main(["--lang", "vi", "plan", "--zz"]) == 2
    assert "(xem `tourlink --help`)" in capsys.readouterr().err
    assert main(["provinces", "resolve", "zzq"]) == 2  # and back to English without the flag
    assert capsys.readouterr().err.startswith("tourlink: error: ")
