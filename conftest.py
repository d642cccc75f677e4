"""Project-wide pytest options: where ../shared is, and the opt-in live-network marker."""

import os
from pathlib import Path

import pytest


def pytest_addoption(parser):
    parser.addoption("--shared", default=str(Path(__file__).parent.parent / "shared"),
                     help="folder of the shared raw data and benchmarks (skip tests if absent)")
    parser.addoption("--run-live", action="store_true", help="run tests that need the internet")


def pytest_configure(config):
    """Exports carry the time they are made; a fixed one keeps the tests' files byte-identical."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 00:00 UTC


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-live"):
        return
    skip = pytest.mark.skip(reason="needs the internet; opt in with --run-live")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def shared_dir(request) -> Path:
    """The ../shared folder (raw data, benchmarks, schemas); skips the test where absent."""
    path = Path(request.config.getoption("--shared"))
    if not path.is_dir():
        pytest.skip(f"shared folder {path} is absent (a user's fresh clone)")
    return path


@pytest.fixture(scope="session")
def raw_dir(shared_dir) -> Path:
    """../shared/data/raw, or skip."""
    path = shared_dir / "data" / "raw"
    if not path.is_dir():
        pytest.skip(f"raw data folder {path} is absent")
    return path
