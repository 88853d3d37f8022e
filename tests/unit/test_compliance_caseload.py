"""Caseload transfer (ClinicianAssigned), replay, and loading a version-1 snapshot."""

from __future__ import annotations

from datetime import datetime

from domain_support import (
    CLINICIAN,
    SUPERVISOR,
    add_intervention,
    assert_refused,
    day,
    new_plan,
    plan_with_goal,
    sign_all,
)

from domain import errors
from domain.documents import plan_document, summarize
from domain.plan import Plan
from domain.policy import ReviewPolicy


def test_a_transfer_moves_the_plan_to_another_clinician() -> None:
    # given a plan created by dr-who
    plan = new_plan()
    assert plan.clinician == "dr-who"
    # when a supervisor transfers it
    plan.assign_clinician(SUPERVISOR, "dr-new", "dr-who left the clinic")
    # then the plan is dr-new's, and the event says who had it before
    event = plan.pending_events[-1]
    assert plan.clinician == "dr-new" and plan_document(plan)["clinician"] == "dr-new"
    assert isinstance(event, Plan.ClinicianAssigned) and event.previous_clinician == "dr-who"
    assert summarize(event) == "Plan transferred from dr-who to dr-new"


def test_a_transfer_needs_a_reason_a_new_clinician_and_an_open_plan() -> None:
    plan = new_plan()
    assert_refused(
        plan,
        errors.MissingReasonError,
        lambda: plan.assign_clinician(SUPERVISOR, "dr-new", None),
    )
    assert_refused(
        plan,
        errors.RuleViolationError,
        lambda: plan.assign_clinician(SUPERVISOR, "dr-who", "x"),
        field="clinician",
    )
    plan.close(CLINICIAN, day(3), "discharged")
    assert_refused(
        plan, errors.PlanClosedError, lambda: plan.assign_clinician(SUPERVISOR, "dr-new", "x")
    )


def test_replaying_the_events_gives_the_same_signature_state() -> None:
    # given a plan made stale and half re-signed
    plan, _, goal_id = plan_with_goal()
    sign_all(plan)
    add_intervention(plan, [goal_id])
    plan.sign(CLINICIAN, "client", plan.stale_since, ("clinician", "client"), None)
    plan.assign_clinician(SUPERVISOR, "dr-new", "transfer")
    # when it is rebuilt from its events
    rebuilt = None
    for event in plan.collect_events():
        rebuilt = event.mutate(rebuilt)
    # then it has the same state
    assert rebuilt is not None
    for name in ("clinician", "stale_since", "resigned", "required_signers", "activated_on"):
        assert getattr(rebuilt, name) == getattr(plan, name)
    assert rebuilt.signatures_missing == ["clinician"]


def test_a_version_1_snapshot_loads_with_current_signatures() -> None:
    # given the state of a plan as a version-1 snapshot held it (no signature currency)
    plan = new_plan()
    sign_all(plan)
    state = {
        k: v
        for k, v in vars(plan).items()
        if k
        not in (
            "_id",
            "_version",
            "_pending_events",
            "required_signers",
            "stale_since",
            "last_change_on",
            "resigned",
            "activated_on",
        )
    }
    snapshot = Plan.Snapshot(
        originator_id=plan.id,
        originator_version=plan.version,
        timestamp=datetime.now(tz=plan.created_on.tzinfo),
        topic="domain.plan:Plan",
        state=state,
    )
    # when it is loaded
    loaded = snapshot.mutate(None)
    # then the new attributes have their defaults
    assert loaded.signatures_current is True
    assert loaded.required_signers == ["clinician", "client"]
    assert loaded.activated_on == day(1)
    assert loaded.stale_since is None and loaded.resigned == []


def test_a_version_1_policy_event_gets_the_default_initial_plan_window() -> None:
    # given a stored ReviewPolicySet of version 1 (no initial_plan_days)
    state = {"review_interval_days": 60}
    # when it is upcast, then the initial plan window is the default 30 days
    ReviewPolicy.ReviewPolicySet.upcast_v1_v2(state)
    assert state["initial_plan_days"] == 30


def test_a_version_1_signature_event_renews_nothing() -> None:
    # given a stored PlanSigned of version 1, when it is upcast, then it renewed no change
    state: dict = {"signer_role": "client"}
    Plan.PlanSigned.upcast_v1_v2(state)
    assert state["renews_since"] is None
