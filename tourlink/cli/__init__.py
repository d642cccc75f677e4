"""Command-line interface: ``tourlink SUBCOMMAND ...``.

Exit codes: 0 success, 1 unexpected failure (a bug: please report it), 2 bad input or a
request that cannot be met (one line on stderr saying what and how to fix it).

Each subcommand lives in its own module of this package and exposes
``register(subparsers)``; the module adds its parser and sets ``func(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import re
import sys
from collections.abc import Sequence

from tourlink.errors import TourlinkError

#: modules of tourlink.cli that define subcommands, in the order --help lists them
COMMAND_MODULES = ("data_cmds", "route_cmd", "plan_cmd", "check_cmd", "quote_cmd", "export_cmd", "review_cmd",
                   "batch_cmd", "serve_cmd", "bench_cmd", "demo_cmd")
#: longest message the CLI prints on one line (a 100 KB name is cut, not echoed)
MAX_MESSAGE = 1000

EPILOG = """exit codes: 0 ok, 1 unexpected error (a bug), 2 bad input or impossible request

examples:
  tourlink demo --out tour/
  tourlink partnerships
  tourlink provinces resolve "Kien Giang"
  tourlink route "Cần Thơ" "Rạch Giá"
  tourlink plan --partnership kien-giang--hau-giang --days 4 --start "Cần Thơ" --date 2026-12-10 --out tour/
  tourlink check tour/itinerary.json
  tourlink export tour/itinerary.json --out pack/
"""


#: the language of this run's words (``--lang``): set by :func:`main` for the whole command
LANG = "en"


def tr(en: str, vi: str) -> str:
    """The English or Vietnamese form of a CLI phrase, as ``--lang`` asks."""
    return vi if LANG == "vi" else en


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose usage errors are one line and exit code 2, like TourlinkError."""

    def error(self, message: str):  # noqa: D401 - argparse API
        self.exit(2, f"{self.prog}: {tr('error', 'lỗi')}: {_one_line(message)} "
                     f"({tr('see', 'xem')} `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    """Return the full parser with every available subcommand registered."""
    parser = _Parser(prog="tourlink", description="Plan multi-day, multi-province tours for "
                     "Vietnam's inter-province tourism linkage programmes.",
                     epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-q", "--quiet", action="store_true", help="print only results and errors")
    parser.add_argument("-v", "--verbose", action="store_true", help="print progress details")
    parser.add_argument("--lang", choices=("en", "vi"), default="en", help="language of labels")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"tourlink.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"tourlink.cli.{name}":
                continue  # subcommand not built yet
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: sys.argv[1:]) and return the exit code."""
    global LANG
    words = list(sys.argv[1:] if argv is None else argv)
    LANG = "vi" if any(w in ("--lang=vi",) or (w == "--lang" and words[i + 1:i + 2] == ["vi"])
                       for i, w in enumerate(words)) else "en"  # before parsing: usage errors too
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or usage error (2)
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    level = logging.WARNING if args.quiet else logging.DEBUG if args.verbose else logging.INFO
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr, force=True)
    try:
        return int(args.func(args) or 0)
    except TourlinkError as exc:
        print(f"tourlink: {tr('error', 'lỗi')}: {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"tourlink: {tr('interrupted', 'đã dừng')}", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        if exc.filename is None:
            return _unexpected(exc, verbose=args.verbose)
        print(f"tourlink: {tr('error', 'lỗi')}: {_one_line(exc.filename)}: "
              + tr("cannot read or write", "không đọc hoặc ghi được")
              + f" ({exc.strerror or type(exc).__name__}); "
              + tr("choose another path", "hãy chọn đường dẫn khác"), file=sys.stderr)
        return 2
    except Exception as exc:
        return _unexpected(exc, verbose=args.verbose)


def _unexpected(exc: Exception, *, verbose: bool) -> int:
    """A bug: say so in one line; the traceback only with --verbose."""
    if verbose:
        raise exc
    print(f"tourlink: {tr('unexpected error', 'lỗi ngoài dự kiến')}: {type(exc).__name__}: {_one_line(exc)} "
          + tr("(run with --verbose for the traceback and please report it)",
               "(chạy lại với --verbose để xem traceback và xin báo lỗi)"), file=sys.stderr)
    return 1


def _one_line(value: object) -> str:
    """The CLI promises one short line on stderr: line breaks shown as \\n, long words and messages cut."""
    text = str(value).replace("\r", "\\r").replace("\n", "\\n")
    text = re.sub(r"\S{201,}", lambda m: m.group(0)[:100] + f"…({len(m.group(0)):,} characters)", text)
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE - 1] + "…"


def warn(message: str) -> None:
    """Print a warning for the user: one line on stderr."""
    print(f"tourlink: {tr('warning', 'cảnh báo')}: {_one_line(message)}", file=sys.stderr)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
