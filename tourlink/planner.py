"""Plan a tour, price it and hold it to the request's budget: the public :func:`plan`.

A thin layer above the optimiser (:func:`tourlink.optimise.outer.plan`), which knows nothing of
prices: it returns a checked itinerary, this layer adds its :class:`~tourlink.quote.Quote` and
refuses a plan whose price per guest is over ``request.budget``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from tourlink.errors import InfeasibleError
from tourlink.itinerary import Itinerary
from tourlink.quote import Quote, Rates, load_rates, quote


def plan(request, *, rates: Rates | str | Path | None = None, **options: Any) -> Itinerary:
    """Return the checked itinerary of ``request`` with its quote (``itinerary.quote``).

    Parameters
    ----------
    request
        A :class:`~tourlink.request.TourRequest`; ``group_size``, ``lodging_grade`` and ``budget``
        shape the quote.
    rates
        A :class:`~tourlink.quote.Rates` or the path of a rate file (CSV or TOML) over the
        bundled rates (default: the bundled ``data/rates.csv``).
    **options
        Passed to the optimiser: ``seed``, ``time_limit``, ``max_iterations``, ``on_progress``,
        ``jobs``.

    Raises
    ------
    ValidationError
        A bad request or rate file.
    InfeasibleError
        No itinerary meets the request, or its price per guest is over ``request.budget``.
    """
    from tourlink.optimise.outer import plan as optimise

    table = rates if isinstance(rates, Rates) else load_rates(rates)  # a bad file fails before the search
    itinerary = optimise(request, **options)
    priced = dataclasses.replace(itinerary, quote=quote(itinerary, rates=table, group_size=request.group_size,
                                                        lodging_grade=request.lodging_grade))
    check_budget(priced.quote, request.budget)
    return priced


def check_budget(q: Quote, budget: int | None) -> None:
    """Raise InfeasibleError when the price per guest of ``q`` is over ``budget`` (VND per guest)."""
    if budget is None or q.per_guest_vnd <= budget:
        return
    over = q.per_guest_vnd - budget
    top = sorted(q.by_kind.items(), key=lambda kv: -kv[1])[:3]
    raise InfeasibleError(
        f"budget: the tour costs {q.per_guest_vnd:,} VND per guest for {q.group_size} guests, "
        f"{over:,} VND over the budget of {budget:,} VND per guest (largest costs: "
        + ", ".join(f"{k} {v:,} VND" for k, v in top)
        + "); raise the budget, plan fewer days, a larger group or a lower lodging_grade")


__all__ = ["plan", "check_budget"]
