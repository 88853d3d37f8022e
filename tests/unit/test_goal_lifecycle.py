"""Goal status follows FHIR's lifecycle; achieved and cancelled goals are not reopened."""

from __future__ import annotations

import pytest
from domain_support import CLINICIAN, assert_refused, day, measure, plan_with_goal

from domain import errors

STATUSES = ("active", "on-hold", "achieved", "not-achieved", "cancelled")
FHIR_LIFECYCLE = {
    "proposed",
    "planned",
    "accepted",
    "active",
    "on-hold",
    "completed",
    "cancelled",
    "entered-in-error",
    "rejected",
}
FHIR_ACHIEVEMENT = {
    "in-progress",
    "improving",
    "worsening",
    "no-change",
    "achieved",
    "sustaining",
    "not-achieved",
    "no-progress",
    "not-attainable",
}


def test_goal_statuses_are_fhir_values():
    # each status maps to a FHIR Goal.lifecycleStatus or Goal.achievementStatus
    for status in STATUSES:
        assert status in FHIR_LIFECYCLE | FHIR_ACHIEVEMENT


@pytest.mark.parametrize("status", [s for s in STATUSES if s != "active"])
def test_active_goal_moves_to_any_other_status(status):
    plan, _, goal_id = plan_with_goal()
    plan.change_goal_status(CLINICIAN, goal_id, status, "clinical judgement")
    assert plan.goals[goal_id]["status"] == status
    event = plan.pending_events[-1]
    assert (event.previous_status, event.status) == ("active", status)


@pytest.mark.parametrize("status", ["on-hold", "not-achieved"])
def test_on_hold_and_not_achieved_goals_can_be_reactivated(status):
    plan, _, goal_id = plan_with_goal()
    plan.change_goal_status(CLINICIAN, goal_id, status, "paused")
    plan.change_goal_status(CLINICIAN, goal_id, "active", "resumed")
    assert plan.goals[goal_id]["status"] == "active"


@pytest.mark.parametrize("terminal", ["achieved", "cancelled"])
@pytest.mark.parametrize("status", STATUSES)
def test_achieved_or_cancelled_goal_is_not_reopened(terminal, status):
    # given a goal that is achieved / cancelled
    plan, _, goal_id = plan_with_goal()
    plan.change_goal_status(CLINICIAN, goal_id, terminal, "done")
    # when any status change is asked, then it is refused
    assert_refused(
        plan,
        errors.GoalStatusTransitionError,
        lambda: plan.change_goal_status(CLINICIAN, goal_id, status, "reopen"),
        field="status",
    )


def test_unknown_status_same_status_and_missing_reason_are_refused():
    plan, _, goal_id = plan_with_goal()
    for status, reason, error, field in [
        ("completed", "x", errors.GoalStatusTransitionError, "status"),
        ("in-progress", "x", errors.GoalStatusTransitionError, "status"),
        ("active", "x", errors.GoalStatusTransitionError, "status"),
        ("achieved", None, errors.MissingReasonError, "reason"),
        ("achieved", "", errors.MissingReasonError, "reason"),
    ]:
        assert_refused(
            plan,
            error,
            lambda status=status, reason=reason: plan.change_goal_status(
                CLINICIAN, goal_id, status, reason
            ),
            field=field,
        )


def test_status_of_an_unknown_goal_is_not_found():
    plan, _, _ = plan_with_goal()
    assert_refused(
        plan,
        errors.GoalNotFoundError,
        lambda: plan.change_goal_status(CLINICIAN, "nope", "achieved", "x"),
    )


# ---------------------------------------------------------------- revising
def test_goal_revision_changes_only_what_is_given():
    plan, _, goal_id = plan_with_goal()
    before = dict(plan.goals[goal_id])
    plan.revise_goal(CLINICIAN, goal_id, "slower progress", target_date=day(180))
    goal = plan.goals[goal_id]
    assert goal["target_date"] == day(180)
    assert goal["statement"] == before["statement"]
    assert goal["measure"] == before["measure"]
    plan.revise_goal(CLINICIAN, goal_id, "new target", measure=measure("PHQ-9", 18, 4))
    assert plan.goals[goal_id]["measure"]["target"] == 4


def test_goal_revision_rules():
    plan, _, goal_id = plan_with_goal()
    cases = [
        (
            lambda: plan.revise_goal(CLINICIAN, goal_id, None, statement="x"),
            errors.MissingReasonError,
        ),
        (lambda: plan.revise_goal(CLINICIAN, goal_id, "why"), errors.RuleViolationError),
        (
            lambda: plan.revise_goal(CLINICIAN, goal_id, "why", statement=" "),
            errors.RuleViolationError,
        ),
        (
            lambda: plan.revise_goal(CLINICIAN, goal_id, "why", measure=measure("PHQ-9", 9, 12)),
            errors.TargetNotImprovementError,
        ),
        (
            lambda: plan.revise_goal(CLINICIAN, goal_id, "why", measure=measure("PHQ-9", 30, 2)),
            errors.ScoreOutOfRangeError,
        ),
        (
            lambda: plan.revise_goal(CLINICIAN, "nope", "why", statement="x"),
            errors.GoalNotFoundError,
        ),
    ]
    for command, error in cases:
        assert_refused(plan, error, command)


def test_cancelled_goal_is_not_revised_and_takes_no_objectives():
    plan, _, goal_id = plan_with_goal()
    plan.add_objective(CLINICIAN, goal_id, "o1", "Walk three times a week", day(30))
    plan.change_goal_status(CLINICIAN, goal_id, "cancelled", "client declined")
    assert_refused(
        plan,
        errors.GoalStatusTransitionError,
        lambda: plan.revise_goal(CLINICIAN, goal_id, "why", statement="x"),
    )
    assert_refused(
        plan,
        errors.GoldenThreadError,
        lambda: plan.add_objective(CLINICIAN, goal_id, "o2", "Sleep", None),
    )
    assert list(plan.goals[goal_id]["objectives"]) == ["o1"]
