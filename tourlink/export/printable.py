"""The printable itinerary (HTML in Vietnamese and English, PDF through Chromium where installed).

The page follows the form operators hand to clients: per day a header with the route and the
meals, timed rows ("08h00 …"), where the group sleeps ("Nghỉ đêm tại …"), distance and time on
the road, and a small map drawn as inline SVG from the legs' geometry (works offline); then
the partner coverage table, contacts and what the price includes.
"""

from __future__ import annotations

import logging
import math
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from tourlink.atomic import write_bytes, write_text
from tourlink.export._common import duration, esc, leg_ends, mode_label, name, timeline
from tourlink.itinerary import SEA_MODES, Day, Itinerary, Leg, Stop
from tourlink.labels import count, early_start, mode_word, tour_title, without_ids
from tourlink.quote import Quote, meals_of, quote_of

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")

LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "day": "NGÀY",
        "meals": "Bữa ăn",
        "breakfast": "sáng",
        "lunch": "trưa",
        "dinner": "tối",
        "no_meals": "tự túc",
        "depart": "Xe đón đoàn tại {place}, khởi hành{early}.",
        "visit": "Tham quan {place}",
        "port": "Có mặt tại {place}, làm thủ tục lên {what}.",
        "lunch_row": "Ăn trưa.",
        "arrive_night": "Đến {place}, nhận phòng nghỉ ngơi.",
        "arrive_end": "Đến {place}. Kết thúc chương trình.",
        "night": "Nghỉ đêm tại {place}.",
        "end": "Kết thúc chương trình, chia tay đoàn.",
        "to": "đến",
        "fee": "vé",
        "min": "phút",
        "totals": "Đường bộ {km} km, {road}",
        "totals_water": "đường thủy {km} km, {time}",
        "totals_air": "hàng không {km} km, {time}",
        "coverage_title": "Phân bổ theo địa phương liên kết",
        "partner": "Địa phương liên kết",
        "province_legacy": "Tỉnh (trước 2025)",
        "province_2025": "Tỉnh (từ 7/2025)",
        "stops": "Điểm dừng",
        "nights": "Đêm lưu trú",
        "no_coverage": "Không có thông tin phân bổ.",
        "contacts_title": "Liên hệ",
        "role": "Vai trò",
        "name": "Họ tên",
        "phone": "Điện thoại",
        "included_title": "Giá bao gồm",
        "not_included_title": "Giá không bao gồm",
        "price_title": "Giá tour",
        "price_guest": "Giá cho một khách (ở phòng đôi)",
        "price_group": "Tổng giá cả đoàn ({n} khách)",
        "price_single": "Phụ thu phòng đơn",
        "price_basis": "Đoàn {n} khách · {vehicle} · khách sạn {g} sao · đã gồm VAT {vat}%",
        "price_estimates": "{share}% chi phí tính theo đơn giá ước tính (xem quote.xlsx); "
                           "cần xác nhận với nhà cung cấp trước khi chào giá.",
        "inc_coach_q": "{vehicle} đời mới đưa đón theo chương trình, phí cao tốc",
        "inc_local": "Xe du lịch tại đảo ({days} ngày)",
        "inc_boat_hire": "Thuyền tham quan chợ nổi / sông nước",
        "inc_lodging_q": "Khách sạn {g} sao, {n} đêm, 2 khách/phòng, ăn sáng: {names}",
        "inc_meals_q": "{l} bữa trưa, {d} bữa tối theo thực đơn đoàn",
        "inc_insurance": "Bảo hiểm du lịch",
        "inc_vat": "Thuế VAT {vat}%",
        "exc_single": "Phụ thu phòng đơn ({amount})",
        "exc_tips": "Tiền bồi dưỡng hướng dẫn viên, tài xế (thông lệ khoảng 50.000 đ/khách/ngày)",
        "days_nights": "{d} {n}",
        "partnership": "Chương trình liên kết",
        "footer": "Giờ giấc có thể thay đổi theo thực tế (thời tiết, lịch tàu). Lập bằng tourlink.",
        "inc_boat": "Vé {mode}: {route}",
        "inc_fees": "Vé tham quan các điểm trong chương trình ({total}/khách)",
        "inc_guide": "Hướng dẫn viên suốt tuyến",
        "exc_1": "Đồ uống và chi phí cá nhân",
        "exc_4": "Các chi phí không nêu trong mục “Giá bao gồm”",
        "tbd": "……",
        "contact_operator": "Điều hành tour",
        "contact_partner": "Sở VHTTDL / Sở Du lịch {p}",
    },
    "en": {
        "day": "DAY",
        "meals": "Meals",
        "breakfast": "breakfast",
        "lunch": "lunch",
        "dinner": "dinner",
        "no_meals": "own arrangement",
        "depart": "Pick-up at {place}, departure{early}.",
        "visit": "Visit {place}",
        "port": "At {place}: check in for the {what}.",
        "lunch_row": "Lunch.",
        "arrive_night": "Arrive at {place}, check in.",
        "arrive_end": "Arrive at {place}. End of the programme.",
        "night": "Overnight in {place}.",
        "end": "End of the programme.",
        "to": "to",
        "fee": "fee",
        "min": "min",
        "totals": "By road {km} km, {road}",
        "totals_water": "on the water {km} km, {time}",
        "totals_air": "by air {km} km, {time}",
        "coverage_title": "Partner coverage",
        "partner": "Partner",
        "province_legacy": "Province (before 2025)",
        "province_2025": "Province (from July 2025)",
        "stops": "Stops",
        "nights": "Nights",
        "no_coverage": "No coverage information.",
        "contacts_title": "Contacts",
        "role": "Role",
        "name": "Name",
        "phone": "Phone",
        "included_title": "Included",
        "not_included_title": "Not included",
        "price_title": "Tour price",
        "price_guest": "Price per guest (sharing a twin room)",
        "price_group": "Price of the group ({n} guests)",
        "price_single": "Single supplement",
        "price_basis": "Group of {n} guests · {vehicle} · {g}-star hotels · VAT {vat}% included",
        "price_estimates": "{share}% of the cost rests on estimated rates (see quote.xlsx); confirm them "
                           "with the suppliers before quoting.",
        "inc_coach_q": "{vehicle} (air-conditioned) for all transfers in the programme, expressway tolls",
        "inc_local": "Coach on the island ({days} days)",
        "inc_boat_hire": "Boat for the floating market / river trip",
        "inc_lodging_q": "{g}-star hotels, {n} nights, two guests a room, breakfast: {names}",
        "inc_meals_q": "{l} lunches and {d} dinners (set menus)",
        "inc_insurance": "Travel insurance",
        "inc_vat": "VAT {vat}%",
        "exc_single": "Single supplement ({amount})",
        "exc_tips": "Tips for guide and driver (customary about 50,000 VND per guest a day)",
        "days_nights": "{d}, {n}",
        "partnership": "Partnership",
        "footer": "Times may change with conditions (weather, boat timetables). Made with tourlink.",
        "inc_boat": "{mode} tickets: {route}",
        "inc_fees": "Entrance fees of the sites in the programme ({total} a guest)",
        "inc_guide": "Tour guide throughout",
        "exc_1": "Drinks and personal expenses",
        "exc_4": "Anything not listed under “Included”",
        "tbd": "……",
        "contact_operator": "Tour operator",
        "contact_partner": "Tourism department of {p}",
    },
}


