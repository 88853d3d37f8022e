"""Prototype: what it takes to reach 60 % of raw at 8 writers.

Group commit, the owned plan cache and in-memory snapshots are now in src
(domain.application, env GROUP_COMMIT); this prototype runs with src's own
fast path switched off (GROUP_COMMIT=n) so the two never share a queue, and
still differs in its plan cache switches and pool pre-ping (its recorder is src's).

`BatchedPlansApplication` subclasses `PlansApplication` and changes three
things, each switchable so the bench can measure what each one gains:

1. group commit (`batch=True`): a save no longer opens its own transaction.
   It queues its events to one committer thread, which drains the queue and
   writes everything queued — commands on different plans — in ONE
   transaction: one LOCK TABLE, one chain insert per event, one INSERT, one
   WAL flush. Gap-free ordering is kept (same recorder, same lock; ids are
   still issued and committed in order). A clash in a batch (two commands on
   the same plan version) makes the committer retry that batch one save at
   a time, so only the loser sees its IntegrityError, and retries as today.
2. owned aggregate cache (`cache=True`): a command takes the plan out of an
   in-process cache (no SELECT, no decoding), and puts it back only once its
   save committed. No fast-forward query: if another process wrote the plan
   meanwhile, the save clashes on (id, version), the command evicts and
   retries from the database (correct because only a committed save puts a
   plan back). A refusal decided on a cached plan is re-checked once against
   the database, so a stale cache never wrongly refuses a command.
3. in-memory snapshots (`snapshot_from_memory=True`): every Nth version the
   snapshot is taken from the aggregate just saved, instead of re-reading
   and replaying up to N events from the database.

Also `pre_ping=False` (POSTGRES_PRE_PING=n) removes one round trip per pool
checkout, `fast_recorder=True` uses bench.proposals.FastChainRecorder (one
chain statement per batch instead of one per event, the transaction in one
round trip) and `function=True` (default) src's recorder: the
whole save is one statement calling a PL/pgSQL function.
"""

from __future__ import annotations

import queue
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.application import ProcessingEvent
from eventsourcing.persistence import IntegrityError

from domain import errors
from domain.application import MAX_ATTEMPTS, CommandResult, PlansApplication
from domain.plan import Actor, Plan


@dataclass
class _Ticket:
    processing_event: ProcessingEvent[UUID]
    done: threading.Event = field(default_factory=threading.Event)
    recordings: list[Any] | None = None
    error: BaseException | None = None


