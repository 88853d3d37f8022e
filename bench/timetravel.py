"""Figure 5 — Time travel on a 1,000-event plan.

The plan gets 1,000 events through the Plan's own methods, saved 100 at a
time (snapshots are taken every `snapshot_interval` versions by the save, as
in production; every event has its own recording time). Timed, for random versions and
instants: `app.get_plan(id, clinic, version=v)` and `app.plan_as_of(id,
clinic, instant)`. Baseline, same run: a raw SELECT of the plan's stored
events up to that version (bytes only, nothing decoded or replayed).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import timedelta

from bench.common import Figure, Spread, actor, bench_settings, connect, percentile


def bench_timetravel(
    url: str, *, reps: int, events: int, queries: int, log: Callable[[str], None]
) -> list[Figure]:
    from api.composition import build_application
    from bench.history import save_long_plan

    settings = bench_settings(url)
    app = build_application(settings)
    by = actor()
    rng = random.Random(9)
    try:
        started = time.perf_counter()
        plan = save_long_plan(app, events, rng, by)
        plan_id = plan.id
        instants = []
        for version, at, _ in app.recorder.chain_links(plan_id):
            instants.append((version, at))
        log(
            f"time travel: plan of {plan.version} events written in "
            f"{time.perf_counter() - started:.1f} s"
        )
        by_version = Figure(
            key="time_travel_version",
            title=f"As of a version ({plan.version}-event plan), p99",
            unit="ms",
            higher_is_better=False,
            baseline=Spread(),
            baseline_name="raw SELECT of the events up to v (p99)",
            goal="≤ 20 ms",
        )
        by_instant = Figure(
            key="time_travel_instant",
            title=f"As of an instant ({plan.version}-event plan), p99",
            unit="ms",
            higher_is_better=False,
            baseline=by_version.baseline,
            baseline_name=by_version.baseline_name,
            goal="≤ 20 ms",
        )
        p50_version, p50_instant = Spread(), Spread()
        raw = connect(url)
        try:
            for _ in range(reps):
                t_version, t_instant, t_raw = [], [], []
                for _ in range(queries):
                    version, at = instants[rng.randrange(len(instants))]
                    t0 = time.perf_counter()
                    app.get_plan(plan_id, by.clinic, version=version)
                    t_version.append((time.perf_counter() - t0) * 1000)
                    instant = at + timedelta(microseconds=rng.randrange(0, 500))
                    t0 = time.perf_counter()
                    app.plan_as_of(plan_id, by.clinic, instant)
                    t_instant.append((time.perf_counter() - t0) * 1000)
                    t0 = time.perf_counter()
                    raw.execute(
                        "SELECT originator_version, topic, state FROM plans_events "
                        "WHERE originator_id = %s AND originator_version <= %s "
                        "ORDER BY originator_version",
                        (plan_id, version),
                        prepare=True,
                    ).fetchall()
                    t_raw.append((time.perf_counter() - t0) * 1000)
                by_version.ours.add(percentile(t_version, 99))
                by_instant.ours.add(percentile(t_instant, 99))
                by_version.baseline.add(percentile(t_raw, 99))
                p50_version.add(percentile(t_version, 50))
                p50_instant.add(percentile(t_instant, 50))
        finally:
            raw.close()
        for fig, p50 in ((by_version, p50_version), (by_instant, p50_instant)):
            fig.goal_met = fig.ours.median <= 20.0
            fig.extra = {
                "p50_ms": p50.as_dict(),
                "plan_events": plan.version,
                "snapshot_interval": settings.snapshot_interval,
                "queries_per_run": queries,
            }
        log(
            f"time travel: by version p50 {p50_version.median:.2f} / p99 "
            f"{by_version.ours.median:.2f} ms, by instant p50 {p50_instant.median:.2f} / p99 "
            f"{by_instant.ours.median:.2f} ms"
        )
        return [by_version, by_instant]
    finally:
        app.close()
