"""Benchmark readers, verifiers, runner and the ``tourlink bench`` CLI."""

from __future__ import annotations

import csv
import json
import math

import pytest

from tourlink.bench import ophs, runner, toptw, ttdp
from tourlink.cli import main
from tourlink.errors import NotFoundError, ValidationError

# header broken across lines, `D Q` line with D missing: parse by tokens
TOPTW_TEXT = """4 10 3
 1
200
0 0.00 0.00 0.00 0.00 0 0 0 100
1 3.00 4.00 10.00 7.00 1 1 1 0 50
2 0.00 5.50 5.00 4.00 1 2 1 2 0 20
3 30.00 40.00 1.00 9.00 1 0 0 90
"""
OPHS_TEXT = """5\t1\t2
20
8.0\t12.0\t
0\t0\t0
0\t6\t0
3\t0\t0
3\t4\t5
0\t3\t2
6\t0\t7
---------------------------------
"""
TTDP_TEXT = """20 2 6 2 9 250 10 10 10 10 10 10 10 10 10 10
0 0 0 0 0 100 200
1 3.33 4 10 7 4 0 0 110 150 110 150 110 150 110 150 110 150 0 1439 0
2 0 5 10 4 4 0 1439 0 0 0 0 0 0 0 0 0 0 0 0 0
"""


def test_toptw_reader_tokens_and_exact_travel():
    inst = toptw.parse_toptw(TOPTW_TEXT, name="tiny")
    assert inst.n == 4 and inst.close[0] == 100 and inst.score == (0, 7, 4, 9)
    assert inst.open[2] == 0 and inst.close[2] == 20 and inst.service[1] == 10
    assert inst.precision == 1 and inst.unit == 10  # Solomon-style coordinates: tenths
    mat = toptw.travel_units(inst)
    assert mat[0, 1] == 50 and mat[0, 2] == 55 and mat[1, 2] == 33  # hypot(3, 1.5) = 3.354
    p = toptw.problem(inst, 2)
    assert len(p.vehicles) == 2 and p.vehicles[0].tw_late == 1000 and p.clients[0].service == 100
    score, problems = toptw.verify(inst, [[2, 1]], tours=1)  # 5.5 + 5 + 3.3 = 13.8 <= 50; back 23.8
    assert score == 11 and problems == []
    score, problems = toptw.verify(inst, [[1, 2]], tours=1)  # vertex 2 would start at 18.3 <= 20
    assert problems == []
    assert toptw.verify(inst, [[3, 1]], tours=1)[1]  # 3 is 50 away, 1 closes at 50 after it
    assert "visited twice" in " ".join(toptw.verify(inst, [[1], [1]], tours=2)[1])
    with pytest.raises(ValidationError):
        toptw.parse_toptw("4 10 3 1\n0 200\n0 0 0 0 0 0 0 100\n", name="short")


# Cordeau-style (pr01-pr20): three-decimal coordinates, travel truncated to two decimals. Vertex 1
# is 1.019 from the depot and must start by 1.0: 1.0 at one decimal (fits), 1.01 at two (late).
PR_TEXT = """4 10 2 1
0 200
0 0.000 0.000 0 0 0 0 0 100
1 0.000 1.019 0 5 1 1 1 0 1
2 0.000 2.500 0 3 1 1 1 0 50
"""


def test_toptw_cordeau_files_use_two_decimals(tmp_path):
    inst = toptw.parse_toptw(PR_TEXT, name="pr-like")
    assert inst.precision == 2 and inst.unit == 100
    mat = toptw.travel_units(inst)
    assert mat[0, 1] == 101 and mat[0, 2] == 250
    assert toptw.verify(inst, [[1]], tours=1)[1]  # starts at 1.01 > 1: breaks the window
    assert toptw.verify(inst, [[2]], tours=1) == (3, [])
    p = toptw.problem(inst, 1)
    assert p.clients[0].tw_late == 100 and p.vehicles[0].tw_late == 10_000
    (tmp_path / "pr99.txt").write_text(PR_TEXT, encoding="utf-8")
    out = runner.solve_file(tmp_path / "pr99.txt", "toptw", max_iterations=200, time_limit=None)
    assert out.feasible and out.score == 3  # vertex 1 cannot be served at the published precision


