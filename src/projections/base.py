"""Shared machinery of the read models: projection base, views, caches, batches.

A read model is a library `Projection` (name, topics, process_event) whose
view is a tracking recorder: each batch of events turns into row operations
that commit in ONE transaction with the tracking position (the notification
id of the batch's last event, whether or not the read model cared about it).
A tracking id not above the stored one raises IntegrityError and rolls the
rows back with it, so replaying an event changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from abc import abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any, ClassVar, NamedTuple

import orjson
import psycopg
from eventsourcing.persistence import Notification, Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.projection import Projection
from eventsourcing.sqlite import SQLiteTrackingRecorder
from eventsourcing.utils import get_topic
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composed, Identifier

from domain.application import PlansApplication
from domain.documents import event_json
from domain.plan import EVENT_TYPES, Plan
from eventstore.utc import utc_text
from projections.store import Dialect

PLAN_TOPICS: tuple[str, ...] = tuple(get_topic(cls) for cls in EVENT_TYPES.values())
DEFAULT_BATCH = 500
DEFAULT_CACHE_SIZE = 20_000
# The first columns of a table with one row per plan: its key and whose plan it is.
PLAN_ROW_COLUMNS = (
    "plan_id {uuid} PRIMARY KEY, clinic {key} NOT NULL, client_id {key} NOT NULL, "
    "clinician {key} NOT NULL, status {key} NOT NULL, "
)


def plan_table(columns: str) -> str:
    """The DDL of a table with one row per plan: PLAN_ROW_COLUMNS, then `columns`."""
    return f"CREATE TABLE IF NOT EXISTS {{t}} ({PLAN_ROW_COLUMNS}{columns})"


Op = tuple[str, Sequence[Any]]  # (SQL text with {t} slots and %s, params)
Fence = Callable[[Any], None]


class CommitSignal:
    """Wakes in-process waiters (wait_for) when any follower commits a batch."""

    def __init__(self) -> None:
        self._cond = threading.Condition()

    def notify(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def wait(self, timeout: float) -> None:
        with self._cond:
            self._cond.wait(timeout)


COMMITTED = CommitSignal()


class QueryError(ValueError):
    """A query argument is unusable (bad cursor, bad range); say which in `.field`."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class LockLostError(RuntimeError):
    """This process no longer holds the read model's advisory lock."""


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def loads(text: str | bytes | None) -> Any:
    return None if text is None else orjson.loads(text)


class Payload(NamedTuple):
    """What the timeline and the revisions both store of an event, computed once."""

    text: str  # the event's business data as JSON (`domain.documents.event_json`)
    recorded_at: str  # UTC text
    plan_id: str


