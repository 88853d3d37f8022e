"""Person-centred content (strengths, barriers, discharge criteria), coded close reasons,
and the golden thread's loose ends (dependants of a resolved problem or cancelled goal)."""

from __future__ import annotations

import pytest
from domain_support import (
    CLINICIAN,
    add_goal,
    add_intervention,
    add_problem,
    assert_refused,
    day,
    new_plan,
    plan_with_goal,
)

from domain import errors
from domain.deidentification import deidentify_event
from domain.documents import event_data, plan_document, summarize


def test_a_new_plan_has_no_strengths_barriers_or_discharge_criteria():
    document = plan_document(new_plan())
    assert document["strengths"] == [] and document["barriers"] == []
    assert document["discharge_criteria"] is None
    assert document["close_reason_code"] is None


def test_strengths_and_barriers_are_listed_with_their_ids():
    # given a plan; when a strength and a barrier are recorded
    plan = new_plan()
    plan.record_strength(CLINICIAN, "st1", "Supportive sister")
    plan.record_barrier(CLINICIAN, "b1", "Shift work")
    # then the plan lists them
    document = plan_document(plan)
    assert document["strengths"] == [{"id": "st1", "description": "Supportive sister"}]
    assert document["barriers"] == [{"id": "b1", "description": "Shift work"}]
    kinds = [type(e).__name__ for e in plan.pending_events[-2:]]
    assert kinds == ["StrengthRecorded", "BarrierRecorded"]
    assert all(e.changes_content for e in plan.pending_events[-2:])
    assert summarize(plan.pending_events[-1]) == "Barrier 'Shift work' recorded"


@pytest.mark.parametrize("command", ["record_strength", "record_barrier"])
def test_a_strength_or_barrier_needs_a_description(command):
    plan = new_plan()
    assert_refused(
        plan,
        errors.RuleViolationError,
        lambda: getattr(plan, command)(CLINICIAN, "x1", "  "),
        "description",
    )


def test_discharge_criteria_are_set_as_a_list_and_replaced_whole():
    plan = new_plan()
    plan.set_discharge_criteria(CLINICIAN, ["PHQ-9 below 5 twice", "Back at work"])
    plan.set_discharge_criteria(CLINICIAN, ["PHQ-9 below 5 twice"])
    assert plan_document(plan)["discharge_criteria"] == ["PHQ-9 below 5 twice"]
    assert plan.pending_events[-1].changes_content is True
    assert "Back at work" not in str(analyst_data(plan.pending_events[-2], plan.start_date))


@pytest.mark.parametrize(("criteria", "field"), [([], "criteria"), (["ok", ""], "criteria[1]")])
def test_discharge_criteria_need_at_least_one_criterion(criteria, field):
    plan = new_plan()
    assert_refused(
        plan,
        errors.RuleViolationError,
        lambda: plan.set_discharge_criteria(CLINICIAN, criteria),
        field,
    )


@pytest.mark.parametrize(
    "code", ["completed", "transferred", "dropped-out", "declined", "deceased", "other"]
)
def test_a_plan_closes_with_a_coded_reason(code):
    plan = new_plan()
    plan.close(CLINICIAN, day(5), "free text stays", code)
    assert plan_document(plan)["close_reason_code"] == code
    assert plan.pending_events[-1].reason_code == code


def test_the_close_reason_code_defaults_to_other_and_unknown_codes_are_refused():
    plan = new_plan()
    assert_refused(
        plan,
        errors.RuleViolationError,
        lambda: plan.close(CLINICIAN, day(5), "x", "graduated"),
        "reason_code",
    )
    plan.close(CLINICIAN, day(5), "x")
    assert plan.close_reason_code == "other"


def test_resolving_a_problem_that_is_a_live_goals_only_problem_is_refused_naming_the_goal():
    # given a goal that serves only this problem
    plan, problem_id, goal_id = plan_with_goal()
    # when the problem is resolved, then it is refused and names the goal
    error = assert_refused(
        plan,
        errors.DependantsActiveError,
        lambda: plan.resolve_problem(CLINICIAN, problem_id, "better"),
        "problem_id",
    )
    assert goal_id in error.message
    # and once the goal is achieved the problem resolves
    plan.change_goal_status(CLINICIAN, goal_id, "achieved", "target met")
    plan.resolve_problem(CLINICIAN, problem_id, "better")
    assert plan.problems[problem_id]["status"] == "resolved"


def test_a_problem_resolves_when_its_goals_still_serve_another_open_problem():
    plan = new_plan()
    p1, p2 = add_problem(plan), add_problem(plan, "Poor sleep")
    add_goal(plan, [p1, p2])
    plan.resolve_problem(CLINICIAN, p2, "sleeping well")
    assert plan.problems[p2]["status"] == "resolved"


def test_cancelling_a_goal_that_is_an_interventions_only_goal_is_refused_naming_it():
    plan, _, goal_id = plan_with_goal()
    intervention_id = add_intervention(plan, [goal_id])
    error = assert_refused(
        plan,
        errors.DependantsActiveError,
        lambda: plan.change_goal_status(CLINICIAN, goal_id, "cancelled", "wrong goal"),
        "status",
    )
    assert intervention_id in error.message
    # and after the intervention is discontinued, the goal can be cancelled
    plan.discontinue_intervention(CLINICIAN, intervention_id, "ended")
    plan.change_goal_status(CLINICIAN, goal_id, "cancelled", "wrong goal")
    assert plan.goals[goal_id]["status"] == "cancelled"


def test_a_goal_is_cancelled_when_its_interventions_serve_another_goal_too():
    plan, problem_id, g1 = plan_with_goal()
    g2 = add_goal(plan, [problem_id], "GAD-7", 15, 6)
    add_intervention(plan, [g1, g2])
    plan.change_goal_status(CLINICIAN, g1, "cancelled", "merged into g2")
    assert plan.goals[g1]["status"] == "cancelled"


def analyst_data(event: object, start: object) -> dict:  # type: ignore[type-arg]
    """What an analyst sees of the event's data (the allowlist)."""
    return deidentify_event(type(event).__name__, event_data(event), start)  # type: ignore[arg-type]
