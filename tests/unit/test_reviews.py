"""Review cadence: initial due date, reviews, interval changes, clinic policy."""

from __future__ import annotations

import pytest
from domain_support import (
    CLINIC,
    CLINICIAN,
    START,
    SUPERVISOR,
    assert_refused,
    day,
    new_app,
    new_plan,
)

from domain import errors
from domain.commands import ChangeReviewInterval, CreatePlan, ReviewPlan, SetReviewPolicy


# ------------------------------------------------------------ initial due
def test_initial_due_is_start_plus_the_policy_interval():
    # given a plan created without its own interval under a 90-day policy
    plan = new_plan(review_interval_days=None, policy_interval_days=90)
    # then it follows the policy and is due 90 days after start
    assert plan.review == {
        "interval_days": 90,
        "follows_policy": True,
        "last_reviewed_on": None,
        "next_review_due": day(90),
    }


def test_initial_due_is_start_plus_the_plans_own_interval():
    plan = new_plan(review_interval_days=30, policy_interval_days=90)
    assert plan.review["interval_days"] == 30
    assert plan.review["follows_policy"] is False
    assert plan.review["next_review_due"] == day(30)


@pytest.mark.parametrize("days", [0, 366, -5, 30.0, True])
def test_creating_with_an_interval_outside_1_to_365_is_refused(days):
    with pytest.raises(errors.InvalidIntervalError) as raised:
        new_plan(review_interval_days=days)
    assert raised.value.field == "review_interval_days"


@pytest.mark.parametrize("days", [1, 365])
def test_interval_bounds_are_accepted_at_creation(days):
    plan = new_plan(review_interval_days=days, policy_interval_days=365)
    assert plan.review["next_review_due"] == day(days)


# ------------------------------------------------------------------ review
def test_review_sets_last_review_and_due_from_the_review_date():
    # given a plan reviewed every 30 days
    plan = new_plan(review_interval_days=30)
    # when it is reviewed on day 20
    plan.review_plan(CLINICIAN, day(20), "continue", 90, summary="stable")
    # then the next review is due 30 days after the review
    assert plan.review["last_reviewed_on"] == day(20)
    assert plan.review["next_review_due"] == day(50)
    assert plan.reviews[-1] == {
        "reviewed_on": day(20),
        "outcome": "continue",
        "next_review_due": day(50),
    }


def test_review_with_an_earlier_due_date_takes_it():
    plan = new_plan(review_interval_days=30)
    plan.review_plan(CLINICIAN, day(20), "revise", 90, next_review_due=day(35))
    assert plan.review["next_review_due"] == day(35)
    assert plan.review["interval_days"] == 30


def test_review_with_the_latest_allowed_due_date_is_accepted():
    plan = new_plan(review_interval_days=30)
    plan.review_plan(CLINICIAN, day(20), "continue", 90, next_review_due=day(50))
    assert plan.review["next_review_due"] == day(50)


def test_review_with_a_due_date_later_than_the_interval_allows_is_refused():
    plan = new_plan(review_interval_days=30)
    assert_refused(
        plan,
        errors.NextReviewTooLateError,
        lambda: plan.review_plan(CLINICIAN, day(20), "continue", 90, next_review_due=day(51)),
        field="next_review_due",
    )


def test_review_with_a_due_date_before_the_review_is_refused():
    plan = new_plan(review_interval_days=30)
    assert_refused(
        plan,
        errors.ReviewOutOfOrderError,
        lambda: plan.review_plan(CLINICIAN, day(20), "continue", 90, next_review_due=day(19)),
        field="next_review_due",
    )


def test_review_before_the_last_review_is_refused_and_same_day_is_accepted():
    # given a plan reviewed on day 40
    plan = new_plan(review_interval_days=30)
    plan.review_plan(CLINICIAN, day(40), "continue", 90)
    # when a review is dated day 39, then it is refused
    assert_refused(
        plan,
        errors.ReviewOutOfOrderError,
        lambda: plan.review_plan(CLINICIAN, day(39), "continue", 90),
        field="reviewed_on",
    )
    # when a second review is dated the same day, then it is accepted
    plan.review_plan(CLINICIAN, day(40), "revise", 90)
    assert len(plan.reviews) == 2


def test_review_outcome_must_be_known():
    plan = new_plan()
    assert_refused(
        plan,
        errors.RuleViolationError,
        lambda: plan.review_plan(CLINICIAN, day(10), "postpone", 90),
        field="outcome",
    )


# -------------------------------------------------------- interval changes
def test_interval_change_recomputes_due_from_the_start_before_any_review():
    plan = new_plan()
    plan.change_review_interval(CLINICIAN, 45, "payer requires 45 days")
    assert plan.review["interval_days"] == 45
    assert plan.review["follows_policy"] is False
    assert plan.review["next_review_due"] == day(45)


