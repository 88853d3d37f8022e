"""Figure 1 — Append: one-event commands through the application service.

Ours: `PlansApplication.record_score` on pre-created plans (load → decide →
save, one ScoreRecorded event each), by 1 and 8 writer threads, each writer
on its own plans. Baselines measured in the same run at the same concurrency:

- raw: psycopg, one autocommit single-row INSERT per transaction into a
  4-column table shaped like the events table (uuid, bigint, text, bytea,
  primary key (uuid, bigint)), with a payload of the same size as ours;
- peer: a plain `eventsourcing` Application (default settings, PostgreSQL),
  one Aggregate with one @event method, the same load → call → save.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from typing import Any
from uuid import UUID

from bench.common import (
    SCORE_DAY,
    START_DATE,
    Figure,
    Spread,
    actor,
    bench_settings,
    connect,
    run_threads,
    split,
)
from bench.peer import PeerApplication, peer_env
from domain.commands import RecordScore

RAW_TABLE = "raw_events"
RAW_DDL = (
    f"CREATE TABLE IF NOT EXISTS {RAW_TABLE} ("
    "originator_id uuid NOT NULL, originator_version bigint NOT NULL, "
    "topic text, state bytea, PRIMARY KEY (originator_id, originator_version))"
)
TOPIC = "domain.plan:Plan.ScoreRecorded"


# ------------------------------------------------------------------ set-up
def seed_plans(settings: Any, count: int, clinic: str) -> list[UUID]:
    """`count` new plans of `clinic` in the store of `settings`, before a server starts."""
    from api.composition import build_application

    app = build_application(settings)
    try:
        return make_plans(app, count, clinic=clinic)
    finally:
        app.close()


def make_plans(app: Any, count: int, batch: int = 500, clinic: str = "bench-clinic") -> list[UUID]:
    """Create `count` plans quickly: many new aggregates per save (the bulk path)."""
    from domain.plan import Plan

    by = actor(clinic)
    interval = app.policy_for(clinic).review_interval_days
    ids: list[UUID] = []
    for start in range(0, count, batch):
        plans = [
            Plan.create(
                plan_id=uuid.uuid4(),
                by=by,
                client_id=f"bench-client-{start + i}",
                start_date=START_DATE,
                review_interval_days=None,
                policy_interval_days=interval,
            )
            for i in range(min(batch, count - start))
        ]
        app.save(*plans)
        ids.extend(p.id for p in plans)
    return ids


def stored_state_size(url: str) -> int:
    with connect(url) as conn:
        row = conn.execute(
            "SELECT coalesce(avg(length(state)), 400)::int FROM plans_events WHERE topic = %s",
            (TOPIC,),
        ).fetchone()
    return int(row[0]) if row else 400


def create_raw_table(url: str) -> None:
    with connect(url) as conn:
        conn.execute(RAW_DDL)


# ----------------------------------------------------------------- workloads
def ours_workload(
    app: Any, plan_ids: list[UUID], writers: int, commands: int
) -> Callable[[int], int]:
    by = actor()
    shares = split(commands, writers)

    def writer(i: int) -> int:
        mine = plan_ids[i::writers]
        for k in range(shares[i]):
            app.handle(
                mine[k % len(mine)],
                by,
                RecordScore(instrument="PHQ-9", score=k % 28, administered_on=SCORE_DAY),
            )
        return shares[i]

    return writer


def raw_workload(url: str, writers: int, commands: int, state_size: int) -> Callable[[int], int]:
    shares = split(commands, writers)

    def writer(i: int) -> int:
        state = os.urandom(state_size)
        with connect(url) as conn:
            oid = uuid.uuid4()
            for v in range(shares[i]):
                conn.execute(
                    f"INSERT INTO {RAW_TABLE} VALUES (%s, %s, %s, %s)",
                    (oid, v, TOPIC, state),
                    prepare=True,
                )
        return shares[i]

    return writer


def peer_workload(
    peer: PeerApplication, ids: list[UUID], writers: int, commands: int
) -> Callable[[int], int]:
    shares = split(commands, writers)

    def writer(i: int) -> int:
        mine = ids[i::writers]
        for k in range(shares[i]):
            peer.record(mine[k % len(mine)], k % 28)
        return shares[i]

    return writer


def rate(workload: Callable[[int], int], writers: int) -> float:
    elapsed, done = run_threads(writers, workload)
    return sum(done) / elapsed


# -------------------------------------------------------------------- figure
def bench_append(
    url: str,
    *,
    reps: int,
    commands: dict[int, int],
    plans_per_writer: int,
    log: Callable[[str], None],
) -> list[Figure]:
    from api.composition import build_application

    settings = bench_settings(url)
    app = build_application(settings)
    peer = PeerApplication(env=peer_env(settings.postgres_params()))
    try:
        max_writers = max(commands)
        plan_ids = make_plans(app, plans_per_writer * max_writers)
        peer_ids = peer.create_many([f"t{i}" for i in range(plans_per_writer * max_writers)])
        # Warm up: pools, prepared statements, a few events per plan.
        rate(ours_workload(app, plan_ids, 1, 50), 1)
        rate(peer_workload(peer, peer_ids, 1, 50), 1)
        state_size = stored_state_size(url)
        create_raw_table(url)
        rate(raw_workload(url, 1, 50, state_size), 1)

        figures: list[Figure] = []
        for writers, count in commands.items():
            fig = Figure(
                key=f"append_{writers}w",
                title=f"Append, {writers} writer{'s' if writers > 1 else ''}",
                unit="commands/s",
                baseline=Spread(),
                baseline_name="raw single-row INSERT txns",
                goal="≥ 60 % of raw" if writers >= 8 else None,
            )
            peer_spread = Spread()
            for rep in range(reps):
                # Interleave, so drift on a shared machine hits all alike.
                fig.baseline.add(rate(raw_workload(url, writers, count, state_size), writers))
                fig.ours.add(rate(ours_workload(app, plan_ids, writers, count), writers))
                peer_spread.add(rate(peer_workload(peer, peer_ids, writers, count), writers))
                log(
                    f"append {writers}w rep {rep + 1}/{reps}: ours {fig.ours.values[-1]:.0f}/s, "
                    f"raw {fig.baseline.values[-1]:.0f}/s, peer {peer_spread.values[-1]:.0f}/s"
                )
            ratio = fig.ratio or 0.0
            fig.extra = {
                "commands_per_run": count,
                "plans": len(plan_ids),
                "payload_bytes": state_size,
                "peer": peer_spread.as_dict(),
                "ratio_vs_peer": round(fig.ours.median / peer_spread.median, 4),
            }
            if writers >= 8:
                fig.goal_met = ratio >= 0.60
            figures.append(fig)
        return figures
    finally:
        peer.close()
        app.close()