def test_ophs_reader_and_float_verifier():
    inst = ophs.parse_ophs(OPHS_TEXT, name="tiny")
    assert inst.n_hotels == 3 and inst.trips == 2 and inst.trip_limits == (8.0, 12.0)
    assert inst.score == (0, 0, 0, 5, 2, 7)
    assert ophs.sequences(inst) == [(0,), (1,), (2,)]
    assert ophs.scaled_lengths(inst)[0, 3] == 50_000  # exactly 5
    # hotel 2 at (3,0): trip 1 0 -> POI 4 (0,3) -> hotel 2 = 3 + hypot(3,3)=7.24 <= 8
    score, problems = ophs.verify(inst, (2,), [[4], [3]])  # trip 2: (3,0)->(3,4)->(0,6) = 4 + 3.6
    assert score == 7 and problems == []
    assert ophs.verify(inst, (2,), [[5, 4], []])[1]  # 6 + 6.7 + 4.2 > 8


def test_ophs_integer_lengths_never_exceed_floats(shared_dir):
    path = shared_dir / "bench/instances/ophs/SET_1-2/64-45-1-2.ophs"
    if not path.exists():
        pytest.skip("OPHS instances absent")
    inst = ophs.read_ophs(path)
    assert inst.n_hotels == 3 and inst.trip_limits == (23.2133, 21.2169) and len(inst.x) == 3 + 62
    mat = ophs.scaled_lengths(inst)
    for a, b in [(0, 5), (3, 40), (64, 1)]:
        exact = math.hypot(inst.x[a] - inst.x[b], inst.y[a] - inst.y[b]) * ophs.SCALE
        assert exact - 1 < mat[a, b] <= exact


def test_ttdp_reader_weekday_windows_and_copies():
    inst = ttdp.parse_ttdp(TTDP_TEXT, name="tiny")
    assert inst.days == 2 and inst.start_weekday == 6
    assert inst.window(1, 0) == (0, 1439)  # Saturday (6)
    assert inst.window(1, 1) is None  # Sunday (0) closed
    assert inst.window(2, 1) == (0, 1439) and inst.window(2, 0) is None
    p = ttdp.problem(inst)
    assert [c.name for c in p.clients] == ["1@1", "2@2"]  # one copy per open day
    assert p.vehicles[1].tw_early == ttdp.DAY + 10_000 and p.vehicles[1].tw_late == ttdp.DAY + 20_000
    assert p.duration[0, 1] == 520  # hypot(3.33, 4) = 5.2047 truncated to 5.20
    assert ttdp.verify(inst, [[1], [2]]) == (11, [])
    assert "closed" in " ".join(ttdp.verify(inst, [[2], []])[1])


def test_readers_parse_the_shared_instances(shared_dir):
    base = shared_dir / "bench/instances"
    if not base.is_dir():
        pytest.skip("benchmark instances absent")
    c101 = toptw.read_toptw(base / "toptw_solomon/c101.txt")
    assert c101.n == 101 and c101.close[0] == 1236 and c101.score[1] == 10
    assert all(toptw.read_toptw(p).n == 101 for p in sorted((base / "toptw_solomon").glob("r1*.txt")))
    t101 = ttdp.read_ttdp(base / "ttdp_gavalas/t101.txt")
    assert t101.days == 1 and t101.start_weekday == 5 and len(t101.x) == 102
    assert runner.detect_format(base / "toptw_solomon") == "toptw"
    assert runner.detect_format(base / "ophs") == "ophs"
    assert runner.detect_format(base / "ttdp_gavalas") == "ttdp"


def _write(tmp_path, name, text):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(text)
    return tmp_path


