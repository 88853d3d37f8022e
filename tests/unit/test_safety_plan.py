"""The Stanley–Brown safety plan: six parts (and reasons for living), replaced as a whole."""

from __future__ import annotations

import pytest
from domain_support import CLINICIAN, assert_refused, day, new_plan

from domain import errors
from domain.deidentification import deidentify_event
from domain.documents import event_data, plan_document, summarize

PARTS = (
    "warning_signs",
    "coping_strategies",
    "social_contacts",
    "professional_contacts",
    "means_safety",
    "reasons_for_living",
)


def test_a_plan_has_no_safety_plan_until_one_is_set():
    assert plan_document(new_plan())["safety_plan"] is None


def test_setting_a_safety_plan_shows_every_part_absent_ones_empty():
    # given a plan
    plan = new_plan()
    # when a safety plan with two parts is set
    plan.update_safety_plan(
        CLINICIAN,
        {"warning_signs": ["not sleeping"], "professional_contacts": ["988"]},
        "after positive item 9",
    )
    # then the plan shows all six parts, the absent ones as []
    document = plan_document(plan)["safety_plan"]
    assert set(document) == set(PARTS)
    assert document["warning_signs"] == ["not sleeping"]
    assert document["professional_contacts"] == ["988"]
    assert document["means_safety"] == [] and document["reasons_for_living"] == []
    event = plan.pending_events[-1]
    assert type(event).__name__ == "SafetyPlanUpdated"
    assert event.changes_content is True
    assert "warning signs, professional contacts" in summarize(event)


def test_a_new_safety_plan_replaces_the_previous_one():
    plan = new_plan()
    plan.update_safety_plan(CLINICIAN, {"warning_signs": ["a"], "coping_strategies": ["b"]})
    plan.update_safety_plan(CLINICIAN, {"coping_strategies": ["c"]})
    assert plan_document(plan)["safety_plan"]["warning_signs"] == []
    assert plan_document(plan)["safety_plan"]["coping_strategies"] == ["c"]


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        ({}, "body"),
        ({part: [] for part in PARTS}, "body"),
        ({"warning_signs": ["ok", " "]}, "warning_signs[1]"),
    ],
)
def test_a_safety_plan_needs_at_least_one_non_empty_part(parts, field):
    plan = new_plan()
    assert_refused(
        plan, errors.RuleViolationError, lambda: plan.update_safety_plan(CLINICIAN, parts), field
    )


def test_a_closed_plan_refuses_a_safety_plan():
    plan = new_plan()
    plan.close(CLINICIAN, day(2), "moved away", "transferred")
    assert_refused(
        plan,
        errors.PlanClosedError,
        lambda: plan.update_safety_plan(CLINICIAN, {"warning_signs": ["a"]}),
    )


def test_analysts_never_see_the_safety_plan_text():
    plan = new_plan()
    plan.update_safety_plan(CLINICIAN, {part: ["private words"] for part in PARTS})
    assert "private words" not in str(analyst_data(plan.pending_events[-1], plan.start_date))


def analyst_data(event: object, start: object) -> dict:  # type: ignore[type-arg]
    """What an analyst sees of the event's data (the allowlist)."""
    return deidentify_event(type(event).__name__, event_data(event), start)  # type: ignore[arg-type]
