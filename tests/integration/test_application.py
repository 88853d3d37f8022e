"""The application service on real stores: every scenario on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import threading
from datetime import date, timedelta, timezone
from uuid import UUID

import pytest
from pydantic import SecretStr

from api.runtime import init_schema, open_application
from api.settings import Settings
from domain import errors
from domain.application import PlansApplication
from domain.commands import (
    AddGoal,
    AddIntervention,
    AddObjective,
    AddProblem,
    ChangeFrequency,
    ChangeGoalStatus,
    ChangeReviewInterval,
    ClosePlan,
    CreatePlan,
    RecordScore,
    ResolveProblem,
    ReviewPlan,
    ScheduleAssessment,
    SetReviewPolicy,
    SignPlan,
)
from domain.documents import plan_document
from domain.plan import Actor
from eventstore.recorders import canonical_record, chain_hash

START = date(2024, 3, 1)
CLINIC = "clinic-int"
CLINICIAN = Actor("dr-int", "clinician", CLINIC)
SUPERVISOR = Actor("boss-int", "supervisor", CLINIC)


def day(n: int) -> date:
    return START + timedelta(days=n)


def keyed(key: str, request_hash: str = "h") -> Actor:
    return Actor(CLINICIAN.user, CLINICIAN.role, CLINIC, key, request_hash)


def versions(app: PlansApplication, plan_id: UUID) -> list[int]:
    return [e.originator_version for e in app.events.get(plan_id)]


def state(plan) -> dict:
    return {k: v for k, v in vars(plan).items() if k != "_pending_events"}


def fold(events):
    plan = None
    for event in events:
        plan = event.mutate(plan)
    return plan


def new_plan(app: PlansApplication, **kwargs) -> UUID:
    return app.create_plan(
        CLINICIAN, CreatePlan(client_id="client-int-1", start_date=START, **kwargs)
    ).plan_id


# ------------------------------------------------------------------ lifecycle
def test_full_plan_lifecycle(app: PlansApplication):
    # given a new plan
    created = app.create_plan(
        CLINICIAN,
        CreatePlan(
            client_id="client-int-1",
            start_date=START,
            presenting_concerns=["low mood", "poor sleep"],
            diagnoses=[{"code": "F33.1", "description": "MDD, recurrent, moderate"}],
            reason="intake",
        ),
    )
    plan_id = created.plan_id
    assert (created.version, created.replayed) == (1, False)
    # when the clinician builds it, the client and clinician sign, it is reviewed and closed
    results = [created]
    problem = app.handle(plan_id, CLINICIAN, AddProblem(description="Low mood most days"))
    results.append(problem)
    goal = app.handle(
        plan_id,
        CLINICIAN,
        AddGoal(
            problem_ids=[problem.result["problem_id"]],
            statement="Reduce PHQ-9 by half within 3 months",
            measure={"instrument": "PHQ-9", "baseline": 18, "target": 9},
            target_date=day(90),
        ),
    )
    goal_id = goal.result["goal_id"]
    results += [
        goal,
        app.handle(
            plan_id,
            CLINICIAN,
            AddObjective(goal_id=goal_id, statement="Walk 3x a week", target_date=day(30)),
        ),
        app.handle(
            plan_id,
            CLINICIAN,
            AddIntervention(modality="behavioral activation", goal_ids=[goal_id]),
        ),
        app.handle(plan_id, CLINICIAN, ChangeFrequency(every=1, unit="week", session_minutes=50)),
        app.handle(plan_id, CLINICIAN, ScheduleAssessment(instrument="PHQ-9", every_days=14)),
        app.handle(
            plan_id,
            CLINICIAN,
            RecordScore(
                instrument="PHQ-9",
                score=17,
                administered_on=day(1),
                goal_id=goal_id,
                item_scores=[2, 2, 2, 2, 2, 2, 2, 3, 0],
            ),
        ),
        app.handle(
            plan_id,
            CLINICIAN,
            SignPlan(signer_role="clinician", signed_on=day(2), signer_name="Dr Int"),
        ),
    ]
    head_before_client = app.head_hash(plan_id)
    results += [
        app.handle(
            plan_id,
            CLINICIAN,
            SignPlan(signer_role="client", signed_on=day(2), signer_name="Client"),
        ),
        app.handle(
            plan_id,
            CLINICIAN,
            RecordScore(instrument="PHQ-9", score=8, administered_on=day(45), goal_id=goal_id),
        ),
        app.handle(
            plan_id,
            CLINICIAN,
            ReviewPlan(reviewed_on=day(46), outcome="continue", summary="improving"),
        ),
        app.handle(plan_id, CLINICIAN, ChangeReviewInterval(days=30, reason="stepping down")),
        app.handle(
            plan_id,
            CLINICIAN,
            ChangeGoalStatus(goal_id=goal_id, status="achieved", reason="PHQ-9 under target"),
        ),
        app.handle(plan_id, CLINICIAN, ClosePlan(closed_on=day(60), reason="goals met")),
    ]
    # then every command got the next version and a later position
    assert [r.version for r in results] == list(range(1, 16))
    positions = [r.position for r in results]
    assert all(isinstance(p, int) for p in positions)
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    assert versions(app, plan_id) == list(range(1, 16))
    # and the plan reads as it was built
    plan = app.get_plan(plan_id, CLINIC)
    doc = plan_document(plan)
    assert doc["status"] == "closed"
    assert doc["closed_on"] == day(60).isoformat()
    assert doc["version"] == 15
    assert [g["status"] for g in doc["goals"]] == ["achieved"]
    assert doc["goals"][0]["progress"]["met"] is True
    assert doc["goals"][0]["measure"]["loinc"] == "44261-6"
    assert doc["review"] == {
        "interval_days": 30,
        "follows_policy": False,
        "last_reviewed_on": day(46).isoformat(),
        "next_review_due": day(76).isoformat(),
    }
    signatures = doc["signatures"]
    assert [(s["signer_role"], s["version"]) for s in signatures] == [
        ("clinician", 8),
        ("client", 9),
    ]
    assert signatures[1]["head_hash"] == head_before_client
    assert len(app.head_hash(plan_id)) == 64
    assert all(s["changed_since"] for s in signatures)
    # and a closed plan refuses changes, storing nothing
    with pytest.raises(errors.PlanClosedError):
        app.handle(plan_id, CLINICIAN, AddProblem(description="Another"))
    assert versions(app, plan_id) == list(range(1, 16))


def test_refused_commands_store_nothing(app: PlansApplication):
    plan_id = new_plan(app)
    problem_id = app.handle(plan_id, CLINICIAN, AddProblem(description="Low mood")).result[
        "problem_id"
    ]
    position = app.recorder.max_notification_id()
    phq9 = {"instrument": "PHQ-9", "baseline": 9, "target": 4}
    gad7_flat = {"instrument": "GAD-7", "baseline": 9, "target": 9}
    with pytest.raises(errors.GoldenThreadError):
        app.handle(
            plan_id,
            CLINICIAN,
            AddGoal(problem_ids=["nope"], statement="x", measure=phq9, target_date=day(9)),
        )
    with pytest.raises(errors.TargetNotImprovementError):
        app.handle(
            plan_id,
            CLINICIAN,
            AddGoal(problem_ids=[problem_id], statement="x", measure=gad7_flat, target_date=day(9)),
        )
    with pytest.raises(errors.DateBeforeStartError):
        app.handle(
            plan_id,
            CLINICIAN,
            AddGoal(problem_ids=[problem_id], statement="x", measure=phq9, target_date=day(-1)),
        )
    with pytest.raises(errors.ScoreOutOfRangeError):
        app.handle(
            plan_id, CLINICIAN, RecordScore(instrument="PHQ-2", score=7, administered_on=day(1))
        )
    with pytest.raises(errors.UnknownInstrumentError):
        app.handle(
            plan_id, CLINICIAN, RecordScore(instrument="HAM-D", score=1, administered_on=day(1))
        )
    with pytest.raises(errors.ItemScoresError):
        app.handle(
            plan_id,
            CLINICIAN,
            RecordScore(instrument="PHQ-2", score=3, administered_on=day(1), item_scores=[1, 1]),
        )
    with pytest.raises(errors.DateBeforeStartError):
        app.handle(plan_id, CLINICIAN, ReviewPlan(reviewed_on=day(-1), outcome="continue"))
    with pytest.raises(errors.NextReviewTooLateError):
        app.handle(
            plan_id,
            CLINICIAN,
            ReviewPlan(reviewed_on=day(1), outcome="continue", next_review_due=day(92)),
        )
    with pytest.raises(errors.InvalidFrequencyError):
        app.handle(plan_id, CLINICIAN, ChangeFrequency(every=1, unit="year", session_minutes=50))
    with pytest.raises(errors.InvalidIntervalError):
        app.handle(plan_id, CLINICIAN, ChangeReviewInterval(days=366, reason="too long"))
    with pytest.raises(errors.MissingReasonError):
        app.handle(plan_id, CLINICIAN, ClosePlan(closed_on=day(3), reason=""))
    with pytest.raises(errors.ProblemNotFoundError):
        app.handle(plan_id, CLINICIAN, ResolveProblem(problem_id="nope", reason="x"))
    with pytest.raises(errors.GoalNotFoundError):
        app.handle(
            plan_id, CLINICIAN, ChangeGoalStatus(goal_id="nope", status="achieved", reason="x")
        )
    assert versions(app, plan_id) == [1, 2]
    assert app.recorder.max_notification_id() == position


def test_another_clinic_cannot_see_or_change_the_plan(app: PlansApplication):
    plan_id = new_plan(app)
    stranger = Actor("dr-x", "clinician", "other-clinic")
    with pytest.raises(errors.PlanNotFoundError):
        app.get_plan(plan_id, "other-clinic")
    with pytest.raises(errors.PlanNotFoundError):
        app.handle(plan_id, stranger, AddProblem(description="x"))
    with pytest.raises(errors.PlanNotFoundError):
        app.plan_as_of(plan_id, "other-clinic", app.get_plan(plan_id, CLINIC).modified_on)
    assert versions(app, plan_id) == [1]


# ---------------------------------------------------------------- concurrency
def test_stale_expected_version_is_refused_with_nothing_stored(app: PlansApplication):
    # given a plan that moved on to version 2
    plan_id = new_plan(app)
    app.handle(plan_id, CLINICIAN, AddProblem(description="Low mood"), expected_version=1)
    position = app.recorder.max_notification_id()
    # when a writer still at version 1 changes it
    with pytest.raises(errors.StaleVersionError) as raised:
        app.handle(
            plan_id,
            CLINICIAN,
            ChangeFrequency(every=1, unit="week", session_minutes=50),
            expected_version=1,
        )
    # then it is refused and nothing is stored
    assert (raised.value.expected, raised.value.actual) == (1, 2)
    assert versions(app, plan_id) == [1, 2]
    assert app.recorder.max_notification_id() == position
    assert app.get_plan(plan_id, CLINIC).frequency is None


def test_concurrent_writers_all_succeed_with_contiguous_versions(app: PlansApplication):
    # given one plan and several writers without If-Match
    plan_id = new_plan(app)
    writers, each = 4, 5
    results: list = []
    failures: list = []
    barrier = threading.Barrier(writers)

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(each):
                results.append(
                    app.handle(
                        plan_id, CLINICIAN, AddProblem(description=f"writer {n} problem {i}")
                    )
                )
        except Exception as e:  # noqa: BLE001 - reported below
            failures.append(e)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # then every command succeeded, each with its own version, and no version is missing
    assert not failures
    total = writers * each
    assert sorted(r.version for r in results) == list(range(2, total + 2))
    assert len({r.position for r in results}) == total
    assert versions(app, plan_id) == list(range(1, total + 2))
    assert len(app.get_plan(plan_id, CLINIC).problems) == total


# ---------------------------------------------------------------- idempotency
def test_idempotent_replay_returns_the_first_result_and_position(app: PlansApplication):
    # given a plan created and a goal added under idempotency keys
    created = app.create_plan(
        keyed("create-k"), CreatePlan(client_id="client-int-1", start_date=START)
    )
    problem = app.handle(created.plan_id, keyed("problem-k"), AddProblem(description="Low mood"))
    app.handle(created.plan_id, CLINICIAN, AddProblem(description="Poor sleep"))
    position = app.recorder.max_notification_id()
    # when both are retried with the same keys and requests
    created_again = app.create_plan(
        keyed("create-k"), CreatePlan(client_id="client-int-1", start_date=START)
    )
    problem_again = app.handle(
        created.plan_id, keyed("problem-k"), AddProblem(description="Low mood")
    )
    # then each answers its first outcome: same id, version, position and result
    assert created_again.replayed and problem_again.replayed
    assert (created_again.plan_id, created_again.version, created_again.position) == (
        created.plan_id,
        created.version,
        created.position,
    )
    assert (problem_again.version, problem_again.position, problem_again.result) == (
        problem.version,
        problem.position,
        problem.result,
    )
    # and nothing new is stored
    assert app.recorder.max_notification_id() == position
    assert versions(app, created.plan_id) == [1, 2, 3]
    # and the same key with another request is refused
    with pytest.raises(errors.IdempotencyKeyReusedError):
        app.handle(
            created.plan_id, keyed("problem-k", "other"), AddProblem(description="Something else")
        )
    with pytest.raises(errors.IdempotencyKeyReusedError):
        app.create_plan(
            keyed("create-k", "other"), CreatePlan(client_id="client-int-2", start_date=START)
        )
    assert app.recorder.max_notification_id() == position


def test_idempotency_survives_a_restart(app: PlansApplication, settings: Settings):
    plan_id = new_plan(app)
    first = app.handle(plan_id, keyed("k-restart"), AddProblem(description="Low mood"))
    reopened = open_application(settings)
    try:
        again = reopened.handle(plan_id, keyed("k-restart"), AddProblem(description="Low mood"))
    finally:
        reopened.close()
    assert again.replayed
    assert (again.version, again.position, again.result) == (
        first.version,
        first.position,
        first.result,
    )
    assert versions(app, plan_id) == [1, 2]


def test_review_policy_through_the_store(app: PlansApplication):
    plan_id = new_plan(app)
    result = app.set_review_policy(
        SUPERVISOR,
        SetReviewPolicy(
            review_interval_days=30, due_soon_days=7, required_signers=["clinician"], reason="audit"
        ),
    )
    assert result.version == 2 and result.position is not None
    assert app.policy_for(CLINIC).review_interval_days == 30
    # the plan's due date does not move; its next review takes the new interval
    assert app.get_plan(plan_id, CLINIC).review["next_review_due"] == day(90)
    app.handle(plan_id, CLINICIAN, ReviewPlan(reviewed_on=day(10), outcome="continue"))
    assert app.get_plan(plan_id, CLINIC).review["next_review_due"] == day(40)
    app.handle(plan_id, CLINICIAN, SignPlan(signer_role="clinician", signed_on=day(11)))
    assert app.get_plan(plan_id, CLINIC).status == "active"


# ---------------------------------------------------------------- time travel
def test_plan_as_of_an_instant(app: PlansApplication):
    # given a plan with three versions
    plan_id = new_plan(app)
    app.handle(plan_id, CLINICIAN, AddProblem(description="Low mood"))
    app.handle(plan_id, CLINICIAN, AddProblem(description="Poor sleep"))
    times = [app.get_plan(plan_id, CLINIC, version=v).modified_on for v in (1, 2, 3)]
    assert times == sorted(times)
    # when read between the second and third event, then it is version 2
    between = times[1] + (times[2] - times[1]) / 2
    as_of = app.plan_as_of(plan_id, CLINIC, between)
    assert as_of.version == 2 and len(as_of.problems) == 1
    # when read exactly at an event's time, then that event is included
    assert app.plan_as_of(plan_id, CLINIC, times[0]).version == 1
    assert app.plan_as_of(plan_id, CLINIC, times[2]).version == 3
    # when read after the last event, then it is the current plan
    assert app.plan_as_of(plan_id, CLINIC, times[2] + timedelta(days=1)).version == 3
    # when read before the plan existed, then there is no such version
    with pytest.raises(errors.VersionNotFoundError):
        app.plan_as_of(plan_id, CLINIC, times[0] - timedelta(microseconds=1))


def test_instants_with_another_offset_mean_the_same_moment(app: PlansApplication):
    plan_id = new_plan(app)
    app.handle(plan_id, CLINICIAN, AddProblem(description="Low mood"))
    first = app.get_plan(plan_id, CLINIC, version=1).modified_on
    second = app.get_plan(plan_id, CLINIC, version=2).modified_on
    between = (first + (second - first) / 2).astimezone(timezone(timedelta(hours=-5)))
    assert app.plan_as_of(plan_id, CLINIC, between).version == 1


def test_versions_across_snapshot_boundaries(app: PlansApplication):
    # given a plan with 25 versions (snapshots every 10)
    plan_id = new_plan(app)
    for i in range(24):
        app.handle(plan_id, CLINICIAN, AddProblem(description=f"problem {i}"))
    assert [s.originator_version for s in app.snapshots.get(plan_id)] == [10, 20]
    stored = list(app.events.get(plan_id))
    # when each version is read, then it equals the replay of its events alone
    for version in range(1, 26):
        plan = app.get_plan(plan_id, CLINIC, version=version)
        assert plan.version == version
        assert len(plan.problems) == version - 1
        assert state(plan) == state(fold(stored[:version]))
    assert state(app.get_plan(plan_id, CLINIC)) == state(fold(stored))
    # and a version beyond the current one does not exist
    with pytest.raises(errors.VersionNotFoundError):
        app.get_plan(plan_id, CLINIC, version=26)


# ------------------------------------------------------------------ encryption
@pytest.fixture
def encrypted_app(settings: Settings):
    key = base64.b64encode(bytes(range(32))).decode()
    secured = Settings(**{**settings.model_dump(), "cipher_key": SecretStr(key)})
    init_schema(secured)
    application = open_application(secured)
    try:
        yield application
    finally:
        application.close()


def test_encrypted_store_round_trips(encrypted_app: PlansApplication):
    app = encrypted_app
    # given a plan written to an encrypted store
    plan_id = app.create_plan(
        CLINICIAN,
        CreatePlan(
            client_id="client-secret-4711", start_date=START, presenting_concerns=["panic attacks"]
        ),
    ).plan_id
    problem_id = app.handle(
        plan_id, CLINICIAN, AddProblem(description="Panic attacks weekly")
    ).result["problem_id"]
    app.handle(
        plan_id,
        CLINICIAN,
        AddGoal(
            problem_ids=[problem_id],
            statement="Fewer panic attacks",
            measure={"instrument": "BAI", "baseline": 30, "target": 10},
            target_date=day(60),
        ),
    )
    for i in range(10):
        app.handle(
            plan_id, CLINICIAN, RecordScore(instrument="BAI", score=28 - i, administered_on=day(i))
        )
    # then the stored bytes hold no client data
    for stored in app.recorder.select_events(plan_id):
        assert b"client-secret-4711" not in stored.state
        assert b"Panic" not in stored.state
    # and the plan reads back exactly, also across a snapshot and at an earlier version
    assert list(app.snapshots.get(plan_id))
    plan = app.get_plan(plan_id, CLINIC)
    assert plan.client_id == "client-secret-4711"
    assert state(plan) == state(fold(app.events.get(plan_id)))
    assert len(plan.scores) == 10 and plan.version == 13
    assert app.get_plan(plan_id, CLINIC, version=3).goals
    # and the global log decodes through the mapper
    notifications = app.recorder.select_notifications(1, 100)
    decoded = [app.mapper.to_domain_event(n) for n in notifications]
    assert decoded[0].client_id == "client-secret-4711"


# ------------------------------------------------------------ tamper evidence
def test_every_event_is_chained_and_the_chain_recomputes_from_the_store(app: PlansApplication):
    plan_id = new_plan(app)
    for i in range(12):
        app.handle(plan_id, CLINICIAN, AddProblem(description=f"problem {i}"))
    stored = list(app.recorder.select_events(plan_id))
    links = app.recorder.chain_links(plan_id)
    assert [v for v, _, _ in links] == [e.originator_version for e in stored] == list(range(1, 14))
    previous = b""
    for event, (_, _, link) in zip(stored, links, strict=True):
        previous = chain_hash(
            previous,
            canonical_record(
                event.originator_id, event.originator_version, event.topic, event.state
            ),
        )
        assert link == previous
    assert app.head_hash(plan_id) == previous.hex()