class _PayloadMemo:
    """An event's business data as JSON, its recording time and plan id as text,
    computed once for every read model of this process that stores them
    (timeline, revisions), bounded: emptied when full (a plain dict: no order
    to keep and no lock to take per event; under the GIL a payload lost to a
    concurrent emptying is only computed again)."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._items: dict[tuple[int, int], Payload] = {}
        # Plan ids as text: a plan has many events, and str(UUID) is Python code.
        self._ids: dict[int, str] = {}

    def __call__(self, event: Any) -> Payload:
        plan_id = event.originator_id
        key = (plan_id.int, event.originator_version)
        found = self._items.get(key)
        if found is not None:
            return found
        text = self._ids.get(key[0])
        if text is None:
            if len(self._ids) >= self.size:
                self._ids.clear()
            text = self._ids[key[0]] = str(plan_id)
        found = Payload(event_json(event), utc_text(event.timestamp), text)
        if len(self._items) >= self.size:
            self._items.clear()
        self._items[key] = found
        return found


event_payload = _PayloadMemo()


def table_names(dialect: Dialect, name: str, generation: int, suffixes: Iterable[str]) -> dict:
    """Slots for one generation: {t} main table, {t_<suffix>} others, {ix} index prefix."""
    base = f"{name}_g{generation}"
    tables = {"ix": base}
    for suffix in suffixes:
        key = f"t_{suffix}" if suffix else "t"
        tables[key] = dialect.table(f"{base}_{suffix}" if suffix else base)
    return tables


def tracking_table_name(name: str, generation: int) -> str:
    return f"{name}_g{generation}_tracking"


Groups = list[tuple[str, list[Sequence[Any]]]]


def group_ops(ops: Iterable[Op], order: Sequence[str] = ()) -> Groups:
    """Operations grouped by SQL text, each group in event order.

    Groups run in `order` (texts listed there first), then in order of first
    appearance: a read model lists its statements so that grouping never lets
    an UPDATE run before the INSERT of its row.
    """
    groups: dict[str, list[Sequence[Any]]] = {text: [] for text in order}
    for text, params in ops:
        groups.setdefault(text, []).append(params)
    return [(text, rows) for text, rows in groups.items() if rows]


_VALUES = re.compile(r"VALUES \((%s(?:, %s)*)\)")
MULTI_ROW_CHUNK = 250
# Up to this many append-only rows go in as one multi-row INSERT, more by COPY.
COPY_FROM_ROWS = 64


def multi_row(text: str, count: int) -> str:
    """`INSERT ... VALUES (%s, ...)` for `count` rows in one statement, with PostgreSQL's
    own `$n` placeholders (so the driver need not parse thousands of `%s`)."""
    match = _VALUES.search(text)
    if match is None:
        raise ValueError("not a single-row INSERT ... VALUES statement")
    width = match.group(1).count("%s")
    rows = (
        "(" + ", ".join(f"${r * width + c + 1}" for c in range(width)) + ")" for r in range(count)
    )
    return f"{text[: match.start()]}VALUES {', '.join(rows)}{text[match.end() :]}"


_INSERT_INTO = re.compile(r"^INSERT INTO (\S+) \(([^)]*)\) VALUES")


def copy_of(text: str) -> str:
    """The COPY that loads what a single-row INSERT would (PostgreSQL, append-only rows)."""
    match = _INSERT_INTO.match(text)
    if match is None:
        raise ValueError("not an INSERT INTO t (columns) VALUES statement")
    return f"COPY {match.group(1)} ({match.group(2)}) FROM STDIN"


def is_insert(text: str) -> bool:
    return text.startswith("INSERT ") and _VALUES.search(text) is not None


# ----------------------------------------------------------------------- views
class ViewSpec(NamedTuple):
    """What one generation of one read model's view is: its tables and tracking."""

    tracking_table_name: str
    dialect: Dialect
    tables: Mapping[str, str]
    ddl: Sequence[str] = ()
    fence: Fence | None = None
    append_only: Iterable[str] = ()
    postgres_ddl: Sequence[str] = ()


class _GenerationTables:
    """The tables of a view's generation, and its statements compiled for them."""

    dialect: Dialect
    tables: dict[str, str]
    fence: Fence | None
    _compiled: dict[str, str]

    def _use(self, spec: ViewSpec) -> None:
        self.dialect = spec.dialect
        self.tables = dict(spec.tables)
        self.fence = spec.fence
        self._compiled = {}

    def compile(self, text: str) -> str:
        compiled = self._compiled.get(text)
        if compiled is None:
            compiled = self._compiled[text] = self.dialect.compile(text, self.tables)
        return compiled

    def write_in(
        self,
        conn: Any,
        curs: Any,
        ops: Iterable[Op],
        tracking: Tracking,
        order: Sequence[str] = (),
        *,
        fenced: bool = False,
    ) -> None:
        """This read model's rows and tracking, fenced (unless the caller's fence
        already covered it), inside the caller's transaction."""
        self.write_groups(conn, curs, group_ops(ops, order), tracking, fenced)

    @abstractmethod
    def write_groups(
        self, conn: Any, curs: Any, groups: Groups, tracking: Tracking, fenced: bool
    ) -> None:
        """The grouped row operations (see group_ops) and the tracking position."""


