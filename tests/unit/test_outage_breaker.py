"""The outage breaker without a database: a probe and pools stand in for PostgreSQL.

After an outage, a request can still fail on a connection the outage left
broken, or time out waiting for the pool across the database's return. Such
a failure must not refuse everyone for a second: the breaker probes at once
and, when the database answers, refuses nothing. A real outage is refused
from the first probe on. Whenever the breaker closes, the pools are renewed.
"""

from __future__ import annotations

import threading
import time

import pytest
from eventsourcing.persistence import OperationalError

from api import outage
from api.outage import DatabaseBreaker
from api.problem_details import ProblemError


class Database:
    """The probe's view of the database: up or away; counts the probes."""

    def __init__(self) -> None:
        self.up = True
        self.probes = 0

    def probe(self) -> None:
        self.probes += 1
        if not self.up:
            raise OperationalError("connection refused")


class Pool:
    def __init__(self) -> None:
        self.drains = 0

    def drain(self) -> None:
        self.drains += 1

    def check(self) -> None:  # pragma: no cover - drain is preferred
        raise AssertionError("drain, not check")


class Datastore:
    def __init__(self) -> None:
        self.pool = Pool()


def breaker_with(database: Database, *datastores: Datastore) -> DatabaseBreaker:
    breaker = DatabaseBreaker(database.probe)
    for datastore in datastores:
        breaker.renew_pool_of(datastore)
    return breaker


def refused(breaker: DatabaseBreaker) -> bool:
    try:
        breaker.check()
    except ProblemError as e:
        assert e.status == 503 and e.headers["Retry-After"]
        return True
    return False


def test_a_failure_while_the_database_answers_refuses_nothing_and_renews_the_pools() -> None:
    database, events, read_models = Database(), Datastore(), Datastore()
    breaker = breaker_with(database, events, read_models)

    # e.g. a pool timeout that began in the outage and ended after the database came back
    breaker.failed(OperationalError("couldn't get a connection after 5.00 sec"))

    assert not refused(breaker)
    assert not breaker.is_open
    assert database.probes == 1
    assert (events.pool.drains, read_models.pool.drains) == (1, 1)
    assert not refused(breaker)  # and it stays closed without probing again
    assert database.probes == 1


def test_a_real_outage_is_refused_from_the_first_probe_then_probed_once_a_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(outage, "PROBE_EVERY_SECONDS", 0.2)
    database, events = Database(), Datastore()
    breaker = breaker_with(database, events)
    database.up = False

    breaker.failed(OperationalError("server closed the connection unexpectedly"))

    assert refused(breaker)
    assert database.probes == 1
    assert all(refused(breaker) for _ in range(20))  # at once, without probing
    assert database.probes == 1
    assert events.pool.drains == 0

    time.sleep(0.25)
    assert refused(breaker)  # the next probe, still away
    assert database.probes == 2

    database.up = True
    time.sleep(0.25)
    assert not refused(breaker)
    assert not breaker.is_open
    assert events.pool.drains == 1


def test_requests_wait_for_the_probe_that_confirms_a_failure_instead_of_a_503() -> None:
    database = Database()
    answering = threading.Event()
    probing = threading.Event()

    def slow_probe() -> None:
        probing.set()
        answering.wait(5)
        database.probe()

    breaker = DatabaseBreaker(slow_probe)
    breaker.failed(OperationalError("server closed the connection unexpectedly"))
    outcomes: list[bool] = []
    prober = threading.Thread(target=lambda: outcomes.append(refused(breaker)))
    prober.start()
    assert probing.wait(5)
    waiter = threading.Thread(target=lambda: outcomes.append(refused(breaker)))
    waiter.start()
    time.sleep(0.1)
    assert waiter.is_alive()  # waiting for the probe's answer, not refused

    answering.set()
    prober.join(5)
    waiter.join(5)
    assert outcomes == [False, False]
    assert database.probes == 1


def test_errors_that_are_not_the_databases_do_not_open_it() -> None:
    database = Database()
    breaker = breaker_with(database)

    breaker.failed(ValueError("a bug"))
    breaker.failed(ProblemError(422, "validation", "Unprocessable content", "no"))

    assert not breaker.is_open
    assert database.probes == 0


def test_sqlite_has_no_breaker() -> None:
    breaker = DatabaseBreaker(None)
    datastore = Datastore()
    breaker.renew_pool_of(datastore)

    breaker.failed(OperationalError("database is locked"))

    assert not breaker.is_open
    assert not refused(breaker)
    assert datastore.pool.drains == 0
