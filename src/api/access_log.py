"""The access log (HIPAA audit controls): who read or changed which plan, when, and how it went.

An append-only table in the event store's own database: triggers refuse
UPDATE, DELETE (and on PostgreSQL TRUNCATE), so an entry once written stays.
Entries carry ids, roles, the route template and the status code, never a
body, a query string or free text.

Tamper evidence: every entry holds `hash` = sha256 of its predecessor's hash
and its own fields (appends are serialised: an advisory lock on PostgreSQL,
BEGIN IMMEDIATE on SQLite; every entry queued meanwhile is group-committed in
one transaction, by the event loop itself for requests on PostgreSQL, else by
one writer thread per process, and a caller returns only once its entry is
committed), so `plans verify --access-log` finds an entry that was edited or
deleted. On PostgreSQL a command decided on the event loop commits its entry
with its events instead, in their transaction (`AccessRider`, `AccessLog.ride`).
On PostgreSQL the service's role does not own the table (`plans init` with
PLANS_SERVICE_ROLE): it may INSERT and SELECT, and cannot UPDATE, DELETE,
TRUNCATE, or disable the triggers.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import queue
import sqlite3
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
import psycopg
from psycopg import sql

from api.settings import Settings
from domain.group_commit import LoopBatcher, RiderWrite, settle
from eventstore.connections import LoopConnection, connect
from eventstore.utc import as_utc, utc_now, utc_text

TABLE = "access_log"
GENESIS = "0" * 64
# pg_advisory_xact_lock key serialising appends (so the chain has one head).
APPEND_LOCK_KEY = 0x706C616E73AC  # "plans" + access
# The event loop writer's application_name (pg_stat_activity).
WRITER_NAME = "plans access-log writer"
# The most entries one group-commit transaction writes.
MAX_BATCH = 1000


@dataclass(frozen=True)
class AccessEntry:
    actor: str
    role: str
    clinic: str
    plan_id: str | None
    action: str
    outcome: int


def entry_hash(
    prev: str,
    at: datetime,
    actor: str,
    role: str,
    clinic: str,
    plan_id: str | None,
    action: str,
    outcome: int,
) -> str:
    """The chain link of one entry: its fields and its predecessor's hash."""
    fields = [prev, utc_text(at), actor, role, clinic, plan_id, action, int(outcome)]
    text = json.dumps(fields, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# ------------------------------------------------------------------- schema
_PG_STATEMENTS = [
    "CREATE TABLE IF NOT EXISTS {schema}.{table} ("
    " id bigserial PRIMARY KEY,"
    " at timestamptz NOT NULL DEFAULT now(),"
    " actor text NOT NULL, role text NOT NULL, clinic text NOT NULL,"
    " plan_id text, action text NOT NULL, outcome integer NOT NULL)",
    "ALTER TABLE {schema}.{table} ADD COLUMN IF NOT EXISTS hash text",
    "CREATE INDEX IF NOT EXISTS {clinic_idx} ON {schema}.{table} (clinic, id)",
    "CREATE INDEX IF NOT EXISTS {plan_idx} ON {schema}.{table} (clinic, plan_id, id)",
    "CREATE OR REPLACE FUNCTION {schema}.{refuse}() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the access log is append-only'; END $$",
    "CREATE OR REPLACE TRIGGER {no_change} BEFORE UPDATE OR DELETE ON {schema}.{table} "
    "FOR EACH ROW EXECUTE FUNCTION {schema}.{refuse}()",
    "CREATE OR REPLACE TRIGGER {no_truncate} BEFORE TRUNCATE ON {schema}.{table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION {schema}.{refuse}()",
]

_SQLITE_STATEMENTS = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " at TEXT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL, clinic TEXT NOT NULL,"
    " plan_id TEXT, action TEXT NOT NULL, outcome INTEGER NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_clinic_idx ON {TABLE} (clinic, id)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_plan_idx ON {TABLE} (clinic, plan_id, id)",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
]