class PostgresReadModelView(_GenerationTables, PostgresTrackingRecorder):
    """One generation of one read model on PostgreSQL: its tables and tracking."""

    def __init__(self, datastore: Any, spec: ViewSpec, **kwargs: Any) -> None:
        super().__init__(datastore, tracking_table_name=spec.tracking_table_name, **kwargs)
        # The library's tracking upsert is a Composed that psycopg would render to
        # text again on every batch (a tenth of a live follower's CPU): once, here.
        self.insert_tracking_statement = Composed([SQL(self.insert_tracking_statement.as_string())])
        self._use(spec)
        self.append_only = frozenset(spec.append_only)
        for statement in (*spec.ddl, *spec.postgres_ddl):
            compiled = self.dialect.compile(statement, self.tables)
            self.sql_create_statements.append(Composed([SQL(compiled)]))

    def compile_copy(self, text: str) -> str:
        key = f"copy\x00{text}"
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = copy_of(self.compile(text))
        return compiled

    def compile_rows(self, text: str, count: int) -> str:
        key = f"{count}\x00{text}"
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = multi_row(self.compile(text), count)
        return compiled

    def settle_tracking(self, app_name: str, position: int) -> None:
        """This generation's tracking is `app_name` at `position`, and nothing else
        (the rows that builder processes kept for their shares are removed)."""
        table = Identifier(self.datastore.schema or "public", self.tracking_table_name)
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(SQL("DELETE FROM {}").format(table))
            curs.execute(
                SQL("INSERT INTO {} (application_name, notification_id) VALUES (%s, %s)").format(
                    table
                ),
                (app_name, position),
            )

    def write(self, ops: Iterable[Op], tracking: Tracking, order: Sequence[str] = ()) -> None:
        with self.datastore.get_connection() as conn:
            with conn.transaction():
                curs = conn.cursor()
                # Rows and tracking are kept or lost together: a crash only means
                # processing these events again, so the commit need not wait for disk.
                curs.execute("SET LOCAL synchronous_commit = off")
                self.write_in(conn, curs, ops, tracking, order)

    def write_groups(
        self, conn: Any, curs: Any, groups: Groups, tracking: Tracking, fenced: bool
    ) -> None:
        if self.fence is not None and not fenced:
            self.fence(curs)
        raw = psycopg.RawCursor(conn)
        for text, rows in groups:
            if text in self.append_only and len(rows) > COPY_FROM_ROWS:
                # Many rows that are only ever added: COPY is the cheapest way in.
                # A replayed row violates the primary key and rolls the batch
                # back, exactly as its tracking position would. (A live
                # follower's few rows take the multi-row INSERT below: one round
                # trip instead of COPY's two, and no blocking COPY end.)
                with curs.copy(self.compile_copy(text)) as copy:
                    for row in rows:
                        copy.write_row(row)
                continue
            if not is_insert(text):
                curs.executemany(self.compile(text), rows)
                continue
            # Many rows per statement: far fewer messages and round trips
            # than one Bind/Execute per row (and no pipeline: with large
            # statements psycopg's pipeline mode measured twice as slow).
            for first in range(0, len(rows), MULTI_ROW_CHUNK):
                chunk = rows[first : first + MULTI_ROW_CHUNK]
                raw.execute(
                    self.compile_rows(text, len(chunk)),
                    [value for row in chunk for value in row],
                )
        self._insert_tracking(curs, tracking)

    def drop_tables(self) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute("SET LOCAL lock_timeout = '5s'")
            for key, table in self.tables.items():
                if key.startswith("t"):
                    curs.execute(f"DROP TABLE IF EXISTS {table}")
            curs.execute(f"DROP TABLE IF EXISTS {self.dialect.table(self.tracking_table_name)}")


class SQLiteReadModelView(_GenerationTables, SQLiteTrackingRecorder):
    """One generation of one read model on SQLite: its tables and its own tracking table."""

    def __init__(self, datastore: Any, spec: ViewSpec) -> None:
        self.tracking_table_name = spec.tracking_table_name
        self._use(spec)
        self.ddl = [spec.dialect.compile(s, self.tables) for s in spec.ddl]
        super().__init__(datastore)
        # The library names SQLite's tracking table "tracking" for everyone; each
        # read model generation keeps its own, like on PostgreSQL.
        tt = self.dialect.quote(self.tracking_table_name)
        self.insert_tracking_statement = (
            f"INSERT INTO {tt} VALUES (:application_name, :notification_id) "
            "ON CONFLICT (application_name) DO UPDATE "
            "SET notification_id = :notification_id "
            f"WHERE {tt}.notification_id < :notification_id "
            "RETURNING notification_id"
        )
        self.select_max_tracking_id_statement = (
            f"SELECT MAX(notification_id) FROM {tt} WHERE application_name=?"
        )

    def construct_create_table_statements(self) -> list[str]:
        tt = self.dialect.quote(self.tracking_table_name)
        return [
            f"CREATE TABLE IF NOT EXISTS {tt} ("
            "application_name TEXT, notification_id INTEGER, "
            "PRIMARY KEY (application_name)) WITHOUT ROWID",
            *self.ddl,
        ]

    def write(self, ops: Iterable[Op], tracking: Tracking, order: Sequence[str] = ()) -> None:
        with self.datastore.transaction(commit=True) as c:
            self.write_in(None, c, ops, tracking, order)

    def write_groups(
        self, conn: Any, c: Any, groups: Groups, tracking: Tracking, fenced: bool
    ) -> None:
        # No fence: SQLite holds no advisory locks (a follower holds every read
        # model). Write first: the transaction takes SQLite's write lock at once
        # (waiting up to the busy timeout) instead of failing on upgrade.
        self._insert_tracking(c, tracking)
        for text, rows in groups:
            c.executemany(self.compile(text), rows)

    def drop_tables(self) -> None:
        with self.datastore.transaction(commit=True) as c:
            for key, table in self.tables.items():
                if key.startswith("t"):
                    c.execute(f"DROP TABLE IF EXISTS {table}")
            c.execute(f"DROP TABLE IF EXISTS {self.dialect.quote(self.tracking_table_name)}")


