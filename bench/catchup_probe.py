"""Catch-up rate of the read models, and review-queue query time at scale.

    python bench/catchup_probe.py catchup --plans 2500 --rounds 20   # ≈ 50k events
    python bench/catchup_probe.py queue --plans 1000000

`catchup` fills a fresh PostgreSQL database (or SQLite with --sqlite) with
interleaved plan histories, then times the followers (ProjectionWorkers) from
position 0 until every read model has reached the head, and a rebuild of all
read models. `queue` bulk-inserts rows straight into the review-queue table
and times `review_queue()` for one clinic.
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration"))

from test_projections_support import head, populate  # noqa: E402

from api.runtime import init_schema, open_application  # noqa: E402
from api.settings import Settings  # noqa: E402
from projections.catalog import tables_of  # noqa: E402
from projections.readmodels import ReadModels  # noqa: E402
from projections.runner import ProjectionWorkers, rebuild  # noqa: E402

ADMIN = "postgresql://root@127.0.0.1:5432/postgres"


def fresh_settings(sqlite: bool) -> tuple[Settings, str | None]:
    data = Path(tempfile.mkdtemp())
    if sqlite:
        return Settings(
            database_url=f"sqlite:///{data}/p.db", data_dir=data, jwt_secret="x" * 40
        ), None
    name = f"probe_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://root@127.0.0.1:5432/{name}"
    return Settings(database_url=url, data_dir=data, jwt_secret="x" * 40), name


def drop(name: str | None) -> None:
    if name:
        with psycopg.connect(ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def catchup(args: argparse.Namespace) -> None:
    settings, dbname = fresh_settings(args.sqlite)
    try:
        init_schema(settings)
        app = open_application(settings)
        env = settings.library_env()
        t0 = time.perf_counter()
        populate(app, plans=args.plans, rounds=args.rounds, chunk=100, clinics=5)
        total = head(app)
        print(f"log: {total} events in {time.perf_counter() - t0:.1f}s")
        rm = ReadModels(env, app)
        workers = ProjectionWorkers(env, app, batch_size=args.batch)
        t0 = time.perf_counter()
        workers.start()
        assert rm.wait_for(total, timeout=600)
        elapsed = time.perf_counter() - t0
        workers.stop()
        print(
            f"followers: {total} events into all 5 read models in {elapsed:.2f}s "
            f"= {total / elapsed:,.0f} events/s"
        )
        t0 = time.perf_counter()
        results = rebuild(env, app, grace_seconds=0)
        elapsed = time.perf_counter() - t0
        print(
            f"rebuild: {total} events into all 5 read models in {elapsed:.2f}s "
            f"= {total / elapsed:,.0f} events/s; per model: "
            + ", ".join(f"{r.name} {r.rate:,.0f}/s" for r in results.values())
        )
        rm.close()
        app.close()
    finally:
        drop(dbname)


def queue(args: argparse.Namespace) -> None:
    settings, dbname = fresh_settings(args.sqlite)
    try:
        init_schema(settings)
        app = open_application(settings)
        rm = ReadModels(settings.library_env(), app)
        table = tables_of(rm.store, "review_queue", rm.generation("review_queue"))["t"]
        rng = random.Random(1)
        clinics = args.clinics
        t0 = time.perf_counter()
        base = date(2025, 1, 1)
        if settings.backend == "postgres":
            with psycopg.connect(settings.database_url, autocommit=True) as conn:
                with conn.cursor().copy(
                    f"COPY {table} (plan_id, clinic, client_id, clinician, status, "
                    "next_review_due) FROM STDIN"
                ) as copy:
                    for i in range(args.plans):
                        copy.write_row(
                            (
                                str(uuid.UUID(int=rng.getrandbits(128))),
                                f"clinic-{i % clinics}",
                                f"client-{i}",
                                f"dr-{i % 50}",
                                "closed" if rng.random() < 0.6 else rng.choice(["draft", "active"]),
                                (base + timedelta(days=rng.randint(0, 730))).isoformat(),
                            )
                        )
                conn.execute(f"ANALYZE {table}")
        else:
            import sqlite3

            path = settings.postgres_params()["path"]
            with sqlite3.connect(path) as conn:
                conn.executemany(
                    f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        (
                            str(uuid.UUID(int=rng.getrandbits(128))),
                            f"clinic-{i % clinics}",
                            f"client-{i}",
                            f"dr-{i % 50}",
                            "closed" if rng.random() < 0.6 else rng.choice(["draft", "active"]),
                            (base + timedelta(days=rng.randint(0, 730))).isoformat(),
                        )
                        for i in range(args.plans)
                    ),
                )
                conn.execute("ANALYZE")
        print(f"inserted {args.plans:,} rows in {time.perf_counter() - t0:.1f}s")
        timings = []
        sizes = None
        for n in range(args.repeat):
            as_of = base + timedelta(days=300 + n)
            t0 = time.perf_counter()
            result = rm.review_queue(f"clinic-{n % clinics}", as_of, 14)
            timings.append(time.perf_counter() - t0)
            sizes = (len(result["overdue"]), len(result["due_soon"]))
        print(
            f"review_queue at {args.plans:,} plans ({clinics} clinics): "
            f"median {statistics.median(timings) * 1000:.1f} ms, "
            f"max {max(timings) * 1000:.1f} ms; last answer overdue={sizes[0]}, "
            f"due_soon={sizes[1]}"
        )
        if args.limit:
            t0 = time.perf_counter()
            rm.review_queue("clinic-0", base + timedelta(days=300), 14, limit=args.limit)
            print(f"with limit={args.limit}: {(time.perf_counter() - t0) * 1000:.1f} ms")
        rm.close()
        app.close()
    finally:
        drop(dbname)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("catchup")
    c.add_argument("--plans", type=int, default=2500)
    c.add_argument("--rounds", type=int, default=20)
    c.add_argument("--batch", type=int, default=500)
    c.add_argument("--sqlite", action="store_true")
    q = sub.add_parser("queue")
    q.add_argument("--plans", type=int, default=1_000_000)
    q.add_argument("--clinics", type=int, default=100)
    q.add_argument("--repeat", type=int, default=20)
    q.add_argument("--limit", type=int, default=0)
    q.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    catchup(args) if args.command == "catchup" else queue(args)


if __name__ == "__main__":
    main()
