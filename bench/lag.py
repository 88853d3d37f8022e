"""Figure 6 — Lag: commit-to-visible latency in the review queue at a steady rate.

In one process, as `plans serve` runs them: the application, the projection
workers (ProjectionWorkers, all read models) and ReadModels. Paced writers
issue `change_review_interval` commands (each moves a plan's next review
date, i.e. changes its review-queue row) at a steady total rate, spread over
many plans. A watcher polls the review queue's tracking position
(`ReadModels.positions(["review_queue"])`, the same check as `min_position`)
every millisecond; a command's lag is the time from its commit (the command
returned its position) until the review queue's position reaches it (its
row and tracking commit together, so the row is then visible).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from bench.common import Figure, Spread, actor, bench_settings, percentile, run_threads
from domain.commands import ChangeReviewInterval


def bench_lag(
    url: str,
    *,
    reps: int,
    rate: float,
    seconds: float,
    log: Callable[[str], None],
    writers: int = 4,
) -> list[Figure]:
    from api.runtime import init_schema, open_application
    from bench.append import make_plans
    from projections.readmodels import ReadModels
    from projections.runner import ProjectionWorkers

    settings = bench_settings(url)
    init_schema(settings)
    env = settings.library_env(create_table=False)
    app = open_application(settings)
    rm = ReadModels(env, app)
    workers = ProjectionWorkers(env, app)
    workers.start()
    by = actor()
    p50, p99 = Spread(), Spread()
    achieved = Spread()
    try:
        plan_ids = make_plans(app, 1_000)
        head = int(app.recorder.max_notification_id() or 0)
        if not rm.wait_for(head, timeout=120):
            raise RuntimeError("read models did not catch up with the set-up")
        for rep in range(reps):
            lags, done, elapsed = _one_run(app, rm, by, plan_ids, rate, seconds, writers, rep)
            p50.add(percentile(lags, 50))
            p99.add(percentile(lags, 99))
            achieved.add(done / elapsed)
            log(
                f"lag rep {rep + 1}/{reps}: {done / elapsed:.0f} commands/s, "
                f"p50 {p50.values[-1]:.1f} ms, p99 {p99.values[-1]:.1f} ms"
            )
    finally:
        workers.stop()
        rm.close()
        app.close()
    fig = Figure(
        key="lag_review_queue",
        title=f"Lag to review queue at {rate:.0f} commands/s, p99",
        unit="ms",
        ours=p99,
        higher_is_better=False,
        goal="p99 ≤ 250 ms",
        goal_met=p99.median <= 250.0,
        extra={
            "p50_ms": p50.as_dict(),
            "target_rate": rate,
            "achieved_rate": achieved.as_dict(),
            "seconds_per_run": seconds,
        },
    )
    return [fig]


def _one_run(
    app: Any,
    rm: Any,
    by: Any,
    plan_ids: list[Any],
    rate: float,
    seconds: float,
    writers: int,
    rep: int,
) -> tuple[list[float], int, float]:
    pending: list[tuple[int, float]] = []
    lags: list[float] = []
    lock = threading.Lock()
    stop = threading.Event()

    def watch() -> None:
        while True:
            with lock:
                waiting = list(pending)
            if waiting:
                position = rm.positions(["review_queue"])["review_queue"]
                now = time.perf_counter()
                seen = [(p, t) for p, t in waiting if p <= position]
                if seen:
                    with lock:
                        for item in seen:
                            pending.remove(item)
                    lags.extend((now - t) * 1000 for _, t in seen)
            elif stop.is_set():
                return
            time.sleep(0.001)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    interval = writers / rate
    total = int(rate * seconds)
    shares = [total // writers + (1 if i < total % writers else 0) for i in range(writers)]
    start = time.perf_counter() + 0.05

    def writer(i: int) -> int:
        mine = plan_ids[i::writers]
        due = start + i * interval / writers
        for k in range(shares[i]):
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            days = 30 + (rep + k) % 2
            result = app.handle(
                mine[k % len(mine)], by, ChangeReviewInterval(days=days, reason="bench")
            )
            committed = time.perf_counter()
            with lock:
                pending.append((result.position, committed))
            due += interval
        return shares[i]

    elapsed, done = run_threads(writers, writer)
    stop.set()
    watcher.join(timeout=60)
    return lags, sum(done), elapsed
