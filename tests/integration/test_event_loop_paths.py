"""The paths that answer on the event loop, on a real PostgreSQL.

A command on a cached plan is decided without I/O and its save committed by
the event loop with the others queued meanwhile (`PlansApplication.handle_now`);
a read of the current plan is answered from the plan as last read after one
async query for newer events (`read_current_now`). Both must give way to the blocking path
whenever memory may be wrong: another process wrote the plan, a key was
erased, a command needs the database. Two applications on one database
stand for two processes.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Iterator
from datetime import date

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError
from pydantic import SecretStr

from api.erasure import erase_client
from api.runtime import init_schema, open_application
from api.settings import Settings
from domain import errors
from domain.application import PlansApplication
from domain.commands import AddProblem, ChangeReviewInterval, CreatePlan, RecordScore
from domain.documents import plan_document as document
from domain.plan import Actor, Plan
from eventstore.keys import RECHECK_SECONDS

CLINIC = "clinic-loop"
CLINICIAN = Actor("dr-loop", "clinician", CLINIC)
START = date(2025, 3, 3)
KEY = base64.b64encode(bytes(range(32))).decode()


@pytest.fixture
def two_apps(
    database_url: str, tmp_path
) -> Iterator[tuple[PlansApplication, PlansApplication, dict[str, str]]]:
    """Two applications (two processes, as far as their memory goes) on one
    encrypted PostgreSQL store, and its settings as the library's environment."""
    if not database_url.startswith("postgres"):
        pytest.skip("the event-loop paths are PostgreSQL's (SQLite always blocks)")
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        jwt_secret="x" * 48,
        cipher_key=SecretStr(KEY),
    )
    init_schema(settings)
    first, second = open_application(settings), open_application(settings)
    try:
        yield first, second, settings.library_env()
    finally:
        second.close()
        first.close()


pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


def new_plan(app: PlansApplication, client_id: str = "MRN-loop-1"):
    return app.create_plan(CLINICIAN, CreatePlan(client_id=client_id, start_date=START)).plan_id


def score(n: int) -> RecordScore:
    return RecordScore(instrument="PHQ-9", score=n, administered_on=START)


async def decide_and_save(app: PlansApplication, plan_id, command) -> tuple[object, list]:
    """`handle_now` on this loop, then its save's recordings (what a route awaits)."""
    pending = app.handle_now(plan_id, CLINICIAN, command)
    assert pending is not None  # the plan is cached
    return pending, await pending.future


def test_a_command_decided_on_the_loop_is_saved_like_any_other(two_apps):
    app, other, _ = two_apps
    plan_id = new_plan(app)
    pending, recordings = asyncio.run(
        decide_and_save(app, plan_id, AddProblem(description="Low mood"))
    )
    result = pending.finish(recordings)
    assert result.version == 2
    assert result.position == app.store.position_of(plan_id, 2)
    problem_id = result.result["problem_id"]
    # another process reads exactly what was acknowledged
    assert problem_id in other.get_plan(plan_id, CLINIC).problems
    # and the plan is cached again for the next command
    pending, recordings = asyncio.run(decide_and_save(app, plan_id, score(9)))
    assert pending.finish(recordings).version == 3


def test_a_plan_another_process_changed_is_reloaded_not_overwritten(two_apps):
    app, other, _ = two_apps
    plan_id = new_plan(app)
    other.handle(plan_id, CLINICIAN, AddProblem(description="Written elsewhere"))
    # the first process still holds version 1: its save clashes on version 2
    with pytest.raises(IntegrityError):
        asyncio.run(decide_and_save(app, plan_id, AddProblem(description="Written here")))
    # the blocking path reloads the plan and records the command on top
    result = app.handle(plan_id, CLINICIAN, AddProblem(description="Written here"))
    assert result.version == 3
    plan = other.get_plan(plan_id, CLINIC)
    assert sorted(p["description"] for p in plan.problems.values()) == [
        "Written elsewhere",
        "Written here",
    ]


async def save_together(app: PlansApplication, plan_ids: list) -> list:
    """One command on each plan, decided at once on one loop (one batch)."""
    pendings = [app.handle_now(p, CLINICIAN, score(4)) for p in plan_ids]
    assert all(p is not None for p in pendings)
    return await asyncio.gather(*(p.future for p in pendings), return_exceptions=True)


def test_saves_committed_together_fail_only_the_one_that_clashed(two_apps):
    app, other, _ = two_apps
    plan_ids = [new_plan(app, f"MRN-batch-{n}") for n in range(4)]
    before = app.group_commit_stats()
    other.handle(plan_ids[1], CLINICIAN, AddProblem(description="Written elsewhere"))
    outcomes = asyncio.run(save_together(app, plan_ids))
    assert isinstance(outcomes[1], IntegrityError)  # its plan moved on meanwhile
    for n in (0, 2, 3):  # the others are committed all the same
        assert [r.notification.originator_version for r in outcomes[n]] == [2]
        assert other.get_plan(plan_ids[n], CLINIC).version == 2
    assert other.get_plan(plan_ids[1], CLINIC).version == 2  # the other process's event only
    # one batch of four found the clash, then each save was written alone
    transactions, saves, largest = app.group_commit_stats()
    assert (transactions - before[0], saves - before[1]) == (3, 3)


