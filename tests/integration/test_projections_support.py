"""Helpers for the projection tests (and bench/catchup_probe.py): fast, varied history.

`populate` drives Plan aggregates through their own command methods in memory
and saves many aggregates per transaction, round by round, so events of
different plans interleave in the log as they do in production, and tens of
thousands of events take seconds, not minutes.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

from domain.application import PlansApplication
from domain.errors import PlanError
from domain.plan import Actor, Plan
from projections.catalog import MODELS
from projections.readmodels import ReadModels

INSTRUMENT_RANGES = {"PHQ-9": (10, 27), "GAD-7": (8, 21), "PCL-5": (35, 80)}
FREE_TEXT = "SECRET-FREE-TEXT"


def _one_change(plan: Plan, by: Actor, rng: random.Random, today: date) -> None:
    """Apply one plausible command to the plan (in memory)."""
    active_problems = [p for p in plan.problems.values() if p["status"] == "active"]
    goals = [g for g in plan.goals.values() if g["status"] not in ("cancelled", "achieved")]
    choice = rng.random()
    if not active_problems or choice < 0.1:
        plan.add_problem(by, str(uuid4()), f"{FREE_TEXT} problem {rng.randint(1, 999)}")
    elif not goals or choice < 0.2:
        code = rng.choice(list(INSTRUMENT_RANGES))
        low, high = INSTRUMENT_RANGES[code]
        baseline = rng.randint(low, high)
        plan.add_goal(
            by,
            str(uuid4()),
            [rng.choice(active_problems)["id"]],
            f"{FREE_TEXT} goal statement",
            {"instrument": code, "baseline": baseline, "target": rng.randint(0, low - 5)},
            plan.start_date + timedelta(days=180),
        )
    elif choice < 0.55:
        goal = rng.choice(goals)
        code = goal["measure"]["instrument"]
        low, high = INSTRUMENT_RANGES[code]
        plan.record_score(
            by, str(uuid4()), code, rng.randint(0, high), today, rng.choice([goal["id"], None])
        )
    elif choice < 0.62:
        plan.review_plan(by, today, rng.choice(["continue", "revise"]), 90, f"{FREE_TEXT} summary")
    elif choice < 0.68:
        role = rng.choice(["clinician", "client"])
        plan.sign(by, role, today, ["clinician", "client"], None, f"{FREE_TEXT} name")
    elif choice < 0.74:
        plan.change_frequency(by, rng.randint(1, 2), rng.choice(["week", "month"]), 50)
    elif choice < 0.80:
        plan.add_intervention(
            by, str(uuid4()), "CBT", [rng.choice(goals)["id"]], f"{FREE_TEXT} description"
        )
    elif choice < 0.85:
        goal = rng.choice(goals)
        status = "on-hold" if goal["status"] == "active" else "active"
        plan.change_goal_status(by, goal["id"], status, f"{FREE_TEXT} reason")
    elif choice < 0.90:
        goal = rng.choice(goals)
        code = goal["measure"]["instrument"]
        low, _ = INSTRUMENT_RANGES[code]
        plan.revise_goal(
            by,
            goal["id"],
            f"{FREE_TEXT} reason",
            measure={"instrument": code, "baseline": low + 3, "target": rng.randint(0, low - 5)},
        )
    elif choice < 0.95:
        plan.add_objective(
            by, rng.choice(goals)["id"], str(uuid4()), f"{FREE_TEXT} objective", None
        )
    else:
        plan.change_review_interval(by, rng.choice([30, 60, 120]), f"{FREE_TEXT} reason")


def populate(
    app: PlansApplication,
    plans: int = 20,
    rounds: int = 10,
    chunk: int = 50,
    clinics: int = 2,
    seed: int = 7,
    close_every: int = 7,
) -> list[UUID]:
    """Create `plans` plans and about `plans * rounds` events, interleaved; close some."""
    rng = random.Random(seed)
    ids: list[UUID] = []
    start = date(2025, 1, 1)
    for first in range(0, plans, chunk):
        batch: list[tuple[Plan, Actor]] = []
        for i in range(first, min(first + chunk, plans)):
            by = Actor(f"dr-{i % 5}", "clinician", f"clinic-{i % clinics}")
            plan = Plan.create(
                plan_id=uuid4(),
                by=by,
                client_id=f"client-{i}",
                start_date=start + timedelta(days=rng.randint(0, 60)),
                review_interval_days=rng.choice([None, 30, 60]),
                policy_interval_days=90,
                presenting_concerns=[f"{FREE_TEXT} concern"],
                diagnoses=[{"code": "F41.1", "description": f"{FREE_TEXT} diagnosis"}],
            )
            batch.append((plan, by))
            ids.append(plan.id)
        app.save(*(p for p, _ in batch))
        for r in range(rounds - 1):
            today = start + timedelta(days=70 + 3 * r)
            for plan, by in batch:
                try:
                    _one_change(plan, by, rng, today)
                except PlanError:
                    pass
            app.save(*(p for p, _ in batch))
        for n, (plan, by) in enumerate(batch):
            if close_every and n % close_every == 0:
                plan.close(by, start + timedelta(days=70 + 3 * rounds), f"{FREE_TEXT} closed")
        app.save(*(p for p, _ in batch))
    return ids


def head(app: PlansApplication) -> int:
    return int(app.recorder.max_notification_id() or 0)


def dump_all(rm: ReadModels) -> dict[str, Any]:
    return {name: rm.dump(name) for name in MODELS}
