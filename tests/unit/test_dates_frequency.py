"""Business dates never precede the plan's start; session frequency is bounded."""

from __future__ import annotations

import pytest
from domain_support import (
    CLINICIAN,
    REQUIRED,
    START,
    add_problem,
    assert_refused,
    day,
    measure,
    new_plan,
    plan_with_goal,
)

from domain import errors

BEFORE_START = day(-1)


# -------------------------------------------------------------------- dates
def test_goal_target_date_before_start_is_refused():
    plan = new_plan()
    problem_id = add_problem(plan)
    assert_refused(
        plan,
        errors.DateBeforeStartError,
        lambda: plan.add_goal(CLINICIAN, "g1", [problem_id], "x", measure(), BEFORE_START),
        field="target_date",
    )


def test_goal_target_date_on_the_start_day_is_accepted():
    plan = new_plan()
    problem_id = add_problem(plan)
    plan.add_goal(CLINICIAN, "g1", [problem_id], "x", measure(), START)
    assert plan.goals["g1"]["target_date"] == START


def test_revised_target_date_before_start_is_refused():
    plan, _, goal_id = plan_with_goal()
    assert_refused(
        plan,
        errors.DateBeforeStartError,
        lambda: plan.revise_goal(CLINICIAN, goal_id, "re-plan", target_date=BEFORE_START),
        field="target_date",
    )


def test_objective_target_date_before_start_is_refused():
    plan, _, goal_id = plan_with_goal()
    assert_refused(
        plan,
        errors.DateBeforeStartError,
        lambda: plan.add_objective(CLINICIAN, goal_id, "o1", "Walk daily", BEFORE_START),
        field="target_date",
    )


def test_score_administered_before_start_is_refused():
    plan = new_plan()
    assert_refused(
        plan,
        errors.DateBeforeStartError,
        lambda: plan.record_score(CLINICIAN, "s1", "PHQ-9", 10, BEFORE_START),
        field="administered_on",
    )
    plan.record_score(CLINICIAN, "s1", "PHQ-9", 10, START)
    assert plan.scores[-1]["administered_on"] == START


def test_review_before_start_is_refused():
    plan = new_plan()
    assert_refused(
        plan,
        errors.DateBeforeStartError,
        lambda: plan.review_plan(CLINICIAN, BEFORE_START, "continue", 90),
        field="reviewed_on",
    )


def test_signature_before_start_is_refused():
    plan = new_plan()
    assert_refused(
        plan,
        errors.DateBeforeStartError,
        lambda: plan.sign(CLINICIAN, "clinician", BEFORE_START, REQUIRED, None),
        field="signed_on",
    )


def test_closing_before_start_is_refused():
    plan = new_plan()
    assert_refused(
        plan,
        errors.DateBeforeStartError,
        lambda: plan.close(CLINICIAN, BEFORE_START, "moved away"),
        field="closed_on",
    )


def test_events_carry_their_business_dates():
    plan, _, _ = plan_with_goal()
    plan.record_score(CLINICIAN, "s1", "PHQ-9", 10, day(5))
    plan.review_plan(CLINICIAN, day(30), "continue", 90)
    plan.sign(CLINICIAN, "client", day(31), REQUIRED, None, signer_name="Client Name")
    plan.close(CLINICIAN, day(40), "goals met")
    score, review, signed, closed = plan.pending_events[-4:]
    assert score.administered_on == day(5)
    assert review.reviewed_on == day(30)
    assert signed.signed_on == day(31)
    assert closed.closed_on == day(40)
    for event in plan.pending_events:
        assert (event.actor, event.role, event.clinic) == ("dr-who", "clinician", "clinic-a")


# ---------------------------------------------------------------- frequency
@pytest.mark.parametrize(
    ("every", "unit", "minutes"),
    [(1, "day", 15), (1, "week", 50), (2, "week", 60), (1, "month", 240), (52, "week", 90)],
)
def test_valid_frequency_is_set(every, unit, minutes):
    plan = new_plan()
    assert plan.frequency is None
    plan.change_frequency(CLINICIAN, every, unit, minutes)
    assert plan.frequency == {"every": every, "unit": unit, "session_minutes": minutes}


@pytest.mark.parametrize(
    ("every", "unit", "minutes", "field"),
    [
        (0, "week", 50, "every"),
        (-1, "week", 50, "every"),
        (1.5, "week", 50, "every"),
        (True, "week", 50, "every"),
        (1, "fortnight", 50, "unit"),
        (1, "weeks", 50, "unit"),
        (1, "Week", 50, "unit"),
        (1, "week", 14, "session_minutes"),
        (1, "week", 241, "session_minutes"),
        (1, "week", 50.0, "session_minutes"),
    ],
)
def test_invalid_frequency_is_refused(every, unit, minutes, field):
    plan = new_plan()
    plan.change_frequency(CLINICIAN, 1, "week", 50)
    assert_refused(
        plan,
        errors.InvalidFrequencyError,
        lambda: plan.change_frequency(CLINICIAN, every, unit, minutes),
        field=field,
    )


# -------------------------------------------------------------- assessments
def test_assessment_is_scheduled_by_instrument_code():
    plan = new_plan()
    plan.schedule_assessment(CLINICIAN, "GAD-7", 14)
    plan.schedule_assessment(CLINICIAN, "GAD-7", 28)
    assert plan.assessments == {"GAD-7": {"instrument": "GAD-7", "every_days": 28}}


@pytest.mark.parametrize("every_days", [0, 366, 7.0, True])
def test_assessment_interval_out_of_bounds_is_refused(every_days):
    plan = new_plan()
    assert_refused(
        plan,
        errors.RuleViolationError,
        lambda: plan.schedule_assessment(CLINICIAN, "PHQ-9", every_days),
        field="every_days",
    )


# ---------------------------------------------------------------- diagnoses
def test_diagnoses_are_icd10_codes_added_once_and_removed_with_a_reason():
    plan = new_plan()
    assert set(plan.diagnoses) == {"F33.1"}
    plan.add_diagnosis(CLINICIAN, "F41.1", "Generalized anxiety disorder")
    assert set(plan.diagnoses) == {"F33.1", "F41.1"}
    assert_refused(
        plan,
        errors.DiagnosisError,
        lambda: plan.add_diagnosis(CLINICIAN, "F41.1", None),
        field="code",
    )
    assert_refused(
        plan, errors.DiagnosisError, lambda: plan.add_diagnosis(CLINICIAN, "depression", None)
    )
    assert_refused(
        plan, errors.MissingReasonError, lambda: plan.remove_diagnosis(CLINICIAN, "F41.1", None)
    )
    assert_refused(
        plan, errors.NotFoundError, lambda: plan.remove_diagnosis(CLINICIAN, "F99", "oops")
    )
    plan.remove_diagnosis(CLINICIAN, "F41.1", "entered in error")
    assert set(plan.diagnoses) == {"F33.1"}


def test_emergency_use_u_codes_are_icd10_cm_codes_too():
    plan = new_plan()
    plan.add_diagnosis(CLINICIAN, "U07.1", "COVID-19")
    assert "U07.1" in plan.diagnoses
