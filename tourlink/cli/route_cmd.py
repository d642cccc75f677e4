"""``tourlink route FROM TO [--date D] [--fly] [--json]``: distance, time, mode and roads between two places.

FROM and TO may be destination ids or names, lodging towns, port names, a well-known town,
a province name (its centre), or ``lat,lon``. A sea crossing (e.g. Rạch Giá → Phú Quốc)
uses the timetabled boats and shows the boat leg with the next departures from ``--date``
(default today) of every operator on that crossing. When the coach would need more than a
day (Hà Nội → Cần Thơ) or ``--fly`` is given, the fastest way by air is shown too: coach to
the airport, the flight with its next departures, coach from the airport.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pandas as pd

from tourlink.errors import InfeasibleError, NotFoundError, TourlinkError, ValidationError

#: town centres (lon, lat) for names that are not provinces: provincial capitals and gateway
#: towns of the partner provinces (OSM town nodes, rounded)
TOWNS = {
    "Rạch Giá": (105.0809, 10.0125), "Hà Tiên": (104.4883, 10.3831), "Phú Quốc": (103.9607, 10.2171),
    "Dương Đông": (103.9607, 10.2171), "Vị Thanh": (105.4707, 9.7844), "Ngã Bảy": (105.8186, 9.8167),
    "Cần Thơ": (105.7835, 10.0341), "Ninh Kiều": (105.7835, 10.0341), "Mỹ Tho": (106.3600, 10.3600),
    "Bến Tre": (106.3756, 10.2415), "Long Xuyên": (105.4351, 10.3864), "Châu Đốc": (105.1167, 10.7000),
    "Sóc Trăng": (105.9719, 9.6025), "Cà Mau": (105.1524, 9.1769), "Bạc Liêu": (105.7244, 9.2940),
    "Vĩnh Long": (105.9722, 10.2537), "Cao Lãnh": (105.6333, 10.4600), "Trà Vinh": (106.3420, 9.9347),
    "Tân An": (106.4117, 10.5356), "Hồ Chí Minh": (106.7009, 10.7769), "Sài Gòn": (106.7009, 10.7769),
    "Hà Nội": (105.8542, 21.0285), "Bắc Giang": (106.1946, 21.2731), "Lạng Sơn": (106.7615, 21.8537),
    "Lục Ngạn": (106.5520, 21.3820), "Chũ": (106.5520, 21.3820), "Định Hóa": (105.6380, 21.9080),
    "ATK Định Hóa": (105.6380, 21.9080), "Hải Dương": (106.3146, 20.9373), "Thái Nguyên": (105.8442, 21.5928),
    "Hòa Bình": (105.3380, 20.8133), "Vinh": (105.6813, 18.6796), "Hải Phòng": (106.6881, 20.8449),
    "Bắc Ninh": (106.0763, 21.1861), "Hạ Long": (107.0843, 20.9511), "Ninh Bình": (105.9745, 20.2506),
    "Nội Bài": (105.8050, 21.2150), "Ngã Tư Sở": (105.8200, 21.0030),
}

SEA_MODES = ("road", "fast_boat", "car_ferry", "boat")
LABELS = {"access": "local roads", "boat": "boat to/from the pier"}


def register(subparsers) -> None:
    p = subparsers.add_parser("route", help="distance, coach time and roads between two places",
                              description=__doc__.splitlines()[0])
    p.add_argument("origin", metavar="FROM", help="destination id/name, town, province or lat,lon")
    p.add_argument("destination", metavar="TO", help="destination id/name, town, province or lat,lon")
    p.add_argument("--json", action="store_true", help="print JSON {km, minutes, legs}")
    p.add_argument("--date", type=_date, default=None, metavar="YYYY-MM-DD",
                   help="day of travel for the next boat and flight departures (default: today)")
    p.add_argument("--fly", action="store_true", help="also show the fastest way by air")
    p.set_defaults(func=run)


#: road minutes above which the way by air is shown without --fly (more than a day's drive)
FLY_ABOVE_MINUTES = 10 * 60


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"--date: {text!r} is not a date YYYY-MM-DD") from None


def _norm(text: str) -> str:
    from tourlink.regions import normalise
    return normalise(text)


def _catalog_frames() -> list[tuple[str, pd.DataFrame]]:
    out = []
    try:
        from tourlink import catalog
    except ImportError:
        return out
    for name, loader in (("destination", "load_destinations"), ("lodging", "load_lodging"),
                         ("port", "load_ports")):
        try:
            out.append((name, pd.DataFrame(getattr(catalog, loader)())))
        except (TourlinkError, AttributeError, OSError):
            continue
    return out


def _from_row(row, text: str) -> dict:
    port = row.get("access_port", "")
    port = port if isinstance(port, str) and port.strip() else ""
    boat = pd.to_numeric(row.get("access_boat_minutes", 0), errors="coerce")
    return {"label": str(row.get("name_vi", text)), "lon": float(row["lon"]), "lat": float(row["lat"]),
            "access_port": port, "access_boat_minutes": float(boat) if port and pd.notna(boat) else 0.0}


def _point(label: str, lon: float, lat: float) -> dict:
    return {"label": label, "lon": lon, "lat": lat, "access_port": "", "access_boat_minutes": 0.0}


def resolve_place(text: str) -> dict:
    """Return ``{label, lon, lat, access_port, access_boat_minutes}`` for a place given as
    ``lat,lon``, a catalogue id or name, a lodging town, a known town or a province.

    Raises ValidationError for a malformed point and NotFoundError (with suggestions) when
    nothing matches.
    """
    m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*", text)
    if m:
        lat, lon = float(m.group(1)), float(m.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValidationError(f"{text!r} is not a point: give lat,lon with lat in -90..90 and "
                                  "lon in -180..180, e.g. 10.0341,105.7835")
        from tourlink import regions
        if regions.locate(lon, lat)[0] is None:  # at sea or abroad: no coach route can start there
            hint = "; give latitude first, then longitude" if regions.locate(lat, lon)[0] else ""
            raise ValidationError(f"point {text.strip()} lies in no province of Vietnam (at sea or "
                                  f"abroad){hint}; give a place on land")
        return _point(text, lon, lat)
    key = _norm(text)
    frames = _catalog_frames()
    for _, df in frames:
        if "id" in df and text in set(df["id"].astype(str)):
            return _from_row(df[df["id"].astype(str) == text].iloc[0], text)
    for _, df in frames:
        for col in ("name_vi", "name_en", "town"):
            if col not in df:
                continue
            hit = df[df[col].astype(str).map(_norm) == key]
            if len(hit):
                return _from_row(hit.sort_values("id").iloc[0], text)
    towns = {_norm(k): (k, v) for k, v in TOWNS.items()}
    if key in towns:
        name, (lon, lat) = towns[key]
        return _point(name, lon, lat)
    from tourlink import regions
    try:
        region = regions.resolve(text)
    except NotFoundError as exc:
        names = list(TOWNS) + [str(n) for _, df in frames for n in df.get("name_vi", [])]
        import difflib
        close = difflib.get_close_matches(text, names, n=3) or exc.suggestions
        raise NotFoundError("place", text, close) from None
    point = regions.geometry(region).representative_point()
    return _point(region.name, float(point.x), float(point.y))


def route(origin: str, destination: str, *, on: date | None = None, fly: bool = False) -> dict:
    """Return ``{"from", "to", "km", "minutes", "legs": [{mode, name, km, minutes}], "by_air"}``.

    A destination reached by boat from a pier (floating market) gets its boat leg; a timetabled
    leg gets ``departures`` (all its times of day) and ``next`` (the next departures from ``on``,
    default today, of every operator between those ports). ``by_air`` is the fastest way with a
    flight (or None) when ``fly`` is set or the coach needs more than a day.
    """
    from tourlink import matrix, roads
    a, b = resolve_place(origin), resolve_place(destination)
    if (a["lon"], a["lat"]) == (b["lon"], b["lat"]):  # not 4 km of "local roads" there and back
        return {"from": a["label"], "to": b["label"], "km": 0.0, "minutes": 0.0, "legs": [], "by_air": None}
    places = pd.DataFrame([a, b]).rename(columns={"label": "id"})
    places["id"] = [f"FROM {a['label']}", f"TO {b['label']}"]
    G = roads.load_network(sea=True)
    M = matrix.travel_matrix(places, network=G, modes=SEA_MODES)
    leg = M.leg(*M.ids)
    if leg.minutes == float("inf"):
        raise InfeasibleError(f"no road or sea connection from {a['label']} to {b['label']} in the "
                              "network (the catalogue may have no sea links yet; run `make data`)")
    legs: list[dict] = []
    for s in leg.steps:
        mode = "road" if s["mode"] == "access" else s["mode"]
        name = LABELS.get(s["mode"]) or s["name"] or s["mode"]
        if s["mode"] == "access" and s["km"] < 0.5 and legs:
            # a few hundred metres to the road: part of the previous road leg, or the port's quay
            name = legs[-1]["name"] if legs[-1]["mode"] == "road" else "port: quay to the coach"
        if legs and legs[-1]["mode"] == mode and legs[-1]["name"] == name:
            legs[-1]["km"] += s["km"]
            legs[-1]["minutes"] += s["minutes"]
        else:
            legs.append({"mode": mode, "name": name, "km": s["km"], "minutes": s["minutes"]})
            if s.get("departures"):
                legs[-1]["departures"] = s["departures"]
            if s.get("link"):
                legs[-1]["link"] = s["link"]
    legs = [dict(x, km=round(x["km"], 1), minutes=round(x["minutes"], 1)) for x in legs
            if x["km"] >= 0.05 or x["minutes"] >= 0.5]
    on = on or date.today()
    for x in legs:
        if x.get("link"):
            x["next"] = _next(x.pop("link"), on)
    by_air = _by_air(a, b, on) if fly or leg.minutes > FLY_ABOVE_MINUTES else None
    return {"from": a["label"], "to": b["label"], "km": round(leg.km, 1), "minutes": round(leg.minutes, 1),
            "legs": legs, "by_air": by_air}


def _next(link_id: str, on: date, *, n: int = 3) -> list[dict]:
    """The next departures from ``on`` of every link between the ports of ``link_id``."""
    from tourlink import transport
    links = {lk.id: lk for lk in transport.load_links()}
    first = links.get(link_id)
    if first is None:
        return []
    out = []
    for lk in links.values():
        if (lk.from_port, lk.to_port, lk.mode) == (first.from_port, first.to_port, first.mode):
            for d, t in transport.next_departures(lk, on, n=n):
                out.append({"date": d.isoformat(), "time": transport.hhmm(t), "operator": lk.operator,
                            "code": lk.code(d, t), "minutes": lk.duration_min, "fare_vnd": lk.fare_vnd})
    return sorted(out, key=lambda x: (x["date"], x["time"]))[:2 * n]


def _by_air(a: dict, b: dict, on: date) -> dict | None:
    """The fastest coach – flight – coach way (road minutes + check-in + flight), or None."""
    from tourlink import catalog, matrix, roads, transport
    flights = [lk for lk in transport.load_links(modes=("flight",))]
    if not flights:
        return None
    ports = catalog.load_ports().set_index("id")
    airports = sorted({p for lk in flights for p in (lk.from_port, lk.to_port)})
    rows = [{"id": "FROM", "lon": a["lon"], "lat": a["lat"]}, {"id": "TO", "lon": b["lon"], "lat": b["lat"]}]
    rows += [{"id": p, "lon": float(ports.at[p, "lon"]), "lat": float(ports.at[p, "lat"])} for p in airports]
    import warnings
    with warnings.catch_warnings():  # an airport's terminal off the coarse network: its access leg is fine
        warnings.simplefilter("ignore")
        M = matrix.travel_matrix(pd.DataFrame(rows), network=roads.load_network(sea=False), modes=("road",))
    best = None
    for lk in flights:
        t_in = M.minutes[M.index("FROM"), M.index(lk.from_port)]
        t_out = M.minutes[M.index(lk.to_port), M.index("TO")]
        if not (t_in < 600 and t_out < 600):
            continue
        total = float(t_in) + lk.checkin_min + lk.duration_min + 20 + float(t_out)
        if best is None or total < best[0]:
            best = (total, lk, float(t_in), float(t_out))
    if best is None:
        return None
    total, lk, t_in, t_out = best
    name = {p: str(ports.at[p, "name_vi"]) for p in (lk.from_port, lk.to_port)}
    km_in = float(M.km[M.index("FROM"), M.index(lk.from_port)])
    km_out = float(M.km[M.index(lk.to_port), M.index("TO")])
    legs = [{"mode": "road", "name": f"to {name[lk.from_port]}", "km": round(km_in, 1),
             "minutes": round(t_in, 1)},
            {"mode": "flight", "name": f"{lk.operator} {name[lk.from_port]} → {name[lk.to_port]}",
             "km": 0.0, "minutes": float(lk.duration_min), "checkin": lk.checkin_min,
             "departures": tuple(lk.departures_on(on)), "next": _next(lk.id, on)},
            {"mode": "road", "name": f"from {name[lk.to_port]}", "km": round(km_out, 1),
             "minutes": round(t_out, 1)}]
    return {"minutes": round(total, 1), "legs": legs}


def _public(leg: dict) -> dict:
    out = {k: leg[k] for k in ("mode", "name", "km", "minutes")}
    if leg.get("next"):
        out["next"] = leg["next"]
    return out


def _hm(minutes: float) -> str:
    from tourlink.cli import tr
    h, m = divmod(int(round(minutes)), 60)
    return (f"{h} h {m:02d} min" if h else f"{m} min") if tr("en", "vi") == "en" else (
        f"{h} giờ {m:02d} phút" if h else f"{m} phút")


def run(args) -> int:
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = route(args.origin, args.destination, on=args.date, fly=args.fly)
    from tourlink.cli import tr, warn
    for w in caught:
        warn(str(w.message))
    air = result.get("by_air")
    if args.json:
        out = {"km": result["km"], "minutes": result["minutes"],
               "legs": [_public(leg) for leg in result["legs"]]}
        if air:
            out["by_air"] = {"minutes": air["minutes"], "legs": [_public(leg) for leg in air["legs"]]}
        print(json.dumps(out, ensure_ascii=False))
        return 0
    if not result["legs"]:
        print(f"{result['from']} → {result['to']}: " + tr("the same place, 0 km", "cùng một nơi, 0 km"))
        return 0
    road_km = sum(leg["km"] for leg in result["legs"] if leg["mode"] == "road")
    boat = any(leg["mode"] != "road" for leg in result["legs"])
    by = (tr(f"by coach ({road_km:.0f} km) and boat", f"bằng xe ({road_km:.0f} km) và tàu thuyền") if boat
          else tr("by coach", "bằng xe"))
    print(f"{result['from']} → {result['to']}: {result['km']:.0f} km, {_hm(result['minutes'])} {by}")
    _print_legs(result["legs"])
    if air:
        print(tr(f"by air: {_hm(air['minutes'])} door to door (coach, check-in, flight, baggage, coach)",
                 f"đường hàng không: {_hm(air['minutes'])} từ nơi đi đến nơi đến (xe, làm thủ tục, bay, "
                 "nhận hành lý, xe)"))
        _print_legs(air["legs"])
    elif args.fly:
        print(tr("by air: no flight between airports within 10 h by road of both places",
                 "đường hàng không: không có chuyến bay giữa các sân bay trong vòng 10 giờ đường bộ"))
    return 0


def _print_legs(legs: list[dict]) -> None:
    from tourlink.cli import tr
    from tourlink.labels import mode_word
    vi = tr("en", "vi") == "vi"
    local = {"local roads": "đường địa phương", "boat to/from the pier": "thuyền từ/đến bến"}
    for leg in legs:
        mode = mode_word(leg["mode"], "vi") if vi else leg["mode"]
        name = local.get(leg["name"], leg["name"]) if vi else leg["name"]
        print(f"  {mode:<11} {name[:40]:<40} {leg['km']:6.1f} km  {_hm(leg['minutes']):>14}")
        if leg.get("checkin"):
            print(f"  {'':<11} " + tr(f"at the airport {leg['checkin']} min before departure",
                                      f"có mặt tại sân bay {leg['checkin']} phút trước giờ bay"))
        if leg.get("next"):
            days = {}
            for x in leg["next"]:
                label = f"{x['time']} {x['code'] or x['operator']}"
                days.setdefault(x["date"], []).append(label)
            text = "; ".join(f"{date.fromisoformat(d):%a %d %b}: {', '.join(v)}" for d, v in days.items())
            print(f"  {'':<11} " + tr("next departures", "chuyến gần nhất") + f" {text}")
        elif leg.get("departures"):
            times = ", ".join(f"{m // 60:02d}:{m % 60:02d}" for m in leg["departures"])
            print(f"  {'':<11} " + tr(f"departures {times} (waiting not included)",
                                      f"giờ khởi hành {times} (chưa tính thời gian chờ)"))
