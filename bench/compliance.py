"""Compliance figures: `GET /compliance`'s query time at 100k plans.

As in the queue figure, clinics hold 1,000 plans each, so the figure shows
how the query scales with the tables, not with one answer. (One clinic of
100k plans measured 0.7 s p99 for today on a busy 2-core machine: clinics
that large would need pre-aggregated counts.)

Rows go straight into the live compliance tables with COPY, as the projection
would write them: one plan row per plan (70 % open, 10 % drafts, about 10 %
of active plans changed since signing), three due-date changes and two
reviews per plan over two years. Timed: `ReadModels.compliance(clinic, as_of,
30)` for today-like dates (no due-date look-ups) and for dates a year back
(a look-up in the dues for the plans reviewed since). Baseline, same run: a
bare `SELECT COUNT(*)` over the clinic's plan rows on one plain connection,
the least any per-clinic figure costs. Goal: p99 ≤ 50 ms.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta

from bench.common import Figure, Spread, bench_settings, connect, percentile

BASE = date(2025, 1, 1)
PLANS_PER_CLINIC = 1_000


def _load(url: str, tables: dict[str, str], plans: int, rng: random.Random) -> None:
    with connect(url, autocommit=False) as conn, conn.cursor() as cur:
        plan_rows, due_rows, review_rows = [], [], []
        for i in range(plans):
            plan_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            start = BASE + timedelta(days=rng.randint(0, 600))
            r = rng.random()
            status = "closed" if r < 0.3 else ("draft" if r < 0.4 else "active")
            clinic = f"clinic-{i // PLANS_PER_CLINIC}"
            clinician = f"dr-{i % 40}"
            due = start + timedelta(days=90)
            due_rows.append((plan_id, 1, start.isoformat(), due.isoformat()))
            for version in (20, 40):
                reviewed = due + timedelta(days=rng.randint(-7, 20))
                review_rows.append(
                    (plan_id, version, clinic, clinician, reviewed.isoformat(), due.isoformat())
                )
                due = reviewed + timedelta(days=90)
                due_rows.append((plan_id, version, reviewed.isoformat(), due.isoformat()))
            plan_rows.append(
                (
                    plan_id,
                    clinic,
                    clinician,
                    status,
                    start.isoformat(),
                    (start + timedelta(days=300)).isoformat() if status == "closed" else None,
                    None if status == "draft" else (start + timedelta(days=3)).isoformat(),
                    BASE.isoformat() if status == "active" and rng.random() < 0.1 else None,
                    due_rows[-1][3],
                    due_rows[-1][2],
                )
            )
        for table, columns, rows in (
            (
                tables["t"],
                "plan_id, clinic, clinician, status, start_date, closed_on, activated_on, "
                "changed_on, due_on, due_since",
                plan_rows,
            ),
            (tables["t_dues"], "plan_id, version, effective_on, due_on", due_rows),
            (
                tables["t_reviews"],
                "plan_id, version, clinic, clinician, reviewed_on, due_on",
                review_rows,
            ),
        ):
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        conn.commit()
        for key in ("t", "t_dues", "t_reviews"):
            conn.execute(f"ANALYZE {tables[key]}")
        conn.commit()


def bench_compliance(
    url: str, *, reps: int, plans: int, queries: int, log: Callable[[str], None]
) -> list[Figure]:
    from api.runtime import init_schema, open_application
    from projections.catalog import tables_of
    from projections.readmodels import ReadModels

    settings = bench_settings(url)
    init_schema(settings)
    app = open_application(settings)
    rm = ReadModels(settings.library_env(), app)
    tables = tables_of(rm.store, "compliance", rm.generation("compliance"))
    rng = random.Random(12)
    started = time.perf_counter()
    _load(url, tables, plans, rng)
    log(f"compliance: {plans:,} plans loaded in {time.perf_counter() - started:.1f} s")
    figures: list[Figure] = []
    try:
        for label, first_day in (("today", 800), ("a year back", 430)):
            p99, raw99 = Spread(), Spread()
            raw = connect(url)
            try:
                for _ in range(reps):
                    timings, raw_timings = [], []
                    for q in range(queries):
                        as_of = BASE + timedelta(days=first_day + q % 30)
                        clinic = f"clinic-{rng.randrange(max(1, plans // PLANS_PER_CLINIC))}"
                        t0 = time.perf_counter()
                        rm.compliance(clinic, as_of, 30)
                        timings.append((time.perf_counter() - t0) * 1000)
                        t0 = time.perf_counter()
                        raw.execute(
                            f"SELECT COUNT(*) FROM {tables['t']} WHERE clinic = %s",
                            (clinic,),
                            prepare=True,
                        ).fetchall()
                        raw_timings.append((time.perf_counter() - t0) * 1000)
                    p99.add(percentile(timings, 99))
                    raw99.add(percentile(raw_timings, 99))
            finally:
                raw.close()
            figures.append(
                Figure(
                    key=f"compliance_{plans}_{label.replace(' ', '_')}",
                    title=f"GET /compliance query, {plans:,} plans, as of {label} (p99)",
                    unit="ms",
                    ours=p99,
                    baseline=raw99,
                    baseline_name="raw: COUNT(*) of the clinic's plans (p99)",
                    higher_is_better=False,
                    goal="p99 ≤ 50 ms",
                    goal_met=p99.median <= 50,
                )
            )
            log(f"compliance ({label}): p99 {p99.median:.1f} ms, baseline {raw99.median:.1f} ms")
    finally:
        rm.close()
        app.close()
    return figures
