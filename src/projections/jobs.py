"""`plans rebuild --jobs N`: the read models split over N builder processes.

Each process is an ordinary `runner.rebuild` of its share of the read models,
with its own application, connections, log reader and plan cache: nothing
but the names and the settings crosses the process boundary, so each read
model is built exactly as a one-process rebuild would build it. Read models
that replay plans share a process (one replay for all of them); the others
(which only read events) go to the other processes.

Processes are forked before this process opens any connection of its own for
the rebuild, and a child never touches a connection it inherited: it opens
its own application and leaves through `os._exit` (multiprocessing's fork
start), so no inherited socket is ever written to or closed by a child.
"""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Iterable, Mapping
from typing import Any

from projections.catalog import MODELS, model

# Rough cost of building each read model, per event (the timeline and the
# revisions turn every event's data into JSON; the plan replay is counted once
# per process that holds any aggregate read model).
_COST = {"plan_timeline": 3, "revisions": 3, "scores": 1}
_REPLAY_COST = 4
_AGGREGATE_COST = 1


def partition(names: Iterable[str], jobs: int) -> list[list[str]]:
    """The read models in at most `jobs` groups of about equal cost."""
    chosen = list(names)
    aggregates = [n for n in chosen if model(n).uses_aggregates]
    others = sorted(
        (n for n in chosen if not model(n).uses_aggregates), key=lambda n: -_COST.get(n, 1)
    )
    groups: list[list[str]] = [[] for _ in range(max(1, min(jobs, len(chosen))))]
    costs = [0] * len(groups)
    if aggregates:
        groups[0].extend(aggregates)
        costs[0] = _REPLAY_COST + _AGGREGATE_COST * len(aggregates)
    for name in others:
        i = min(range(len(groups)), key=lambda k: costs[k])
        groups[i].append(name)
        costs[i] += _COST.get(name, 1)
    return [g for g in groups if g]


def _child(
    env: dict[str, str],
    names: list[str],
    batch_size: int,
    grace_seconds: float,
    out: Any,
) -> None:
    from domain.application import PlansApplication
    from eventstore.utc import utc_today
    from projections.runner import RebuildBusyError, rebuild

    def progress(name: str, position: int, head: int, rate: float) -> None:
        out.put(("progress", (name, position, head, rate)))

    try:
        app = PlansApplication(env=env, today=utc_today)
        try:
            results = rebuild(
                env,
                app,
                names,
                progress,
                batch_size=batch_size,
                grace_seconds=grace_seconds,
            )
        finally:
            app.close()
        out.put(("done", {n: vars(r) for n, r in results.items()}))
    except RebuildBusyError as e:
        out.put(("busy", str(e)))
    except BaseException as e:  # noqa: BLE001 - reported to the parent, by type only
        out.put(("error", type(e).__name__))


def rebuild_in_processes(
    env: Mapping[str, str],
    names: Iterable[str] | None,
    jobs: int,
    progress_callback: Any = None,
    *,
    batch_size: int,
    grace_seconds: float,
) -> dict[str, Any]:
    from projections.runner import RebuildBusyError, RebuildResult

    chosen = list(names) if names else list(MODELS)
    groups = partition(chosen, jobs)
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    processes = [
        context.Process(
            target=_child,
            args=(dict(env), group, batch_size, grace_seconds, out),
            name=f"rebuild-{'-'.join(group)}",
            daemon=True,
        )
        for group in groups
    ]
    for p in processes:
        p.start()
    results: dict[str, RebuildResult] = {}
    problems: list[tuple[str, str]] = []
    finished = 0
    while finished < len(processes):
        try:
            kind, payload = out.get(timeout=1.0)
        except queue.Empty:
            if all(not p.is_alive() for p in processes):
                problems.append(("error", "a builder process died"))
                break
            continue
        if kind == "progress":
            if progress_callback is not None:
                progress_callback(*payload)
            continue
        finished += 1
        if kind == "done":
            results.update({n: RebuildResult(**r) for n, r in payload.items()})
        else:
            problems.append((kind, payload))
    for p in processes:
        p.join(10)
    for kind, message in problems:
        if kind == "busy":
            raise RebuildBusyError(message)
    if problems:
        raise RuntimeError(f"rebuild failed in a builder process: {problems[0][1]}")
    return {n: results[n] for n in chosen if n in results}
