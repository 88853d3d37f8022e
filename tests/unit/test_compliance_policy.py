"""The clinic's initial-plan window is part of its versioned policy."""

from __future__ import annotations

import pytest
from domain_support import CLINIC, SUPERVISOR, new_app

from domain import errors
from domain.commands import SetReviewPolicy


def test_the_initial_plan_window_defaults_to_30_days_and_can_be_set() -> None:
    # given a clinic without a policy, then the window is 30 days
    app = new_app()
    assert app.policy_for(CLINIC).initial_plan_days == 30
    # when the policy sets 45 days, then that is in force, in the policy's own history
    app.set_review_policy(
        SUPERVISOR, SetReviewPolicy(review_interval_days=90, due_soon_days=14, initial_plan_days=45)
    )
    terms, version = app.review_policy(CLINIC)
    assert (terms.initial_plan_days, version) == (45, 2)


@pytest.mark.parametrize("days", [0, 91, True])
def test_an_initial_plan_window_outside_1_to_90_days_is_refused(days) -> None:
    app = new_app()
    with pytest.raises(errors.InvalidPolicyError) as refused:
        app.set_review_policy(
            SUPERVISOR,
            SetReviewPolicy(review_interval_days=90, due_soon_days=14, initial_plan_days=days),
        )
    assert refused.value.field == "initial_plan_days"
    assert app.review_policy(CLINIC)[1] == 0
