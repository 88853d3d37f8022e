"""History on both backends: plans as of a version or an instant over hundreds of
events and several snapshots, and a chain that survives an event class upcast."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from test_audit_support import CLINIC, CLINICIAN, PHQ9, START, small_plan

from api.runtime import init_schema, open_application
from api.settings import Settings
from domain import errors
from domain.application import PlansApplication
from domain.commands import (
    AddGoal,
    AddObjective,
    AddProblem,
    ChangeFrequency,
    CreatePlan,
    RecordScore,
)
from domain.documents import plan_document
from domain.plan import Plan
from eventstore import history
from eventstore.history import diff_plans, timeline_export, verify_plan


def long_plan(app: PlansApplication, events: int) -> UUID:
    """A plan of `events` events of several kinds, through the application service."""
    plan_id = app.create_plan(
        CLINICIAN, CreatePlan(client_id="client-9", start_date=START, presenting_concerns=["worry"])
    ).plan_id
    problem_id = app.handle(plan_id, CLINICIAN, AddProblem(description="Worry")).result[
        "problem_id"
    ]
    goal_id = app.handle(
        plan_id,
        CLINICIAN,
        AddGoal(
            problem_ids=[problem_id],
            statement="Worry less",
            measure=PHQ9,
            target_date=START + timedelta(days=365),
        ),
    ).result["goal_id"]
    version = 3
    while version < events:
        day = START + timedelta(days=version)
        if version % 7 == 0:
            result = app.handle(
                plan_id,
                CLINICIAN,
                ChangeFrequency(every=version % 4 + 1, unit="week", session_minutes=50),
            )
        elif version % 11 == 0:
            result = app.handle(
                plan_id,
                CLINICIAN,
                AddObjective(goal_id=goal_id, statement=f"Step {version}", target_date=day),
            )
        elif version % 13 == 0:
            result = app.handle(plan_id, CLINICIAN, AddProblem(description=f"Problem {version}"))
        else:
            result = app.handle(
                plan_id,
                CLINICIAN,
                RecordScore(
                    instrument="PHQ-9", score=version % 28, administered_on=day, goal_id=goal_id
                ),
            )
        version = result.version
    return plan_id


def replayed_documents(app: PlansApplication, plan_id: UUID) -> Iterator[dict[str, Any]]:
    """The plan's document at every version, folded from the events without snapshots."""
    plan = None
    for event in app.repository.event_store.get(plan_id):
        plan = event.mutate(plan)
        yield plan_document(plan)


def test_as_of_version_and_instant_over_several_snapshots(
    app: PlansApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_id = long_plan(app, 240)
    snapshots = [s.originator_version for s in app.snapshots.get(plan_id)]  # type: ignore[union-attr]
    assert snapshots == list(range(10, 241, 10))  # the fixture snapshots every 10 events

    # By version: every version, on and between snapshot boundaries, equals a
    # plain replay of the events.
    for version, expected in enumerate(replayed_documents(app, plan_id), start=1):
        plan = app.get_plan(plan_id, CLINIC, version=version)
        assert plan.version == version
        assert plan_document(plan) == expected, f"version {version}"
    assert version == 240
    with pytest.raises(errors.VersionNotFoundError):
        app.get_plan(plan_id, CLINIC, version=241)
    with pytest.raises(errors.PlanNotFoundError):
        app.get_plan(plan_id, "south", version=5)

    # By instant: at a recording time, that version; between two, the earlier.
    links = app.recorder.chain_links(plan_id)  # type: ignore[attr-defined]
    times = {v: at for v, at, _ in links}
    checked = 0
    for version in (1, 2, 9, 10, 11, 55, 99, 100, 101, 137, 199, 239):
        assert app.plan_as_of(plan_id, CLINIC, times[version]).version == version
        gap = times[version + 1] - times[version]
        if gap > timedelta(microseconds=1):
            between = times[version] + gap / 2
            assert app.plan_as_of(plan_id, CLINIC, between).version == version
            checked += 1
    assert checked >= 10
    assert app.plan_as_of(plan_id, CLINIC, times[240] + timedelta(days=1)).version == 240
    with pytest.raises(errors.VersionNotFoundError):
        app.plan_as_of(plan_id, CLINIC, times[1] - timedelta(microseconds=1))

    # A long plan still verifies, exports page by page, and diffs across snapshot boundaries.
    assert verify_plan(app, plan_id)["events_checked"] == 240
    monkeypatch.setattr(history, "EXPORT_PAGE", 100)
    exported = list(history.timeline_export(app, plan_id))
    assert [item["version"] for item in exported] == list(range(1, 241))
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(exported, exported[1:], strict=False))
    assert exported[-1]["hash"] == app.head_hash(plan_id)
    diff = diff_plans(app, plan_id, CLINIC, 95, 123)
    assert [e["version"] for e in diff["events"]] == list(range(96, 124))


