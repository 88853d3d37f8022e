"""The clinic review policy: its own small, versioned aggregate."""

from __future__ import annotations

import pytest
from domain_support import CLINICIAN, START, SUPERVISOR, day, new_app, stored_versions

from domain import errors
from domain.commands import CreatePlan, SetReviewPolicy, SignPlan
from domain.policy import DEFAULT_POLICY, PolicyTerms, ReviewPolicy, check_terms, policy_id


def test_default_policy_is_90_days_14_due_soon_clinician_and_client():
    assert DEFAULT_POLICY == PolicyTerms(90, 14, ("clinician", "client"))
    assert new_app().policy_for("any-clinic") == DEFAULT_POLICY


def test_policy_id_is_derived_from_the_clinic():
    assert policy_id("a") == policy_id("a") != policy_id("b")


@pytest.mark.parametrize(
    ("interval", "due_soon", "signers"),
    [(1, 0, ["clinician"]), (365, 90, ["client", "clinician", "supervisor"]), (30, 7, ["client"])],
)
def test_valid_terms_are_set(interval, due_soon, signers):
    # given a policy
    policy = ReviewPolicy.register("clinic-a")
    # when terms within bounds are set
    policy.set_terms(SUPERVISOR, interval, due_soon, signers, reason="board decision")
    # then they are the policy's terms, and the event is attributed
    assert policy.terms == PolicyTerms(interval, due_soon, tuple(signers))
    event = policy.pending_events[-1]
    assert (event.actor, event.role, event.reason) == ("dr-boss", "supervisor", "board decision")


@pytest.mark.parametrize(
    ("interval", "due_soon", "signers", "field", "error"),
    [
        (0, 14, ["clinician"], "review_interval_days", errors.InvalidIntervalError),
        (366, 14, ["clinician"], "review_interval_days", errors.InvalidIntervalError),
        (30.0, 14, ["clinician"], "review_interval_days", errors.InvalidIntervalError),
        (30, -1, ["clinician"], "due_soon_days", errors.InvalidPolicyError),
        (30, 91, ["clinician"], "due_soon_days", errors.InvalidPolicyError),
        (30, 7.5, ["clinician"], "due_soon_days", errors.InvalidPolicyError),
        (30, True, ["clinician"], "due_soon_days", errors.InvalidPolicyError),
        (30, 7, [], "required_signers", errors.InvalidPolicyError),
        (30, 7, ["clinician", "guardian"], "required_signers[1]", errors.InvalidPolicyError),
    ],
)
def test_invalid_terms_are_refused_and_record_nothing(interval, due_soon, signers, field, error):
    policy = ReviewPolicy.register("clinic-a")
    pending = len(policy.pending_events)
    with pytest.raises(error) as raised:
        policy.set_terms(SUPERVISOR, interval, due_soon, signers)
    assert raised.value.field == field
    assert len(policy.pending_events) == pending
    assert policy.terms == DEFAULT_POLICY
    with pytest.raises(error):
        check_terms(interval, due_soon, signers)


def test_duplicate_signers_are_kept_once():
    policy = ReviewPolicy.register("clinic-a")
    policy.set_terms(SUPERVISOR, 30, 7, ["client", "client", "clinician"])
    assert policy.terms.required_signers == ("client", "clinician")


def test_policy_history_is_versioned():
    app = new_app()
    first = app.set_review_policy(
        SUPERVISOR, SetReviewPolicy(review_interval_days=30, due_soon_days=7)
    )
    second = app.set_review_policy(
        SUPERVISOR,
        SetReviewPolicy(review_interval_days=60, due_soon_days=10, required_signers=["clinician"]),
    )
    assert (first.version, second.version) == (2, 3)
    assert first.plan_id == second.plan_id == policy_id("clinic-a")
    assert app.policy_for("clinic-a") == PolicyTerms(60, 10, ("clinician",))
    assert stored_versions(app, policy_id("clinic-a")) == [1, 2, 3]


def test_refused_policy_change_stores_nothing():
    app = new_app()
    app.set_review_policy(SUPERVISOR, SetReviewPolicy(review_interval_days=30, due_soon_days=7))
    with pytest.raises(errors.InvalidPolicyError):
        app.set_review_policy(
            SUPERVISOR, SetReviewPolicy(review_interval_days=30, due_soon_days=100)
        )
    assert stored_versions(app, policy_id("clinic-a")) == [1, 2]


def test_signers_required_by_policy_decide_when_a_plan_becomes_active():
    # given a clinic whose policy needs only the clinician's signature
    app = new_app()
    app.set_review_policy(
        SUPERVISOR,
        SetReviewPolicy(review_interval_days=90, due_soon_days=14, required_signers=["clinician"]),
    )
    plan_id = app.create_plan(CLINICIAN, CreatePlan(client_id="client-1", start_date=START)).plan_id
    # when the clinician signs, then the plan is active
    app.handle(plan_id, CLINICIAN, SignPlan(signer_role="clinician", signed_on=day(1)))
    assert app.get_plan(plan_id, "clinic-a").status == "active"
