"""Figure 7 — Bulk import: migrating plans from another system.

The path (documented in bench/README.md): build each plan's history in memory
through the Plan's own methods (every rule checked), then save many new plans
per `app.save(*plans)` — one transaction per chunk: one table lock, the
events and their chain links, one WAL flush. Timed: the saves only (the
plans are built beforehand, as a migration would convert its source first).

Baselines, same run, same rows (id, version, topic, state of the same size),
same chunking, one transaction per chunk, into a table shaped like the events
table (with a bigserial position): COPY (the machine's limit) and a pipelined
executemany of INSERTs.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from bench.common import Figure, Spread, bench_settings, connect
from bench.history import build_plan

RAW_DDL = (
    "CREATE TABLE IF NOT EXISTS raw_bulk (originator_id uuid NOT NULL, "
    "originator_version bigint NOT NULL, topic text, state bytea, "
    "notification_id bigserial, PRIMARY KEY (originator_id, originator_version))"
)
RAW_INDEX = "CREATE UNIQUE INDEX IF NOT EXISTS raw_bulk_nid ON raw_bulk (notification_id)"


def _stored_rows(app: Any, plans: list[Any]) -> list[tuple[Any, int, str, bytes]]:
    rows = []
    for plan in plans:
        for event in plan.pending_events:
            stored = app.mapper.to_stored_event(event)
            rows.append(
                (stored.originator_id, stored.originator_version, stored.topic, stored.state)
            )
    return rows


def bench_bulk(
    url: str,
    *,
    reps: int,
    plans: int,
    events_per_plan: int,
    chunk_events: int,
    log: Callable[[str], None],
) -> list[Figure]:
    from api.composition import build_application

    settings = bench_settings(url)
    app = build_application(settings)
    with connect(url) as conn:
        conn.execute(RAW_DDL)
        conn.execute(RAW_INDEX)
    per_save = max(1, chunk_events // events_per_plan)
    fig = Figure(
        key="bulk_import",
        title="Bulk import (app.save(*plans) per chunk)",
        unit="events/s",
        baseline=Spread(),
        baseline_name="raw COPY, same chunks",
    )
    executemany = Spread()
    try:
        for rep in range(reps):
            rng = random.Random(100 + rep)
            chunks = [
                [
                    build_plan(events_per_plan, rng, f"clinic-{i % 10}", i)
                    for i in range(first, min(first + per_save, plans))
                ]
                for first in range(0, plans, per_save)
            ]
            raw_chunks = [_stored_rows(app, c) for c in chunks]
            total = sum(len(c) for c in raw_chunks)

            started = time.perf_counter()
            for chunk in chunks:
                app.save(*chunk)
            fig.ours.add(total / (time.perf_counter() - started))

            with connect(url, autocommit=False) as conn:
                started = time.perf_counter()
                for rows in raw_chunks:
                    with conn.cursor() as cur:
                        with cur.copy(
                            "COPY raw_bulk (originator_id, originator_version, topic, state) "
                            "FROM STDIN"
                        ) as copy:
                            for row in rows:
                                copy.write_row(row)
                    conn.commit()
                fig.baseline.add(total / (time.perf_counter() - started))
                conn.execute("TRUNCATE raw_bulk")
                conn.commit()
                started = time.perf_counter()
                for rows in raw_chunks:
                    with conn.cursor() as cur:
                        cur.executemany(
                            "INSERT INTO raw_bulk (originator_id, originator_version, topic, "
                            "state) VALUES (%s, %s, %s, %s)",
                            rows,
                        )
                    conn.commit()
                executemany.add(total / (time.perf_counter() - started))
                conn.execute("TRUNCATE raw_bulk")
                conn.commit()
            log(
                f"bulk import rep {rep + 1}/{reps}: ours {fig.ours.values[-1]:,.0f} events/s, "
                f"COPY {fig.baseline.values[-1]:,.0f}, executemany {executemany.values[-1]:,.0f}"
            )
        fig.extra = {
            "events_per_run": plans * events_per_plan,
            "events_per_plan": events_per_plan,
            "events_per_transaction": per_save * events_per_plan,
            "raw_executemany": executemany.as_dict(),
            "ratio_vs_executemany": round(fig.ours.median / executemany.median, 4),
        }
        return [fig]
    finally:
        app.close()