def test_as_of_a_thousand_event_plan_is_fast(settings: Settings) -> None:
    """One aggregate, 1,000 events saved 25 at a time, snapshots every 50 (the
    default); as-of reads stay well under a second each (measured on PostgreSQL:
    a few milliseconds, see the audit note)."""
    production = settings.model_copy(update={"snapshot_interval": 50})
    init_schema(production)
    app = open_application(production)
    try:
        plan_id = small_plan(app, scores=0)
        plan = app.repository.get(plan_id)
        goal_id = next(iter(plan.goals))
        while plan.version < 1000:
            for _ in range(min(25, 1000 - plan.version)):
                day = START + timedelta(days=plan.version % 300)
                score = plan.version % 28
                plan.record_score(CLINICIAN, f"s{plan.version}", "PHQ-9", score, day, goal_id)
            app.save(plan)
        links = app.recorder.chain_links(plan_id)  # type: ignore[attr-defined]
        times = {v: at for v, at, _ in links}
        assert len(times) == 1000

        slowest = 0.0
        for version in (1, 49, 499, 999, 1000):
            started = time.perf_counter()
            assert app.get_plan(plan_id, CLINIC, version=version).version == version
            slowest = max(slowest, time.perf_counter() - started)
            started = time.perf_counter()
            assert app.plan_as_of(plan_id, CLINIC, times[version]).version <= version
            slowest = max(slowest, time.perf_counter() - started)
        assert slowest < 1.0
    finally:
        app.close()


def test_verifying_while_events_are_written_raises_no_false_alarm(app: PlansApplication) -> None:
    plan_id = small_plan(app, scores=0)
    done = threading.Event()

    def write() -> None:
        try:
            for i in range(60):
                app.handle(plan_id, CLINICIAN, AddProblem(description=f"Problem {i}"))
        finally:
            done.set()

    writer = threading.Thread(target=write)
    writer.start()
    reports = []
    while not done.is_set():
        reports.append(verify_plan(app, plan_id))
    writer.join()
    reports.append(verify_plan(app, plan_id))
    assert len(reports) > 1
    assert [r for r in reports if not r["valid"]] == []
    assert reports[-1]["events_checked"] == 63


# -------------------------------------------------------------------- upcast
@pytest.fixture
def evolved_problem_added(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Evolve Plan.ProblemAdded to class_version 2 (a `priority` field), as a later
    release would; undone after the test. Returns the states the upcaster saw."""
    upcast: list[dict[str, Any]] = []

    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["priority"] = "routine"
        upcast.append(state)

    monkeypatch.setattr(Plan.ProblemAdded, "class_version", 2, raising=False)
    monkeypatch.setattr(
        Plan.ProblemAdded, "upcast_v1_v2", staticmethod(upcast_v1_v2), raising=False
    )
    return upcast


def stored_states(app: PlansApplication, plan_id: UUID) -> dict[int, bytes]:
    return {e.originator_version: bytes(e.state) for e in app.recorder.select_events(plan_id)}


def test_chain_stays_verifiable_across_an_upcast(
    app: PlansApplication, request: pytest.FixtureRequest
) -> None:
    plan_id = small_plan(app, scores=2)  # version 2 is a ProblemAdded at class_version 1
    second = app.handle(plan_id, CLINICIAN, AddProblem(description="Sleep")).result[
        "problem_id"
    ]  # version 6
    before = stored_states(app, plan_id)
    head = verify_plan(app, plan_id)["head_hash"]
    assert b"class_version" not in before[2]

    upcast = request.getfixturevalue("evolved_problem_added")

    # The library's mapper runs the upcaster when it decodes the old events.
    events = {e.originator_version: e for e in app.repository.event_store.get(plan_id)}
    assert events[2].priority == "routine" and events[6].priority == "routine"  # type: ignore[attr-defined]
    assert len(upcast) == 2
    plan = app.get_plan(plan_id, CLINIC)
    assert second in plan.problems and plan.version == 6

    # The stored bytes are untouched, so the chain still verifies to the same head.
    assert stored_states(app, plan_id) == before
    assert verify_plan(app, plan_id) == {
        "valid": True,
        "events_checked": 6,
        "head_hash": head,
        "first_invalid_version": None,
    }

    # New events are stored at class_version 2 and chain on as before.
    third = app.handle(plan_id, CLINICIAN, AddProblem(description="Appetite"))
    assert b'"class_version":2' in stored_states(app, plan_id)[third.version]
    report = verify_plan(app, plan_id)
    assert report["valid"] is True and report["events_checked"] == 7
    exported = list(timeline_export(app, plan_id))
    assert exported[1]["data"]["priority"] == "routine"
    diff = diff_plans(app, plan_id, CLINIC, 1, third.version)
    assert f"/problems/{third.result['problem_id']}" in [c["path"] for c in diff["changes"]]


def test_upcast_applies_to_events_replayed_after_a_snapshot(
    app: PlansApplication, request: pytest.FixtureRequest
) -> None:
    plan_id = small_plan(app, scores=8)  # 11 versions, snapshot at 10
    extra = app.handle(
        plan_id, CLINICIAN, AddProblem(description="Sleep")
    )  # version 12, after the snapshot
    assert extra.version == 12

    upcast = request.getfixturevalue("evolved_problem_added")
    plan = app.get_plan(plan_id, CLINIC)
    assert extra.result["problem_id"] in plan.problems
    assert [state["problem_id"] for state in upcast] == [extra.result["problem_id"]]
    assert verify_plan(app, plan_id)["valid"] is True
