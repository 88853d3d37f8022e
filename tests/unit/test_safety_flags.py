"""Item 9 of the PHQ-9: the safety screen, the flag it raises, and its acknowledgement."""

from __future__ import annotations

import pytest
from domain_support import CLINICIAN, SUPERVISOR, assert_refused, day, new_plan, plan_with_goal

from domain import errors
from domain.documents import plan_document, summarize
from domain.instruments import safety_screen
from domain.plan import flag_id_for

POSITIVE_ITEMS = [2, 2, 2, 2, 2, 2, 2, 1, 1]  # total 16, item 9 = 1
NEGATIVE_ITEMS = [2, 2, 2, 2, 2, 2, 2, 2, 0]  # total 16, item 9 = 0


@pytest.mark.parametrize(
    ("instrument", "items", "screen"),
    [
        ("PHQ-9", POSITIVE_ITEMS, "positive"),
        ("PHQ-9", NEGATIVE_ITEMS, "negative"),
        ("PHQ-9", None, "not_assessed"),
        ("GAD-7", [1] * 7, None),
        ("PCL-5", None, None),
    ],
)
def test_a_score_carries_its_safety_screen(instrument, items, screen):
    # given a plan; when a score is recorded with or without item scores
    plan = new_plan()
    total = sum(items) if items else 5
    plan.record_score(CLINICIAN, "s1", instrument, total, day(1), item_scores=items)
    # then the event says positive / negative / not assessed (null for other measures)
    event = plan.pending_events[-1]
    assert event.safety_screen == screen
    assert event.safety_flag is (screen == "positive")
    assert safety_screen(instrument, items) == screen


def test_a_total_without_item_scores_is_never_no_risk():
    plan = new_plan()
    plan.record_score(CLINICIAN, "s1", "PHQ-9", 3, day(1))
    assert plan.pending_events[-1].safety_screen == "not_assessed"
    assert "item 9 not assessed" in summarize(plan.pending_events[-1])
    assert plan.safety_flags == {}


def test_a_positive_screen_raises_an_open_flag_in_the_same_event():
    # given a plan
    plan = new_plan()
    version = plan.version
    # when a PHQ-9 with item 9 above 0 is recorded
    plan.record_score(CLINICIAN, "s1", "PHQ-9", 16, day(3), item_scores=POSITIVE_ITEMS)
    # then one event both records the score and raises the flag
    assert plan.version == version + 1
    flag_id = flag_id_for("s1")
    assert plan.pending_events[-1].flag_id == flag_id
    (flag,) = plan_document(plan)["safety_flags"]
    assert flag["id"] == flag_id
    assert flag["raised_on"] == day(3).isoformat()
    assert flag["score_id"] == "s1"
    assert flag["status"] == "open"
    assert flag["action"] is None
    # and the timeline sentence names the flag the score raised
    assert f"safety flag {flag_id[:8]} raised" in summarize(plan.pending_events[-1])


def test_a_negative_screen_raises_no_flag():
    plan = new_plan()
    plan.record_score(CLINICIAN, "s1", "PHQ-9", 16, day(3), item_scores=NEGATIVE_ITEMS)
    assert plan.pending_events[-1].flag_id is None
    assert plan_document(plan)["safety_flags"] == []


def flagged_plan():
    plan, _, goal_id = plan_with_goal()
    plan.record_score(CLINICIAN, "s1", "PHQ-9", 16, day(3), goal_id, POSITIVE_ITEMS)
    return plan, flag_id_for("s1")


@pytest.mark.parametrize("by", [CLINICIAN, SUPERVISOR])
def test_acknowledging_a_flag_records_the_action_and_closes_it(by):
    # given an open flag
    plan, flag_id = flagged_plan()
    # when it is acknowledged with the follow-up done
    plan.acknowledge_safety_flag(by, flag_id, "risk-assessed", "C-SSRS: passive ideation", day(4))
    # then the flag is acknowledged with that action, and the score event is untouched
    (flag,) = plan_document(plan)["safety_flags"]
    assert flag["status"] == "acknowledged"
    assert flag["action"] == "risk-assessed"
    assert flag["acknowledged_on"] == day(4).isoformat()
    event = plan.pending_events[-1]
    assert type(event).__name__ == "SafetyFlagAcknowledged"
    assert event.actor == by.user and event.role == by.role
    assert event.reason == "C-SSRS: passive ideation"
    assert event.score_id == "s1"
    # and the timeline says which score raised it
    sentence = summarize(event)
    assert "by score s1" in sentence and "risk-assessed" in sentence
    assert plan.pending_events[-2].flag_id == flag_id


def test_acknowledging_twice_is_a_conflict():
    plan, flag_id = flagged_plan()
    plan.acknowledge_safety_flag(CLINICIAN, flag_id, "referred", "to crisis team", day(4))
    assert_refused(
        plan,
        errors.SafetyFlagAlreadyAcknowledgedError,
        lambda: plan.acknowledge_safety_flag(CLINICIAN, flag_id, "referred", "again", day(5)),
    )


def test_an_unknown_flag_is_not_found():
    plan, _ = flagged_plan()
    assert_refused(
        plan,
        errors.SafetyFlagNotFoundError,
        lambda: plan.acknowledge_safety_flag(CLINICIAN, "nope", "referred", "x", day(4)),
    )


@pytest.mark.parametrize(
    ("action", "reason", "on", "field"),
    [
        ("called-them", "x", 4, "action"),
        ("referred", None, 4, "reason"),
        ("referred", "  ", 4, "reason"),
        ("referred", "x", 2, "acknowledged_on"),
    ],
)
def test_an_acknowledgement_needs_a_known_action_a_reason_and_a_date_after_the_flag(
    action, reason, on, field
):
    plan, flag_id = flagged_plan()
    assert_refused(
        plan,
        errors.RuleViolationError,
        lambda: plan.acknowledge_safety_flag(CLINICIAN, flag_id, action, reason, day(on)),
        field,
    )


def test_an_acknowledgement_cannot_be_dated_in_the_future():
    plan, flag_id = flagged_plan()
    assert_refused(
        plan,
        errors.RuleViolationError,
        lambda: plan.acknowledge_safety_flag(
            CLINICIAN, flag_id, "referred", "x", day(10), today=day(5)
        ),
        "acknowledged_on",
    )


def test_a_plan_with_an_open_flag_is_not_closed_until_the_flag_is_acknowledged():
    # given an open flag
    plan, flag_id = flagged_plan()
    # when the plan is closed, then it is refused, naming the flag
    error = assert_refused(
        plan,
        errors.DependantsActiveError,
        lambda: plan.close(CLINICIAN, day(9), "discharged", "completed"),
    )
    assert flag_id in error.message
    # and once acknowledged it closes
    plan.acknowledge_safety_flag(CLINICIAN, flag_id, "safety-plan-updated", "plan made", day(4))
    plan.close(CLINICIAN, day(9), "discharged", "completed")
    assert plan.status == "closed"


def test_a_closed_plan_refuses_acknowledgements():
    plan, flag_id = flagged_plan()
    plan.acknowledge_safety_flag(CLINICIAN, flag_id, "referred", "x", day(4))
    plan.close(CLINICIAN, day(9), "discharged")
    assert_refused(
        plan,
        errors.PlanClosedError,
        lambda: plan.acknowledge_safety_flag(CLINICIAN, flag_id, "referred", "x", day(9)),
    )
