"""Review-queue rows: each plan's status and next review date, latest per batch."""

from __future__ import annotations

from datetime import timedelta

from domain_support import CLINICIAN, START, day, new_plan
from rows_support import history, projection

from projections.review_queue import UPSERT, ReviewQueueProjection


def test_a_plan_is_queued_with_its_next_review_date():
    plan = new_plan(review_interval_days=30)
    [(text, params)] = projection(ReviewQueueProjection).rows(history(plan))
    assert text == UPSERT
    assert tuple(params) == (
        str(plan.id),
        plan.clinic,
        "client-123",
        plan.clinician,
        "draft",
        (START + timedelta(days=30)).isoformat(),
        START.isoformat(),  # for the initial-plan deadline
        None,  # a draft has no stale signatures ...
        None,  # ... and no signers missing
    )


def test_a_review_in_the_same_batch_moves_the_date_and_a_close_the_status():
    plan = new_plan(review_interval_days=30)
    plan.review_plan(CLINICIAN, day(20), "continue", 90)
    plan.close(CLINICIAN, day(25), "goals met")
    [(_, params)] = projection(ReviewQueueProjection).rows(history(plan))
    assert params[4] == "closed"
    assert params[5] == (day(20) + timedelta(days=30)).isoformat()
