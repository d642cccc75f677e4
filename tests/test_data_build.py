"""The data build: reproducible province files, compact data/, ward points inside their provinces."""

import csv
import importlib.util
import sys
import types
from pathlib import Path

import pytest

from tourlink import regions
from tourlink.paths import DATA_DIR

TOOLS = Path(__file__).resolve().parent.parent / "tools"
REGION_FILES = ("provinces_2025.geojson", "provinces_legacy.geojson", "province_mapping.csv")


def load_tool(name):
    """Import ``tools/<name>.py`` the way ``tools/build_data.py`` does."""
    if "build_data" not in sys.modules:
        spec = importlib.util.spec_from_file_location("build_data", TOOLS / "build_data.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["build_data"] = module
        spec.loader.exec_module(module)
    return sys.modules["build_data"] if name == "build_data" else sys.modules["build_data"].load_step(name)


@pytest.fixture(scope="module")
def rebuilt(raw_dir, tmp_path_factory):
    """The province files rebuilt from ../shared/data/raw into a temporary folder."""
    out = tmp_path_factory.mktemp("data")
    files = load_tool("build_regions").build(raw_dir, out)
    return out, files


def test_rebuild_is_byte_identical_to_committed_data(rebuilt):
    out, files = rebuilt
    assert sorted(p.name for p in files) == sorted(REGION_FILES)
    for name in REGION_FILES:
        assert (out / name).read_bytes() == (DATA_DIR / name).read_bytes(), f"{name} differs; run `make data`"


def test_build_data_runs_each_step_in_order_and_prints_sizes(tmp_path, capsys, monkeypatch):
    build_data = load_tool("build_data")
    calls = []

    def fake(name):
        def build(raw, out):
            calls.append(name)
            return [_write(out / f"{name}.txt")]
        return types.SimpleNamespace(build=build)

    monkeypatch.setattr(build_data, "load_step", fake)
    assert build_data.main([str(tmp_path), "--out", str(tmp_path / "out")]) == 0
    assert calls == ["build_regions", "build_catalog", "build_transport", "build_roads"]
    out = capsys.readouterr().out
    assert "build_catalog.txt" in out and out.rstrip().endswith("40 B  in 4 files")


def _write(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x" * 10, encoding="utf-8")
    return path


def test_build_data_skips_absent_steps(tmp_path, caplog):
    build_data = load_tool("build_data")
    assert build_data.load_step("build_nothing") is None
    assert build_data.build(tmp_path, tmp_path, steps=("build_nothing",)) == []
    assert "not present" in caplog.text


def test_build_data_without_raw_exits_2_with_one_line(tmp_path, capsys):
    build_data = load_tool("build_data")
    assert build_data.main([str(tmp_path / "missing"), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not found" in err


def test_data_folder_is_compact():
    total = sum(p.stat().st_size for p in DATA_DIR.rglob("*") if p.is_file())
    assert total < 20e6
    assert sum((DATA_DIR / n).stat().st_size for n in REGION_FILES[:2]) < 2e6


def test_files_are_plain_utf8_with_unix_line_ends():
    for name in REGION_FILES:
        data = (DATA_DIR / name).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data and data.endswith(b"\n")


def _wards(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_ward_points_fall_in_their_province_after_simplification(raw_dir):
    """At least 99 % of the 3,321 wards of 2025 lie in their province (legacy → 2025 agreeing too)."""
    wards = _wards(raw_dir / "vietnamadminunits-1.0.4" / "wards_new_3321_points.csv")
    lons, lats = [float(w["lon"]) for w in wards], [float(w["lat"]) for w in wards]
    new = regions.locate_many(lons, lats, scheme="2025")
    old = regions.locate_many(lons, lats, scheme="legacy")
    inside = sum(r is not None and r.code == w["province_code"] for r, w in zip(new, wards, strict=True))
    assert inside / len(wards) >= 0.99
    agree = sum(o is not None and n is not None and regions.current_of(o) == n
                for o, n in zip(old, new, strict=True))
    assert agree == sum(n is not None for n in new)  # the schemes never disagree


def test_coastal_wards_of_kien_giang_are_inside(raw_dir):
    wards = _wards(raw_dir / "vietnamadminunits-1.0.4" / "wards_new_3321_points.csv")
    names = {"Đặc khu Phú Quốc", "Phường Rạch Giá", "Phường Hà Tiên", "Đặc khu Kiên Hải", "Đặc khu Thổ Châu"}
    coastal = [w for w in wards if w["ward"] in names]
    assert len(coastal) >= 4
    for w in coastal:
        old, new = regions.locate(float(w["lon"]), float(w["lat"]))
        assert (old.name, new.name) == ("Kiên Giang", "An Giang"), w["ward"]
