"""Published orienteering benchmarks: readers, verifiers and the runner behind ``tourlink bench``.

One module per format (:mod:`~tourlink.bench.toptw`, :mod:`~tourlink.bench.ophs`,
:mod:`~tourlink.bench.ttdp`), each with ``read_*`` / ``parse_*``, ``problem(...)`` building
the solver's :class:`~tourlink.optimise.problem.Problem`, and ``verify(...)`` recomputing
routes from the instance data alone; :mod:`~tourlink.bench.runner` detects the format of a
folder, solves every instance and reports ``instance,tours,score,bks,gap_pct,feasible,seconds``.
"""
