"""The application service without a database (in-memory store)."""

from __future__ import annotations

from uuid import uuid4

import pytest
from domain_support import CLINIC, CLINICIAN, START, day, measure, new_app, stored_versions

from domain import errors
from domain.application import PlansApplication
from domain.plan import Actor
from domain.store import StoreMisconfiguredError


@pytest.fixture
def app():
    application = new_app()
    yield application
    application.close()


def test_commands_return_the_new_version_and_the_ids_they_created(app):
    created = app.create_plan(
        CLINICIAN,
        "client-1",
        START,
        presenting_concerns=["worry"],
        diagnoses=[{"code": "F41.1", "description": "GAD"}],
        reason="intake",
    )
    assert created.version == 1 and created.position is not None
    plan_id = created.plan_id
    problem = app.add_problem(plan_id, CLINICIAN, "Worry most days")
    goal = app.add_goal(
        plan_id,
        CLINICIAN,
        [problem.result["problem_id"]],
        "Halve GAD-7",
        measure("GAD-7", 16, 8),
        day(90),
    )
    objective = app.add_objective(plan_id, CLINICIAN, goal.result["goal_id"], "Worry time")
    intervention = app.add_intervention(plan_id, CLINICIAN, "CBT", [goal.result["goal_id"]])
    score = app.record_score(plan_id, CLINICIAN, "GAD-7", 12, day(14), goal.result["goal_id"])
    assert [problem.version, goal.version, objective.version, intervention.version] == [2, 3, 4, 5]
    assert score.version == 6
    assert set(score.result) == {"score_id"}
    assert set(objective.result) == {"objective_id"}
    assert set(intervention.result) == {"intervention_id"}
    assert stored_versions(app, plan_id) == [1, 2, 3, 4, 5, 6]
    assert app.add_diagnosis(plan_id, CLINICIAN, "F33.1").result == {"code": "F33.1"}


def test_refused_command_stores_nothing(app):
    plan_id = app.create_plan(CLINICIAN, "client-1", START).plan_id
    app.add_problem(plan_id, CLINICIAN, "Low mood")
    with pytest.raises(errors.GoldenThreadError):
        app.add_goal(plan_id, CLINICIAN, ["nope"], "x", measure(), day(30))
    with pytest.raises(errors.ScoreOutOfRangeError):
        app.record_score(plan_id, CLINICIAN, "PHQ-9", 28, day(1))
    with pytest.raises(errors.InvalidFrequencyError):
        app.change_frequency(plan_id, CLINICIAN, 1, "week", 10)
    assert stored_versions(app, plan_id) == [1, 2]


def test_stale_expected_version_is_refused_and_stores_nothing(app):
    plan_id = app.create_plan(CLINICIAN, "client-1", START).plan_id
    app.add_problem(plan_id, CLINICIAN, "Low mood", expected_version=1)
    with pytest.raises(errors.StaleVersionError) as raised:
        app.add_problem(plan_id, CLINICIAN, "Poor sleep", expected_version=1)
    assert (raised.value.expected, raised.value.actual) == (1, 2)
    assert stored_versions(app, plan_id) == [1, 2]


def test_closed_plan_refuses_commands_through_the_service(app):
    plan_id = app.create_plan(CLINICIAN, "client-1", START).plan_id
    app.close_plan(plan_id, CLINICIAN, day(5), "moved away")
    with pytest.raises(errors.PlanClosedError):
        app.add_problem(plan_id, CLINICIAN, "Low mood")
    assert stored_versions(app, plan_id) == [1, 2]


def test_another_clinics_plan_is_not_found(app):
    plan_id = app.create_plan(CLINICIAN, "client-1", START).plan_id
    stranger = Actor("dr-x", "clinician", "clinic-b")
    with pytest.raises(errors.PlanNotFoundError):
        app.get_plan(plan_id, "clinic-b")
    with pytest.raises(errors.PlanNotFoundError):
        app.add_problem(plan_id, stranger, "Low mood")
    assert stored_versions(app, plan_id) == [1]


def test_unknown_plan_and_versions_out_of_range_are_not_found(app):
    plan_id = app.create_plan(CLINICIAN, "client-1", START).plan_id
    app.add_problem(plan_id, CLINICIAN, "Low mood")
    with pytest.raises(errors.PlanNotFoundError):
        app.get_plan(uuid4(), CLINIC)
    with pytest.raises(errors.VersionNotFoundError):
        app.get_plan(plan_id, CLINIC, version=3)
    assert app.get_plan(plan_id, CLINIC, version=1).problems == {}
    assert len(app.get_plan(plan_id, CLINIC, version=2).problems) == 1


def test_signature_records_the_head_hash_the_store_offers(app):
    plan_id = app.create_plan(CLINICIAN, "client-1", START).plan_id
    head_when_signed = app.head_hash(plan_id)
    app.sign_plan(plan_id, CLINICIAN, "clinician", day(1), signer_name="Dr Who")
    signature = app.get_plan(plan_id, CLINIC).signatures[0]
    assert signature["version"] == 1
    assert signature["head_hash"] == head_when_signed and len(head_when_signed) == 64


def test_a_store_without_hash_chain_and_time_index_refuses_to_start():
    with pytest.raises(StoreMisconfiguredError, match="PlanEventStore"):
        PlansApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


def test_client_id_and_diagnoses_are_checked_at_creation(app):
    with pytest.raises(errors.RuleViolationError) as raised:
        app.create_plan(CLINICIAN, " ", START)
    assert raised.value.field == "client_id"
    with pytest.raises(errors.DiagnosisError) as raised:
        app.create_plan(CLINICIAN, "c", START, diagnoses=[{"code": "F41.1"}, {"code": "F41.1"}])
    assert raised.value.field == "diagnoses[1].code"
