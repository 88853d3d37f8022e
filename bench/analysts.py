"""Analysts: `GET /revisions` as analyst against the same page as clinician (p99),
and `plans export` of a large clinic (rows/s, peak RSS of the exporting process).

The revisions read model is filled directly (COPY of synthetic rows shaped
like the projection's), so the figures measure the analysts' read path and
the Parquet writer of src, not the projection.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from bench.common import Figure, Spread, bench_settings, connect, percentile

CLINIC = "bench-clinic"
EVENTS_PER_PLAN = 20
RSS_GOAL_MB = 300


def fill_revisions(url: str, settings: Any, rows: int) -> str:
    """`rows` revisions of one clinic in the live revisions table; its name."""
    from api.runtime import init_schema
    from projections.catalog import tables_of
    from projections.store import Store, construct_factory

    init_schema(settings)
    store = Store(construct_factory(settings.library_env(create_table=False)))
    try:
        table = tables_of(store, "revisions", store.live_generation("revisions"))["t"]
    finally:
        store.close()
    rng = random.Random(7)
    with connect(url) as conn, conn.cursor() as curs:
        columns = "position, clinic, plan_id, version, type, recorded_at, role, data"
        with curs.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            position = 0
            for _ in range(rows // EVENTS_PER_PLAN):
                plan_id = str(uuid.uuid4())
                start = f"2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
                for version in range(1, EVENTS_PER_PLAN + 1):
                    position += 1
                    if version == 1:
                        kind = "PlanCreated"
                        data = {
                            "client_id": f"MRN{rng.randint(10**6, 10**7)}",
                            "presenting_concerns": ["worry most days"],
                            "diagnoses": [{"code": "F41.1", "description": "GAD"}],
                            "start_date": start,
                            "review_interval_days": 90,
                            "interval_follows_policy": True,
                        }
                    else:
                        kind = "ScoreRecorded"
                        data = {
                            "score_id": str(uuid.uuid4()),
                            "instrument": "PHQ-9",
                            "score": rng.randint(0, 27),
                            "administered_on": f"2025-10-{rng.randint(10, 28)}",
                            "goal_id": None,
                            "item_scores": None,
                            "severity": "moderate",
                            "safety_flag": False,
                        }
                    at = f"2025-11-{rng.randint(10, 28)}T10:00:00.{position % 10**6:06d}+00:00"
                    copy.write_row(
                        (
                            position,
                            CLINIC,
                            plan_id,
                            version,
                            kind,
                            at,
                            "clinician",
                            orjson.dumps(data).decode(),
                        )  # fmt: skip
                    )
        curs.execute(f"ANALYZE {table}")
    return table


def page_latencies(settings: Any, queries: int, rows: int) -> tuple[list[float], list[float]]:
    """Milliseconds of `GET /revisions?limit=100` pages as clinician and as analyst."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.auth import mint_token
    from api.pseudonyms import pseudonyms

    names = pseudonyms(settings)
    rng = random.Random(11)
    times: dict[str, list[float]] = {"clinician": [], "analyst": []}
    with TestClient(create_app(settings, projections=False)) as client:
        headers = {
            role: {"Authorization": f"Bearer {mint_token(settings.secret(), 'b', role, CLINIC)}"}
            for role in times
        }
        for i in range(queries * 2 + 20):
            role = ("clinician", "analyst")[i % 2]
            position = rng.randint(0, max(rows - 200, 0))
            after = str(position) if role == "clinician" else names.cursor(position)
            started = time.perf_counter()
            response = client.get(
                "/revisions", params={"limit": 100, "after": after}, headers=headers[role]
            )
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, response.text
            if i >= 20:  # warm-up
                times[role].append(elapsed)
    return times["clinician"], times["analyst"]


EXPORT = """
import resource, sys
from api.cli import main
sys.argv = ["plans", "export", "--clinic", sys.argv[1], "--out", sys.argv[2]]
try:
    main()
except SystemExit as e:
    code = e.code
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def export_once(settings: Any, out: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of `plans export` in a process of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANS_")}
    env.update(
        PLANS_DATABASE_URL=settings.database_url_or_default,
        PLANS_DATA_DIR=str(settings.data_dir),
        PLANS_JWT_SECRET=settings.secret(),
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", EXPORT, CLINIC, str(out)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    assert done.stdout.startswith("exported "), (done.stdout, done.stderr)
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024


def bench_analysts(
    url: str, *, reps: int, rows: int, queries: int, log: Callable[[str], None]
) -> list[Figure]:
    settings = bench_settings(url)
    log(f"analysts: filling {rows:,} revisions")
    fill_revisions(url, settings, rows)
    p99 = Figure(
        key="analysts_revisions_p99",
        title="GET /revisions p99, analyst vs clinician",
        unit="ms",
        baseline=Spread(),
        baseline_name="the same pages as clinician",
        higher_is_better=False,
        goal="analyst ≤ 2× clinician",
    )
    export = Figure(
        key="analysts_export",
        title=f"plans export, {rows:,} rows to Parquet",
        unit="rows/s",
        goal=f"peak RSS < {RSS_GOAL_MB} MB",
    )
    rss = Spread()
    with tempfile.TemporaryDirectory(prefix="plans-export-") as tmp:
        for rep in range(reps):
            clinician, analyst = page_latencies(settings, queries, rows)
            p99.ours.add(percentile(analyst, 99))
            p99.baseline.add(percentile(clinician, 99))  # type: ignore[union-attr]
            seconds, peak = export_once(settings, Path(tmp) / f"r{rep}.parquet")
            export.ours.add(rows / seconds)
            rss.add(peak)
            log(f"analysts rep {rep}: p99 {p99.ours.values[-1]:.1f} ms vs "
                f"{p99.baseline.values[-1]:.1f} ms; export {rows / seconds:,.0f} rows/s, "  # type: ignore[union-attr]
                f"peak RSS {peak:.0f} MB")  # fmt: skip
    p99.goal_met = p99.ratio is not None and p99.ratio <= 2.0
    export.extra["peak_rss_mb"] = rss.as_dict()
    export.goal_met = max(rss.values) < RSS_GOAL_MB
    return [p99, export]


if __name__ == "__main__":
    from bench.common import throwaway_database

    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with throwaway_database() as db:
        for figure in bench_analysts(db, reps=1, rows=rows, queries=200, log=print):
            print(figure.as_dict())
