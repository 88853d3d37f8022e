"""Figure 3 — Catch-up: a fresh rebuild of every read model from the whole log.

The log (200,000+ events by default: plans of 20 events — problems, goals,
interventions, scores, reviews — across clinics) is loaded through the bulk
path. Timed: the whole `plans rebuild` process as an operator runs it, with
its default of one builder process per CPU, each with its share of the plans
(interpreter start, schema check, every read model built from one reading of
the log, switched, old generations dropped); log events/s = the log's length
/ that wall time (each log event counted once, however many read models read
it). Also: `plans rebuild --jobs 1` (one process), and in-process
`projections.runner.rebuild(env, app, grace_seconds=0)` (no process start).
Baseline, same run: raw keyset-paged SELECT of the events table in
notification order, 500 rows a page (what a follower reads), nothing decoded.
Extra: the live follower (ProjectionWorkers) catching up from position 0.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from api.cli import usable_cpus
from bench.common import JWT_SECRET, Figure, Spread, bench_settings, connect
from bench.history import save_histories

# What `plans rebuild` runs without --jobs: one builder process per CPU (PostgreSQL).
DEFAULT_JOBS = usable_cpus()


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
        title="Catch-up: plans rebuild of all read models (whole process, default jobs)",
        unit="log events/s",
        baseline=Spread(),
        baseline_name="raw paged SELECT of the log",
        goal="≥ 15,000 log events/s",
    )
    follow = Spread()
    jobs1 = Spread()
    in_process = Spread()
    cpu: list[float] = []
    cpu_jobs1: list[float] = []
    try:
        for rep in range(reps):
            rows, seconds = raw_read(url)
            fig.baseline.add(rows / seconds)
            wall, cpu_seconds = _rebuild_process(settings, None)
            fig.ours.add(head / wall)
            cpu.append(round(cpu_seconds, 2))
            wall, cpu_seconds = _rebuild_process(settings, 1)
            jobs1.add(head / wall)
            cpu_jobs1.append(round(cpu_seconds, 2))
            started = time.perf_counter()
            rebuild(env, app, grace_seconds=0)
            in_process.add(head / (time.perf_counter() - started))
            msg = (
                f"catch-up rep {rep + 1}/{reps}: plans rebuild ({DEFAULT_JOBS} jobs) "
                f"{fig.ours.values[-1]:,.0f} log events/s ({cpu[-1]:.1f} CPU s), "
                f"--jobs 1 {jobs1.values[-1]:,.0f} ({cpu_jobs1[-1]:.1f} CPU s), "
                f"in process {in_process.values[-1]:,.0f}, "
                f"raw read {fig.baseline.values[-1]:,.0f} rows/s"
            )
            if followers and rep == 0:
                follow.add(_followers_rate(env, app, head, ReadModels, ProjectionWorkers))
                msg += f", followers from 0: {follow.values[-1]:,.0f} events/s"
            log(msg)
        fig.goal_met = fig.ours.median >= 15_000
        fig.extra = {
            "events": head,
            "measured": "whole `plans rebuild` process, log events / wall seconds",
            "jobs": DEFAULT_JOBS,
            "process_cpu_seconds": cpu,
            "jobs_1_process_cpu_seconds": cpu_jobs1,
            "jobs_1_events_per_s": jobs1.as_dict(),
            "in_process_events_per_s": in_process.as_dict(),
            "followers_from_zero": follow.as_dict(),
        }
        return [fig]
    finally:
        app.close()


def _rebuild_process(settings: Any, jobs: int | None) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one whole `plans rebuild` process
    (`jobs` None: its default, one builder process per CPU)."""
    env = {
        **os.environ,
        "PLANS_DATABASE_URL": str(settings.database_url),
        "PLANS_DATA_DIR": str(settings.data_dir),
        "PLANS_JWT_SECRET": JWT_SECRET,
    }
    command = [sys.executable, "-c", "from api.cli import main; main()", "rebuild"]
    before = os.times()
    started = time.perf_counter()
    subprocess.run(
        [*command, *(["--jobs", str(jobs)] if jobs is not None else [])],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu


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
