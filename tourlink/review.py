"""What an experienced tour operator would flag in a planned tour: :func:`review`.

The checker (:mod:`tourlink.optimise.check`) answers "can the group do this?"; the review answers
"would an operator print this programme for a group?". It reads a finished
:class:`~tourlink.itinerary.Itinerary` (and, when the stops are bundled destinations, their kind
from the catalogue) and lists, day by day, what breaks the habits of Vietnamese group tours:

========================  =====================================================================
rule                      flagged when
========================  =====================================================================
``lunch``                 a day with the group out at lunch time (leaving before 11:30, back after
                          12:30) has no lunch pause of at least 45 minutes within 11:00–13:30
``early-start``           the coach leaves before 07:00 on a day without a dawn floating market
                          (a note, not a flag, when a morning boat or flight is the reason)
``late-start``            a note: the coach leaves at 09:30 or later on a day with visits (a
                          free morning: say so in the programme, or fill it)
``long-day``              more than 12 hours from departure to arrival at the night's lodging
``road-hours``            more hours on the road than the request's ``max_road_hours``
``speed``                 a road leg of 30 km or more at an average above 75 km/h (a coach
                          cannot keep that up)
``zigzag``                a day's visits leave a province and come back to it (a site reached by
                          boat from a pier counts in the pier's province)
``out-and-back``          one visit costs a detour of 120 km or more of road (a note for a
                          must-visit: the request asked for it)
``repeat``                the same place twice in the tour: the same id, two records within 100 m,
                          or the same name but for a bracketed qualifier ("Chiến thắng Chương
                          Thiện (Vị Thanh)" and "... (Vĩnh Viễn)")
``kind-cap``              more than one floating market in the tour, more than two visits of
                          one kind (pagodas, temples, ...) in a day, or two long visits (2 h or
                          more) of one kind in the tour
``wait``                  the group waits an hour or more for a boat or a sight to open (a wait
                          at a pier that holds the lunch pause is fine; the check-in a ferry or
                          flight asks for is no wait)
``one-night-island``      one night only where a crossing of 90 minutes or more lands
``coverage``              a partner area with no stop (a note when the plan says why); a note when
                          a partner's one stop costs a detour of 60 km or more and the request
                          asks for a stop in every partner (``min_stops_per_partner``)
========================  =====================================================================

Each finding is a *flag* (an operator would frown) or a *note* (worth knowing). A clean review has
no flags. ``tourlink review ITINERARY.json`` prints the review and exits 0 when clean, 3 when it
flags something.

The request field ``max_per_kind`` (kind → count), when a request carries it, raises the cap of
that kind (e.g. ``{floating_market = 2}`` for a tour of markets).
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from tourlink.itinerary import SEA_MODES, Day, Itinerary, Stop


@dataclass(frozen=True)
class Rules:
    """Thresholds of the review; the defaults are the habits of group coach tours in Vietnam."""

    lunch_window: tuple[str, str] = ("11:00", "13:30")
    lunch_min_minutes: int = 45
    earliest_start: str = "07:00"
    latest_start: str = "09:30"
    max_day_hours: float = 12.0
    default_road_hours: float = 6.0
    max_coach_kmh: float = 75.0
    speed_min_km: float = 30.0
    detour_km: float = 120.0
    coverage_detour_km: float = 60.0
    same_place_m: float = 100.0
    max_same_kind_per_day: int = 2
    long_visit_minutes: int = 120
    max_wait_minutes: int = 60
    long_crossing_minutes: int = 90


@dataclass(frozen=True)
class Finding:
    """One thing an operator would flag (``severity`` "flag") or want to know ("note")."""

    rule: str
    severity: str
    day: int | None
    message: str
    message_vi: str

    def text(self, lang: str = "en") -> str:
        return self.message_vi if lang == "vi" else self.message


@dataclass(frozen=True)
class Review:
    """The findings of :func:`review`, in day order (tour-wide findings last)."""

    title: str
    days: int
    findings: tuple[Finding, ...]

    @property
    def flags(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "flag")

    @property
    def clean(self) -> bool:
        """True when nothing is flagged (notes may remain)."""
        return not self.flags

    def to_dict(self) -> dict:
        return {"title": self.title, "clean": self.clean, "flags": len(self.flags),
                "notes": len(self.findings) - len(self.flags),
                "findings": [asdict(f) for f in self.findings]}

    def text(self, *, lang: str = "en") -> str:
        """A readable review: a heading, then the findings by day."""
        vi = lang == "vi"
        n, notes = len(self.flags), len(self.findings) - len(self.flags)
        head = (f"Nhận xét «{self.title}»: {n} điểm cần sửa, {notes} ghi chú" if vi
                else f"Review of “{self.title}”: {n} flag{'s' * (n != 1)}, {notes} note{'s' * (notes != 1)}")
        lines = [head]
        if not self.findings:
            lines.append("  Không có gì cần sửa." if vi else "  Nothing to flag.")
        groups: dict[int | None, list[Finding]] = {}
        for f in self.findings:
            groups.setdefault(f.day, []).append(f)
        for day, items in groups.items():
            lines.append(("Cả tour" if vi else "Whole tour") if day is None else
                         (f"Ngày {day}" if vi else f"Day {day}"))
            for f in items:
                mark = "!" if f.severity == "flag" else "·"
                lines.append(f"  {mark} {f.rule}: {f.text(lang)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


def review(itinerary: Itinerary, *, rules: Rules | None = None) -> Review:
    """Return what an operator would flag in ``itinerary`` (see the module docstring).

    Examples
    --------
    >>> from tourlink.itinerary import Itinerary
    >>> review(Itinerary(days=(), title="empty")).clean
    True
    """
    r = rules or Rules()
    req = itinerary.request or {}
    kinds = _catalogue_kinds([s.id for s in itinerary.visits])
    must = set(req.get("must") or ())
    out: list[Finding] = []
    for d in itinerary.days:
        out += _lunch(d, r) + _start(d, r, kinds) + _late_start(d, r) + _long_day(d, r)
        out += _road_hours(d, r, req) + _speed(d, r) + _zigzag(d) + _out_and_back(d, r, must) + _waits(d, r)
        out += _kinds_per_day(d, r, kinds)
    out += _one_night(itinerary, r) + _repeats(itinerary, r) + _kind_caps(itinerary, r, kinds, req)
    out += _coverage(itinerary) + _coverage_detours(itinerary, r, req)
    out.sort(key=lambda f: (f.day is None, f.day or 0))
    return Review(itinerary.title, len(itinerary.days), tuple(out))


# ------------------------------------------------------------------ day rules
def _flag(rule: str, day: int | None, en: str, vi: str, severity: str = "flag") -> list[Finding]:
    return [Finding(rule, severity, day, en, vi)]


def _at(d: Day, hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return d.start.depart.replace(hour=h, minute=m, second=0, microsecond=0)


def _lunch(d: Day, r: Rules) -> list[Finding]:
    lo, hi = (_at(d, t) for t in r.lunch_window)
    if d.start.depart >= lo + timedelta(minutes=30) or d.end.arrive <= lo + timedelta(minutes=90):
        return []  # the group is not out at lunch time (leaves after 11:30 or is back by 12:30)
    for s in d.stops:
        if s.kind == "lunch":
            inside = (min(s.depart, hi) - max(s.arrive, lo)).total_seconds() / 60
            if inside >= r.lunch_min_minutes:
                return []
    span = f"{d.start.depart:%H:%M}–{d.end.arrive:%H:%M}"
    return _flag("lunch", d.index, f"no lunch pause between {r.lunch_window[0]} and {r.lunch_window[1]} "
                 f"(the day runs {span})",
                 f"không có giờ ăn trưa trong khoảng {r.lunch_window[0]}–{r.lunch_window[1]} "
                 f"(ngày đi {span})")


def _start(d: Day, r: Rules, kinds: dict[str, str]) -> list[Finding]:
    if d.start.depart >= _at(d, r.earliest_start):
        return []
    dawn = [s for s in d.visits if "floating_market" in s.themes or kinds.get(s.id) == "floating_market"]
    if dawn and dawn[0].arrive <= _at(d, "08:00"):
        return []
    t = f"{d.start.depart:%H:%M}"
    morning = [leg for leg in d.legs if leg.mode in (*SEA_MODES, "flight") and leg.mode != "boat"
               and leg.depart <= _at(d, "10:00")]
    if morning:
        leg = morning[0]
        what = f"{leg.depart:%H:%M} {leg.mode.replace('_', ' ')}"
        return _flag("early-start", d.index, f"departure at {t} for the {what}",
                     f"khởi hành {t} để kịp chuyến {leg.depart:%H:%M}", severity="note")
    return _flag("early-start", d.index, f"departure at {t}, before {r.earliest_start}, with no dawn market",
                 f"khởi hành {t}, trước {r.earliest_start}, mà không đi chợ nổi sáng sớm")


def _late_start(d: Day, r: Rules) -> list[Finding]:
    if d.start.depart < _at(d, r.latest_start) or not d.visits:
        return []
    t = f"{d.start.depart:%H:%M}"
    return _flag("late-start", d.index,
                 f"departure at {t}: a free morning (say so in the programme, or fill it)",
                 f"khởi hành {t}: buổi sáng tự do (ghi rõ trong chương trình, hoặc thêm điểm tham quan)",
                 severity="note")


def _long_day(d: Day, r: Rules) -> list[Finding]:
    hours = (d.end.arrive - d.start.depart).total_seconds() / 3600
    if hours <= r.max_day_hours:
        return []
    span = f"{d.start.depart:%H:%M}–{d.end.arrive:%H:%M}"
    return _flag("long-day", d.index,
                 f"{hours:.1f} h from departure to arrival ({span}), over {r.max_day_hours:g} h",
                 f"{hours:.1f} giờ từ lúc khởi hành đến lúc về ({span}), quá {r.max_day_hours:g} giờ")


def _road_hours(d: Day, r: Rules, req: dict) -> list[Finding]:
    cap = req.get("max_road_hours") or r.default_road_hours
    hours = d.road_minutes / 60
    if hours <= cap + 1e-9:
        return []
    return _flag("road-hours", d.index, f"{hours:.1f} h on the road, over {cap:g} h",
                 f"{hours:.1f} giờ di chuyển, quá {cap:g} giờ")


def _speed(d: Day, r: Rules) -> list[Finding]:
    out = []
    for leg in d.legs:
        if leg.mode != "road" or leg.km < r.speed_min_km or leg.minutes <= 0:
            continue
        kmh = leg.km / (leg.minutes / 60)
        if kmh > r.max_coach_kmh:
            what = f"{leg.km:.0f} km in {leg.minutes:.0f} min ({kmh:.0f} km/h)"
            out += _flag("speed", d.index, f"{what} by coach, {leg.depart:%H:%M}",
                         f"{leg.km:.0f} km trong {leg.minutes:.0f} phút ({kmh:.0f} km/h) "
                         f"bằng xe khách, lúc {leg.depart:%H:%M}")
    return out


def _zigzag(d: Day) -> list[Finding]:
    """A day's visits that leave a province and come back; a site reached by boat from a pier
    (an islet across the river) counts where the coach waits: the pier's province."""
    seq: list[str] = []
    prev: Stop | None = None
    for s in d.stops:
        if s.kind == "destination":
            where = prev if prev is not None and prev.kind == "port" else s
            p = where.province_legacy or where.province_2025
            if p and (not seq or seq[-1] != p):
                seq.append(p)
        if s.kind != "lunch":
            prev = s
    back = [p for i, p in enumerate(seq) if p in seq[:i]]
    if not back:
        return []
    route = " → ".join(seq)
    return _flag("zigzag", d.index, f"the day crosses back into {back[0]} ({route})",
                 f"trong ngày quay lại {back[0]} ({route})")


