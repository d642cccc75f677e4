"""Words people read, in English and Vietnamese: theme names, counts, tour titles, early starts.

The summary, the printable, the map and the CLI take their words from here, so that
``--lang vi`` reads the same everywhere and no internal id (``sd-rach-gia--bai-vong``) or
raw theme id (``floating_market``) reaches a page.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

#: theme → (English, Vietnamese)
THEME_NAMES = {
    "heritage": ("heritage", "di tích lịch sử – văn hóa"),
    "spiritual": ("spiritual", "tâm linh"),
    "nature": ("nature", "thiên nhiên"),
    "orchard": ("orchards", "miệt vườn"),
    "craft_village": ("craft villages", "làng nghề"),
    "beach_island": ("beaches and islands", "biển đảo"),
    "floating_market": ("floating markets", "chợ nổi"),
    "museum": ("museums", "bảo tàng"),
    "cultural_institution": ("cultural venues", "thiết chế văn hóa"),
    "revolutionary_historic": ("revolutionary sites", "di tích cách mạng"),
    "intangible_heritage": ("intangible heritage", "di sản phi vật thể"),
    "market_food": ("markets and food", "chợ và ẩm thực"),
}
#: noun → (English singular, English plural, Vietnamese)
NOUNS = {
    "day": ("day", "days", "ngày"),
    "night": ("night", "nights", "đêm"),
    "stop": ("stop", "stops", "điểm"),
    "visit": ("visit", "visits", "điểm tham quan"),
    "destination": ("destination", "destinations", "điểm đến"),
    "file": ("file", "files", "tệp"),
}
#: mode → (English, Vietnamese) as a word in a sentence
MODE_WORDS = {
    "road": ("coach", "xe"),
    "boat": ("boat", "thuyền"),
    "fast_boat": ("fast boat", "tàu cao tốc"),
    "car_ferry": ("car ferry", "phà"),
    "flight": ("flight", "chuyến bay"),
    "walk": ("walk", "đi bộ"),
}
#: link ids and the like ("sd-rach-gia--bai-vong"): lower-case words joined by "-" with a "--"
_ID = re.compile(r"\s*(?<![\w-])[a-z0-9]+(?:-[a-z0-9]+)*--[a-z0-9]+(?:-[a-z0-9]+)*(?![\w-])")


def theme_name(theme: str, lang: str = "en") -> str:
    """``"floating_market"`` → "floating markets" / "chợ nổi" (an unknown theme: its id, spaced)."""
    names = THEME_NAMES.get(theme)
    if names is None:
        return theme.replace("_", " ")
    return names[1] if lang == "vi" else names[0]


def count(n: int, noun: str, lang: str = "en") -> str:
    """``count(1, "night")`` → "1 night"; 2 → "2 nights"; Vietnamese has no plural: "2 đêm"."""
    one, many, vi = NOUNS[noun]
    return f"{n} {vi}" if lang == "vi" else f"{n} {one if n == 1 else many}"


def mode_word(mode: str, lang: str = "en") -> str:
    """``"fast_boat"`` → "fast boat" / "tàu cao tốc"."""
    words = MODE_WORDS.get(mode)
    return (words[1] if lang == "vi" else words[0]) if words else mode.replace("_", " ")


def without_ids(text: str) -> str:
    """``text`` without internal ids: "Superdong sd-rach-gia--bai-vong" → "Superdong"."""
    return _ID.sub("", text).strip()


def tour_title(itinerary: Any, lang: str = "en") -> str:
    """The tour's title; the planner's default ("3-day tour: A – B") in ``lang``.

    A title the user gave is shown as given.
    """
    title = itinerary.title or ""
    m = re.fullmatch(r"(\d+)-day tour: (.+)", title, flags=re.S)
    if m and not (itinerary.request or {}).get("title"):
        n, names = int(m.group(1)), m.group(2)
        return f"Tour {n} ngày: {names}" if lang == "vi" else f"{n}-day tour: {names}"
    return title or ("Lịch trình" if lang == "vi" else "Itinerary")


def early_start(day: Any, request: dict, lang: str = "en") -> str:
    """Why ``day`` leaves before the request's ``day_start`` ("" when it does not).

    The planner starts early for two things only: a floating market at dawn and a morning
    boat or flight reached straight from the hotel.
    """
    start = str((request or {}).get("day_start") or "07:30")
    h, m = (int(x) for x in start.split(":"))
    leaves: datetime = day.start.depart
    if leaves.hour * 60 + leaves.minute >= h * 60 + m:
        return ""
    vi = lang == "vi"
    at = start.replace(":", "h") if vi else start
    first_visit = next((s for s in day.stops if s.kind == "destination"), None)
    timed = next((leg for leg in day.legs if leg.mode in ("fast_boat", "car_ferry", "flight")), None)
    if timed is not None and (first_visit is None or timed.depart <= first_visit.arrive):
        what = mode_word(timed.mode, lang)
        return (f"trước {at} để kịp {what} {timed.depart:%H}h{timed.depart:%M}" if vi
                else f"before {at} to catch the {timed.depart:%H:%M} {what}")
    if first_visit is not None:
        place = first_visit.name if vi else (first_visit.name_en or first_visit.name)
        return f"trước {at} để đến {place} lúc bình minh" if vi else f"before {at} to reach {place} at dawn"
    return f"trước {at}" if vi else f"before {at}"


__all__ = ["THEME_NAMES", "theme_name", "count", "mode_word", "without_ids", "tour_title", "early_start"]
