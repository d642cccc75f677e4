"""The result of planning: days of timed stops joined by legs, with JSON round-trip.

An :class:`Itinerary` is a plain value object. The optimiser builds it, the checker verifies
it, and the renderers (maps, exports) only read it. ``itinerary.json`` is its
:meth:`Itinerary.to_dict` form, so other tools can check and reuse a plan.

Conventions
-----------
* Times are timezone-aware ``datetime`` in Asia/Ho_Chi_Minh (ISO 8601 with ``+07:00`` in JSON).
* Coordinates are (lon, lat).
* A day runs ``start`` → ``stops`` (in order) → ``end``. ``legs`` join consecutive *located*
  places of that chain; a stop of kind ``"lunch"`` is a timed pause at the place of the stop
  before it and has no leg of its own.
* ``end`` is the night's lodging (``Day.lodging``) except on the last day, where it is the
  tour's end place.
* ``quote`` is the price of the tour (:class:`tourlink.quote.Quote`) when it was priced: the public
  ``tourlink.plan`` prices every plan; ``itinerary.json`` carries it as ``quote``.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tourlink.errors import ValidationError
from tourlink.quote import Quote

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

#: kinds of a Stop
STOP_KINDS = ("destination", "lodging", "port", "lunch", "place")
#: modes of a Leg
LEG_MODES = ("road", "fast_boat", "car_ferry", "boat", "walk", "flight")
SEA_MODES = ("fast_boat", "car_ferry", "boat")
#: modes of a timetabled leg (the link's departure and duration are checked against the timetable)
TIMETABLED_MODES = ("fast_boat", "car_ferry", "boat", "flight")


@dataclass(frozen=True)
class Stop:
    """A place the group is at from ``arrive`` to ``depart``."""

    id: str
    name: str
    lon: float
    lat: float
    arrive: datetime
    depart: datetime
    kind: str = "destination"
    name_en: str = ""
    province_legacy: str = ""
    province_2025: str = ""
    partner: str = ""
    themes: tuple[str, ...] = ()
    visit_minutes: int = 0
    fee_vnd: int = 0
    opening_hours: str = ""
    score: float = 0.0

    @property
    def minutes(self) -> int:
        """Minutes spent at the stop."""
        return round((self.depart - self.arrive).total_seconds() / 60)


@dataclass(frozen=True)
class Leg:
    """A move between two places; ``geometry`` is the drawn path as (lon, lat) pairs; ``code`` is
    the flight number of a flight (or "")."""

    from_id: str
    to_id: str
    mode: str
    km: float
    minutes: float
    depart: datetime
    arrive: datetime
    name: str = ""
    fare_vnd: int = 0
    geometry: tuple[tuple[float, float], ...] = ()
    code: str = ""


@dataclass(frozen=True)
class Day:
    """One day of the tour; ``index`` counts from 1."""

    index: int
    date: date
    start: Stop
    end: Stop
    stops: tuple[Stop, ...] = ()
    legs: tuple[Leg, ...] = ()
    overnight: bool = True

    @property
    def lodging(self) -> Stop | None:
        """The night's lodging, or None on the last day."""
        return self.end if self.overnight else None

    @property
    def visits(self) -> tuple[Stop, ...]:
        """Stops at destinations (no ports, no lunch)."""
        return tuple(s for s in self.stops if s.kind == "destination")

    @property
    def km(self) -> float:
        return sum(leg.km for leg in self.legs)

    @property
    def road_minutes(self) -> float:
        return sum(leg.minutes for leg in self.legs if leg.mode == "road")

    @property
    def road_km(self) -> float:
        """Km on the road (boats and flights are not "on the road")."""
        return sum(leg.km for leg in self.legs if leg.mode in ("road", "walk"))

    @property
    def title(self) -> str:
        """"Day N – YYYY-MM-DD"."""
        return f"Day {self.index} – {self.date.isoformat()}"


@dataclass(frozen=True)
class Dropped:
    """A candidate destination left out, and why."""

    id: str
    name: str
    reason: str


@dataclass(frozen=True)
class Coverage:
    """How a partner area is served: stops and nights in it."""

    partner: str
    province_legacy: str
    province_2025: str
    stops: int
    nights: int
    reason: str = ""  # why a partner got no stop, when the planner knows