def _located(d: Day) -> list[Stop]:
    chain = [d.start, *[s for s in d.stops if s.kind != "lunch"], d.end]
    key = [(s.id, s.lon, s.lat) for s in chain]
    return [s for i, s in enumerate(chain) if i == 0 or key[i] != key[i - 1]]


def _detours(d: Day) -> list[tuple[Stop, Stop, Stop, float]]:
    """Each visit between the places before and after it, with the km of road it adds to going
    straight on (a quarter over the crow's flight)."""
    road = {(leg.from_id, leg.to_id): leg.km for leg in d.legs if leg.mode == "road"}
    places = _located(d)
    return [(u, v, w, road.get((u.id, v.id), 0.0) + road.get((v.id, w.id), 0.0) - 1.25 * _metres(u, w) / 1000)
            for u, v, w in zip(places, places[1:], places[2:], strict=False) if v.kind == "destination"]


def _out_and_back(d: Day, r: Rules, must: set[str]) -> list[Finding]:
    out = []
    for u, v, w, detour in _detours(d):
        if detour >= r.detour_km:
            asked = v.id in must  # a must-visit: the request chose it, worth knowing only
            out += _flag("out-and-back", d.index, f"{v.name} costs a detour of {detour:.0f} km of road "
                         f"({u.name} → {v.name} → {w.name})" + (" (a must-visit)" if asked else ""),
                         f"{v.name} phải đi vòng {detour:.0f} km ({u.name} → {v.name} → {w.name})"
                         + (" (điểm bắt buộc)" if asked else ""), "note" if asked else "flag")
    return out


