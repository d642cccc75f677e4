"""Public exception hierarchy of tourlink.

Every error a user can cause is a :class:`TourlinkError`; each also subclasses the matching
built-in so that ``except ValueError`` / ``except LookupError`` keep working. The CLI turns
any ``TourlinkError`` into one line on stderr and exit code 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


class TourlinkError(Exception):
    """Base class of every error tourlink raises on purpose."""


class ValidationError(TourlinkError, ValueError):
    """Input that breaks a rule; carries every problem found, not only the first.

    Parameters
    ----------
    problems
        One message per problem, each naming where (file, row, field) and what to do.
    source
        The file or object that was validated, used as a prefix in the one-line message.
    """

    def __init__(self, problems: str | Sequence[str], *, source: str | None = None):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.source = source
        head = f"{source}: " if source else ""
        if len(self.problems) == 1:
            msg = head + self.problems[0]
        else:
            more = f" (and {len(self.problems) - 3} more)" if len(self.problems) > 3 else ""
            msg = head + f"{len(self.problems)} problems: " + "; ".join(self.problems[:3]) + more
        super().__init__(msg)


class NotFoundError(TourlinkError, LookupError):
    """A name or id that matches nothing; ``suggestions`` holds the closest matches."""

    def __init__(self, what: str, name: str, suggestions: Iterable[str] = ()):
        self.what = what
        self.name = name
        self.suggestions = list(dict.fromkeys(suggestions))  # each once
        shown = name if len(str(name)) <= 80 else f"{str(name)[:60]}…"  # not a 100 KB name in full
        msg = f"unknown {what} {shown!r}"
        if self.suggestions:
            msg += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(msg)

    def __str__(self) -> str:  # LookupError would quote the whole message otherwise
        return self.args[0]


class InfeasibleError(TourlinkError, ValueError):
    """A request no itinerary can meet; ``reasons`` says which constraint, where, by how much."""

    def __init__(self, reasons: str | Sequence[str]):
        self.reasons = [reasons] if isinstance(reasons, str) else list(reasons)
        super().__init__("; ".join(self.reasons))


class DataError(TourlinkError, RuntimeError):
    """Bundled or user data that is missing or corrupt (e.g. ``data/`` not built)."""


__all__ = ["TourlinkError", "ValidationError", "NotFoundError", "InfeasibleError", "DataError"]
