"""The price of a tour: a per-guest quotation from an itinerary and a table of rates.

:func:`quote` reads a planned :class:`~tourlink.itinerary.Itinerary` and :class:`Rates` and returns
a :class:`Quote`: every cost as an item (kind, day, quantity, rate, source), the operator's margin,
VAT, the price per guest in a twin room and the single-room supplement. Nothing here plans or
changes a tour; the planner never imports this module.

The costing model, for ``group_size`` guests plus one guide and one driver per coach:

* **coach**: the smallest class (16/29/45 seats) that seats the group with its guide; above the
  largest class, several coaches of equal size, each with its guide. One coach per region the
  group is in: a day rate for every day it is booked, plus a rate per km on the road legs it drives.
  Where the group crosses by a passenger boat, the coach waits ashore (booked on the days between)
  and meets the group where it lands again, driving there empty (straight line times a detour
  factor, per km); an island is served by a **local coach** hired by the day. Where the group
  flies, the coach drives back empty to where it was hired and is released; a coach of the region
  the group lands in meets it at the airport and is booked for the days it drives there.
* **tolls**: per km on each tolled expressway section a road leg names and runs along (its km on
  the section measured along the leg's path against the bundled road network).
* **car ferry**: the vehicle fare of the crossing (``links.csv``) when the coach goes along.
* **fares**: boat, ferry and flight fares per guest and guide; **boat hire** per boat for a river
  boat out and back (floating markets), unless the site's fee already pays the shared boat; a
  ``boat_hire`` rate keyed by the site says its fee is the islet's and the boat is hired (Thới Sơn:
  the fee is the pony cart).
* **lodging**: twin rooms (``ceil(guests / 2)``) per night by town and grade (stars), one twin room
  for the guide and driver of each coach; the single supplement is half a room per night.
* **meals**: lunch on days that span noon, dinner on nights away, per guest and staff member, by
  place (lodging or stop id, then legacy province, then ``*``); breakfast comes with the room.
* **fees**: entrance fees per guest (the guide enters free); **guide** fee per day per coach;
  **insurance** per guest per day.
* **margin** on the cost, then **VAT** on cost plus margin; the price per guest is rounded up to
  1,000 VND, the group price is that times the guests.

Rates live in ``data/rates.csv`` (one row per rate, each with its source; a source starting with
"estimate:" is a guess and says what it rests on). A user's CSV or TOML file of the same columns
overrides rows with the same kind, key and class (:func:`load_rates`).
"""

from __future__ import annotations

import csv
import difflib
import functools
import gzip
import io
import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tourlink.errors import ValidationError

#: kind of rate → (unit, what the key names); a rate file may use only these kinds
RATE_KINDS: dict[str, tuple[str, str]] = {
    "coach_day": ("VND/day", "*"),
    "coach_km": ("VND/km", "*"),
    "coach_guests": ("guests", "*"),
    "local_coach_day": ("VND/day", "arrival port id, province or *"),
    "reposition_detour": ("factor", "*"),
    "toll_km": ("VND/km", "expressway section name or road ref (e.g. CT.01)"),
    "toll_max_km": ("km", "road label"),
    "room": ("VND/room-night", "lodging id, province or *"),
    "room_factor": ("factor", "*"),
    "lunch": ("VND/guest", "place id, province or *"),
    "dinner": ("VND/guest", "lodging id, province or *"),
    "boat_hire": ("VND/boat", "site id (its boat is hired though it has a fee), pier id, province or *"),
    "boat_guests": ("persons", "site id, pier id, province or *"),
    "guide_day": ("VND/day", "*"),
    "insurance_day": ("VND/guest-day", "*"),
    "margin": ("%", "*"),
    "vat": ("%", "*"),
    "fare": ("VND/person", "sea link id"),
    "vehicle_fare": ("VND/vehicle", "sea link id"),
}
#: columns of a rate table (``class`` = seats of a coach class or stars of a lodging grade)
RATE_COLUMNS = ("kind", "key", "class", "unit", "value", "valid_from", "valid_to", "as_of", "source")
#: kinds of quote items, in the order tables list them
ITEM_KINDS = ("coach", "local_coach", "toll", "vehicle_ferry", "boat_hire", "fares", "lodging", "meals",
              "fees", "guide", "staff", "insurance")
ITEM_LABELS = {
    "en": {"coach": "Coach", "local_coach": "Local coach", "toll": "Tolls",
           "vehicle_ferry": "Car ferry (coach)",
           "boat_hire": "Boat hire", "fares": "Boat, ferry and flight fares", "lodging": "Hotels",
           "meals": "Meals", "fees": "Entrance fees", "guide": "Tour guide",
           "staff": "Guide and driver: rooms and meals", "insurance": "Travel insurance"},
    "vi": {"coach": "Xe du lịch", "local_coach": "Xe tại đảo", "toll": "Phí đường bộ cao tốc",
           "vehicle_ferry": "Phà chở xe", "boat_hire": "Thuê thuyền", "fares": "Vé tàu, phà, máy bay",
           "lodging": "Khách sạn", "meals": "Ăn uống", "fees": "Vé tham quan", "guide": "Hướng dẫn viên",
           "staff": "Phòng và ăn của HDV, tài xế", "insurance": "Bảo hiểm du lịch"},
}
_PASSENGER_MODES = ("fast_boat", "flight")  # the coach cannot come along


