"""Followers that keep the read models current, and rebuilds beside the live tables.

One follower thread per process, for every read model it holds. It reads the
log once for all of them, in notification-id order (no gap is ever passed
over: the library's table lock makes commit order equal id order), decodes
each event once, and writes up to `batch_size` events per read model per
transaction, tracking the id of the last notification of each batch, even one
a read model ignores (`fanout.FanOut`). Each read model keeps its own
tracking position, committed with its rows.

PostgreSQL: the follower holds each read model's advisory lock on one
dedicated connection (other processes stand by and take over a read model
when its holder dies) and LISTENs on the events channel there, polling at
least every second in case a notification is lost. Every batch also checks,
in its transaction, that this process still holds that read model's lock.
SQLite: the follower polls, woken in-process after each save. Wake-ups that
arrive while a batch is processed coalesce into the next one. Errors (an
outage, a lost lock) are logged without data, backed off and retried: a
follower never brings the process down.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import psycopg
from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    PersistenceError,
)

from domain.application import PlansApplication
from eventstore.connections import connect, params_from_env
from eventstore.utc import utc_text_now
from projections.base import (
    COMMITTED,
    DEFAULT_BATCH,
    DEFAULT_CACHE_SIZE,
    AggregateCache,
    GenerationProcessor,
    LockLostError,
    LogReader,
    Share,
)
from projections.catalog import MODELS, model, open_view
from projections.fanout import FanOut
from projections.store import (
    ADVISORY_NAMESPACE,
    REBUILD_NAMESPACE,
    Store,
    advisory_key,
    construct_factory,
    is_missing_table,
)

log = logging.getLogger("projections")

POLL_SECONDS = 1.0  # at most this long without looking at the log
LINGER_SECONDS = 0.02  # after a batch, before the next one (see Follower._follow)
# A stream of at least BUSY_EVENTS_PER_SECOND lingers BUSY_LINGER_SECONDS instead:
# per batch, each read model costs a statement, a tracking row and its share of
# a transaction and a fence whatever the batch's size. wrk POST scores with the
# projections in process, alternating runs (1,800-2,000 events/s): 20 ms 1,788-
# 1,855 req/s, 80 ms 1,990, 150 ms 2,008-2,057; the follower's thread used 0.19,
# 0.15 and 0.12 of a core. Below the rate (the lag figure's 200 commands/s) a
# commit is still projected within about LINGER_SECONDS.
BUSY_EVENTS_PER_SECOND = 1_000
BUSY_LINGER_SECONDS = 0.1
REGISTRY_SECONDS = 0.5  # how stale a follower's idea of the live generations may be
STANDBY_SECONDS = 1.0  # how often a standby tries to take a read model over
MAX_BACKOFF = 5.0
# A rebuild reads the log in larger batches: fewer transactions per read model,
# and fewer hand-overs between the reader and the writer threads. 200k-event
# log, whole `plans rebuild`, same minutes: 2,000 -> 10.2-11.2 s, 5,000 ->
# 9.4-10.3 s, 10,000 -> 8.8-9.7 s (peak RSS 170 -> 190 MB).
REBUILD_BATCH = 10_000

Progress = Callable[[str, int, int, float], None]


def _describe(error: BaseException) -> str:
    """An error for the log: connection trouble verbatim, anything else by type only
    (messages of other errors may quote row values, i.e. client data)."""
    name = type(error).__name__
    if isinstance(error, (OperationalError, InterfaceError, psycopg.OperationalError)):
        return f"{name}: {str(error).splitlines()[0] if str(error) else ''}"
    return name


def close_quietly(conn: psycopg.Connection[Any] | None) -> None:
    """Close a dedicated connection, which may well be broken already."""
    if conn is not None:
        with contextlib.suppress(psycopg.Error):
            conn.close()


def pg_connect(store: Store) -> psycopg.Connection[Any]:
    """A dedicated connection (advisory lock, LISTEN), with keepalives to notice death."""
    return connect(
        params_from_env(store.factory.env),
        connect_timeout=5,
        keepalives=1,
        keepalives_idle=10,
        keepalives_interval=3,
        keepalives_count=3,
        application_name=f"plans-projections:{os.getpid()}",
    )


def locks_fence(namespace: int, keys: Iterable[int], pid: int) -> Callable[[Any], None]:
    """`lock_fence` for several read models written in one transaction: one query."""
    wanted = sorted(set(keys))

    def fence(curs: Any) -> None:
        curs.execute(
            "SELECT count(DISTINCT objid) AS n FROM pg_locks WHERE locktype = 'advisory' "
            "AND classid = %s AND objid = ANY(%s) AND objsubid = 2 AND pid = %s AND granted",
            (namespace, wanted, pid),
        )
        row = curs.fetchone()
        if not row or row["n"] != len(wanted):
            raise LockLostError("advisory lock lost")

    return fence


def lock_fence(namespace: int, key: int, pid: int) -> Callable[[Any], None]:
    """Inside a batch's transaction: refuse to commit unless our session holds the lock."""
    return locks_fence(namespace, (key,), pid)


