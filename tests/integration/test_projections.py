"""Read models on both backends: equal to a fresh rebuild, exactly once, queries.

Each scenario writes history through the application (and in bulk, see
test_projections_support.populate), lets the followers catch up, and checks
the read models against the event store itself.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError, Tracking
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from test_projections_support import FREE_TEXT, dump_all, head, populate

from api.settings import Settings
from domain.application import PlansApplication
from domain.commands import (
    AddGoal,
    AddProblem,
    ChangeGoalStatus,
    ChangeReviewInterval,
    ClosePlan,
    CreatePlan,
    RecordScore,
    ReviewPlan,
    SetReviewPolicy,
    SignPlan,
)
from domain.documents import plan_document
from domain.plan import Actor
from projections import readmodels as readmodels_module
from projections.base import LogReader, Share
from projections.catalog import MODELS, open_view
from projections.readmodels import ReadModels
from projections.revisions import Pseudonyms
from projections.runner import ProjectionWorkers, rebuild
from projections.store import Store, construct_factory

CLINICIAN = Actor("dr-who", "clinician", "clinic-q")
OTHER = Actor("dr-no", "clinician", "clinic-other")


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:
    return settings.library_env()


@pytest.fixture
def rm(env: dict[str, str], app: PlansApplication) -> Any:
    models = ReadModels(env, app)
    yield models
    models.close()


@pytest.fixture
def workers(env: dict[str, str], app: PlansApplication) -> Any:
    w = ProjectionWorkers(env, app)
    w.start()
    yield w
    w.stop()


def caught_up(rm: ReadModels, app: PlansApplication, timeout: float = 30.0) -> None:
    assert rm.wait_for(head(app), timeout), rm.status()


def all_rows(value: Any) -> Any:
    """Every key at any depth of a JSON value."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from all_rows(v)
    elif isinstance(value, list):
        for v in value:
            yield from all_rows(v)


def test_read_models_equal_a_fresh_rebuild(app, env, rm, workers) -> None:
    ids = populate(app, plans=12, rounds=14, chunk=5)
    app.set_review_policy(
        Actor("sup", "supervisor", "clinic-0"),
        SetReviewPolicy(review_interval_days=60, due_soon_days=10),
    )  # ignored by all
    plan = app.create_plan(CLINICIAN, CreatePlan(client_id="client-q", start_date=date(2025, 3, 1)))
    app.handle(
        plan.plan_id, CLINICIAN, SignPlan(signer_role="clinician", signed_on=date(2025, 3, 2))
    )
    caught_up(rm, app)
    live = dump_all(rm)
    generations = {name: rm.generation(name) for name in MODELS}

    results = rebuild(env, app, grace_seconds=0.2)

    assert set(results) == set(MODELS)
    assert {n: rm.generation(n) for n in MODELS} == {n: g + 1 for n, g in generations.items()}
    assert dump_all(rm) == live
    # Every current-plan document is what the event store says, byte for byte.
    for plan_id in [*ids, plan.plan_id]:
        stored = app.repository.get(plan_id)
        assert rm.current_plan(plan_id) == plan_document(stored)
    # The old generation is gone; the followers moved on to the new one.
    store = Store(construct_factory(env))
    try:
        old = open_view(store, "plans", generations["plans"])
        with pytest.raises(Exception):  # noqa: B017
            store.fetchall(f"SELECT 1 FROM {old.tables['t']}")
    finally:
        store.close()
    more = app.handle(plan.plan_id, CLINICIAN, AddProblem(description="after the rebuild"))
    assert rm.wait_for(more.position, 10)
    assert rm.current_plan(plan.plan_id)["version"] == 3
    status = rm.status()
    assert all(s["lag"] == 0 and not s["stalled"] for s in status.values()), status