# ======================================================================== rates
@dataclass(frozen=True)
class Rate:
    """One row of a rate table."""

    kind: str
    key: str
    cls: str
    value: float
    unit: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    as_of: str = ""
    source: str = ""
    origin: str = ""

    @property
    def estimate(self) -> bool:
        """True when the source says the value is a guess (``estimate: ...``) or gives none."""
        return not self.source.strip() or self.source.strip().lower().startswith("estimate")

    def valid_on(self, day: date | None) -> bool:
        """True when the rate applies on ``day`` (always, for an undated rate or no day)."""
        if day is None:
            return True
        return (self.valid_from is None or self.valid_from <= day) and \
            (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Rates:
    """A rate table: bundled rows with a user's rows layered over them (same kind, key and class)."""

    rows: tuple[Rate, ...]
    origin: str = "data/rates.csv"

    def get(self, kind: str, keys: Iterable[str] = ("*",), cls: str = "", *, on: date | None = None
            ) -> Rate | None:
        """The rate of ``kind`` for the first of ``keys`` that has one (``*`` last), valid ``on``.

        A row with a validity period wins over an undated row of the same key; a user's row wins
        over a bundled one.
        """
        for key in (*keys, "*"):
            found = [r for r in self.rows if r.kind == kind and r.key == key and r.cls == cls
                     and r.valid_on(on)]
            if found:
                return max(found, key=lambda r: (r.origin != "data/rates.csv",
                                                 r.valid_from is not None or r.valid_to is not None))
        return None

    def need(self, kind: str, keys: Iterable[str] = ("*",), cls: str = "", *, on: date | None = None) -> Rate:
        """:meth:`get`, raising ValidationError naming the row to add when there is none."""
        rate = self.get(kind, keys, cls, on=on)
        if rate is None:
            what = f"{cls} " if cls else ""
            raise ValidationError(f"no rate {kind} for {what}{list(keys)[0]!s}; add a row kind={kind}, "
                                  f"key=*, class={cls or '(empty)'} to your rate file",
                                  source=self.origin)
        return rate

    def classes(self, kind: str) -> list[str]:
        """The classes listed for ``kind`` (e.g. coach seats), smallest first."""
        return sorted({r.cls for r in self.rows if r.kind == kind},
                      key=lambda c: (float(c) if _is_number(c) else math.inf, c))

    def counts(self) -> tuple[int, int]:
        """(rates with a source, rates that are estimates)."""
        est = sum(r.estimate for r in self.rows)
        return len(self.rows) - est, est


def load_rates(path: str | Path | None = None, *, bundled: bool = True) -> Rates:
    """Return the bundled rates with the rows of a user's rate file (CSV or TOML) over them.

    A CSV file has the columns of ``data/rates.csv`` (``kind, key, class, value`` required; ``unit,
    valid_from, valid_to, as_of, source`` optional). A TOML file lists the same fields as an array
    of tables::

        [[rate]]
        kind = "coach_day"
        class = "29"
        value = 1500000
        source = "our contract with Xe Mekong, 2026"

    ``bundled=False`` returns the file's rates alone (a complete table of your own).

    Raises
    ------
    ValidationError
        Naming every bad row and field of the user's file at once.
    """
    from tourlink.paths import data_file

    if path is None:
        return Rates(_read_csv(data_file("rates.csv"), origin="data/rates.csv"))
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError("file not found; give a CSV or TOML rate file", source=str(path)) from None
    except OSError as exc:
        raise ValidationError(f"cannot read the file ({exc.strerror or exc})", source=str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("not UTF-8 text; save the rate file as UTF-8", source=str(path)) from None
    if path.suffix.lower() == ".toml":
        user = _read_toml(text, str(path))
    else:
        user = _read_csv(io.StringIO(text), origin=str(path))
    if not bundled:
        return Rates(user, origin=path.name)
    mine = {(r.kind, r.key, r.cls, r.valid_from, r.valid_to) for r in user}
    kept = [r for r in _read_csv(data_file("rates.csv"), origin="data/rates.csv")
            if (r.kind, r.key, r.cls, r.valid_from, r.valid_to) not in mine]
    return Rates(tuple(kept) + tuple(user), origin=f"data/rates.csv + {path.name}")


def _read_csv(src: Path | io.StringIO, *, origin: str) -> tuple[Rate, ...]:
    fh = open(src, encoding="utf-8-sig", newline="") if isinstance(src, Path) else src
    with fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in reader.fieldnames or []]
        problems = []
        missing = [c for c in ("kind", "key", "class", "value") if c not in header]
        unknown = [c for c in header if c not in RATE_COLUMNS]
        if missing:
            problems.append(f"missing column(s) {', '.join(missing)}; the header must name "
                            f"{', '.join(RATE_COLUMNS)}")
        for c in unknown:
            near = difflib.get_close_matches(c, RATE_COLUMNS, n=1)
            problems.append(f"unknown column {c!r}" + (f"; did you mean {near[0]!r}?" if near else ""))
        if problems:
            raise ValidationError(problems, source=origin)
        records = [({(k or "").strip(): v for k, v in row.items()}, f"row {i}")
                   for i, row in enumerate(reader, start=2)]
    return _rates_of(records, origin)


def _read_toml(text: str, origin: str) -> tuple[Rate, ...]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"not valid TOML ({exc})", source=origin) from None
    extra = [k for k in data if k != "rate"]
    table = data.get("rate")
    if extra or not isinstance(table, list) or not all(isinstance(x, dict) for x in table):
        unknown = f" (unknown key(s) {', '.join(map(repr, extra))})" if extra else ""
        raise ValidationError("a TOML rate file is a list of [[rate]] tables with kind, key, class, value "
                              "and source" + unknown,
                              source=origin)
    problems = []
    records = []
    for i, x in enumerate(table, start=1):
        bad = [k for k in x if k not in RATE_COLUMNS]
        for k in bad:
            near = difflib.get_close_matches(str(k), RATE_COLUMNS, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            problems.append(f"rate {i}: unknown field {k!r}{hint}")
        records.append(({k: v for k, v in x.items() if k not in bad}, f"rate {i}"))
    try:
        rates = _rates_of(records, origin)
    except ValidationError as exc:
        problems += exc.problems
        rates = ()
    if problems:
        raise ValidationError(problems, source=origin)
    return rates


def _rates_of(records: list[tuple[Mapping[str, Any], str]], origin: str) -> tuple[Rate, ...]:
    """Typed rates of raw records; every problem of every record reported at once."""
    problems: list[str] = []
    out: list[Rate] = []
    seen: dict[tuple, str] = {}
    for rec, where in records:
        text = {k: ("" if v is None else str(v).strip()) for k, v in rec.items()}
        kind, key, cls = text.get("kind", ""), text.get("key", "") or "*", text.get("class", "")
        n = len(problems)
        if kind not in RATE_KINDS:
            near = difflib.get_close_matches(kind, RATE_KINDS, n=1)
            problems.append(f"{where} kind: {kind!r} is not a rate kind" +
                            (f"; did you mean {near[0]!r}?" if near else f"; known: {', '.join(RATE_KINDS)}"))
        value = rec.get("value")
        try:
            if isinstance(value, bool):
                raise ValueError
            value = float(str(value).replace(",", "").replace("_", "").strip())
            if not math.isfinite(value) or value < 0:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(f"{where} value: {text.get('value', '')!r} is not a non-negative number "
                            "(write 1500000, not 1.500.000 đ)")
        if kind in ("coach_day", "coach_km", "coach_guests", "local_coach_day", "toll_km") and \
                not _is_number(cls):
            problems.append(f"{where} class: {kind} needs the coach's seats (16, 29, 45 ...), got {cls!r}")
        if kind in ("room", "room_factor") and cls not in ("1", "2", "3", "4", "5"):
            problems.append(f"{where} class: {kind} needs the hotel's stars 1-5, got {cls!r}")
        if kind in ("margin", "vat") and isinstance(value, float) and value > 100:
            problems.append(f"{where} value: {kind} is a percentage 0-100, got {value:g}")
        dates = []
        for col in ("valid_from", "valid_to"):
            raw = rec.get(col)
            if isinstance(raw, date) and not isinstance(raw, datetime):
                dates.append(raw)
            elif raw is None or text.get(col, "") == "":
                dates.append(None)
            else:
                try:
                    dates.append(date.fromisoformat(text[col]))
                except ValueError:
                    problems.append(f"{where} {col}: {text[col]!r} is not a date YYYY-MM-DD")
                    dates.append(None)
        if dates[0] and dates[1] and dates[0] > dates[1]:
            problems.append(f"{where}: valid_from {dates[0]} is after valid_to {dates[1]}")
        ident = (kind, key, cls, dates[0], dates[1])
        if len(problems) == n and ident in seen:
            problems.append(f"{where}: repeats {seen[ident]} (kind {kind}, key {key}, class {cls or '-'}); "
                            "keep one")
        if len(problems) == n:
            seen[ident] = where
            unit = text.get("unit", "") or RATE_KINDS[kind][0]
            out.append(Rate(kind=kind, key=key, cls=cls, value=value, unit=unit,
                            valid_from=dates[0], valid_to=dates[1], as_of=text.get("as_of", ""),
                            source=text.get("source", ""), origin=origin))
    if problems:
        raise ValidationError(problems, source=origin)
    if not out:
        raise ValidationError("no rates in the file", source=origin)
    return tuple(out)


def _is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


# ======================================================================== quote
@dataclass(frozen=True)
class QuoteItem:
    """One cost of the tour for the whole group (VND, before margin and VAT)."""

    kind: str
    day: int
    label: str
    quantity: float
    unit: str
    rate_vnd: float
    vnd: int
    source: str = ""
    estimate: bool = False


@dataclass(frozen=True)
class Quote:
    """The price of a tour for ``group_size`` guests; totals follow from the items.

    ``per_guest_vnd`` is the price of one guest sharing a twin room (cost plus margin plus VAT,
    divided by the guests, rounded up to 1,000 VND); ``group_vnd`` is that times the guests.
    """

    group_size: int
    lodging_grade: int
    seats: int
    coaches: int
    items: tuple[QuoteItem, ...]
    margin_pct: float
    vat_pct: float
    single_rooms_vnd: int = 0
    rates: str = "data/rates.csv"
    notes: tuple[str, ...] = ()

    @property
    def cost_vnd(self) -> int:
        """Sum of the items: what the operator pays."""
        return sum(i.vnd for i in self.items)

    @property
    def margin_vnd(self) -> int:
        return round(self.cost_vnd * self.margin_pct / 100)

    @property
    def vat_vnd(self) -> int:
        return round((self.cost_vnd + self.margin_vnd) * self.vat_pct / 100)

    @property
    def per_guest_vnd(self) -> int:
        """Price per guest, twin share, VAT included, rounded up to 1,000 VND."""
        return _round_up(_price(self.cost_vnd, self.margin_pct, self.vat_pct) / self.group_size)

    @property
    def group_vnd(self) -> int:
        return self.per_guest_vnd * self.group_size

    @property
    def single_supplement_vnd(self) -> int:
        """Extra price for one guest who takes a room alone (half a room a night, with margin and VAT)."""
        if not self.single_rooms_vnd:
            return 0
        return _round_up(_price(self.single_rooms_vnd, self.margin_pct, self.vat_pct))

    @property
    def by_kind(self) -> dict[str, int]:
        """Cost per item kind (VND, before margin and VAT), in :data:`ITEM_KINDS` order."""
        out = {k: 0 for k in ITEM_KINDS}
        for i in self.items:
            out[i.kind] = out.get(i.kind, 0) + i.vnd
        return {k: v for k, v in out.items() if v}

    @property
    def by_day(self) -> dict[int, int]:
        """Cost per tour day (VND, before margin and VAT)."""
        out: dict[int, int] = {}
        for i in self.items:
            out[i.day] = out.get(i.day, 0) + i.vnd
        return dict(sorted(out.items()))

    @property
    def estimated_vnd(self) -> int:
        """Part of the cost that rests on estimated rates."""
        return sum(i.vnd for i in self.items if i.estimate)

    def vehicle(self, *, lang: str = "en") -> str:
        """The coaches in words, e.g. "29-seat coach" / "xe 29 chỗ", "2 × 45-seat coach"."""
        one = f"xe {self.seats} chỗ" if lang == "vi" else f"{self.seats}-seat coach"
        return f"{self.coaches} × {one}" if self.coaches > 1 else one

    def lines(self, *, lang: str = "en") -> list[str]:
        """A few readable lines: the price, the group, the cost by kind."""
        vi = lang == "vi"
        head = (f"Giá tour: {_vnd(self.per_guest_vnd, vi)}/khách (phòng đôi, {self.group_size} khách, "
                f"{self.vehicle(lang=lang)}, khách sạn {self.lodging_grade} sao), cả đoàn "
                f"{_vnd(self.group_vnd, vi)}; phụ thu phòng đơn {_vnd(self.single_supplement_vnd, vi)}; "
                f"đã gồm VAT {self.vat_pct:g}%"
                if vi else
                f"Price: {_vnd(self.per_guest_vnd, vi)} per guest (twin share, {self.group_size} guests, "
                f"{self.vehicle(lang=lang)}, {self.lodging_grade}-star hotels), "
                f"group {_vnd(self.group_vnd, vi)}; "
                f"single supplement {_vnd(self.single_supplement_vnd, vi)}; VAT {self.vat_pct:g}% included")
        labels = ITEM_LABELS["vi" if vi else "en"]
        parts = ", ".join(f"{labels.get(k, k) if vi else labels.get(k, k).lower()} {_vnd(v, vi)}"
                          for k, v in self.by_kind.items())
        return [head, ("  Chi phí: " if vi else "  Cost: ") + parts]

    # ------------------------------------------------------------------ JSON form
    def to_dict(self) -> dict[str, Any]:
        """The ``quote`` object of ``itinerary.json``."""
        return {
            "currency": "VND",
            "per_guest_vnd": self.per_guest_vnd,
            "group_vnd": self.group_vnd,
            "group_size": self.group_size,
            "single_supplement_vnd": self.single_supplement_vnd,
            "lodging_grade": self.lodging_grade,
            "vehicle": self.vehicle(),
            "seats": self.seats,
            "coaches": self.coaches,
            "cost_vnd": self.cost_vnd,
            "margin_pct": self.margin_pct,
            "margin_vnd": self.margin_vnd,
            "vat_pct": self.vat_pct,
            "vat_vnd": self.vat_vnd,
            "estimated_vnd": self.estimated_vnd,
            "by_kind": self.by_kind,
            "by_day": {str(k): v for k, v in self.by_day.items()},
            "single_rooms_vnd": self.single_rooms_vnd,
            "rates": self.rates,
            "notes": list(self.notes),
            "items": [{"kind": i.kind, "day": i.day, "label": i.label, "quantity": i.quantity, "unit": i.unit,
                       "rate_vnd": i.rate_vnd, "vnd": i.vnd, "source": i.source, "estimate": i.estimate}
                      for i in self.items],
        }

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "quote") -> Quote:
        """Rebuild a quote from :meth:`to_dict` output (totals are recomputed from the items).

        Raises
        ------
        ValidationError
            Naming every bad field.
        """
        from tourlink.itinerary import _bool, _int, _list, _number, _Reader, _text

        r = _Reader()
        amount = lambda v: _number(v, 0)  # noqa: E731
        texts = lambda v: [_text(x) for x in _list(v)]  # noqa: E731
        items = []
        for n, x in enumerate(r.get(data, "items", "quote", _list, ()) or (), start=1):
            w = f"quote item {n}"
            kw = dict(kind=r.get(x, "kind", w, _text), day=r.get(x, "day", w, _int),
                      label=r.get(x, "label", w, _text, ""), quantity=r.get(x, "quantity", w, amount),
                      unit=r.get(x, "unit", w, _text, ""), rate_vnd=r.get(x, "rate_vnd", w, amount),
                      vnd=r.get(x, "vnd", w, _int), source=r.get(x, "source", w, _text, ""),
                      estimate=r.get(x, "estimate", w, _bool, False))
            if all(v is not None for v in kw.values()):
                items.append(QuoteItem(**kw))
        kw = dict(group_size=r.get(data, "group_size", "quote", _int),
                  lodging_grade=r.get(data, "lodging_grade", "quote", _int),
                  seats=r.get(data, "seats", "quote", _int), coaches=r.get(data, "coaches", "quote", _int, 1),
                  margin_pct=r.get(data, "margin_pct", "quote", amount),
                  vat_pct=r.get(data, "vat_pct", "quote", amount),
                  single_rooms_vnd=r.get(data, "single_rooms_vnd", "quote", _int, 0),
                  rates=r.get(data, "rates", "quote", _text, ""),
                  notes=tuple(r.get(data, "notes", "quote", texts, ()) or ()))
        if kw["group_size"] == 0:
            r.problems.append("quote field group_size: must be at least 1")
        if r.problems:
            raise ValidationError(r.problems, source=source)
        return cls(items=tuple(items), **kw)


