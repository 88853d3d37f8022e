"""Inline projections: written in the same transaction as the events themselves.

The event recorders below add one row per stored event to an `<events>_chain`
table: when the event was recorded (the (plan, time) → version index that
answers "the plan as of an instant") and a SHA-256 hash chaining the stored
record to its predecessor of the same plan (tamper evidence).

The hash covers what is stored (id, version, topic and the stored bytes,
encrypted when a cipher key is set), so verification needs no key, is
untouched by upcasting, and survives crypto-shredding.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier


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


def utc_text(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat(timespec="microseconds")


def _recorded_at(kwargs: dict[str, Any], count: int) -> list[datetime]:
    times: list[datetime] | None = kwargs.get("recorded_at")
    if times is None or len(times) != count:
        now = datetime.now(tz=UTC)
        return [now] * count
    return times


def _group_topics(rows: Iterable[tuple[Any, str | None]]) -> dict[UUID, set[str]]:
    topics: dict[UUID, set[str]] = {}
    for originator_id, topic in rows:
        found = topics.setdefault(UUID(str(originator_id)), set())
        if topic is not None:
            found.add(topic)
    return topics


class ChainedPostgresRecorder(PostgresApplicationRecorder):
    """PostgreSQL event recorder that also writes the chain and time index."""

    def __init__(self, datastore: Any, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
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
        # Links of plans that start in this save are hashed here (the previous
        # hash is b"") and go in as one array insert; links of existing plans
        # read their predecessor in SQL, under the table lock, one statement per
        # round (the k-th event of every plan in the save).
        self.insert_new_links_statement = SQL(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, recorded_at, hash) "
            "SELECT * FROM unnest(%b::uuid[], %b::bigint[], %b::timestamptz[], %b::bytea[])"
        ).format(schema=schema, table=table).as_string(None)
        self.insert_next_links_statement = SQL(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, recorded_at, hash) "
            "SELECT n.id, n.v, n.at, sha256(coalesce((SELECT c.hash FROM {schema}.{table} c "
            "WHERE c.originator_id = n.id AND c.originator_version = n.v - 1), ''::bytea) "
            "|| n.rec) FROM unnest(%b::uuid[], %b::bigint[], %b::timestamptz[], %b::bytea[]) "
            "AS n(id, v, at, rec)"
        ).format(schema=schema, table=table).as_string(None)
        # Plain typed arrays in binary, not the library's array of a composite
        # type (dumped as text, escaping every bytea: half a bulk save's CPU).
        self.insert_events_arrays_statement = SQL(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
            "SELECT * FROM unnest(%b::uuid[], %b::bigint[], %b::text[], %b::bytea[]) "
            "RETURNING notification_id"
        ).format(schema=schema, table=Identifier(self.events_table_name)).as_string(None)
        self.lock_statements_text = [q.as_string(None) for q in self.lock_table_statements]
        self.notify_statement_text = (
            SQL("NOTIFY {0}").format(Identifier(self.channel_name)).as_string(None)
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
        self.select_position_statement = SQL(
            "SELECT notification_id FROM {schema}.{table} "
            "WHERE originator_id = %s AND originator_version = %s"
        ).format(schema=schema, table=Identifier(self.events_table_name))

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Any:
        """The whole transaction in ONE round trip: BEGIN, lock, NOTIFY, events,
        links and COMMIT queued in one pipeline, then one Sync.

        The library syncs after the INSERT and commits on leaving
        `conn.transaction()` (two round trips); when the INSERT failed on a
        version clash the COMMIT could meet the aborted pipeline and the clash
        surfaced as OperationalError("pipeline aborted"), retried 10 x 0.2 s.
        Here a clash is always an IntegrityError at once, rolled back. The lock
        still makes commit order equal id order: readers never pass a gap.
        """
        if not stored_events:
            return []
        with self.datastore.get_connection() as conn:
            curs = conn.cursor()
            try:
                with conn.pipeline() as pipeline:
                    curs.execute("BEGIN")
                    self._insert_stored_events(curs, stored_events, **kwargs)
                    conn.cursor().execute("COMMIT")
                    pipeline.sync()
                return [row["notification_id"] for row in curs.fetchall()]
            except psycopg.errors.UniqueViolation:
                conn.execute("ROLLBACK")
                raise
            except psycopg.Error:
                # A lock timeout or lost connection may leave a queued statement
                # unparsed: drop the connection, the pool replaces it.
                conn.close()
                raise

    def _insert_stored_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        for statement in self.lock_statements_text:
            curs.execute(statement, prepare=True)
        curs.execute(self.notify_statement_text)
        curs.execute(
            self.insert_events_arrays_statement,
            (
                [e.originator_id for e in stored_events],
                [e.originator_version for e in stored_events],
                [e.topic for e in stored_events],
                [e.state for e in stored_events],
            ),
            prepare=True,
        )
        times = _recorded_at(kwargs, len(stored_events))
        new = {e.originator_id for e in stored_events if e.originator_version == 1}
        heads: dict[Any, bytes] = {}
        fresh: tuple[list[Any], list[int], list[datetime], list[bytes]] = ([], [], [], [])
        rounds: list[list[tuple[StoredEvent, datetime, bytes]]] = []
        seen: dict[Any, int] = {}
        for event, at in zip(stored_events, times, strict=True):
            record = canonical_record(
                event.originator_id, event.originator_version, event.topic, event.state
            )
            if event.originator_id in new:
                link = chain_hash(heads.get(event.originator_id, b""), record)
                heads[event.originator_id] = link
                for column, value in zip(
                    fresh, (event.originator_id, event.originator_version, at, link), strict=True
                ):
                    column.append(value)
                continue
            k = seen.get(event.originator_id, 0)
            seen[event.originator_id] = k + 1
            if k == len(rounds):
                rounds.append([])
            rounds[k].append((event, at, record))
        # The links go through a cursor of their own: the caller reads the new
        # notification ids from this one's results. Not prepared: a statement
        # queued behind a failed one is never parsed.
        with curs.connection.cursor() as links:
            if fresh[0]:
                links.execute(self.insert_new_links_statement, fresh, prepare=False)
            for batch in rounds:
                links.execute(
                    self.insert_next_links_statement,
                    (
                        [e.originator_id for e, _, _ in batch],
                        [e.originator_version for e, _, _ in batch],
                        [at for _, at, _ in batch],
                        [record for _, _, record in batch],
                    ),
                    prepare=False,
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


class ChainedSQLiteRecorder(SQLiteApplicationRecorder):
    """SQLite event recorder that also writes the chain and time index."""

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
