"""The application service without a database (in-memory store)."""

from __future__ import annotations

from uuid import uuid4

import pytest
from domain_support import CLINIC, CLINICIAN, START, day, measure, new_app, stored_versions

from domain import errors
from domain.application import PlansApplication
from domain.commands import (
    AddDiagnosis,
    AddGoal,
    AddIntervention,
    AddObjective,
    AddProblem,
    ChangeFrequency,
    ClosePlan,
    CreatePlan,
    RecordScore,
    SignPlan,
)
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
        CreatePlan(
            client_id="client-1",
            start_date=START,
            presenting_concerns=["worry"],
            diagnoses=[{"code": "F41.1", "description": "GAD"}],
            reason="intake",
        ),
    )
    assert created.version == 1 and created.position is not None
    plan_id = created.plan_id
    problem = app.handle(plan_id, CLINICIAN, AddProblem(description="Worry most days"))
    goal = app.handle(
        plan_id,
        CLINICIAN,
        AddGoal(
            problem_ids=[problem.result["problem_id"]],
            statement="Halve GAD-7",
            measure=measure("GAD-7", 16, 8),
            target_date=day(90),
        ),
    )
    objective = app.handle(
        plan_id, CLINICIAN, AddObjective(goal_id=goal.result["goal_id"], statement="Worry time")
    )
    intervention = app.handle(
        plan_id, CLINICIAN, AddIntervention(modality="CBT", goal_ids=[goal.result["goal_id"]])
    )
    score = app.handle(
        plan_id,
        CLINICIAN,
        RecordScore(
            instrument="GAD-7", score=12, administered_on=day(14), goal_id=goal.result["goal_id"]
        ),
    )
    assert [problem.version, goal.version, objective.version, intervention.version] == [2, 3, 4, 5]
    assert score.version == 6
    assert set(score.result) == {"score_id"}
    assert set(objective.result) == {"objective_id"}
    assert set(intervention.result) == {"intervention_id"}
    assert stored_versions(app, plan_id) == [1, 2, 3, 4, 5, 6]
    assert app.handle(plan_id, CLINICIAN, AddDiagnosis(code="F33.1")).result == {"code": "F33.1"}


def test_refused_command_stores_nothing(app):
    plan_id = app.create_plan(CLINICIAN, CreatePlan(client_id="client-1", start_date=START)).plan_id
    app.handle(plan_id, CLINICIAN, AddProblem(description="Low mood"))
    with pytest.raises(errors.GoldenThreadError):
        app.handle(
            plan_id,
            CLINICIAN,
            AddGoal(problem_ids=["nope"], statement="x", measure=measure(), target_date=day(30)),
        )
    with pytest.raises(errors.ScoreOutOfRangeError):
        app.handle(
            plan_id, CLINICIAN, RecordScore(instrument="PHQ-9", score=28, administered_on=day(1))
        )
    with pytest.raises(errors.InvalidFrequencyError):
        app.handle(plan_id, CLINICIAN, ChangeFrequency(every=1, unit="week", session_minutes=10))
    assert stored_versions(app, plan_id) == [1, 2]


def test_stale_expected_version_is_refused_and_stores_nothing(app):
    plan_id = app.create_plan(CLINICIAN, CreatePlan(client_id="client-1", start_date=START)).plan_id
    app.handle(plan_id, CLINICIAN, AddProblem(description="Low mood"), expected_version=1)
    with pytest.raises(errors.StaleVersionError) as raised:
        app.handle(plan_id, CLINICIAN, AddProblem(description="Poor sleep"), expected_version=1)
    assert (raised.value.expected, raised.value.actual) == (1, 2)
    assert stored_versions(app, plan_id) == [1, 2]


def test_closed_plan_refuses_commands_through_the_service(app):
    plan_id = app.create_plan(CLINICIAN, CreatePlan(client_id="client-1", start_date=START)).plan_id
    app.handle(plan_id, CLINICIAN, ClosePlan(closed_on=day(5), reason="moved away"))
    with pytest.raises(errors.PlanClosedError):
        app.handle(plan_id, CLINICIAN, AddProblem(description="Low mood"))
    assert stored_versions(app, plan_id) == [1, 2]


def test_another_clinics_plan_is_not_found(app):
    plan_id = app.create_plan(CLINICIAN, CreatePlan(client_id="client-1", start_date=START)).plan_id
    stranger = Actor("dr-x", "clinician", "clinic-b")
    with pytest.raises(errors.PlanNotFoundError):
        app.get_plan(plan_id, "clinic-b")
    with pytest.raises(errors.PlanNotFoundError):
        app.handle(plan_id, stranger, AddProblem(description="Low mood"))
    assert stored_versions(app, plan_id) == [1]


def test_unknown_plan_and_versions_out_of_range_are_not_found(app):
    plan_id = app.create_plan(CLINICIAN, CreatePlan(client_id="client-1", start_date=START)).plan_id
    app.handle(plan_id, CLINICIAN, AddProblem(description="Low mood"))
    with pytest.raises(errors.PlanNotFoundError):
        app.get_plan(uuid4(), CLINIC)
    with pytest.raises(errors.VersionNotFoundError):
        app.get_plan(plan_id, CLINIC, version=3)
    assert app.get_plan(plan_id, CLINIC, version=1).problems == {}
    assert len(app.get_plan(plan_id, CLINIC, version=2).problems) == 1


def test_signature_records_the_head_hash_the_store_offers(app):
    plan_id = app.create_plan(CLINICIAN, CreatePlan(client_id="client-1", start_date=START)).plan_id
    head_when_signed = app.head_hash(plan_id)
    app.handle(
        plan_id,
        CLINICIAN,
        SignPlan(signer_role="clinician", signed_on=day(1), signer_name="Dr Who"),
    )
    signature = app.get_plan(plan_id, CLINIC).signatures[0]
    assert signature["version"] == 1
    assert signature["head_hash"] == head_when_signed and len(head_when_signed) == 64


def test_a_store_without_hash_chain_and_time_index_refuses_to_start():
    with pytest.raises(StoreMisconfiguredError, match="PlanEventStore"):
        PlansApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


def test_client_id_and_diagnoses_are_checked_at_creation(app):
    with pytest.raises(errors.RuleViolationError) as raised:
        app.create_plan(CLINICIAN, CreatePlan(client_id=" ", start_date=START))
    assert raised.value.field == "client_id"
    with pytest.raises(errors.DiagnosisError) as raised:
        app.create_plan(
            CLINICIAN,
            CreatePlan(
                client_id="c", start_date=START, diagnoses=[{"code": "F41.1"}, {"code": "F41.1"}]
            ),
        )
    assert raised.value.field == "diagnoses[1].code"