def test_runner_on_inline_instances(tmp_path):
    folder = _write(tmp_path / "toptw", "tiny.txt", TOPTW_TEXT)
    _write(folder, "TOPTW_format.txt", "format description, not an instance")
    bks = tmp_path / "bks.csv"
    bks.write_text("instance,m,bks,source\ntiny,1,11,hand\n")
    rows = runner.run(folder, time_limit=None, max_iterations=100, bks=bks, csv=tmp_path / "out.csv")
    assert rows == [{"instance": "tiny", "tours": 1, "score": 11, "bks": 11, "gap_pct": 0.0, "feasible": True,
                     "seconds": rows[0]["seconds"]}]
    with (tmp_path / "out.csv").open() as fh:
        assert next(csv.reader(fh)) == list(runner.COLUMNS)
    rows = runner.run(_write(tmp_path / "ophs", "tiny.ophs", OPHS_TEXT), time_limit=None, max_iterations=100)
    assert rows[0]["score"] == 14 and rows[0]["feasible"] and rows[0]["gap_pct"] == ""  # 5 + 2 + 7
    rows = runner.run(_write(tmp_path / "ttdp", "tiny.txt", TTDP_TEXT), time_limit=None, max_iterations=100)
    assert rows[0]["score"] == 11 and rows[0]["tours"] == 2 and rows[0]["feasible"]
    with pytest.raises(NotFoundError):
        runner.run(folder, time_limit=None, max_iterations=10, instances=["nope"])


def test_bench_cli_on_two_shared_instances(shared_dir, tmp_path, capsys):
    folder = shared_dir / "bench/instances/toptw_solomon"
    if not folder.is_dir():
        pytest.skip("TOPTW instances absent")
    out = tmp_path / "res.csv"
    # --time-limit 0.3 with 2 tours keeps this short; the score is verified against the instance
    code = main(["bench", str(folder), "--instances", "c101,r101", "--tours", "2", "--time-limit", "0.3",
                 "--bks", str(shared_dir / "bench/bks/toptw.csv"), "--csv", str(out)])
    assert code == 0
    with out.open() as fh:
        rows = list(csv.DictReader(fh))
    assert [r["instance"] for r in rows] == ["c101", "r101"]
    assert all(r["feasible"] == "True" and r["tours"] == "2" and int(r["score"]) > 0 for r in rows)
    assert all(r["bks"] == "" for r in rows)  # the BKS file holds m = 1 only
    assert capsys.readouterr().out.splitlines()[0] == ",".join(runner.COLUMNS)


def test_bench_cli_bad_input(tmp_path, capsys):
    assert main(["bench", str(tmp_path / "missing")]) == 2
    assert main(["bench", str(tmp_path), "--tours", "0"]) == 2
    assert "--tours must be at least 1" in capsys.readouterr().err
    afile = tmp_path / "afile"
    afile.write_text("x")
    assert main(["bench", str(tmp_path), "--csv", str(afile / "out.csv")]) == 2  # before any solving
    assert "cannot write there" in capsys.readouterr().err


@pytest.mark.parametrize("parse, text", [
    (toptw.parse_toptw, "0 0 0 0\n0 0 0 0 0 0 x"), (toptw.parse_toptw, "4 1 0 1\n0 0\n0 nan 0 0 0 0 0 0 9"),
    (ophs.parse_ophs, "1 1 1\n10\n5\n0 0 0\n1 1 nan\n1 1 1"), (ophs.parse_ophs, "1 1 1\n10\n5\n0 0 1e999"),
    (ttdp.parse_ttdp, "0 0 0 0\n0"), (ttdp.parse_ttdp, TTDP_TEXT.replace("3.33", "inf")),
])
def test_garbled_instances_give_one_validation_error(parse, text):
    with pytest.raises(ValidationError, match="bad.txt"):
        parse(text, name="bad.txt")


