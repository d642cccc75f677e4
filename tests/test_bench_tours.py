"""The real-tours benchmark: tour files, reference digests, staleness, one planned tour."""

from __future__ import annotations

from pathlib import Path

import pytest

from tourlink.bench import tours as bt
from tourlink.optimise.world import load_world

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = (ROOT / "examples", ROOT / "benchmarks" / "tours")


def _bench_plan():
    """The benchmark script as a module."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("bench_plan", ROOT / "benchmarks" / "bench_plan.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_tour_file_is_a_request_over_a_bundled_partnership():
    tours = bt.load_tours(*FOLDERS)
    names = [t.name for t in tours]
    assert len(names) == len(set(names)) >= 9
    assert {"ex-mekong-5-days", "ex-famtrip-kien-giang-hau-giang", "ex-bac-giang-ve-nguon"} <= set(names)
    from tourlink.partnerships import load_partnerships
    bundled = load_partnerships()
    # every partnership has a tour: by its id, or (a partner abroad) by its Vietnamese provinces
    vietnamese = {pid: {r.name for r in p.regions} for pid, p in bundled.items()}
    covered = {t.request.partnership for t in tours} | {
        pid for t in tours if not t.request.partnership
        for pid, names in vietnamese.items() if names == set(t.request.provinces)}
    assert covered - {None} == set(bundled)
    assert max(t.request.days for t in tours) >= 7 and min(t.request.days for t in tours) == 2


def test_request_digest_ignores_seed_and_budget_of_time_only(tmp_path):
    req = bt.load_tours(ROOT / "examples")[0].request
    d = bt.request_digest(req)
    assert bt.request_digest(req.replace(seed=7, time_limit=3.0, title="x")) == d
    assert bt.request_digest(req.replace(days=req.days + 1)) != d
    assert bt.request_digest(req.replace(max_road_hours=req.max_road_hours + 1)) != d


def test_data_digests_split_catalogue_and_network(tmp_path):
    for name, text in (("destinations.csv", "a"), ("roads_edges.csv.gz", "b"), ("rates.csv", "c"),
                       ("README.md", "d")):
        (tmp_path / name).write_text(text)
    first = bt.data_digests(tmp_path)
    (tmp_path / "rates.csv").write_text("other rates")  # prices do not change plans
    (tmp_path / "README.md").write_text("other words")
    assert bt.data_digests(tmp_path) == first
    (tmp_path / "roads_edges.csv.gz").write_text("other roads")
    second = bt.data_digests(tmp_path)
    assert second["catalogue"] == first["catalogue"] and second["network"] != first["network"]
    (tmp_path / "destinations.csv").write_text("other places")
    assert bt.data_digests(tmp_path)["catalogue"] != second["catalogue"]
    assert set(first) == {"catalogue", "network"}


def test_stale_references_are_named_and_never_compared(tmp_path):
    bench_plan = _bench_plan()
    now = {"request": "r1", "catalogue": "c1", "network": "n1"}
    ref = {"tour": "t", "reference": "200.0", **now}
    row = {"tour": "t", "score": 198.0}
    assert bench_plan.compare(row, ref, now)["gap_pct"] == 1.0
    assert bench_plan.compare(row, ref, now)["status"] == "current"
    old = bench_plan.compare(row, {**ref, "network": "n0"}, now)
    assert old["gap_pct"] == "" and old["status"] == "stale: network"
    assert bench_plan.compare({"tour": "t", "score": 201.0}, ref, now)["status"] == "beaten"
    assert bench_plan.compare(row, None, now)["status"] == "no reference"
    rescored = bench_plan.compare(row, ref, now, score=190.0)  # the scoring rule changed
    assert rescored["gap_pct"] == "" and rescored["status"] == "stale: rules"
    assert bench_plan.compare(row, ref, now, score=200.0)["status"] == "current"
    # a higher score bought by leaving out a partner the reference covers is no better tour
    short = bench_plan.compare({"tour": "t", "score": 230.0, "left_out": 2}, ref, now, score=200.0,
                               left_out=1)
    assert short["gap_pct"] == "" and short["status"] == "1 more partner(s) left out"
    assert bench_plan.compare({**row, "left_out": 1}, ref, now, left_out=1)["gap_pct"] == 1.0
    refs = {"t": {**ref, "runs": 3}}
    path = tmp_path / "plan.csv"
    path.write_text(bt.references_csv(refs), encoding="utf-8")
    assert bt.read_references(path)["t"]["network"] == "n1"
    assert bt.read_references(tmp_path / "absent.csv") == {}


def test_several_seeds_are_summed_up_per_seed_and_per_tour():
    import argparse
    bench_plan = _bench_plan()
    rows = [{"tour": "a", "seed": 0, "gap_pct": 0.5}, {"tour": "b", "seed": 0, "gap_pct": 2.0},
            {"tour": "a", "seed": 1, "gap_pct": 1.5}, {"tour": "b", "seed": 1, "gap_pct": -1.0},
            {"tour": "c", "seed": 1, "gap_pct": ""},
            {"tour": "d", "seed": 1, "gap_pct": "", "status": "1 more partner(s) left out"}]
    text = bench_plan.summary(rows)
    assert "seed 0: mean 1.25 %, max 2.00 %, within 1 %: 1/2 (partners left out: 0; stale or missing: 0)" \
        in text
    assert "seed 1: mean 0.25 %, max 1.50 %, within 1 %: 1/3 (partners left out: 1; stale or missing: 1)" \
        in text
    assert "worst   1.50 %, within 1 % at 1/2 seeds" in text.split("\n")[2]
    assert "c " not in text  # no gap at any seed: no tour line
    d_line = "d worst - , within 1 % at 0/1 seeds (1 leaving out a partner)"
    assert text.split("\n")[4].split() == d_line.split()
    one = bench_plan.summary(rows[:2])
    assert one.startswith("gap to reference: mean 1.25 %") and "worst" not in one
    assert "objective" not in text  # no run weighed on the planner's objective: no line
    weighed = [{**rows[0], "objective_gap_pct": -0.5}, {**rows[1], "objective_gap_pct": 1.0}, rows[2]]
    assert ("own objective (worth less road and day costs): at or above the reference's at 1/2 runs, "
            "mean gap 0.25 %, worst 1.00 %") in bench_plan.summary(weighed)
    assert bench_plan._seeds("0,1,2") == [0, 1, 2]
    with pytest.raises(argparse.ArgumentTypeError, match="integers"):
        bench_plan._seeds("0,x")


def test_a_tour_is_planned_checked_and_described_day_by_day():
    tour = next(t for t in bt.load_tours(*FOLDERS) if t.name == "bg-xs-2d")
    row = bt.plan_tour(tour, max_iterations=200)
    assert row["feasible"] and row["score"] > 0
    days = row["by_day"].split(" | ")
    assert len(days) == tour.request.days
    assert sum(len(d.split()) for d in days) == row["visits"]
    assert bt.rescore(tour.request, row["by_day"]) == row["score"]  # what makes a reference current
    assert bt.judge(tour.request, row["by_day"]) == (row["score"], row["left_out"])
    assert bt.rescore(tour.request, "no-such-place") == -1.0


@pytest.mark.parametrize(("score", "worth_it"), [(95, True), (45, False)])
def test_the_objective_weighs_a_far_sight_against_its_road_and_time(score, worth_it):
    # the one-day tour of test_plan's flagship test: a sight 40 km out (an 80-minute round trip)
    # raises the objective when it is a flagship, lowers it when minor, wherever the day takes it
    from test_plan import _row, make_world, plan, req

    from tourlink.optimise.planning import Planning
    from tourlink.optimise.polish import worth
    extra = [_row("af", "A far sight", 40, 0, "01", score=score, kind="viewpoint", themes="nature",
                  visit_minutes=60, opening_hours="Mo-Su 07:30-17:00", fee_vnd=0)]
    r = req(days=1, pace=3, dawn=False, sea=False, min_stops_per_partner=0)
    world = make_world(r, extra=extra)
    without = bt.objective(r, "", "a2 a1", world=world)
    # the planner's own day without it, from its itinerary: a point per 10 minutes of the day,
    # two more per 10 minutes on the road (one province: no border allowance)
    (day,) = plan(r, world=make_world(r), max_iterations=300).days
    assert [s.id for s in day.stops if s.kind == "destination"] == ["a2", "a1"]
    minutes = (day.end.arrive - day.start.depart).total_seconds() / 60
    road = sum(leg.minutes for leg in day.legs)
    assert without == pytest.approx(worth(Planning(world, r), ["a2", "a1"]) / 10 - (minutes + 2 * road) / 10)
    for day in ("a2 af a1", "a1 af a2", "af a2 a1"):
        assert (bt.objective(r, "", day, world=world) > without) == worth_it
    assert bt.objective(r, "", "a2 a1", world=world) > bt.objective(r, "", "a2", world=world)
    # a plan the request has no such nights for, a place unknown, a day too many: not weighed
    assert bt.objective(r, "h-beta", "a2 a1", world=world) is None
    assert bt.objective(r, "", "a2 no-such-place", world=world) is None
    assert bt.objective(r, "", "a2 | a1", world=world) is None


def test_the_objective_splits_a_crossing_day_where_its_order_allows():
    # the famtrip's reference: day 2 drives to the pier, takes the boat to Phú Quốc and visits there
    tour = next(t for t in bt.load_tours(*FOLDERS) if t.name == "ex-famtrip-kien-giang-hau-giang")
    ref = bt.read_references(ROOT / "benchmarks" / "references" / "plan.csv")[tour.name]
    world = load_world(tour.request)
    days = ref["visits"].split(" | ")
    weighed = bt.objective(tour.request, ref["plan"], ref["visits"], world=world)
    assert weighed is not None and weighed < bt.judge(tour.request, ref["visits"], world=world)[0]
    # the day in reverse puts island visits before the boat: no split of that order can drive it
    day2 = " ".join(reversed(days[1].split()))
    reverse = " | ".join([days[0], day2, *days[2:]])
    assert bt.objective(tour.request, ref["plan"], reverse, world=world) is None
    # nor can day 2's visits go on day 3, spent on the island
    assert bt.objective(tour.request, ref["plan"], " | ".join([days[0], days[2], days[1], days[3]]),
                        world=world) is None


def test_the_profile_says_where_a_plans_time_goes(tmp_path, capsys):
    import csv
    bench_plan = _bench_plan()
    out = tmp_path / "plan.csv"
    assert bench_plan.main(["--profile", "--only", "kg-hg-2d", "--iterations", "60", "--csv", str(out)]) == 0
    (row,) = csv.DictReader((tmp_path / "plan_profile.csv").read_text().splitlines())
    t = {k: float(v) for k, v in row.items() if k != "tour"}
    assert t["score"] > 0 and t["night_plan"] > 0 and t["rounds"] > 0 and t["build"] > 0
    # nested phases: PyVRP runs inside choosing the night plan and the rounds; all inside the plan
    assert 0 < t["pyvrp"] <= t["night_plan"] + t["rounds"] + 0.05
    assert t["matrix"] <= t["world"] and t["world"] + t["night_plan"] + t["rounds"] <= t["total"] + 0.3
    assert "kg-hg-2d" in capsys.readouterr().out


def test_a_reference_run_in_this_process_is_kept_with_its_runs(tmp_path, monkeypatch):
    bench_plan = _bench_plan()
    refs = tmp_path / "plan.csv"
    monkeypatch.setattr(bench_plan, "REFERENCES", refs)
    assert bench_plan.main(["--make-reference", "--only", "kg-hg-2d", "--seeds", "1", "--seconds", "1",
                            "--jobs", "1"]) == 0
    row = bt.read_references(refs)["kg-hg-2d"]
    assert row["runs"] == "1" and float(row["seconds_per_run"]) == 1.0 and row["clock"] == "wall"
    tour = next(t for t in bt.load_tours(*FOLDERS) if t.name == "kg-hg-2d")
    assert bt.rescore(tour.request, row["visits"]) == float(row["reference"]) > 0
