"""Plan status: draft until every required signer signed, then active; closed refuses all."""

from __future__ import annotations

import pytest
from domain_support import (
    CLINICIAN,
    REQUIRED,
    add_goal,
    add_intervention,
    add_problem,
    assert_refused,
    day,
    measure,
    new_plan,
    plan_with_goal,
    sign_all,
)

from domain import errors
from domain.documents import plan_document


# --------------------------------------------------------------- signatures
def test_plan_is_draft_until_every_required_signer_signed():
    # given a new plan
    plan = new_plan()
    assert plan.status == "draft"
    # when the clinician signs, then it is still a draft
    plan.sign(CLINICIAN, "clinician", day(1), REQUIRED, None)
    assert plan.status == "draft"
    # when the client signs too, then it is active
    plan.sign(CLINICIAN, "client", day(2), REQUIRED, None)
    assert plan.status == "active"


def test_a_signer_the_clinic_does_not_require_does_not_activate():
    plan = new_plan()
    plan.sign(CLINICIAN, "supervisor", day(1), REQUIRED, None)
    plan.sign(CLINICIAN, "client", day(1), REQUIRED, None)
    assert plan.status == "draft"
    plan.sign(CLINICIAN, "clinician", day(1), REQUIRED, None)
    assert plan.status == "active"


def test_clinic_requiring_a_supervisor_activates_only_after_the_supervisor():
    required = ("clinician", "client", "supervisor")
    plan = new_plan()
    plan.sign(CLINICIAN, "clinician", day(1), required, None)
    plan.sign(CLINICIAN, "client", day(1), required, None)
    assert plan.status == "draft"
    plan.sign(CLINICIAN, "supervisor", day(2), required, None)
    assert plan.status == "active"


def test_unknown_signer_role_is_refused():
    plan = new_plan()
    assert_refused(
        plan,
        errors.SignatureError,
        lambda: plan.sign(CLINICIAN, "guardian", day(1), REQUIRED, None),
        field="signer_role",
    )


def test_the_same_role_signing_unchanged_content_twice_is_refused():
    # given the clinician signed, then the client signed (the content did not change)
    plan = new_plan()
    plan.sign(CLINICIAN, "clinician", day(1), REQUIRED, None)
    plan.sign(CLINICIAN, "client", day(1), REQUIRED, None)
    # when the clinician signs again, then it is refused
    assert_refused(
        plan,
        errors.SignatureError,
        lambda: plan.sign(CLINICIAN, "clinician", day(2), REQUIRED, None),
        field="signer_role",
    )
    # when the plan changes, then the clinician may sign the new version
    add_problem(plan)
    plan.sign(CLINICIAN, "clinician", plan.last_change_on, REQUIRED, None)
    assert [s["signer_role"] for s in plan.signatures] == ["clinician", "client", "clinician"]


def test_signature_remembers_the_version_it_covered():
    # given a plan at version 3
    plan = new_plan()
    add_problem(plan)
    add_problem(plan)
    assert plan.version == 3
    # when the clinician signs with the head hash, then the signature covers version 3
    plan.sign(CLINICIAN, "clinician", day(1), REQUIRED, "ab" * 32, signer_name="Dr Who")
    signature = plan.signatures[-1]
    assert signature["version"] == 3
    assert signature["head_hash"] == "ab" * 32
    assert signature["signer_name"] == "Dr Who"
    assert signature["signed_on"] == day(1)
    assert plan.pending_events[-1].signed_version == 3
    # and signing does not count as a change of content
    assert plan.content_version == 3
    assert plan.version == 4


def test_document_tells_whether_the_plan_changed_since_each_signature():
    # given a plan signed by both required signers
    plan = new_plan()
    add_problem(plan)
    sign_all(plan)
    doc = plan_document(plan)
    assert doc["status"] == "active"
    assert [s["changed_since"] for s in doc["signatures"]] == [False, False]
    # when the content changes
    add_problem(plan)
    # then both signatures read as changed since, with a diff link to the current version
    doc = plan_document(plan)
    assert [s["changed_since"] for s in doc["signatures"]] == [True, True]
    first = doc["signatures"][0]
    assert first["version"] == 2
    assert first["diff"].endswith(f"?from_version=2&to_version={plan.version}")
    # and the plan stays active
    assert doc["status"] == "active"


