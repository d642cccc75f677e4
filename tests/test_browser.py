"""The offline map in a real browser: headless Chromium with the network blocked.

Runs where Debian's ``chromium`` is installed (``.ci/run`` installs it); skips elsewhere.
"""

import re
import shutil
import subprocess

import pytest
from fixtures_itinerary import famtrip

from tourlink import maps

CHROMIUM = shutil.which("chromium") or (shutil.which("/usr/bin/chromium"))

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
)


def chromium(page, tmp_path, *extra: str) -> subprocess.CompletedProcess:
    """Open ``page`` offline (proxy to a closed port, every host unresolvable) and return the run."""
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1200,800",
        "--virtual-time-budget=5000",
        *extra,
        page.resolve().as_uri(),
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def console(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def offline_page(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "map.html"
    path.write_text(maps.to_html(maps.explore(famtrip(), offline=True)), encoding="utf-8")
    return path


def test_offline_map_draws_routes_without_script_errors(offline_page, tmp_path):
    run = chromium(offline_page, tmp_path, "--dump-dom")
    errors = [line for line in console(run.stderr) if "Uncaught" in line or "Error" in line]
    assert errors == []
    dom = run.stdout
    assert 'class="leaflet-container' in dom or "leaflet-container" in dom
    legs = sum(len(d.legs) for d in famtrip().days)
    drawn = re.findall(r'<path class="[^"]*tl-leg tl-(\w+)', dom)
    assert len(drawn) == legs and drawn.count("fast_boat") == 1
    assert 'stroke-dasharray="10 8"' in dom  # the sea legs, dashed
    assert dom.count('<div class="tl-num"') == len(famtrip().visits)  # numbered visit markers
    assert "leaflet-control-layers" in dom and "leaflet-control-minimap" not in dom  # no blank minimap
    assert "leaflet-control-measure" in dom and "leaflet-control-zoom-fullscreen" in dom
    assert "tl-legend" in dom


def test_online_map_fails_when_offline(tmp_path):
    """Control: the CDN version cannot work with the network blocked (so the check above means it)."""
    page = tmp_path / "online.html"
    page.write_text(maps.to_html(maps.explore(famtrip(), offline=False)), encoding="utf-8")
    run = chromium(page, tmp_path, "--dump-dom")
    assert any("L is not defined" in line for line in console(run.stderr))


def test_screenshot(offline_page, tmp_path):
    shot = tmp_path / "map.png"
    chromium(offline_page, tmp_path, f"--screenshot={shot}")
    assert shot.is_file()
    image = pytest.importorskip("matplotlib.image").imread(shot)
    assert image.shape[:2] == (800, 1200)
    colours = {tuple(px) for px in (image[::8, ::8, :3] * 255).astype(int).reshape(-1, 3).tolist()}
    assert len(colours) > 20  # routes, markers, legend: not a blank page


OPEN_SPECIAL_POPUP = """<script>
window.addEventListener("load", function () {
  for (const key of Object.keys(window)) {
    const layer = window[key];
    if (key.startsWith("marker_") && layer && layer.getPopup && layer.getPopup()) {
      const html = String(layer.getPopup().getContent().innerHTML || layer.getPopup().getContent());
      if (html.includes("alert(1)")) { layer.openPopup(); layer.openTooltip(); }
    }
  }
});
</script>"""


def test_special_name_shows_as_text_in_popup_and_tooltip(offline_page, tmp_path):
    page = tmp_path / "popup.html"
    page.write_text(
        offline_page.read_text(encoding="utf-8").replace("</html>", OPEN_SPECIAL_POPUP + "</html>"),
        encoding="utf-8",
    )
    run = chromium(page, tmp_path, "--dump-dom")
    assert [line for line in console(run.stderr) if "Uncaught" in line] == []
    popup = re.search(r'<div class="leaflet-popup-content"[^>]*>(.*?)</div>\s*</div>', run.stdout, re.S)
    assert popup, "the popup did not open"
    text = popup.group(1)
    assert '&lt;script&gt;alert(1)&lt;/script&gt; &amp; "Chùa" &lt;b&gt;' in text  # serialised text node
    assert (
        "<script>alert" not in text and text.count("<b>") == 1
    )  # only our own bold title: no element from the name
    tooltip = re.search(r'<div class="leaflet-tooltip[^"]*"[^>]*>(.*?)</div>\s*</div>', run.stdout, re.S)
    assert tooltip and "&lt;script&gt;alert(1)" in tooltip.group(1)
