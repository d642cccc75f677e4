"""Fuzzing the CLI: bad argv for every subcommand → exit 2, exactly one line on stderr, no traceback.

Every generated argv is broken before any real work starts (unknown flag, bad value, missing
file, bad date, days out of range, unknown id), so no solver or network load runs. The
argv is passed to :func:`tourlink.cli.main` in-process and stderr captured with ``capsys``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import strategies as S
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tourlink.cli import main

_DIR = Path(tempfile.mkdtemp(prefix="tourlink-fuzz-cli-"))
MISSING = str(_DIR / "no-such-file")
BROKEN_JSON = _DIR / "broken.json"
BROKEN_JSON.write_text('{"days": [', encoding="utf-8")
BROKEN_TOML = _DIR / "broken.toml"
BROKEN_TOML.write_text("days = = 3\n", encoding="utf-8")
BAD_REQUEST = _DIR / "bad-request.toml"
BAD_REQUEST.write_text('start_date = 2026-12-10\ndays = 0\nstart = "Cần Thơ"\n'
                       'partnership = "kien-giang--hau-giang"\n', encoding="utf-8")
BROKEN_YAML = _DIR / "broken.yaml"
BROKEN_YAML.write_text("- id: [unclosed\n", encoding="utf-8")
EMPTY_DIR = _DIR / "empty-bench"
EMPTY_DIR.mkdir()
OUT = str(_DIR / "out")

PLAN_OK = ["--partnership", "kien-giang--hau-giang", "--days", "3", "--start", "Cần Thơ",
           "--date", "2026-12-10"]

#: a flag no parser has (no option starts with --zz, so argparse cannot take it as an abbreviation)
unknown_flag = st.from_regex(r"--zz[a-z\-]{0,10}", fullmatch=True)
not_an_int = st.sampled_from(["x", "3.5", "", "three", "1e3", "0x10", "--"])
not_a_float = st.sampled_from(["x", "", "fast", "1,5", "--", "½"])
bad_date = st.sampled_from(["2026-13-01", "2026-02-30", "10/12/2026", "tomorrow", "2026-12", "", "2026-1-5"])
bad_days = st.one_of(st.integers(max_value=0), st.integers(min_value=15, max_value=10**6)).map(str)
junk_id = st.from_regex(r"zz-[a-z0-9\-]{0,12}", fullmatch=True)


def _replace(argv: list[str], flag: str, value: str) -> list[str]:
    out = list(argv)
    out[out.index(flag) + 1] = value
    return out


def _drop(argv: list[str], flag: str) -> list[str]:
    out = list(argv)
    i = out.index(flag)
    del out[i:i + 2]
    return out


@st.composite
def bad_plan_argv(draw) -> list[str]:
    """``plan`` (or ``demo``) argv that TourRequest or argparse rejects before any planning."""
    kind = draw(st.sampled_from(["days", "days_type", "date", "missing", "theme", "weight", "request",
                                 "seed", "time_limit", "overlap", "no_partner", "demo"]))
    argv = ["plan", *PLAN_OK]
    if kind == "days":
        return _replace(argv, "--days", draw(bad_days))
    if kind == "days_type":
        return _replace(argv, "--days", draw(not_an_int))
    if kind == "date":
        return _replace(argv, "--date", draw(bad_date))
    if kind == "missing":
        return _drop(argv, draw(st.sampled_from(["--days", "--start", "--date"])))
    if kind == "theme":
        return argv + ["--theme", draw(st.sampled_from(["beaches", "food", "x", "Heritage", "temple=2"]))]
    if kind == "weight":
        return argv + ["--theme", "heritage=" + draw(st.sampled_from(["abc", "-1", "11", "1e9", "x2"]))]
    if kind == "request":
        bad = st.sampled_from([MISSING + ".toml", str(BROKEN_TOML), str(BAD_REQUEST)])
        return ["plan", "--request", draw(bad)]
    if kind == "seed":
        return argv + ["--seed", draw(not_an_int)]
    if kind == "time_limit":
        return argv + ["--time-limit", draw(not_a_float | st.sampled_from(["0", "-1", "-0.5"]))]
    if kind == "overlap":
        return argv + ["--must", "cho-noi-cai-rang", "--exclude", "cho-noi-cai-rang"]
    if kind == "no_partner":
        return _drop(argv, "--partnership")
    return ["demo", "--time-limit", draw(not_a_float | st.sampled_from(["-1", "-0.5"]))]


@st.composite
def bad_other_argv(draw) -> list[str]:
    """argv of the other subcommands with a bad value, a missing file or an unknown id."""
    kind = draw(st.sampled_from(["provinces", "locate", "list", "partnerships", "show", "map", "destinations",
                                 "route", "export", "bench", "lang", "command"]))
    if kind == "provinces":
        return ["provinces", "resolve", "Zzq" + draw(st.from_regex(r"[a-z]{0,8}", fullmatch=True))]
    if kind == "locate":
        lon, lat = draw(st.sampled_from([("200", "10"), ("105", "95"), ("-181", "0"), ("0", "0"), ("x", "10"),
                                         ("105", ""), ("2.35", "48.85")]))
        return ["provinces", "locate", lon, lat]
    if kind == "list":
        return ["provinces", "list", "--scheme", draw(st.sampled_from(["1975", "new", "", "LEGACY"]))]
    if kind == "partnerships":
        return ["partnerships", "--file", draw(st.sampled_from([MISSING + ".yaml", str(BROKEN_YAML)]))]
    if kind == "show":
        return ["partnerships", "show", draw(junk_id)]
    if kind == "map":
        return ["partnerships", "map", draw(junk_id), "--out", str(_DIR / "m.html")]
    if kind == "destinations":
        if draw(st.booleans()):
            return ["destinations", "--partnership", draw(junk_id)]
        return ["destinations", "--partnership", "kien-giang--hau-giang", "--theme",
                draw(st.sampled_from(["beaches", "x", "Museum"]))]
    if kind == "route":
        return ["route", draw(st.sampled_from(["95,200", "-91,10", "10,181"])), "Cần Thơ"]
    if kind == "export":
        return draw(st.sampled_from([
            ["export", MISSING + ".json", "--out", OUT], ["export", str(BROKEN_JSON), "--out", OUT],
            ["export", str(BROKEN_JSON)], ["export", str(BROKEN_JSON), "--out", OUT, "--formats", "gpx,doc"],
            ["export", str(BROKEN_JSON), "--out", OUT, "--formats", ","]]))
    if kind == "bench":
        return draw(st.sampled_from([["bench", MISSING], ["bench", str(EMPTY_DIR), "--tours", "0"],
                                     ["bench", str(EMPTY_DIR), "--time-limit", "x"],
                                     ["bench", str(EMPTY_DIR), "--seed", "1.5"]]))
    if kind == "lang":
        return ["--lang", draw(st.sampled_from(["fr", "", "VI", "english"])), "partnerships"]
    return [draw(st.from_regex(r"[a-z]{1,10}", fullmatch=True).filter(
        lambda c: c not in ("provinces", "partnerships", "destinations", "route", "plan", "export", "bench",
                            "demo")))]


#: every subcommand (and the top level) with a flag no parser knows
SUBCOMMANDS = [[], ["provinces", "list"], ["provinces", "resolve", "Cần Thơ"], ["partnerships"],
               ["partnerships", "show", "bac-giang--4"], ["destinations", "--partnership", "bac-giang--4"],
               ["route", "Cần Thơ", "Rạch Giá"], ["plan", *PLAN_OK], ["export", MISSING, "--out", OUT],
               ["bench", MISSING], ["demo"]]


@st.composite
def unknown_flag_argv(draw) -> list[str]:
    base = draw(st.sampled_from(SUBCOMMANDS))
    at = draw(st.integers(0, len(base)))
    return base[:at] + [draw(unknown_flag)] + base[at:]


def _assert_one_line_exit_2(argv: list[str], capsys) -> None:
    capsys.readouterr()
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, f"tourlink {argv} exited {code}; stderr: {err!r}"
    assert err.count("\n") == 1 and err.endswith("\n"), f"tourlink {argv}: stderr is not one line: {err!r}"
    assert "Traceback" not in err and "unexpected error" not in err, err


FUZZ = dict(deadline=None, derandomize=True, database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@settings(max_examples=150, **FUZZ)
@given(argv=unknown_flag_argv())
def test_unknown_flags(argv, capsys):
    _assert_one_line_exit_2(argv, capsys)


@settings(max_examples=200, **FUZZ)
@given(argv=bad_plan_argv())
def test_bad_plan_and_demo_requests(argv, capsys):
    _assert_one_line_exit_2(argv, capsys)


@settings(max_examples=150, **FUZZ)
@given(argv=bad_other_argv())
def test_bad_values_files_and_ids(argv, capsys):
    _assert_one_line_exit_2(argv, capsys)


@pytest.mark.parametrize("argv", [["--verbose", "plan", "--days", "-3", "--start", "x",
                                   "--date", "2026-12-10", "--partnership", "p"]])
def test_verbose_still_one_line_for_bad_input(argv, capsys):
    _assert_one_line_exit_2(argv, capsys)


def test_export_of_a_folder(capsys):
    _assert_one_line_exit_2(["export", str(EMPTY_DIR), "--out", OUT], capsys)


@pytest.mark.parametrize("lon, lat", [("nan", "10"), ("105", "nan")])
def test_locate_not_a_finite_number(lon, lat, capsys):
    _assert_one_line_exit_2(["provinces", "locate", lon, lat], capsys)


def test_demo_time_limit_nan_is_rejected_early():
    from tourlink.cli.demo_cmd import demo_request
    from tourlink.errors import ValidationError
    with pytest.raises(ValidationError, match="time_limit"):
        demo_request(time_limit=float("nan"))


@pytest.mark.parametrize("argv", [
    ["plan", *_replace(PLAN_OK, "--start", "Zzqx")],
    ["plan", *_replace(PLAN_OK, "--partnership", "zz-nope")],
    ["plan", "--provinces", "Zzqland", *_drop(PLAN_OK, "--partnership")],
])
def test_plan_unknown_place_partnership_or_province(argv, capsys):
    """Unknown names found while loading the world (before any matrix or solve): exit 2, one line."""
    _assert_one_line_exit_2(argv, capsys)


def test_plan_error_on_a_non_terminal_stderr_is_only_the_error_line(capsys):
    capsys.readouterr()
    assert main(["plan", *_replace(PLAN_OK, "--start", "Zzqx")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tourlink: error:") and "\r" not in err, repr(err)


@pytest.mark.parametrize("argv", [["export", str(_DIR / "no\nsuch.json"), "--out", OUT],
                                  ["plan", "--request", str(_DIR / "a\nb.toml")],
                                  ["partnerships", "--file", str(_DIR / "p\r\nq.yaml")]])
def test_file_names_with_newlines_still_give_one_line(argv, capsys):
    _assert_one_line_exit_2(argv, capsys)


# ============================================================================ outputs that cannot be written
A_FILE = _DIR / "a-file"
A_FILE.write_text("not a folder\n", encoding="utf-8")


def test_export_into_a_path_under_a_file(capsys):
    src = _DIR / "good.json"
    _good_itinerary_obj().to_json(src)
    _assert_one_line_exit_2(["export", str(src), "--out", str(A_FILE / "pack"), "--formats", "gpx"], capsys)


def test_partnership_map_into_a_path_under_a_file(capsys):
    argv = ["-q", "partnerships", "map", "bac-giang--4", "--out", str(A_FILE / "m.html")]
    _assert_one_line_exit_2(argv, capsys)


def test_demo_into_a_path_under_a_file(capsys, monkeypatch):
    import tourlink.cli.plan_cmd as plan_cmd
    monkeypatch.setattr(plan_cmd, "plan_with_progress", lambda request, quiet: _good_itinerary_obj())
    _assert_one_line_exit_2(["-q", "demo", "--out", str(A_FILE / "demo")], capsys)


def test_plan_into_a_path_under_a_file(capsys, monkeypatch):
    import tourlink.cli.plan_cmd as plan_cmd
    monkeypatch.setattr(plan_cmd, "plan_with_progress", lambda request, quiet: _good_itinerary_obj())
    _assert_one_line_exit_2(["-q", "plan", *PLAN_OK, "--out", str(A_FILE / "tour")], capsys)


def test_bench_csv_under_a_file(shared_dir, capsys):
    folder = shared_dir / "bench" / "instances" / "toptw_solomon"
    if not (folder / "c101.txt").is_file() and not any(folder.glob("c101*")):
        pytest.skip("no TOPTW c101 instance in the shared folder")
    capsys.readouterr()
    code = main(["-q", "bench", str(folder), "--instances", "c101", "--time-limit", "0.2",
                 "--csv", str(A_FILE / "out.csv")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, (code, err)


@pytest.mark.parametrize("seed", ["-1", "4294967296"])
def test_bench_seed_outside_the_solver_range(shared_dir, seed, capsys):
    folder = shared_dir / "bench" / "instances" / "toptw_solomon"
    if not folder.is_dir():
        pytest.skip("no TOPTW instances in the shared folder")
    _assert_one_line_exit_2(["-q", "bench", str(folder), "--instances", "c101", "--time-limit", "0.2",
                             "--seed", seed], capsys)


def _good_itinerary_obj():
    from fixtures_itinerary import famtrip
    return famtrip()


# ============================================================================ export of odd itineraries
def _good_itinerary() -> dict:
    from fixtures_itinerary import famtrip
    return famtrip().to_dict()


@settings(max_examples=60, **FUZZ)
@given(case=S.junk_at_a_leaf(_good_itinerary()))
def test_export_of_an_itinerary_with_one_odd_value_never_crashes(case, capsys):
    """An itinerary.json with one odd value: exported (exit 0) or refused in one line (exit 2), never 1."""
    import json
    data, path = case
    src = _DIR / "odd.json"
    src.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    code = main(["-q", "export", str(src), "--out", str(_DIR / "odd-pack"), "--formats",
                 "json,gpx,kml,geojson,csv,xlsx,ics,html"])
    err = capsys.readouterr().err
    assert code in (0, 2), f"value at {path}: exit {code}: {err}"
    if code == 2:
        assert err.count("\n") == 1, err


# ============================================================================ token soup
_VOCAB = ["--partnership", "kien-giang--hau-giang", "bac-giang--4", "zz-x", "--days", "0", "3", "-2", "99",
          "--start", "Cần Thơ", "Zzq", "--date", "2026-12-10", "2026-13-40", "--theme", "heritage=2",
          "beaches", "--must", "--exclude", "cho-noi-cai-rang", "--no-sea", "--seed", "x", "--time-limit",
          "-1",
          "--out", str(A_FILE / "o"), "--request", str(BROKEN_TOML), "--provinces", "Hậu Giang", "--file",
          str(BROKEN_YAML), "--format", "csv", "geojson", "table", "--scheme", "legacy", "2025", "resolve",
          "list", "locate", "show", "map", "105.5", "10.0", "nan", "--", "-q", "--lang", "vi", "fr", "", " "]
_COMMANDS = [["plan"], ["demo"], ["provinces"], ["partnerships"], ["destinations"], ["export", MISSING]]


@settings(max_examples=200, **FUZZ)
@given(head=st.sampled_from(_COMMANDS), tail=st.lists(st.sampled_from(_VOCAB), max_size=8))
def test_token_soup_never_crashes(head, tail, capsys, monkeypatch):
    """Random argv from a vocabulary of flags and values: exit 0 or 2 (one line), never 1, never a solve.

    The planner is replaced by a stub that refuses, so an argv that happens to make a valid request
    costs nothing and still ends in exit 2.
    """
    import tourlink.cli.plan_cmd as plan_cmd
    from tourlink.errors import InfeasibleError

    def no_solver(request, quiet):
        raise InfeasibleError("stub planner: the fuzz test never solves")

    monkeypatch.setattr(plan_cmd, "plan_with_progress", no_solver)
    monkeypatch.chdir(_DIR)  # `demo` defaults to out/demo: keep it out of the work tree
    argv = [*head, *tail]
    capsys.readouterr()
    code = main(argv)
    err = capsys.readouterr().err
    assert code in (0, 2), f"tourlink {argv} exited {code}: {err!r}"
    assert "Traceback" not in err and "unexpected error" not in err, err
    if code == 2:
        assert err.count("\n") == 1, f"tourlink {argv}: {err!r}"