# ------------------------------------------------------------------ closing
def test_close_needs_a_reason():
    plan = new_plan()
    assert_refused(
        plan, errors.MissingReasonError, lambda: plan.close(CLINICIAN, day(5), None), "reason"
    )


def test_closed_plan_is_closed_and_dated():
    plan = new_plan()
    sign_all(plan)
    plan.close(CLINICIAN, day(100), "discharged")
    assert plan.status == "closed"
    assert plan.closed_on == day(100)
    assert plan_document(plan)["status"] == "closed"


def closed_plan():
    plan, problem_id, goal_id = plan_with_goal()
    intervention_id = add_intervention(plan, [goal_id])
    plan.close(CLINICIAN, day(100), "discharged")
    return plan, problem_id, goal_id, intervention_id


CLOSED_COMMANDS = {
    "add_problem": lambda p, pr, g, i: p.add_problem(CLINICIAN, "p9", "New problem"),
    "resolve_problem": lambda p, pr, g, i: p.resolve_problem(CLINICIAN, pr, "gone"),
    "add_diagnosis": lambda p, pr, g, i: p.add_diagnosis(CLINICIAN, "F41.1", None),
    "remove_diagnosis": lambda p, pr, g, i: p.remove_diagnosis(CLINICIAN, "F33.1", "error"),
    "add_goal": lambda p, pr, g, i: p.add_goal(CLINICIAN, "g9", [pr], "x", measure(), day(120)),
    "revise_goal": lambda p, pr, g, i: p.revise_goal(CLINICIAN, g, "why", statement="new"),
    "change_goal_status": lambda p, pr, g, i: p.change_goal_status(CLINICIAN, g, "achieved", "ok"),
    "add_objective": lambda p, pr, g, i: p.add_objective(CLINICIAN, g, "o9", "Walk", None),
    "add_intervention": lambda p, pr, g, i: p.add_intervention(CLINICIAN, "i9", "DBT", [g]),
    "discontinue_intervention": lambda p, pr, g, i: p.discontinue_intervention(
        CLINICIAN, i, "done"
    ),
    "change_frequency": lambda p, pr, g, i: p.change_frequency(CLINICIAN, 1, "week", 50),
    "schedule_assessment": lambda p, pr, g, i: p.schedule_assessment(CLINICIAN, "PHQ-9", 14),
    "record_score": lambda p, pr, g, i: p.record_score(CLINICIAN, "s9", "PHQ-9", 5, day(101)),
    "review_plan": lambda p, pr, g, i: p.review_plan(CLINICIAN, day(101), "continue", 90),
    "change_review_interval": lambda p, pr, g, i: p.change_review_interval(CLINICIAN, 30, "why"),
    "sign": lambda p, pr, g, i: p.sign(CLINICIAN, "client", day(101), REQUIRED, None),
    "close": lambda p, pr, g, i: p.close(CLINICIAN, day(102), "again"),
}


@pytest.mark.parametrize("command", CLOSED_COMMANDS)
def test_closed_plan_refuses_every_command(command):
    # given a closed plan
    plan, problem_id, goal_id, intervention_id = closed_plan()
    # when any command is issued, then it is refused as closed and nothing is recorded
    assert_refused(
        plan,
        errors.PlanClosedError,
        lambda: CLOSED_COMMANDS[command](plan, problem_id, goal_id, intervention_id),
    )


def test_closed_plan_refuses_even_invalid_commands_as_closed():
    plan, *_ = closed_plan()
    assert_refused(
        plan, errors.PlanClosedError, lambda: plan.change_frequency(CLINICIAN, 0, "year", 1)
    )


def test_every_plan_command_is_covered_by_the_closed_check():
    commands = {
        name
        for name in (
            "add_problem resolve_problem add_diagnosis remove_diagnosis add_goal revise_goal "
            "change_goal_status add_objective add_intervention discontinue_intervention "
            "change_frequency schedule_assessment record_score review_plan "
            "change_review_interval sign close"
        ).split()
    }
    assert commands == set(CLOSED_COMMANDS)


def test_goal_added_after_signing_keeps_status_active():
    plan = new_plan()
    problem_id = add_problem(plan)
    sign_all(plan)
    add_goal(plan, [problem_id])
    assert plan.status == "active"
