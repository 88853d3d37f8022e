"""The event recorders: events, hash chain and time index in one transaction.

They implement the domain's `PlanEventStore` (domain/store.py): one subclass
per backend (PostgreSQL, SQLite, and in-memory for unit tests). Each adds
one row per stored event to an `<events>_chain` table: when the event was
recorded (the (plan, time) → version index that answers "the plan as of an
instant") and a SHA-256 hash chaining the stored
record to its predecessor of the same plan (tamper evidence).

The hash covers what is stored (id, version, topic and the stored bytes,
encrypted when a cipher key is set), so verification needs no key, is
untouched by upcasting, and survives crypto-shredding.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import (
    IntegrityError,
    OperationalError,
    PersistenceError,
    StoredEvent,
)
from eventsourcing.popo import POPOApplicationRecorder, POPOFactory
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier, Literal

from domain.group_commit import LoopBatcher
from domain.store import PlanEventStore
from eventstore.connections import LoopConnection, LoopReads, SharedReads
from eventstore.utc import utc_now, utc_text


def canonical_record(
    originator_id: UUID | str, version: int, topic: str, state: bytes | str
) -> bytes:
    """The bytes a chain link hashes: the stored record, unambiguously framed."""
    # A state edited into TEXT by hand (SQLite's `state || 'x'`) still hashes,
    # so verification reports the tampering instead of crashing on it.
    raw = state.encode() if isinstance(state, str) else bytes(state)
    return f"{UUID(str(originator_id))}\n{int(version)}\n{topic}\n".encode() + raw


def chain_hash(previous: bytes, record: bytes) -> bytes:
    return hashlib.sha256(previous + record).digest()


def _recorded_at(kwargs: dict[str, Any], count: int) -> list[datetime]:
    times: list[datetime] | None = kwargs.get("recorded_at")
    if times is None or len(times) != count:
        now = utc_now()
        return [now] * count
    return times


def _group_topics(rows: Iterable[tuple[Any, str | None]]) -> dict[UUID, set[str]]:
    topics: dict[UUID, set[str]] = {}
    for originator_id, topic in rows:
        found = topics.setdefault(UUID(str(originator_id)), set())
        if topic is not None:
            found.add(topic)
    return topics


class ChainedPostgresRecorder(PlanEventStore, PostgresApplicationRecorder):
    """PostgreSQL event recorder that also writes the chain and time index."""

    def __init__(self, datastore: Any, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        # One datastore serves the snapshots too: share its connections once.
        shared = getattr(datastore, "shared_reads", None)
        if shared is None:
            shared = datastore.shared_reads = SharedReads(datastore)
        self._shared_reads: SharedReads = shared
        self.chain_table_name = f"{events_table_name}_chain"
        schema = Identifier(self.datastore.schema)
        table = Identifier(self.chain_table_name)
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {schema}.{table} ("
                "originator_id uuid NOT NULL, "
                "originator_version bigint NOT NULL, "
                "recorded_at timestamptz NOT NULL, "
                "hash bytea NOT NULL, "
                "PRIMARY KEY (originator_id, originator_version))"
            ).format(schema=schema, table=table)
        )
        self.sql_create_statements.append(
            SQL(
                "CREATE INDEX IF NOT EXISTS {index} ON {schema}.{table} "
                "(originator_id, recorded_at)"
            ).format(
                index=Identifier(f"{self.chain_table_name}_time_idx"), schema=schema, table=table
            )
        )
        # The whole save is ONE statement: this function takes the table lock
        # (commit order = position order, so readers never pass a gap), NOTIFYs
        # followers, inserts the events (returning their positions in order) and
        # each chain link, hashed from its predecessor read under the lock. One
        # round trip and one flush per save. Unlike the library's
        # POSTGRES_ENABLE_DB_FUNCTIONS, it keeps the lock and is named after
        # its own table.
        self.append_function = Identifier(self.datastore.schema, f"{events_table_name}_append")
        self.sql_create_statements.append(
            SQL(
                "CREATE OR REPLACE FUNCTION {function}(ids uuid[], versions bigint[], "
                "topics text[], states bytea[], ats timestamptz[], records bytea[]) "
                "RETURNS SETOF bigint LANGUAGE plpgsql AS $body$\n"
                "DECLARE i int; previous bytea;\n"
                "BEGIN\n"
                "  SET LOCAL lock_timeout = '{timeout}s';\n"
                "  LOCK TABLE {schema}.{events} IN EXCLUSIVE MODE;\n"
                "  PERFORM pg_notify({channel}, '');\n"
                "  RETURN QUERY INSERT INTO {schema}.{events} "
                "(originator_id, originator_version, topic, state) "
                "SELECT * FROM unnest(ids, versions, topics, states) RETURNING notification_id;\n"
                "  FOR i IN 1 .. coalesce(array_length(ids, 1), 0) LOOP\n"
                "    previous := NULL;\n"
                "    SELECT c.hash INTO previous FROM {schema}.{chain} c "
                "WHERE c.originator_id = ids[i] AND c.originator_version = versions[i] - 1;\n"
                "    INSERT INTO {schema}.{chain} VALUES (ids[i], versions[i], ats[i], "
                "sha256(coalesce(previous, ''::bytea) || records[i]));\n"
                "  END LOOP;\n"
                "END $body$"
            ).format(
                function=self.append_function,
                timeout=SQL(str(int(self.datastore.lock_timeout))),
                schema=schema,
                events=Identifier(self.events_table_name),
                chain=table,
                channel=Literal(self.channel_name),
            )
        )
        self.append_statement = (
            SQL("SELECT * FROM {function}(%b, %b, %b, %b, %b, %b) AS position")
            .format(function=self.append_function)
            .as_string(None)
        )
        self.select_links_statement = SQL(
            "SELECT originator_version, recorded_at, hash FROM {schema}.{table} "
            "WHERE originator_id = %s ORDER BY originator_version"
        ).format(schema=schema, table=table)
        self.select_head_statement = SQL(
            "SELECT hash FROM {schema}.{table} WHERE originator_id = %s "
            "ORDER BY originator_version DESC LIMIT 1"
        ).format(schema=schema, table=table)
        self.select_version_at_statement = SQL(
            "SELECT max(originator_version) AS version FROM {schema}.{table} "
            "WHERE originator_id = %s AND recorded_at <= %s"
        ).format(schema=schema, table=table)
        self.select_originator_topics_statement = SQL(
            "SELECT DISTINCT originator_id, topic FROM {schema}.{events} "
            "UNION SELECT DISTINCT originator_id, NULL FROM {schema}.{table}"
        ).format(schema=schema, events=Identifier(self.events_table_name), table=table)
        # Which of several (plan, version) have events after that version: the
        # concurrent checks of GET /plans/{id} share one statement (`has_events_after`).
        self.select_newer_statement = (
            SQL(
                "SELECT t.n FROM unnest(%s::uuid[], %s::bigint[]) WITH ORDINALITY AS t(id, v, n) "
                "WHERE EXISTS (SELECT 1 FROM {schema}.{table} e "
                "WHERE e.originator_id = t.id AND e.originator_version > t.v)"
            )
            .format(schema=schema, table=Identifier(self.events_table_name))
            .as_string(None)
        )
        self.select_after_statement = (
            SQL(
                "SELECT originator_id, originator_version, topic, state FROM {schema}.{table} "
                "WHERE originator_id = %s AND originator_version > %s "
                "ORDER BY originator_version LIMIT %s"
            )
            .format(schema=schema, table=Identifier(self.events_table_name))
            .as_string(None)
        )
        self._loop_reads = LoopReads(datastore.pool.kwargs, datastore.pool.timeout)
        self._newer_checks: LoopBatcher[tuple[UUID, int], bool] = LoopBatcher(self._select_newer)
        self._loop_writes = LoopConnection(
            datastore.pool.kwargs, datastore.pool.timeout, "plans event writer"
        )
        self.select_position_statement = SQL(
            "SELECT notification_id FROM {schema}.{table} "
            "WHERE originator_id = %s AND originator_version = %s"
        ).format(schema=schema, table=Identifier(self.events_table_name))

    def reads(self) -> AbstractContextManager[None]:
        """One pooled connection (one checkout, one ping) for a block of reads."""
        return self._shared_reads.reads()

    async def has_events_after(self, originator_id: UUID, version: int) -> bool | None:
        return await self._newer_checks.submit((originator_id, version))

    async def select_events_after(
        self, originator_id: UUID, version: int, limit: int
    ) -> Sequence[StoredEvent] | None:
        rows = await self._loop_reads.fetch_all(
            self.select_after_statement, (originator_id, version, limit)
        )
        return [StoredEvent(row[0], row[1], row[2], bytes(row[3])) for row in rows]

    async def _select_newer(self, checks: list[tuple[UUID, int]]) -> list[bool]:
        rows = await self._loop_reads.fetch_all(
            self.select_newer_statement, ([c[0] for c in checks], [c[1] for c in checks])
        )
        newer = {row[0] for row in rows}
        return [n in newer for n in range(1, len(checks) + 1)]

    def loop_connections(self) -> tuple[Any, ...]:
        """The event loop's own connections (for the outage breaker to renew)."""
        return (self._loop_reads.connection, self._loop_writes)

    async def aclose(self) -> None:
        await self._loop_reads.aclose()
        await self._loop_writes.aclose()

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Any:
        """One autocommit statement per save (see the append function above).

        A version clash is an IntegrityError at once (the statement's implicit
        transaction rolls back); a lock timeout or lost connection is an
        OperationalError, answered 503 by the API.
        """
        if not stored_events:
            return []
        with self.datastore.get_connection() as conn:
            rows = conn.execute(
                self.append_statement, self._append_params(stored_events, kwargs), prepare=True
            ).fetchall()
        return [row["position"] for row in rows]

    inserts_on_loop = True

    async def insert_events_async(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int]:
        """`insert_events` on the event loop's own connection: the same one
        statement, its errors as the library's (IntegrityError on a clash). Never
        tried twice: a save whose connection broke may have committed, so it
        fails (503) and the outage breaker renews the connection."""
        if not stored_events:
            return []
        positions, _ = await self.insert_events_with(stored_events, (), **kwargs)
        return positions

    async def insert_events_with(
        self,
        stored_events: Sequence[StoredEvent],
        statements: Sequence[tuple[str, Sequence[Any]]],
        **kwargs: Any,
    ) -> tuple[Sequence[int], int]:
        """The append, then `statements`, in one pipeline: one round trip and,
        on this autocommit connection, one implicit transaction (it ends at the
        pipeline's one Sync), so a failure anywhere commits none of it."""
        params = self._append_params(stored_events, kwargs)
        self._loop_writes.bind()
        conn = await self._loop_writes.get()
        try:
            if not statements:
                cursor = await conn.execute(self.append_statement, params, prepare=True)
                return [row[0] for row in await cursor.fetchall()], 0
            async with conn.pipeline():
                cursor = await conn.execute(self.append_statement, params, prepare=True)
                last = cursor
                for statement, values in statements:
                    last = await conn.execute(statement, values, prepare=True)
            rows = await cursor.fetchall()
            return [row[0] for row in rows], last.rowcount
        except psycopg.IntegrityError as e:
            raise IntegrityError(str(e)) from e
        except (psycopg.OperationalError, psycopg.InterfaceError) as e:
            self._loop_writes.drop()
            raise OperationalError(str(e)) from e
        except psycopg.Error as e:
            self._loop_writes.drop()
            raise PersistenceError(str(e)) from e

    def _append_params(self, stored_events: Sequence[StoredEvent], kwargs: dict[str, Any]) -> Any:
        times = _recorded_at(kwargs, len(stored_events))
        return (
            [e.originator_id for e in stored_events],
            [e.originator_version for e in stored_events],
            [e.topic for e in stored_events],
            [e.state for e in stored_events],
            list(times),
            [
                canonical_record(e.originator_id, e.originator_version, e.topic, e.state)
                for e in stored_events
            ],
        )

    def _fetch(self, statement: Any, params: Sequence[Any]) -> list[DictRow]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(statement, params, prepare=True)
            return curs.fetchall()

    def chain_links(self, originator_id: UUID) -> list[tuple[int, datetime, bytes]]:
        rows = self._fetch(self.select_links_statement, [originator_id])
        return [(r["originator_version"], r["recorded_at"], bytes(r["hash"])) for r in rows]

    def head_hash(self, originator_id: UUID) -> str | None:
        rows = self._fetch(self.select_head_statement, [originator_id])
        return bytes(rows[0]["hash"]).hex() if rows else None

    def version_at(self, originator_id: UUID, instant: datetime) -> int | None:
        rows = self._fetch(self.select_version_at_statement, [originator_id, instant])
        return rows[0]["version"] if rows else None

    def position_of(self, originator_id: UUID, version: int) -> int | None:
        rows = self._fetch(self.select_position_statement, [originator_id, version])
        return rows[0]["notification_id"] if rows else None

    def originator_topics(self) -> dict[UUID, set[str]]:
        """Every originator in the chain or events table, with its events' topics
        (an empty set when only chain links are left)."""
        rows = self._fetch(self.select_originator_topics_statement, [])
        return _group_topics((r["originator_id"], r["topic"]) for r in rows)