LEG_VERBS = {
    "vi": {
        "road": "Di chuyển đến {place}",
        "boat": "Đi thuyền từ {origin} đến {place}",
        "walk": "Đi bộ đến {place}",
        "fast_boat": "Đi tàu cao tốc từ {origin} đến {place}",
        "car_ferry": "Đi phà từ {origin} đến {place}",
        "flight": "Bay {code} {origin} {dep} → {place} {arr}",
    },
    "en": {
        "road": "Drive to {place}",
        "boat": "Boat from {origin} to {place}",
        "walk": "Walk to {place}",
        "fast_boat": "Fast boat from {origin} to {place}",
        "car_ferry": "Car ferry from {origin} to {place}",
        "flight": "Fly {code} {origin} {dep} → {place} {arr}",
    },
}


def _num(x: float, lang: str, digits: int = 0) -> str:
    s = f"{x:,.{digits}f}"
    return s.replace(",", "\0").replace(".", ",").replace("\0", ".") if lang == "vi" else s


def _money(v: int, lang: str) -> str:
    return f"{_num(v, lang)} đ" if lang == "vi" else f"{v:,} VND"


def _t(t: Any, lang: str) -> str:
    return f"{t:%H}h{t:%M}" if lang == "vi" else f"{t:%H:%M}"


