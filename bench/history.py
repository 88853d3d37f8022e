"""Realistic plan histories built in memory through the Plan's own methods.

Every event passes the domain rules; nothing touches the database until the
caller saves. `save_histories` is the bulk path: many new plans per
`app.save(*plans)` (one transaction, one table lock, one WAL flush per chunk).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

from bench.common import SCORE_DAY, START_DATE

FREE_TEXT = "Sleeps poorly since the move; worried about work"


def build_plan(
    events: int, rng: random.Random, clinic: str, index: int, policy_days: int = 90
) -> Any:
    """A new (unsaved) plan with exactly `events` pending events (≥ 1)."""
    from domain.plan import Actor, Plan

    by = Actor(f"dr-{index % 40}", "clinician", clinic)
    plan = Plan.create(
        plan_id=uuid.uuid4(),
        by=by,
        client_id=f"client-{index}",
        start_date=START_DATE + timedelta(days=rng.randint(0, 60)),
        review_interval_days=rng.choice([None, 30, 60]),
        policy_interval_days=policy_days,
        presenting_concerns=[FREE_TEXT],
        diagnoses=[{"code": "F41.1", "description": "Generalized anxiety disorder"}],
    )
    day = plan.start_date
    n = 1
    problem = goal = None
    while n < events:
        day += timedelta(days=rng.randint(1, 7))
        if problem is None:
            problem = str(uuid.uuid4())
            plan.add_problem(by, problem, FREE_TEXT)
        elif goal is None:
            goal = str(uuid.uuid4())
            plan.add_goal(
                by,
                goal,
                [problem],
                "Reduce anxiety to the mild range",
                {"instrument": "GAD-7", "baseline": 15, "target": 5},
                day + timedelta(days=180),
            )
        elif n == 3:
            plan.add_intervention(by, str(uuid.uuid4()), "CBT", [goal], "Weekly sessions")
        elif n % 10 == 9:
            plan.review_plan(by, day, "continue", policy_days, "Progressing")
        else:
            plan.record_score(by, str(uuid.uuid4()), "GAD-7", rng.randint(0, 21), day, goal)
        n += 1
    return plan


def save_long_plan(app: Any, events: int, rng: random.Random, by: Any) -> Any:
    """One saved plan of `events` events: 100 built in memory, then scores, 100 per save."""
    plan = build_plan(100, rng, by.clinic, 0)
    app.save(plan)
    goal = next(iter(plan.goals))
    while plan.version < events:
        for _ in range(min(100, events - plan.version)):
            day = SCORE_DAY + timedelta(days=plan.version // 10)
            plan.record_score(by, str(uuid.uuid4()), "GAD-7", rng.randint(0, 21), day, goal)
        app.save(plan)
    return plan


def save_histories(
    app: Any,
    plans: int,
    events_per_plan: int,
    chunk_events: int = 2_000,
    clinics: int = 10,
    seed: int = 11,
    on_chunk: Callable[[int], None] | None = None,
) -> list[UUID]:
    """Create `plans` plans of `events_per_plan` events each, saved in chunks."""
    rng = random.Random(seed)
    per_save = max(1, chunk_events // max(1, events_per_plan))
    ids: list[UUID] = []
    for first in range(0, plans, per_save):
        batch = [
            build_plan(events_per_plan, rng, f"clinic-{i % clinics}", i)
            for i in range(first, min(first + per_save, plans))
        ]
        app.save(*batch)
        ids.extend(p.id for p in batch)
        if on_chunk:
            on_chunk(len(batch) * events_per_plan)
    return ids