class BatchedPlansApplication(PlansApplication):
    name = "plans"  # same tables and env prefix as the real one

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        batch: bool = True,
        cache: bool = True,
        snapshot_from_memory: bool = True,
        max_batch: int = 256,
        max_wait: float = 0.002,
        cache_size: int = 10_000,
        committers: int = 1,
    ) -> None:
        super().__init__(env)
        self.batching = batch
        self.caching = cache
        self.snapshot_from_memory = snapshot_from_memory
        self.max_batch = max_batch
        self.max_wait = max_wait
        # Commands between load and enqueue: the committer waits (at most
        # max_wait) for them to join the batch, like PostgreSQL's commit_delay
        # with commit_siblings, but only while someone is about to arrive.
        self._deciding = 0
        self._deciding_lock = threading.Lock()
        self.cache_size = cache_size
        self._cache: OrderedDict[UUID, Plan] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._queue: queue.SimpleQueue[_Ticket | None] = queue.SimpleQueue()
        self.batches = 0
        self.batched_saves = 0
        # With two committers, a second batch is sent while the first commits:
        # it waits for the table lock inside PostgreSQL and goes the moment the
        # first commits, while the first batch's writers decide their next commands.
        self._in_flight = 0
        self._committers = [
            threading.Thread(target=self._commit_loop, name=f"group-commit-{i}", daemon=True)
            for i in range(committers if batch else 0)
        ]
        for thread in self._committers:
            thread.start()

    # ------------------------------------------------------ owned plan cache
    def _checkout(self, plan_id: UUID, clinic: str) -> tuple[Plan, bool]:
        if self.caching:
            with self._cache_lock:
                plan = self._cache.pop(plan_id, None)
            if plan is not None:
                if plan.clinic != clinic:
                    self._checkin(plan)
                    raise errors.PlanNotFoundError(f"plan {plan_id} not found")
                return plan, True
        return self.get_plan(plan_id, clinic), False

    def _checkin(self, plan: Plan) -> None:
        if not self.caching:
            return
        with self._cache_lock:
            self._cache[plan.id] = plan
            self._cache.move_to_end(plan.id)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def execute(
        self,
        plan_id: UUID,
        by: Actor,
        decide: Callable[[Plan], None],
        expected_version: int | None = None,
        result: dict[str, Any] | None = None,
    ) -> CommandResult:
        self._enter_deciding()
        try:
            return self._execute(plan_id, by, decide, expected_version, result)
        finally:
            self._leave_deciding()

    def _enter_deciding(self) -> None:
        with self._deciding_lock:
            self._deciding += 1

    def _leave_deciding(self) -> None:
        with self._deciding_lock:
            self._deciding -= 1

    def _execute(
        self,
        plan_id: UUID,
        by: Actor,
        decide: Callable[[Plan], None],
        expected_version: int | None,
        result: dict[str, Any] | None,
    ) -> CommandResult:
        for attempt in range(MAX_ATTEMPTS):
            plan, cached = self._checkout(plan_id, by.clinic)
            try:
                outcome = plan.outcome_of(by.command_id, by.request_hash)
                if outcome is None and (
                    expected_version is None or plan.version == expected_version
                ):
                    decide(plan)
            except errors.PlanError:
                if cached:  # re-check a refusal against the database, once
                    continue
                raise
            if outcome is not None:
                if cached:
                    self._checkin(plan)
                return CommandResult(
                    plan_id,
                    outcome["version"],
                    self._position_of(plan_id, outcome["version"]),
                    outcome["result"],
                    replayed=True,
                )
            if expected_version is not None and plan.version != expected_version:
                if cached:
                    continue
                raise errors.StaleVersionError(expected_version, plan.version)
            try:
                recordings = self.save(plan)
            except IntegrityError:
                if cached:
                    continue  # stale cache: reload from the database now
                if expected_version is not None:
                    current = self.get_plan(plan_id, by.clinic)
                    outcome = current.outcome_of(by.command_id, by.request_hash)
                    if outcome is None:
                        raise errors.StaleVersionError(expected_version, current.version) from None
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
                continue
            self._checkin(plan)
            return CommandResult(
                plan_id, plan.version, recordings[-1].notification.id, dict(result or {})
            )
        raise errors.PlanError("too many concurrent changes to this plan; try again")

    # ---------------------------------------------------------- group commit
    def save(self, *objs: Any, **kwargs: Any) -> list[Any]:
        if not self.batching:
            return super().save(*objs, **kwargs)
        processing_event: ProcessingEvent[UUID] = ProcessingEvent()
        processing_event.collect_events(*objs, **kwargs)
        if not processing_event.events:
            return []
        ticket = _Ticket(processing_event)
        # Waiting, not deciding; the committer counts us back in on release.
        self._leave_deciding()
        self._queue.put(ticket)
        ticket.done.wait()
        if ticket.error is not None:
            raise ticket.error
        recordings = ticket.recordings or []
        self._take_snapshots(processing_event)
        # In-process followers were woken once for the whole batch (_commit).
        return recordings

    def _commit_loop(self) -> None:
        while True:
            ticket = self._queue.get()
            if ticket is None:
                self._queue.put(None)  # for the other committers
                return
            batch = [ticket]
            stop = False
            deadline = time.perf_counter() + self.max_wait
            while len(batch) < self.max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    wait = deadline - time.perf_counter()
                    if self._deciding <= 0 or wait <= 0 or self._in_flight > 0:
                        break
                    try:
                        more = self._queue.get(timeout=min(wait, 0.0002))
                    except queue.Empty:
                        continue
                if more is None:
                    self._queue.put(None)  # for the other committers
                    stop = True
                    break
                batch.append(more)
            self._in_flight += 1
            try:
                self._commit(batch)
            finally:
                self._in_flight -= 1
            if stop:
                return

    def _release(self, ticket: _Ticket) -> None:
        with self._deciding_lock:
            self._deciding += 1
        ticket.done.set()

    def _commit(self, batch: list[_Ticket]) -> None:
        events = [e for t in batch for e in t.processing_event.events]
        try:
            recordings = self.events.put(events, recorded_at=[e.timestamp for e in events])
        except IntegrityError as e:
            if len(batch) == 1:
                batch[0].error = e
                self._release(batch[0])
                return
            for t in batch:  # find the loser(s): one save at a time
                self._commit([t])
            return
        except BaseException as e:  # noqa: BLE001 - handed to every waiter
            for t in batch:
                t.error = e
                self._release(t)
            return
        self.batches += 1
        self.batched_saves += len(batch)
        self._notify(recordings)  # one wake-up of the followers per batch
        start = 0
        for t in batch:
            n = len(t.processing_event.events)
            t.recordings = list(recordings[start : start + n])
            start += n
            self._release(t)

    # -------------------------------------------------- in-memory snapshots
    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        if not self.snapshot_from_memory:
            super()._take_snapshots(processing_event)
            return
        if self.snapshots is None:
            return
        for event in processing_event.events:
            aggregate = processing_event.aggregates.get(event.originator_id)
            interval = self.snapshotting_intervals.get(type(aggregate)) if aggregate else None
            if interval is None or event.originator_version % interval:
                continue
            if aggregate.version == event.originator_version:
                self.snapshots.put([type(aggregate).Snapshot.take(aggregate)])
            else:
                self.take_snapshot(event.originator_id, event.originator_version)

    def close(self) -> None:
        if self._committers:
            self._queue.put(None)
            for thread in self._committers:
                thread.join(timeout=10)
        super().close()


def open_batched_application(settings: Any, **options: Any) -> BatchedPlansApplication:
    pre_ping = options.pop("pre_ping", False)
    fast_recorder = options.pop("fast_recorder", True)
    function = options.pop("function", True)
    env = settings.library_env(create_table=False)
    env["POSTGRES_PRE_PING"] = "y" if pre_ping else "n"
    env["GROUP_COMMIT"] = "n"  # src's committer and cache would clash with this subclass's
    if fast_recorder:
        from bench.proposals import FAST_RECORDER_TOPIC, FUNCTION_RECORDER_TOPIC

        env["APPLICATION_RECORDER_TOPIC"] = (
            FUNCTION_RECORDER_TOPIC if function else FAST_RECORDER_TOPIC
        )
    app = BatchedPlansApplication(env=env, **options)
    return app