def _waits(d: Day, r: Rules) -> list[Finding]:
    out = []
    lunches = [s for s in d.stops if s.kind == "lunch"]
    for s in d.stops:
        if s.kind == "port":
            wait = s.minutes - _checkin(d, s)
            if any(lu.arrive >= s.arrive and lu.depart <= s.depart for lu in lunches):
                continue
        elif s.kind == "destination" and s.visit_minutes:
            wait = s.minutes - s.visit_minutes
        else:
            continue
        if wait >= r.max_wait_minutes:
            span = f"{s.arrive:%H:%M}–{s.depart:%H:%M}"
            out += _flag("wait", d.index, f"the group waits {wait} min at {s.name} ({span})",
                         f"đoàn chờ {wait} phút tại {s.name} ({span})")
    return out


def _checkin(d: Day, s: Stop) -> int:
    """Minutes of check-in the timetable asks for before the boat or flight leaving port stop ``s``."""
    from tourlink.transport import load_links

    leg = next((g for g in d.legs if g.from_id == s.id and g.depart == s.depart
                and g.mode not in ("road", "walk")), None)
    if leg is None:
        return 0
    return max((lk.checkin_min for lk in load_links() if (lk.from_port, lk.to_port, lk.mode)
                == (leg.from_id, leg.to_id, leg.mode)), default=0)


