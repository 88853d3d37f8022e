"""Fail fast while PostgreSQL is away.

The library retries a lost database for many seconds per call (ten tries,
each waiting the pool's timeout); during an outage every request would wait
that long before its 503. The breaker watches the application's datastore:
once a database call has failed, it opens, and the next request probes (a
fresh connection, `SELECT 1`, bounded) at once, the requests meanwhile
waiting for that answer. If the database answers, the failure was not an
outage and the breaker closes again: after an outage, a request that met a
connection the outage left broken, or that waited out the pool's timeout
across the database's return, must not refuse everyone for a second. If it
does not answer, requests are refused (503) at once and connection requests
fail at once, except for one probe at most once a second; the first probe
that succeeds closes it. Whenever it closes, the pools of every datastore
it knows are drained (idle connections closed, new ones opened), so no
request meets a connection that lived through the outage. Requests in
flight when the database went away end after one pool timeout plus the
library's short retry waits, not ten pool timeouts. SQLite has no outage to
wait out (a locked file is contention), so there it never opens.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import OperationalError

from api.problem_details import DATABASE_ERRORS, ProblemError, unavailable
from api.settings import Settings
from eventstore.connections import connect

log = logging.getLogger("plans.api")
PROBE_EVERY_SECONDS = 1.0
PROBE_TIMEOUT_SECONDS = 2


def postgres_probe(settings: Settings) -> Callable[[], None]:
    params = settings.postgres_params()

    def probe() -> None:
        with connect(params, connect_timeout=PROBE_TIMEOUT_SECONDS) as conn:
            conn.execute("SELECT 1")

    return probe


class DatabaseBreaker:
    def __init__(self, probe: Callable[[], None] | None) -> None:
        self.probe = probe
        self.down_since: float | None = None
        # False from a failure until a probe finds the database away: while the
        # outage is unconfirmed, requests wait for the probe instead of a refusal.
        self.confirmed = False
        self.cause = ""
        self.last_probe = 0.0
        self.pools: list[Any] = []
        self._probing = threading.Lock()

    @classmethod
    def for_settings(cls, settings: Settings) -> DatabaseBreaker:
        return cls(postgres_probe(settings) if settings.backend == "postgres" else None)

    @property
    def is_open(self) -> bool:
        return self.down_since is not None

    def failed(self, exc: BaseException) -> None:
        if self.probe is not None and isinstance(exc, DATABASE_ERRORS) and not self.is_open:
            self.confirmed = False
            self.cause = type(exc).__name__
            self.down_since = time.monotonic()

    def check(self) -> None:
        """Raise 503 at once while the database is known to be away (probing now and then);
        right after a failure, probe (or wait for the probe) before refusing anything."""
        if self.down_since is None:
            return
        if self.confirmed:
            if time.monotonic() - self.last_probe < PROBE_EVERY_SECONDS:
                raise self._refusal()
            acquired = self._probing.acquire(blocking=False)
        else:
            acquired = self._probing.acquire(timeout=PROBE_TIMEOUT_SECONDS + 1)
        if not acquired:
            raise self._refusal()
        try:
            since = self.down_since
            if since is None:  # the probe this request waited for found the database
                return
            if self.confirmed and time.monotonic() - self.last_probe < PROBE_EVERY_SECONDS:
                raise self._refusal()  # ... or found it away
            self.last_probe = time.monotonic()
            assert self.probe is not None
            try:
                self.probe()
            except DATABASE_ERRORS:
                if not self.confirmed:
                    self.confirmed = True
                    log.warning(
                        "database unreachable (%s); answering 503 until it returns", self.cause
                    )
                raise self._refusal() from None
            self.renew_pools()
            if self.confirmed:
                log.warning("database reachable again after %.1fs", time.monotonic() - since)
            else:
                log.warning(
                    "database error (%s) while the database answers (a connection left "
                    "broken by an outage?): pools renewed, nothing refused",
                    self.cause,
                )
            self.down_since = None
        finally:
            self._probing.release()

    def renew_pool_of(self, datastore: Any) -> None:
        """Drain this datastore's connection pool whenever the breaker closes."""
        pool = getattr(datastore, "pool", None)
        if self.probe is not None and pool is not None and hasattr(pool, "check"):
            self.pools.append(pool)

    def renew_connections(self, *connections: Any) -> None:
        """Renew these dedicated connections (the event loop's: anything with a
        `drain()`) whenever the breaker closes, as the pools are."""
        if self.probe is not None:
            self.pools.extend(c for c in connections if c is not None)

    def renew_pools(self) -> None:
        """Every pool's idle connections closed and replaced by new ones, and those
        lent out closed on their return (psycopg_pool's drain; its check where the
        pool has no drain): none of them has to fail a request, or the pool's own
        check, to be found broken. A drain is quick: it sends nothing on the old ones."""
        for pool in self.pools:
            try:
                if hasattr(pool, "drain"):
                    pool.drain()
                else:
                    pool.check()
            except Exception as exc:  # noqa: BLE001 - a closed pool; the others still renew
                log.warning("could not renew a connection pool: %s", exc)

    def guard(self, datastore: Any) -> None:
        """Route the datastore's connection requests through the breaker."""
        if self.probe is None:
            return
        self.renew_pool_of(datastore)
        acquire = datastore.get_connection

        @contextmanager
        def get_connection(*args: Any, **kwargs: Any) -> Iterator[Any]:
            if self.is_open:
                try:
                    self.check()
                except ProblemError:
                    raise OperationalError("the database is unreachable") from None
            connection = acquire(*args, **kwargs)
            try:
                conn = connection.__enter__()
            except DATABASE_ERRORS as exc:  # could not even get a connection
                self.failed(exc)
                raise
            with connection_exit(connection):
                yield conn

        datastore.get_connection = get_connection

    @staticmethod
    def _refusal() -> ProblemError:
        return unavailable("the database is unreachable; try again shortly")


@contextmanager
def connection_exit(manager: Any) -> Iterator[None]:
    """Hand the body's outcome (or exception) to an entered context manager."""
    try:
        yield
    except BaseException as exc:  # noqa: BLE001 - re-raised unless the manager suppresses it
        if not manager.__exit__(type(exc), exc, exc.__traceback__):
            raise
    else:
        manager.__exit__(None, None, None)