ReadModelView = PostgresReadModelView | SQLiteReadModelView


# --------------------------------------------------------------------- caches
class AggregateCache:
    """Plan aggregates kept current by applying events (`event.mutate`), LRU-bounded.

    A miss (evicted, or another generation got there first) loads version v-1
    from the event store. Aggregates touched by a batch are remembered so a
    failed transaction can drop them: the cache never runs ahead of the rows.
    """

    def __init__(self, app: PlansApplication | None, size: int = DEFAULT_CACHE_SIZE) -> None:
        self.app = app  # None: events are applied from version 1 only (tests)
        self.size = size
        self._items: OrderedDict[int, Plan] = OrderedDict()
        self.touched: set[int] = set()
        self.loads = 0

    def apply(self, event: Plan.Event) -> Plan:
        plan_id = event.originator_id
        key = plan_id.int  # int keys: UUID hashing is Python code, ints are not
        version = event.originator_version
        self.touched.add(key)
        if version == 1:
            plan = event.mutate(None)
            assert plan is not None
            plan.remembers_commands = False  # read, never asked to answer a command
        else:
            plan = self._items.get(key)
            if plan is None or plan.version != version - 1:
                plan = self._load(event)
            plan = event.mutate(plan)
        assert plan is not None
        self._items[key] = plan
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return plan

    def before(self, event: Plan.Event) -> Plan | None:
        """The plan as it was just before `event` (loaded if need be), not yet changed by it."""
        version = event.originator_version
        if version == 1:
            return None
        key = event.originator_id.int
        self.touched.add(key)
        plan = self._items.get(key)
        if plan is None or plan.version != version - 1:
            plan = self._items[key] = self._load(event)
        return plan

    def _load(self, event: Plan.Event) -> Plan:
        """The plan just before `event`, from the event store."""
        version = event.originator_version - 1
        if self.app is None:
            raise LookupError(f"plan {event.originator_id} version {version} is not cached")
        self.loads += 1
        plan: Plan = self.app.repository.get(event.originator_id, version=version)
        plan.remembers_commands = False  # read, never asked to answer a command
        return plan

    def begin(self) -> None:
        self.touched = set()

    def forget_touched(self) -> None:
        for key in self.touched:
            self._items.pop(key, None)
        self.touched = set()

    def clear(self) -> None:
        self._items.clear()
        self.touched = set()


Decoded = tuple[int, str, Any]  # (notification id, topic, domain event or None if erased)


class _Note(NamedTuple):
    """A stored event as the log reader fetched it: the fields of the library's
    `Notification` that mappers read, in a tuple (a frozen dataclass costs ~5 µs
    an event to build)."""

    id: int
    originator_id: Any
    originator_version: int
    topic: str
    state: bytes


class Share(NamedTuple):
    """Plans `part` of `parts` (from 0): those whose id hashes to `part` (PostgreSQL's
    `hashtext`), with the log read only up to position `upto`. A plan's events
    all fall in one share, so each share replays its plans whole and in order."""

    part: int
    parts: int
    upto: int