def _dur(minutes: float, lang: str) -> str:
    text = duration(minutes)
    return text.replace(" min", " phút") if lang == "vi" else text


def _span(a: Any, b: Any, lang: str) -> str:
    return _t(a, lang) if a == b else f"{_t(a, lang)}–{_t(b, lang)}"


def _day_rows(day: Day, lang: str, request: dict | None = None) -> list[dict[str, str]]:
    L = LABELS[lang]
    rows = []
    legs = {id(leg): (a, b) for leg, a, b in leg_ends(day)}
    leaving = {id(a): leg for leg, a, _b in leg_ends(day) if a is not None}
    for item in timeline(day):
        if isinstance(item, Leg):
            a, b = legs.get(id(item), (None, None))
            code = item.code or " ".join(item.name.split()[:-1]) or mode_label(item.mode, lang)
            what = LEG_VERBS[lang].get(item.mode, "{place}").format(
                place=name(b, lang), origin=name(a, lang), dep=_t(item.depart, lang),
                arr=_t(item.arrive, lang), code=code)
            label = without_ids(item.name)  # "Superdong", not "Superdong sd-rach-gia--bai-vong"
            if item.mode == "flight":
                pass  # the flight number and times are in the row
            elif label and label.lower() not in (item.mode, mode_label(item.mode, "en").lower()):
                what += f" ({label})"
            km = f"{_num(item.km, lang, 1)} km, " if item.km >= 0.05 else ""
            what += f" – {km}{_dur(item.minutes, lang)}"
            if item.fare_vnd:
                what += f", {_money(item.fare_vnd, lang)}"
            rows.append({"time": _span(item.depart, item.arrive, lang), "text": what})
            continue
        s: Stop = item
        if s is day.start:
            early = early_start(day, request, lang)  # why the day starts before day_start
            rows.append({"time": _t(s.depart, lang),
                         "text": L["depart"].format(place=name(s, lang), early=f" {early}" if early else "")})
        elif s is day.end:
            key = "arrive_night" if day.overnight else "arrive_end"
            rows.append({"time": _t(s.arrive, lang), "text": L[key].format(place=name(s, lang))})
        elif s.kind == "lunch":
            rows.append({"time": _span(s.arrive, s.depart, lang), "text": L["lunch_row"]})
        elif s.kind == "port":  # a row only where the group waits for its boat or flight
            onward = leaving.get(id(s))
            if onward is not None and onward.mode not in ("road", "walk", "boat") and s.depart > s.arrive:
                what = mode_word(onward.mode, lang)
                rows.append({"time": _span(s.arrive, s.depart, lang),
                             "text": L["port"].format(place=name(s, lang), what=what)})
        else:
            text = L["visit"].format(place=name(s, lang))
            extra = [f"{s.minutes} {L['min']}"]
            if s.fee_vnd:
                extra.append(f"{L['fee']} {_money(s.fee_vnd, lang)}")
            if s.province_legacy:
                extra.append(s.province_legacy)
            rows.append({"time": _span(s.arrive, s.depart, lang), "text": f"{text} ({'; '.join(extra)})."})
    return rows


