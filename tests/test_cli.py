"""The CLI frame: exit codes and one-line errors."""

from tourlink.cli import main


def test_help_exits_zero(capsys):
    assert main(["--help"]) == 0
    assert "exit codes" in capsys.readouterr().out


def test_unknown_subcommand_is_exit_2(capsys):
    assert main(["no-such-command"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error" in err


def test_no_subcommand_is_exit_2():
    assert main([]) == 2


def test_error_with_a_newline_in_a_file_name_is_one_line(capsys, tmp_path):
    assert main(["export", str(tmp_path / "no\nsuch.json"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no\\nsuch.json" in err


def test_write_under_a_file_is_exit_2(capsys, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code = main(["partnerships", "map", "kien-giang--hau-giang", "--out", str(blocker / "m.html")])
    assert code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_demo_writes_the_whole_pack(tmp_path, capsys):
    """`tourlink demo` in process: the famtrip, its summary and every pack file."""
    out = tmp_path / "demo"
    assert main(["-q", "--lang", "vi", "demo", "--out", str(out), "--time-limit", "3"]) == 0
    printed = capsys.readouterr().out
    assert "Ngày 1" in printed and "Nghỉ đêm" not in printed  # summary, not the printable page
    names = {p.name for p in out.iterdir()}
    assert {"itinerary.json", "map.html", "route.gpx", "route.kml", "route.kmz", "route.geojson",
            "timetable.csv", "timetable.xlsx", "calendar.ics", "itinerary.vi.html", "itinerary.en.html",
            "README.txt"} <= names
    assert not [n for n in names if n.endswith(".tmp")]


def test_a_huge_name_is_cut_and_suggestions_are_not_repeated(capsys):
    """Bug 10: a 100 KB name was echoed in full; a suggestion could appear twice."""
    from tourlink.errors import NotFoundError

    long_name = "x" * 100_000
    for argv in (["partnerships", "show", long_name], ["provinces", "resolve", long_name],
                 ["route", long_name, "Cần Thơ"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and len(err) < 1_100, len(err)
    e = NotFoundError("place", "Can Tho x", ["Cần Thơ", "Cần Thơ", "Cà Mau"])
    assert e.suggestions == ["Cần Thơ", "Cà Mau"] and str(e).count("'Cần Thơ'") == 1


def test_an_endless_time_limit_is_refused(capsys):
    """Bug 6: --time-limit 1e300 (or inf, nan) was a search that never ends."""
    for value in ("1e300", "inf", "nan"):
        assert main(["plan", "--partnership", "kien-giang--hau-giang", "--days", "2", "--start", "Cần Thơ",
                     "--date", "2026-12-10", "--time-limit", value]) == 2
        assert "give seconds in (0, 86400]" in capsys.readouterr().err