class LogReader:
    """Reads and decodes the log once, for every read model of this process.

    With `read_ahead` (a catch-up on PostgreSQL), a full batch starts the next
    batch's query on a thread of its own: PostgreSQL and the network work while
    Python decodes and builds rows (libpq waits without the GIL). What is read
    ahead is exactly what a `read` after that batch would read, and is only used
    for that read. With a `share` (PostgreSQL), only that share's events are read,
    streamed by one server-side cursor (`_ShareStream`).
    """

    def __init__(
        self, app: PlansApplication, *, read_ahead: bool = False, share: Share | None = None
    ) -> None:
        self.app = app
        self.share = share
        self._ahead: ThreadPoolExecutor | None = None
        self._next: tuple[int, int, Future[Sequence[Notification | _Note]]] | None = None
        recorder = app.recorder
        datastore = getattr(recorder, "datastore", None)
        self._select: Composed | None = None
        self._stream: _ShareStream | None = None
        if isinstance(datastore, PostgresDatastore):
            table = SQL("{}.{}").format(
                Identifier(datastore.schema or "public"),
                Identifier(recorder.events_table_name),  # type: ignore[attr-defined]
            )
            if share is not None:
                self._stream = _ShareStream(datastore, table, share)
            else:
                self._select = SQL(
                    "SELECT notification_id, originator_id, originator_version, topic, state "
                    "FROM {} WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
                ).format(table)
            if read_ahead:
                self._ahead = ThreadPoolExecutor(1, thread_name_prefix="log-read-ahead")
        elif share is not None:
            raise ValueError("reading the log in shares needs PostgreSQL")

    def notes(self, after: int, limit: int) -> Sequence[Notification | _Note]:
        """Up to `limit` notifications after `after`, not decoded: the library's
        `Notification`s, or on PostgreSQL light records with the same fields."""
        if self._stream is not None:
            return self._stream.fetch(after, limit)
        if self._select is None:
            return self.app.recorder.select_notifications(
                start=after, limit=limit, inclusive_of_start=False
            )
        datastore = self.app.recorder.datastore  # type: ignore[attr-defined]
        with datastore.get_connection() as conn:
            # Binary tuples: no dict per row, bytea arrives as bytes, not hex text.
            with conn.cursor(row_factory=tuple_row, binary=True) as curs:
                curs.execute(self._select, (after, limit), prepare=True)
                rows = curs.fetchall()
        note = _Note._make
        return [note(row) for row in rows]

    def read(self, after: int, limit: int) -> list[Decoded]:
        """Up to `limit` notifications after `after`, each decoded once."""
        ahead, self._next = self._next, None
        if ahead is not None and ahead[:2] == (after, limit):
            notes = ahead[2].result()
        else:
            if ahead is not None:
                ahead[2].cancel()
            notes = self.notes(after, limit)
        if self._ahead is not None and len(notes) == limit:
            following = notes[-1].id
            self._next = (following, limit, self._ahead.submit(self.notes, following, limit))
        mapper = self.app.mapper
        is_erased = getattr(mapper, "is_erased", None)
        decode = mapper.to_domain_event
        out: list[Decoded] = []
        for note in notes:
            # Erased clients' events are skipped by every read model, live or rebuilt.
            if is_erased is not None and is_erased(note):
                out.append((note.id, note.topic, None))
            else:
                out.append((note.id, note.topic, decode(note)))  # type: ignore[arg-type]
        return out

    def head(self) -> int:
        if self.share is not None:
            return self.share.upto
        return int(self.app.recorder.max_notification_id() or 0)

    def close(self) -> None:
        """Stop reading ahead (waits for a query in flight)."""
        self._next = None
        if self._ahead is not None:
            self._ahead.shutdown(wait=True, cancel_futures=True)
        if self._stream is not None:
            self._stream.close()


