"""Tests of `tourlink plan` and `tourlink demo` (in-process, on the synthetic world of test_plan)."""

from __future__ import annotations

import json

import pytest
from test_plan import make_world

from tourlink.cli import main
from tourlink.request import THEMES


@pytest.fixture
def synthetic(monkeypatch):
    """Plan over the synthetic world instead of the bundled catalog, with a small iteration budget."""
    import tourlink.optimise.outer as outer
    monkeypatch.setattr(outer, "load_world", lambda request: make_world(request))
    real = outer.plan

    def quick(request, **kw):
        if kw.get("max_iterations") is None:  # the CLI passes None: not a 20-second search per test
            kw["max_iterations"] = 100
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


# ------------------------------------------------------------------ flags of the request fields
def test_every_request_flag_sets_its_field(synthetic, tmp_path, capsys):
    """The flags users change most reach the request (and so the itinerary's request)."""
    argv = ["-q", "plan", "--partnership", "test", "--days", "2", "--start", "Alpha", "--date", "2026-12-08",
            "--title", "Đoàn khảo sát", "--day-start", "08:00", "--day-end", "17:30",
            "--lunch", "11:00-13:00",
            "--lunch-minutes", "45", "--max-road-hours", "5", "--pace", "3", "--min-stops", "0",
            "--group-size", "25", "--evening", "--out", str(tmp_path)]
    assert main(argv) == 0, capsys.readouterr().err
    r = json.loads((tmp_path / "itinerary.json").read_text(encoding="utf-8"))["request"]
    assert (r["title"], r["day_start"], r["day_end"], r["lunch_start"], r["lunch_end"]) == (
        "Đoàn khảo sát", "08:00", "17:30", "11:00", "13:00")
    assert (r["lunch_minutes"], r["max_road_hours"], r["pace"]) == (45, 5.0, 3)
    assert (r["min_stops_per_partner"], r["group_size"], r["evening"]) == (0, 25, True)


def test_flags_override_the_request_file(synthetic, tmp_path, capsys):
    f = tmp_path / "r.toml"
    f.write_text('partnership = "test"\nstart_date = 2026-12-08\ndays = 2\nstart = "Alpha"\npace = 2\n'
                 'title = "from the file"\n', encoding="utf-8")
    assert main(["-q", "plan", "--request", str(f), "--pace", "4", "--out", str(tmp_path / "o")]) == 0
    r = json.loads((tmp_path / "o" / "itinerary.json").read_text(encoding="utf-8"))["request"]
    assert r["pace"] == 4 and r["title"] == "from the file"


@pytest.mark.parametrize("extra, message", [
    (["--pace", "0"], "--pace: 0 is outside 1..20"),  # the flag is named, not the TOML key
    (["--lunch", "11:30-12:00"], "lunch window 11:30–12:00 is shorter than --lunch-minutes=60"),
    (["--lunch", "noon"], "--lunch: 'noon' is not a window HH:MM-HH:MM"),
    (["--day-start", "25:00"], "--day-start: '25:00' is not a time of day"),
    (["--max-road-hours", "0.1"], "--max-road-hours: 0.1 is outside 0.5..16"),
    (["--provinces", "Bắc Giang"], "give --partnership or --provinces, not both"),
    (["--iterations", "10000000000"], "--iterations 10000000000: give a whole number from 1 to 100,000"),
    (["--iterations", "50", "--time-limit", "3"], "give --iterations (the same plan on every machine) or "
                                                 "--time-limit (seconds), not both"),
    (["--out", ""], "--out: give a folder name"),
    (["--title", ""], "--title: give a non-empty value"),
    (["--date", "9999-12-31"], "--date: 9999-12-31 is outside 2000–2099"),
    ([x for t in THEMES for x in ("--theme", f"{t}=0")], "every theme has weight 0"),
])
def test_bad_flags_are_refused_naming_the_flag(synthetic, extra, message, capsys):
    argv = ["plan", "--partnership", "test", "--days", "2", "--start", "Alpha", "--date", "2026-12-08"]
    if "--date" in extra:
        argv = argv[:-2]
    assert main([*argv, *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err


def test_an_unknown_exclude_is_refused_like_an_unknown_must(synthetic, capsys):
    argv = ["plan", "--partnership", "test", "--days", "2", "--start", "Alpha", "--date", "2026-12-08"]
    assert main([*argv, "--exclude", "a11"]) == 2
    assert "unknown destination to exclude 'a11'; did you mean" in capsys.readouterr().err


def test_a_plan_that_visits_nothing_is_exit_2(synthetic, monkeypatch, capsys):
    """A request that yields only empty days (here: the planner finds no visit) is not a success."""
    import tourlink.optimise.outer as outer
    from tourlink.itinerary import Itinerary

    real = outer.plan

    def idle(request, **kw):  # the real plan with every visit taken out
        it = real(request, **kw)
        from dataclasses import replace
        return Itinerary(days=tuple(replace(d, stops=(), legs=()) for d in it.days), request=it.request)
    monkeypatch.setattr(outer, "plan", idle)
    argv = ["plan", "--partnership", "test", "--days", "2", "--start", "Alpha", "--date", "2026-12-08"]
    assert main([*argv, "--max-road-hours", "0.5", "--min-stops", "0"]) == 2
    err = capsys.readouterr().err
    assert "the plan visits nothing: --max-road-hours 0.5 h leaves little time" in err


def test_plan_map_is_offline_by_default(synthetic, tmp_path, capsys):
    """Bug 5: `plan --out DIR` without --pack wrote a map that is blank offline."""
    argv = ["-q", "plan", "--partnership", "test", "--days", "1", "--start", "Alpha", "--date", "2026-12-08"]
    assert main([*argv, "--out", str(tmp_path / "off")]) == 0
    assert 'src="http' not in (tmp_path / "off" / "map.html").read_text(encoding="utf-8")
    from tourlink.cli import build_parser
    assert build_parser().parse_args([*argv[1:], "--online"]).online  # a web map only when asked


def test_plan_over_an_older_pack_replaces_it_and_says_so(synthetic, tmp_path, capsys):
    """Bug 4: plan into a folder with an older pack mixed the new itinerary with the old GPX."""
    from fixtures_itinerary import famtrip

    from tourlink.export import write_pack
    write_pack(famtrip(), tmp_path, formats="json,map,gpx,ics")  # an older pack
    argv = ["-q", "plan", "--partnership", "test", "--days", "1", "--start", "Alpha", "--date", "2026-12-08",
            "--out", str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"replaced the older pack in {tmp_path}" in out and "removed" in out and "route.gpx" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.txt", "itinerary.json", "map.html"]


def test_an_interrupted_plan_leaves_no_empty_folder(synthetic, tmp_path, monkeypatch, capsys):
    import tourlink.optimise.outer as outer

    def interrupted(request, **kw):
        raise KeyboardInterrupt
    monkeypatch.setattr(outer, "plan", interrupted)
    argv = ["plan", "--partnership", "test", "--days", "1", "--start", "Alpha", "--date", "2026-12-08"]
    assert main([*argv, "--out", str(tmp_path / "a" / "tour")]) == 130
    assert list(tmp_path.iterdir()) == []
