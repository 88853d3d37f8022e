"""Figure 4 — Review queue: query time at 10k, 100k and 1M plans.

Rows go straight into the live review-queue table with COPY (the documented
bulk path for benchmarks and for seeding a read model from another system's
export: one row per plan, as the projection would write it). Clinics hold
1,000 plans each, so the answer's size stays the same at every scale and
the figure shows how the query scales with the table, not with the answer:
60 % of plans closed, review dates spread over two years, about 160 overdue
and 8 due-soon rows per clinic queue. Timed: `ReadModels.review_queue(clinic,
as_of, 14)` (both queries, rows to dicts) for random clinics and dates.
Baseline, same run: the same two SELECTs (overdue, due soon) on one plain
psycopg connection, prepared, rows fetched as tuples. The goal compares
our p99 at 1M with our p99 at 10k (≤ 2 ×) and with 5 ms.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta

from bench.common import Figure, Spread, bench_settings, connect, percentile
from bench.proposals import FastReviewQueue

OVERDUE = (
    "SELECT plan_id, client_id, clinician, next_review_due FROM {t} "
    "WHERE clinic = %s AND status <> 'closed' AND next_review_due < %s "
    "ORDER BY next_review_due, plan_id"
)
DUE_SOON = (
    "SELECT plan_id, client_id, clinician, next_review_due FROM {t} "
    "WHERE clinic = %s AND status <> 'closed' AND next_review_due >= %s "
    "AND next_review_due <= %s ORDER BY next_review_due, plan_id"
)

PLANS_PER_CLINIC = 1_000
BASE = date(2025, 1, 1)


def _load(url: str, table: str, first: int, last: int, rng: random.Random) -> None:
    with connect(url, autocommit=False) as conn:
        with conn.cursor() as cur:
            with cur.copy(
                f"COPY {table} (plan_id, clinic, client_id, clinician, status, next_review_due, "
                "start_date, changed_on, missing) FROM STDIN"
            ) as copy:
                for i in range(first, last):
                    status = "closed" if rng.random() < 0.6 else rng.choice(["draft", "active"])
                    due = BASE + timedelta(days=rng.randint(0, 730))
                    # About 10 % of active plans changed since they were signed.
                    stale = status == "active" and rng.random() < 0.1
                    copy.write_row(
                        (
                            str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                            f"clinic-{i // PLANS_PER_CLINIC}",
                            f"client-{i}",
                            f"dr-{i % 40}",
                            status,
                            due.isoformat(),
                            (due - timedelta(days=90)).isoformat(),
                            (due - timedelta(days=30)).isoformat() if stale else None,
                            "client" if stale else None,
                        )
                    )
        conn.commit()
        conn.execute(f"ANALYZE {table}")
        conn.commit()


def bench_queue(
    url: str,
    *,
    reps: int,
    sizes: list[int],
    queries: int,
    log: Callable[[str], None],
) -> list[Figure]:
    from api.composition import build_application
    from projections.catalog import tables_of
    from projections.readmodels import ReadModels

    settings = bench_settings(url)
    app = build_application(settings)
    rm = ReadModels(settings.library_env(), app)
    fast = FastReviewQueue(settings.library_env())
    table = tables_of(rm.store, "review_queue", rm.generation("review_queue"))["t"]
    rng = random.Random(5)
    figures: list[Figure] = []
    loaded = 0
    first_p99: Spread | None = None
    first_fast99 = Spread()
    try:
        for size in sizes:
            started = time.perf_counter()
            _load(url, table, loaded, size, rng)
            loaded = size
            log(f"review queue: {size:,} rows loaded in {time.perf_counter() - started:.1f} s")
            clinics = max(1, size // PLANS_PER_CLINIC)
            p50, p99, raw50, raw99 = Spread(), Spread(), Spread(), Spread()
            fast50, fast99 = Spread(), Spread()
            sizes_seen: list[int] = []
            raw = connect(url)
            try:
                for _ in range(reps):
                    timings, raw_timings, fast_timings = [], [], []
                    for q in range(queries):
                        clinic = f"clinic-{rng.randrange(clinics)}"
                        as_of = BASE + timedelta(days=300 + q % 30)
                        t0 = time.perf_counter()
                        # All four lists (overdue, due soon, initial plans, signatures).
                        answer = rm.review_queue(clinic, as_of, 14, initial_plan_days=30)
                        timings.append((time.perf_counter() - t0) * 1000)
                        sizes_seen.append(len(answer["overdue"]) + len(answer["due_soon"]))
                        day, until = as_of.isoformat(), (as_of + timedelta(days=14)).isoformat()
                        t0 = time.perf_counter()
                        raw.execute(OVERDUE.format(t=table), (clinic, day), prepare=True).fetchall()
                        raw.execute(
                            DUE_SOON.format(t=table), (clinic, day, until), prepare=True
                        ).fetchall()
                        raw_timings.append((time.perf_counter() - t0) * 1000)
                        t0 = time.perf_counter()
                        same = fast.review_queue(clinic, as_of, 14)
                        fast_timings.append((time.perf_counter() - t0) * 1000)
                        if same != {k: answer[k] for k in ("overdue", "due_soon")}:
                            raise AssertionError("proposed review queue answers differently")
                    p50.add(percentile(timings, 50))
                    p99.add(percentile(timings, 99))
                    raw50.add(percentile(raw_timings, 50))
                    raw99.add(percentile(raw_timings, 99))
                    fast50.add(percentile(fast_timings, 50))
                    fast99.add(percentile(fast_timings, 99))
            finally:
                raw.close()
            fig = Figure(
                key=f"review_queue_{size}",
                title=f"Review queue at {size:,} plans (p99)",
                unit="ms",
                ours=p99,
                baseline=raw99,
                baseline_name="raw: same 2 SELECTs, one connection (p99)",
                higher_is_better=False,
                goal="p99 ≤ 5 ms and ≤ 2 × the 10k p99" if size >= 1_000_000 else None,
            )
            if first_p99 is None:
                first_p99 = p99
                first_fast99 = fast99
            vs_first = p99.median / first_p99.median
            if size >= 1_000_000:
                fig.goal_met = p99.median <= 5.0 and vs_first <= 2.0
            fig.extra = {
                "p50_ms": p50.as_dict(),
                "raw_p50_ms": raw50.as_dict(),
                f"p99_vs_{sizes[0]}": round(vs_first, 3),
                "clinics": clinics,
                "plans_per_clinic": PLANS_PER_CLINIC,
                "queries_per_run": queries,
                "rows_per_answer_median": sorted(sizes_seen)[len(sizes_seen) // 2],
            }
            log(
                f"review queue {size:,}: p50 {p50.median:.2f} ms, p99 {p99.median:.2f} ms, "
                f"raw p50 {raw50.median:.2f} ms, p99 {raw99.median:.2f} ms "
                f"(answers of ~{fig.extra['rows_per_answer_median']} rows)"
            )
            figures.append(fig)
            figures.append(
                Figure(
                    key=f"review_queue_{size}_proposal",
                    title=f"  proposed query at {size:,} plans (p99)",
                    unit="ms",
                    ours=fast99,
                    baseline=raw99,
                    baseline_name=fig.baseline_name,
                    higher_is_better=False,
                    note="bench/proposals.py FastReviewQueue: not in src yet (proposal)",
                    goal=fig.goal,
                    goal_met=(
                        fast99.median <= 5.0 and fast99.median <= 2 * first_fast99.median
                        if size >= 1_000_000
                        else None
                    ),
                    extra={"p50_ms": fast50.as_dict(), "raw_p50_ms": raw50.as_dict()},
                )
            )
        return figures
    finally:
        fast.close()
        rm.close()
        app.close()