class _ShareStream:
    """One share of the log read by ONE query, through a server-side cursor, a
    batch at a time.

    A share's events are spread over the whole log (every `parts`-th plan), so a
    paged query (`notification_id > after ... LIMIT n`) would scan, for every
    batch, the rest of the log up to the share's bound: O(log²) over a rebuild
    (78 ms of PostgreSQL per 2,000-event batch on a 200k log). The cursor walks
    the notification index once. It is held in a transaction of its own (no
    idle timeout while Python builds a batch; sorting turned off for it, so the
    planner walks the index in order instead of sorting the share). Reading
    from another position than where the cursor stands opens a new one there.
    """

    def __init__(self, datastore: PostgresDatastore, table: Composed, share: Share) -> None:
        self.datastore = datastore
        self.share = share
        self.select = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state "
            "FROM {} WHERE notification_id > %s AND notification_id <= %s "
            "AND mod(hashtext(originator_id::text)::bigint + 2147483648, %s) = %s "
            "ORDER BY notification_id"
        ).format(table)
        self._lock = threading.Lock()  # the read-ahead thread and the caller take turns
        self._open: ExitStack | None = None
        self._cursor: psycopg.ServerCursor[Any] | None = None
        self._at = -1  # the position the cursor stands after

    def fetch(self, after: int, limit: int) -> list[_Note]:
        with self._lock:
            if self._cursor is None or after != self._at:
                self._start(after)
            assert self._cursor is not None
            rows = self._cursor.fetchmany(limit)
            if rows:
                self._at = rows[-1][0]
            note = _Note._make
            return [note(row) for row in rows]

    def _start(self, after: int) -> None:
        self._close()
        with ExitStack() as stack:  # closed again if anything below fails
            conn = stack.enter_context(self.datastore.get_connection())
            stack.enter_context(conn.transaction())
            conn.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
            conn.execute("SET LOCAL enable_sort = off")
            # Binary tuples: no dict per row, bytea arrives as bytes, not hex text.
            cursor = stack.enter_context(
                conn.cursor("log_share", row_factory=tuple_row, binary=True)
            )
            share = self.share
            cursor.execute(self.select, (after, share.upto, share.parts, share.part))
            self._open = stack.pop_all()
        self._cursor, self._at = cursor, after

    def _close(self) -> None:
        opened, self._open, self._cursor = self._open, None, None
        if opened is not None:
            opened.close()

    def close(self) -> None:
        with self._lock:
            self._close()


# ---------------------------------------------------------- aggregate batches
class PlanRows:
    """One batch of an aggregate read model's rows, fed event by event.

    `before(event, plan)` sees the plan just before the event (None at version
    1), `after(position, event, plan)` the plan just after it: hooks read what
    they need AT that event, because the same (mutable) plan object moves on
    with the next event. `ops()` is called once, after the batch's last event
    and before any later event is applied, so a hook may keep the plan to read
    its state as of its last event in the batch.
    """

    wants_before: ClassVar[bool] = False

    def before(self, event: Plan.Event, plan: Plan | None) -> None:
        """The plan as it was just before `event` (only when `wants_before`)."""

    @abstractmethod
    def after(self, position: int, event: Plan.Event, plan: Plan) -> None:
        """The plan as it is just after `event` (at `position` in the log)."""

    @abstractmethod
    def ops(self) -> list[Op]:
        """Row operations of the batch, in order."""


class LastStateRows(PlanRows):
    """Rows of each plan as of its last event in the batch (earlier states in the
    batch are never written), in the order the plans first appear."""

    def __init__(self) -> None:
        self.last: dict[int, tuple[Plan, int]] = {}

    def wanted(self, plan: Plan) -> bool:
        """Whether this plan has rows at all (by default every plan has)."""
        return True

    def after(self, position: int, event: Plan.Event, plan: Plan) -> None:
        if self.wanted(plan):
            self.last[plan.id.int] = (plan, position)

    @abstractmethod
    def plan_ops(self, plan: Plan, position: int) -> Iterable[Op]:
        """Row operations of one plan (`position`: the log position of its last event)."""

    def ops(self) -> list[Op]:
        return [op for plan, position in self.last.values() for op in self.plan_ops(plan, position)]


def feed_plan(
    cache: AggregateCache, batches: Sequence[PlanRows], position: int, event: Plan.Event
) -> None:
    """Apply one event to its plan once, showing every batch the plan at that event."""
    if any(b.wants_before for b in batches):
        prior = cache.before(event)
        for batch in batches:
            if batch.wants_before:
                batch.before(event, prior)
    plan = cache.apply(event)
    for batch in batches:
        batch.after(position, event, plan)


