"""Scores entered in error: they stop counting, and their events stay as recorded."""

from __future__ import annotations

from domain_support import CLINICIAN, assert_refused, day, plan_with_goal

from domain import errors
from domain.documents import plan_document, summarize


def test_a_score_entered_in_error_leaves_goal_progress():
    # given a goal with two scores, the later one wrong
    plan, _, goal_id = plan_with_goal("PHQ-9", 18, 9)
    plan.record_score(CLINICIAN, "s1", "PHQ-9", 12, day(10), goal_id)
    plan.record_score(CLINICIAN, "s2", "PHQ-9", 3, day(20), goal_id)
    assert plan_document(plan)["goals"][0]["progress"]["latest"] == 3
    # when the wrong one is marked entered in error
    plan.mark_score_entered_in_error(CLINICIAN, "s2", "another client's form")
    # then progress reads from the remaining score
    progress = plan_document(plan)["goals"][0]["progress"]
    assert progress["latest"] == 12 and progress["scores_count"] == 1
    # and the correction is its own attributed event naming the score
    event = plan.pending_events[-1]
    assert type(event).__name__ == "ScoreEnteredInError"
    assert event.score_id == "s2" and event.reason == "another client's form"
    assert event.changes_content is False
    assert "marked entered in error" in summarize(event)


def test_when_every_score_is_in_error_the_goal_has_no_progress():
    plan, _, goal_id = plan_with_goal()
    plan.record_score(CLINICIAN, "s1", "PHQ-9", 12, day(10), goal_id)
    plan.mark_score_entered_in_error(CLINICIAN, "s1", "wrong plan")
    assert plan_document(plan)["goals"][0]["progress"] is None


def test_marking_a_score_twice_is_a_conflict_and_an_unknown_score_is_not_found():
    plan, _, goal_id = plan_with_goal()
    plan.record_score(CLINICIAN, "s1", "PHQ-9", 12, day(10), goal_id)
    plan.mark_score_entered_in_error(CLINICIAN, "s1", "wrong plan")
    assert_refused(
        plan,
        errors.ScoreAlreadyEnteredInError,
        lambda: plan.mark_score_entered_in_error(CLINICIAN, "s1", "again"),
    )
    assert_refused(
        plan,
        errors.ScoreNotFoundError,
        lambda: plan.mark_score_entered_in_error(CLINICIAN, "nope", "x"),
    )


def test_a_correction_needs_a_reason():
    plan, _, goal_id = plan_with_goal()
    plan.record_score(CLINICIAN, "s1", "PHQ-9", 12, day(10), goal_id)
    assert_refused(
        plan,
        errors.MissingReasonError,
        lambda: plan.mark_score_entered_in_error(CLINICIAN, "s1", None),
        "reason",
    )


def test_a_flag_raised_by_a_score_in_error_stays_until_acknowledged():
    # safety first: the flag is a fact that was shown to someone; it is closed
    # by an explicit acknowledgement (e.g. no-action-needed), never silently
    plan, _, goal_id = plan_with_goal()
    plan.record_score(CLINICIAN, "s1", "PHQ-9", 10, day(3), goal_id, [1] * 8 + [2])
    plan.mark_score_entered_in_error(CLINICIAN, "s1", "wrong client")
    (flag,) = plan_document(plan)["safety_flags"]
    assert flag["status"] == "open"
