"""What a user asks for: :class:`TourRequest`, from Python, CLI flags or a TOML file.

A request is a frozen value object validated on construction: every problem is reported at
once in one :class:`~tourlink.errors.ValidationError`, and unknown keys are rejected with the
closest known key as a suggestion.

Example TOML (all keys but ``days``, ``start`` and ``start_date`` are optional)::

    partnership = "kien-giang--hau-giang"
    start_date = 2026-12-10
    days = 4
    start = "Cần Thơ"
    themes = { floating_market = 2.0, beach_island = 1.5 }
    must = ["cur-cai-rang-floating-market"]
    max_road_hours = 6

Times of day are ``"HH:MM"`` strings; places (``start``, ``end``) are lodging towns, ports,
province names or destination ids, resolved by the planner against the catalog.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tourlink.errors import ValidationError

#: search seeds are 0 .. SEED_LIMIT - 1 (PyVRP's range); the planner's further seeds wrap around
SEED_LIMIT = 2**32

#: the theme vocabulary of destinations.csv
THEMES = ("heritage", "spiritual", "nature", "orchard", "craft_village", "beach_island",
          "floating_market", "museum", "cultural_institution", "revolutionary_historic",
          "intangible_heritage", "market_food")

#: the dates a tour can start on (timetables and opening hours are of this century)
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2099, 12, 17)
#: ways of travel a request may allow (``modes``)
MODES = ("road", "boat", "flight")

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def minutes_of(hhmm: str) -> int:
    """Return minutes after midnight of an ``"HH:MM"`` string (raise ValueError if malformed)."""
    m = _HHMM.match(str(hhmm).strip())
    if not m:
        raise ValueError(f"{hhmm!r} is not a time of day HH:MM")
    return int(m.group(1)) * 60 + int(m.group(2))


def hhmm(minutes: int) -> str:
    """Format minutes after midnight as ``"HH:MM"``."""
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class TourRequest:
    """A tour to plan; validated in ``__post_init__`` (all problems reported at once).

    Parameters
    ----------
    start_date
        Date of day 1 (``date`` or ISO string).
    days
        Number of tour days (1–14); nights = ``days - 1``.
    start, end
        Where day 1 starts and the last day ends (town, port, lodging hub, province or
        destination id); ``end`` defaults to ``start``.
    partnership
        Id or name of a linkage programme; or give ``provinces`` (legacy areas or provinces).
    day_start, day_end
        Daily window of the group (default 07:30–18:00).
    lunch_start, lunch_end, lunch_minutes
        Lunch is a pause of ``lunch_minutes`` that starts and ends inside the lunch window
        (default 11:00–13:30, 60 minutes), every day: at a place of the day, at the pier, or on
        board when a crossing spans the window.
    max_road_hours
        Cap on hours on the road per day (boat time does not count).
    pace
        Maximum destination visits per day.
    themes
        Theme → weight (> 0); a destination's prize is its score times the largest weight of
        its themes (1.0 for themes not listed; 0 weight excludes the theme).
    must, exclude
        Destination ids that must be visited / must not be.
    min_stops_per_partner
        Coverage: each partner legacy area gets at least this many stops when the days allow
        (0 = no rule); the itinerary's coverage says why a partner got fewer.
    strict_coverage
        Refuse the request (InfeasibleError) when a partner cannot get its stops, instead of
        planning without them.
    max_per_kind
        Kind → most visits of that kind in the tour (default: one floating market); 0 leaves
        the kind out. Kinds are those of the catalogue (museum, pagoda, floating_market, ...).
    nights_in
        Areas (partner names) that must host at least one night.
    spread_nights
        Spread the nights across partner areas (no partner hosts more than one night more
        than another, as far as the number of nights allows).
    partner_hubs_first
        Prefer overnight hubs inside partner areas.
    group_size
        People in the group (fares and fees are per person).
    budget_vnd
        Cap on entrance fees + boat fares for the whole group, used by the planner to leave out
        paid visits (None = no cap).
    budget
        Cap on the quoted price per guest in VND (:mod:`tourlink.quote`, twin share, VAT
        included); a plan over it is refused with the amount (None = no cap).
    lodging_grade
        Hotel stars the quote prices (2–5).
    sea
        Allow sea crossings (islands such as Phú Quốc).
    modes
        Ways of travel the plan may use (:data:`MODES`): ``"road"`` (always), ``"boat"`` (fast
        boats, car ferries and river boats of the timetable) and ``"flight"`` (domestic flights:
        a day whose next night is too far by road or on another land mass may fly).
    dawn, dawn_start
        Allow a day to start at ``dawn_start`` to reach a floating market.
    evening, evening_start, evening_end
        Add an evening block after check-in (a night market, a dinner cruise, a show) between
        ``evening_start`` and ``evening_end`` on the nights an evening place near the hotel is
        worth it (off by default: the day then ends at the hotel).
    island_nights
        Nights to spend where a long crossing (90 minutes or more) lands, unless the tour ends
        there (0 or 1: no rule).
    seed, time_limit
        Search seed and seconds of search (None = the planner's default).
    title
        Free title of the tour.
    """

    start_date: date
    days: int
    start: str
    end: str | None = None
    partnership: str | None = None
    provinces: tuple[str, ...] = ()
    day_start: str = "07:30"
    day_end: str = "18:00"
    lunch_start: str = "11:00"
    lunch_end: str = "13:30"
    lunch_minutes: int = 60
    max_road_hours: float = 6.0
    pace: int = 5
    themes: Mapping[str, float] = field(default_factory=dict)
    must: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    min_stops_per_partner: int = 1
    strict_coverage: bool = False
    max_per_kind: Mapping[str, int] = field(default_factory=dict)
    nights_in: tuple[str, ...] = ()
    spread_nights: bool = False
    partner_hubs_first: bool = True
    group_size: int = 10
    budget_vnd: int | None = None
    budget: int | None = None
    lodging_grade: int = 3
    sea: bool = True
    modes: tuple[str, ...] = ("road", "boat")
    dawn: bool = True
    dawn_start: str = "05:00"
    evening: bool = False
    evening_start: str = "18:30"
    evening_end: str = "21:30"
    island_nights: int = 2
    seed: int = 0
    time_limit: float | None = None
    title: str = ""

    def __post_init__(self):
        problems: list[str] = []
        put = object.__setattr__
        # dates and numbers ------------------------------------------------------------
        sd = self.start_date
        if isinstance(sd, datetime):
            problems.append(f"start_date: {sd.isoformat()} has a time of day; give a date YYYY-MM-DD")
        elif isinstance(sd, str):
            try:
                sd = date.fromisoformat(sd.strip())
            except ValueError:
                problems.append(f"start_date: {self.start_date!r} is not a date YYYY-MM-DD")
        elif not isinstance(sd, date):
            problems.append(f"start_date: expected a date YYYY-MM-DD, got {self.start_date!r}")
        if isinstance(sd, date) and not isinstance(sd, datetime) and not FIRST_DATE <= sd <= LAST_DATE:
            problems.append(f"start_date: {sd.isoformat()} is outside {FIRST_DATE.year}–{LAST_DATE.year}; "
                            "give the date of a tour to plan")
        put(self, "start_date", sd)
        for name, lo, hi in (("days", 1, 14), ("pace", 1, 20), ("lunch_minutes", 0, 180),
                             ("min_stops_per_partner", 0, 20), ("group_size", 1, 200),
                             ("island_nights", 0, 14), ("lodging_grade", 2, 5)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int):
                problems.append(f"{name}: expected an integer, got {v!r}")
            elif not lo <= v <= hi:
                fix = " (a tour has at least one day)" if name == "days" else ""
                problems.append(f"{name}: {v} is outside {lo}..{hi}{fix}")
        try:
            mrh = float(self.max_road_hours)
            if not 0.5 <= mrh <= 16:
                problems.append(f"max_road_hours: {mrh} is outside 0.5..16")
            put(self, "max_road_hours", mrh)
        except (TypeError, ValueError):
            problems.append(f"max_road_hours: expected hours, got {self.max_road_hours!r}")
        if self.budget_vnd is not None and (isinstance(self.budget_vnd, bool)
                                            or not isinstance(self.budget_vnd, int)
                                            or self.budget_vnd < 0):
            problems.append(f"budget_vnd: expected a non-negative integer, got {self.budget_vnd!r}")
        if self.budget is not None and (isinstance(self.budget, bool) or not isinstance(self.budget, int)
                                        or self.budget <= 0):
            problems.append(f"budget: expected a price per guest in VND (a positive integer), "
                            f"got {self.budget!r}")
        if self.time_limit is not None:
            try:
                tl = float(self.time_limit)
                if not 0 < tl <= 86_400:  # also refuses nan, inf and 1e300 (a search that never ends)
                    problems.append(f"time_limit: give seconds in (0, 86400], got {tl:g}")
                put(self, "time_limit", tl)
            except (TypeError, ValueError):
                problems.append(f"time_limit: expected seconds, got {self.time_limit!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            problems.append(f"seed: expected an integer, got {self.seed!r}")
        elif not 0 <= self.seed < SEED_LIMIT:
            problems.append(f"seed: {self.seed} is outside 0..{SEED_LIMIT - 1} (PyVRP's seed range)")
        for name in ("sea", "dawn", "spread_nights", "partner_hubs_first", "strict_coverage", "evening"):
            if not isinstance(getattr(self, name), bool):
                problems.append(f"{name}: expected true or false, got {getattr(self, name)!r}")
        # times of day -----------------------------------------------------------------
        tm: dict[str, int] = {}
        for name in ("day_start", "day_end", "lunch_start", "lunch_end", "dawn_start", "evening_start",
                     "evening_end"):
            try:
                tm[name] = minutes_of(getattr(self, name))
                put(self, name, hhmm(tm[name]))
            except ValueError as exc:
                problems.append(f"{name}: {exc}")
        if {"day_start", "day_end"} <= tm.keys() and tm["day_end"] - tm["day_start"] < 60:
            problems.append(f"day_end {self.day_end} must be at least an hour after day_start "
                            f"{self.day_start}")
        if {"lunch_start", "lunch_end"} <= tm.keys() and isinstance(self.lunch_minutes, int):
            if tm["lunch_end"] - tm["lunch_start"] < self.lunch_minutes:
                problems.append(f"lunch window {self.lunch_start}–{self.lunch_end} is shorter than "
                                f"lunch_minutes={self.lunch_minutes}")
        if {"dawn_start", "day_start"} <= tm.keys() and tm["dawn_start"] > tm["day_start"]:
            problems.append(f"dawn_start {self.dawn_start} must not be after day_start {self.day_start}")
        if {"evening_start", "evening_end", "day_end"} <= tm.keys():
            if tm["evening_start"] < tm["day_end"]:
                problems.append(f"evening_start {self.evening_start} must not be before day_end "
                                f"{self.day_end}")
            if tm["evening_end"] - tm["evening_start"] < 30:
                problems.append(f"evening_end {self.evening_end} must be at least 30 min after evening_start "
                                f"{self.evening_start}")
        # places and lists -------------------------------------------------------------
        if not isinstance(self.start, str) or not self.start.strip():
            problems.append("start: give the place where day 1 starts (a town, port or hub)")
        if self.end is not None and (not isinstance(self.end, str) or not self.end.strip()):
            problems.append("end: give a place name or leave it out (= start)")
        if self.end is None and isinstance(self.start, str):
            put(self, "end", self.start)
        for name in ("provinces", "must", "exclude", "nights_in"):
            v = getattr(self, name)
            if isinstance(v, str):
                v = (v,)
            try:
                v = tuple(str(x).strip() for x in v)
            except TypeError:
                problems.append(f"{name}: expected a list of names or ids, got {v!r}")
                v = ()
            put(self, name, v)
        modes = (self.modes,) if isinstance(self.modes, str) else self.modes
        try:
            modes = tuple(dict.fromkeys(str(m).strip() for m in modes))
        except TypeError:
            problems.append(f"modes: expected a list such as [\"road\", \"boat\", \"flight\"], "
                            f"got {self.modes!r}")
            modes = ("road", "boat")
        bad = [m for m in modes if m not in MODES]
        if bad:
            problems.append(f"modes: unknown mode(s) {', '.join(map(repr, bad))}; "
                            f"choose from {', '.join(MODES)}")
        elif "road" not in modes:
            problems.append("modes: \"road\" is required (the coach takes the group to ports and airports)")
        put(self, "modes", modes)
        if not self.partnership and not self.provinces:
            problems.append("give a partnership id (e.g. kien-giang--hau-giang) or a list of provinces")
        elif self.partnership and self.provinces:
            problems.append("give partnership or provinces, not both (provinces would be ignored)")
        both = sorted(set(self.must) & set(self.exclude))
        if both:
            problems.append(f"must and exclude both name {', '.join(both)}")
        # themes -----------------------------------------------------------------------
        themes: dict[str, float] = {}
        raw = self.themes or {}
        if not isinstance(raw, Mapping):
            problems.append(f"themes: expected a table theme = weight, got {raw!r}")
            raw = {}
        for t, w in raw.items():
            if t not in THEMES:
                near = difflib.get_close_matches(str(t), THEMES, n=1)
                hint = f"; did you mean {near[0]!r}?" if near else f"; known: {', '.join(THEMES)}"
                problems.append(f"themes: unknown theme {t!r}{hint}")
                continue
            try:
                w = float(w)
            except (TypeError, ValueError):
                problems.append(f"themes: weight of {t} must be a number, got {w!r}")
                continue
            if not 0 <= w <= 10:
                problems.append(f"themes: weight of {t} must be in 0..10, got {w}")
            themes[t] = w
        if set(themes) == set(THEMES) and not any(themes.values()):
            problems.append("themes: every theme has weight 0, so no destination is worth a visit; give "
                            "a theme a weight above 0")
        put(self, "themes", dict(sorted(themes.items())))
        put(self, "max_per_kind", _kind_caps(self.max_per_kind, problems))
        if problems:
            raise ValidationError(problems, source="TourRequest")

    # ------------------------------------------------------------------ derived
    @property
    def nights(self) -> int:
        """Number of nights (``days - 1``)."""
        return self.days - 1

    def minutes(self, name: str) -> int:
        """Minutes after midnight of a time-of-day field, e.g. ``minutes("day_start")``."""
        return minutes_of(getattr(self, name))

    def weight(self, themes: tuple[str, ...] | list[str]) -> float:
        """Theme weight of a destination with ``themes``: the largest listed weight, else 1.0."""
        listed = [self.themes[t] for t in themes if t in self.themes]
        return max(listed) if listed else 1.0

    # ------------------------------------------------------------------ I/O
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON/TOML-friendly dict (dates as ISO strings, tuples as lists)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, date):
                v = v.isoformat()
            elif isinstance(v, tuple):
                v = list(v)
            elif isinstance(v, Mapping):
                v = dict(v)
            out[f.name] = v
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None) -> TourRequest:
        """Build a request from a mapping; unknown keys are rejected with suggestions."""
        known = [f.name for f in fields(cls)]
        problems = []
        for key in data:
            if key not in known:
                near = difflib.get_close_matches(str(key), known, n=1, cutoff=0.5)
                problems.append(f"unknown key {key!r}" + (f"; did you mean {near[0]!r}?" if near else
                                                          f"; known keys: {', '.join(known)}"))
        for key in ("start_date", "days", "start"):
            if key not in data:
                problems.append(f"missing key {key!r}")
        if problems:
            raise ValidationError(problems, source=source or "TourRequest")
        try:
            return cls(**dict(data))
        except ValidationError as exc:
            raise ValidationError(exc.problems, source=source or "TourRequest") from None

    @classmethod
    def from_toml(cls, path: str | Path) -> TourRequest:
        """Read a request from a TOML file (keys as the fields of this class)."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise ValidationError("file not found", source=str(path)) from None
        except OSError as exc:
            raise ValidationError(f"cannot read the file ({exc.strerror or exc}); give a TOML file",
                                  source=str(path)) from None
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ValidationError(f"not valid TOML ({exc})", source=str(path)) from None
        except RecursionError:
            raise ValidationError("not a request (nested too deeply)", source=str(path)) from None
        return cls.from_dict(data, source=str(path))

    def replace(self, **changes: Any) -> TourRequest:
        """A copy with some fields changed (validated again)."""
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d.update(changes)
        return type(self)(**d)


def _kind_caps(raw: Any, problems: list[str]) -> dict[str, int]:
    """``max_per_kind`` validated: catalogue kinds → whole numbers >= 0 (problems appended)."""
    if not isinstance(raw, Mapping):
        problems.append(f"max_per_kind: expected a table kind = count, got {raw!r}")
        return {}
    if not raw:
        return {}
    from tourlink.catalog import KINDS
    out: dict[str, int] = {}
    for k, n in raw.items():
        if k not in KINDS:
            near = difflib.get_close_matches(str(k), list(KINDS), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else f"; known: {', '.join(KINDS)}"
            problems.append(f"max_per_kind: unknown kind {k!r}{hint}")
        elif isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= 50:
            problems.append(f"max_per_kind: {k} = {n!r}, expected a whole number 0..50")
        else:
            out[k] = n
    return dict(sorted(out.items()))


__all__ = ["TourRequest", "THEMES", "MODES", "minutes_of", "hhmm"]
