"""Limits on the files users give (partnerships YAML, rates): size, nesting, no YAML aliases.

A hostile or broken file must end in one clear :class:`~tourlink.errors.ValidationError`, not
in minutes of work, exhausted memory or a ``RecursionError``: :func:`load_yaml` refuses
aliases (a 600-byte "billion laughs" file expands to gigabytes) and nesting deeper than
:data:`MAX_DEPTH`; :func:`read_text` refuses files larger than :data:`MAX_BYTES`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from tourlink.errors import ValidationError

#: largest user file read (bytes); the bundled partnerships.yaml is a few tens of KB
MAX_BYTES = 5_000_000
#: deepest nesting of lists and mappings accepted in a user's YAML
MAX_DEPTH = 40


class _Refused(yaml.YAMLError):
    def __init__(self, problem: str, mark: Any):
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark


class _StrictSafeLoader(yaml.SafeLoader):
    """SafeLoader without aliases and with a nesting limit."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(f"aliases (*{event.anchor}) are not accepted; write the value out",
                           event.start_mark)
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(f"nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load_yaml(text: str, *, source: str) -> Any:
    """Parse a user's YAML ``text`` (safe types only, no aliases, bounded nesting).

    Raises
    ------
    ValidationError
        Naming ``source``, the line and the problem.
    """
    try:
        return yaml.load(text, Loader=_StrictSafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ValidationError(f"{at}not valid YAML ({problem})", source=source) from None
    except RecursionError:
        raise ValidationError(f"not valid YAML (nested more than {MAX_DEPTH} levels deep)",
                              source=source) from None


def read_text(path: str | os.PathLike, *, what: str, max_bytes: int = MAX_BYTES) -> str:
    """Read a user's UTF-8 text file (a BOM is dropped), refusing one larger than ``max_bytes``.

    Raises
    ------
    ValidationError
        When the file is missing, unreadable, too large or not UTF-8.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ValidationError(f"is not a file; pass the path of {what}", source=str(path))
        if size > max_bytes:
            raise ValidationError(f"is {size:,} bytes, more than the {max_bytes:,} accepted for {what}",
                                  source=str(path))
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(f"file not found; pass the path of {what}", source=str(path)) from None
    except OSError as exc:
        raise ValidationError(f"cannot read the file ({exc.strerror or exc})", source=str(path)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"not UTF-8 text (byte {exc.start}); save the file as UTF-8",
                              source=str(path)) from None


__all__ = ["load_yaml", "read_text", "MAX_BYTES", "MAX_DEPTH"]
