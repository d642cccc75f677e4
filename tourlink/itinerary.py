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
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tourlink.errors import ValidationError

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

#: kinds of a Stop
STOP_KINDS = ("destination", "lodging", "port", "lunch", "place")
#: modes of a Leg
LEG_MODES = ("road", "fast_boat", "car_ferry", "boat", "walk")
SEA_MODES = ("fast_boat", "car_ferry", "boat")


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
    """A move between two places; ``geometry`` is the drawn path as (lon, lat) pairs."""

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
        t = _LABELS["vi" if lang == "vi" else "en"]
        lines = [self.title or t["itinerary"]]
        for d in self.days:
            title = d.title if lang != "vi" else f"Ngày {d.index} – {d.date:%d/%m/%Y}"
            lines.append(f"\n{title}: {d.start.name} → {d.end.name}  "
                         f"({d.km:.0f} km, {d.road_minutes / 60:.1f} h {t['on_road']})")
            lines.append(f"  {d.start.depart:%H:%M}  {t['depart']} {d.start.name}")
            for s in d.stops:
                where = f"  [{s.province_legacy}]" if s.province_legacy else ""
                lines.append(f"  {s.arrive:%H:%M}–{s.depart:%H:%M}  {s.name}{where}")
            lines.append(f"  {d.end.arrive:%H:%M}  {t['arrive']} {d.end.name}"
                         + (f"  ({t['overnight']})" if d.overnight else ""))
        lines.append(t["total"].format(n=len(self.visits), km=self.km, h=self.road_hours,
                                       fees=self.fees_vnd, fares=self.fares_vnd, score=self.score))
        if self.coverage:
            lines.append(t["coverage"] + ", ".join(
                t["cov_item"].format(p=c.partner, s=c.stops, n=c.nights) for c in self.coverage))
        return "\n".join(lines)

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
        """Rebuild an itinerary from :meth:`to_dict` output; raise ValidationError if malformed."""
        try:
            days = tuple(_day_from_dict(d) for d in data["days"])
            return cls(
                days=days,
                request=dict(data.get("request") or {}),
                title=str(data.get("title", "")),
                partnership=str(data.get("partnership", "")),
                dropped=tuple(Dropped(**x) for x in data.get("dropped", ())),
                coverage=tuple(Coverage(**c) for c in data.get("coverage", ())),
                score=float(data.get("score", 0.0)),
                meta=dict(data.get("meta") or {}),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValidationError(f"not a tourlink itinerary ({type(exc).__name__}: {exc}); "
                                  "write one with `tourlink plan --out DIR`", source=source) from None

    @classmethod
    def from_json(cls, path: str | Path) -> Itinerary:
        """Read ``itinerary.json``; raise ValidationError with the file name if malformed."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ValidationError("file not found", source=str(path)) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValidationError(f"not valid UTF-8 JSON ({exc})", source=str(path)) from None
        if not isinstance(data, dict):
            raise ValidationError("not a tourlink itinerary (top level is not an object)",
                                  source=str(path))
        return cls.from_dict(data, source=str(path))


# ---------------------------------------------------------------------- helpers
_LABELS = {
    "en": {"itinerary": "Itinerary", "on_road": "on the road", "depart": "depart",
           "arrive": "arrive", "overnight": "overnight",
           "total": "\nTotal: {n} visits, {km:.0f} km, {h:.1f} h on the road, fees {fees:,} VND, "
                    "fares {fares:,} VND, score {score:.0f}",
           "coverage": "Coverage: ", "cov_item": "{p} {s} stops/{n} nights"},
    "vi": {"itinerary": "Lịch trình", "on_road": "di chuyển", "depart": "khởi hành",
           "arrive": "đến", "overnight": "nghỉ đêm",
           "total": "\nTổng: {n} điểm tham quan, {km:.0f} km, {h:.1f} giờ di chuyển, "
                    "phí tham quan {fees:,} đ, vé tàu {fares:,} đ, điểm {score:.0f}",
           "coverage": "Phân bố: ", "cov_item": "{p} {s} điểm/{n} đêm"},
}


def _iso(t: datetime) -> str:
    return t.astimezone(TZ).isoformat(timespec="minutes")


def _parse_time(s: str) -> datetime:
    t = datetime.fromisoformat(s)
    if t.tzinfo is None:
        raise ValueError(f"time {s!r} has no UTC offset")
    return t.astimezone(TZ)


def _stop_to_dict(s: Stop) -> dict[str, Any]:
    d = asdict(s)
    d["arrive"], d["depart"] = _iso(s.arrive), _iso(s.depart)
    d["themes"] = list(s.themes)
    return d


def _stop_from_dict(d: dict[str, Any]) -> Stop:
    known = {f.name for f in fields(Stop)}
    kw = {k: v for k, v in d.items() if k in known}
    kw["arrive"], kw["depart"] = _parse_time(d["arrive"]), _parse_time(d["depart"])
    kw["themes"] = tuple(d.get("themes", ()))
    kw["lon"], kw["lat"] = float(d["lon"]), float(d["lat"])
    return Stop(**kw)


def _leg_to_dict(leg: Leg) -> dict[str, Any]:
    return {"from": leg.from_id, "to": leg.to_id, "mode": leg.mode, "name": leg.name,
            "km": round(leg.km, 2), "minutes": round(leg.minutes, 1),
            "depart": _iso(leg.depart), "arrive": _iso(leg.arrive), "fare_vnd": leg.fare_vnd,
            "geometry": [[round(x, 5), round(y, 5)] for x, y in leg.geometry]}


def _leg_from_dict(d: dict[str, Any]) -> Leg:
    return Leg(from_id=d["from"], to_id=d["to"], mode=d["mode"], km=float(d["km"]),
               minutes=float(d["minutes"]), depart=_parse_time(d["depart"]),
               arrive=_parse_time(d["arrive"]), name=d.get("name", ""),
               fare_vnd=int(d.get("fare_vnd", 0)),
               geometry=tuple((float(x), float(y)) for x, y in d.get("geometry", ())))


def _day_to_dict(d: Day) -> dict[str, Any]:
    return {"day": d.index, "date": d.date.isoformat(), "overnight": d.overnight,
            "start": _stop_to_dict(d.start), "end": _stop_to_dict(d.end),
            "lodging": _stop_to_dict(d.lodging) if d.lodging else None,
            "stops": [_stop_to_dict(s) for s in d.stops],
            "legs": [_leg_to_dict(leg) for leg in d.legs],
            "km": round(d.km, 1), "road_minutes": round(d.road_minutes, 1)}


def _day_from_dict(d: dict[str, Any]) -> Day:
    return Day(index=int(d["day"]), date=date.fromisoformat(d["date"]),
               start=_stop_from_dict(d["start"]), end=_stop_from_dict(d["end"]),
               stops=tuple(_stop_from_dict(s) for s in d["stops"]),
               legs=tuple(_leg_from_dict(x) for x in d["legs"]),
               overnight=bool(d.get("overnight", True)))
