"""Tests of the HTTP API (tourlink.serve) through FastAPI's test client.

Plans run on threads with an iteration limit (repeatable and quick); the pool is the same
:class:`~tourlink.serve.jobs.Planner` the server uses with worker processes.
"""

from __future__ import annotations

import concurrent.futures as cf
import io
import threading
import time
import zipfile

import pytest
from fastapi.testclient import TestClient

from tourlink.serve.app import MAX_BODY, create_app
from tourlink.serve.jobs import Planner

REQUEST = {"partnership": "kien-giang--hau-giang", "start_date": "2026-12-10", "days": 2, "start": "Cần Thơ",
           "title": "<script>alert(1)</script> Famtrip"}


@pytest.fixture(scope="module")
def planner():
    """Two plans at once on threads, one waiting, 150 solver iterations per plan."""
    p = Planner(workers=2, queue=1, time_limit=30, max_iterations=150,
                executor=cf.ThreadPoolExecutor(max_workers=2))
    yield p
    p.close()


@pytest.fixture(scope="module")
def client(planner):
    with TestClient(create_app(planner)) as c:
        yield c


def wait_done(client, job_id: str, seconds: float = 180) -> dict:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        job = client.get(f"/api/plans/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"plan {job_id} not finished in {seconds} s")


@pytest.fixture(scope="module")
def done(client) -> dict:
    """The demo partnership planned for two days through the API."""
    r = client.post("/api/plans", json=REQUEST)
    assert r.status_code == 202, r.text
    return wait_done(client, r.json()["id"])


def test_page_and_docs(client):
    page = client.get("/")
    assert page.status_code == 200 and "Plan the tour" in page.text
    assert "floating_market" in page.text  # the theme list is filled in
    assert "http://" not in page.text.replace("http://127", "") and "https://" not in page.text  # no CDN
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"/api/plans", "/api/plans/{job_id}", "/api/partnerships", "/api/review"} <= set(spec["paths"])


def test_partnerships_with_start_towns(client):
    data = {p["id"]: p for p in client.get("/api/partnerships").json()}
    assert "kien-giang--hau-giang" in data
    assert "Rạch Giá" in data["kien-giang--hau-giang"]["starts"]


def test_happy_path_plan_map_pack_review(client, done):
    assert done["status"] == "done", done.get("error")
    it = done["itinerary"]
    assert len(it["days"]) == 2 and it["title"].startswith("<script>")  # data, shown as text by the page
    job_id = done["id"]
    html = client.get(f"/api/plans/{job_id}/map.html")
    assert html.status_code == 200 and "leaflet" in html.text.lower()
    assert "unpkg.com" not in html.text and "cdn.jsdelivr" not in html.text  # offline map
    z = client.get(f"/api/plans/{job_id}/pack.zip")
    assert z.status_code == 200 and z.headers["content-type"] == "application/zip"
    names = {n.split("/")[-1] for n in zipfile.ZipFile(io.BytesIO(z.content)).namelist()}
    assert {"itinerary.json", "route.gpx", "calendar.ics", "map.html", "README.txt"} <= names
    review = client.post("/api/review", json=it)
    assert review.status_code == 200 and set(review.json()) >= {"clean", "flags", "findings"}


@pytest.mark.parametrize("body, field", [
    ({**REQUEST, "dayz": 3}, "dayz"),
    ({k: v for k, v in REQUEST.items() if k != "start"}, "start"),
    ({**REQUEST, "days": 0}, "days"),
    ({**REQUEST, "days": "three"}, "days"),
    ({**REQUEST, "partnership": "no-such-programme"}, "partnership"),
    ({**REQUEST, "partnership": "../../../etc/passwd"}, "partnership"),
    ({**REQUEST, "themes": {"beach": 2}}, "themes"),
])
def test_validation_errors_are_422_with_the_field(client, body, field):
    r = client.post("/api/plans", json=body)
    assert r.status_code == 422
    assert field in [d["loc"][-1] for d in r.json()["detail"]], r.json()


def test_bad_json_and_not_an_object(client):
    r = client.post("/api/plans", content=b"{bad json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    r = client.post("/api/plans", json=[1, 2])
    assert r.status_code == 422
    r = client.post("/api/review", json={"days": "x"})
    assert r.status_code == 422 and r.json()["detail"]


def test_too_large_body_refused(client):
    r = client.post("/api/plans", content=b"{" + b" " * (MAX_BODY + 1) + b"}",
                    headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_unknown_plan_and_not_done(client):
    assert client.get("/api/plans/nope").status_code == 404
    assert client.get("/api/plans/nope/pack.zip").status_code == 404


def test_unknown_start_fails_the_plan_with_a_message(client):
    r = client.post("/api/plans", json={**REQUEST, "start": "/etc/passwd"})
    assert r.status_code == 202
    job = wait_done(client, r.json()["id"])
    assert job["status"] == "failed" and "start place" in job["error"]


class Held(cf.Executor):
    """An executor whose plans wait until ``release`` is set."""

    def __init__(self):
        self.release = threading.Event()

    def submit(self, fn, *args, **kwargs):
        future: cf.Future = cf.Future()

        def run():
            self.release.wait(30)
            future.set_result({"error": "released"})
        threading.Thread(target=run, daemon=True).start()
        return future


def test_full_queue_answers_503_with_retry_after():
    held = Held()
    planner = Planner(workers=1, queue=1, time_limit=5, executor=held)
    with TestClient(create_app(planner)) as c:
        assert c.post("/api/plans", json=REQUEST).status_code == 202  # running
        assert c.post("/api/plans", json=REQUEST).status_code == 202  # waiting
        r = c.post("/api/plans", json=REQUEST)
        assert r.status_code == 503 and int(r.headers["Retry-After"]) >= 1
        held.release.set()
    planner.close()


def test_a_plan_keeps_to_the_server_limit():
    planner = Planner(workers=1, queue=0, time_limit=3, executor=Held())
    from tourlink.request import TourRequest
    job = planner.submit(TourRequest.from_dict({**REQUEST, "time_limit": 600}))
    assert job.time_limit == 3
    planner.close()