def linger(count: int, seconds: float) -> float:
    """How long a follower lets its next batch gather after one of `count` events
    that came `seconds` after the one before it."""
    busy = count >= BUSY_EVENTS_PER_SECOND * max(seconds, LINGER_SECONDS)
    return BUSY_LINGER_SECONDS if busy else LINGER_SECONDS


class Follower(threading.Thread):
    """Keeps the live generation of every read model this process holds current.

    ONE thread per process reads the log once for all of them (`FanOut`):
    woken once per batch of commits (wake-ups coalesce), one registry read
    per round for all read models, one decoding and one plan replay per
    event, then each read model's rows and tracking in its own transaction.
    """

    def __init__(
        self,
        names: Iterable[str],
        store: Store,
        app: PlansApplication,
        stop: threading.Event,
        batch_size: int = DEFAULT_BATCH,
        cache_size: int = DEFAULT_CACHE_SIZE,
    ) -> None:
        super().__init__(name="projections", daemon=True)
        self.names = list(names)
        self.store = store
        self.app = app
        self.stop_event = stop
        self.batch_size = batch_size
        self.cache_size = cache_size
        self.wake = threading.Event()
        self.reader = LogReader(app)
        self.cache = AggregateCache(app, cache_size)
        self.conn: psycopg.Connection[Any] | None = None
        self.held: set[str] = set()
        self.standing_by: set[str] = set()
        self.pid = 0
        self.processors: dict[str, GenerationProcessor] = {}
        self.fan: FanOut | None = None
        self.registry_read = 0.0
        self.errors = 0
        self.processed = 0
        # Set by `ProjectionWorkers.stop` when it gave up waiting: whoever logs what
        # this thread says may be gone (a finished test's captured stream).
        self.abandoned = False
        self.keys = {name: advisory_key(name, store.dialect.schema) for name in self.names}

    # ------------------------------------------------------------------ loop
    def run(self) -> None:
        delay = 0.25
        while not self.stop_event.is_set():
            try:
                self._follow()
                delay = 0.25
            except Exception as e:  # noqa: BLE001 - a follower must survive anything
                if self.stop_event.is_set():
                    break  # stopping (its store may be closed already): nothing to retry
                self.errors += 1
                log.warning(
                    "read models %s: %s; retrying in %.1fs",
                    ", ".join(sorted(self.held)) or "-",
                    _describe(e),
                    delay,
                )
                self._recover()
                self.stop_event.wait(delay)
                delay = min(delay * 2, MAX_BACKOFF)
        self._reset()

    def _recover(self) -> None:
        """After an error: start again from the tracking positions, with the pools'
        dead connections (after an outage) dropped at once rather than one per retry,
        and the locks kept unless their connection is gone."""
        self._drop_fan()
        # Only the read models' own pool: the application's belongs to its commands
        # and queries (and to the outage breaker that watches it).
        pool = getattr(self.store.datastore, "pool", None)
        if pool is not None and hasattr(pool, "check"):
            try:
                pool.check()
            except Exception:  # noqa: BLE001, S110 - best effort; the retry will tell
                pass
        conn = self.conn
        if conn is None:
            return
        try:
            conn.execute("SELECT 1")
        except psycopg.Error:
            self._reset()

    def positions(self) -> dict[str, int | None]:
        return {
            name: (self.processors[name].position if name in self.processors else None)
            for name in self.names
        }

    def _drop_fan(self) -> None:
        if self.fan is not None:
            self.fan.close()
            self.fan = None
        self.processors = {}
        self.registry_read = 0.0
        self.cache.clear()  # never ahead of the rows: rebuilt from the tracking positions

    def _reset(self) -> None:
        self._drop_fan()
        for name in sorted(self.held) if not self.abandoned else ():
            log.info("read model %s: released", name)
        self.held = set()
        self.standing_by = set()
        close_quietly(self.conn)
        self.conn = None

    def _follow(self) -> None:
        last_try = 0.0
        if self.store.dialect.is_postgres:
            if self.conn is None:
                self.conn = pg_connect(self.store)
                self.pid = self.conn.info.backend_pid
                channel = getattr(self.app.recorder, "channel_name", "plans_events")
                self.conn.execute(f'LISTEN "{channel}"')
        else:
            self.held = set(self.names)
        started = time.monotonic()  # when the last batch was read
        while not self.stop_event.is_set():
            if len(self.held) < len(self.names) and time.monotonic() - last_try >= STANDBY_SECONDS:
                last_try = time.monotonic()
                if self._acquire():
                    self._drop_fan()  # a read model joins: start again from every position
            if not self.held:
                self._wait(STANDBY_SECONDS)
                continue
            fan = self._fan()
            if fan is None:
                return  # asked to stop while opening the read models
            try:
                count = fan.step(self.batch_size)
                since, started = started, time.monotonic()
                if count < self.batch_size:
                    fan.flush()
            except IntegrityError:
                # Someone else moved a generation's tracking on (a rebuild that just
                # switched, or a replay): that batch was not written; start again
                # from the tracking positions, or back off when nothing explains it.
                moved = self._moved_on()
                self._drop_fan()
                if not moved:
                    raise
                continue
            except PersistenceError as e:
                if not is_missing_table(e):
                    raise
                self._drop_fan()  # an old generation was dropped: read the registry again
                continue
            if count:
                self.processed += count
                COMMITTED.notify()
                if count == self.batch_size:
                    continue
                # Under a steady stream of commits, let the next batch gather for a
                # moment, longer under a heavy stream (an idle follower is still
                # woken at once by the first commit).
                self.stop_event.wait(linger(count, started - since))
                continue
            self._wait(POLL_SECONDS)

    def _fan(self) -> FanOut | None:
        # The registry (one query for every read model) is read at most every
        # REGISTRY_SECONDS while following: a rebuild's switch is followed within
        # that; a batch that races the old generation's drop fails and re-reads it.
        now = time.monotonic()
        if self.fan is not None and now - self.registry_read < REGISTRY_SECONDS:
            return self.fan
        generations = self.store.generations()
        self.registry_read = now
        wanted = {name: generations[name][0] for name in self.held}
        current = {name: p.generation for name, p in self.processors.items()}
        if self.fan is not None and wanted == current:
            return self.fan
        if self.fan is not None:
            self.fan.flush()
        self._drop_fan()
        for name in sorted(wanted):
            fence = None
            if self.conn is not None:
                fence = lock_fence(ADVISORY_NAMESPACE, self.keys[name], self.pid)
            view = open_view(self.store, name, wanted[name], fence)
            projection = model(name)(view, self.app, cache_size=0)
            processor = GenerationProcessor(projection, None, wanted[name], self.app.name)
            self.processors[name] = processor
            if self.stop_event.is_set():
                # Opening a view can wait long on a busy SQLite file: a follower
                # asked to stop meanwhile stops here, rather than following on
                # (and logging) after `stop` has given up waiting for it.
                return None
            log.info(
                "read model %s: following generation %d from position %d",
                name,
                wanted[name],
                processor.position,
            )
        together = None
        if self.conn is not None:
            keys = [self.keys[name] for name in self.processors]
            together = locks_fence(ADVISORY_NAMESPACE, keys, self.pid)
        self.fan = FanOut(self.reader, list(self.processors.values()), self.cache, fence=together)
        return self.fan

    def _moved_on(self) -> bool:
        moved = False
        for processor in self.processors.values():
            before = processor.position
            if processor.reload_position() > before:
                moved = True
        return moved

    def _acquire(self) -> bool:
        """Try to take every read model not held yet; whether any was taken."""
        assert self.conn is not None
        taken = False
        for name in self.names:
            if name in self.held:
                continue
            row = self.conn.execute(
                "SELECT pg_try_advisory_lock(%s, %s)", (ADVISORY_NAMESPACE, self.keys[name])
            ).fetchone()
            if row and row[0]:
                self.held.add(name)
                self.standing_by.discard(name)
                taken = True
                log.info("read model %s: processing (lock acquired)", name)
            elif name not in self.standing_by:
                self.standing_by.add(name)
                log.info("read model %s: standing by (another process holds it)", name)
        return taken

    def _wait(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stop_event.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            if self.wake.is_set():
                break
            if self.conn is not None:
                woken = False
                for _ in self.conn.notifies(timeout=min(0.25, remaining), stop_after=1):
                    woken = True
                if woken:
                    break
            else:
                self.wake.wait(min(0.25, remaining))
        # Coalesce: every wake-up (in-process or NOTIFY) that arrived meanwhile is
        # answered by the one batch read next, which sees all their commits.
        self.wake.clear()
        if self.conn is not None:
            for _ in self.conn.notifies(timeout=0, stop_after=1000):
                pass


class ProjectionWorkers:
    """The follower of every read model, in a thread of this process (for `plans serve`)."""

    def __init__(
        self,
        env: Mapping[str, str],
        app: PlansApplication,
        names: Iterable[str] | None = None,
        batch_size: int = DEFAULT_BATCH,
        cache_size: int = DEFAULT_CACHE_SIZE,
    ) -> None:
        self.env = dict(env)
        self.app = app
        self.names = list(names) if names is not None else list(MODELS)
        for name in self.names:
            model(name)
        self.batch_size = batch_size
        self.cache_size = cache_size
        self.stop_event = threading.Event()
        self.followers: list[Follower] = []
        self.store: Store | None = None
        self._registered = False

    def start(self) -> None:
        if self.followers:
            return
        self.stop_event.clear()
        self.store = Store(
            construct_factory(
                self.env,
                POSTGRES_POOL_SIZE="2",
                POSTGRES_MAX_OVERFLOW=str(len(self.names) + 4),
                # No ping before each batch: a broken connection fails the batch,
                # the pool drops it, and the follower retries on another.
                POSTGRES_PRE_PING="n",
            )
        )
        self.followers = [
            Follower(
                self.names,
                self.store,
                self.app,
                self.stop_event,
                self.batch_size,
                self.cache_size,
            )
        ]
        if not self._registered:
            self.app.on_recorded(self._wake)
            self._registered = True
        for follower in self.followers:
            follower.start()

    def _wake(self, _position: int) -> None:
        for follower in self.followers:
            follower.wake.set()

    def positions(self) -> dict[str, int | None]:
        """Where each read model of this process stands (None: not processing here)."""
        found: dict[str, int | None] = dict.fromkeys(self.names)
        for follower in self.followers:
            found.update(follower.positions())
        return found

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_event.set()
        for follower in self.followers:
            follower.wake.set()
        for follower in self.followers:
            follower.join(timeout)
            if follower.is_alive():
                follower.abandoned = True  # from now on it stops without a word
                log.warning(
                    "a projection follower did not stop within %.0f s; it stops at its next step",
                    timeout,
                )
        self.followers = []
        if self.store is not None:
            self.store.close()
            self.store = None

    def __enter__(self) -> ProjectionWorkers:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_projectors(
    env: Mapping[str, str],
    app: PlansApplication,
    stop_event: threading.Event,
    names: Iterable[str] | None = None,
    batch_size: int = DEFAULT_BATCH,
) -> None:
    """`plans project`: follow every read model until `stop_event` is set."""
    workers = ProjectionWorkers(env, app, names=names, batch_size=batch_size)
    workers.start()
    try:
        while not stop_event.wait(1.0):
            pass
    finally:
        workers.stop()


# --------------------------------------------------------------------- rebuild
class RebuildBusyError(RuntimeError):
    """Another rebuild of this read model is running."""


@dataclass
class RebuildResult:
    name: str
    old_generation: int
    generation: int
    events: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


class _Build:
    """One read model's new generation: its rebuild lock, tables and processor."""

    def __init__(self, store: Store, app: PlansApplication, name: str) -> None:
        self.store = store
        self.app = app
        self.name = name
        self.conn: psycopg.Connection[Any] | None = None
        if store.dialect.is_postgres:
            self.conn = pg_connect(store)
            row = self.conn.execute(
                "SELECT pg_try_advisory_lock(%s, %s)",
                (REBUILD_NAMESPACE, advisory_key(name, store.dialect.schema)),
            ).fetchone()
            if not row or not row[0]:
                self.conn.close()
                raise RebuildBusyError(f"read model {name} is being rebuilt by another process")
        live, building = store.generations()[name]
        if building:
            open_view(store, name, building).drop_tables()  # left over from a crash
        self.old = live
        self.generation = max(live, building or 0) + 1
        store.execute(
            "UPDATE {registry} SET building = %s WHERE name = %s", (self.generation, name)
        )
        view = open_view(store, name, self.generation)
        view.drop_tables()
        view.create_table()
        projection = model(name)(view, app, cache_size=0)
        self.processor = GenerationProcessor(projection, None, self.generation, app.name)

    def switch(self) -> bool:
        rows = self.store.fetchall(
            "UPDATE {registry} SET generation = %s, building = NULL, switched_at = %s, "
            "fingerprint = %s WHERE name = %s AND generation = %s RETURNING generation",
            (self.generation, utc_text_now(), model(self.name).fingerprint(), self.name, self.old),
            commit=True,
        )
        if rows and self.conn is not None:
            # Wake the live followers (they LISTEN on the events channel): they read
            # the registry on waking and move to the new generation.
            channel = getattr(self.app.recorder, "channel_name", "plans_events")
            self.conn.execute(f'NOTIFY "{channel}"')
        return bool(rows)

    def abandon(self) -> None:
        try:
            open_view(self.store, self.name, self.generation).drop_tables()
            self.store.execute(
                "UPDATE {registry} SET building = NULL WHERE name = %s AND building = %s",
                (self.name, self.generation),
            )
        except Exception as e:  # noqa: BLE001 - best effort; the next rebuild cleans up
            log.warning("read model %s: could not drop generation: %s", self.name, _describe(e))

    def filled_to(self, position: int) -> None:
        """Builder processes fed the new generation every event up to `position`:
        its tracking says so (the shares' own tracking rows are removed)."""
        self.processor.view.settle_tracking(self.app.name, position)
        self.processor.position = position

    def release(self) -> None:
        close_quietly(self.conn)
        self.conn = None


@contextlib.contextmanager
def young_collections_only() -> Iterator[None]:
    """No full garbage collections meanwhile, and fewer young ones.

    A catch-up keeps up to DEFAULT_CACHE_SIZE plan aggregates (dicts of dicts,
    acyclic and long-lived): each full collection only walks them again, a
    quarter of a rebuild's CPU. Young generations are still collected, so
    cycles made meanwhile are freed as usual; the thresholds are restored after.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(10_000, 10, 1_000_000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


class _CatchUp:
    """Every read model generation fed from ONE reading of the log (or of one share
    of it), until it reaches the head."""

    def __init__(
        self,
        app: PlansApplication,
        processors: list[GenerationProcessor],
        share: Share | None = None,
    ) -> None:
        self.processors = processors
        self.reader = LogReader(app, read_ahead=True, share=share)
        self.fan = FanOut(self.reader, processors, AggregateCache(app, DEFAULT_CACHE_SIZE))
        self.events = 0
        self.seconds = 0.0

    def run(self, batch: int, progress: Progress | None) -> None:
        started = time.perf_counter()
        last_report = 0.0
        try:
            while True:
                count = self.fan.step(batch)
                self.events += count
                if count < batch:
                    self.fan.flush()
                    # A share ends at its bound: a short read found nothing more in it.
                    if self.reader.share is not None or self.fan.position >= self.reader.head():
                        break
                now = time.perf_counter()
                if progress is not None and now - last_report >= 0.25:
                    last_report = now
                    head = self.reader.head()
                    rate = self.events / max(now - started + self.seconds, 1e-9)
                    for p in self.processors:
                        progress(p.name, p.position, head, rate)
            self.fan.flush()
        finally:
            self.seconds += time.perf_counter() - started
        if progress is not None:
            for p in self.processors:
                progress(p.name, p.position, p.position, self.rate)

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0

    def close(self) -> None:
        self.fan.close()
        self.reader.close()


def _followed(store: Store, names: Iterable[str]) -> bool:
    """Whether a live follower (of any process) may still be writing these read models'
    old generations: on PostgreSQL, whether anyone holds one of their follower locks."""
    if not store.dialect.is_postgres:
        return True  # in-process followers: no lock to look at
    keys = [advisory_key(n, store.dialect.schema) for n in names]
    if not keys:
        return False
    rows = store.fetchall(
        "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = %s "
        "AND objid = ANY(%s) AND objsubid = 2 AND granted "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        (ADVISORY_NAMESPACE, keys),
    )
    return bool(rows and rows[0]["n"])


def rebuild(
    env: Mapping[str, str],
    app: PlansApplication,
    names: Iterable[str] | None = None,
    progress_callback: Progress | None = None,
    *,
    batch_size: int = REBUILD_BATCH,
    grace_seconds: float = 2.0,
    jobs: int = 1,
) -> dict[str, RebuildResult]:
    """Rebuild read models beside the live ones, switch over, drop the old generation.

    Every new generation is fed from one reading of the log (`fanout.FanOut`).
    Queries keep answering from the live generation until the registry switches
    (one UPDATE); live followers move to the new generation within a second;
    the old tables are dropped after `grace_seconds` when a live follower holds
    one of these read models (queries that race the drop retry on the new
    generation by themselves). `progress_callback(name, position, head,
    events_per_second)` is called a few times a second. With `jobs` above 1
    (PostgreSQL), that many builder processes fill the new generations up to
    the head as it was when they started, each with its share of the plans
    (`projections.jobs`); this process then reads what came after.
    """
    chosen = list(names) if names else list(MODELS)
    for name in chosen:
        model(name)
    builders = None
    if jobs > 1 and "postgres" in env.get("PERSISTENCE_MODULE", ""):
        from projections.jobs import Builders

        # Forked now, before this call opens a connection of its own.
        builders = Builders(env, jobs, batch_size)
    try:
        store = _writers_store(env, len(chosen))
    except BaseException:
        if builders is not None:
            builders.close()  # the idle builders would otherwise live on
        raise
    builds: list[_Build] = []
    results: dict[str, RebuildResult] = {}
    catch_up: _CatchUp | None = None
    try:
        store.create_registry()
        for name in chosen:
            store.register(name, model(name).fingerprint())
        try:
            for name in chosen:
                builds.append(_Build(store, app, name))
            filled, started = 0, time.perf_counter()
            if builders is not None:
                upto = int(app.recorder.max_notification_id() or 0)
                filled = builders.fill(
                    {b.name: b.generation for b in builds}, upto, progress_callback
                )
                for b in builds:
                    b.filled_to(upto)
            catch_up = _CatchUp(app, [b.processor for b in builds])
            catch_up.events, catch_up.seconds = filled, time.perf_counter() - started
            with young_collections_only():
                catch_up.run(batch_size, progress_callback)
                # A last short catch-up, so followers resume close to the head.
                catch_up.run(batch_size, None)
        except BaseException:
            if catch_up is not None:
                catch_up.close()
            for b in builds:
                b.abandon()
            raise
        catch_up.close()
        switched: list[_Build] = []
        for b in builds:
            if not b.switch():
                b.abandon()
                raise RebuildBusyError(f"read model {b.name} was switched by someone else")
            switched.append(b)
            log.info(
                "read model %s: generation %d live (%d events, %.0f events/s)",
                b.name,
                b.generation,
                catch_up.events,
                catch_up.rate,
            )
        if switched and grace_seconds > 0 and _followed(store, [b.name for b in switched]):
            time.sleep(grace_seconds)
        for b in switched:
            _drop_generation(store, b.name, b.old)
            results[b.name] = RebuildResult(
                b.name, b.old, b.generation, catch_up.events, catch_up.seconds
            )
        return results
    finally:
        if builders is not None:
            builders.close()
        for b in builds:
            b.release()
        store.close()


def fill_share(
    env: Mapping[str, str],
    app: PlansApplication,
    generations: Mapping[str, int],
    share: Share,
    progress_callback: Progress | None = None,
    *,
    batch_size: int = REBUILD_BATCH,
) -> int:
    """Feed one share of the log (`share`) to new generations that another process
    created and holds (`plans rebuild --jobs N`); the log events read.

    Each share's tracking is kept under a name of its own (a generation's
    tracking only ever moves forward, and the shares interleave); the process
    that holds the generations records where they all reached
    (`_Build.filled_to`).
    """
    store = _writers_store(env, len(generations))
    try:
        processors = []
        for name, generation in generations.items():
            projection = model(name)(open_view(store, name, generation), app, cache_size=0)
            processors.append(
                GenerationProcessor(projection, None, generation, share_name(app.name, share))
            )
        catch_up = _CatchUp(app, processors, share)
        try:
            with young_collections_only():
                catch_up.run(batch_size, progress_callback)
        finally:
            catch_up.close()
        return catch_up.events
    finally:
        store.close()


def _writers_store(env: Mapping[str, str], read_models: int) -> Store:
    """The store a rebuild writes through: a connection per read model's writer
    thread, and a few for the registry and the claims."""
    return Store(
        construct_factory(
            env,
            POSTGRES_POOL_SIZE="2",
            POSTGRES_MAX_OVERFLOW=str(read_models + 4),
            POSTGRES_PRE_PING="n",
        )
    )


def share_name(app_name: str, share: Share) -> str:
    """The tracking name of one share's rows in a generation being built."""
    return f"{app_name} share {share.part + 1}/{share.parts}"


def _drop_generation(store: Store, name: str, generation: int) -> None:
    for attempt in range(5):
        try:
            open_view(store, name, generation).drop_tables()
            return
        except Exception as e:  # noqa: BLE001 - a busy table: try again shortly
            log.warning(
                "read model %s: dropping generation %d failed (%s), attempt %d",
                name,
                generation,
                _describe(e),
                attempt + 1,
            )
            time.sleep(1.0)