def _kinds_per_day(d: Day, r: Rules, kinds: dict[str, str]) -> list[Finding]:
    count: dict[str, list[str]] = {}
    for s in d.visits:
        if s.id in kinds:
            count.setdefault(kinds[s.id], []).append(s.name)
    out = []
    for k, names in count.items():
        if len(names) > r.max_same_kind_per_day:
            listed = ", ".join(names)
            out += _flag("kind-cap", d.index, f"{len(names)} visits of one kind ({k}) in a day: {listed}",
                         f"{len(names)} điểm cùng loại ({k}) trong một ngày: {listed}")
    return out


# ----------------------------------------------------------------- tour rules
def _one_night(it: Itinerary, r: Rules) -> list[Finding]:
    out = []
    for a, b in zip(it.days, it.days[1:], strict=False):
        there = [leg for leg in a.legs if leg.mode in (*SEA_MODES, "flight") and leg.mode != "boat"
                 and leg.minutes >= r.long_crossing_minutes]
        back = [leg for leg in b.legs if leg.mode in (*SEA_MODES, "flight") and leg.mode != "boat"]
        if there and back:
            where = a.end.name
            out += _flag("one-night-island", b.index, f"one night only at {where} after a "
                         f"{there[-1].minutes:.0f}-min crossing; the group leaves again on day {b.index}",
                         f"chỉ nghỉ một đêm tại {where} sau chuyến tàu {there[-1].minutes:.0f} phút")
    return out


def _base_name(name: str) -> str:
    base = re.sub(r"\s*[\(\[].*?[\)\]]\s*", " ", name).strip().casefold()
    return re.sub(r"\s+", " ", base)


def _same_site(a: str, b: str) -> bool:
    """Whether two names read as one site: equal but for bracketed qualifiers."""
    return _base_name(a) == _base_name(b) and len(_base_name(a)) >= 6