@dataclass(frozen=True)
class Itinerary:
    """A planned multi-day tour."""

    days: tuple[Day, ...]
    request: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    partnership: str = ""
    dropped: tuple[Dropped, ...] = ()
    coverage: tuple[Coverage, ...] = ()
    score: float = 0.0
    meta: dict[str, Any] = field(default_factory=dict)
    quote: Quote | None = None  # the price (tourlink.quote), when priced

    # ------------------------------------------------------------------ totals
    @property
    def visits(self) -> tuple[Stop, ...]:
        return tuple(s for d in self.days for s in d.visits)

    @property
    def km(self) -> float:
        return sum(d.km for d in self.days)

    @property
    def road_hours(self) -> float:
        return sum(d.road_minutes for d in self.days) / 60

    @property
    def fees_vnd(self) -> int:
        return sum(s.fee_vnd for s in self.visits)

    @property
    def fares_vnd(self) -> int:
        return sum(leg.fare_vnd for d in self.days for leg in d.legs)

    def summary(self, *, lang: str = "en") -> str:
        """A readable day-by-day table for terminals and notebooks (``lang`` "en" or "vi")."""
        from tourlink import labels

        t = _LABELS["vi" if lang == "vi" else "en"]
        lines = [labels.tour_title(self, lang)]
        for d in self.days:
            title = d.title if lang != "vi" else f"Ngày {d.index} – {d.date:%d/%m/%Y}"
            lines.append(f"\n{title}: {d.start.name} → {d.end.name}  ({_distances(d.legs, t)})")
            early = labels.early_start(d, self.request, lang)
            lines.append(f"  {d.start.depart:%H:%M}  {t['depart']} {d.start.name}"
                         + (f"  ({early})" if early else ""))
            lines += _day_lines(d, t, lang)
            lines.append(f"  {d.end.arrive:%H:%M}  {t['arrive']} {d.end.name}"
                         + (f"  ({t['overnight']})" if d.overnight else ""))
        legs = [leg for d in self.days for leg in d.legs]
        lines.append(t["total"].format(n=labels.count(len(self.visits), "visit", lang),
                                       dist=_distances(legs, t), fees=self.fees_vnd, fares=self.fares_vnd,
                                       score=self.score))
        if self.coverage:
            lines.append(t["coverage"] + ", ".join(
                f"{c.partner} {labels.count(c.stops, 'stop', lang)}, {labels.count(c.nights, 'night', lang)}"
                for c in self.coverage))
        if self.quote is not None:
            lines += self.quote.lines(lang=lang)
        return "\n".join(lines)

    def review(self):
        """What a tour operator would flag in this plan (:func:`tourlink.review.review`)."""
        from tourlink.review import review
        return review(self)

    def _repr_html_(self) -> str:  # notebooks
        import html
        return "<pre>" + html.escape(self.summary()) + "</pre>"

    # --------------------------------------------------------------- JSON form
    def to_dict(self) -> dict[str, Any]:
        """The ``itinerary.json`` form (times as ISO 8601 with +07:00)."""
        return {
            "title": self.title,
            "partnership": self.partnership,
            "request": self.request,
            "score": self.score,
            "totals": {"km": round(self.km, 1), "road_hours": round(self.road_hours, 2),
                       "visits": len(self.visits), "fees_vnd": self.fees_vnd,
                       "fares_vnd": self.fares_vnd},
            "days": [_day_to_dict(d) for d in self.days],
            "dropped": [asdict(x) for x in self.dropped],
            "coverage": [asdict(c) for c in self.coverage],
            "meta": self.meta,
            **({"quote": self.quote.to_dict()} if self.quote is not None else {}),
        }

    def to_json(self, path: str | Path | None = None) -> str:
        """Return the JSON text; also write it atomically to ``path`` when given."""
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
        if path is not None:
            from tourlink.atomic import write_text
            write_text(path, text)
        return text

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "itinerary") -> Itinerary:
        """Rebuild an itinerary from :meth:`to_dict` output.

        Raises
        ------
        ValidationError
            Naming every bad value by day, stop or leg and field.
        """
        r = _Reader()
        if not isinstance(data, dict):
            raise ValidationError("not a tourlink itinerary (top level is not an object); "
                                  "write one with `tourlink plan --out DIR`", source=source)
        raw_days = r.get(data, "days", "itinerary", _list)
        days = tuple(_day_from_dict(r, d, f"day {i}") for i, d in enumerate(raw_days or (), 1))
        if raw_days is not None and not raw_days:
            r.problems.append("itinerary field days: the tour has no days")
        dropped = tuple(Dropped(**{k: r.get(x, k, f"dropped {i}", _text) for k in ("id", "name", "reason")})
                        for i, x in enumerate(r.get(data, "dropped", "itinerary", _list, ()), 1))
        coverage = tuple(
            Coverage(**{k: r.get(c, k, f"coverage {i}", _text)
                        for k in ("partner", "province_legacy", "province_2025")},
                     stops=r.get(c, "stops", f"coverage {i}", _int),
                     nights=r.get(c, "nights", f"coverage {i}", _int),
                     reason=r.get(c, "reason", f"coverage {i}", _text, ""))
            for i, c in enumerate(r.get(data, "coverage", "itinerary", _list, ()), 1))
        kw = dict(request=r.get(data, "request", "itinerary", _dict, {}),
                  title=r.get(data, "title", "itinerary", _text, ""),
                  partnership=r.get(data, "partnership", "itinerary", _text, ""),
                  score=r.get(data, "score", "itinerary", _number, 0.0),
                  meta=r.get(data, "meta", "itinerary", _dict, {}))
        quote = None
        if data.get("quote") is not None:
            try:
                quote = Quote.from_dict(data["quote"])
            except ValidationError as exc:
                r.problems += exc.problems
        if r.problems:
            raise ValidationError(r.problems, source=f"{source}: not a tourlink itinerary")
        return cls(days=days, dropped=dropped, coverage=coverage, quote=quote, **kw)

    @classmethod
    def from_json(cls, path: str | Path) -> Itinerary:
        """Read ``itinerary.json``; raise ValidationError with the file name if malformed."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise ValidationError("file not found", source=str(path)) from None
        except OSError as exc:
            raise ValidationError(f"cannot read the file ({exc.strerror or exc})", source=str(path)) from None
        except RecursionError:
            raise ValidationError("not a tourlink itinerary (JSON nested too deeply)",
                                  source=str(path)) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValidationError(f"not valid UTF-8 JSON ({exc})", source=str(path)) from None
        return cls.from_dict(data, source=str(path))


# ---------------------------------------------------------------------- helpers
_LABELS = {
    "en": {"itinerary": "Itinerary", "depart": "depart", "arrive": "arrive", "overnight": "overnight",
           "road": "{km:.0f} km by road, {h} h on the road", "water": "{km:.0f} km by boat", "dec": ".",
           "air": "{km:.0f} km by air", "check_in": "{place}: check in for the {what}",
           "by_boat": "by boat from {place}", "lunch_on_board": "{name}",
           "total": "\nTotal: {n}, {dist}, fees {fees:,} VND, fares {fares:,} VND, score {score:.0f}",
           "coverage": "Coverage: "},
    "vi": {"itinerary": "Lịch trình", "depart": "khởi hành", "arrive": "đến", "overnight": "nghỉ đêm",
           "road": "đường bộ {km:.0f} km, {h} giờ", "water": "đường thủy {km:.0f} km", "dec": ",",
           "air": "hàng không {km:.0f} km", "check_in": "có mặt tại {place}, làm thủ tục lên {what}",
           "by_boat": "đi thuyền từ {place}", "lunch_on_board": "Ăn trưa",
           "total": "\nTổng: {n}, {dist}, phí tham quan {fees:,} đ, vé tàu/máy bay {fares:,} đ, "
                    "điểm {score:.0f}",
           "coverage": "Phân bố: "},
}


def _distances(legs: Any, t: dict[str, str]) -> str:
    """ "183 km by road, 4.8 h on the road; 120 km by boat" (sea and air km are not road km)."""
    legs = list(legs)
    road = [leg for leg in legs if leg.mode in ("road", "walk")]
    hours = sum(leg.minutes for leg in road if leg.mode == "road") / 60
    parts = [t["road"].format(km=sum(leg.km for leg in road), h=f"{hours:.1f}".replace(".", t["dec"]))]
    for key, modes in (("water", SEA_MODES), ("air", ("flight",))):
        km = sum(leg.km for leg in legs if leg.mode in modes)
        if km >= 0.5:
            parts.append(t[key].format(km=km))
    return "; ".join(parts)


def _day_lines(d: Day, t: dict[str, str], lang: str) -> list[str]:
    """The day's stops as summary lines: piers passed and ports landed at are left out, a port
    where the group waits says so, boats, ferries and flights get a line of their own."""
    from tourlink import labels

    located = [d.start] + [s for s in d.stops if s.kind != "lunch"] + [d.end]
    arriving = {id(b): leg for b, leg in zip(located[1:], d.legs, strict=False)}
    leaving = {id(a): leg for a, leg in zip(located, d.legs, strict=False)}
    out = []
    for s in d.stops:
        into, onward = arriving.get(id(s)), leaving.get(id(s))
        if holds_lunch(d, s):
            continue  # the lunch row says where
        if s.kind == "port":
            timed = onward is not None and onward.mode in (*SEA_MODES, "flight") and onward.mode != "boat"
            what = labels.mode_word(onward.mode, lang) if timed else ""
            if timed and s.depart > s.arrive:  # waits for its boat: a row; a pier passed: none
                out.append(f"  {s.arrive:%H:%M}–{s.depart:%H:%M}  "
                           + t["check_in"].format(place=s.name, what=what))
            if timed:
                via = labels.without_ids(onward.name)
                out.append(f"  {onward.depart:%H:%M}–{onward.arrive:%H:%M}  {what} → "
                           f"{_name_of(d, onward.to_id)}" + (f" ({via})" if via else ""))
            continue
        name = labels.without_ids(s.name)
        if s.kind == "lunch" and lang == "vi":
            name = t["lunch_on_board"] + (" trên tàu" if "on board" in s.name else "")
        where = f"  [{s.province_legacy}]" if s.province_legacy else ""
        if into is not None and into.mode == "boat" and s.kind == "destination":
            where += f"  ({t['by_boat'].format(place=_name_of(d, into.from_id))})"
        out.append(f"  {s.arrive:%H:%M}–{s.depart:%H:%M}  {name}{where}")
    return out


def holds_lunch(d: Day, s: Stop) -> bool:
    """Whether ``s`` is a town or hotel stop of day ``d`` that only holds the lunch pause (not a visit)."""
    return s.kind in ("place", "lodging") and any(
        x.kind == "lunch" and x.depart == s.depart and s.arrive <= x.arrive for x in d.stops)


def _name_of(d: Day, pid: str) -> str:
    return next((s.name for s in (d.start, *d.stops, d.end) if s.id == pid), pid)


def _iso(t: datetime) -> str:
    return t.astimezone(TZ).isoformat(timespec="minutes")


def _stop_to_dict(s: Stop) -> dict[str, Any]:
    d = asdict(s)
    d["arrive"], d["depart"] = _iso(s.arrive), _iso(s.depart)
    d["themes"] = list(s.themes)
    return d


def _leg_to_dict(leg: Leg) -> dict[str, Any]:
    return {"from": leg.from_id, "to": leg.to_id, "mode": leg.mode, "name": leg.name,
            "km": round(leg.km, 2), "minutes": round(leg.minutes, 1),
            "depart": _iso(leg.depart), "arrive": _iso(leg.arrive), "fare_vnd": leg.fare_vnd,
            "geometry": [[round(x, 6), round(y, 6)] for x, y in leg.geometry],
            **({"code": leg.code} if leg.code else {})}


def _day_to_dict(d: Day) -> dict[str, Any]:
    return {"day": d.index, "date": d.date.isoformat(), "overnight": d.overnight,
            "start": _stop_to_dict(d.start), "end": _stop_to_dict(d.end),
            "lodging": _stop_to_dict(d.lodging) if d.lodging else None,
            "stops": [_stop_to_dict(s) for s in d.stops],
            "legs": [_leg_to_dict(leg) for leg in d.legs],
            "km": round(d.km, 1), "road_minutes": round(d.road_minutes, 1)}


# ------------------------------------------------------------- reading JSON back
_MISSING = object()


class _Reader:
    """Collects every problem of an itinerary.json instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def get(self, d: Any, key: str, where: str, conv, default: Any = _MISSING) -> Any:
        if not isinstance(d, dict):
            self.problems.append(f"{where}: expected an object, got {_short(d)}")
            return None
        if key not in d or (d[key] is None and default is not _MISSING):
            if default is _MISSING:
                self.problems.append(f"{where} field {key}: missing")
                return None
            return default
        try:
            return conv(d[key])
        except (TypeError, ValueError, OverflowError) as exc:
            self.problems.append(f"{where} field {key}: {exc}")
            return None


