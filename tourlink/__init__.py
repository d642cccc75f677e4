"""tourlink: plan multi-day, multi-province tours for Vietnam's tourism linkage programmes.

The package reads like a table of contents: ``regions`` (provinces in both schemes),
``partnerships``, ``catalog`` (destinations, lodging, ports), ``hours``, ``roads``,
``matrix``, ``graph``, ``request``, ``optimise``, ``itinerary``, ``quote`` (prices), ``planner``
(plan + quote + budget), ``maps``, ``export``.
"""

import logging

from tourlink.errors import (
    DataError,
    InfeasibleError,
    NotFoundError,
    TourlinkError,
    ValidationError,
)
from tourlink.itinerary import Itinerary

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())  # the CLI or the user configures logging

#: public names loaded on first use, so ``import tourlink`` stays light (no solver, no folium)
_LAZY = {
    "TourRequest": "tourlink.request",
    "plan": "tourlink.planner",
    "load_rates": "tourlink.quote",
    "check": "tourlink.optimise.check",
    "explore": "tourlink.maps",
    "explore_partnership": "tourlink.maps",
    "write_pack": "tourlink.export",
    "destination_graph": "tourlink.graph",
    "travel_matrix": "tourlink.matrix",
    "load_network": "tourlink.roads",
    "network_from_xml": "tourlink.roads",
    "network_from_place": "tourlink.roads",
    "get_partnership": "tourlink.partnerships",
    "load_partnerships": "tourlink.partnerships",
    "resolve": "tourlink.regions",
    "destinations_for": "tourlink.catalog",
    "destinations_from_file": "tourlink.catalog",
    "lodging_from_file": "tourlink.catalog",
}

__all__ = ["DataError", "InfeasibleError", "Itinerary", "NotFoundError", "TourlinkError",
           "ValidationError", "__version__", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'tourlink' has no attribute {name!r}")
