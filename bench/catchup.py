"""Figure 3 — Catch-up: a fresh rebuild of every read model from the whole log.

The log (200,000+ events by default: plans of 20 events — problems, goals,
interventions, scores, reviews — across clinics) is loaded through the bulk
path. Timed: `projections.runner.rebuild(env, app, grace_seconds=0)` (all
read models built side by side, then switched); events/s = log length /
wall time. Baseline, same run: raw keyset-paged SELECT of the events table in
notification order, 500 rows a page (what a follower reads), nothing decoded.
Extra: the live followers (ProjectionWorkers) catching up from position 0.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bench.common import Figure, Spread, bench_settings, connect
from bench.history import save_histories


def raw_read(url: str, page: int = 500) -> tuple[int, float]:
    rows = 0
    after = 0
    with connect(url) as conn:
        started = time.perf_counter()
        while True:
            batch = conn.execute(
                "SELECT originator_id, originator_version, topic, state, notification_id "
                "FROM plans_events WHERE notification_id > %s ORDER BY notification_id LIMIT %s",
                (after, page),
                prepare=True,
            ).fetchall()
            if not batch:
                break
            rows += len(batch)
            after = batch[-1][4]
        return rows, time.perf_counter() - started


def bench_catchup(
    url: str,
    *,
    reps: int,
    events: int,
    log: Callable[[str], None],
    followers: bool = True,
) -> list[Figure]:
    from api.runtime import init_schema, open_application
    from projections.readmodels import ReadModels
    from projections.runner import ProjectionWorkers, rebuild

    settings = bench_settings(url)
    init_schema(settings)
    env = settings.library_env(create_table=False)
    loader = open_application(settings)
    per_plan = 20
    started = time.perf_counter()
    save_histories(loader, plans=-(-events // per_plan), events_per_plan=per_plan, clinics=20)
    loader.close()
    app = open_application(settings)
    head = int(app.recorder.max_notification_id() or 0)
    log(f"catch-up: loaded {head:,} events in {time.perf_counter() - started:.1f} s")
    fig = Figure(
        key="catchup_rebuild",
        title="Catch-up: rebuild all read models",
        unit="events/s",
        baseline=Spread(),
        baseline_name="raw paged SELECT of the log",
        goal="≥ 15,000 events/s",
    )
    follow = Spread()
    per_model: dict[str, list[float]] = {}
    try:
        for rep in range(reps):
            rows, seconds = raw_read(url)
            fig.baseline.add(rows / seconds)
            started = time.perf_counter()
            results = rebuild(env, app, grace_seconds=0)
            fig.ours.add(head / (time.perf_counter() - started))
            for name, result in results.items():
                per_model.setdefault(name, []).append(round(result.rate))
            msg = (
                f"catch-up rep {rep + 1}/{reps}: rebuild {fig.ours.values[-1]:,.0f} events/s, "
                f"raw read {fig.baseline.values[-1]:,.0f} rows/s"
            )
            if followers and rep == 0:
                follow.add(_followers_rate(env, app, head, ReadModels, ProjectionWorkers))
                msg += f", followers from 0: {follow.values[-1]:,.0f} events/s"
            log(msg)
        fig.goal_met = fig.ours.median >= 15_000
        fig.extra = {
            "events": head,
            "read_models": sorted(per_model),
            "per_model_events_per_s": per_model,
            "followers_from_zero": follow.as_dict(),
        }
        return [fig]
    finally:
        app.close()


def _followers_rate(env: Any, app: Any, head: int, read_models: Any, workers_cls: Any) -> float:
    """Live followers from position 0: drop every tracking row and table content first."""
    from projections.catalog import MODELS, open_view

    rm = read_models(env, app)
    try:
        for name in MODELS:
            view = open_view(rm.store, name, rm.generation(name))
            view.drop_tables()
            view.create_table()
        workers = workers_cls(env, app)
        started = time.perf_counter()
        workers.start()
        try:
            if not rm.wait_for(head, timeout=900):
                raise RuntimeError("followers did not catch up within 15 minutes")
            return head / (time.perf_counter() - started)
        finally:
            workers.stop()
    finally:
        rm.close()
