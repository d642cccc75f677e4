"""``tourlink serve``: the planner as a web page and an HTTP API (FastAPI + uvicorn).

:func:`~tourlink.serve.app.create_app` builds the application over a
:class:`~tourlink.serve.jobs.Planner` (a bounded pool of worker processes, or a Dask cluster).
"""