def _pg_names(schema: str) -> dict[str, sql.Identifier]:
    return {
        "schema": sql.Identifier(schema or "public"),
        "table": sql.Identifier(TABLE),
        "clinic_idx": sql.Identifier(f"{TABLE}_clinic_idx"),
        "plan_idx": sql.Identifier(f"{TABLE}_plan_idx"),
        "refuse": sql.Identifier(f"{TABLE}_refuse_change"),
        "no_change": sql.Identifier(f"{TABLE}_no_change"),
        "no_truncate": sql.Identifier(f"{TABLE}_no_truncate"),
    }


def create_access_log(settings: Settings) -> None:
    params = settings.postgres_params()
    if settings.backend == "sqlite":
        with sqlite3.connect(params["path"], timeout=30) as db:
            for statement in _SQLITE_STATEMENTS:
                db.execute(statement)
            columns = {row[1] for row in db.execute(f"PRAGMA table_info({TABLE})")}
            if "hash" not in columns:
                db.execute(f"ALTER TABLE {TABLE} ADD COLUMN hash TEXT")
        db.close()
        return
    names = _pg_names(params["schema"])
    with connect(params) as conn:
        for statement in _PG_STATEMENTS:
            conn.execute(sql.SQL(statement).format(**names))  # type: ignore[arg-type]


@dataclass
class AccessRider:
    """A command's access-log entry, offered to ride with its events (`AccessLog.ride`):
    `entry` holds the outcome the command answers when its save commits, and
    `written` tells whether the entry was committed in the events' transaction."""

    entry: AccessEntry
    written: bool = False


# ------------------------------------------------------------------ waiters
# Who waits for an entry's commit: a thread (a concurrent Future) or a coroutine
# (its event loop and an asyncio Future of that loop).
Waiter = Future[None] | tuple[asyncio.AbstractEventLoop, "asyncio.Future[None]"]


def _settle(waiters: Sequence[Waiter], error: BaseException | None) -> None:
    """Tell a batch's waiters its outcome (from the writer thread): threads at
    once, each event loop's coroutines in one callback on that loop. A waiter
    that went away (cancelled, its loop closed) is skipped: the writer goes on."""
    by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
    for done in waiters:
        if isinstance(done, tuple):
            by_loop.setdefault(done[0], []).append(done[1])
            continue
        settle(done, None, error)
    for loop, futures in by_loop.items():
        try:
            loop.call_soon_threadsafe(_settle_on_loop, futures, error)
        except RuntimeError:  # the loop is closed: nobody is waiting any more
            pass


def _settle_on_loop(futures: list[asyncio.Future[None]], error: BaseException | None) -> None:
    for future in futures:
        settle(future, None, error)


