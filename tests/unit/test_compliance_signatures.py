"""Signatures go stale when an active plan's content changes; a relaxed signer policy
activates a draft only through an event of its own."""

from __future__ import annotations

from uuid import uuid4

import pytest
from domain_support import (
    CLINICIAN,
    REQUIRED,
    SUPERVISOR,
    add_goal,
    add_intervention,
    add_problem,
    assert_refused,
    day,
    new_plan,
    plan_with_goal,
    sign_all,
)

from domain import errors
from domain.documents import plan_document, summarize
from domain.plan import EVENT_TYPES, Plan

CONTENT_EVENTS = {
    "ProblemAdded",
    "ProblemResolved",
    "DiagnosisAdded",
    "DiagnosisRemoved",
    "GoalAdded",
    "GoalRevised",
    "GoalStatusChanged",
    "ObjectiveAdded",
    "InterventionAdded",
    "InterventionDiscontinued",
    "FrequencyChanged",
}


def active_plan() -> tuple[Plan, str, str]:
    plan, problem_id, goal_id = plan_with_goal()
    sign_all(plan)
    assert plan.status == "active"
    return plan, problem_id, goal_id


def test_content_events_declare_themselves() -> None:
    # given every event type of the plan, then exactly the content events say so
    declared = {name for name, cls in EVENT_TYPES.items() if cls.changes_content}
    assert CONTENT_EVENTS <= declared
    for name in ("ScoreRecorded", "PlanReviewed", "AssessmentScheduled", "PlanSigned"):
        assert name not in declared


def test_a_draft_never_has_current_signatures() -> None:
    plan = new_plan()
    assert plan.signatures_current is False
    assert plan_document(plan)["signatures_current"] is False
    assert plan_document(plan)["signatures_due"] is None


@pytest.mark.parametrize(
    "change",
    [
        lambda p, problem, goal: add_problem(p),
        # (a problem whose goals have nothing else to serve cannot be resolved)
        lambda p, problem, goal: p.resolve_problem(CLINICIAN, add_problem(p), "better"),
        lambda p, problem, goal: p.add_diagnosis(CLINICIAN, "F41.1", None),
        lambda p, problem, goal: add_goal(p, [problem]),
        lambda p, problem, goal: p.revise_goal(CLINICIAN, goal, "x", statement="New"),
        lambda p, problem, goal: p.change_goal_status(CLINICIAN, goal, "on-hold", "pause"),
        lambda p, problem, goal: p.add_objective(CLINICIAN, goal, str(uuid4()), "Walk", None),
        lambda p, problem, goal: add_intervention(p, [goal]),
        lambda p, problem, goal: p.change_frequency(CLINICIAN, 1, "week", 50),
    ],
)
def test_a_content_change_after_activation_makes_signatures_stale(change) -> None:
    # given an active plan whose signatures are current
    plan, problem_id, goal_id = active_plan()
    assert plan.signatures_current
    # when its content changes
    change(plan, problem_id, goal_id)
    # then it stays active, but its signatures are not current and every signer is missing
    assert plan.status == "active"
    assert plan.signatures_current is False
    assert plan.stale_since == plan.pending_events[-1].timestamp.date()
    assert plan.signatures_missing == list(REQUIRED)


@pytest.mark.parametrize(
    "activity",
    [
        lambda p: p.record_score(CLINICIAN, "s1", "PHQ-9", 12, day(5)),
        lambda p: p.review_plan(CLINICIAN, day(5), "continue", 90),
        lambda p: p.schedule_assessment(CLINICIAN, "PHQ-9", 14),
        lambda p: p.assign_clinician(SUPERVISOR, "dr-new", "transfer"),
    ],
)
def test_scores_reviews_assessments_and_transfers_are_no_content_changes(activity) -> None:
    plan, _, _ = active_plan()
    activity(plan)
    assert plan.signatures_current is True


def test_every_required_signer_must_sign_again_on_or_after_the_change_day() -> None:
    # given an active plan changed after activation
    plan, _, goal_id = active_plan()
    add_intervention(plan, [goal_id])
    changed_on = plan.stale_since
    assert changed_on is not None
    # when the client signs with a date before the change, then it is refused
    assert_refused(
        plan,
        errors.SignatureError,
        lambda: plan.sign(CLINICIAN, "client", day(2), REQUIRED, None),
        field="signed_on",
    )
    # when the client signs on the change day, the clinician is still missing
    plan.sign(CLINICIAN, "client", changed_on, REQUIRED, None)
    assert plan.signatures_missing == ["clinician"] and not plan.signatures_current
    assert "re-signed by the client" in summarize(plan.pending_events[-1])
    # when the clinician signs too, then the signatures are current again
    plan.sign(CLINICIAN, "clinician", changed_on, REQUIRED, None)
    assert plan.signatures_current and plan.signatures_missing == []
    assert plan_document(plan)["signatures_due"] is None


def test_a_second_change_after_a_partial_re_signing_needs_every_signer_again() -> None:
    # given a changed plan the client has signed again
    plan, _, goal_id = active_plan()
    add_intervention(plan, [goal_id])
    first = plan.stale_since
    plan.sign(CLINICIAN, "client", first, REQUIRED, None)
    # when the content changes again
    plan.change_frequency(CLINICIAN, 2, "week", 50)
    # then the first unsigned change is still the one reported, and both must sign
    assert plan.stale_since == first
    assert plan.signatures_missing == list(REQUIRED)


def test_a_draft_that_a_relaxed_policy_lets_through_is_activated_by_its_own_event() -> None:
    # given a draft signed by clinician and client under a policy that also needs the supervisor
    strict = (*REQUIRED, "supervisor")
    plan = new_plan()
    plan.sign(CLINICIAN, "clinician", day(1), strict, None)
    plan.sign(CLINICIAN, "client", day(2), strict, None)
    assert plan.status == "draft"
    # when activation is asked under the strict policy, then it is refused
    assert_refused(plan, errors.ActivationError, lambda: plan.activate(SUPERVISOR, strict))
    # when the policy no longer needs the supervisor and activation is asked
    plan.activate(SUPERVISOR, REQUIRED, "policy relaxed")
    # then the plan is active from its last required signature, through PlanActivated
    assert plan.status == "active" and plan.activated_on == day(2)
    assert isinstance(plan.pending_events[-1], Plan.PlanActivated)
    assert plan.signatures_current
    # and activating again is refused
    assert_refused(plan, errors.ActivationError, lambda: plan.activate(SUPERVISOR, REQUIRED))


def test_a_stricter_policy_applies_to_drafts_at_their_next_signature() -> None:
    # given a draft the clinician signed under the two-signer policy
    plan = new_plan()
    plan.sign(CLINICIAN, "clinician", day(1), REQUIRED, None)
    # when the client signs after the policy added the supervisor, then it stays a draft
    strict = (*REQUIRED, "supervisor")
    plan.sign(CLINICIAN, "client", day(2), strict, None)
    assert plan.status == "draft"
    # and the supervisor's signature activates it
    plan.sign(SUPERVISOR, "supervisor", day(3), strict, None)
    assert plan.status == "active" and plan.activated_on == day(3)
