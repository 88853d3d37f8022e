"""Figure — Keys: appends under per-client data keys, and erasing a client.

- append_keys: `record_score` by 8 writers on pre-created plans (each plan its
  own client, so its own data key), with PLANS_CIPHER_KEY set; baseline: the
  same workload on a second database without a key. Goal ≥ 0.9 of it.
- erase: one client with 10 plans of 500 events each (projected), then
  `erase_client` (record, destroy the key, purge every read model). Goal ≤ 5 s.
"""

from __future__ import annotations

import base64
import os
import time
import uuid
from collections.abc import Callable
from typing import Any

from bench.append import make_plans, ours_workload, rate
from bench.common import (
    SCORE_DAY,
    START_DATE,
    Figure,
    Spread,
    actor,
    bench_settings,
    throwaway_database,
)


def bench_keys(
    url: str,
    *,
    reps: int,
    commands: int,
    writers: int,
    erase_plans: int,
    events_per_plan: int,
    log: Callable[[str], None],
) -> list[Figure]:
    from api.runtime import init_schema, open_application

    key = base64.b64encode(os.urandom(32)).decode()
    keyed = bench_settings(url, cipher_key=key)
    init_schema(keyed)
    figures = []
    with throwaway_database() as plain_url:
        plain = bench_settings(plain_url)
        init_schema(plain)
        apps = {"keys": open_application(keyed), "plain": open_application(plain)}
        try:
            ids = {name: make_plans(app, 50 * writers) for name, app in apps.items()}
            for name, app in apps.items():  # warm up: pools, key cache, prepared statements
                rate(ours_workload(app, ids[name], 1, 50), 1)
            fig = Figure(
                key=f"append_keys_{writers}w",
                title=f"Append with per-client keys, {writers} writers",
                unit="commands/s",
                baseline=Spread(),
                baseline_name="same, no cipher key",
                goal="≥ 90 % of no encryption",
            )
            for rep in range(reps):
                fig.baseline.add(
                    rate(ours_workload(apps["plain"], ids["plain"], writers, commands), writers)
                )
                fig.ours.add(
                    rate(ours_workload(apps["keys"], ids["keys"], writers, commands), writers)
                )
                log(
                    f"append_keys rep {rep + 1}/{reps}: keys {fig.ours.values[-1]:.0f}/s, "
                    f"plain {fig.baseline.values[-1]:.0f}/s"
                )
            fig.goal_met = (fig.ratio or 0.0) >= 0.9
            figures.append(fig)
        finally:
            for app in apps.values():
                app.close()
    figures.append(_erase_figure(keyed, reps, erase_plans, events_per_plan, log))
    return figures


def _erase_figure(
    settings: Any, reps: int, plans: int, events: int, log: Callable[[str], None]
) -> Figure:
    from api.erasure import erase_client
    from api.runtime import open_application
    from domain.plan import Plan
    from projections.readmodels import ReadModels
    from projections.runner import ProjectionWorkers

    fig = Figure(
        key="erase_client",
        title=f"Erase a client: {plans} plans × {events} events",
        unit="s",
        higher_is_better=False,
        goal="≤ 5 s",
    )
    app = open_application(settings)
    env = settings.library_env()
    try:
        by = actor()
        for rep in range(reps):
            client = f"bench-erase-{rep}-{uuid.uuid4().hex[:6]}"
            for _ in range(plans):
                plan = Plan.create(
                    plan_id=uuid.uuid4(),
                    by=by,
                    client_id=client,
                    start_date=START_DATE,
                    review_interval_days=None,
                    policy_interval_days=90,
                )
                for k in range(events - 1):
                    plan.record_score(by, f"s{k}", "PHQ-9", k % 28, SCORE_DAY)
                app.save(plan)
            workers = ProjectionWorkers(env, app)
            workers.start()
            models = ReadModels(env, app)
            try:
                head = int(app.recorder.max_notification_id())
                assert models.wait_for(head, 300.0), "projections did not catch up"
            finally:
                workers.stop()
                models.close()
            started = time.perf_counter()
            erase_client(
                app, env, clinic=by.clinic, client_id=client, reason="bench", actor="bench"
            )
            fig.ours.add(time.perf_counter() - started)
            log(f"erase rep {rep + 1}/{reps}: {fig.ours.values[-1]:.2f} s")
        fig.goal_met = fig.ours.median <= 5.0
    finally:
        app.close()
    return fig
