"""After an outage no request meets a connection the outage left broken.

A pool's idle connections die with the database's connections; nothing
touches them while the breaker refuses requests. Were they kept, the first
requests after the database's return would each find one broken (the pool's
check fails, and the pool waits a second before trying the next one), and a
request that fails or times out that way re-opened the breaker. When the
breaker closes it drains every pool it knows, so the next request gets a
new connection.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from eventsourcing.persistence import OperationalError
from eventsourcing.postgres import PostgresDatastore

from api import outage
from api.outage import DatabaseBreaker
from api.problem_details import ProblemError
from api.settings import Settings


@pytest.fixture
def through_proxy(settings: Settings, proxy_factory: Any) -> Iterator[tuple[Any, Settings]]:
    """A TCP proxy to the test's database, and settings that reach it through the proxy."""
    pg = urlsplit(str(settings.database_url))
    proxy = proxy_factory((pg.hostname or "127.0.0.1", pg.port or 5432))
    url = urlunsplit(pg._replace(netloc=f"{pg.username or 'root'}@127.0.0.1:{proxy.port}"))
    yield proxy, settings.model_copy(update={"database_url": url})


def lost(datastore: PostgresDatastore) -> int:
    """Connections the pool found broken when it lent or got them back."""
    return int(datastore.pool.get_stats().get("connections_lost", 0))


def use_connections(datastore: PostgresDatastore, n: int) -> None:
    """n connections at once (so each idle one in the pool is lent), one query each."""
    with ExitStack() as stack:
        for _ in range(n):
            conn = stack.enter_context(datastore.get_connection())
            conn.execute("SELECT 1").fetchall()


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_the_pools_hold_no_connection_from_before_the_outage_once_the_breaker_closes(
    through_proxy: tuple[Any, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outage, "PROBE_EVERY_SECONDS", 0.1)
    proxy, settings = through_proxy
    params = settings.postgres_params()
    datastore = PostgresDatastore(
        params["dbname"], params["host"], params["port"], params["user"], params["password"],
        pool_size=2, pre_ping=True, connect_timeout=5,
    )  # fmt: skip
    breaker = DatabaseBreaker.for_settings(settings)
    breaker.guard(datastore)
    try:
        use_connections(datastore, 2)
        assert lost(datastore) == 0

        proxy.cut()
        breaker.failed(OperationalError("server closed the connection unexpectedly"))
        time.sleep(0.15)
        with pytest.raises(ProblemError):
            breaker.check()  # a probe finds the database away
        proxy.restore()
        time.sleep(0.15)
        breaker.check()  # the database answers the next probe
        assert not breaker.is_open

        use_connections(datastore, 2)
        assert lost(datastore) == 0, "a request after the outage met a connection from before it"
    finally:
        datastore.close()