def test_what_needs_the_database_is_left_to_the_blocking_path(two_apps):
    app, _, _ = two_apps
    plan_id = new_plan(app)
    # a command that reads the clinic's policy: declined, and the plan dropped
    change = ChangeReviewInterval(days=30, reason="monthly")
    assert app.handle_now(plan_id, CLINICIAN, change) is None
    assert app.handle_now(plan_id, CLINICIAN, score(5)) is None  # no longer cached
    assert app.handle(plan_id, CLINICIAN, change).version == 2  # reloads it
    # a stale If-Match is re-checked on the database
    assert app.handle_now(plan_id, CLINICIAN, score(5), expected_version=1) is None
    with pytest.raises(errors.StaleVersionError):
        app.handle(plan_id, CLINICIAN, score(5), expected_version=1)
    # a replayed idempotency key is answered by the blocking path (its position is read)
    keyed = Actor(CLINICIAN.user, CLINICIAN.role, CLINIC, "POST /x|key-1", "hash-1")
    first = app.handle(plan_id, keyed, score(7))
    assert app.handle_now(plan_id, keyed, score(7)) is None
    replay = app.handle(plan_id, keyed, score(7))
    assert replay.replayed and replay.version == first.version
    # another clinic's plan is never decided on
    stranger = Actor("dr-x", "clinician", "another-clinic")
    assert app.handle_now(plan_id, stranger, score(1)) is None


def test_a_read_is_answered_from_memory_brought_forward_by_newer_events(two_apps):
    app, other, _ = two_apps
    plan_id = new_plan(app)
    assert asyncio.run(app.read_current_now(plan_id, CLINIC)) is None  # never read yet
    read = app.read_plan(plan_id, CLINIC)
    again = asyncio.run(app.read_current_now(plan_id, CLINIC))
    assert again is read  # no event since: the same plan, no replay
    assert asyncio.run(app.read_current_now(plan_id, "another-clinic")) is None
    # another process writes: the events since are applied to a copy
    other.handle(plan_id, CLINICIAN, AddProblem(description="Newer"))
    other.handle(plan_id, CLINICIAN, score(6))
    forward = asyncio.run(app.read_current_now(plan_id, CLINIC))
    assert forward is not None and forward is not read
    assert document(forward) == document(other.get_plan(plan_id, CLINIC))
    assert forward.version == 3 and len(forward.problems) == 1
    assert read.version == 1 and not read.problems  # what other readers hold never changes
    assert asyncio.run(app.read_current_now(plan_id, CLINIC)) is forward
    # more events than a snapshot interval's worth: left to the blocking read
    for n in range(app.snapshotting_intervals[Plan]):
        other.handle(plan_id, CLINICIAN, score(n % 27))
    assert asyncio.run(app.read_current_now(plan_id, CLINIC)) is None
    assert app.read_plan(plan_id, CLINIC).version == other.get_plan(plan_id, CLINIC).version


def test_an_erasure_by_another_process_ends_reads_from_memory(two_apps):
    app, other, env = two_apps
    plan_id = new_plan(app, client_id="MRN-erased")
    app.read_plan(plan_id, CLINIC)
    assert asyncio.run(app.read_current_now(plan_id, CLINIC)) is not None
    erase_client(
        other,
        env,
        clinic=CLINIC,
        client_id="MRN-erased",
        reason="request",
        actor="dpo",
    )
    # within the key re-check interval the first process learns of it
    time.sleep(RECHECK_SECONDS + 0.1)
    assert asyncio.run(app.read_current_now(plan_id, CLINIC)) is None
    with pytest.raises(errors.PlanErasedError):
        app.read_plan(plan_id, CLINIC)


def test_the_loop_connection_is_replaced_when_it_breaks(two_apps, database_url):
    app, _, _ = two_apps
    plan_id = new_plan(app)

    async def newer_twice_with_a_kill_between() -> tuple[bool | None, bool | None]:
        before = await app.store.has_events_after(plan_id, 0)
        # the server drops the loop's connection (a restart, a proxy's cut)
        with psycopg.connect(database_url, autocommit=True) as admin:
            killed = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = 'plans loop reads'"
            ).fetchall()
        assert killed, "the loop's connection was not found"
        after = await app.store.has_events_after(plan_id, 1)
        await app.store.aclose()
        return before, after

    assert asyncio.run(newer_twice_with_a_kill_between()) == (True, False)


def test_a_snapshot_due_on_the_loop_is_written_after_the_answer_with_that_state(two_apps):
    """At a snapshot interval, a command the loop committed answers without
    waiting for its snapshot: the snapshot is encoded from the plan as saved
    (so the next command may change the plan at once) and written afterwards;
    another process then reads the same plan from it."""
    app, other, _ = two_apps
    interval = app.snapshotting_intervals[Plan]
    plan_id = new_plan(app)
    for n in range(interval - 2):  # versions 2 .. interval - 1
        pending, recordings = asyncio.run(decide_and_save(app, plan_id, score(n % 27)))
        assert not pending.snapshot_due
        pending.finish(recordings)
    pending, recordings = asyncio.run(decide_and_save(app, plan_id, score(12)))
    assert pending.in_memory and not pending.snapshot_due  # nothing blocking left in finish
    assert pending.finish(recordings).version == interval
    # The next command changes the cached plan straight away.
    pending, recordings = asyncio.run(decide_and_save(app, plan_id, score(13)))
    pending.finish(recordings)
    app.close()  # writes what its snapshot writer still holds
    snapshots = other.snapshots
    assert snapshots is not None
    stored = snapshots.recorder.select_events(plan_id, desc=True, limit=1)
    assert [s.originator_version for s in stored] == [interval]
    snapshot = snapshots.mapper.to_domain_event(stored[0])
    at_interval = other.repository.get(plan_id, version=interval)
    assert document(snapshot.mutate(None)) == document(at_interval)
    assert len(other.get_plan(plan_id, CLINIC).scores) == interval  # versions 2 .. interval + 1