def _price(cost: float, margin_pct: float, vat_pct: float) -> float:
    net = cost + round(cost * margin_pct / 100)
    return net + round(net * vat_pct / 100)


def _round_up(v: float, step: int = 1000) -> int:
    return int(math.ceil(round(v, 6) / step) * step)


def _vnd(v: int, vi: bool) -> str:
    return f"{v:,}".replace(",", ".") + " đ" if vi else f"{v:,} VND"


# ------------------------------------------------------------------- the model
def meals_of(day) -> tuple[bool, bool]:
    """(lunch, dinner) of a tour day: lunch when the day has a lunch pause or spans 11:30–13:00,
    dinner on a night away. Breakfast comes with the room."""
    lunch = any(s.kind == "lunch" for s in day.stops) or (
        (day.start.depart.hour, day.start.depart.minute) <= (11, 30)
        and (day.end.arrive.hour, day.end.arrive.minute) >= (13, 0))
    return lunch, bool(day.overnight)


def vehicle_plan(group_size: int, rates: Rates) -> tuple[int, str, int]:
    """(coaches, class in seats, largest number of guests in one coach) for a group."""
    classes = rates.classes("coach_guests")
    if not classes:
        raise ValidationError("no coach_guests rates: list the coach classes and how many guests each "
                              "seats", source=rates.origin)
    cap = {c: int(rates.need("coach_guests", cls=c).value) for c in classes}
    biggest = max(cap.values())
    if biggest < 1:
        raise ValidationError("coach_guests: every coach class seats no guest", source=rates.origin)
    coaches = math.ceil(group_size / biggest)
    per_coach = math.ceil(group_size / coaches)
    cls = min((c for c in classes if cap[c] >= per_coach), key=lambda c: (cap[c], c))
    return coaches, cls, per_coach


