"""No future facts, and the clinic's policy as a ceiling on a plan's own interval."""

from __future__ import annotations

from datetime import timedelta

import pytest
from domain_support import (
    CLINIC,
    CLINICIAN,
    REQUIRED,
    SUPERVISOR,
    assert_refused,
    day,
    new_app,
    new_plan,
)

from domain import errors
from domain.commands import ChangeReviewInterval, CreatePlan, ReviewPlan, SetReviewPolicy
from domain.plan import Plan

TODAY = day(100)
LATE = TODAY + timedelta(days=2)
TOMORROW = TODAY + timedelta(days=1)


@pytest.mark.parametrize(
    ("field", "command"),
    [
        ("reviewed_on", lambda p, on: p.review_plan(CLINICIAN, on, "continue", 90, today=TODAY)),
        (
            "administered_on",
            lambda p, on: p.record_score(CLINICIAN, "s", "PHQ-9", 9, on, today=TODAY),
        ),
        ("signed_on", lambda p, on: p.sign(CLINICIAN, "client", on, REQUIRED, None, today=TODAY)),
        ("closed_on", lambda p, on: p.close(CLINICIAN, on, "moved", today=TODAY)),
    ],
)
def test_a_fact_dated_after_tomorrow_is_refused_tomorrow_is_not(field, command) -> None:
    # given a plan, today being day 100
    plan = new_plan()
    # when a fact is dated two days ahead, then it is refused and nothing changes
    assert_refused(plan, errors.FutureDateError, lambda: command(plan, LATE), field=field)
    # when it is dated tomorrow (clients a time zone ahead of UTC), then it is recorded
    command(plan, TOMORROW)
    assert plan.pending_events[-1].originator_version == plan.version


def test_a_review_dated_far_ahead_cannot_take_a_plan_off_the_queue() -> None:
    # given an overdue plan
    plan = new_plan()
    # when a review is dated 2199-12-31, then it is refused
    assert_refused(
        plan,
        errors.FutureDateError,
        lambda: plan.review_plan(CLINICIAN, day(0).replace(year=2199), "continue", 90, today=TODAY),
        field="reviewed_on",
    )


def test_the_application_holds_facts_to_its_clock() -> None:
    # given an application whose clock says day 100
    app = new_app()
    app.today = lambda: TODAY
    plan_id = app.create_plan(
        CLINICIAN, CreatePlan(client_id="client-1", start_date=day(0))
    ).plan_id
    # when a review is dated day 102, then it is refused
    with pytest.raises(errors.FutureDateError):
        app.handle(plan_id, CLINICIAN, ReviewPlan(reviewed_on=LATE, outcome="continue"))
    # and a review on day 100 is recorded
    app.handle(plan_id, CLINICIAN, ReviewPlan(reviewed_on=TODAY, outcome="continue"))
    assert app.get_plan(plan_id, CLINIC).review["last_reviewed_on"] == TODAY


def test_target_and_start_dates_may_lie_ahead() -> None:
    # given today is day 100, when a plan starts next year with a goal after that
    plan = new_plan(start=day(400))
    # then nothing refuses it: only facts that happened are held to today
    assert plan.review["next_review_due"] == day(490)


def test_a_plans_own_interval_longer_than_the_policy_is_refused_at_creation() -> None:
    # given a 60-day policy, when a plan asks for 75 days, then it is refused
    with pytest.raises(errors.IntervalAbovePolicyError) as refused:
        new_plan(review_interval_days=75, policy_interval_days=60)
    assert refused.value.field == "review_interval_days"
    # and 60 days is allowed
    assert new_plan(review_interval_days=60, policy_interval_days=60).review["interval_days"] == 60


def test_a_changed_interval_longer_than_the_policy_is_refused() -> None:
    # given a plan under a 60-day policy
    plan = new_plan(policy_interval_days=60)
    # when its interval is set to 61 days, then it is refused
    assert_refused(
        plan,
        errors.IntervalAbovePolicyError,
        lambda: plan.change_review_interval(CLINICIAN, 61, "client prefers", 60),
        field="days",
    )


def test_a_policy_shortened_below_a_plans_own_interval_caps_it_at_the_next_review() -> None:
    # given a plan with its own 60-day interval
    app = new_app()
    plan_id = app.create_plan(
        CLINICIAN, CreatePlan(client_id="client-1", start_date=day(0), review_interval_days=60)
    ).plan_id
    # when the clinic's policy drops to 30 days and the plan is reviewed on day 20
    app.set_review_policy(SUPERVISOR, SetReviewPolicy(review_interval_days=30, due_soon_days=7))
    app.handle(plan_id, CLINICIAN, ReviewPlan(reviewed_on=day(20), outcome="continue"))
    plan: Plan = app.get_plan(plan_id, CLINIC)
    # then the next review is due within the policy's 30 days
    assert plan.review["next_review_due"] == day(50)
    # and its earlier due date was not rewritten (history stays as recorded)
    assert app.get_plan(plan_id, CLINIC, version=1).review["next_review_due"] == day(60)
    # and PUT review-interval above the new policy is refused
    with pytest.raises(errors.IntervalAbovePolicyError):
        app.handle(plan_id, CLINICIAN, ChangeReviewInterval(days=45, reason="stable"))