def _meals(day: Day, itinerary: Itinerary, lang: str) -> str:
    L = LABELS[lang]
    meals = []
    lunch, dinner = meals_of(day)  # the meals the quote prices
    if day.index > 1:
        meals.append(L["breakfast"])
    if lunch:
        meals.append(L["lunch"])
    if dinner:
        meals.append(L["dinner"])
    return ", ".join(meals) if meals else L["no_meals"]


def _route(day: Day, lang: str) -> str:
    """The provinces the day crosses, or (within one province) where it starts and ends."""
    provinces = [s.province_legacy for s in (day.start, *day.stops, day.end) if s.province_legacy]
    uniq = list(dict.fromkeys(provinces))
    if len(uniq) > 1:
        return " – ".join(uniq)
    return " – ".join(dict.fromkeys([name(day.start, lang), name(day.end, lang)]))


def _totals(day: Day, lang: str) -> str:
    """ "By road 187 km, 4 h 49 · on the water 116 km, 3 h 15" (water and air km are not road km)."""
    L = LABELS[lang]
    parts = [L["totals"].format(km=_num(day.road_km, lang), road=_dur(day.road_minutes, lang))]
    for key, modes in (("totals_water", SEA_MODES), ("totals_air", ("flight",))):
        legs = [leg for leg in day.legs if leg.mode in modes]
        if legs:
            km = sum(leg.km for leg in legs)
            text = L[key].format(km=_num(km, lang), time=_dur(sum(leg.minutes for leg in legs), lang))
            parts.append(text if km >= 0.5 else text.replace(" 0 km,", ""))  # a river boat: its time only
    return " · ".join(parts)


def partnership_name(pid: str, lang: str) -> str:
    """The partnership's name in ``lang`` (its id when it is not known here)."""
    from tourlink.errors import TourlinkError
    from tourlink.partnerships import get_partnership

    try:
        p = get_partnership(pid)
    except TourlinkError:
        return pid
    return p.name_vi if lang == "vi" else p.name_en


