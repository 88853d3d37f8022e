"""The write path's engine: group commit, the owned plan cache, in-memory snapshots.

Throughput (bench/README.md, "What the profile says"): the recorder holds the
events table's EXCLUSIVE lock through each transaction's WAL flush, so one
transaction per command caps writes at 1 / (commit latency) whatever the
number of writers. Hence, on PostgreSQL:

- `LoopBatcher`: a save decided on the event loop (`handle_now`) is
  committed by the loop itself with every other save queued meanwhile, in
  ONE statement on the loop's own connection: no thread to hand the GIL to
  and back. The same batcher groups the loop's access-log entries and its
  "any newer events?" checks.
- `GroupCommitter`: a save made on a thread queues its events to one
  committer thread, which
  writes everything queued (commands on different plans) in ONE transaction:
  same recorder, same lock, ids issued and committed in order, so readers
  still never pass a gap. Only the commit is shared; a clash inside a batch
  is found by re-running that batch one save at a time. While threads are
  between loading a plan and queuing its save ("deciding"), the committer
  waits at most MAX_WAIT for them to join the batch.
- `PlanCache`: a command takes the plan out of the cache (no reads, no
  replay) and only a committed save puts it back. Another process may have
  written the plan since; then the save clashes on (id, version) and the
  command retries from the database (see `PlansApplication._execute`).
- `snapshot_saved_aggregates`: snapshots are taken from the aggregate just
  saved, not re-read and replayed; a save committed by the event loop has its
  snapshot encoded at once and written afterwards (`SnapshotWriter`).

Nothing here knows about plans' rules; `domain.application` wires it in.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Future, InvalidStateError, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, cast
from uuid import UUID

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.errors import PlanErasedError

log = logging.getLogger("plans")

PLAN_CACHE_SIZE = 10_000
READ_CACHE_SIZE = 2_000
# A batch is at most this many saves; the committer waits at most MAX_WAIT
# seconds for commands that are deciding right now to join it.
MAX_BATCH = 256
MAX_WAIT = 0.002

Put = Callable[[list[Any]], Sequence[Any]]
A = TypeVar("A", bound=Aggregate)
T = TypeVar("T")


def settle(future: Future[T] | asyncio.Future[T], result: T, error: BaseException | None) -> None:
    """Give a waiter its outcome: `error` if any, else `result`. A waiter that went
    away (cancelled meanwhile) is skipped, so whoever settles goes on for the rest."""
    try:
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)
    except (InvalidStateError, asyncio.InvalidStateError):
        pass


@dataclass
class _Ticket:
    """One save waiting for the committer: a thread waits on `done`, or
    (`submit_later`) whoever holds `future` is told through it."""

    events: list[Any]
    deciding: bool  # its thread was counted as deciding before it queued
    done: threading.Event | None = None
    recordings: list[Any] | None = None
    error: BaseException | None = None
    future: Future[list[Any]] | None = None


class _Deciding:
    """Counts this thread as deciding a command while inside the block."""

    def __init__(self, committer: GroupCommitter) -> None:
        self.committer = committer

    def __enter__(self) -> None:
        local = self.committer._local  # noqa: SLF001
        local.depth = getattr(local, "depth", 0) + 1
        if local.depth == 1:
            self.committer._add_deciding(1)  # noqa: SLF001

    def __exit__(self, *exc: object) -> None:
        local = self.committer._local  # noqa: SLF001
        local.depth -= 1
        if local.depth == 0:
            self.committer._add_deciding(-1)  # noqa: SLF001


class GroupCommitter:
    """One thread that commits the events of concurrent saves together.

    `put(events)` writes a list of events in one transaction and returns
    their recordings in order (the application's `events.put`).
    """

    def __init__(
        self,
        put: Put,
        *,
        max_batch: int = MAX_BATCH,
        max_wait: float = MAX_WAIT,
        name: str = "plans-group-commit",
    ) -> None:
        self._put = put
        self.max_batch = max_batch
        self.max_wait = max_wait
        # Threads between loading a plan and queuing its save.
        self._deciding = 0
        self._deciding_lock = threading.Lock()
        self._local = threading.local()
        self._queue: queue.SimpleQueue[_Ticket | None] = queue.SimpleQueue()
        # Transactions written, saves in them, largest batch (for metrics).
        self._batches = self._batched_saves = self._largest_batch = 0
        self._thread: threading.Thread | None = threading.Thread(
            target=self._commit_loop, name=name, daemon=True
        )
        self._thread.start()

    # -------------------------------------------------------------- callers
    def deciding(self) -> _Deciding:
        """`with committer.deciding():` around load → decide → save of one command."""
        return _Deciding(self)

    def submit(self, events: list[Any]) -> list[Any]:
        """Queue one save's events; return their recordings once committed
        (or raise what the commit raised)."""
        # Waiting for the commit is not deciding: the committer counts this
        # thread back in when it releases it (before the thread can run).
        deciding = getattr(self._local, "depth", 0) > 0
        if deciding:
            self._add_deciding(-1)
        ticket = _Ticket(events, deciding, threading.Event())
        self._queue.put(ticket)
        assert ticket.done is not None
        ticket.done.wait()
        if ticket.error is not None:
            raise ticket.error
        return ticket.recordings or []

    def submit_later(self, events: list[Any]) -> Future[list[Any]]:
        """Queue one save's events without waiting: the future gets their
        recordings once committed (or what the commit raised). For a caller
        that must not block, such as an event loop, which decided the command
        in one go (so it was never counted as deciding)."""
        future: Future[list[Any]] = Future()
        self._queue.put(_Ticket(events, deciding=False, future=future))
        return future

    def stats(self) -> tuple[int, int, int]:
        """(transactions, saves written by them, largest batch) since start."""
        return self._batches, self._batched_saves, self._largest_batch

    def close(self, late_error: BaseException) -> None:
        """Commit everything already queued, stop; a save that raced the stop
        gets `late_error` instead of waiting forever."""
        if self._thread is None:
            return
        self._queue.put(None)  # after everything already queued
        self._thread.join(timeout=30)
        self._thread = None
        while True:
            try:
                late = self._queue.get_nowait()
            except queue.Empty:
                break
            if late is not None:
                self._release(late, error=late_error)

    # ------------------------------------------------------------ committer
    def _add_deciding(self, n: int) -> None:
        with self._deciding_lock:
            self._deciding += n

    def _commit_loop(self) -> None:
        stop = False
        while not stop:
            ticket = self._queue.get()
            if ticket is None:
                return
            batch = [ticket]
            deadline = time.perf_counter() + self.max_wait
            while len(batch) < self.max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    wait = deadline - time.perf_counter()
                    if self._deciding <= 0 or wait <= 0:
                        break
                    try:
                        more = self._queue.get(timeout=min(wait, 0.0002))
                    except queue.Empty:
                        continue
                if more is None:
                    stop = True
                    break
                batch.append(more)
            self._commit(batch)

    def _commit(self, batch: list[_Ticket]) -> None:
        events = [e for t in batch for e in t.events]
        try:
            recordings = self._put(events)
        except (IntegrityError, PlanErasedError) as e:
            if len(batch) == 1:
                self._release(batch[0], error=e)
                return
            # Two saves of one plan version: one save at a time finds the
            # loser(s); only they see the IntegrityError (and retry as always).
            # Likewise only the save of an erased plan sees PlanErasedError.
            for t in batch:
                self._commit([t])
            return
        except BaseException as e:  # noqa: BLE001 - every waiter gets the failure
            for t in batch:
                self._release(t, error=e)
            return
        self._batches += 1
        self._batched_saves += len(batch)
        self._largest_batch = max(self._largest_batch, len(batch))
        start = 0
        for t in batch:
            n = len(t.events)
            t.recordings = list(recordings[start : start + n])
            start += n
            self._release(t)

    def _release(self, ticket: _Ticket, error: BaseException | None = None) -> None:
        ticket.error = error
        if ticket.deciding:
            self._add_deciding(1)
        if ticket.future is not None:
            # The waiter may have gone (a cancelled request cancels the future it
            # awaited through asyncio.wrap_future): its save is committed all the
            # same, and the committer must go on for everyone else.
            settle(ticket.future, ticket.recordings or [], error)
        if ticket.done is not None:
            ticket.done.set()


R = TypeVar("R")


@dataclass
class RiderWrite:
    """Rows that ride in the transaction of a batch of saves: `statements` run
    after the events' insert, in the same transaction, and `settle` is told the
    row count of the last one (None: the transaction failed, or its outcome is
    unknown), so the writer learns whether its rows went in."""

    statements: list[tuple[str, Sequence[Any]]]
    settle: Callable[[int | None], None]


class Companion(Protocol):
    """Who writes riders (the access log's entries of the commands whose events
    a batch commits): their statements for one batch, or None (not now: the
    riders are then left unwritten, for their owners to write their own way)."""

    def ride(self, riders: list[Any]) -> RiderWrite | None: ...


class LoopBatcher(Generic[T, R]):
    """Group commit (or a group read) done by an event loop itself: no thread,
    so the loop never hands the GIL to one and back for every batch.

    `submit(item)` (on the loop, without blocking) queues one item and returns
    a future of its result; one task calls `handle(items)` with everything
    queued meanwhile, gets one result per item, and settles their futures:
    concurrent requests share one statement (and one commit) instead of one
    each. A batch that fails with one of `split_on` (a clash of one of its
    saves) is handled again one item at a time, so only the culprit sees the
    error; any other failure fails the whole batch. A waiter that stops
    waiting still has its item handled. Used from one event loop at a time:
    another loop starts afresh (what the last one queued went with it)."""

    def __init__(
        self,
        handle: Callable[[list[T]], Awaitable[Sequence[R]]],
        *,
        max_batch: int = MAX_BATCH,
        split_on: tuple[type[BaseException], ...] = (),
    ) -> None:
        self._handle = handle
        self.max_batch = max_batch
        self._split_on = split_on
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._task: asyncio.Task[None] | None = None
        self._batches = self._batched = self._largest = 0

    def submit(self, item: T) -> asyncio.Future[R]:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop, self._pending, self._task = loop, [], None
        future: asyncio.Future[R] = loop.create_future()
        self._pending.append((item, future))
        if self._task is None:
            self._task = loop.create_task(self._drain())
        return future

    def stats(self) -> tuple[int, int, int]:
        """(batches, items handled by them, largest batch) since start."""
        return self._batches, self._batched, self._largest

    async def drain(self) -> None:
        """Wait until everything queued on this loop is handled."""
        task = self._task
        if task is not None and self._loop is asyncio.get_running_loop():
            await asyncio.shield(task)

    async def _drain(self) -> None:
        batch: list[tuple[T, asyncio.Future[R]]] = []
        try:
            while self._pending:
                batch = self._pending[: self.max_batch]
                del self._pending[: self.max_batch]
                await self._commit(batch)
                batch = []
        finally:  # cancelled (the loop is stopping): nobody may wait forever
            self._task = None
            gone = RuntimeError("the writer stopped")
            for _, future in batch:
                settle(future, cast(R, None), gone)

    async def _commit(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            results = await self._handle([item for item, _ in batch])
        except self._split_on as e:
            if len(batch) == 1:
                settle(batch[0][1], cast(R, None), e)
                return
            for one in batch:
                await self._commit([one])
            return
        except Exception as e:  # noqa: BLE001 - every waiter gets the failure
            for _, future in batch:
                settle(future, cast(R, None), e)
            return
        self._batches += 1
        self._batched += len(batch)
        self._largest = max(self._largest, len(batch))
        for (_, future), result in zip(batch, results, strict=True):
            settle(future, result, None)


class PlanCache(Generic[A]):
    """Aggregates whose every event is committed, owned by one command at a time
    (`take` removes, `keep` puts back); least recently kept dropped first.

    Readers use one too (`PlansApplication.read_plan`): they `peek` at an
    aggregate they share and never mutate, and `keep` a newer one they read."""

    def __init__(self, size: int = PLAN_CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[UUID, A] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def take(self, aggregate_id: UUID) -> A | None:
        with self._lock:
            return self._items.pop(aggregate_id, None)

    def peek(self, aggregate_id: UUID) -> A | None:
        """The aggregate, left in the cache (for readers, who share it)."""
        with self._lock:
            found = self._items.get(aggregate_id)
            if found is not None:
                self._items.move_to_end(aggregate_id)
            return found

    def keep(self, aggregate: A) -> None:
        """Keep a committed aggregate (never a newer one's elder)."""
        with self._lock:
            current = self._items.get(aggregate.id)
            if current is not None and current.version >= aggregate.version:
                return
            self._items[aggregate.id] = aggregate
            self._items.move_to_end(aggregate.id)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class SnapshotWriter:
    """Writes snapshots already encoded (from the aggregate just saved, so they
    hold exactly its state at their version) on a thread of its own, after the
    command has answered: a snapshot only spares later reads a replay, so no
    caller waits for it, and one that fails is logged and skipped (the events
    are all there; the next interval takes another)."""

    def __init__(self, insert: Callable[[list[Any]], Any]) -> None:
        self._insert = insert
        # Its one thread starts with the first snapshot.
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="plans-snapshots")

    def submit(self, stored: list[Any]) -> None:
        try:
            self._executor.submit(self._write, stored)
        except RuntimeError:  # closed: the application is going away
            log.warning("a snapshot was not written: the application is closing")

    def _write(self, stored: list[Any]) -> None:
        try:
            self._insert(stored)
        except Exception:  # noqa: BLE001 - a snapshot is an optimisation
            log.warning("a snapshot was not written (reads replay a little more)", exc_info=True)

    def close(self) -> None:
        """Write what is queued, then stop."""
        self._executor.shutdown(wait=True)


def due_snapshots(
    app: Application[UUID], processing_event: ProcessingEvent[UUID]
) -> list[tuple[Any, Any]]:
    """The events of this save at a snapshotting interval, each with its aggregate."""
    due = []
    for event in processing_event.events:
        aggregate = processing_event.aggregates.get(event.originator_id)
        interval = app.snapshotting_intervals.get(type(aggregate)) if aggregate else None
        if aggregate is not None and interval and not event.originator_version % interval:
            due.append((event, aggregate))
    return due


def at_saved_version(event: Any, aggregate: Any) -> bool:
    """Whether `aggregate` in memory is the state `event` left (a snapshot of it
    then needs no read back)."""
    return isinstance(aggregate, Aggregate) and aggregate.version == event.originator_version


def encoded_snapshots(
    app: Application[UUID], processing_event: ProcessingEvent[UUID]
) -> list[Any] | None:
    """The snapshots due after this save, taken from the aggregates just saved
    and encoded now (so the aggregates may change again at once); None when one
    is due of an aggregate not at its saved version (a caller then snapshots
    the blocking way, `snapshot_saved_aggregates`)."""
    if app.snapshots is None:
        return []
    due = due_snapshots(app, processing_event)
    if not all(at_saved_version(event, aggregate) for event, aggregate in due):
        return None
    mapper = app.snapshots.mapper
    return [mapper.to_stored_event(type(a).Snapshot.take(a)) for _, a in due]


def snapshot_saved_aggregates(
    app: Application[UUID], processing_event: ProcessingEvent[UUID]
) -> None:
    """Snapshot the aggregates just saved (at each snapshotting interval) from
    memory: no need to read back and replay up to the interval's events."""
    if app.snapshots is None:
        return
    for event, aggregate in due_snapshots(app, processing_event):
        if at_saved_version(event, aggregate):
            app.snapshots.put([type(aggregate).Snapshot.take(aggregate)])
        else:
            app.take_snapshot(event.originator_id, event.originator_version)
