"""Many requests planned in parallel on Dask: :func:`read_requests` and :func:`run_batch`.

A batch is a list of request files: TOML (one request each) or JSON lines (one request per
non-empty line). Each request is planned by :func:`tourlink.plan` on a Dask cluster — a
``LocalCluster`` by default, or an existing scheduler — and one bad request never stops the
others: it becomes a row with its error. :func:`summary_rows` turns the results into the rows of
``summary.csv`` (ok or the error, score, km, coverage, price, review flags).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tourlink.errors import ValidationError
from tourlink.request import TourRequest

#: columns of summary.csv
COLUMNS = ("name", "source", "status", "error", "days", "visits", "km", "road_hours", "score",
           "partners_covered", "partners", "coverage", "price_per_guest_vnd", "review_flags")


@dataclass(frozen=True)
class Item:
    """One request of a batch: its name (unique), where it came from, and its data or the error."""

    name: str
    source: str
    data: dict[str, Any] | None = None
    error: str = ""


@dataclass(frozen=True)
class Result:
    """What planning an item gave: the itinerary (``to_dict`` form) or the error."""

    item: Item
    itinerary: dict[str, Any] | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.itinerary is not None


def read_requests(paths: Iterable[str | Path]) -> list[Item]:
    """The items of the request files ``paths``; unreadable files and bad lines become failed items."""
    items: list[Item] = []
    seen: set[str] = set()

    def name_for(stem: str) -> str:
        name, k = stem, 2
        while name in seen:
            name, k = f"{stem}-{k}", k + 1
        seen.add(name)
        return name

    for path in map(Path, paths):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            why = getattr(exc, "strerror", None) or str(exc)
            items.append(Item(name_for(path.stem or "request"), str(path),
                              error=f"cannot read the file ({why})"))
            continue
        if path.suffix.lower() == ".toml":
            items.append(_parse(name_for(path.stem), str(path), text, tomllib.loads, "TOML"))
            continue
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        for n, line in lines:
            items.append(_parse(name_for(f"{path.stem}-{n}"), f"{path}:{n}", line, json.loads, "JSON"))
    return items


def _parse(name: str, source: str, text: str, loads: Callable[[str], Any], what: str) -> Item:
    try:
        data = loads(text)
    except (ValueError, RecursionError) as exc:  # TOMLDecodeError and JSONDecodeError are ValueErrors
        return Item(name, source, error=f"not valid {what} ({str(exc).splitlines()[0]})")
    if not isinstance(data, dict):
        return Item(name, source, error=f"a request is a {what} object (table) of TourRequest keys")
    try:
        request = TourRequest.from_dict(data, source=source)
    except ValidationError as exc:
        return Item(name, source, error=str(exc))
    return Item(name, source, data=request.to_dict())


def run_batch(items: list[Item], client: Any, *, time_limit: float | None = None,
              max_iterations: int | None = None,
              on_result: Callable[[Result], None] | None = None) -> list[Result]:
    """Plan every valid item on the Dask ``client``; return the results in the items' order.

    ``on_result`` is called as each result arrives (for a progress bar).
    """
    from distributed import as_completed

    from tourlink.serve.jobs import plan_request

    done = on_result or (lambda r: None)
    results: dict[str, Result] = {}
    futures = {}
    for it in items:
        if it.data is None:
            results[it.name] = Result(it, error=it.error)
            done(results[it.name])
        else:
            fut = client.submit(plan_request, it.data, time_limit, max_iterations, pure=False,
                                key=f"plan-{it.name}")
            futures[fut.key] = (fut, it)
    for fut in as_completed([f for f, _ in futures.values()]):
        it = futures[fut.key][1]
        try:
            out = fut.result()
        except Exception as exc:  # noqa: BLE001 - a worker crash fails this request only
            out = {"error": f"planning failed: {type(exc).__name__}: {exc}"}
        results[it.name] = Result(it, out.get("itinerary"), out.get("error", ""))
        done(results[it.name])
    return [results[it.name] for it in items]


def summary_rows(results: list[Result]) -> list[dict[str, Any]]:
    """One row of :data:`COLUMNS` per result."""
    from tourlink.itinerary import Itinerary

    rows = []
    for r in results:
        row: dict[str, Any] = dict.fromkeys(COLUMNS, "")
        row.update(name=r.item.name, source=r.item.source, status="ok" if r.ok else "error", error=r.error)
        if r.ok:
            it = Itinerary.from_dict(r.itinerary)
            cov = it.coverage
            row.update(days=len(it.days), visits=len(it.visits), km=round(it.km, 1),
                       road_hours=round(it.road_hours, 2), score=it.score,
                       partners_covered=sum(1 for c in cov if c.stops), partners=len(cov),
                       coverage="; ".join(f"{c.partner} {c.stops}/{c.nights}" for c in cov),
                       review_flags=len(it.review().flags))
            quote = r.itinerary.get("quote") or {}
            row["price_per_guest_vnd"] = quote.get("per_guest_vnd", "")
        rows.append(row)
    return rows


__all__ = ["COLUMNS", "Item", "Result", "read_requests", "run_batch", "summary_rows"]