class ChainedSQLiteRecorder(PlanEventStore, SQLiteApplicationRecorder):
    """SQLite event recorder that also writes the chain and time index."""

    serialises_writers = True

    def __init__(self, datastore: Any, events_table_name: str = "stored_events") -> None:
        self.chain_table_name = f"{events_table_name}_chain"
        super().__init__(datastore, events_table_name)

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {self.chain_table_name} ("
            "originator_id TEXT NOT NULL, "
            "originator_version INTEGER NOT NULL, "
            "recorded_at TEXT NOT NULL, "
            "hash BLOB NOT NULL, "
            "PRIMARY KEY (originator_id, originator_version)) WITHOUT ROWID",
            f"CREATE INDEX IF NOT EXISTS {self.chain_table_name}_time_idx "
            f"ON {self.chain_table_name} (originator_id, recorded_at)",
        ]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        # The SQLite write transaction is exclusive: reading the previous link
        # here cannot race another writer.
        notification_ids = super()._insert_events(c, stored_events, **kwargs)
        for event, at in zip(stored_events, _recorded_at(kwargs, len(stored_events)), strict=True):
            key = UUID(str(event.originator_id)).hex
            c.execute(
                f"SELECT hash FROM {self.chain_table_name} "
                "WHERE originator_id = ? AND originator_version = ?",
                (key, event.originator_version - 1),
            )
            row = c.fetchone()
            previous = bytes(row["hash"]) if row else b""
            record = canonical_record(
                event.originator_id, event.originator_version, event.topic, event.state
            )
            c.execute(
                f"INSERT INTO {self.chain_table_name} VALUES (?, ?, ?, ?)",
                (key, event.originator_version, utc_text(at), chain_hash(previous, record)),
            )
        return notification_ids

    def _fetch(self, statement: str, params: Sequence[Any]) -> list[Any]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(statement, params)
            return list(c.fetchall())

    def chain_links(self, originator_id: UUID) -> list[tuple[int, datetime, bytes]]:
        rows = self._fetch(
            f"SELECT originator_version, recorded_at, hash FROM {self.chain_table_name} "
            "WHERE originator_id = ? ORDER BY originator_version",
            [originator_id.hex],
        )
        return [
            (r["originator_version"], datetime.fromisoformat(r["recorded_at"]), bytes(r["hash"]))
            for r in rows
        ]

    def head_hash(self, originator_id: UUID) -> str | None:
        rows = self._fetch(
            f"SELECT hash FROM {self.chain_table_name} WHERE originator_id = ? "
            "ORDER BY originator_version DESC LIMIT 1",
            [originator_id.hex],
        )
        return bytes(rows[0]["hash"]).hex() if rows else None

    def version_at(self, originator_id: UUID, instant: datetime) -> int | None:
        rows = self._fetch(
            f"SELECT max(originator_version) AS version FROM {self.chain_table_name} "
            "WHERE originator_id = ? AND recorded_at <= ?",
            [originator_id.hex, utc_text(instant)],
        )
        return rows[0]["version"] if rows else None

    def position_of(self, originator_id: UUID, version: int) -> int | None:
        rows = self._fetch(
            f"SELECT rowid AS position FROM {self.events_table_name} "
            "WHERE originator_id = ? AND originator_version = ?",
            [originator_id.hex, version],
        )
        return rows[0]["position"] if rows else None

    def originator_topics(self) -> dict[UUID, set[str]]:
        """Every originator in the chain or events table, with its events' topics
        (an empty set when only chain links are left)."""
        rows = self._fetch(
            f"SELECT DISTINCT originator_id, topic FROM {self.events_table_name} "
            f"UNION SELECT DISTINCT originator_id, NULL FROM {self.chain_table_name}",
            [],
        )
        return _group_topics((r["originator_id"], r["topic"]) for r in rows)