def quote(itinerary, *, rates: Rates | None = None, group_size: int | None = None,
          lodging_grade: int | None = None, margin_pct: float | None = None,
          vat_pct: float | None = None) -> Quote:
    """Price ``itinerary`` for a group; every cost an item with its rate and source.

    Parameters
    ----------
    itinerary
        A planned tour (:class:`~tourlink.itinerary.Itinerary`).
    rates
        The rate table (default: the bundled ``data/rates.csv``, see :func:`load_rates`).
    group_size, lodging_grade
        Guests and hotel stars (default: the itinerary's request, else 10 guests and 3 stars).
    margin_pct, vat_pct
        Override the rate table's margin and VAT (percent).

    Raises
    ------
    ValidationError
        When a needed rate is missing from a user's rate table, or the group is empty.
    """
    rates = rates if rates is not None else load_rates()
    req = itinerary.request or {}
    n = int(group_size if group_size is not None else req.get("group_size") or 10)
    grade = int(lodging_grade if lodging_grade is not None else req.get("lodging_grade") or 3)
    if n < 1:
        raise ValidationError(f"group_size: {n} guests; a quote needs at least one", source="quote")
    on = itinerary.days[0].date if itinerary.days else None
    planned_for = int(req.get("group_size") or n)
    coaches, cls, _ = vehicle_plan(n, rates)
    staff = 2 * coaches  # a guide and a driver per coach
    b = _Builder()
    coach_day = rates.need("coach_day", cls=cls, on=on)
    coach_km = rates.need("coach_km", cls=cls, on=on)
    seats = f"{cls} seats"

    # --- the coaches: one per region, the days it serves, its km, where the group leaves it ---
    fleet = _Fleet(itinerary.days[0].start if itinerary.days else None)
    links = _sea_links()
    for day in itinerary.days:
        places = {s.id: s for s in (day.start, *day.stops, day.end)}
        fleet.start_day(day.index)
        for leg in day.legs:
            if leg.mode == "road":
                coach = fleet.meet(day.index)
                if not coach.local:
                    coach.km[day.index] = coach.km.get(day.index, 0.0) + leg.km
                    _tolls(b, rates, leg, day.index, cls, coaches, on)
            elif leg.mode == "boat" and leg.fare_vnd:  # a boat with a fare: per person, each way
                fare = Rate("fare", leg.from_id, "", leg.fare_vnd / max(1, planned_for),
                            source=f"fare of the planned boat leg for {planned_for} people")
                b.add("fares", day.index, f"Boat {leg.name or leg.from_id}: {n} guests + {coaches} guide(s)",
                      n + coaches, "person", fare)
            elif leg.mode == "boat":  # a boat hired for the group, out and back
                start, site = places.get(leg.from_id), places.get(leg.to_id)
                mine = (site.id,) if site is not None and site.kind == "destination" else ()
                own = rates.get("boat_hire", mine, on=on) if mine else None
                hired = own is not None and own.key == site.id  # a rate of its own: the boat is hired
                if mine and site.fee_vnd and not hired:
                    continue  # the site's fee per guest is the shared boat (floating markets, ferries)
                if start is not None and start.kind == "port":
                    keys = (*mine, leg.from_id, start.province_legacy)
                    hire = rates.need("boat_hire", keys, on=on)
                    size = rates.need("boat_guests", keys, on=on)
                    boats = math.ceil((n + coaches) / max(1, int(size.value)))
                    b.add("boat_hire", day.index, f"Boat hire {start.name}: {boats} boat(s) out and back",
                          boats, "boat", hire)
            elif leg.mode in (*_PASSENGER_MODES, "car_ferry"):
                link = _link_of(leg, links)
                named = (link.id,) if link else tuple(leg.name.split()[-1:])
                fare = rates.get("fare", named, on=on)
                if fare is None and link is not None:
                    fare = Rate("fare", link.id, "", link.fare_vnd, source=_link_source(link, "fare_vnd"),
                                as_of=link.as_of)
                if fare is None:  # no timetable row: the fare the plan carries, per person
                    fare = Rate("fare", leg.to_id, "", leg.fare_vnd / max(1, planned_for),
                                source=f"fare of the planned leg {leg.name or leg.mode} for "
                                       f"{planned_for} people")
                people = n + coaches
                b.add("fares", day.index, f"{leg.name or leg.mode}: {n} guests + {coaches} guide(s)",
                      people, "person", fare)
                if leg.mode == "car_ferry" and fleet.aboard():
                    vf = rates.get("vehicle_fare", named, on=on)
                    if vf is None and link is not None and link.vehicle_fare_vnd is not None:
                        vf = Rate("vehicle_fare", link.id, "", link.vehicle_fare_vnd,
                                  source=_link_source(link, "vehicle_fare_vnd"), as_of=link.as_of)
                    if vf is None:
                        raise ValidationError(f"no vehicle fare for the car ferry {leg.name!r}; add a row "
                                              "kind=vehicle_fare, key=<link id>", source=rates.origin)
                    b.add("vehicle_ferry", day.index, f"{leg.name}: {coaches} coach(es) with driver",
                          coaches, "vehicle", vf)
                else:  # the coach cannot come along: it waits ashore, or goes home from an airport
                    fleet.leave(places.get(leg.from_id), places.get(leg.to_id), day.index,
                                flight=leg.mode == "flight")
    detour = rates.need("reposition_detour", on=on).value if fleet.empty_drives else 1.0
    for d, a, z in fleet.empty_drives:
        empty = round(_km(a, z) * detour, 1)
        b.add("coach", d, f"Coach drives empty {a.name} → {z.name} ({empty:g} km, straight line × "
              f"{detour:g})", empty * coaches, "km", coach_km)
    for coach in fleet.coaches:
        what = f"Coach {seats}" + ("" if coach is fleet.coaches[0] or coach.base is None
                                   else f" from {coach.base.name}")
        if coach.local:
            port = coach.base
            lc = rates.need("local_coach_day", (port.id, port.province_legacy) if port else (), cls, on=on)
            for d in sorted(coach.days()):
                b.add("local_coach", d, f"Local coach {seats}" + (f" from {port.name}" if port else ""),
                      coaches, "day", lc)
            continue
        for d, km in sorted(coach.km.items()):
            b.add("coach", d, f"{what}: {km:.0f} km", round(km, 1) * coaches, "km", coach_km)
        for d in sorted(coach.days()):
            b.add("coach", d, f"{what}: day hire with driver", coaches, "day", coach_day)

    # --- lodging, meals, fees, guide, insurance --------------------------------------------
    rooms = math.ceil(n / 2)
    single_rooms = 0.0
    factor = None if grade == 3 else rates.get("room_factor", cls=str(grade), on=on)
    for day in itinerary.days:
        night = day.lodging
        if night is not None:
            keys = (night.id, night.province_legacy)
            room = rates.get("room", keys, str(grade), on=on)
            exact = room is not None and room.key != "*"
            if not exact:
                base = rates.get("room", keys, "3", on=on)
                if base is not None and base.key != "*" and factor is not None:
                    room = Rate("room", base.key, str(grade), base.value * factor.value,
                                source=f"estimate: {base.source} × {factor.value:g} for {grade} stars "
                                       f"({factor.source})")
            if room is None:
                raise ValidationError(f"no room rate for {grade}-star hotels; add a row kind=room, key=*, "
                                      f"class={grade}", source=rates.origin)
            b.add("lodging", day.index, f"{night.name}: {rooms} twin room(s), {grade} stars", rooms,
                  "room-night", room)
            b.add("staff", day.index, f"{night.name}: {coaches} twin room(s) for guide and driver", coaches,
                  "room-night", room)
            single_rooms += room.value / 2
        lunch, dinner = meals_of(day)
        if lunch:
            where = _at_noon(day)
            r = rates.need("lunch", (where.id, where.province_legacy), on=on)
            b.add("meals", day.index, f"Lunch ({where.province_legacy or where.name})", n, "guest", r)
            b.add("staff", day.index, "Lunch for guide and driver", staff, "person", r)
        if dinner:
            r = rates.need("dinner", (day.end.id, day.end.province_legacy), on=on)
            b.add("meals", day.index, f"Dinner ({day.end.name})", n, "guest", r)
            b.add("staff", day.index, "Dinner for guide and driver", staff, "person", r)
        for s in day.visits:
            if s.fee_vnd:
                b.add("fees", day.index, f"Entrance {s.name}", n, "guest",
                      Rate("fee", s.id, "", s.fee_vnd, source=f"fee_vnd of {s.id} in the catalogue"))
        b.add("guide", day.index, "Tour guide", coaches, "day", rates.need("guide_day", on=on))
        b.add("insurance", day.index, "Travel insurance", n, "guest", rates.need("insurance_day", on=on))

    margin = margin_pct if margin_pct is not None else rates.need("margin", on=on).value
    vat = vat_pct if vat_pct is not None else rates.need("vat", on=on).value
    for name, v in (("margin_pct", margin), ("vat_pct", vat)):
        if not 0 <= v <= 100:
            raise ValidationError(f"{name}: {v:g} is not a percentage 0-100", source="quote")
    odd = "; one guest of the odd number has a room alone" if n % 2 else ""
    notes = [f"Twin share: two guests a room{odd}",
             "The guide and the driver of each coach share a twin room"]
    if b.estimated:
        notes.append(f"{b.estimated} of {len(b.items)} items rest on estimated rates (see their sources)")
    order = {k: i for i, k in enumerate(ITEM_KINDS)}
    items = sorted(b.items, key=lambda i: (i.day, order.get(i.kind, len(order))))
    return Quote(group_size=n, lodging_grade=grade, seats=int(float(cls)), coaches=coaches,
                 items=tuple(items), margin_pct=float(margin), vat_pct=float(vat),
                 single_rooms_vnd=round(single_rooms), rates=rates.origin, notes=tuple(notes))