# -------------------------------------------------------------------- store
class AccessLog:
    """Appends and reads entries through the application's own datastore (its pool);
    on SQLite, appends take the write lock first (BEGIN IMMEDIATE) on a connection
    of their own, so each entry chains onto the true head."""

    def __init__(self, datastore: Any, backend: str, sqlite_path: str | None = None) -> None:
        self.datastore = datastore
        self.backend = backend
        self.sqlite_path = sqlite_path or getattr(datastore, "db_name", None)
        # SQLite: the writer thread's own connection (appends take BEGIN IMMEDIATE on it).
        self._db: sqlite3.Connection | None = None
        self._pending: queue.SimpleQueue[tuple[AccessEntry, Sequence[str], Waiter] | None] = (
            queue.SimpleQueue()
        )
        self._writer: threading.Thread | None = None
        self._writer_lock = threading.Lock()
        columns = "at, actor, role, clinic, plan_id, action, outcome, hash"
        # PostgreSQL: requests on an event loop append through the loop's own
        # group commit, on a connection of its own (`append_async`).
        self._loop_writer: LoopBatcher[tuple[AccessEntry, Sequence[str]], None] | None = None
        self.loop_connection: LoopConnection | None = None
        self._loop_head: str | None = None  # the head the loop writer last left
        if backend == "postgres":
            self.loop_connection = LoopConnection(
                datastore.pool.kwargs, datastore.pool.timeout, WRITER_NAME
            )
            self._loop_writer = LoopBatcher(self._write_on_loop, max_batch=MAX_BATCH)
            names = _pg_names(datastore.schema)
            self._lock: Any = "SELECT pg_advisory_xact_lock(%s)"
            self._head: Any = (
                sql.SQL("SELECT hash FROM {schema}.{table} ORDER BY id DESC LIMIT 1")
                .format(**names)
                .as_string(None)
            )
            # One statement for a whole batch, ids issued in the chain's order. The
            # rows travel as ONE JSON array (one orjson call): eight array parameters
            # cost psycopg's Python list dumpers ~110-290 us of CPU per batch, the
            # JSON ~30-50 us (1-10 rows).
            self._insert: Any = (
                sql.SQL(
                    "INSERT INTO {schema}.{table} (" + columns + ") "
                    "SELECT (r.e->>0)::timestamptz, r.e->>1, r.e->>2, r.e->>3, r.e->>4, "
                    "r.e->>5, (r.e->>6)::integer, r.e->>7 "
                    "FROM json_array_elements(%s::json) WITH ORDINALITY AS r(e, n) ORDER BY n"
                )
                .format(**names)
                .as_string(None)
            )
            # Rows chained onto the head they expect, inserted only if it is still
            # the head: after the lock, in the same transaction. A rider's insert
            # (`ride`) follows its events' insert and the lock.
            self._insert_onto_head: Any = (
                sql.SQL(
                    "INSERT INTO {schema}.{table} (" + columns + ") "
                    "SELECT (r.e->>0)::timestamptz, r.e->>1, r.e->>2, r.e->>3, r.e->>4, "
                    "r.e->>5, (r.e->>6)::integer, r.e->>7 "
                    "FROM json_array_elements(%s::json) WITH ORDINALITY AS r(e, n) "
                    "WHERE coalesce((SELECT hash FROM {schema}.{table} ORDER BY id DESC LIMIT 1), "
                    + f"'{GENESIS}'"
                    + ") = %s ORDER BY n"
                )
                .format(**names)
                .as_string(None)
            )
            # The loop writer's one round trip (`_append_onto`): the lock and that
            # insert, two statements in one message, one implicit transaction.
            self._append_onto_head: Any = "SELECT pg_advisory_xact_lock(%s); " + (
                self._insert_onto_head
            )
            self._select: Any = sql.SQL(
                "SELECT id, at, actor, role, clinic, plan_id, action, outcome "
                "FROM {schema}.{table} WHERE clinic = %s AND id > %s "
                "AND (%s::text IS NULL OR plan_id = %s::text) "
                "AND (%s::timestamptz IS NULL OR at >= %s::timestamptz) "
                "AND (%s::timestamptz IS NULL OR at <= %s::timestamptz) "
                "ORDER BY id LIMIT %s"
            ).format(**names)
            self._all: Any = sql.SQL(
                "SELECT id, at, actor, role, clinic, plan_id, action, outcome, hash "
                "FROM {schema}.{table} WHERE id > %s ORDER BY id LIMIT %s"
            ).format(**names)
            self._counter: Any = sql.SQL(
                "SELECT last_value, is_called FROM {schema}.{sequence}"
            ).format(schema=names["schema"], sequence=sql.Identifier(f"{TABLE}_id_seq"))
        else:
            self._head = f"SELECT hash FROM {TABLE} ORDER BY id DESC LIMIT 1"
            self._insert = f"INSERT INTO {TABLE} ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            self._select = (
                "SELECT id, at, actor, role, clinic, plan_id, action, outcome "
                f"FROM {TABLE} WHERE clinic = ? AND id > ? "
                "AND (? IS NULL OR plan_id = ?) AND (? IS NULL OR at >= ?) "
                "AND (? IS NULL OR at <= ?) ORDER BY id LIMIT ?"
            )
            self._all = (
                "SELECT id, at, actor, role, clinic, plan_id, action, outcome, hash "
                f"FROM {TABLE} WHERE id > ? ORDER BY id LIMIT ?"
            )
            self._counter = f"SELECT seq FROM sqlite_sequence WHERE name = '{TABLE}'"

    def _instant(self, value: datetime | None) -> Any:
        if value is None:
            return None
        return as_utc(value) if self.backend == "postgres" else utc_text(value)

    def _rows(self, entries: Sequence[tuple[AccessEntry, Sequence[str]]], prev: str) -> list[tuple]:
        """Each entry, then one entry per plan a list disclosed (same request), chained."""
        now = utc_now()
        rows = []
        for entry, disclosed in entries:
            plan_ids = [entry.plan_id, *[p for p in disclosed if p != entry.plan_id]]
            for plan_id in plan_ids:
                link = entry_hash(
                    prev, now, entry.actor, entry.role, entry.clinic, plan_id, entry.action,
                    entry.outcome,
                )  # fmt: skip
                rows.append(
                    (
                        self._instant(now),
                        entry.actor,
                        entry.role,
                        entry.clinic,
                        plan_id,
                        entry.action,
                        entry.outcome,
                        link,
                    )  # fmt: skip
                )
                prev = link
        return rows

    def append(self, entry: AccessEntry, disclosed: Sequence[str] = ()) -> None:
        """Write the entry (and one per plan in `disclosed`), chained onto the
        head; return once it is committed (raise what the commit raised)."""
        done: Future[None] = Future()
        self._submit(entry, disclosed, done)
        done.result()

    async def append_async(self, entry: AccessEntry, disclosed: Sequence[str] = ()) -> None:
        """`append` for the event loop. On PostgreSQL the loop writes its entries
        itself (`LoopBatcher`: no thread, no hand-over of the GIL); on SQLite
        the writer thread does, and settles every loop waiter of a batch in ONE
        callback on the loop (one wake-up per batch, not one per request)."""
        if self._loop_writer is not None:
            await self._loop_writer.submit((entry, tuple(disclosed)))
            return
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._submit(entry, disclosed, (loop, waiter))
        await waiter

    def _submit(self, entry: AccessEntry, disclosed: Sequence[str], done: Waiter) -> None:
        with self._writer_lock:
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_loop, name="access-log-writer", daemon=True
                )
                self._writer.start()
            self._pending.put((entry, tuple(disclosed), done))

    def _write_loop(self) -> None:
        """Group commit: every entry queued while the last batch was being
        written goes into the next one, in ONE transaction (one head read, one
        WAL flush), chained in queue order. Concurrent requests then share a
        commit instead of queuing behind each other's on the append lock."""
        while True:
            first = self._pending.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < MAX_BATCH:
                try:
                    item = self._pending.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            error: BaseException | None = None
            try:
                self._write([(entry, disclosed) for entry, disclosed, _ in batch])
            except BaseException as exc:  # noqa: BLE001 - every waiter gets it
                error = exc
            _settle([done for _, _, done in batch], error)
            if stop:
                return

    async def _write_on_loop(self, entries: list[tuple[AccessEntry, Sequence[str]]]) -> list[None]:
        """One batch of the loop's group commit, on the loop's connection.

        While this writer knows the head (it wrote the last entry), the batch is
        ONE round trip: lock, then insert chained onto that head only if it is
        still the head, in one implicit transaction (`_append_onto`). Otherwise
        (first batch, another writer came between) it is the thread's
        transaction: lock, read the head, insert. A batch whose connection
        failed, where an outage may have broken it, is tried once more on a new
        connection; a batch that may have committed before the failure is found
        by its head, so it is never written twice."""
        assert self.loop_connection is not None
        connection = self.loop_connection
        connection.bind()
        written: str | None = None  # the head a batch that failed would have left
        for attempt in (1, 2):
            reused = connection.is_open
            try:
                conn = await connection.get()
                head = self._loop_head
                if attempt == 1 and head is not None:
                    rows = self._rows(entries, head)
                    written = rows[-1][-1]
                    if await self._append_onto(conn, rows, head):
                        self._loop_head = written
                        return [None] * len(entries)
                async with conn.transaction():
                    cursor = conn.cursor()
                    await cursor.execute(self._lock, (APPEND_LOCK_KEY,))
                    await cursor.execute(self._head)
                    found = await cursor.fetchone()
                    head = (found[0] if found else None) or GENESIS
                    if head != written:  # else: the failed attempt did commit
                        rows = self._rows(entries, head)
                        written = rows[-1][-1]
                        await cursor.execute(self._insert, (orjson.dumps(rows).decode(),))
                self._loop_head = written
                return [None] * len(entries)
            except psycopg.Error as exc:
                self._loop_head = None
                connection.drop()
                broken = isinstance(exc, psycopg.OperationalError) and reused
                if attempt == 2 or not broken:
                    raise
        raise AssertionError("unreachable")

    def ride(self, riders: list[AccessRider]) -> RiderWrite | None:
        """The riders' entries, to commit in the transaction of their commands'
        events (`domain.group_commit.Companion`): one transaction and no round
        trip of their own. Chained onto the head the loop writer last left, and
        inserted only if that is still the head (under the append lock); else
        nothing is, and each rider's request writes its entry the usual way.
        None while that head is unknown (nothing written on this loop yet)."""
        head = self._loop_head
        if head is None or self._loop_writer is None:
            return None
        rows = self._rows([(r.entry, ()) for r in riders], head)
        written = rows[-1][-1]

        def settle(inserted: int | None) -> None:
            if inserted == len(rows):
                for rider in riders:
                    rider.written = True
            # Unless the loop writer moved on meanwhile: the head these rows left,
            # or unknown (another writer came between, or the transaction failed).
            if self._loop_head == head:
                self._loop_head = written if inserted == len(rows) else None

        return RiderWrite(
            [
                (self._lock, (APPEND_LOCK_KEY,)),
                (self._insert_onto_head, (orjson.dumps(rows).decode(), head)),
            ],
            settle,
        )

    async def _append_onto(self, conn: Any, rows: list[tuple], head: str) -> bool:
        """Insert `rows`, chained onto `head`, if `head` is still the head: False
        when another writer appended since (nothing inserted). One simple-query
        message, so one implicit transaction: its insert takes its snapshot
        after the lock, and sees every entry committed before."""
        cursor = psycopg.AsyncClientCursor(conn)
        params = (APPEND_LOCK_KEY, orjson.dumps(rows).decode(), head)
        await cursor.execute(self._append_onto_head, params)
        cursor.nextset()
        return cursor.rowcount == len(rows)

    def _write(self, entries: Sequence[tuple[AccessEntry, Sequence[str]]]) -> None:
        if self.backend == "postgres":
            with self.datastore.transaction(commit=True) as curs:
                curs.execute(self._lock, (APPEND_LOCK_KEY,))
                curs.execute(self._head)
                head = curs.fetchall()
                prev = (head[0]["hash"] if head else None) or GENESIS
                curs.execute(self._insert, (orjson.dumps(self._rows(entries, prev)).decode(),))
            return
        db = self._sqlite()
        db.execute("BEGIN IMMEDIATE")
        try:
            head = db.execute(self._head).fetchone()
            prev = (head[0] if head else None) or GENESIS
            db.executemany(self._insert, self._rows(entries, prev))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _sqlite(self) -> sqlite3.Connection:
        if self._db is None:  # only the writer thread gets here; close() may run elsewhere
            self._db = sqlite3.connect(
                self.sqlite_path or "", timeout=30, isolation_level=None, check_same_thread=False
            )
        return self._db

    async def aclose(self) -> None:
        """Write what the event loop has queued, then close its connection."""
        if self._loop_writer is not None and self.loop_connection is not None:
            await self._loop_writer.drain()
            with contextlib.suppress(psycopg.Error):  # a broken connection is gone anyway
                await self.loop_connection.aclose()

    def close(self) -> None:
        """Write what is queued, stop the writer, close the SQLite connection it
        opened (PostgreSQL's are the pool's)."""
        with self._writer_lock:
            writer, self._writer = self._writer, None
            if writer is not None:
                self._pending.put(None)
        if writer is not None:
            writer.join()
        db, self._db = self._db, None
        if db is not None:
            db.close()

    def entries(
        self,
        clinic: str,
        plan_id: str | None = None,
        from_: datetime | None = None,
        to: datetime | None = None,
        limit: int = 100,
        after: int = 0,
    ) -> tuple[list[dict[str, Any]], str | None]:
        start, end = self._instant(from_), self._instant(to)
        params = (clinic, after, plan_id, plan_id, start, start, end, end, limit)
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._select, params)
            rows = curs.fetchall()
        items = []
        for row in rows:
            at = row["at"]
            at = as_utc(at if isinstance(at, datetime) else datetime.fromisoformat(at))
            items.append(
                {
                    "id": int(row["id"]),
                    "at": at.isoformat(),
                    "actor": row["actor"],
                    "role": row["role"],
                    "clinic": row["clinic"],
                    "plan_id": row["plan_id"],
                    "action": row["action"],
                    "outcome": int(row["outcome"]),
                }
            )
        next_cursor = str(items[-1]["id"]) if len(items) == limit else None
        return items, next_cursor

    def verify(self, batch: int = 5000) -> dict[str, Any]:
        """Recompute the chain over every entry, oldest first.

        `first_invalid_id` is the first entry whose hash does not follow from
        its predecessor and its own fields (an edit, or a deletion before it);
        `missing_after` is set when entries after the last one are gone (the
        id counter is ahead of the last entry). Entries written before the
        chain existed (no hash) are counted as `unchained`.
        """
        prev: str | None = None
        checked = unchained = 0
        last_id = 0
        first_invalid: int | None = None
        while True:
            with self.datastore.transaction(commit=False) as curs:
                curs.execute(self._all, (last_id, batch))
                rows = curs.fetchall()
            for row in rows:
                last_id = int(row["id"])
                stored = row["hash"]
                if stored is None and prev is None:
                    unchained += 1
                    continue
                at = row["at"]
                at = at if isinstance(at, datetime) else datetime.fromisoformat(at)
                expected = entry_hash(
                    prev or GENESIS, at, row["actor"], row["role"], row["clinic"],
                    row["plan_id"], row["action"], int(row["outcome"]),
                )  # fmt: skip
                checked += 1
                if first_invalid is None and stored != expected:
                    first_invalid = last_id
                prev = stored if stored is not None else expected
            if len(rows) < batch:
                break
        counter = self._id_counter()
        missing_after = last_id if counter is not None and counter > last_id else None
        return {
            "valid": first_invalid is None and missing_after is None,
            "entries_checked": checked,
            "unchained": unchained,
            "first_invalid_id": first_invalid,
            "missing_after": missing_after,
            "head_hash": prev,
        }

    def _id_counter(self) -> int | None:
        """The highest id ever handed out (SQLite exactly; PostgreSQL's sequence)."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._counter)
            rows = curs.fetchall()
        if not rows:
            return None
        row = rows[0]
        if self.backend == "postgres":
            return int(row["last_value"]) if row["is_called"] else 0
        return int(row["seq"])

    def ping(self) -> None:
        """Raises when the database cannot be reached."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute("SELECT 1")
            curs.fetchall()