def test_interval_change_recomputes_due_from_the_last_review():
    plan = new_plan()
    plan.review_plan(CLINICIAN, day(60), "continue", 90)
    plan.change_review_interval(CLINICIAN, 14, "risk increased")
    assert plan.review["next_review_due"] == day(74)
    assert plan.review["last_reviewed_on"] == day(60)


@pytest.mark.parametrize("days", [0, 366, 1.5, False])
def test_interval_change_outside_1_to_365_is_refused(days):
    plan = new_plan()
    assert_refused(
        plan,
        errors.InvalidIntervalError,
        lambda: plan.change_review_interval(CLINICIAN, days, "why"),
        field="days",
    )


def test_interval_change_needs_a_reason():
    plan = new_plan()
    assert_refused(
        plan,
        errors.MissingReasonError,
        lambda: plan.change_review_interval(CLINICIAN, 30, " "),
        field="reason",
    )


# ------------------------------------------------------------- clinic policy
def test_policy_plan_takes_new_interval_at_next_review_and_due_does_not_move():
    # given a plan created under the default 90-day policy
    app = new_app()
    plan_id = app.create_plan(CLINICIAN, CreatePlan(client_id="client-1", start_date=START)).plan_id
    assert app.get_plan(plan_id, CLINIC).review["next_review_due"] == day(90)
    # when the clinic moves to a 30-day policy
    app.set_review_policy(
        SUPERVISOR,
        SetReviewPolicy(review_interval_days=30, due_soon_days=7, reason="audit finding"),
    )
    # then the plan's current due date does not move
    plan = app.get_plan(plan_id, CLINIC)
    assert plan.review["next_review_due"] == day(90)
    assert plan.review["interval_days"] == 90
    # and at its next review it takes the 30-day interval
    app.handle(plan_id, CLINICIAN, ReviewPlan(reviewed_on=day(20), outcome="continue"))
    plan = app.get_plan(plan_id, CLINIC)
    assert plan.review["interval_days"] == 30
    assert plan.review["next_review_due"] == day(50)
    assert plan.review["follows_policy"] is True
    # and a due date later than the new policy allows is refused
    with pytest.raises(errors.NextReviewTooLateError):
        app.handle(
            plan_id,
            CLINICIAN,
            ReviewPlan(reviewed_on=day(30), outcome="continue", next_review_due=day(61)),
        )


def test_plan_created_under_a_policy_takes_its_interval():
    app = new_app()
    app.set_review_policy(SUPERVISOR, SetReviewPolicy(review_interval_days=60, due_soon_days=10))
    plan = app.get_plan(
        app.create_plan(CLINICIAN, CreatePlan(client_id="client-1", start_date=START)).plan_id,
        CLINIC,
    )
    assert plan.review["interval_days"] == 60
    assert plan.review["next_review_due"] == day(60)


def test_plan_with_its_own_interval_keeps_it_when_the_policy_changes():
    # given one plan with its own 45-day interval and one set by PUT review-interval
    app = new_app()
    own = app.create_plan(
        CLINICIAN, CreatePlan(client_id="client-1", start_date=START, review_interval_days=45)
    ).plan_id
    changed = app.create_plan(CLINICIAN, CreatePlan(client_id="client-2", start_date=START)).plan_id
    app.handle(changed, CLINICIAN, ChangeReviewInterval(days=60, reason="clinical judgement"))
    # when the policy changes to 100 days and both are reviewed
    # (a shorter policy is a ceiling: tests/unit/test_compliance_policy_ceiling.py)
    app.set_review_policy(SUPERVISOR, SetReviewPolicy(review_interval_days=100, due_soon_days=7))
    app.handle(own, CLINICIAN, ReviewPlan(reviewed_on=day(10), outcome="continue"))
    app.handle(changed, CLINICIAN, ReviewPlan(reviewed_on=day(10), outcome="continue"))
    # then each keeps its own interval
    assert app.get_plan(own, CLINIC).review["next_review_due"] == day(55)
    assert app.get_plan(changed, CLINIC).review["next_review_due"] == day(70)
    assert app.get_plan(own, CLINIC).review["interval_days"] == 45


def test_policy_of_another_clinic_does_not_apply():
    app = new_app()
    other = type(SUPERVISOR)("boss-b", "supervisor", "clinic-b")
    app.set_review_policy(other, SetReviewPolicy(review_interval_days=10, due_soon_days=2))
    assert app.policy_for(CLINIC).review_interval_days == 90
    assert app.policy_for("clinic-b").review_interval_days == 10
