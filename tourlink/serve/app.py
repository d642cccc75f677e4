"""The web desk and the HTTP API: :func:`create_app` builds the FastAPI application.

Routes (OpenAPI docs at ``/docs``):

* ``GET /`` — the planning page (one self-contained HTML file, no CDN);
* ``GET /api/partnerships`` — the linkage programmes, with suggested start towns;
* ``POST /api/plans`` — a TourRequest as JSON → ``202 {"id": ...}``; 422 names the bad field;
  503 with ``Retry-After`` when the queue is full;
* ``GET /api/plans/{id}`` — ``status`` (queued, running, done, failed), progress, the itinerary
  when done; ``GET /api/plans/{id}/map.html`` and ``/pack.zip`` — the offline map and the pack;
* ``POST /api/review`` — an itinerary (``itinerary.json``) → what an operator would flag.

Nothing a user sends is executed or used as a path: a request is validated by
:class:`~tourlink.request.TourRequest` (unknown keys refused), names are looked up in the bundled
data, and the page shows user text with ``textContent`` only.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from tourlink.errors import NotFoundError, ValidationError
from tourlink.itinerary import Itinerary
from tourlink.request import THEMES, TourRequest
from tourlink.serve.jobs import Planner, QueueFull

#: largest request body accepted (an itinerary.json of a 14-day tour is well below)
MAX_BODY = 2_000_000


def create_app(planner: Planner) -> FastAPI:
    """The FastAPI application serving the page and the API over ``planner``."""
    app = FastAPI(title="tourlink", version=_version(),
                  description="Plan multi-day, multi-province tours for Vietnam's tourism linkage "
                              "programmes: the planner over HTTP.")
    app.state.planner = planner

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        size = request.headers.get("content-length")
        if size is not None and (not size.isdigit() or int(size) > MAX_BODY):
            return JSONResponse({"detail": f"request body over {MAX_BODY:,} bytes"}, status_code=413)
        return await call_next(request)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> str:
        text = resources.files("tourlink.serve").joinpath("page.html").read_text(encoding="utf-8")
        return text.replace("__THEMES__", json.dumps(list(THEMES)))

    @app.get("/api/partnerships", summary="The linkage programmes")
    def partnerships() -> list[dict[str, Any]]:
        return _partnerships()

    @app.post("/api/plans", status_code=202, summary="Plan a tour (a TourRequest as JSON)")
    def submit(body: Annotated[dict[str, Any], Body(examples=[_EXAMPLE])]) -> Any:
        try:
            request = _request(body)
        except ValidationError as exc:
            return _unprocessable(exc.problems)
        try:
            job = planner.submit(request)
        except QueueFull as exc:
            return JSONResponse({"detail": str(exc)}, status_code=503,
                                headers={"Retry-After": str(exc.retry_after)})
        return {"id": job.id, "status": job.status}

    @app.get("/api/plans/{job_id}", summary="Status of a plan, and the itinerary when done")
    def status(job_id: str) -> Any:
        job = planner.get(job_id)
        if job is None:
            return JSONResponse({"detail": "no such plan (unknown or expired id)"}, status_code=404)
        return job.to_dict()

    @app.get("/api/plans/{job_id}/map.html", response_class=HTMLResponse, summary="The plan's offline map")
    def plan_map(job_id: str) -> Response:
        return _artefact(planner, job_id, "map.html", _map_html, "text/html; charset=utf-8")

    @app.get("/api/plans/{job_id}/pack.zip", summary="The famtrip pack of a plan, as a zip")
    def pack(job_id: str) -> Response:
        return _artefact(planner, job_id, "pack.zip", _pack_zip, "application/zip",
                         headers={"Content-Disposition": 'attachment; filename="tourlink-pack.zip"'})

    @app.post("/api/review", summary="What a tour operator would flag in an itinerary")
    def review(body: Annotated[dict[str, Any], Body()]) -> Any:
        try:
            itinerary = Itinerary.from_dict(body, source="body")
        except ValidationError as exc:
            return _unprocessable(exc.problems)
        return itinerary.review().to_dict()

    return app


# ------------------------------------------------------------------- helpers
_EXAMPLE = {"partnership": "kien-giang--hau-giang", "start_date": "2026-12-10", "days": 3,
            "start": "Cần Thơ", "themes": {"floating_market": 2.0}, "group_size": 20}


def _version() -> str:
    from tourlink import __version__
    return __version__


def _request(body: dict[str, Any]) -> TourRequest:
    """The request of a JSON body, with its partnership and provinces looked up (ValidationError)."""
    request = TourRequest.from_dict(body, source="body")
    problems = []
    if request.partnership:
        from tourlink.partnerships import get_partnership
        try:
            get_partnership(request.partnership)
        except NotFoundError as exc:
            problems.append(f"partnership: {exc}")
    for name in request.provinces:
        from tourlink.regions import resolve
        try:
            resolve(name)
        except NotFoundError as exc:
            problems.append(f"provinces: {exc}")
    if not request.partnership and not request.provinces:
        problems.append("partnership: give a partnership id (GET /api/partnerships) or provinces")
    if problems:
        raise ValidationError(problems, source="body")
    return request


def _unprocessable(problems: list[str]) -> JSONResponse:
    """422 in FastAPI's shape: each problem with the field it names (``loc``) and the message."""
    detail = []
    for p in problems:
        key = re.match(r"(?:unknown|missing) key '([^']*)'", p) or re.match(r"(\w+)[: ]", p)
        field = key.group(1) if key else "body"
        detail.append({"loc": ["body", field], "msg": p, "type": "value_error"})
    return JSONResponse({"detail": detail}, status_code=422)


def _partnerships() -> list[dict[str, Any]]:
    from tourlink.catalog import load_lodging
    from tourlink.partnerships import load_partnerships

    hubs = load_lodging()
    out = []
    for p in load_partnerships().values():
        areas = [m.region.name for m in p.members if m.region is not None]
        starts = sorted(hubs[hubs["province_legacy"].isin(areas)]["name_vi"].astype(str))
        out.append({"id": p.id, "name_vi": p.name_vi, "name_en": p.name_en, "period": p.period,
                    "members": [m.name for m in p.members], "themes": list(p.themes), "starts": starts})
    return out


def _artefact(planner: Planner, job_id: str, name: str, make, media_type: str,
              headers: dict[str, str] | None = None) -> Response:
    job = planner.get(job_id)
    if job is None or job.itinerary is None:
        msg = "no such plan" if job is None else f"the plan is {job.status}, not done"
        return JSONResponse({"detail": msg}, status_code=404 if job is None else 409)
    if name not in job.cache:
        job.cache[name] = make(Itinerary.from_dict(job.itinerary))
    return Response(job.cache[name], media_type=media_type, headers=headers)


def _map_html(itinerary: Itinerary) -> bytes:
    from tourlink import maps
    return maps.to_html(maps.explore(itinerary, offline=True)).encode("utf-8")


def _pack_zip(itinerary: Itinerary) -> bytes:
    from tourlink.export import write_pack

    buf = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="tourlink-pack-") as tmp:
        files = write_pack(itinerary, Path(tmp) / "pack")
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(files):
                z.write(f, f"tourlink-pack/{f.name}")
    return buf.getvalue()


__all__ = ["create_app", "MAX_BODY"]
