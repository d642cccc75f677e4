"""Maps: assertions on the rendered HTML of explore() / explore_partnership()."""

import json
import logging
import re

import folium
import pandas as pd
import pytest
from fixtures_itinerary import famtrip

from tourlink import maps
from tourlink.itinerary import Itinerary


@pytest.fixture(scope="module")
def itinerary():
    """The hand-made 3-day famtrip (boat legs at dawn, fast boat 08:00, special-character name)."""
    return famtrip()


@pytest.fixture(scope="module")
def online(itinerary):
    return maps.to_html(maps.explore(itinerary, offline=False))


@pytest.fixture(scope="module")
def offline(itinerary):
    return maps.to_html(maps.explore(itinerary, offline=True))


def _overlays(html: str) -> list[str]:
    block = re.search(r"overlays :\s*\{(.*?)\}", html, re.S).group(1)
    return [json.loads(k) for k in re.findall(r'("(?:[^"\\]|\\.)*")\s*:', block)]


def test_a_layer_per_day_in_distinct_colours(online):
    days = [n for n in _overlays(online) if n.startswith("Day ")]
    assert days == [
        "Day 1 – 2026-12-10: Khách sạn Ninh Kiều → Khách sạn Vị Thanh",
        "Day 2 – 2026-12-11: Khách sạn Vị Thanh → Khách sạn Rạch Giá",
        "Day 3 – 2026-12-12: Khách sạn Rạch Giá → Sân bay Phú Quốc",
    ]
    for colour in maps.DAY_COLOURS[:3]:
        assert f'"color": "{colour}"' in online


def test_route_follows_the_leg_geometry(online, itinerary):
    leg = itinerary.days[0].legs[3]
    latlngs = json.dumps([[lat, lon] for lon, lat in leg.geometry])
    assert latlngs.replace(" ", "") in online.replace(" ", "")


def test_sea_legs_dashed_with_departure_in_tooltip(online):
    options = re.findall(r'\{"bubblingMouseEvents"[^}]*"className": "tl-leg tl-(\w+)"[^}]*\}', online)
    assert options.count("fast_boat") == 1 and options.count("boat") == 2
    fast = re.search(r'\{[^{}]*"className": "tl-leg tl-fast_boat"[^{}]*\}', online).group(0)
    road = re.search(r'\{[^{}]*"className": "tl-leg tl-road"[^{}]*\}', online).group(0)
    assert '"dashArray": "10 8"' in fast
    assert '"dashArray": null' in road
    assert "Departure 08:00 · Fast boat 08:00 → 10:45: Cảng tàu khách Rạch Giá → Cảng Bãi Vòng" in online


def test_numbered_markers_hubs_ports_and_popups(online):
    assert re.search(r'class=\\"tl-num\\"[^\n]*?\\u003e1\\u003cspan', online)  # DivIcon html is JSON
    assert online.count('class=\\"tl-hub\\"') == 4  # Ninh Kiều, Vị Thanh, Rạch Giá, airport
    assert online.count('class=\\"tl-port\\"') == 4
    assert "Mo-Su 05:00-08:00" in online  # opening hours in the Cái Răng popup
    assert "Hậu Giang (legacy) / Cần Thơ (2025)" in online
    assert "20,000 VND" in online


def test_legend_and_controls_with_layer_control_last(online):
    assert 'class="tl-legend"' in online and "Boat / ferry (departure in tooltip)" in online
    for control in (
        "L.control.fullscreen(",
        "new L.Control.MiniMap(",
        "new L.Control.Measure(",
        "L.control.layers(",
    ):
        assert control in online
    assert online.index("L.control.layers(") > online.index("new L.Control.Measure(")
    assert "fitBounds(" in online


def test_special_characters_are_escaped_everywhere(online, offline):
    for html in (online, offline):
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Chùa&quot; &lt;b&gt;" in html


def test_offline_has_no_remote_script_or_style(offline, online):
    assert re.search(r"<script[^>]+src=", online)  # online loads from CDNs
    assert not re.search(r"<script[^>]+src=", offline)
    assert not re.search(r"<link[^>]+href=", offline)
    assert "L.tileLayer(" not in offline and "MiniMap" not in offline  # no tiles, no blank minimap
    assert not re.search(r'L\.tileLayer\(\s*"http', offline)
    assert "Leaflet 1.9" in offline or "leafletjs.com" in offline  # Leaflet itself is inline


def test_rendering_is_deterministic(itinerary, offline):
    assert maps.to_html(maps.explore(itinerary, offline=True)) == offline


def test_composes_on_an_existing_map(itinerary):
    m = folium.Map(tiles=None)
    assert maps.explore(itinerary, m, controls=False) is m
    html = maps.to_html(m)
    assert "Chợ nổi Cái Răng" in html and "L.control.layers(" not in html


def test_no_partner_information_draws_no_shading(itinerary):
    bare = Itinerary(days=itinerary.days, title="bare")
    assert "Partner areas" not in maps.to_html(maps.explore(bare))


