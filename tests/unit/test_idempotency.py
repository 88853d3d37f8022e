"""Idempotency keys: a retried command returns its first outcome and records nothing."""

from __future__ import annotations

import pytest
from domain_support import (
    CLINIC,
    CLINICIAN,
    START,
    SUPERVISOR,
    day,
    keyed,
    new_app,
    new_plan,
    stored_versions,
)

from domain import errors
from domain.commands import AddProblem, ClosePlan, CreatePlan, RecordScore, SetReviewPolicy
from domain.plan import Actor


def test_aggregate_remembers_the_outcome_of_a_keyed_command():
    plan = new_plan()
    plan.add_problem(keyed("k1", "hash-1"), "p1", "Low mood")
    assert plan.outcome_of("k1", "hash-1") == {
        "request_hash": "hash-1",
        "version": 2,
        "result": {"problem_id": "p1"},
    }
    assert plan.outcome_of("k2", "hash-1") is None
    assert plan.outcome_of(None, None) is None
    with pytest.raises(errors.IdempotencyKeyReusedError):
        plan.outcome_of("k1", "hash-2")


def test_same_key_and_request_returns_the_first_outcome_and_records_nothing():
    # given a problem added under an idempotency key
    app = new_app()
    plan_id = app.create_plan(CLINICIAN, CreatePlan(client_id="client-1", start_date=START)).plan_id
    first = app.handle(plan_id, keyed("key-1", "h"), AddProblem(description="Low mood"))
    app.handle(plan_id, CLINICIAN, AddProblem(description="Poor sleep"))
    versions = stored_versions(app, plan_id)
    # when the same request is retried with the same key
    again = app.handle(plan_id, keyed("key-1", "h"), AddProblem(description="Low mood"))
    # then it answers the first outcome and nothing new is stored
    assert again.replayed and not first.replayed
    assert again.version == first.version == 2
    assert again.result == first.result
    assert stored_versions(app, plan_id) == versions
    assert len(app.get_plan(plan_id, CLINIC).problems) == 2


def test_same_key_with_a_different_request_is_refused_and_records_nothing():
    app = new_app()
    plan_id = app.create_plan(CLINICIAN, CreatePlan(client_id="client-1", start_date=START)).plan_id
    app.handle(plan_id, keyed("key-1", "h1"), AddProblem(description="Low mood"))
    versions = stored_versions(app, plan_id)
    with pytest.raises(errors.IdempotencyKeyReusedError):
        app.handle(plan_id, keyed("key-1", "h2"), AddProblem(description="Something else"))
    assert stored_versions(app, plan_id) == versions


def test_replay_answers_before_a_stale_if_match_and_after_closing():
    # given a keyed score, then more changes and the plan closed
    app = new_app()
    plan_id = app.create_plan(CLINICIAN, CreatePlan(client_id="client-1", start_date=START)).plan_id
    first = app.handle(
        plan_id,
        keyed("score-1", "h"),
        RecordScore(instrument="PHQ-9", score=14, administered_on=day(3)),
    )
    app.handle(plan_id, CLINICIAN, ClosePlan(closed_on=day(10), reason="moved away"))
    # when the score request is retried with the version it was first sent at
    again = app.handle(
        plan_id,
        keyed("score-1", "h"),
        RecordScore(instrument="PHQ-9", score=14, administered_on=day(3)),
        expected_version=1,
    )
    # then the first outcome comes back: no 412, no 409
    assert again.replayed
    assert (again.version, again.result) == (first.version, first.result)


def test_create_with_a_key_twice_yields_the_same_plan():
    app = new_app()
    first = app.create_plan(
        keyed("create-1", "h"), CreatePlan(client_id="client-1", start_date=START)
    )
    again = app.create_plan(
        keyed("create-1", "h"), CreatePlan(client_id="client-1", start_date=START)
    )
    assert again.plan_id == first.plan_id
    assert again.version == 1 and again.replayed
    assert stored_versions(app, first.plan_id) == [1]


def test_create_key_is_scoped_to_the_clinic():
    app = new_app()
    other = Actor("dr-b", "clinician", "clinic-b", "create-1", "h")
    a = app.create_plan(keyed("create-1", "h"), CreatePlan(client_id="client-1", start_date=START))
    b = app.create_plan(other, CreatePlan(client_id="client-1", start_date=START))
    assert a.plan_id != b.plan_id
    assert not b.replayed


def test_create_with_a_reused_key_and_another_request_is_refused():
    app = new_app()
    first = app.create_plan(
        keyed("create-1", "h1"), CreatePlan(client_id="client-1", start_date=START)
    )
    with pytest.raises(errors.IdempotencyKeyReusedError):
        app.create_plan(keyed("create-1", "h2"), CreatePlan(client_id="client-2", start_date=START))
    assert stored_versions(app, first.plan_id) == [1]


def test_keys_survive_snapshots():
    # given a keyed command early in a plan that has since been snapshotted
    app = new_app()
    plan_id = app.create_plan(CLINICIAN, CreatePlan(client_id="client-1", start_date=START)).plan_id
    first = app.handle(plan_id, keyed("early", "h"), AddProblem(description="Low mood"))
    for i in range(60):
        app.handle(plan_id, CLINICIAN, AddProblem(description=f"problem {i}"))
    assert list(app.snapshots.get(plan_id))  # snapshot at version 50
    # when it is retried, then it is still recognised
    again = app.handle(plan_id, keyed("early", "h"), AddProblem(description="Low mood"))
    assert again.replayed and again.result == first.result


def test_policy_change_with_a_key_twice_records_once():
    app = new_app()
    by = keyed("policy-1", "h", SUPERVISOR)
    first = app.set_review_policy(by, SetReviewPolicy(review_interval_days=30, due_soon_days=7))
    again = app.set_review_policy(by, SetReviewPolicy(review_interval_days=30, due_soon_days=7))
    assert again.replayed and again.version == first.version
    with pytest.raises(errors.IdempotencyKeyReusedError):
        app.set_review_policy(
            keyed("policy-1", "other", SUPERVISOR),
            SetReviewPolicy(review_interval_days=60, due_soon_days=7),
        )
    assert stored_versions(app, first.plan_id) == [1, 2]
