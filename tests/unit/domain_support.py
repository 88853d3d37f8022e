"""Builders and assertions shared by the domain unit tests (no database)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.utils import get_topic

from domain import errors
from domain.application import PlansApplication
from domain.plan import Actor, Plan
from eventstore.recorders import ChainedPOPOFactory

START = date(2024, 1, 15)
CLINIC = "clinic-a"
CLINICIAN = Actor("dr-who", "clinician", CLINIC)
SUPERVISOR = Actor("dr-boss", "supervisor", CLINIC)
REQUIRED = ("clinician", "client")

# In memory, with the same hash chain and time index as the real stores.
POPO_ENV = {"PERSISTENCE_MODULE": get_topic(ChainedPOPOFactory), "IS_SNAPSHOTTING_ENABLED": "y"}


def day(n: int) -> date:
    """The date n days after the plan's start."""
    return START + timedelta(days=n)


def keyed(key: str, request_hash: str = "h1", actor: Actor = CLINICIAN) -> Actor:
    return Actor(actor.user, actor.role, actor.clinic, command_id=key, request_hash=request_hash)


def measure(instrument: str = "PHQ-9", baseline: int = 18, target: int = 9) -> dict[str, Any]:
    return {"instrument": instrument, "baseline": baseline, "target": target}


def new_plan(
    review_interval_days: int | None = None,
    policy_interval_days: int = 90,
    start: date = START,
    by: Actor = CLINICIAN,
) -> Plan:
    return Plan.create(
        plan_id=uuid4(),
        by=by,
        client_id="client-123",
        start_date=start,
        review_interval_days=review_interval_days,
        policy_interval_days=policy_interval_days,
        presenting_concerns=["low mood"],
        diagnoses=[{"code": "F33.1", "description": "MDD, recurrent, moderate"}],
    )


def add_problem(plan: Plan, description: str = "Low mood most days") -> str:
    problem_id = str(uuid4())
    plan.add_problem(CLINICIAN, problem_id, description)
    return problem_id


def add_goal(
    plan: Plan,
    problem_ids: list[str],
    instrument: str = "PHQ-9",
    baseline: int = 18,
    target: int = 9,
    target_date: date | None = None,
) -> str:
    goal_id = str(uuid4())
    plan.add_goal(
        CLINICIAN,
        goal_id,
        problem_ids,
        "Reduce depressive symptoms by half",
        measure(instrument, baseline, target),
        target_date or day(90),
    )
    return goal_id


def add_intervention(plan: Plan, goal_ids: list[str], modality: str = "CBT") -> str:
    intervention_id = str(uuid4())
    plan.add_intervention(CLINICIAN, intervention_id, modality, goal_ids)
    return intervention_id


def plan_with_goal(instrument: str = "PHQ-9", baseline: int = 18, target: int = 9):
    plan = new_plan()
    problem_id = add_problem(plan)
    goal_id = add_goal(plan, [problem_id], instrument, baseline, target)
    return plan, problem_id, goal_id


def sign_all(plan: Plan, on: date | None = None) -> None:
    for role in REQUIRED:
        plan.sign(CLINICIAN, role, on or day(1), REQUIRED, None)


def state(plan: Plan) -> dict[str, Any]:
    """Everything the aggregate holds except the events not yet saved."""
    return {k: v for k, v in vars(plan).items() if k != "_pending_events"}


def assert_refused(
    plan: Plan, error: type[errors.PlanError], command: Callable[[], Any], field: str | None = None
) -> errors.PlanError:
    """Then the command raises `error` and the plan records and changes nothing."""
    version = plan.version
    pending = len(plan.pending_events)
    before = copy.deepcopy(state(plan))
    with pytest.raises(error) as raised:
        command()
    assert plan.version == version
    assert len(plan.pending_events) == pending
    assert state(plan) == before
    if field is not None:
        assert raised.value.field == field
    return raised.value


def new_app() -> PlansApplication:
    return PlansApplication(env=dict(POPO_ENV))


def stored_versions(app: PlansApplication, plan_id: Any) -> list[int]:
    return [e.originator_version for e in app.events.get(plan_id)]