def test_missing_regions_data_degrades_with_a_note(itinerary, monkeypatch, caplog):
    import tourlink.regions as regions

    def broken(scheme):
        raise FileNotFoundError("provinces_legacy.geojson")

    monkeypatch.setattr(regions, "provinces", broken)
    with caplog.at_level(logging.INFO, logger="tourlink.maps"):
        html = maps.to_html(maps.explore(itinerary))
    assert "Partner areas" not in html
    assert "partner areas not shaded" in caplog.text


def test_partner_areas_in_both_schemes(itinerary):
    if not maps.partner_areas(partnership=itinerary.partnership):
        pytest.skip("regions data (data/provinces_*.geojson) not available")
    html = maps.to_html(maps.explore(itinerary))
    names = _overlays(html)
    assert "Partner areas (2025 provinces)" in names
    assert "Partner areas (legacy provinces, as signed)" in names
    assert "Kiên Giang (legacy)" in html and "An Giang (2025)" in html
    assert '"dashArray": "6 4"' in html and '"fillOpacity": 0.18' in html


def test_explore_partnership_with_destinations():
    destinations = pd.DataFrame(
        {
            "id": ["d1", "d2"],
            "name_vi": ["Chợ nổi Ngã Bảy", "<i>Đền</i>"],
            "name_en": ["Nga Bay market", ""],
            "lon": [105.82, 105.08],
            "lat": [9.82, 10.01],
            "province_legacy": ["Hậu Giang", "Kiên Giang"],
            "province_2025": ["Cần Thơ", "An Giang"],
            "themes": [("floating_market",), ("spiritual",)],
            "visit_minutes": [60, 45],
            "opening_hours": ["Mo-Su 05:00-08:00", ""],
            "fee_vnd": [0, 10000],
        }
    )
    p = type("P", (), {"id": "x", "name_vi": "Liên kết", "name_en": "Link", "regions": []})()
    html = maps.to_html(maps.explore_partnership(p, destinations=destinations, offline=True))
    assert _overlays(html) == ["Hậu Giang (1)", "Kiên Giang (1)"]
    assert "Chợ nổi Ngã Bảy" in html and "Mo-Su 05:00-08:00" in html
    assert "<i>Đền</i>" not in html and "&lt;i&gt;Đền&lt;/i&gt;" in html
    assert "Hậu Giang (1)" in html and "floating markets" in html  # legend: theme names, not ids
    assert "floating_market" not in html.split("tl-popup")[-1]  # the popups name themes as people do
    assert not re.search(r"<script[^>]+src=", html)


def test_displays_inline_in_jupyter(itinerary):
    """Notebooks show folium maps through _repr_html_ (an iframe); offline it carries inline scripts."""
    html = maps.explore(itinerary, offline=True)._repr_html_()
    assert "<iframe" in html and "srcdoc=" in html
    remote = r"&lt;(?:script|link)\b[^&]*(?:src|href)=&quot;http"  # a remote tag, HTML-escaped in srcdoc
    assert not re.search(remote, html)
    assert re.search(remote, maps.explore(itinerary, offline=False)._repr_html_())


def test_legend_lists_partner_areas_only_when_drawn(itinerary):
    bare = maps.to_html(maps.explore(Itinerary(days=itinerary.days, title="bare")))
    assert "Partner area, 2025 province" not in bare
    assert "Road" in bare


def test_offline_with_a_local_tile_server(itinerary):
    html = maps.to_html(maps.explore(itinerary, offline=True, tiles="http://tiles.local/{z}/{x}/{y}.png"))
    assert 'L.tileLayer(\n                "http://tiles.local/{z}/{x}/{y}.png"' in html
    assert "background:#eef2f0" in html  # plain background where tiles do not load
    assert not re.search(r"<script[^>]+src=", html)


def test_template_literal_characters_are_neutralised(itinerary):
    """Folium puts popups and tooltips in JavaScript `...` literals: backticks, ${ and \\ must not leak."""
    from dataclasses import replace

    d1 = itinerary.days[0]
    odd = "`${alert(2)}` \\u00"
    stops = tuple(replace(s, name=odd) if s.id == "dest:cai-rang" else s for s in d1.stops)
    html = maps.to_html(maps.explore(Itinerary(days=(replace(d1, stops=stops),))))
    assert odd not in html and "${alert(2)}" not in html
    assert "&#96;&#36;{alert(2)}&#96; &#92;u00" in html


def test_popups_legend_and_view_read_well(itinerary):
    """Polish: raw theme ids in popups, a paragraph as the legend title, islands at the edge of the view."""
    html = maps.to_html(maps.explore(itinerary))
    assert "Themes</td><td>floating markets" in html and "Themes</td><td>floating_market" not in html
    assert '"zoomSnap": 0.25' in html  # finer zoom
    # room round the tour, on a wide screen clear of the legend and the layer list
    assert 'room(".tl-legend"), 50]' in html and 'room(".leaflet-control-layers"), 50]' in html
    from tourlink.partnerships import get_partnership
    assert maps._short_title(get_partnership("mekong-13--ha-noi")) == "14 partners, 2016–2020"
    assert maps._short_title(get_partnership("kien-giang--hau-giang")) == "Kiên Giang – Hậu Giang, 2022–2025"