def day_svg(day: Day, *, width: int = 220, height: int = 170, colour: str = "#0b3d91",
            title: str = "") -> Markup:
    """A small static map of the day: legs (sea dashed) and numbered visits, as inline SVG."""
    pts = [(x, y) for leg in day.legs for x, y in leg.geometry]
    pts += [(s.lon, s.lat) for s in (day.start, *day.stops, day.end)]
    if not pts:
        return Markup("")
    lat0 = sum(p[1] for p in pts) / len(pts)
    kx = math.cos(math.radians(lat0))
    xs = [p[0] * kx for p in pts]
    ys = [p[1] for p in pts]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 0.02)
    pad = 14
    scale = min((width - 2 * pad) / span, (height - 2 * pad) / span)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2

    def xy(lon: float, lat: float) -> str:
        return f"{width / 2 + (lon * kx - cx) * scale:.1f},{height / 2 - (lat - cy) * scale:.1f}"

    parts = [
        f'<svg class="daymap" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img"><title>{esc(title or day.title)}</title>'
    ]
    for leg, a, b in leg_ends(day):
        path = list(leg.geometry) or [(p.lon, p.lat) for p in (a, b) if p is not None]
        dash = (' stroke-dasharray="5 4"' if leg.mode in SEA_MODES
                else ' stroke-dasharray="1 4" stroke-linecap="round"' if leg.mode == "flight" else "")
        parts.append(
            f'<polyline points="{" ".join(xy(x, y) for x, y in path)}" fill="none" '
            f'stroke="{colour}" stroke-width="2.5"{dash}/>'
        )
    for s in {s.id: s for s in (day.start, day.end)}.values():
        p = xy(s.lon, s.lat).split(",")
        parts.append(
            f'<rect x="{float(p[0]) - 5:.1f}" y="{float(p[1]) - 5:.1f}" width="10" height="10" '
            f'fill="#fff" stroke="#222"><title>{esc(s.name)}</title></rect>'
        )
    for n, s in enumerate(day.visits, start=1):
        x, y = (float(v) for v in xy(s.lon, s.lat).split(","))
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="#d62728"><title>{esc(s.name)}</title></circle>'
            f'<text x="{x:.1f}" y="{y + 3.5:.1f}" font-size="9" text-anchor="middle" fill="#fff">{n}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _included(itinerary: Itinerary, lang: str, q: Quote) -> tuple[list[str], list[str]]:
    L = LABELS[lang]
    meta = itinerary.meta or {}
    inc_key, exc_key = f"included_{lang}", f"not_included_{lang}"
    kinds = q.by_kind
    if meta.get(inc_key) or meta.get("included"):
        inc = [str(x) for x in meta.get(inc_key) or meta["included"]]
    else:
        vehicle = q.vehicle(lang=lang)
        inc = [L["inc_coach_q"].format(vehicle=vehicle[:1].upper() + vehicle[1:])]
        island_days = len({i.day for i in q.items if i.kind == "local_coach"})
        if island_days:
            inc.append(L["inc_local"].format(days=island_days))
        if "boat_hire" in kinds:
            inc.append(L["inc_boat_hire"])
        for d in itinerary.days:
            for leg, a, b in leg_ends(d):
                if leg.mode in (*SEA_MODES, "flight") and leg.mode != "boat":  # river boats: the hire
                    inc.append(
                        L["inc_boat"].format(
                            mode=mode_label(leg.mode, lang).lower()
                            if lang == "vi"
                            else mode_label(leg.mode, lang),
                            route=f"{name(a, lang)} – {name(b, lang)} ({_t(leg.depart, lang)})",
                        )
                    )
        if itinerary.fees_vnd:
            inc.append(L["inc_fees"].format(total=_money(itinerary.fees_vnd, lang)))
        nights = [d.lodging for d in itinerary.days if d.lodging]
        if nights:
            inc.append(L["inc_lodging_q"].format(g=q.lodging_grade, n=len(nights),
                                                 names=", ".join(name(s, lang) for s in nights)))
        meals = [meals_of(d) for d in itinerary.days]
        lunches, dinners = sum(m[0] for m in meals), sum(m[1] for m in meals)
        if lunches or dinners:
            inc.append(L["inc_meals_q"].format(l=lunches, d=dinners))
        inc += [L["inc_guide"], L["inc_insurance"], L["inc_vat"].format(vat=f"{q.vat_pct:g}")]
    single = ([L["exc_single"].format(amount=_money(q.single_supplement_vnd, lang))]
              if q.single_supplement_vnd else [])
    exc = [
        str(x)
        for x in meta.get(exc_key)
        or meta.get("not_included")
        or [L["exc_1"], *single, L["exc_tips"], L["exc_4"]]
    ]
    return inc, exc


def _price(q: Quote, lang: str) -> dict[str, Any]:
    """The "Tour price" section: per guest, group, single supplement, the basis, the share estimated."""
    L = LABELS[lang]
    share = round(100 * q.estimated_vnd / q.cost_vnd) if q.cost_vnd else 0
    return {
        "rows": [(L["price_guest"], _money(q.per_guest_vnd, lang)),
                 (L["price_group"].format(n=q.group_size), _money(q.group_vnd, lang)),
                 (L["price_single"], _money(q.single_supplement_vnd, lang))],
        "basis": L["price_basis"].format(n=q.group_size, vehicle=q.vehicle(lang=lang), g=q.lodging_grade,
                                         vat=f"{q.vat_pct:g}"),
        "estimates": L["price_estimates"].format(share=share) if share else "",
    }


