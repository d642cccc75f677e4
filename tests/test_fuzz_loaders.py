"""Fuzzing the loaders: every broken file ends in a one-line TourlinkError that names the file.

Hypothesis draws a valid base (the bundled partnership entry, a plain request, the hand-made
famtrip itinerary, two user destinations) and breaks it (see ``tests/strategies.py``); the
loader must raise a :class:`~tourlink.errors.TourlinkError` subclass — never a KeyError, a
UnicodeDecodeError or a RecursionError — whose message is one line, names the file and, where
the break is in a field, names the field (and the row). Runs derandomised, so a run is
repeatable and CI-friendly; together the tests here draw well over 1,000 bad inputs.
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
import tempfile
from pathlib import Path

import pytest
import strategies as S
import yaml
from fixtures_itinerary import famtrip
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tourlink.errors import TourlinkError
from tourlink.itinerary import Itinerary
from tourlink.paths import data_file
from tourlink.request import TourRequest


def fuzz(n: int) -> settings:
    """Settings of a fuzz test: ``n`` examples, derandomised, no deadline, no example database."""
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

_DIR = Path(tempfile.mkdtemp(prefix="tourlink-fuzz-"))


def _file(name: str, payload: str | bytes) -> Path:
    path = _DIR / name
    if isinstance(payload, bytes):
        path.write_bytes(payload)
    else:
        path.write_text(payload, encoding="utf-8")
    return path


def _error_of(fn, path: Path) -> str:
    """Call ``fn(path)``; return the TourlinkError message (fail on success or another exception)."""
    try:
        fn(path)
    except TourlinkError as exc:
        msg = str(exc)
    else:
        pytest.fail(f"{getattr(fn, '__qualname__', fn)} accepted a broken file: {path.read_bytes()[:300]!r}")
    assert "\n" not in msg and "\r" not in msg, f"message is not one line: {msg!r}"
    assert path.name in msg, f"message does not name the file {path.name}: {msg!r}"
    return msg


# ====================================================================== requests (TOML)
@fuzz(300)
@given(S.broken_request_dict())
def test_broken_request_toml_names_file_and_field(case):
    data, field = case
    msg = _error_of(TourRequest.from_toml, _file("request.toml", S.toml_text(data)))
    assert field in msg, f"message does not name {field!r}: {msg!r}"


@fuzz(60)
@given(S.broken_toml_syntax)
def test_unparsable_toml_names_file(text):
    _error_of(TourRequest.from_toml, _file("syntax.toml", text))


@fuzz(40)
@given(S.non_utf8)
def test_request_toml_not_utf8(data):
    _error_of(TourRequest.from_toml, _file("latin.toml", data))


def test_request_toml_empty_and_missing_file():
    _error_of(TourRequest.from_toml, _file("empty.toml", ""))
    _error_of(TourRequest.from_toml, _DIR / "no-such-request.toml")


def test_request_toml_path_is_a_folder(tmp_path):
    folder = tmp_path / "req.toml"
    folder.mkdir()
    _error_of(TourRequest.from_toml, folder)


def test_request_time_limit_nan_is_rejected():
    msg = _error_of(TourRequest.from_toml, _file("nan.toml", S.toml_text({**S.REQUEST_BASE,
                                                                          "time_limit": float("nan")})))
    assert "time_limit" in msg


@pytest.mark.parametrize("value", ["2026-12-10T08:00:00", "2026-12-10T08:00:00+07:00", "2026-12-10 08:00:00"])
def test_request_start_date_with_a_time_of_day(value):
    from datetime import date

    from tourlink.errors import ValidationError
    rest = {k: v for k, v in S.REQUEST_BASE.items() if k != "start_date"}
    text = S.toml_text(rest) + f"start_date = {value}\n"
    try:
        r = TourRequest.from_toml(_file("datetime.toml", text))
    except ValidationError as exc:
        assert "start_date" in str(exc)
    else:
        assert type(r.start_date) is date, f"start_date kept as {r.start_date!r}"


def test_request_toml_with_a_utf8_bom_is_read():
    path = _file("bom.toml", b"\xef\xbb\xbf" + S.toml_text(S.REQUEST_BASE).encode("utf-8"))
    assert TourRequest.from_toml(path).days == S.REQUEST_BASE["days"]


def test_itinerary_json_with_a_utf8_bom_is_read():
    plain = _file("plain.json", famtrip().to_json())
    path = _file("bom.json", b"\xef\xbb\xbf" + famtrip().to_json().encode("utf-8"))
    assert Itinerary.from_json(path).to_dict() == Itinerary.from_json(plain).to_dict()


@pytest.mark.parametrize("seed", [-1, 2**32, 2**40])
def test_request_seed_outside_the_solver_range(seed):
    msg = _error_of(TourRequest.from_toml, _file("seed.toml", S.toml_text({**S.REQUEST_BASE, "seed": seed})))
    assert "seed" in msg


# ====================================================================== partnerships (YAML)
def _base_entry() -> dict:
    return yaml.safe_load(data_file("partnerships.yaml").read_text(encoding="utf-8"))[0]


def _load_partnerships(path: Path):
    from tourlink.partnerships import load_partnerships
    return load_partnerships(path)


@fuzz(200)
@given(S.broken_partnership_entries(_base_entry()))
def test_broken_partnership_entry_names_file_and_field(case):
    entries, word = case
    msg = _error_of(_load_partnerships, _file("partners.yaml", yaml.safe_dump(entries, allow_unicode=True)))
    if word:
        assert word in msg, f"message does not name {word!r}: {msg!r}"


@fuzz(40)
@given(S.broken_yaml_syntax)
def test_unparsable_or_unsafe_yaml_names_file(text):
    _error_of(_load_partnerships, _file("syntax.yaml", text))


@fuzz(100)
@given(S.yaml_garbled(yaml.safe_dump([_base_entry()], allow_unicode=True, sort_keys=False)))
def test_garbled_yaml_names_file(text):
    _error_of(_load_partnerships, _file("garbled.yaml", text))


def test_python_object_tag_is_rejected_by_the_safe_loader(tmp_path):
    from tourlink.errors import ValidationError
    path = tmp_path / "evil.yaml"
    path.write_text("- !!python/object/apply:os.system ['touch pwned']\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="evil.yaml"):
        _load_partnerships(path)
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


@fuzz(40)
@given(S.non_utf8)
def test_partnerships_not_utf8(data):
    _error_of(_load_partnerships, _file("latin.yaml", data))


def _alias_bomb(levels: int) -> str:
    """YAML whose aliases nest 9-fold ``levels`` times (9**levels strings when expanded)."""
    text = "- &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for i in range(1, levels):
        text += f"- &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n"
    return text + f"- id: a\n  members: [*a{levels - 1}]\n"


def test_yaml_alias_bomb_is_refused_quickly():
    import time
    t0 = time.perf_counter()
    msg = _error_of(_load_partnerships, _file("bomb.yaml", _alias_bomb(7)))
    assert time.perf_counter() - t0 < 0.5 and len(msg) < 2000


def test_partnerships_empty_and_missing_file():
    _error_of(_load_partnerships, _file("empty.yaml", ""))
    _error_of(_load_partnerships, _file("blank.yaml", "\n# only a comment\n"))
    _error_of(_load_partnerships, _DIR / "no-such-file.yaml")


# ====================================================================== itinerary (JSON)
GOOD_ITINERARY = famtrip().to_dict()


@fuzz(250)
@given(S.broken_itinerary_json(GOOD_ITINERARY))
def test_broken_itinerary_json_names_file(text):
    _error_of(Itinerary.from_json, _file("itinerary.json", text))


@fuzz(30)
@given(S.non_utf8)
def test_itinerary_not_utf8(data):
    _error_of(Itinerary.from_json, _file("latin.json", data))


def test_itinerary_empty_and_missing_file():
    _error_of(Itinerary.from_json, _file("empty.json", ""))
    _error_of(Itinerary.from_json, _DIR / "no-such-itinerary.json")


def test_itinerary_deeply_nested_json():
    _error_of(Itinerary.from_json, _file("deep.json", "[" * 100_000 + "]" * 100_000))


def test_itinerary_path_is_a_folder(tmp_path):
    folder = tmp_path / "itinerary.json"
    folder.mkdir()
    _error_of(Itinerary.from_json, folder)


def _set(path: tuple, value):
    def change(d: dict) -> None:
        target = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change




@pytest.mark.parametrize("path, value, word", [
    pytest.param(("days", 0, "stops", 0, "name"), 5, "name"),
    pytest.param(("days", 0, "stops", 1, "fee_vnd"), "abc", "fee_vnd"),
    pytest.param(("days", 0, "start", "lon"), 1000.0, "lon"),
    pytest.param(("days", 0, "start", "lat"), "1e999", "lat"),
    pytest.param(("days", 0, "legs", 0, "mode"), "teleport", "mode"),
    pytest.param(("days", 0, "stops", 0, "kind"), "alien", "kind"),
    pytest.param(("days", 0, "stops", 0, "arrive"), "0001-01-01T00:00+07:00", "arrive"),
    pytest.param(("days", 0, "stops", 0, "themes"), 5, "themes"),
    pytest.param(("days", 0, "legs", 0, "geometry"), [[1, 2, 3]], "geometry"),
    pytest.param(("days",), [], "days"),
])
def test_itinerary_values_of_the_wrong_type_or_range(path, value, word):
    """A parseable itinerary.json whose value is of the wrong type/range is refused, naming the file."""
    import copy
    import json
    data = copy.deepcopy(GOOD_ITINERARY)
    _set(path, value)(data)
    msg = _error_of(Itinerary.from_json, _file("typed.json", json.dumps(data, ensure_ascii=False)))
    assert word in msg, f"message does not name the field {word!r}: {msg}"


# ====================================================================== benchmark instance files
def _bench_parser(name: str):
    from tourlink.bench import ophs, toptw, ttdp
    return {"toptw": toptw.parse_toptw, "ophs": ophs.parse_ophs, "ttdp": ttdp.parse_ttdp}[name]


@pytest.mark.parametrize("fmt", ["toptw", "ophs", "ttdp"])
@fuzz(150)
@given(text=S.number_lines)
@example(text="0 0 0 0\n0 0 0 0 0 0 x")  # found by the fuzzer: toptw ValueError
@example(text="0 0 0 0\n0")  # ttdp IndexError
@example(text="1 1 1\n10\n5\n0 0 0\n1 1 nan\n1 1 1")  # ophs ValueError
def test_benchmark_instance_parsers_never_crash(fmt, text):
    """A garbled instance file parses or raises a one-line ValidationError naming it (never IndexError...)."""
    try:
        _bench_parser(fmt)(text, name="instance.txt")
    except TourlinkError as exc:
        assert "\n" not in str(exc) and "instance.txt" in str(exc)


@pytest.mark.parametrize("score", ["nan", "inf", "1e999"])
def test_ophs_non_finite_score(score):
    with pytest.raises(TourlinkError, match="instance.txt"):
        _bench_parser("ophs")(f"1 1 1\n10\n5\n0 0 0\n1 1 {score}\n1 1 1", name="instance.txt")


# ====================================================================== catalog (CSV / GeoJSON)
_HAS_CATALOG = importlib.util.find_spec("tourlink.catalog") is not None
needs_catalog = pytest.mark.skipif(not _HAS_CATALOG, reason="tourlink.catalog (engineer A2) not landed yet")


def _loader(name: str):
    catalog = importlib.import_module("tourlink.catalog")
    return getattr(catalog, name)


def _check_rows_message(msg: str, word: str, row: int | None, label: str) -> None:
    """``msg`` names ``word`` (or diagnoses a lat/lon swap) and, for a row break, the row label."""
    if word == "swap":  # the message should say the coordinates look swapped
        assert re.search(r"swap", msg, re.I), f"lat/lon swap not diagnosed: {msg!r}"
    else:
        assert word in msg, f"message does not name {word!r}: {msg!r}"
    if row is not None:
        where = f"row {row + 2}" if label == "row" else f"feature {row + 1}"  # CSV header is row 1
        assert where in msg, f"message does not name {where}: {msg!r}"


def test_valid_user_files_are_accepted(tmp_path):
    """The bases the fuzzers break are valid, so each break is what the loader rejects."""
    if not _HAS_CATALOG:
        pytest.skip("tourlink.catalog (engineer A2) not landed yet")
    dest = tmp_path / "dest.csv"
    dest.write_text(S.csv_text(list(S.DEST_ROWS), list(S.DEST_COLUMNS)), encoding="utf-8")
    assert len(_loader("destinations_from_file")(dest)) == 2
    gj = tmp_path / "dest.geojson"
    gj.write_text(S.geojson_text(list(S.DEST_ROWS), list(S.DEST_COLUMNS)), encoding="utf-8")
    assert len(_loader("destinations_from_file")(gj)) == 2
    lod = tmp_path / "lodging.csv"
    lod.write_text(S.csv_text(list(S.LODGING_ROWS), list(S.LODGING_COLUMNS)), encoding="utf-8")
    assert len(_loader("lodging_from_file")(lod)) == 2


_DEST_NUMERIC = ("lon", "lat", "visit_minutes", "fee_vnd", "score")
_LODGING_NUMERIC = ("lon", "lat", "price_vnd_per_night")


@needs_catalog
@fuzz(200)
@given(S.broken_rows(S.DEST_ROWS, S.DEST_COLUMNS, numeric=_DEST_NUMERIC))
def test_broken_destinations_csv(case):
    rows, cols, word, row = case
    msg = _error_of(_loader("destinations_from_file"), _file("destinations.csv", S.csv_text(rows, cols)))
    _check_rows_message(msg, word, row, "row")


@needs_catalog
@fuzz(100)
@given(S.broken_rows(S.DEST_ROWS, S.DEST_COLUMNS, numeric=_DEST_NUMERIC))
def test_broken_destinations_geojson(case):
    rows, cols, word, row = case
    path = _file("destinations.geojson", S.geojson_text(rows, cols))
    msg = _error_of(_loader("destinations_from_file"), path)
    _check_rows_message(msg, word, row, "feature")


@needs_catalog
@fuzz(60)
@given(S.broken_rows(S.LODGING_ROWS, S.LODGING_COLUMNS, numeric=_LODGING_NUMERIC))
def test_broken_lodging_geojson(case):
    rows, cols, word, row = case
    msg = _error_of(_loader("lodging_from_file"), _file("lodging.geojson", S.geojson_text(rows, cols)))
    _check_rows_message(msg, word, row, "feature")


@needs_catalog
@fuzz(100)
@given(S.broken_rows(S.LODGING_ROWS, S.LODGING_COLUMNS, numeric=_LODGING_NUMERIC))
def test_broken_lodging_csv(case):
    rows, cols, word, row = case
    msg = _error_of(_loader("lodging_from_file"), _file("lodging.csv", S.csv_text(rows, cols)))
    _check_rows_message(msg, word, row, "row")


@needs_catalog
@fuzz(150)
@given(S.broken_geojson_structure)
def test_broken_geojson_structure(text):
    _error_of(_loader("destinations_from_file"), _file("odd.geojson", text))


@needs_catalog
@pytest.mark.parametrize("value", ["inf", "1e400", "-inf"])
def test_infinite_integer_cell(value):
    rows = [dict(S.DEST_ROWS[0], visit_minutes=value), dict(S.DEST_ROWS[1])]
    path = _file("inf.csv", S.csv_text(rows, list(S.DEST_COLUMNS)))
    msg = _error_of(_loader("destinations_from_file"), path)
    assert "visit_minutes" in msg and "row 2" in msg


@needs_catalog
def test_unknown_province_in_user_file_is_reported():
    rows = [dict(S.DEST_ROWS[0], province_legacy="Kien Giangg"), dict(S.DEST_ROWS[1])]
    path = _file("prov.csv", S.csv_text(rows, list(S.DEST_COLUMNS)))
    msg = _error_of(_loader("destinations_from_file"), path)
    assert "Kien Giangg" in msg and "row 2" in msg


@needs_catalog
@fuzz(40)
@given(S.non_utf8, st.sampled_from(["destinations_from_file", "lodging_from_file"]),
       st.sampled_from(["csv", "geojson"]))
def test_catalog_files_not_utf8(data, loader, ext):
    _error_of(_loader(loader), _file(f"latin.{ext}", data))


@needs_catalog
@pytest.mark.parametrize("loader", ["destinations_from_file", "lodging_from_file"])
@pytest.mark.parametrize("name, payload", [
    ("empty.csv", ""), ("blank.csv", "\n\n"), ("empty.geojson", ""), ("nothing.geojson", "{}"),
    ("list.geojson", "[1, 2]"), ("cut.geojson", '{"type": "FeatureCollection", "features": ['),
    ("legacy.csv", S.csv_text(list(S.DEST_ROWS), list(S.DEST_COLUMNS)).encode("utf-8").decode("utf-8")
     .encode("utf-16")),
    ("table.xlsx", "PK\x03\x04"),
])
def test_catalog_empty_wrong_or_missing_files(loader, name, payload):
    path = _DIR / name
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    if payload is not None:
        _file(name, payload)
    _error_of(_loader(loader), path)


@needs_catalog
@pytest.mark.parametrize("loader", ["destinations_from_file", "lodging_from_file"])
def test_catalog_missing_file(loader):
    _error_of(_loader(loader), _DIR / "no-such-file.csv")


@needs_catalog
def test_every_problem_of_a_catalog_file_is_reported_at_once():
    from tourlink.errors import ValidationError
    rows = [dict(S.DEST_ROWS[0], lon="abc"),
            dict(S.DEST_ROWS[1], opening_hours="Mo-Xx 08:00-17:00", kind="shop")]
    path = _file("many.csv", S.csv_text(rows, [*S.DEST_COLUMNS, "colour"]))
    with pytest.raises(ValidationError) as e:
        _loader("destinations_from_file")(path)
    problems = e.value.problems
    assert len(problems) >= 4, problems
    text = " | ".join(problems)
    for needle in ("colour", "row 2 field lon", "row 3 field opening_hours", "row 3 field kind"):
        assert needle in text, (needle, problems)
    assert "4 problems" in str(e.value) or f"{len(problems)} problems" in str(e.value)


def test_every_problem_of_a_partnerships_file_is_reported_at_once():
    from tourlink.errors import ValidationError
    a, b = _base_entry(), _base_entry()
    a["themes"] = ["beaches"]
    b["id"], b["members"] = "second-one", [{"name": "Atlantis", "region": "Atlantis"}]
    del b["period"]
    path = _file("many.yaml", yaml.safe_dump([a, b], allow_unicode=True))
    with pytest.raises(ValidationError) as e:
        _load_partnerships(path)
    text = " | ".join(e.value.problems)
    for needle in ("entry 1", "beaches", "entry 2", "Atlantis", "period"):
        assert needle in text, (needle, e.value.problems)
