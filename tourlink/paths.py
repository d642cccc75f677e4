"""Where tourlink finds its bundled data and keeps its cache (process-wide I/O settings)."""

from __future__ import annotations

import os
from pathlib import Path

from tourlink.errors import DataError

#: Folder of the bundled datasets; ``TOURLINK_DATA`` overrides it.
DATA_DIR = Path(os.environ.get("TOURLINK_DATA", Path(__file__).resolve().parent.parent / "data"))

#: Folder for derived caches (travel matrices, ...); ``TOURLINK_CACHE`` overrides it.
CACHE_DIR = Path(
    os.environ.get("TOURLINK_CACHE", Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
                   / "tourlink")
)


def data_file(name: str) -> Path:
    """Return the path of bundled data file ``name``; raise DataError if it is missing."""
    path = DATA_DIR / name
    if not path.exists():
        raise DataError(f"bundled data file {path} is missing; run `make data` or reinstall tourlink")
    return path