def test_processing_an_event_twice_changes_nothing(app, env, rm, workers) -> None:
    populate(app, plans=4, rounds=8, chunk=4)
    caught_up(rm, app)
    before = dump_all(rm)
    store = Store(construct_factory(env))
    try:
        notes = app.recorder.select_notifications(start=1, limit=50)
        for name, cls in MODELS.items():
            view = open_view(store, name, rm.generation(name))
            projection = cls(view, app)
            for note in (notes[0], notes[len(notes) // 2], notes[-1]):
                event = app.mapper.to_domain_event(note)
                with pytest.raises(IntegrityError):
                    projection.process_event(event, Tracking(app.name, note.id))
            # A whole batch again (tracking the last id): refused as one.
            events = [(n.id, app.mapper.to_domain_event(n)) for n in notes]
            with pytest.raises(IntegrityError):
                projection.process_batch(events, Tracking(app.name, notes[-1].id))
        assert dump_all(rm) == before

        # From scratch: the first time counts, the second changes nothing.
        for name, cls in MODELS.items():
            view = open_view(store, name, 99)
            view.drop_tables()
            view.create_table()
            projection = cls(view, app)
            first = notes[0]
            projection.process_event(app.mapper.to_domain_event(first), Tracking(app.name, 1))
            rows = readmodels_dump(store, view)
            with pytest.raises(IntegrityError):
                projection.process_event(
                    app.mapper.to_domain_event(first), Tracking(app.name, first.id)
                )
            assert readmodels_dump(store, view) == rows
            assert view.max_tracking_id(app.name) == first.id
            view.drop_tables()
    finally:
        store.close()
    # The followers carry on as if nothing happened.
    later = app.create_plan(
        CLINICIAN, CreatePlan(client_id="client-later", start_date=date(2025, 1, 1))
    )
    assert rm.wait_for(later.position, 10)


def readmodels_dump(store: Store, view: Any) -> dict[str, list[Any]]:
    return {
        key: sorted(map(repr, store.fetchall(f"SELECT * FROM {table}")))
        for key, table in view.tables.items()
        if key.startswith("t")
    }


def test_queries(app, rm, workers) -> None:
    populate(app, plans=9, rounds=10, chunk=9, clinics=1)
    plan = app.create_plan(
        CLINICIAN,
        CreatePlan(client_id="client-q", start_date=date(2025, 1, 1), review_interval_days=30),
    )
    p = app.handle(plan.plan_id, CLINICIAN, AddProblem(description="worry")).result["problem_id"]
    measure = {"instrument": "GAD-7", "baseline": 16, "target": 6}
    goal = app.handle(
        plan.plan_id,
        CLINICIAN,
        AddGoal(problem_ids=[p], statement="calmer", measure=measure, target_date=date(2025, 6, 1)),
    )
    goal_id = goal.result["goal_id"]
    for day, score in ((10, 14), (40, 8), (40, 7), (70, 4)):
        app.handle(
            plan.plan_id,
            CLINICIAN,
            RecordScore(
                instrument="GAD-7",
                score=score,
                administered_on=date(2025, 1, 1) + timedelta(days=day),
            ),
        )
    app.handle(
        plan.plan_id,
        CLINICIAN,
        RecordScore(instrument="PHQ-9", score=12, administered_on=date(2025, 2, 1)),
    )
    last = app.handle(
        plan.plan_id,
        CLINICIAN,
        ChangeGoalStatus(goal_id=goal_id, status="on-hold", reason="paused"),
    )
    assert rm.wait_for(last.position, 10)

    # scores agree with the document's goal progress
    scores = rm.scores(plan.plan_id)
    assert [s["score"] for s in scores["series"]["GAD-7"]] == [14, 8, 7, 4]
    (phq9,) = scores["series"]["PHQ-9"]
    assert phq9 == {
        "administered_on": "2025-02-01",
        "score": 12,
        "severity": "moderate",
        "score_id": phq9["score_id"],
        "safety_screen": "not_assessed",  # a total only: item 9 unknown (contract v2)
        "safety_flag": False,
    }
    (g,) = scores["goals"]
    progress = plan_document(app.repository.get(plan.plan_id))["goals"][0]["progress"]
    assert g["goal_id"] == goal_id and g["status"] == "on-hold"
    assert (g["latest"], g["change_pct"], g["met"], g["response"], g["remission"]) == (
        progress["latest"],
        progress["change_pct"],
        progress["met"],
        progress["response"],
        progress["remission"],
    )
    assert (g["latest"], g["met"], g["response"], g["remission"]) == (4, True, True, True)
    assert rm.scores(plan.plan_id, clinic="clinic-other") == {"series": {}, "goals": []}

    # timeline: every event, oldest first, paged by version
    items = rm.timeline(plan.plan_id)
    assert [i["version"] for i in items] == list(range(1, 10))
    assert items[2]["summary"] == "Goal 'calmer' added: GAD-7 16 → 6 by 2025-06-01"
    assert items[-1]["reason"] == "paused" and items[-1]["type"] == "GoalStatusChanged"
    assert [i["version"] for i in rm.timeline(plan.plan_id, after_version=6, limit=2)] == [7, 8]
    assert rm.timeline(plan.plan_id, clinic="clinic-other") == []

    # current plan, and another clinic cannot see it
    assert rm.current_plan(plan.plan_id)["version"] == 9
    assert rm.current_plan(plan.plan_id, clinic="clinic-other") is None
    assert rm.current_plan(UUID(int=0)) is None

    # list: filters, and a stable cursor that pages through everything once
    seen, cursor = [], None
    while True:
        page, cursor = rm.list_plans("clinic-0", limit=4, after=cursor)
        seen.extend(p["id"] for p in page)
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 9
    everything, _ = rm.list_plans("clinic-0", limit=100)
    assert [p["id"] for p in everything] == seen
    closed, _ = rm.list_plans("clinic-0", status="closed")
    assert closed and all(p["status"] == "closed" for p in closed)
    mine, _ = rm.list_plans("clinic-q", clinician="dr-who", client_id="client-q")
    assert [p["id"] for p in mine] == [str(plan.plan_id)]
    assert mine[0]["next_review_due"] == "2025-01-31"


def test_review_queue_for_any_date(app, rm, workers) -> None:
    start = date(2025, 1, 1)
    due = {}

    def create(client: str, begin: date, interval: int, by: Actor = CLINICIAN) -> UUID:
        result = app.create_plan(
            by, CreatePlan(client_id=client, start_date=begin, review_interval_days=interval)
        )
        due[result.plan_id] = begin + timedelta(days=interval)
        return result.plan_id

    a = create("a", start, 30)  # due 01-31
    b = create("b", start + timedelta(days=9), 30)  # due 02-09
    c = create("c", start, 60)  # reviewed: due 03-01
    app.handle(
        c,
        CLINICIAN,
        ReviewPlan(
            reviewed_on=date(2025, 1, 20), outcome="continue", next_review_due=date(2025, 3, 1)
        ),
    )
    due[c] = date(2025, 3, 1)
    d = create("d", start, 19)  # due 01-20, but closed: never listed
    app.handle(d, CLINICIAN, ClosePlan(closed_on=date(2025, 1, 15), reason="discharged"))
    e = create("e", start, 30)  # active (signed by both): listed like drafts
    app.handle(e, CLINICIAN, SignPlan(signer_role="clinician", signed_on=start))
    app.handle(e, CLINICIAN, SignPlan(signer_role="client", signed_on=start))
    f = create("f", start, 40)  # interval changed: due 02-25
    app.handle(f, CLINICIAN, ChangeReviewInterval(days=55, reason="slower"))
    due[f] = start + timedelta(days=55)
    other = create("other", start, 10, OTHER)
    del due[other]  # another clinic's plan: never in this clinic's queue
    last = create("g", start + timedelta(days=1), 30)  # due 02-01
    assert rm.wait_for(app.recorder.max_notification_id(), 10)
    assert rm.current_plan(e)["status"] == "active"
    del due[d]

    # A worked example: most overdue first, closed plans never, a 14-day window.
    queue = rm.review_queue("clinic-q", date(2025, 2, 5), 14)
    tied = sorted([str(a), str(e)])
    assert [(i["plan_id"], i["days_overdue"]) for i in queue["overdue"]] == [
        (tied[0], 5),
        (tied[1], 5),
        (str(last), 4),
    ]
    assert [(i["plan_id"], i["days_overdue"]) for i in queue["due_soon"]] == [(str(b), -4)]
    wider = rm.review_queue("clinic-q", date(2025, 2, 5), 20)["due_soon"]
    assert [(i["plan_id"], i["days_overdue"]) for i in wider] == [(str(b), -4), (str(f), -20)]
    first = queue["overdue"][0]
    assert first["client_id"] in ("a", "e") and first["clinician"] == "dr-who"
    assert first["next_review_due"] == "2025-01-31"
    assert str(d) not in json.dumps(rm.review_queue("clinic-q", date(2026, 1, 1), 400))
    assert rm.review_queue("clinic-q", date(2025, 2, 9), 0)["due_soon"][0]["plan_id"] == str(b)

    def expected(as_of: date, within: int) -> dict[str, list[tuple[str, int]]]:
        ordered = sorted(due.items(), key=lambda kv: (kv[1], str(kv[0])))
        return {
            "overdue": [(str(p), (as_of - d).days) for p, d in ordered if d < as_of],
            "due_soon": [
                (str(p), (as_of - d).days)
                for p, d in ordered
                if as_of <= d <= as_of + timedelta(days=within)
            ],
        }

    @hsettings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        as_of=st.dates(min_value=date(2024, 12, 1), max_value=date(2025, 4, 30)),
        within=st.integers(min_value=0, max_value=60),
    )
    def check(as_of: date, within: int) -> None:
        got = rm.review_queue("clinic-q", as_of, within)
        assert {
            k: [(i["plan_id"], i["days_overdue"]) for i in v] for k, v in got.items()
        } == expected(as_of, within)
        for item in got["overdue"] + got["due_soon"]:
            assert date.fromisoformat(item["next_review_due"]) == due[UUID(item["plan_id"])]

    check()


def test_revisions_are_de_identified_and_filterable(app, rm, workers) -> None:
    populate(app, plans=6, rounds=10, chunk=6, clinics=1)
    caught_up(rm, app)
    names = Pseudonyms(b"a test secret")
    analyst, cursor = [], None
    while True:
        page, cursor = rm.analyst_revisions(names, "clinic-0", limit=7, after=cursor)
        analyst.extend(page)
        if cursor is None:
            break
    assert len(analyst) == head(app)
    assert len({(i["subject"], i["version"]) for i in analyst}) == len(analyst)
    text = json.dumps(analyst)
    assert FREE_TEXT not in text
    assert "client-" not in text
    items, cursor = [], None
    while True:
        page, cursor = rm.revisions("clinic-0", limit=7, after=cursor)
        items.extend(page)
        if cursor is None:
            break
    assert len(items) == len(analyst)
    assert {names.subject("clinic-0", i["plan_id"]) for i in items} == {
        i["subject"] for i in analyst
    }
    # Auditors may have the full data.
    full, _ = rm.revisions("clinic-0", type="PlanCreated", limit=100)
    assert len(full) == 6 and all(i["data"]["client_id"].startswith("client-") for i in full)
    # Filters: type, role, and inclusive date / instant ranges.
    scored, _ = rm.revisions("clinic-0", type="ScoreRecorded", role="clinician", limit=1000)
    assert scored and {i["type"] for i in scored} == {"ScoreRecorded"}
    assert rm.revisions("clinic-0", role="auditor")[0] == []
    today = datetime.now(tz=UTC).date()
    assert len(rm.revisions("clinic-0", from_=today, to=today, limit=1000)[0]) == len(items)
    assert rm.revisions("clinic-0", to=today - timedelta(days=1))[0] == []
    assert rm.revisions("clinic-0", from_=today + timedelta(days=1))[0] == []
    middle = items[len(items) // 2]["recorded_at"]
    upto, _ = rm.revisions("clinic-0", to=middle, limit=1000)
    since, _ = rm.revisions("clinic-0", from_=datetime.fromisoformat(middle), limit=1000)
    assert upto[-1]["recorded_at"] == middle and since[0]["recorded_at"] == middle
    assert len(upto) + len(since) >= len(items) + 1
    assert rm.revisions("clinic-elsewhere")[0] == []


def test_rebuild_while_commands_keep_arriving(app, env, rm, workers) -> None:
    populate(app, plans=10, rounds=10, chunk=10, clinics=1)
    caught_up(rm, app)
    stop = threading.Event()
    failures: list[str] = []
    written: list[Any] = []
    queried = [0]

    def write() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            result = app.create_plan(
                CLINICIAN, CreatePlan(client_id=f"client-w{n}", start_date=date(2025, 1, 1))
            )
            written.append(app.handle(result.plan_id, CLINICIAN, AddProblem(description="p")))

    def query() -> None:
        while not stop.is_set():
            try:
                rm.list_plans("clinic-0", limit=5)
                rm.review_queue("clinic-q", date(2025, 6, 1), 30)
                rm.revisions("clinic-q", limit=5)
                if written:
                    plan_id = written[-1].plan_id
                    rm.current_plan(plan_id)
                    rm.timeline(plan_id)
                    rm.scores(plan_id)
                rm.status()
                queried[0] += 1
            except Exception as e:  # noqa: BLE001 - collected and asserted on
                failures.append(repr(e))

    threads = [threading.Thread(target=write), threading.Thread(target=query)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.3)
        progress: list[tuple[str, int, int, float]] = []
        rebuild(env, app, progress_callback=lambda *a: progress.append(a), grace_seconds=0.5)
        time.sleep(0.3)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not failures, failures[:3]
    assert queried[0] > 5 and len(written) > 5
    assert {p[0] for p in progress} == set(MODELS)
    assert all(rate >= 0 for *_, rate in progress)
    caught_up(rm, app)
    live = dump_all(rm)
    assert rm.current_plan(written[-1].plan_id)["version"] == 2
    rebuild(env, app, grace_seconds=0)
    assert dump_all(rm) == live


def test_wait_for_and_status(app, env, rm) -> None:
    result = app.create_plan(
        CLINICIAN, CreatePlan(client_id="client-s", start_date=date(2025, 1, 1))
    )
    assert rm.wait_for(result.position, 0.2) is False  # nobody follows yet
    status = rm.status()
    assert status["plans"]["lag"] == 1 and status["plans"]["stalled"] is False
    readmodels_module.STALL_SECONDS = 0.0
    try:
        assert rm.status()["plans"]["stalled"] is True
    finally:
        readmodels_module.STALL_SECONDS = 5.0
    with ProjectionWorkers(env, app, names=["plans"]):
        assert rm.wait_for(result.position, 10, names=["plans"])
        assert rm.wait_for(result.position, 0.1) is False  # the others are not followed
        status = rm.status()
        assert status["plans"] == {
            "position": result.position,
            "head": result.position,
            "lag": 0,
            "stalled": False,
            "generation": 1,
        }


def test_a_failed_batch_leaves_no_aggregate_ahead_of_the_rows(app, env, rm) -> None:
    from projections.base import GenerationProcessor, LogReader

    created = app.create_plan(
        CLINICIAN, CreatePlan(client_id="client-f", start_date=date(2025, 1, 1))
    )
    for n in range(3):
        app.handle(created.plan_id, CLINICIAN, AddProblem(description=f"problem {n}"))
    store = Store(construct_factory(env))
    try:
        generation = rm.generation("plans")
        view = open_view(store, "plans", generation)
        projection = MODELS["plans"](view, app)
        processor = GenerationProcessor(projection, LogReader(app), generation, app.name)
        assert processor.step(1) == 1  # the plan is created and cached at version 1
        real_write = view.write

        def failing(*args: Any, **kwargs: Any) -> None:
            raise RuntimeError("simulated failure")

        view.write = failing  # type: ignore[method-assign]
        with pytest.raises(RuntimeError):
            processor.step(500)
        assert projection.cache is not None
        assert created.plan_id.int not in projection.cache._items  # dropped, not at v4
        assert processor.position == 1 and view.max_tracking_id(app.name) == 1
        view.write = real_write  # type: ignore[method-assign]
        assert processor.step(500) == 3
        assert rm.current_plan(created.plan_id) == plan_document(
            app.repository.get(created.plan_id)
        )
    finally:
        store.close()


def test_read_models_joining_one_reader_at_different_positions_equal_a_rebuild(
    app, env, rm
) -> None:
    """One follower reads the log once for every read model: read models that start
    from different positions (one caught up halfway, the others from nothing) are
    each fed exactly their own events, the aggregate ones with the plan AT each event."""
    populate(app, plans=12, rounds=12, chunk=4)
    with ProjectionWorkers(env, app, names=["plans", "scores"], batch_size=7):
        assert rm.wait_for(head(app) // 2, 30, names=["plans", "scores"])
    halfway = rm.positions()
    assert halfway["plans"] > 0 and halfway["compliance"] == 0, halfway
    with ProjectionWorkers(env, app, batch_size=11):
        caught_up(rm, app)
        live = dump_all(rm)
    rebuild(env, app, grace_seconds=0)
    assert dump_all(rm) == live


def test_rebuild_in_builder_processes_equals_one_process(app, env, rm) -> None:
    populate(app, plans=10, rounds=10, chunk=5)
    rebuild(env, app, grace_seconds=0)
    one = dump_all(rm)
    for jobs in (2, 3, 2):
        results = rebuild(env, app, grace_seconds=0, jobs=jobs)
        assert set(results) == set(MODELS)
        assert {r.events for r in results.values()} == {head(app)}
        assert dump_all(rm) == one, jobs


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)  # builders: PostgreSQL only
def test_events_written_while_builder_processes_fill_are_not_lost(app, env, rm) -> None:
    """Builder processes stop at the head as it was when they started; what is
    written meanwhile (here: while the first progress report arrives) is read by
    the rebuilding process before the switch, and the followers resume after it."""
    populate(app, plans=8, rounds=6, chunk=4)
    before = head(app)
    written: list[int] = []

    def write_meanwhile(name: str, position: int, head_now: int, rate: float) -> None:
        if not written:
            written.append(head_now)
            populate(app, plans=3, rounds=4, chunk=3)

    names = ["plans", "scores", "plan_timeline"]
    rebuild(env, app, names, write_meanwhile, grace_seconds=0, jobs=2)
    assert written == [before] and head(app) > before
    assert rm.positions(names) == dict.fromkeys(names, head(app))
    sharded = {name: rows for name, rows in dump_all(rm).items() if name in names}
    rebuild(env, app, names, grace_seconds=0)
    assert {name: rows for name, rows in dump_all(rm).items() if name in names} == sharded
    assert all(sharded[name]["t"] for name in names)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)  # shares: PostgreSQL only
def test_log_shares_partition_the_log_up_to_their_bound_in_order(app) -> None:
    """Each share streams its plans' events in log order, whatever its batch size
    and wherever a read starts again; together the shares are the log up to
    their bound, each event once, and nothing written after the bound."""
    populate(app, plans=30, rounds=3, chunk=5)
    upto = head(app)
    populate(app, plans=2, rounds=2, chunk=2)  # after the bound
    whole = [(n.id, n.originator_id) for n in LogReader(app).notes(0, upto)]
    assert len(whole) == upto
    parts = 3
    seen: list[tuple[int, UUID]] = []
    for part in range(parts):
        reader = LogReader(app, read_ahead=True, share=Share(part, parts, upto))
        try:
            mine: list[tuple[int, UUID]] = []
            after = 0
            while batch := reader.read(after, 4):
                mine += [(position, event.originator_id) for position, _, event in batch]
                after = batch[-1][0]
            # Reading again from an earlier position gives the same events from there.
            again = [(p, e.originator_id) for p, _, e in reader.read(mine[2][0], 3)]
        finally:
            reader.close()
        assert mine == sorted(mine) and again == mine[3:6]
        # 30 plans over 3 shares: fewer than 6 events in one is ~1e-5 likely.
        assert len(mine) >= 6, part
        plans = {plan for _, plan in mine}
        assert [x for x in whole if x[1] in plans] == mine
        seen += mine
    assert sorted(seen) == whole


def test_a_follower_asked_to_stop_while_opening_stops_quietly(
    env: dict[str, str],
    app: PlansApplication,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Opening a read model can wait long (a busy SQLite file). If `stop` gives up
    waiting meanwhile, the follower stops as soon as it gets back, without
    following, retrying or logging after its owner has moved on."""
    import projections.runner as runner

    opening, release = threading.Event(), threading.Event()
    real_open = runner.open_view

    def slow_open(*args: Any, **kwargs: Any) -> Any:
        opening.set()
        release.wait(10)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(runner, "open_view", slow_open)
    workers = ProjectionWorkers(env, app)
    caplog.set_level("INFO", logger="projections")
    workers.start()
    assert opening.wait(10)
    followers = list(workers.followers)
    workers.stop(timeout=0.2)
    assert any("did not stop within" in r.getMessage() for r in caplog.records)
    caplog.clear()
    release.set()
    for follower in followers:
        follower.join(10)
        assert not follower.is_alive()
    assert [r.getMessage() for r in caplog.records if r.levelno >= 20] == []


def test_a_follower_lingers_longer_only_under_a_heavy_stream() -> None:
    """After a batch, the next one gathers for LINGER_SECONDS; only a stream of at
    least BUSY_EVENTS_PER_SECOND (a batch that large for the time since the last
    one) waits BUSY_LINGER_SECONDS, so a clinic's trickle of commits is still
    projected at once while a flood is written in fewer, larger batches."""
    from projections.runner import (
        BUSY_EVENTS_PER_SECOND,
        BUSY_LINGER_SECONDS,
        LINGER_SECONDS,
        linger,
    )

    assert BUSY_LINGER_SECONDS > LINGER_SECONDS
    # The lag figure's stream: 200 commands/s, a batch every ~LINGER_SECONDS.
    assert linger(4, 0.021) == LINGER_SECONDS
    # A first commit after a quiet minute, and a burst of a few commands.
    assert linger(1, 60.0) == LINGER_SECONDS
    assert linger(10, 0.0001) == LINGER_SECONDS
    # wrk's stream: ~2,000 events/s.
    assert linger(42, 0.021) == BUSY_LINGER_SECONDS
    assert linger(200, 0.1) == BUSY_LINGER_SECONDS
    # Just below and at the rate.
    rate_batch = round(BUSY_EVENTS_PER_SECOND * 0.05)
    assert linger(rate_batch - 1, 0.05) == LINGER_SECONDS
    assert linger(rate_batch, 0.05) == BUSY_LINGER_SECONDS
