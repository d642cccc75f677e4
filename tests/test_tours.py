"""Operator-grade tours: every example request and every bundled partnership for 2–5 days, planned
on the bundled catalogue, read by the operator's review (tourlink.review) — nothing flagged.

One world per partnership and start (module cache); small iteration counts keep the whole module
to a couple of minutes. Each plan also keeps what the solver planned (solver vs timed visits).
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

import pytest

from tourlink.optimise.outer import plan
from tourlink.request import TourRequest

ROOT = Path(__file__).resolve().parent.parent
ITERATIONS = 120
#: where a tour of each partnership starts (its host's hub)
STARTS = {"kien-giang--hau-giang": "Cần Thơ", "bac-giang--4": "Bắc Giang", "bac-giang--nghe-an": "Bắc Giang",
          "mekong-13--ha-noi": "Cần Thơ", "bac-giang--xaysomboun": "Bắc Giang"}
EXAMPLES = sorted(p.stem for p in (ROOT / "examples").glob("*.toml"))
PARTNERSHIPS = [(pid, days) for pid in STARTS for days in range(2, 6)]


@functools.cache
def _world(partnership: str | None, provinces: tuple[str, ...], start: str, end: str):
    from tourlink.optimise.world import load_world
    return load_world(TourRequest(partnership=partnership, provinces=provinces, start_date="2026-12-10",
                                  days=2, start=start, end=end))


def _plan(r: TourRequest):
    pytest.importorskip("tourlink.catalog")
    return plan(r, world=_world(r.partnership, r.provinces, r.start, r.end), max_iterations=ITERATIONS)


def _request(partnership: str, days: int) -> TourRequest:
    where = {"partnership": partnership}
    if partnership == "bac-giang--xaysomboun":  # no roads in Laos: the Vietnamese side, as the refusal says
        where = {"provinces": ("Bắc Giang",)}
    return TourRequest(**where, start_date=date(2026, 12, 10), days=days, start=STARTS[partnership])


def _clean(it) -> None:
    review = it.review()
    assert review.clean, review.text()
    assert it.meta["solver_visits"] == it.meta["timed_visits"], it.meta
    assert all(any(s.kind == "lunch" for s in d.stops) for d in it.days)


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_requests_are_clean(name):
    r = TourRequest.from_toml(ROOT / "examples" / f"{name}.toml")
    _clean(_plan(r))


@pytest.mark.parametrize(("partnership", "days"), PARTNERSHIPS, ids=[f"{p}-{d}d" for p, d in PARTNERSHIPS])
def test_partnership_tours_are_clean(partnership, days):
    it = _plan(_request(partnership, days))
    _clean(it)
    assert all(c.stops or c.reason for c in it.coverage)  # a partner with no stop says why