# ----------------------------------------------------------------- projection
class ReadModelProjection(Projection[Any]):
    """A read model: which events it reads, its tables, and how events become rows.

    Subclasses set `name`, `topics`, `suffixes` (extra tables), `ddl` (with
    `{t}`, `{t_<suffix>}`, `{ix}` slots) and implement `rows(items)`.
    """

    name: str = ""
    topics: tuple[str, ...] = PLAN_TOPICS
    suffixes: ClassVar[tuple[str, ...]] = ("",)
    ddl: ClassVar[tuple[str, ...]] = ()
    # PostgreSQL-only tuning (storage, compression), after `ddl`.
    postgres_ddl: ClassVar[tuple[str, ...]] = ()
    # The order in which a batch's statements run (see group_ops).
    statement_order: ClassVar[tuple[str, ...]] = ()
    # INSERTs of rows never updated afterwards: loaded with COPY on PostgreSQL.
    append_only: ClassVar[tuple[str, ...]] = ()
    uses_aggregates: ClassVar[bool] = False
    # The batch `plan_rows()` makes (read models with `uses_aggregates`).
    rows_type: ClassVar[type[PlanRows] | None] = None
    # Bump when the event → rows logic changes without a change to `ddl`: a
    # changed fingerprint makes the next start rebuild this read model.
    revision: ClassVar[int] = 1

    @classmethod
    def fingerprint(cls) -> str:
        """A digest of this read model's definition: tables, topics and revision."""
        definition = json.dumps(
            [
                cls.name,
                cls.revision,
                list(cls.suffixes),
                list(cls.ddl),
                list(cls.postgres_ddl),
                sorted(cls.topics),
                list(cls.append_only),
            ],  # fmt: skip
        )
        return hashlib.sha256(definition.encode()).hexdigest()[:16]

    def __init__(
        self, view: Any, app: PlansApplication | None = None, cache_size: int = DEFAULT_CACHE_SIZE
    ) -> None:
        super().__init__(view)
        self.app = app
        self.topic_set = frozenset(self.topics)
        self.cache = AggregateCache(app, cache_size) if self.uses_aggregates else None

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:  # type: ignore[override]
        """One event, one transaction (the library's contract); batches use process_batch."""
        self.process_batch([(tracking.notification_id, domain_event)], tracking)

    def process_batch(self, items: Sequence[tuple[int, Any]], tracking: Tracking) -> None:
        """Rows for every event in `items`, and `tracking`, in one transaction."""
        if self.cache is not None:
            self.cache.begin()
        try:
            ops = self.rows([(p, e) for p, e in items if isinstance(e, Plan.Event)])
            self.view.write(ops, tracking, self.statement_order)
        except BaseException:
            if self.cache is not None:
                self.cache.forget_touched()
            raise

    def rows(self, items: Sequence[tuple[int, Plan.Event]]) -> list[Op]:
        """Row operations (in order) for these (position, event) pairs.

        Read models that read plan state (`uses_aggregates`) implement
        `plan_rows()` instead; the others override this.
        """
        if self.cache is None:
            raise NotImplementedError(f"{type(self).__name__}: neither rows nor plan_rows")
        batch = self.plan_rows()
        for position, event in items:
            feed_plan(self.cache, (batch,), position, event)
        return batch.ops()

    def plan_rows(self) -> PlanRows:
        """A new batch of rows fed with plan state (read models with `uses_aggregates`)."""
        if self.rows_type is None:
            raise NotImplementedError(f"{type(self).__name__} reads no plan state")
        return self.rows_type()


class GenerationProcessor:
    """Feeds the log, batch by batch and in id order, to one generation of a read model."""

    def __init__(
        self,
        projection: ReadModelProjection,
        source: LogReader | None,
        generation: int,
        app_name: str,
    ) -> None:
        self.projection = projection
        self.view = projection.view
        self.source = source
        self.generation = generation
        self.app_name = app_name
        self.position = 0
        self.reload_position()

    @property
    def name(self) -> str:
        return self.projection.name

    def reload_position(self) -> int:
        self.position = int(self.view.max_tracking_id(self.app_name) or 0)
        return self.position

    def step(self, limit: int = DEFAULT_BATCH) -> int:
        """Process the next batch (up to `limit` notifications); how many there were."""
        assert self.source is not None, "fed by a fan-out"
        notes = self.source.read(self.position, limit)
        if not notes:
            return 0
        topics = self.projection.topic_set
        items = [(nid, event) for nid, topic, event in notes if topic in topics]
        last = notes[-1][0]
        self.projection.process_batch(items, Tracking(self.app_name, last))
        self.position = last
        return len(notes)
