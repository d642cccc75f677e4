"""Interactive Folium maps of itineraries and partnerships.

:func:`explore` draws an :class:`~tourlink.itinerary.Itinerary` (one layer per day, the route
along the road geometry, sea legs dashed, numbered stops, lodging and ports, partner areas in
both province schemes, a legend and the usual controls); :func:`explore_partnership` draws the
partner areas of a partnership with its destinations. Both compose like GeoPandas ``explore``:
pass ``m`` to draw on an existing map. Maps are offline by default: Leaflet and the plugins are
inlined (see :mod:`tourlink.offline`) over a plain background; ``offline=False`` loads them and
a tile layer from the web, an explicit choice.

Every user string is escaped before it reaches HTML or the JavaScript folium writes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

import folium
import folium.plugins
from branca.element import Element, MacroElement, Template

from tourlink.export._common import esc, hm, leg_ends, mode_label, name
from tourlink.itinerary import SEA_MODES, Itinerary, Stop
from tourlink.labels import theme_name, tour_title, without_ids

log = logging.getLogger(__name__)

#: distinct day colours (Tableau 10)
DAY_COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
)
#: marker border colour and glyph by theme (the stop's first theme)
THEME_STYLE = {
    "heritage": ("#8c510a", "♜"),
    "spiritual": ("#b8860b", "☸"),
    "nature": ("#1b7837", "♣"),
    "orchard": ("#4d9221", "❦"),
    "craft_village": ("#762a83", "✂"),
    "beach_island": ("#0571b0", "☀"),
    "floating_market": ("#2166ac", "≈"),
    "museum": ("#543005", "⌘"),
    "cultural_institution": ("#5e3c99", "♫"),
    "revolutionary_historic": ("#b2182b", "★"),
    "intangible_heritage": ("#c51b7d", "♪"),
    "market_food": ("#e08214", "☕"),
}
DEFAULT_THEME_STYLE = ("#333333", "●")
#: colours of partner provinces on a partnership map (Tableau 20: 14 provinces, no repeat)
AREA_COLOURS = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
    "#7f7f7f", "#aec7e8", "#ff9896", "#98df8a", "#c5b0d5", "#ffbb78", "#c49c94", "#f7b6d2", "#9edae5",
    "#dbdb8d", "#c7c7c7",
)
LEGACY_STYLE = {"color": "#444444", "weight": 2, "dashArray": "6 4", "fill": False}
CURRENT_STYLE = {"color": "#e6a100", "weight": 1, "fillColor": "#ffd54f", "fillOpacity": 0.18}
#: background of the map when no tiles are drawn (offline)
OFFLINE_BACKGROUND = "#eef2f0"
DEFAULT_TILES = "OpenStreetMap"

_CSS = """
<style>
.tl-num{width:24px;height:24px;border-radius:12px;color:#fff;font:bold 12px/20px sans-serif;
 text-align:center;border:2px solid #333;box-shadow:0 1px 3px rgba(0,0,0,.4)}
.tl-num .tl-glyph{position:absolute;left:18px;top:-8px;font-size:12px;color:#222;
 text-shadow:0 0 2px #fff}
.tl-hub{width:22px;height:22px;background:#fff;color:#222;font:bold 13px/20px sans-serif;
 text-align:center;border:2px solid #222;border-radius:3px}
.tl-port{width:22px;height:22px;background:#0b3d91;color:#fff;font:bold 14px/20px sans-serif;
 text-align:center;border:2px solid #fff;border-radius:11px;box-shadow:0 0 0 1px #0b3d91}
.tl-area-label{font:bold 11px sans-serif;color:#6b4e00;white-space:nowrap;text-shadow:0 0 3px #fff}
.tl-area-label.legacy{color:#333;font-weight:normal;font-style:italic}
.tl-legend{position:fixed;bottom:40px;left:10px;z-index:9999;background:rgba(255,255,255,.92);
 padding:6px 9px;border:1px solid #999;border-radius:4px;font:12px/1.45 sans-serif;max-width:280px;
 max-height:calc(100% - 180px);overflow-y:auto}
.tl-legend summary{font-weight:bold;cursor:pointer;margin-bottom:2px}
.tl-legend .cols{columns:2;column-gap:10px}
.tl-legend .cols div{break-inside:avoid}
.tl-legend .sw{display:inline-block;width:26px;height:0;margin-right:6px;vertical-align:middle;
 border-top:4px solid}
.tl-legend .box{display:inline-block;width:14px;height:10px;margin-right:6px;vertical-align:middle}
.tl-popup td{padding:0 6px 0 0;vertical-align:top}
</style>
"""


class Legend(MacroElement):
    """A fixed legend box; ``rows`` is a list of (swatch HTML, label) already escaped."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}"""
        + _CSS
        + """{% endmacro %}
        {% macro html(this, kwargs) %}
        <details open class="tl-legend" id="{{ this.get_name() }}"><summary>{{ this.title }}</summary>
        {% if this.grouped %}<div class="cols">{% for swatch, label in this.grouped %}
        <div>{{ swatch }}{{ label }}</div>{% endfor %}</div>{% endif %}
        {% for swatch, label in this.rows %}<div>{{ swatch }}{{ label }}</div>{% endfor %}
        </details>
        {% endmacro %}
    """
    )

    def __init__(self, title: str, rows: list[tuple[str, str]], *, grouped: list[tuple[str, str]] = ()):
        super().__init__()
        self._name = "Legend"
        self.title = esc(title)
        self.rows = rows
        self.grouped = list(grouped)  # many short rows (14 provinces) in two columns


# ------------------------------------------------------------------------- maps
def new_map(*, offline: bool = True, tiles: str | None = DEFAULT_TILES) -> folium.Map:
    """Return an empty map.

    Offline the map has a plain background colour and no tile layer, unless ``tiles`` is a URL
    template other than the default (e.g. a tile server on the local network), which is then
    drawn over that background.
    """
    if offline:
        m = folium.Map(location=(10.0, 105.5), zoom_start=8, tiles=None, control_scale=True, zoom_snap=0.25)
        m.get_root().header.add_child(
            folium.Element(
                f"<style>.leaflet-container.folium-map{{background:{OFFLINE_BACKGROUND}}}</style>"
            ),
            name="tl_background",
        )
        if tiles and tiles != DEFAULT_TILES and "{z}" in tiles:
            folium.TileLayer(tiles=tiles, attr="local tiles", name="local tiles").add_to(m)
        return m
    return folium.Map(location=(10.0, 105.5), zoom_start=8, tiles=tiles, control_scale=True, zoom_snap=0.25)


def explore(
    itinerary: Itinerary,
    m: folium.Map | None = None,
    *,
    offline: bool = True,
    tiles: str | None = DEFAULT_TILES,
    controls: bool = True,
) -> folium.Map:
    """Draw ``itinerary`` on ``m`` (a new map when None) and return the map.

    Parameters
    ----------
    itinerary
        The tour to draw.
    m
        A map to draw on; a new one is made when None.
    offline
        Inline Leaflet and plugins into the page and draw no web tiles (plain background); the
        default. ``False`` loads them and the tiles from the web.
    tiles
        Tile layer name or URL template when online; None for none. Offline only a URL template
        (``.../{z}/{x}/{y}.png``, e.g. a local tile server) is drawn, over the plain background.
    controls
        Add layer control, fullscreen, measure control (and online a minimap) and fit the bounds.
    """
    if m is None:
        m = new_map(offline=offline, tiles=tiles)
    shaded = _add_partner_areas(
        m,
        partnership=itinerary.partnership,
        partner_names=[c.province_legacy or c.partner for c in itinerary.coverage],
    )
    seen_hubs: set[str] = set()  # a hotel is drawn once, on the day the group arrives
    for d in itinerary.days:
        colour = DAY_COLOURS[(d.index - 1) % len(DAY_COLOURS)]
        title = f"{d.title}: {name(d.start)} → {name(d.end)}"
        fg = folium.FeatureGroup(name=esc(title), show=True)
        for leg, a, b in leg_ends(d):
            _add_leg(fg, leg, a, b, colour)
        n = 0
        for s in (d.start, *d.stops, d.end):
            if s.kind == "destination":
                n += 1
                _marker(s, _num_icon(n, colour, s), _popup(s, f"Day {d.index} · stop {n}")).add_to(fg)
            elif s.kind in ("lodging", "place") and s.id not in seen_hubs:
                seen_hubs.add(s.id)
                label = "H" if s.kind == "lodging" else "◆"
                _marker(
                    s,
                    folium.DivIcon(
                        html=f'<div class="tl-hub">{label}</div>', icon_size=(22, 22), icon_anchor=(11, 11)
                    ),
                    _popup(s, _hub_caption(d, s)),
                ).add_to(fg)
            elif s.kind == "port":
                _marker(
                    s,
                    folium.DivIcon(
                        html='<div class="tl-port">⚓</div>', icon_size=(22, 22), icon_anchor=(11, 11)
                    ),
                    _popup(s, f"Day {d.index} · port"),
                ).add_to(fg)
        fg.add_to(m)
    legend_rows = [
        (
            f'<span class="sw" style="border-color:{DAY_COLOURS[(d.index - 1) % 10]}"></span>',
            esc(f"{d.title}"),
        )
        for d in itinerary.days
    ]
    legend_rows += _common_legend_rows(partners=bool(shaded))
    Legend(tour_title(itinerary), legend_rows).add_to(m)
    if controls:
        _add_controls(m, offline=offline, bounds=_bounds_of(itinerary))
    if offline:
        from tourlink.offline import inline_assets

        inline_assets(m)
    return m


def explore_partnership(
    partnership: Any,
    *,
    destinations: Any = None,
    m: folium.Map | None = None,
    offline: bool = True,
    tiles: str | None = DEFAULT_TILES,
) -> folium.Map:
    """Draw a partnership's areas in both schemes and (optionally) its destinations.

    Parameters
    ----------
    partnership
        A :class:`tourlink.partnerships.Partnership` or its id / name.
    destinations
        A DataFrame with the columns of ``destinations.csv`` (``name_vi``, ``lon``, ``lat``, …);
        one layer per legacy province.
    m, offline, tiles
        As for :func:`explore`.
    """
    if isinstance(partnership, str):
        from tourlink.partnerships import get_partnership

        partnership = get_partnership(partnership)
    if m is None:
        m = new_map(offline=offline, tiles=tiles)
    pid = getattr(partnership, "id", "")
    corners = _add_partner_areas(m, partnership=partnership)
    points: list[tuple[float, float]] = []
    provinces: list[tuple[str, str]] = []
    themes_seen: set[str] = set()
    if destinations is not None and len(destinations):
        col = "province_legacy" if "province_legacy" in destinations.columns else None
        groups = destinations.groupby(col, sort=True) if col else [("Destinations", destinations)]
        for i, (prov, rows) in enumerate(groups):
            colour = AREA_COLOURS[i % len(AREA_COLOURS)]
            fg = folium.FeatureGroup(name=esc(f"{prov} ({len(rows)})"))
            provinces.append(
                (
                    f'<span class="box" style="background:{colour};border-radius:7px"></span>',
                    esc(f"{prov} ({len(rows)})"),
                )
            )
            for row in rows.sort_values("id" if "id" in rows.columns else rows.columns[0]).itertuples():
                stop = _row_stop(row)
                points.append((stop.lat, stop.lon))
                glyph = THEME_STYLE.get(stop.themes[0] if stop.themes else "", DEFAULT_THEME_STYLE)
                themes_seen.update(stop.themes[:1])
                icon = folium.DivIcon(
                    html=f'<div class="tl-num" style="background:{colour};'
                    f"border-color:{glyph[0]};width:18px;height:18px;"
                    f'line-height:14px">{glyph[1]}</div>',
                    icon_size=(22, 22),
                    icon_anchor=(11, 11),
                )
                _marker(stop, icon, _popup(stop, str(prov))).add_to(fg)
            fg.add_to(m)
    themes = [
        (
            f'<span style="display:inline-block;width:20px;color:{THEME_STYLE[t][0]}">'
            f"{THEME_STYLE[t][1]}</span>",
            esc(theme_name(t)),
        )
        for t in sorted(themes_seen, key=theme_name)
        if t in THEME_STYLE
    ]
    rows = themes + _common_legend_rows(route=False, partners=bool(corners))
    Legend(_short_title(partnership) or pid, rows, grouped=provinces).add_to(m)
    _add_controls(m, offline=offline, bounds=_bounds(points or corners) if points or corners else None)
    if offline:
        from tourlink.offline import inline_assets

        inline_assets(m)
    return m


def _short_title(partnership: Any) -> str:
    """A legend title that fits: "Kiên Giang – Hậu Giang, 2022–2025" or "14 partners, 2016–2020"."""
    members = [m.name for m in getattr(partnership, "members", ())]
    period = getattr(partnership, "period", "")
    who = " – ".join(members) if 0 < len(members) <= 3 else f"{len(members)} partners" if members else ""
    return ", ".join(x for x in (who, period) if x)


def to_html(m: folium.Map) -> str:
    """Render ``m`` as a standalone page with deterministic element ids (same map → same text)."""
    root = m.get_root()
    text = root.render()
    known: set[str] = set()  # the random ids of this figure's elements; nothing else is renamed
    stack: list[Element] = [root]
    while stack:
        el = stack.pop()
        if el._id in known:
            continue
        known.add(el._id)
        stack.extend(getattr(el, "_children", {}).values())
        stack.extend(v for v in vars(el).values() if isinstance(v, Element))  # e.g. the minimap's tiles
    ids: dict[str, str] = {}

    def rename(match: re.Match) -> str:
        if match.group(2) not in known:
            return match.group(0)
        return ids.setdefault(match.group(0), f"{match.group(1)}_{len(ids) + 1:04d}")

    return re.sub(r"\b([a-z][a-z0-9_]*?)_([0-9a-f]{32})(?![0-9a-f])", rename, text)


# ------------------------------------------------------------------- internals
def _marker(stop: Stop, icon: folium.DivIcon, popup_html: str) -> folium.Marker:
    return folium.Marker(
        location=(stop.lat, stop.lon),
        icon=icon,
        popup=folium.Popup(popup_html, max_width=320),
        tooltip=folium.Tooltip(esc(stop.name)),
    )


def _num_icon(n: int, colour: str, stop: Stop) -> folium.DivIcon:
    border, glyph = THEME_STYLE.get(stop.themes[0] if stop.themes else "", DEFAULT_THEME_STYLE)
    return folium.DivIcon(
        html=f'<div class="tl-num" style="background:{colour};border-color:{border};'
        f'position:relative">{n}<span class="tl-glyph">{glyph}</span></div>',
        icon_size=(24, 24),
        icon_anchor=(12, 12),
    )


def _hub_caption(day: Any, stop: Stop) -> str:
    if stop.kind == "lodging":
        return f"Overnight (night {day.index})" if stop is day.end and day.overnight else "Hotel"
    return "End of tour" if stop is day.end else "Start"


def _popup(stop: Stop, caption: str) -> str:
    rows = []
    if stop.name_en and stop.name_en != stop.name:
        rows.append(("English", stop.name_en))
    if stop.kind != "place" or stop.arrive != stop.depart:
        rows.append(("Time", f"{hm(stop.arrive)}–{hm(stop.depart)}"))
    if stop.visit_minutes:
        rows.append(("Visit", f"{stop.visit_minutes} min"))
    if stop.kind == "destination":
        rows.append(("Fee", f"{stop.fee_vnd:,} VND" if stop.fee_vnd else "free"))
    if stop.opening_hours:
        rows.append(("Opening hours", stop.opening_hours))
    if stop.province_legacy or stop.province_2025:
        rows.append(
            ("Province", f"{stop.province_legacy or '?'} (legacy) / {stop.province_2025 or '?'} (2025)")
        )
    if stop.partner:
        rows.append(("Partner", stop.partner))
    if stop.themes:
        rows.append(("Themes", ", ".join(theme_name(t) for t in stop.themes)))
    body = "".join(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in rows)
    return (
        f'<div class="tl-popup"><small>{esc(caption)}</small><br><b>{esc(stop.name)}</b>'
        f"<table>{body}</table></div>"
    )


def _add_leg(fg: folium.FeatureGroup, leg: Any, a: Stop | None, b: Stop | None, colour: str) -> None:
    path = [(lat, lon) for lon, lat in leg.geometry] or [(s.lat, s.lon) for s in (a, b) if s is not None]
    if len(path) < 2:
        return
    sea = leg.mode in SEA_MODES or leg.mode == "flight"
    text = (
        f"{mode_label(leg.mode)} {hm(leg.depart)} → {hm(leg.arrive)}: {name(a)} → {name(b)}"
        f" · {leg.km:.0f} km, {round(leg.minutes)} min"
    )
    if without_ids(leg.name):
        text += f" · {without_ids(leg.name)}"
    if sea:
        text = f"Departure {hm(leg.depart)} · " + text
    folium.PolyLine(
        path,
        color=colour,
        weight=5 if not sea else 4,
        opacity=0.85,
        dash_array=("2 10" if leg.mode == "flight" else "10 8" if sea
                    else "2 6" if leg.mode == "walk" else None),
        tooltip=folium.Tooltip(esc(text)),
        class_name=f"tl-leg tl-{leg.mode}",
    ).add_to(fg)


def _common_legend_rows(*, route: bool = True, partners: bool = True) -> list[tuple[str, str]]:
    rows = []
    if route:
        rows += [
            ('<span class="sw" style="border-color:#555"></span>', "Road"),
            (
                '<span class="sw" style="border-top:4px dashed #555"></span>',
                "Boat / ferry (departure in tooltip)",
            ),
            (
                '<span class="sw" style="border-top:4px dotted #555"></span>',
                "Flight (flight number and times in tooltip)",
            ),
            (
                '<span class="tl-num" style="display:inline-block;width:16px;height:16px;'
                'line-height:12px;font-size:10px;background:#555;margin-right:6px">1</span>',
                "Visit (number of the day)",
            ),
            (
                '<span class="tl-hub" style="display:inline-block;width:14px;height:14px;'
                'line-height:12px;font-size:10px;margin-right:6px">H</span>',
                "Overnight hub / hotel",
            ),
            (
                '<span class="tl-port" style="display:inline-block;width:14px;height:14px;'
                'line-height:12px;font-size:9px;margin-right:6px">⚓</span>',
                "Port / pier",
            ),
        ]
    if not partners:
        return rows
    rows += [
        (
            '<span class="box" style="border:2px dashed #444"></span>',
            "Partner area, legacy province (signed)",
        ),
        (
            '<span class="box" style="background:#ffd54f;opacity:.6;border:1px solid #e6a100"></span>',
            "Partner area, 2025 province",
        ),
    ]
    return rows


def _add_controls(m: folium.Map, *, offline: bool, bounds: list[list[float]] | None) -> None:
    folium.plugins.Fullscreen(position="topleft").add_to(m)
    if not offline:  # offline a minimap has no tiles to show: a blank box
        folium.plugins.MiniMap(toggle_display=True).add_to(m)
    folium.plugins.MeasureControl(position="topleft", primary_length_unit="kilometers").add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    if bounds:
        _FitBounds(bounds).add_to(m)


class _FitBounds(MacroElement):
    """The view fitted to ``bounds`` with room round them (a quarter-zoom step fits islands at the
    edges), and on a wide screen clear of the legend (bottom left) and the layer list (top right):
    Leaflet's padding moves the view right of the legend and left of the list, measured as drawn.
    On a narrow screen (a phone) the boxes would leave no room: 50 px all round."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var wide = map.getSize().x >= {{ this.wide }};
            function room(selector) {
                var box = document.querySelector(selector);
                return wide && box ? Math.max(50, box.offsetWidth + 20) : 50;
            }
            map.fitBounds({{ this.bounds|tojson }}, {"paddingTopLeft": [room(".tl-legend"), 50],
                "paddingBottomRight": [room(".leaflet-control-layers"), 50]});
        })();
        {% endmacro %}
    """
    )

    def __init__(self, bounds: list[list[float]], *, wide: int = 900):
        super().__init__()
        self._name = "FitBounds"
        self.bounds, self.wide = bounds, wide


def _bounds(points: Iterable[tuple[float, float]]) -> list[list[float]]:
    pts = list(points)
    lats = [p[0] for p in pts]
    lons = [p[1] for p in pts]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _bounds_of(itinerary: Itinerary) -> list[list[float]] | None:
    pts = [(s.lat, s.lon) for d in itinerary.days for s in (d.start, *d.stops, d.end)]
    pts += [(lat, lon) for d in itinerary.days for leg in d.legs for lon, lat in leg.geometry]
    return _bounds(pts) if pts else None


def _row_stop(row: Any) -> Stop:
    from datetime import datetime

    from tourlink.itinerary import TZ

    themes = getattr(row, "themes", ()) or ()
    if isinstance(themes, str):
        themes = tuple(t for t in themes.split(";") if t)
    zero = datetime(2000, 1, 1, tzinfo=TZ)

    def text(field: str) -> str:
        v = getattr(row, field, "")
        return "" if v is None or v != v else str(v)  # NaN-safe

    def number(field: str) -> int:
        v = getattr(row, field, 0)
        return int(v) if v == v and v not in (None, "") else 0

    return Stop(
        id=text("id"),
        name=text("name_vi") or text("name"),
        lon=float(row.lon),
        lat=float(row.lat),
        arrive=zero,
        depart=zero,
        kind="place",
        name_en=text("name_en"),
        province_legacy=text("province_legacy"),
        province_2025=text("province_2025"),
        themes=tuple(themes),
        visit_minutes=number("visit_minutes"),
        fee_vnd=number("fee_vnd"),
        opening_hours=text("opening_hours"),
    )


# ------------------------------------------------------------- partner areas
def partner_areas(*, partnership: Any = None, partner_names: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Partner areas as dicts {legacy, current, legacy_geometry, current_geometry}, or [] when unknown.

    Uses :mod:`tourlink.regions` / :mod:`tourlink.partnerships`; when they or their data are not
    available the result is empty and a note is logged (the map is drawn without shading).
    """
    try:
        from tourlink import regions

        if partnership is not None and not hasattr(partnership, "regions"):
            from tourlink.partnerships import get_partnership

            partnership = get_partnership(str(partnership)) if partnership else None
        if partnership is not None:
            legacy = list(partnership.regions)
        else:
            legacy = [regions.resolve(n, scheme="legacy") for n in dict.fromkeys(partner_names) if n]
        if not legacy:
            return []
        gl = regions.provinces("legacy").set_index("code")
        gc = regions.provinces("2025").set_index("code")
        out = []
        for r in legacy:
            cur = regions.current_of(r)
            out.append(
                {
                    "legacy": r,
                    "current": cur,
                    "legacy_geometry": gl.loc[r.code, "geometry"],
                    "current_geometry": gc.loc[cur.code, "geometry"],
                }
            )
        return out
    except Exception as exc:  # noqa: BLE001 - any missing module/data only drops the shading
        log.info("partner areas not shaded (%s: %s)", type(exc).__name__, exc)
        return []


def _add_partner_areas(
    m: folium.Map, *, partnership: Any = None, partner_names: Iterable[str] = ()
) -> list[tuple[float, float]]:
    """Draw the partner areas; return the (lat, lon) corners of the legacy areas ([] when none)."""
    if not partnership and not list(partner_names):
        return []
    areas = partner_areas(partnership=partnership, partner_names=partner_names)
    if not areas:
        return []
    fg_cur = folium.FeatureGroup(name="Partner areas (2025 provinces)")
    fg_leg = folium.FeatureGroup(name="Partner areas (legacy provinces, as signed)")
    done: set[str] = set()
    for a in areas:
        cur, leg = a["current"], a["legacy"]
        if cur.key not in done:
            done.add(cur.key)
            _shade(a["current_geometry"], CURRENT_STYLE, f"{cur.name} (2025)", "current").add_to(fg_cur)
        _shade(a["legacy_geometry"], LEGACY_STYLE, f"{leg.name} (legacy)", "legacy").add_to(fg_leg)
    fg_cur.add_to(m)
    fg_leg.add_to(m)
    corners = []
    for a in areas:
        x0, y0, x1, y1 = a["legacy_geometry"].bounds
        corners += [(y0, x0), (y1, x1)]
    return corners


def _shade(geometry, style: dict, label: str, kind: str) -> folium.FeatureGroup:
    """A partner area drawn (simplified) with its tooltip and its label, as one group."""
    import shapely

    geom = shapely.simplify(geometry, 0.003)
    group = folium.FeatureGroup(control=False)
    folium.GeoJson(shapely.geometry.mapping(geom), style_function=lambda _f: style,
                   tooltip=esc(label)).add_to(group)
    _area_label(geom, label, kind).add_to(group)
    return group


def _area_label(geom: Any, text: str, cls: str) -> folium.Marker:
    p = geom.representative_point()
    lat = p.y + (-0.07 if cls == "legacy" else 0.07)  # the two schemes' labels must not overlap
    return folium.Marker(
        (lat, p.x),
        icon=folium.DivIcon(
            html=f'<div class="tl-area-label {cls}">{esc(text)}</div>',
            icon_size=(160, 16),
            icon_anchor=(80, 8),
        ),
    )
