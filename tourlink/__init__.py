"""tourlink: plan multi-day, multi-province tours for Vietnam's tourism linkage programmes.

The package reads like a table of contents: ``regions`` (provinces in both schemes),
``partnerships``, ``catalog`` (destinations, lodging, ports), ``hours``, ``roads``,
``matrix``, ``graph``, ``request``, ``optimise``, ``itinerary``, ``maps``, ``export``.
"""

from tourlink.errors import (
    DataError,
    InfeasibleError,
    NotFoundError,
    TourlinkError,
    ValidationError,
)
from tourlink.itinerary import Itinerary

__version__ = "0.1.0"
__all__ = ["DataError", "InfeasibleError", "Itinerary", "NotFoundError", "TourlinkError",
           "ValidationError", "__version__"]
