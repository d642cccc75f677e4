"""Make folium maps work with no connection.

Folium links Leaflet, its plugins, jQuery, Bootstrap and Font Awesome from CDNs. The
``folium-offline`` package (an installed dependency, module ``offlinefolium``) ships the same
files, keyed by the very CDN URLs folium uses; :func:`inline_assets` swaps every ``<script
src>`` and ``<link href>`` folium puts in the page header for inline ``<script>`` / ``<style>``
with that content. Tiles cannot be inlined: offline maps draw no tile layer (a plain
background) and no minimap.
"""

from __future__ import annotations

import functools

import folium
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement

from tourlink.errors import DataError


@functools.cache
def _resources() -> dict[str, str]:
    try:
        from offlinefolium.elements import _res
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise DataError(
            "offline maps need the folium-offline package: pip install 'folium-offline>=0.20,<0.21'"
        ) from exc
    return dict(_res)


def asset(url: str) -> str:
    """Return the content of the CDN resource ``url`` from folium-offline.

    Raises
    ------
    DataError
        When folium-offline has no copy of ``url`` (folium and folium-offline versions differ).
    """
    res = _resources()
    if url not in res:
        raise DataError(
            f"no offline copy of {url}; install folium and folium-offline of the same "
            "version (folium-offline>=0.20,<0.21 for folium 0.20)"
        )
    return res[url]


def _inline(child: Element) -> Element:
    if isinstance(child, JavascriptLink):
        return Element("<script>" + asset(child.url).replace("</script", "<\\/script") + "</script>")
    if isinstance(child, CssLink):
        return Element("<style>" + asset(child.url).replace("</style", "<\\/style") + "</style>")
    return child


class InlineAssets(MacroElement):
    """Added to a Figure after the map: at render time, replaces CDN links in the header."""

    def __init__(self):
        super().__init__()
        self._name = "InlineAssets"

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        if isinstance(figure, Figure):
            header = figure.header
            for key, child in list(header._children.items()):
                header._children[key] = _inline(child)


def inline_assets(m: folium.Map) -> folium.Map:
    """Make ``m`` render with every script and style inline (no http link); return ``m``."""
    root = m.get_root()
    if not any(isinstance(c, InlineAssets) for c in root._children.values()):
        root.add_child(InlineAssets(), name="tl_inline_assets")
    return m
