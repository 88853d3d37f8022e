"""The one factory of dedicated PostgreSQL connections (outside the pools):
schema creation under the advisory lock, the outage probe, the projection
workers' LISTEN / advisory-lock connections; `pooled_transaction`, a cursor
in one transaction on the library's pooled datastore (either backend); and
`SharedReads`, one pooled connection for the several reads of one request.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from eventsourcing.postgres import PostgresDatastore


def params_from_env(env: Mapping[str, str]) -> dict[str, str]:
    """Connection parameters from the library's POSTGRES_* environment keys."""
    return {
        "host": env.get("POSTGRES_HOST") or "",
        "port": env.get("POSTGRES_PORT") or "5432",
        "user": env.get("POSTGRES_USER") or "",
        "password": env.get("POSTGRES_PASSWORD") or "",
        "dbname": env.get("POSTGRES_DBNAME") or "",
    }


@contextmanager
def pooled_transaction(datastore: Any, *, commit: bool) -> Iterator[Any]:
    """A cursor in one transaction on a pooled connection of the library's
    datastore; rolled back unless `commit` (PostgreSQL or SQLite)."""
    if isinstance(datastore, PostgresDatastore):
        with (
            datastore.get_connection() as conn,
            conn.transaction(force_rollback=not commit),
        ):
            yield conn.cursor()
    else:
        with datastore.transaction(commit=commit) as curs:
            yield curs


def connect(
    params: Mapping[str, str], *, connect_timeout: int = 10, **options: Any
) -> psycopg.Connection[Any]:
    """An autocommit connection to the database `params` name (host, port,
    user, password, dbname; other keys are ignored)."""
    return psycopg.connect(
        host=params["host"],
        port=params["port"],
        user=params["user"],
        password=params["password"],
        dbname=params["dbname"],
        autocommit=True,
        connect_timeout=connect_timeout,
        **options,
    )


class SharedReads:
    """Lets the reads of one block share one pooled connection.

    The library checks a connection out of the pool (and pings it first) for
    every select, so reading one plan (its snapshot, then the events after
    it, then perhaps its data key) costs a checkout and a ping each. Inside
    `with shared.reads():` the first select of this thread checks out a
    connection as ever (inside the library's retries, through the outage
    breaker), and the next ones reuse it until the block ends. Reads only
    (the connection is in autocommit): writes keep their own transactions.
    A failure drops the shared connection, so a retry gets a fresh one.
    """

    def __init__(self, datastore: Any) -> None:
        self._local = threading.local()
        acquire = datastore.get_connection  # the library's (a breaker may wrap this later)

        @contextmanager
        def get_connection(*args: Any, **kwargs: Any) -> Iterator[Any]:
            local = self._local
            if not getattr(local, "sharing", False):
                with acquire(*args, **kwargs) as conn:
                    yield conn
                return
            if getattr(local, "held", None) is None:
                manager = acquire(*args, **kwargs)
                local.conn = manager.__enter__()
                local.held = manager
            try:
                yield local.conn
            except BaseException as exc:
                self._release(exc)
                raise

        datastore.get_connection = get_connection

    def _release(self, exc: BaseException | None = None) -> None:
        manager, self._local.held, self._local.conn = self._local.held, None, None
        if manager is not None:
            if exc is None:
                manager.__exit__(None, None, None)
            else:
                manager.__exit__(type(exc), exc, exc.__traceback__)

    @contextmanager
    def reads(self) -> Iterator[None]:
        local = self._local
        if getattr(local, "sharing", False):  # nested: already shared
            yield
            return
        local.sharing, local.held = True, None
        try:
            yield
        finally:
            local.sharing = False
            if local.held is not None:
                self._release()


class LoopConnection:
    """One psycopg async connection (autocommit) for the event loop that uses
    it: work done on the loop itself, without borrowing a worker thread. Used
    from one event loop at a time: when another loop asks, the old loop's
    connection is dropped (no round trip: that loop may be gone) and a new one
    is opened on first use. `drop()` after a failure: the next use reconnects;
    `drain()` (from any thread: the outage breaker, once the database is back)
    has the next use reconnect. `name` is its application_name (what
    pg_stat_activity shows)."""

    def __init__(
        self, kwargs: Mapping[str, Any], connect_timeout: float, name: str | None = None
    ) -> None:
        self._kwargs = {k: v for k, v in kwargs.items() if k != "row_factory"}
        if name is not None:
            self._kwargs["application_name"] = name
        self._connect_timeout = max(1, round(connect_timeout))
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stale = False

    def bind(self) -> bool:
        """Tie the connection to the running loop; True when the loop changed."""
        loop = asyncio.get_running_loop()
        if self._loop is loop:
            return False
        self.drop()
        self._loop = loop
        return True

    @property
    def is_open(self) -> bool:
        return self._conn is not None and not self._stale

    async def get(self) -> psycopg.AsyncConnection[Any]:
        if self._stale:
            self._stale = False
            self.drop()
        if self._conn is None:
            self._conn = await psycopg.AsyncConnection.connect(
                autocommit=True, connect_timeout=self._connect_timeout, **self._kwargs
            )
        return self._conn

    def drain(self) -> None:
        self._stale = True

    def drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.closed:
            conn.pgconn.finish()  # no round trip: the loop it belongs to may be gone

    async def aclose(self) -> None:
        """Close the connection: politely on its own loop, else at once."""
        if self._loop is not asyncio.get_running_loop():
            self.drop()
            return
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.close()


class LoopReads:
    """Reads made on the event loop itself, on one `LoopConnection`: a query
    that answers in one round trip need not borrow a worker thread. One query
    at a time. A query that fails on a connection already open is tried once
    more on a new one, so a connection an outage left broken fails nobody once
    the database is back; a second failure is raised (the API answers 503)."""

    def __init__(self, kwargs: Mapping[str, Any], connect_timeout: float) -> None:
        self.connection = LoopConnection(kwargs, connect_timeout, "plans loop reads")
        self._lock: asyncio.Lock | None = None

    async def fetch_all(self, query: Any, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        if self.connection.bind() or self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            reused = self.connection.is_open
            try:
                return await self._fetch_all(query, params)
            except psycopg.OperationalError:
                self.connection.drop()
                if not reused:
                    raise
            return await self._fetch_all(query, params)

    async def _fetch_all(self, query: Any, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        conn = await self.connection.get()
        try:
            cursor = await conn.execute(query, params, prepare=True)
            return await cursor.fetchall()
        except psycopg.OperationalError:
            raise
        except psycopg.Error:
            self.connection.drop()
            raise

    async def aclose(self) -> None:
        await self.connection.aclose()
