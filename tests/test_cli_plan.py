"""Tests of `tourlink plan` and `tourlink demo` (in-process, on the synthetic world of test_plan)."""

from __future__ import annotations

import json

import pytest
from test_plan import make_world

from tourlink.cli import main


@pytest.fixture
def synthetic(monkeypatch):
    """Plan over the synthetic world instead of the bundled catalog, with a small iteration budget."""
    import tourlink.optimise.outer as outer
    monkeypatch.setattr(outer, "load_world", lambda request: make_world(request))
    real = outer.plan

    def quick(request, **kw):
        kw.setdefault("max_iterations", 100)
        return real(request, **kw)
    monkeypatch.setattr(outer, "plan", quick)


def test_plan_writes_json_and_map(synthetic, tmp_path, capsys):
    code = main(["-q", "plan", "--partnership", "test", "--days", "2", "--start", "Alpha", "--date",
                 "2026-12-08", "--theme", "floating_market=3", "--must", "b1", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Day 1 – 2026-12-08" in out and "B one" in out
    data = json.loads((tmp_path / "itinerary.json").read_text(encoding="utf-8"))
    assert data["request"]["themes"] == {"floating_market": 3.0}
    assert data["days"][0]["stops"][0]["arrive"].endswith("+07:00")
    assert {"from", "to", "mode", "km", "minutes", "depart", "arrive"} <= set(data["days"][0]["legs"][0])
    assert (tmp_path / "map.html").read_text(encoding="utf-8").count("<html") == 1


def test_plan_reads_a_request_file_and_flags_override_it(synthetic, tmp_path, capsys):
    f = tmp_path / "r.toml"
    f.write_text('partnership = "test"\nstart_date = 2026-12-08\ndays = 3\nstart = "Alpha"\n',
                 encoding="utf-8")
    assert main(["-q", "plan", "--request", str(f), "--days", "1"]) == 0
    out = capsys.readouterr().out
    assert "Day 1" in out and "Day 2" not in out


def test_bad_input_is_one_line_and_exit_2(synthetic, capsys):
    assert main(["plan", "--partnership", "test", "--days", "0", "--start", "Alpha",
                 "--date", "2026-12-08"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tourlink: error:") and "days" in err and err.count("\n") == 1
    assert main(["plan", "--partnership", "test", "--days", "2", "--start", "Alpha"]) == 2
    assert "--date" in capsys.readouterr().err
    assert main(["-q", "plan", "--partnership", "test", "--days", "1", "--start", "Alpha", "--date",
                 "2026-12-08", "--must", "i1", "--no-sea"]) == 2
    assert "sea crossings" in capsys.readouterr().err


def test_an_output_folder_under_a_file_is_refused_before_planning(synthetic, tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    assert main(["-q", "plan", "--partnership", "test", "--days", "1", "--start", "Alpha", "--date",
                 "2026-12-08", "--out", str(afile / "tour")]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and "Day 1" not in err


def test_demo_request_is_the_documented_famtrip():
    from pathlib import Path

    from tourlink.cli.demo_cmd import demo_request
    from tourlink.request import TourRequest
    r = demo_request()
    path = Path(__file__).parent.parent / "examples" / "famtrip_kien_giang_hau_giang.toml"
    toml = TourRequest.from_toml(path)
    assert r == toml
    assert r.days == 4 and r.sea and r.dawn and r.partnership == "kien-giang--hau-giang"


def test_iterations_make_the_plan_repeatable(tmp_path, capsys):
    from tourlink.cli import main

    argv = ["-q", "plan", "--partnership", "kien-giang--hau-giang", "--days", "2", "--start", "Cần Thơ",
            "--date", "2026-12-10", "--iterations", "200", "--seed", "3"]
    assert main([*argv, "--out", str(tmp_path / "a")]) == 0
    assert main([*argv, "--out", str(tmp_path / "b")]) == 0
    a, b = (tmp_path / d / "itinerary.json" for d in "ab")
    assert a.read_bytes() == b.read_bytes()
    assert main([*argv[:-4], "--iterations", "0"]) == 2