def _repeats(it: Itinerary, r: Rules) -> list[Finding]:
    seen: list[tuple[int, Stop]] = []
    out = []
    for d in it.days:
        for s in d.visits:
            for day0, s0 in seen:
                if s0.id == s.id:
                    why, why_vi = "the same place", "cùng một điểm"
                elif _metres(s0, s) <= r.same_place_m:
                    why, why_vi = f"{_metres(s0, s):.0f} m apart", f"cách nhau {_metres(s0, s):.0f} m"
                elif _same_site(s0.name, s.name):
                    why, why_vi = "parts of one site", "các phần của một di tích"
                else:
                    continue
                out += _flag("repeat", d.index, f"{s.name} repeats {s0.name} of day {day0} ({why})",
                             f"{s.name} lặp lại {s0.name} của ngày {day0} ({why_vi})")
                break
            seen.append((d.index, s))
    return out


def _kind_caps(it: Itinerary, r: Rules, kinds: dict[str, str], req: dict) -> list[Finding]:
    caps = {"floating_market": 1, **(req.get("max_per_kind") or {})}
    by_kind: dict[str, list[Stop]] = {}
    for s in it.visits:
        k = kinds.get(s.id) or ("floating_market" if "floating_market" in s.themes else "")
        if k:
            by_kind.setdefault(k, []).append(s)
    out = []
    for k, stops in by_kind.items():
        cap = caps.get(k)
        if cap is not None and len(stops) > cap:
            names = ", ".join(s.name for s in stops)
            out += _flag("kind-cap", None, f"{len(stops)} visits of {k} (cap {cap}): {names}",
                         f"{len(stops)} điểm loại {k} (tối đa {cap}): {names}")
        long = [s for s in stops if s.visit_minutes >= r.long_visit_minutes]
        if cap is None and len(long) > 1:
            names = ", ".join(f"{s.name} ({s.visit_minutes} min)" for s in long)
            out += _flag("kind-cap", None, f"{len(long)} long visits of one kind ({k}): {names}",
                         f"{len(long)} điểm dài cùng loại ({k}): {names}")
    return out


def _coverage(it: Itinerary) -> list[Finding]:
    out = []
    for c in it.coverage:
        if c.stops:
            continue
        reason = getattr(c, "reason", "")
        if reason:
            out += _flag("coverage", None, f"{c.partner} has no stop: {reason}",
                         f"{c.partner} không có điểm tham quan: {reason}", severity="note")
        else:
            out += _flag("coverage", None, f"{c.partner} has no stop and the plan does not say why",
                         f"{c.partner} không có điểm tham quan nào và lịch trình không nói lý do")
    return out


def _coverage_detours(it: Itinerary, r: Rules, req: dict) -> list[Finding]:
    """A partner's one stop on a long detour, where the request asks for a stop in every partner: a
    note on its day, so the operator sees what the rule costs (a longer one is flagged as an
    out-and-back)."""
    if not req.get("min_stops_per_partner"):
        return []
    sole = {c.partner for c in it.coverage if c.stops == 1}
    out = []
    for d in it.days:
        for u, v, w, detour in _detours(d):
            if v.partner in sole and r.coverage_detour_km <= detour < r.detour_km:
                out += _flag("coverage", d.index, f"{v.name}, {v.partner}'s one stop, costs a detour of "
                             f"{detour:.0f} km of road ({u.name} → {v.name} → {w.name}); the request asks "
                             f"for a stop in every partner (min_stops_per_partner)",
                             f"{v.name}, điểm duy nhất của {v.partner}, phải đi vòng {detour:.0f} km "
                             f"({u.name} → {v.name} → {w.name}); yêu cầu có ít nhất một điểm ở mỗi địa "
                             f"phương đối tác (min_stops_per_partner)", severity="note")
    return out


# -------------------------------------------------------------------- helpers
def _metres(a: Stop, b: Stop) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (a.lon, a.lat, b.lon, b.lat))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(min(1.0, h)))


def _catalogue_kinds(ids: list[str]) -> dict[str, str]:
    """Kinds of the bundled destinations among ``ids`` (a user's own places have none)."""
    if not ids:
        return {}
    from tourlink.catalog import load_destinations
    table = load_destinations()
    known = table[table["id"].isin(set(ids))]
    return dict(zip(known["id"], known["kind"], strict=True))


__all__ = ["Finding", "Review", "Rules", "review"]
