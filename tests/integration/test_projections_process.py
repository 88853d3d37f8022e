"""Projector processes on PostgreSQL: killed mid catch-up, and two at once.

Each projector is a real `run_projectors` process (as `plans project` runs
it). A SIGKILL at any moment loses and duplicates nothing; of two processes,
only the holder of a read model's advisory lock processes it, and the other
takes over when the holder dies.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import Tracking
from test_projections_support import dump_all, head, populate

from api.settings import Settings
from domain.commands import CreatePlan
from domain.plan import Actor
from projections.base import LockLostError
from projections.catalog import MODELS, open_view
from projections.readmodels import ReadModels
from projections.runner import lock_fence, pg_connect, rebuild
from projections.store import ADVISORY_NAMESPACE, Store, advisory_key, construct_factory

PROJECTOR = """
import logging, signal, sys, threading
logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                    format="%(asctime)s %(threadName)s %(message)s")
from api.runtime import open_application
from api.settings import Settings
from projections.runner import run_projectors
settings = Settings(database_url=sys.argv[1], data_dir=sys.argv[2],
                    jwt_secret="x" * 48, snapshot_interval=10)
app = open_application(settings)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
run_projectors(settings.library_env(), app, stop, batch_size=int(sys.argv[3]))
app.close()
"""

CLINICIAN = Actor("dr-p", "clinician", "clinic-0")


@pytest.fixture
def backend() -> str:
    """These scenarios are about PostgreSQL's locks and processes only.

    (`database_url` skips, or fails under CI=true, when PostgreSQL is away. No
    `from conftest import ...` here: tests/reliability/conftest.py takes that
    module name when the whole suite runs.)
    """
    return "postgres"


class Projector:
    def __init__(self, settings: Settings, log: Path, batch: int = 500) -> None:
        self.log_path = log
        self.log = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                PROJECTOR,
                str(settings.database_url),
                str(settings.data_dir),
                str(batch),
            ],
            stderr=self.log,
            stdout=subprocess.DEVNULL,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.log.close()

    def output(self) -> str:
        return self.log_path.read_text()


def lock_holders(settings: Settings) -> dict[int, list[str]]:
    """Advisory-lock key → the processes (application names) holding it."""
    with psycopg.connect(str(settings.database_url), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT l.objid::bigint, a.application_name FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.classid = %s AND l.objsubid = 2 AND l.granted "
            # Advisory locks are per database; pg_locks lists every database's.
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            (ADVISORY_NAMESPACE,),
        ).fetchall()
    holders: dict[int, list[str]] = {}
    for key, name in rows:
        holders.setdefault(int(key), []).append(name)
    return holders


def wait_until(predicate: Any, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def equal_to_fresh_rebuild(settings: Settings, app: Any, rm: ReadModels) -> None:
    assert rm.wait_for(head(app), 60), rm.status()
    live = dump_all(rm)
    rebuild(settings.library_env(), app, grace_seconds=0)
    assert dump_all(rm) == live


@pytest.mark.slow
def test_projector_killed_mid_catch_up_resumes_exactly_once(settings, app, tmp_path) -> None:
    populate(app, plans=240, rounds=25, chunk=80, clinics=3)
    total = head(app)
    rm = ReadModels(settings.library_env(), app)
    try:
        first = Projector(settings, tmp_path / "first.log", batch=20)
        try:
            assert wait_until(lambda: max(rm.positions().values()) >= total // 5, 60)
        finally:
            first.kill()
        positions = rm.positions()
        assert any(0 < p < total for p in positions.values()), (positions, total)
        # Whatever was committed stays; the rest is processed by the next process.
        second = Projector(settings, tmp_path / "second.log")
        try:
            more = app.create_plan(
                CLINICIAN, CreatePlan(client_id="client-late", start_date=date(2025, 1, 1))
            )
            assert rm.wait_for(more.position, 60), rm.status()
            assert all(p >= positions[n] for n, p in rm.positions().items())
            equal_to_fresh_rebuild(settings, app, rm)
        finally:
            second.stop()
        assert "Traceback" not in second.output()
    finally:
        rm.close()


@pytest.mark.slow
def test_two_projectors_never_process_the_same_read_model(settings, app, tmp_path) -> None:
    populate(app, plans=20, rounds=6, chunk=20)
    rm = ReadModels(settings.library_env(), app)
    keys = {advisory_key(name, "public"): name for name in MODELS}
    a = Projector(settings, tmp_path / "a.log")
    b: Projector | None = None
    stop = threading.Event()
    seen: list[dict[int, list[str]]] = []

    def write() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            app.create_plan(
                CLINICIAN, CreatePlan(client_id=f"client-{n}", start_date=date(2025, 1, 1))
            )
            time.sleep(0.01)

    writer = threading.Thread(target=write)
    try:
        name_a = f"plans-projections:{a.pid}"
        assert wait_until(lambda: lock_holders(settings) == {k: [name_a] for k in keys}, 30)
        b = Projector(settings, tmp_path / "b.log")
        name_b = f"plans-projections:{b.pid}"
        writer.start()
        assert wait_until(lambda: b.output().count("standing by") == len(keys), 30)
        for _ in range(15):
            holders = lock_holders(settings)
            seen.append(holders)
            assert holders == {k: [name_a] for k in keys}, holders
            time.sleep(0.1)
        assert rm.wait_for(head(app), 30)

        a.kill()  # the holder dies: b takes every read model over
        assert wait_until(lambda: lock_holders(settings) == {k: [name_b] for k in keys}, 30)
        time.sleep(0.5)
        stop.set()
        writer.join()
        equal_to_fresh_rebuild(settings, app, rm)
    finally:
        stop.set()
        if writer.is_alive():
            writer.join()
        if a.process.poll() is None:
            a.kill()
        if b is not None:
            b.stop()
        rm.close()
    assert b is not None
    log_a, log_b = a.output(), b.output()
    for name in MODELS:
        assert f"read model {name}: processing (lock acquired)" in log_a
        assert f"read model {name}: standing by" in log_b
        assert f"read model {name}: processing (lock acquired)" in log_b
    assert "standing by" not in log_a


def test_a_batch_commits_only_while_its_process_holds_the_lock(settings, app) -> None:
    store = Store(construct_factory(settings.library_env()))
    holder = pg_connect(store)
    try:
        key = advisory_key("plans", store.dialect.schema)
        fence = lock_fence(ADVISORY_NAMESPACE, key, holder.info.backend_pid)
        view = open_view(store, "plans", 1, fence)
        projection = MODELS["plans"](view, app)
        result = app.create_plan(
            CLINICIAN, CreatePlan(client_id="client-f", start_date=date(2025, 1, 1))
        )
        (note,) = app.recorder.select_notifications(start=result.position, limit=1)
        event = app.mapper.to_domain_event(note)
        with pytest.raises(LockLostError):
            projection.process_event(event, Tracking(app.name, note.id))
        assert view.max_tracking_id(app.name) is None
        holder.execute("SELECT pg_advisory_lock(%s, %s)", (ADVISORY_NAMESPACE, key))
        projection.process_event(event, Tracking(app.name, note.id))
        assert view.max_tracking_id(app.name) == note.id
    finally:
        holder.close()
        store.close()


def test_follower_survives_lost_connections(settings, app) -> None:
    """Every session of the database terminated (as a failover would): only a delay."""
    from projections.runner import ProjectionWorkers

    env = settings.library_env()
    rm = ReadModels(env, app)
    try:
        with ProjectionWorkers(env, app, names=["plans"]):
            first = app.create_plan(
                CLINICIAN, CreatePlan(client_id="client-1", start_date=date(2025, 1, 1))
            )
            assert rm.wait_for(first.position, 10, names=["plans"])
            with psycopg.connect(str(settings.database_url), autocommit=True) as conn:
                killed = conn.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).fetchone()[0]
            assert killed >= 3  # the lock/LISTEN session, pools of followers, app, queries
            second = app.create_plan(
                CLINICIAN, CreatePlan(client_id="client-2", start_date=date(2025, 1, 1))
            )
            assert rm.wait_for(second.position, 30, names=["plans"])
            assert rm.current_plan(second.plan_id)["client_id"] == "client-2"
    finally:
        rm.close()


def test_one_rebuild_of_a_read_model_at_a_time(settings, app) -> None:
    from projections.runner import REBUILD_NAMESPACE, RebuildBusyError

    env = settings.library_env()
    store = Store(construct_factory(env))
    other = pg_connect(store)
    try:
        key = advisory_key("scores", store.dialect.schema)
        other.execute("SELECT pg_advisory_lock(%s, %s)", (REBUILD_NAMESPACE, key))
        with pytest.raises(RebuildBusyError):
            rebuild(env, app, ["scores"], grace_seconds=0)
        other.execute("SELECT pg_advisory_unlock(%s, %s)", (REBUILD_NAMESPACE, key))
        assert rebuild(env, app, ["scores"], grace_seconds=0)["scores"].generation == 2
    finally:
        other.close()
        store.close()
