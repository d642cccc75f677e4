"""Tests of ``tourlink batch``: many requests on a Dask LocalCluster; a bad one does not stop the rest."""

from __future__ import annotations

import csv
import json

from tourlink.batch import read_requests
from tourlink.cli import main

ONE_DAY = {"partnership": "kien-giang--hau-giang", "start_date": "2026-12-10", "days": 1, "start": "Cần Thơ",
           "min_stops_per_partner": 0}


def test_read_requests_names_items_and_keeps_bad_ones(tmp_path):
    (tmp_path / "a.toml").write_text('partnership = "bac-giang--4"\nstart_date = 2026-12-10\ndays = 2\n'
                                     'start = "Bắc Giang"\n', encoding="utf-8")
    (tmp_path / "broken.toml").write_text("days = [[[", encoding="utf-8")
    lines = [json.dumps(ONE_DAY), "", json.dumps({**ONE_DAY, "dayz": 2}), "[1, 2]", "{not json"]
    (tmp_path / "v.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = read_requests([tmp_path / "a.toml", tmp_path / "broken.toml", tmp_path / "v.jsonl",
                           tmp_path / "missing.toml", tmp_path / "a.toml"])
    by = {i.name: i for i in items}
    assert list(by) == ["a", "broken", "v-1", "v-3", "v-4", "v-5", "missing", "a-2"]
    assert by["a"].data["days"] == 2 and not by["a"].error
    assert "not valid TOML" in by["broken"].error
    assert "unknown key 'dayz'" in by["v-3"].error
    assert "object" in by["v-4"].error and "not valid JSON" in by["v-5"].error
    assert "cannot read the file" in by["missing"].error


def test_batch_on_two_local_workers_six_requests_one_bad(tmp_path, capsys):
    requests = []
    for k, start in enumerate(["Cần Thơ", "Rạch Giá", "Vị Thanh", "Cần Thơ", "Hà Tiên"]):
        requests.append({**ONE_DAY, "start": start, "seed": k, "title": f"variant {k}"})
    requests.insert(3, {**ONE_DAY, "partnership": "no-such-programme"})  # fails in its worker
    src = tmp_path / "variants.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in requests) + "\n", encoding="utf-8")
    out = tmp_path / "runs"
    code = main(["-q", "batch", str(src), "--out", str(out), "--workers", "2", "--iterations", "100"])
    assert code == 2  # one request failed
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == f"tourlink: error: 1 of 6 requests failed (see {out / 'summary.csv'})"
    with open(out / "summary.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["name"] for r in rows] == [f"variants-{n}" for n in range(1, 7)]
    assert [r["status"] for r in rows] == ["ok", "ok", "ok", "error", "ok", "ok"]
    assert "no-such-programme" in rows[3]["error"]
    for r in rows:
        if r["status"] == "ok":
            assert int(r["visits"]) > 0 and float(r["km"]) > 0 and r["partners"] == "2", r
            assert (out / r["name"] / "itinerary.json").exists() and (out / r["name"] / "map.html").exists()
    assert not (out / "variants-4").exists()


def test_batch_refuses_bad_flags(tmp_path, capsys):
    assert main(["batch", str(tmp_path / "x.toml"), "--out", str(tmp_path), "--workers", "0"]) == 2
    assert "--workers 0" in capsys.readouterr().err