def test_bench_cli_solutions_and_iterations_are_repeatable(tmp_path, capsys):
    folder = _write(tmp_path / "toptw", "tiny.txt", TOPTW_TEXT)
    runs = []
    for k in (1, 2):
        sols = tmp_path / f"sols{k}"
        args = ["bench", str(folder), "--iterations", "150", "--seed", "3", "--solutions", str(sols)]
        assert main(args) == 0
        runs.append(json.loads((sols / "tiny-m1.json").read_text()))
    capsys.readouterr()
    assert runs[0] == runs[1]
    sol = runs[0]
    assert sol["feasible"] and sol["score"] == 11
    inst = toptw.parse_toptw(TOPTW_TEXT)
    assert toptw.verify(inst, sol["routes"], tours=sol["tours"]) == (11, [])  # anyone can re-check it
    ophs_dir = _write(tmp_path / "ophs", "tiny.ophs", OPHS_TEXT)
    assert main(["bench", str(ophs_dir), "--iterations", "100", "--solutions", str(tmp_path / "o")]) == 0
    o = json.loads((tmp_path / "o" / "tiny-m2.json").read_text())
    hotels = o["hotels"]
    assert hotels[0] == 0 and hotels[-1] == 1 and len(o["routes"]) == 2
    assert ophs.verify(ophs.parse_ophs(OPHS_TEXT), tuple(hotels[1:-1]), o["routes"]) == (o["score"], [])


@pytest.mark.parametrize("flags", [["--time-limit", "0"], ["--time-limit", "-1"], ["--time-limit", "nan"],
                                   ["--iterations", "0"]])
def test_bench_cli_refuses_bad_budgets(tmp_path, capsys, flags):
    folder = _write(tmp_path / "toptw", "tiny.txt", TOPTW_TEXT)
    assert main(["bench", str(folder), *flags]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and flags[0] in err[0]


def test_scaled_instances_are_bigger_longer_and_repeatable(shared_dir, tmp_path):
    from tourlink.bench import scaled
    base = shared_dir / "bench/instances"
    if not base.is_dir():
        pytest.skip("benchmark instances absent")
    name, text = scaled.scale_toptw(base / "toptw_solomon/c101.txt", 3)
    assert (name, text) == scaled.scale_toptw(base / "toptw_solomon/c101.txt", 3)  # same every time
    (tmp_path / "c.txt").write_text(text)
    big, c101 = toptw.read_toptw(tmp_path / "c.txt"), toptw.read_toptw(base / "toptw_solomon/c101.txt")
    assert big.n == 301 and big.close[0] == 3 * c101.close[0] and big.precision == 1
    assert big.open[201] == c101.open[1] + 2 * c101.close[0] and big.score[201] == c101.score[1]
    assert abs(big.x[201] - c101.x[1]) <= 5 and big.x[1] == c101.x[1]
    name, text = scaled.scale_ophs(base / "ophs/SET_1-2/64-45-1-2.ophs")
    (tmp_path / "o.ophs").write_text(text)
    o, src = ophs.read_ophs(tmp_path / "o.ophs"), ophs.read_ophs(base / "ophs/SET_1-2/64-45-1-2.ophs")
    assert o.trips == 4 and o.n_hotels == 5 and len(o.x) - o.n_hotels == 2 * (len(src.x) - src.n_hotels)
    assert len(ophs.sequences(o)) == 125


def test_ranked_hotel_screening_solves_only_the_best_ranked(monkeypatch):
    from tourlink.optimise import hotels
    inst = ophs.parse_ophs(OPHS_TEXT, name="tiny")
    lengths = ophs.scaled_lengths(inst)
    built = []

    def build(seq):
        built.append(seq)
        return ophs.problem(inst, seq, lengths=lengths)
    value = {s: ophs.sequence_value(inst, s, lengths) for s in ophs.sequences(inst)}
    seq, sol = hotels.best_sequence(build, ophs.sequences(inst), max_iterations=50, time_limit=None,
                                    rank=lambda s: value[s], screen=1, keep=1)
    best_ranked = max(value, key=value.get)
    assert set(built) == {best_ranked} and seq == best_ranked and sol.feasible
    assert ophs.sequence_value(inst, (0,), lengths) == 7.0  # POIs 3, 4; 5 is out of reach