def quote_of(itinerary) -> Quote:
    """The itinerary's own quote, or one from the bundled rates for the group of its request."""
    return itinerary.quote if getattr(itinerary, "quote", None) is not None else quote(itinerary)


#: farthest (straight line, km) a coach waiting ashore drives empty to meet the group where it lands
REACH_KM = 300.0


@dataclass
class _Coach:
    """One coach hire: where it met the group (``base``), the days it is booked, its km per day."""

    base: Any
    local: bool = False  # a local coach hired by the day on an island (no km, the island's day rate)
    spans: list[list[int]] = field(default_factory=list)  # booked [first, last] days
    km: dict[int, float] = field(default_factory=dict)
    waits_at: Any = None  # where it waits while the group is across the water (a boat crossing)

    def book(self, day: int, *, again: bool = False) -> None:
        if self.spans and not again:
            self.spans[-1][1] = max(self.spans[-1][1], day)
        else:
            self.spans.append([day, day])

    def days(self) -> set[int]:
        return {d for a, z in self.spans for d in range(a, z + 1)}


class _Fleet:
    """The coaches of a tour, one per region the group is in.

    The coach hired where the tour starts drives the group until it crosses without it (a fast
    boat, a flight). Left at a boat crossing, a coach waits ashore (booked on the days between)
    and meets the group where it lands again on the same land within :data:`REACH_KM`, driving
    there empty. Left at an airport, it drives back empty to where it was hired and is released;
    the group is met where it lands by a coach of that region, booked for the days it drives
    there, or on an island (another road network than the tour's start) by a local coach hired
    by the day.
    """

    def __init__(self, start) -> None:
        self.coaches = [_Coach(start)]
        self.active: _Coach | None = self.coaches[0]
        self.landed: Any = None  # where the group landed after its last crossing without a coach
        self.empty_drives: list[tuple[int, Any, Any]] = []  # (day, from, to) driven by a coach alone

    def start_day(self, day: int) -> None:
        if self.active is not None:
            self.active.book(day)

    def aboard(self) -> bool:
        """True when the group's coach comes along on a car ferry (a local coach stays on its island)."""
        return self.active is not None and not self.active.local

    def leave(self, boards, lands, day: int, *, flight: bool) -> None:
        """The group crosses from ``boards`` to ``lands`` without its coach."""
        coach, self.active = self.active, None
        self.landed = lands
        if coach is not None and not coach.local:
            if flight:  # released at the airport: it drives back to where it was hired
                self._drive(day, boards, coach.base)
            else:
                coach.waits_at = boards
        self.active = self._waiting(day)  # back where a coach waits: it meets the group at once

    def meet(self, day: int) -> _Coach:
        """The coach that drives the group's next road leg (booked on ``day``)."""
        if self.active is None:
            here, start = self.landed, self.coaches[0].base
            island = here is not None and start is not None and _land(here) != _land(start)
            self.active = _Coach(here, local=island)
            self.coaches.append(self.active)
            self.active.book(day, again=True)
        return self.active

    def _waiting(self, day: int) -> _Coach | None:
        """The coach waiting ashore nearest to where the group landed, driven there; else None."""
        here = self.landed
        waiting = [c for c in self.coaches if c.waits_at is not None and here is not None
                   and _km(c.waits_at, here) <= REACH_KM and _land(c.waits_at) == _land(here)]
        if not waiting:
            return None
        coach = min(waiting, key=lambda c: _km(c.waits_at, here))
        self._drive(day, coach.waits_at, here)
        coach.waits_at = None
        coach.book(day)
        return coach

    def _drive(self, day: int, a, z) -> None:
        if a is not None and z is not None and _km(a, z) >= 1:
            self.empty_drives.append((day, a, z))