def _contacts(itinerary: Itinerary, lang: str) -> list[dict[str, str]]:
    L = LABELS[lang]
    given = (itinerary.meta or {}).get("contacts") or []
    rows = [
        {"role": str(c.get("role", "")), "name": str(c.get("name", "")), "phone": str(c.get("phone", ""))}
        for c in given
        if isinstance(c, dict)
    ]
    if not rows:
        rows.append({"role": L["contact_operator"], "name": L["tbd"], "phone": L["tbd"]})
    for p in dict.fromkeys(c.partner for c in itinerary.coverage):
        rows.append({"role": L["contact_partner"].format(p=p), "name": L["tbd"], "phone": L["tbd"]})
    return rows


def itinerary_to_html(itinerary: Itinerary, *, lang: str = "vi") -> str:
    """Return the printable page of ``itinerary`` in ``lang`` ("vi" or "en")."""
    if lang not in LABELS:
        raise ValueError(f"lang is {lang!r} but must be one of {sorted(LABELS)}")
    L = LABELS[lang]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    days = []
    for d in itinerary.days:
        heading = f"{L['day']} {d.index} ({d.date:%d/%m/%Y}): {_route(d, lang).upper()}"
        days.append(
            {
                "heading": heading,
                "meals": _meals(d, itinerary, lang),
                "rows": _day_rows(d, lang, itinerary.request),
                "svg": day_svg(d, title=heading),
                "night": L["night"].format(place=name(d.lodging, lang)) if d.lodging else L["end"],
                "totals": _totals(d, lang),
            }
        )
    nights = sum(1 for d in itinerary.days if d.overnight)
    first, last = (itinerary.days[0].date, itinerary.days[-1].date) if itinerary.days else (None, None)
    subtitle = L["days_nights"].format(d=count(len(itinerary.days), "day", lang),
                                       n=count(nights, "night", lang)) if nights else count(1, "day", lang)
    if first:
        subtitle += f" · {first:%d/%m/%Y} – {last:%d/%m/%Y}"
    if itinerary.partnership:
        subtitle += f" · {L['partnership']}: {partnership_name(itinerary.partnership, lang)}"
    q = quote_of(itinerary)
    inc, exc = _included(itinerary, lang, q)
    return env.get_template("itinerary.html.j2").render(
        lang=lang,
        L=L,
        title=tour_title(itinerary, lang),
        subtitle=subtitle,
        days=days,
        coverage=list(itinerary.coverage),
        contacts=_contacts(itinerary, lang),
        included=inc,
        not_included=exc,
        price=_price(q, lang),
    )


def write_html(itinerary: Itinerary, path: str | Path, *, lang: str = "vi") -> Path:
    """Write ``itinerary.<lang>.html`` atomically and return its path."""
    return write_text(path, itinerary_to_html(itinerary, lang=lang))


def find_chromium() -> str | None:
    """The Chromium executable on PATH, or None."""
    for n in CHROMIUM_NAMES:
        found = shutil.which(n)
        if found:
            return found
    return None


def html_to_pdf(html_path: str | Path, pdf_path: str | Path, *, timeout: float = 60.0) -> Path | None:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium; None (and a log note) when absent.

    The PDF's creation dates are replaced by a fixed one so the same page gives the same bytes.
    """
    exe = find_chromium()
    if exe is None:
        log.info("no PDF: chromium is not installed (apt-get install chromium)")
        return None
    with tempfile.TemporaryDirectory(prefix="tourlink-pdf-") as tmp:
        out = Path(tmp) / "out.pdf"
        cmd = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-sync",
            "--disable-background-networking",
            "--disable-component-update",
            f"--user-data-dir={tmp}/profile",
            "--proxy-server=127.0.0.1:9",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            Path(html_path).resolve().as_uri(),
        ]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)
        except (subprocess.SubprocessError, OSError) as exc:
            log.info("no PDF: chromium failed (%s)", exc)
            return None
        if not out.is_file():
            log.info("no PDF: chromium wrote nothing")
            return None
        data = re.sub(rb"\(D:\d{14}", b"(D:20000101000000", out.read_bytes())
    return write_bytes(pdf_path, data)


__all__ = ["itinerary_to_html", "write_html", "html_to_pdf", "day_svg", "find_chromium", "escape"]
