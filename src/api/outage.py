"""Fail fast while PostgreSQL is away.

The library retries a lost database for many seconds per call (ten tries,
each waiting the pool's timeout); during an outage every request would wait
that long before its 503. The breaker watches the application's datastore:
once getting a connection has failed, it opens, and from then on requests
are refused (503) at once and connection requests fail at once, except for
one probe (a fresh connection, `SELECT 1`, bounded) at most once a second;
the first probe that succeeds closes it. Requests in flight when the
database went away end after one pool timeout plus the library's short
retry waits, not ten pool timeouts. SQLite has no outage to wait out (a
locked file is contention), so there it never opens.
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
        self.last_probe = 0.0
        self._probing = threading.Lock()

    @classmethod
    def for_settings(cls, settings: Settings) -> DatabaseBreaker:
        return cls(postgres_probe(settings) if settings.backend == "postgres" else None)

    @property
    def is_open(self) -> bool:
        return self.down_since is not None

    def failed(self, exc: BaseException) -> None:
        if self.probe is not None and isinstance(exc, DATABASE_ERRORS) and not self.is_open:
            self.down_since = self.last_probe = time.monotonic()
            log.warning(
                "database unreachable (%s); answering 503 until it returns", type(exc).__name__
            )

    def check(self) -> None:
        """Raise 503 at once while the database is known to be away (probing now and then)."""
        since = self.down_since
        if since is None:
            return
        if time.monotonic() - self.last_probe < PROBE_EVERY_SECONDS:
            raise self._refusal()
        if not self._probing.acquire(blocking=False):
            raise self._refusal()
        try:
            self.last_probe = time.monotonic()
            assert self.probe is not None
            self.probe()
        except DATABASE_ERRORS:
            raise self._refusal() from None
        finally:
            self._probing.release()
        log.warning("database reachable again after %.1fs", time.monotonic() - since)
        self.down_since = None

    def guard(self, datastore: Any) -> None:
        """Route the datastore's connection requests through the breaker."""
        if self.probe is None:
            return
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