def _short(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def _text(v: Any) -> str:
    if not isinstance(v, str):
        raise TypeError(f"expected text, got {_short(v)}")
    return v


def _number(v: Any, lo: float = -math.inf, hi: float = math.inf) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or not lo <= v <= hi:
        raise ValueError(f"expected a number from {lo:g} to {hi:g}, got {_short(v)}")
    return float(v)


def _int(v: Any) -> int:
    x = _number(v, 0)
    if x != int(x):
        raise ValueError(f"expected a whole number, got {_short(v)}")
    return int(x)


def _lon(v: Any) -> float:
    return _number(v, -180, 180)


def _lat(v: Any) -> float:
    return _number(v, -90, 90)


def _list(v: Any) -> list:
    if not isinstance(v, list):
        raise TypeError(f"expected a list, got {_short(v)}")
    return v


def _dict(v: Any) -> dict:
    if not isinstance(v, dict):
        raise TypeError(f"expected an object, got {_short(v)}")
    return dict(v)


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise TypeError(f"expected true or false, got {_short(v)}")
    return v


def _time(v: Any) -> datetime:
    t = datetime.fromisoformat(_text(v))
    if t.tzinfo is None:
        raise ValueError(f"time {v!r} has no UTC offset (write it like 2026-12-10T08:00+07:00)")
    if not 1900 <= t.year <= 2200:
        raise ValueError(f"time {v!r} is not a plausible tour date")
    return t.astimezone(TZ)


def _choice(options: tuple[str, ...]):
    def conv(v: Any) -> str:
        if v not in options:
            raise ValueError(f"{_short(v)} is not one of {', '.join(options)}")
        return v
    return conv


def _themes(v: Any) -> tuple[str, ...]:
    return tuple(_text(x) for x in _list(v))


def _geometry(v: Any) -> tuple[tuple[float, float], ...]:
    out = []
    for p in _list(v):
        if not isinstance(p, list | tuple) or len(p) != 2:
            raise ValueError(f"expected [lon, lat] pairs, got {_short(p)}")
        out.append((_lon(p[0]), _lat(p[1])))
    return tuple(out)


_STOP_FIELDS = {"id": _text, "name": _text, "lon": _lon, "lat": _lat, "arrive": _time, "depart": _time,
                "kind": _choice(STOP_KINDS), "name_en": _text, "province_legacy": _text,
                "province_2025": _text, "partner": _text, "themes": _themes, "visit_minutes": _int,
                "fee_vnd": _int, "opening_hours": _text, "score": _number}
_STOP_REQUIRED = ("id", "name", "lon", "lat", "arrive", "depart")


def _stop_from_dict(r: _Reader, d: Any, where: str) -> Stop | None:
    if d is None:  # already reported as missing
        return None
    if not isinstance(d, dict):
        r.problems.append(f"{where}: expected an object, got {_short(d)}")
        return None
    kw = {key: r.get(d, key, where, conv) for key, conv in _STOP_FIELDS.items()
          if key in d or key in _STOP_REQUIRED}
    if any(v is None for v in kw.values()):
        return None
    if kw["depart"] < kw["arrive"]:
        r.problems.append(f"{where}: departs ({d['depart']}) before it arrives ({d['arrive']})")
        return None
    return Stop(**kw)


def _leg_from_dict(r: _Reader, d: Any, where: str) -> Leg | None:
    g = r.get
    kw = dict(from_id=g(d, "from", where, _text), to_id=g(d, "to", where, _text),
              mode=g(d, "mode", where, _choice(LEG_MODES)), km=g(d, "km", where, lambda v: _number(v, 0)),
              minutes=g(d, "minutes", where, lambda v: _number(v, 0)), depart=g(d, "depart", where, _time),
              arrive=g(d, "arrive", where, _time), name=g(d, "name", where, _text, ""),
              fare_vnd=g(d, "fare_vnd", where, _int, 0), geometry=g(d, "geometry", where, _geometry, ()),
              code=g(d, "code", where, _text, ""))
    if not isinstance(d, dict) or any(v is None for v in kw.values()):
        return None
    if kw["arrive"] < kw["depart"]:
        r.problems.append(f"{where}: arrives ({d['arrive']}) before it departs ({d['depart']})")
        return None
    return Leg(**kw)


def _day_from_dict(r: _Reader, d: Any, where: str) -> Day | None:
    index = r.get(d, "day", where, _int)
    when = r.get(d, "date", where, lambda v: date.fromisoformat(_text(v)))
    start = _stop_from_dict(r, r.get(d, "start", where, _dict), f"{where} start")
    end = _stop_from_dict(r, r.get(d, "end", where, _dict), f"{where} end")
    stops = tuple(_stop_from_dict(r, s, f"{where} stop {i}")
                  for i, s in enumerate(r.get(d, "stops", where, _list) or (), 1))
    legs = tuple(_leg_from_dict(r, x, f"{where} leg {i}")
                 for i, x in enumerate(r.get(d, "legs", where, _list) or (), 1))
    overnight = r.get(d, "overnight", where, _bool, True)
    parts = (index, when, start, end, overnight, *stops, *legs)
    if any(p is None for p in parts):
        return None
    return Day(index=index, date=when, start=start, end=end, stops=stops, legs=legs, overnight=overnight)