class ChainedPOPORecorder(PlanEventStore, POPOApplicationRecorder):
    """In-memory event recorder with the same chain and time index (unit tests)."""

    def __init__(self) -> None:
        super().__init__()
        self._links: dict[UUID, dict[int, tuple[datetime, bytes]]] = {}

    def _insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        with self._database_lock:
            notification_ids = super()._insert_events(stored_events, **kwargs)
            times = _recorded_at(kwargs, len(stored_events))
            for event, at in zip(stored_events, times, strict=True):
                links = self._links.setdefault(UUID(str(event.originator_id)), {})
                previous = links.get(event.originator_version - 1, (at, b""))[1]
                record = canonical_record(
                    event.originator_id, event.originator_version, event.topic, event.state
                )
                links[event.originator_version] = (at, chain_hash(previous, record))
            return notification_ids

    def chain_links(self, originator_id: UUID) -> list[tuple[int, datetime, bytes]]:
        with self._database_lock:
            links = self._links.get(originator_id, {})
            return [(v, at, h) for v, (at, h) in sorted(links.items())]

    def head_hash(self, originator_id: UUID) -> str | None:
        links = self.chain_links(originator_id)
        return links[-1][2].hex() if links else None

    def version_at(self, originator_id: UUID, instant: datetime) -> int | None:
        versions = [v for v, at, _ in self.chain_links(originator_id) if at <= instant]
        return max(versions, default=None)

    def position_of(self, originator_id: UUID, version: int) -> int | None:
        with self._database_lock:
            index = self._stored_events_index[str(originator_id)].get(version)
            return None if index is None else index + 1

    def originator_topics(self) -> dict[UUID, set[str]]:
        with self._database_lock:
            rows: list[tuple[Any, str | None]] = [
                (e.originator_id, e.topic) for e in self._stored_events
            ]
            rows += [(oid, None) for oid in self._links]
        return _group_topics(rows)


class ChainedPOPOFactory(POPOFactory):
    """The in-memory persistence module, with the chained recorder."""

    def application_recorder(self) -> ChainedPOPORecorder:
        return ChainedPOPORecorder()


def datastore_of(store: PlanEventStore) -> PostgresDatastore | SQLiteDatastore | None:
    """The database behind a store (None in memory): its pool serves the
    access log and the outage breaker too."""
    if isinstance(store, ChainedPostgresRecorder | ChainedSQLiteRecorder):
        return store.datastore
    return None
