"""The planning page in headless Chromium (Playwright driving Debian's ``chromium``).

A real server (uvicorn) on a free local port plans on threads with an iteration limit; the test
fills the form, plans a two-day tour, and checks the map, the programme, the review and the
download link. Skips, saying why, where Chromium or Playwright is missing.
"""

from __future__ import annotations

import concurrent.futures as cf
import shutil
import socket
import threading
import time

import pytest

from tourlink.serve.app import create_app
from tourlink.serve.jobs import Planner

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def server():
    """The app served by uvicorn on 127.0.0.1 (a free port) in a thread."""
    uvicorn = pytest.importorskip("uvicorn")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    planner = Planner(workers=1, queue=2, time_limit=30, max_iterations=150,
                      executor=cf.ThreadPoolExecutor(max_workers=1))
    config = uvicorn.Config(create_app(planner), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    end = time.monotonic() + 20
    while not srv.started and time.monotonic() < end:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)
    planner.close()


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_plan_a_tour_in_the_browser(server, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server + "/")
        page.select_option("#partnership", "kien-giang--hau-giang")
        page.fill("#start_date", "2026-12-10")
        page.fill("#days", "2")
        page.fill("#start", "Cần Thơ")
        page.check("#themes input[value=floating_market]")
        page.fill("#title", "<b>Famtrip</b> test")
        page.click("#plan")
        page.wait_for_selector("#result", state="visible", timeout=180_000)
        assert page.inner_text("#r-title") == "<b>Famtrip</b> test"  # shown as text, not markup
        assert page.locator("#r-title b").count() == 0
        rows = page.locator("#programme tr").count()
        assert rows >= 6  # two day headings, departures, arrivals and visits
        assert "pack.zip" in page.get_attribute("#download", "href")
        coverage = page.inner_text("#r-coverage")  # "Kiên Giang: 5 stops, 1 night", never "1 nights"
        assert "Kiên Giang: " in coverage and " 1 nights" not in coverage and " 1 stops" not in coverage
        frame = page.frame_locator("#map")
        frame.locator(".folium-map.leaflet-container").wait_for(timeout=60_000)
        page.wait_for_function("document.querySelectorAll('#review li').length > 0", timeout=30_000)
        with page.expect_download() as dl:
            page.click("#download")
        saved = tmp_path / "pack.zip"
        dl.value.save_as(saved)
        assert saved.stat().st_size > 10_000
        page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
        browser.close()
    assert not errors, errors


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_a_bad_request_shows_the_message(server):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(server + "/")
        page.fill("#days", "40")
        page.evaluate("document.getElementById('days').removeAttribute('max')")
        page.click("#plan")
        page.wait_for_selector("#errors li", timeout=30_000)
        assert "days" in page.inner_text("#errors")
        browser.close()