@functools.cache
def _road_pieces():
    """(lon, lat, piece) arrays of the bundled road nodes; a piece is a connected part of the
    network (the mainland, Phú Quốc ...), or None without bundled roads."""
    import numpy as np

    from tourlink.errors import DataError
    from tourlink.paths import data_file

    try:
        nodes, edges = data_file("roads_nodes.csv"), data_file("roads_edges.csv.gz")
    except DataError:
        return None
    with open(nodes, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    parent = {r["id"]: r["id"] for r in rows}

    def root(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    with gzip.open(edges, "rt", encoding="utf-8", newline="") as fh:
        for e in csv.DictReader(fh):
            if e["u"] in parent and e["v"] in parent:
                parent[root(e["u"])] = root(e["v"])
    return (np.array([float(r["x"]) for r in rows]), np.array([float(r["y"]) for r in rows]),
            [root(r["id"]) for r in rows])


def _land(place):
    """The piece of road network nearest to ``place`` (None without bundled roads)."""
    pieces = _road_pieces()
    if pieces is None or place is None:
        return None
    xs, ys, piece = pieces
    scale = math.cos(math.radians(place.lat)) ** 2
    return piece[int(((xs - place.lon) ** 2 * scale + (ys - place.lat) ** 2).argmin())]


class _Builder:
    def __init__(self) -> None:
        self.items: list[QuoteItem] = []

    @property
    def estimated(self) -> int:
        return sum(i.estimate for i in self.items)

    def add(self, kind: str, day: int, label: str, quantity: float, unit: str, rate: Rate) -> None:
        vnd = round(quantity * rate.value)
        if vnd <= 0:
            return
        self.items.append(QuoteItem(kind=kind, day=day, label=label, quantity=round(quantity, 2), unit=unit,
                                    rate_vnd=round(rate.value, 2), vnd=vnd, source=rate.source,
                                    estimate=rate.estimate))


def _tolls(b: _Builder, rates: Rates, leg, day: int, cls: str, coaches: int, on: date | None) -> None:
    """Toll items of a road leg: per km on each tolled expressway section it runs along.

    A leg names its roads (``QL1A · CT.01``); the km on each section of a named expressway of the
    bundled network (``Cao tốc Trung Lương - Mỹ Thuận`` ...) are measured along the leg's path and
    priced by the section's rate (else the road's). A named road with a rate but no section in the
    bundled network is charged on the whole leg, up to its ``toll_max_km``.
    """
    sections = _toll_sections()
    for road in dict.fromkeys(x.strip() for x in leg.name.split("·") if x.strip()):
        parts = [(name, lines) for name, (ref, lines) in sections.items() if road in (ref, name)]
        if parts:
            for name, lines in parts:
                km = _km_along(leg.geometry, lines)
                rate = rates.get("toll_km", (name, road), cls, on=on)
                if km >= 2 and rate is not None and rate.key != "*":  # < 2 km: a junction
                    b.add("toll", day, f"Toll {name} ({road}): {km:.0f} km", round(km, 1) * coaches, "km",
                          rate)
            continue
        rate = rates.get("toll_km", (road,), cls, on=on)
        if rate is None or rate.key != road:
            continue
        cap = rates.get("toll_max_km", (road,), on=on)
        km = min(leg.km, cap.value) if cap is not None and cap.key == road else leg.km
        b.add("toll", day, f"Toll {road}: {km:.0f} km", round(km, 1) * coaches, "km", rate)


@functools.cache
def _toll_sections() -> dict[str, tuple[str, tuple[tuple[tuple[float, float], ...], ...]]]:
    """Expressway sections of the bundled road network: name → (ref, polylines in lon/lat)."""
    from tourlink.errors import DataError
    from tourlink.paths import data_file

    try:
        path = data_file("roads_edges.csv.gz")
    except DataError:
        return {}
    out: dict[str, tuple[str, list]] = {}
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row.get("highway") != "motorway" and not row.get("ref", "").startswith("CT"):
                continue
            name = row.get("name") or row.get("ref") or ""
            line = tuple(tuple(float(c) for c in p.split()) for p in row.get("geometry", "").split(";") if p)
            if name and len(line) >= 2:
                out.setdefault(name, (row.get("ref", ""), []))[1].append(line)
    return {k: (ref, tuple(lines)) for k, (ref, lines) in out.items()}


def _km_along(path, lines, *, width_km: float = 0.2) -> float:
    """Km of ``path`` (lon/lat pairs) that run within ``width_km`` of ``lines`` (a local km plane)."""
    import shapely

    if len(path) < 2:
        return 0.0
    lat0 = math.radians(sum(y for _, y in path) / len(path))

    def plane(pts):
        return [(x * 111.32 * math.cos(lat0), y * 110.57) for x, y in pts]

    road = shapely.MultiLineString([plane(line) for line in lines]).buffer(width_km)
    return float(shapely.LineString(plane(path)).intersection(road).length)


def _at_noon(day):
    """The stop where the group is around noon (the lunch stop's place, else the last stop before 12:30)."""
    stops = [day.start, *day.stops]
    lunch = next((i for i, s in enumerate(stops) if s.kind == "lunch"), None)
    if lunch is not None:
        before = [s for s in stops[:lunch] if s.kind != "lunch"]
        return stops[lunch] if stops[lunch].province_legacy or not before else before[-1]
    before = [s for s in stops if (s.arrive.hour, s.arrive.minute) <= (12, 30)]
    return before[-1] if before else day.start


def _km(a, b) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (a.lon, a.lat, b.lon, b.lat))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _link_of(leg, links: dict):
    """The timetabled link of a crossing leg: by the id its name ends with, else by ports and mode."""
    words = leg.name.split()
    if words and words[-1] in links:
        return links[words[-1]]
    return next((lk for lk in links.values() if (lk.from_port, lk.to_port, lk.mode) ==
                 (leg.from_id, leg.to_id, leg.mode)), None)


def _link_source(link, field: str) -> str:
    """The source of a timetable fare: "estimate: ..." when the timetable marks the field a guess."""
    est = link.estimated(field) if hasattr(link, "estimated") else ""
    where = f"data/links.csv {link.id}: {link.source}"
    return f"estimate: {est} ({where})" if est else where


def _sea_links() -> dict:
    from tourlink.catalog import load_sea_links
    from tourlink.errors import DataError
    try:
        return {lk.id: lk for lk in load_sea_links()}
    except DataError:  # no bundled timetable: fares fall back to the planned legs
        return {}


__all__ = ["Quote", "QuoteItem", "Rate", "Rates", "RATE_KINDS", "RATE_COLUMNS", "ITEM_KINDS", "ITEM_LABELS",
           "load_rates", "quote", "quote_of", "meals_of", "vehicle_plan"]
