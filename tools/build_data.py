"""Rebuild the bundled ``data/`` from the raw sources: ``python tools/build_data.py RAW --out data``.

Runs, in this order and each only when its module exists in ``tools/``:
``build_regions`` (province boundaries and mapping), ``build_catalog`` (destinations, lodging,
ports), ``build_transport`` (timetabled links) and ``build_roads`` (road network). Each exposes
``build(raw: Path, out: Path) -> list[Path]`` and is deterministic, so running this twice on the
same input leaves ``data/`` byte-identical. ``make data`` calls it with RAW = ../shared/data/raw.

Exit codes: 0 done, 2 RAW missing (one line on stderr), 1 a build step failed.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import sys
import time
from pathlib import Path
from types import ModuleType

TOOLS = Path(__file__).resolve().parent
#: the build steps, in the order they run (a later step may read what an earlier one wrote)
STEPS = ("build_regions", "build_catalog", "build_transport", "build_roads")


def load_step(name: str) -> ModuleType | None:
    """Import ``tools/<name>.py`` as a module, or return None if the file does not exist."""
    path = TOOLS / f"{name}.py"
    if not path.is_file():
        return None
    if name in sys.modules and getattr(sys.modules[name], "__file__", None) == str(path):
        return sys.modules[name]
    if str(TOOLS) not in sys.path:
        sys.path.insert(0, str(TOOLS))  # the steps import each other by plain name
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # registered first, as dataclasses and pickling need
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def build(raw: Path, out: Path, *, steps: tuple[str, ...] = STEPS) -> list[Path]:
    """Run every available build step of ``steps`` on ``raw``, writing into ``out``; return the files."""
    written: list[Path] = []
    for name in steps:
        module = load_step(name)
        if module is None:
            logging.getLogger(__name__).warning("%s: tools/%s.py not present, skipped", name, name)
            continue
        start = time.perf_counter()
        files = list(module.build(Path(raw), Path(out)))
        logging.getLogger(__name__).info("%s: %d files in %.1f s", name, len(files),
                                         time.perf_counter() - start)
        written.extend(files)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; prints each file written with its size."""
    parser = argparse.ArgumentParser(description="Rebuild data/ from the raw sources (see data/README.md).")
    parser.add_argument("raw", type=Path, help="folder of the raw data, e.g. ../shared/data/raw")
    parser.add_argument("--out", type=Path, default=Path("data"), help="output folder (default: data)")
    parser.add_argument("--only", choices=STEPS, action="append", help="run only this step (repeatable)")
    args = parser.parse_args(argv)
    if not args.raw.is_dir():
        print(f"build_data: raw data folder {args.raw} not found; pass the folder holding SOURCES.md "
              "(make data uses ../shared/data/raw)", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    files = build(args.raw, args.out, steps=tuple(args.only or STEPS))
    total = 0
    for path in files:
        size = path.stat().st_size
        total += size
        print(f"{size:>12,} B  {path}")
    print(f"{total:>12,} B  in {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
