"""The application service: `handle(plan_id, by, command)` loads, decides, saves.

It owns optimistic concurrency (If-Match → `expected_version`; without one, a
concurrent-write clash is retried), idempotency (a command id already recorded
on the plan returns its first outcome and records nothing), and reading plans
as of a version or an instant from the event store.

The write path's engine (group commit, the owned plan cache, snapshots from
memory) lives in `domain.group_commit`; this module only wires it in.
GROUP_COMMIT (env, default "y") switches group commit and the cache on
PostgreSQL; "n", and SQLite, keep one transaction per command, each command
loading its plan from the database.
"""

from __future__ import annotations

import asyncio
import pickle
import random
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar, cast
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    Notification,
    Recording,
    Transcoding,
)
from eventsourcing.utils import Environment

from domain import errors
from domain.commands import CreatePlan, PlanCommand, SetReviewPolicy
from domain.group_commit import (
    READ_CACHE_SIZE,
    Companion,
    GroupCommitter,
    LoopBatcher,
    PlanCache,
    SnapshotWriter,
    at_saved_version,
    due_snapshots,
    encoded_snapshots,
    snapshot_saved_aggregates,
)
from domain.keys import CreateKey, create_key_id
from domain.plan import Actor, Plan
from domain.policy import DEFAULT_POLICY, PolicyTerms, ReviewPolicy, policy_id
from domain.store import PlanEventStore, StoreMisconfiguredError

PLAN_NAMESPACE = uuid5(NAMESPACE_URL, "urn:plans:plan")
MAX_ATTEMPTS = 60


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


@dataclass(frozen=True)
class CommandResult:
    """What a command answers: the plan's new version and the event's position."""

    plan_id: UUID
    version: int
    position: int | None
    result: dict[str, Any] = field(default_factory=dict)
    replayed: bool = False


def replay(plan: Any, events: Iterable[Any]) -> Any:
    """The library's `project_aggregate` without its per-event runtime protocol
    check (`isinstance` against a Protocol: a measurable share of a read)."""
    for event in events:
        plan = event.mutate(plan)
    return plan


class PlansApplication(Application[UUID]):
    name = "plans"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Plan: 50}
    SNAPSHOT_INTERVAL = "SNAPSHOT_INTERVAL"
    GROUP_COMMIT = "GROUP_COMMIT"

    def __init__(
        self, env: dict[str, str] | None = None, today: Callable[[], date] | None = None
    ) -> None:
        super().__init__(env)
        if not isinstance(self.recorder, PlanEventStore):
            recorder = type(self.recorder).__name__
            super().close()
            raise StoreMisconfiguredError(
                f"the event recorder {recorder} does not implement PlanEventStore "
                "(hash chain and time index): configure one of eventstore.recorders"
            )
        self.store: PlanEventStore = self.recorder
        # The domain reads no clock: the composition root gives one, and facts
        # dated after tomorrow are refused against it. Without one (tools that
        # only read or replay) there is no "today" to hold facts to.
        self.today: Callable[[], date | None] = today or (lambda: None)
        interval = int(self.env.get(self.SNAPSHOT_INTERVAL) or 50)
        # Per instance on purpose: the interval is a setting of this application.
        self.snapshotting_intervals = {Plan: interval}  # type: ignore[misc]
        # An envelope mapper (eventstore.cipher) keeps its data keys beside the events.
        bind_recorder = getattr(self.mapper, "bind_recorder", None)
        if bind_recorder is not None:
            bind_recorder(self.recorder)
        self._listeners: list[Callable[[int], None]] = []
        self._cache: PlanCache[Plan] = PlanCache()
        # Plans as last read for a GET of the current version (`read_plan`).
        self._reads: PlanCache[Plan] = PlanCache(READ_CACHE_SIZE)
        enabled = (self.env.get(self.GROUP_COMMIT) or "y").strip().lower()
        self.group_commit = (
            enabled in ("y", "yes", "t", "true", "on", "1") and not self.store.serialises_writers
        )
        self._committer: GroupCommitter | None = None
        # Saves decided on an event loop, committed by that loop (`handle_now`),
        # each with its rider (or None).
        self._loop_committer: LoopBatcher[tuple[list[Any], Any], list[Recording[UUID]]] | None = (
            None
        )
        # Writes the riders of the loop's saves in their batch's transaction
        # (the access log, set by the composition root; None: riders stay unwritten).
        self.companion: Companion | None = None
        if self.group_commit:
            self._committer = GroupCommitter(
                lambda events: self.events.put(events, recorded_at=[e.timestamp for e in events])
            )
            if self.store.inserts_on_loop:
                self._loop_committer = LoopBatcher(
                    self._put_on_loop, split_on=(IntegrityError, errors.PlanErasedError)
                )
        # Writes the snapshots of the loop's saves after they have answered.
        snapshots = self.snapshots
        self._snapshot_writer: SnapshotWriter | None = (
            SnapshotWriter(lambda stored: snapshots.recorder.insert_events(stored))
            if snapshots is not None and self._loop_committer is not None
            else None
        )

    def close(self) -> None:
        if self._committer is not None:
            self.group_commit = False  # saves from now on commit on their own
            self._committer.close(late_error=errors.PlanError("the application is closing"))
            self._committer = None
        if self._snapshot_writer is not None:
            self._snapshot_writer.close()
        super().close()

    def construct_env(self, name: str, env: Any = None) -> Environment:
        # Given an explicit environment (the settings layer always gives one),
        # use only it: stray PLANS_* variables of the process must not leak in.
        if env is None:
            return super().construct_env(name, env)
        merged = dict(type(self).env)
        merged["IS_SNAPSHOTTING_ENABLED"] = "y"
        merged.update(env)
        return Environment(name, merged)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # --------------------------------------------------------------- plumbing
    def on_recorded(self, listener: Callable[[int], None]) -> None:
        """Call `listener(position)` after every save (wakes in-process followers)."""
        self._listeners.append(listener)

    def _record(self, processing_event: ProcessingEvent[UUID]) -> Any:
        # The recorder writes each event's recording time into the time index.
        processing_event.saved_kwargs["recorded_at"] = [
            cast(Aggregate.Event, e).timestamp for e in processing_event.events
        ]
        committer = self._committer if self.group_commit else None
        if committer is None or not processing_event.events or processing_event.tracking:
            return super()._record(processing_event)
        return committer.submit(list(processing_event.events))

    async def _put_on_loop(self, saves: list[tuple[list[Any], Any]]) -> list[list[Recording[UUID]]]:
        """`events.put` of several saves' events in one statement, on the event
        loop (`LoopBatcher`); their recordings, save by save. The saves' riders
        (`handle_now`) go into the same transaction when the companion takes them."""
        events = [e for save, _ in saves for e in save]
        stored = [self.mapper.to_stored_event(e) for e in events]
        recorded_at = [e.timestamp for e in events]
        riders = [rider for _, rider in saves if rider is not None]
        write = self.companion.ride(riders) if riders and self.companion is not None else None
        if write is None:
            positions = await self.store.insert_events_async(stored, recorded_at=recorded_at)
        else:
            try:
                positions, written = await self.store.insert_events_with(
                    stored, write.statements, recorded_at=recorded_at
                )
            except BaseException:
                write.settle(None)
                raise
            write.settle(written)
        recordings = [
            Recording(
                event,
                Notification(
                    originator_id=s.originator_id,
                    originator_version=s.originator_version,
                    topic=s.topic,
                    state=s.state,
                    id=position,
                ),
            )
            for event, s, position in zip(events, stored, positions, strict=True)
        ]
        per_save, start = [], 0
        for save, _ in saves:
            per_save.append(recordings[start : start + len(save)])
            start += len(save)
        return per_save

    def group_commit_stats(self) -> tuple[int, int, int]:
        """(transactions, saves written by them, largest batch) since start."""
        found = [c.stats() for c in (self._committer, self._loop_committer) if c is not None]
        if not found:
            return (0, 0, 0)
        return (
            sum(t for t, _, _ in found),
            sum(n for _, n, _ in found),
            max(m for _, _, m in found),
        )

    def _command(self) -> AbstractContextManager[None]:
        """Around one command: lets the committer wait for it to join a batch."""
        return self._committer.deciding() if self._committer is not None else nullcontext()

    def _checkout(self, plan_id: UUID, clinic: str) -> tuple[Plan, bool]:
        """The plan and whether it came from the cache (then it may be stale)."""
        # The cache belongs to the fast write path: GROUP_COMMIT=n (and SQLite)
        # keeps every command loading its plan from the database, as before.
        if not self.group_commit:
            return self.get_plan(plan_id, clinic), False
        plan = self._cache.take(plan_id)
        if plan is not None and plan.clinic == clinic:
            return plan, True
        if plan is not None:
            self._checkin(plan)
        return self.get_plan(plan_id, clinic), False

    def forget_plans(self, plan_ids: Sequence[UUID]) -> None:
        """Drop these plans from the in-memory cache (after their client's erasure)."""
        for plan_id in plan_ids:
            self._cache.take(plan_id)
            self._reads.take(plan_id)

    def _checkin(self, plan: Plan) -> None:
        if self.group_commit:
            self._cache.keep(plan)

    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        snapshot_saved_aggregates(self, processing_event)

    def _notify(self, recordings: Any) -> None:
        if recordings and self._listeners:
            position = recordings[-1].notification.id
            for listener in self._listeners:
                listener(position)

    def _position_of(self, plan_id: UUID, version: int) -> int | None:
        return self.store.position_of(plan_id, version)

    def head_hash(self, plan_id: UUID) -> str:
        """The plan's newest chain link, which a signature records."""
        head = self.store.head_hash(plan_id)
        if head is None:
            raise errors.PlanNotFoundError(f"plan {plan_id} not found")
        return head

    # ------------------------------------------------------------------ reads
    def get_plan(self, plan_id: UUID, clinic: str, version: int | None = None) -> Plan:
        """The plan (as of `version`), or PlanNotFoundError, also for another clinic's plan."""
        try:
            plan: Plan = self.repository.get(plan_id, version=version, projector_func=replay)
        except AggregateNotFoundError:
            raise errors.PlanNotFoundError(f"plan {plan_id} not found") from None
        except errors.PlanErasedError as e:
            if e.clinic != clinic:  # another clinic learns nothing, not even the erasure
                raise errors.PlanNotFoundError(f"plan {plan_id} not found") from None
            raise
        if not isinstance(plan, Plan) or plan.clinic != clinic:
            raise errors.PlanNotFoundError(f"plan {plan_id} not found")
        if version is not None and plan.version != version:
            raise errors.VersionNotFoundError(f"plan {plan_id} has no version {version}", "version")
        return plan

    def plan_as_of(self, plan_id: UUID, clinic: str, instant: datetime) -> Plan:
        """The plan as it was at `instant` (the last version recorded at or before it).

        Another clinic's plan (or any id that is not this clinic's plan) is "not
        found" whatever the instant, exactly like an id nobody uses: "did not
        exist at that time" is only ever said of the caller's own plan.
        """
        version = self.store.version_at(plan_id, instant)
        if version is None:
            self.get_plan(plan_id, clinic)  # not the caller's plan: not found
            raise errors.VersionNotFoundError(f"plan {plan_id} did not exist at that time", "as_of")
        return self.get_plan(plan_id, clinic, version=version)

    def read_plan(
        self,
        plan_id: UUID,
        clinic: str,
        version: int | None = None,
        as_of: datetime | None = None,
    ) -> Plan:
        """The plan now, as of `version`, or as of the instant `as_of` (its
        snapshot, events and time index read over one connection)."""
        if version is None and as_of is None:
            return self._read_current(plan_id, clinic)
        with self.store.reads():
            if as_of is not None:
                return self.plan_as_of(plan_id, clinic, as_of)
            return self.get_plan(plan_id, clinic, version)

    async def read_current_now(self, plan_id: UUID, clinic: str) -> Plan | None:
        """`read_plan(plan_id, clinic)` without blocking the event loop, when it
        can be answered so: the plan as last read, brought forward by the few
        events since (if any), its key not erased (as far as known without a
        read). None: call `read_plan`."""
        cached = self._reads.peek(plan_id)
        if cached is None or cached.clinic != clinic:
            return None
        if not self._key_live_in_memory(plan_id):
            return None  # `read_plan` reads the key (and refuses an erased plan)
        newer = await self.store.has_events_after(plan_id, cached.version)
        if newer is False:
            return cached
        return await self._brought_forward(cached) if newer else None

    async def _brought_forward(self, cached: Plan) -> Plan | None:
        """The plan as last read, with the events since applied to a copy (the
        cached one is shared with other readers and never changes): one query
        on the loop instead of a snapshot, its events and a replay on a worker
        thread. None when there are more than a snapshot interval's worth."""
        limit = self.snapshotting_intervals.get(Plan) or 50
        stored = await self.store.select_events_after(cached.id, cached.version, limit)
        if not stored or len(stored) >= limit:
            return None
        plan: Plan = pickle.loads(pickle.dumps(cached, pickle.HIGHEST_PROTOCOL))  # noqa: S301 - our own object
        try:
            plan = replay(plan, map(self.mapper.to_domain_event, stored))
        except errors.PlanError:  # e.g. its key erased meanwhile: the blocking read says so
            return None
        self._reads.keep(plan)
        return plan

    def _read_current(self, plan_id: UUID, clinic: str) -> Plan:
        """The plan now: as last read when no event came since (one indexed
        query, no snapshot, no decoding, no replay), else read afresh. The plan
        is shared with other readers: a read must not change it."""
        cached = self._reads.peek(plan_id)
        if cached is not None and cached.clinic == clinic:
            erased_clinic = getattr(self.mapper, "erased_clinic_of", None)
            gone = erased_clinic(plan_id) if erased_clinic is not None else None
            if gone is not None:
                self._reads.take(plan_id)
                raise errors.PlanErasedError(plan_id, gone)
            if not self.recorder.select_events(plan_id, gt=cached.version, limit=1):
                return cached
        with self.store.reads():
            plan = self.get_plan(plan_id, clinic)
        self._reads.keep(plan)
        return plan

    def policy_for(self, clinic: str) -> PolicyTerms:
        return self.review_policy(clinic)[0]

    def review_policy(self, clinic: str) -> tuple[PolicyTerms, int]:
        """The clinic's policy terms and the policy's own version (0: the defaults apply)."""
        try:
            policy: ReviewPolicy = self.repository.get(policy_id(clinic))
        except AggregateNotFoundError:
            return DEFAULT_POLICY, 0
        return policy.terms, policy.version

    # --------------------------------------------------------------- commands
    def create_plan(self, by: Actor, command: CreatePlan) -> CommandResult:
        # Every plan gets a random id (never one another clinic could compute).
        # Under an idempotency key, a key record saved with the plan maps the
        # clinic's key to it, so a retried or raced create finds the first plan.
        plan_id = uuid4()
        if by.command_id:
            replay = self._replay_keyed_create(by)
            if replay:
                return replay
        policy = self.policy_for(by.clinic)
        plan = Plan.create(
            plan_id=plan_id,
            by=by,
            client_id=command.client_id,
            start_date=command.start_date,
            review_interval_days=command.review_interval_days,
            policy_interval_days=policy.review_interval_days,
            presenting_concerns=command.presenting_concerns,
            diagnoses=[dict(d) for d in command.diagnoses],
            reason=command.reason,
        )
        key = CreateKey.record(plan_id, by) if by.command_id else None
        try:
            recordings = self.save(plan, key) if key else self.save(plan)
        except IntegrityError:
            replay = self._replay_keyed_create(by) if by.command_id else None
            if replay:
                return replay
            raise
        self._checkin(plan)
        # The plan's own event's position (the key record's is not a plan event).
        mine = [r for r in recordings if r.domain_event.originator_id == plan.id]
        return CommandResult(plan.id, plan.version, mine[-1].notification.id)

    def keyed_plan_id(self, clinic: str, command_id: str) -> UUID | None:
        """The plan this clinic created under `command_id`, if any."""
        key: object
        try:
            key = self.repository.get(create_key_id(clinic, command_id))
        except AggregateNotFoundError:
            key = None
        if isinstance(key, CreateKey) and key.clinic == clinic:
            return key.plan_id
        # Plans created before key records had an id derived from the key.
        legacy = uuid5(PLAN_NAMESPACE, f"{clinic}\x00{command_id}")
        try:
            plan = self.get_plan(legacy, clinic, version=1)
        except errors.PlanNotFoundError:
            return None
        return legacy if command_id in plan.commands else None

    def _replay_keyed_create(self, by: Actor) -> CommandResult | None:
        plan_id = self.keyed_plan_id(by.clinic, str(by.command_id))
        return self._replay_create(plan_id, by) if plan_id is not None else None

    def _replay_create(self, plan_id: UUID, by: Actor) -> CommandResult | None:
        try:
            plan = self.get_plan(plan_id, by.clinic, version=1)
        except errors.PlanNotFoundError:
            return None
        outcome = plan.outcome_of(by.command_id, by.request_hash)
        if outcome is None:  # pragma: no cover - a keyed plan always remembers its key
            return None
        return CommandResult(plan_id, 1, self._position_of(plan_id, 1), {}, replayed=True)

    def handle(
        self,
        plan_id: UUID,
        by: Actor,
        command: PlanCommand,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Carry out one command on the plan: `command.decide` says what it does."""
        ctx = _PlanContext(self, plan_id, by.clinic)
        return self.execute(
            plan_id,
            by,
            lambda plan: command.decide(plan, by, ctx),
            expected_version,
            command.result(),
        )

    def handle_now(
        self,
        plan_id: UUID,
        by: Actor,
        command: PlanCommand,
        expected_version: int | None = None,
        rider: Any = None,
    ) -> PendingCommand | None:
        """`handle`'s fast path for a caller that must not block (an event loop):
        decide on the cached plan and queue its save to the group committer, all
        without I/O. None when that cannot be done without the database (group
        commit off, the plan not cached, an idempotent replay, a stale If-Match or
        a refusal to re-check, a command that reads the policy or the chain): then
        call `handle`, which does the same the blocking way. `rider` (the caller's
        access-log entry) is offered to the companion with the save's events, to
        commit in their transaction (`_put_on_loop`)."""
        committer = self._committer if self.group_commit else None
        if committer is None:
            return None
        plan = self._cache.take(plan_id)
        if plan is None:
            return None
        if (
            plan.clinic != by.clinic
            or plan.outcome_of(by.command_id, by.request_hash) is not None
            or (expected_version is not None and plan.version != expected_version)
        ):
            self._checkin(plan)
            return None
        try:
            command.decide(plan, by, _PlanContext(self, plan_id, by.clinic, offline=True))
        except (errors.PlanError, _NeedsDatabase):
            return None  # the plan is dropped: it may hold half a decision
        # What `ProcessingEvent.collect_events` does, without its runtime
        # protocol checks (a measurable share of a command's CPU).
        processing_event: ProcessingEvent[UUID] = ProcessingEvent()
        processing_event.events.extend(plan.collect_events())
        processing_event.aggregates[plan.id] = plan
        if not processing_event.events:
            self._checkin(plan)
            return None
        events = list(processing_event.events)
        loop_committer = self._loop_committer
        if loop_committer is not None and not self._key_live_in_memory(plan_id):
            loop_committer = None
        future = (
            loop_committer.submit((events, rider))
            if loop_committer is not None
            else asyncio.wrap_future(committer.submit_later(events))
        )
        in_memory = loop_committer is not None
        return PendingCommand(self, plan, processing_event, future, command.result(), in_memory)

    def _key_live_in_memory(self, plan_id: UUID) -> bool:
        """Whether the plan's data key is known live without reading the database
        (always, without envelope encryption): then the event loop may decode and
        encode its events itself."""
        known_erased = getattr(self.mapper, "known_erased_clinic_of", None)
        if known_erased is None:
            return True
        known, gone = known_erased(plan_id)
        return known and gone is None

    def _finish(self, pending: PendingCommand, recordings: list[Any]) -> CommandResult:
        # A snapshot of a plan whose data key is in memory is encoded here and
        # written after the answer (`SnapshotWriter`); any other, right now.
        stored = None
        if pending.in_memory and self._snapshot_writer is not None:
            stored = encoded_snapshots(self, pending.processing_event)
        if stored is None:
            self._take_snapshots(pending.processing_event)
        elif stored and self._snapshot_writer is not None:
            self._snapshot_writer.submit(stored)
        self._notify(recordings)
        self._checkin(pending.plan)
        plan = pending.plan
        return CommandResult(
            plan.id, plan.version, recordings[-1].notification.id, dict(pending.result)
        )

    def execute(
        self,
        plan_id: UUID,
        by: Actor,
        decide: Callable[[Plan], None],
        expected_version: int | None = None,
        result: dict[str, Any] | None = None,
    ) -> CommandResult:
        """Load the plan, let `decide` call one command method on it, save.

        Order of refusals: not found (404), an idempotent replay answers first,
        stale If-Match (412), then the plan's own rules (409 closed, 422).
        """
        with self._command():
            return self._execute(plan_id, by, decide, expected_version, result)

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
            # A cached plan holds only committed events, so a replay found on
            # it is true; a refusal or a stale If-Match may be due to another
            # process's newer write, so it is re-checked on the database first.
            outcome = plan.outcome_of(by.command_id, by.request_hash)
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
                decide(plan)
            except errors.PlanError:
                if cached:  # the plan is dropped: it may hold half a decision
                    continue
                raise
            try:
                recordings = self.save(plan)
            except IntegrityError:
                if cached:
                    continue  # another process wrote the plan: reload it now
                if expected_version is not None:
                    current = self.get_plan(plan_id, by.clinic)
                    outcome = current.outcome_of(by.command_id, by.request_hash)
                    if outcome is None:
                        raise errors.StaleVersionError(expected_version, current.version) from None
                # Another writer got there first: back off a little and retry on
                # the new version.
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))  # noqa: S311
                continue
            self._checkin(plan)
            return CommandResult(
                plan_id, plan.version, recordings[-1].notification.id, dict(result or {})
            )
        raise errors.PlanError("too many concurrent changes to this plan; try again")

    def set_review_policy(
        self, by: Actor, command: SetReviewPolicy, expected_version: int | None = None
    ) -> CommandResult:
        for attempt in range(MAX_ATTEMPTS):
            try:
                policy: ReviewPolicy = self.repository.get(policy_id(by.clinic))
                current = policy.version
            except AggregateNotFoundError:
                policy = ReviewPolicy.register(by.clinic)
                current = 0  # the defaults apply: no policy version yet
            outcome = policy.outcome_of(by.command_id, by.request_hash)
            if outcome is not None:
                return CommandResult(
                    policy.id,
                    outcome["version"],
                    self._position_of(policy.id, outcome["version"]),
                    replayed=True,
                )
            if expected_version is not None and current != expected_version:
                raise errors.StaleVersionError(expected_version, current)
            policy.set_terms(
                by,
                command.review_interval_days,
                command.due_soon_days,
                command.required_signers,
                command.reason,
                command.initial_plan_days,
            )
            try:
                recordings = self.save(policy)
            except IntegrityError:
                if expected_version is not None:
                    raise errors.StaleVersionError(expected_version, current + 1) from None
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))  # noqa: S311
                continue
            return CommandResult(policy.id, policy.version, recordings[-1].notification.id)
        raise errors.PlanError("too many concurrent policy changes; try again")


class _NeedsDatabase(Exception):
    """An offline command asked for what only the database knows."""


@dataclass
class PendingCommand:
    """A command decided on a cached plan whose save the group committer holds.

    `future` (of the event loop that decided it) resolves to the save's
    recordings; then `finish(recordings)` (on any thread) snapshots, wakes
    followers and returns the result. Should the
    future raise IntegrityError, another process wrote the plan first: call
    `handle` again (it reloads the plan). `finish` writes to the database only
    when `snapshot_due`."""

    app: PlansApplication
    plan: Plan
    processing_event: ProcessingEvent[UUID]
    future: asyncio.Future[list[Any]]
    result: dict[str, Any]
    # Its data key is in memory (the loop committed it): `finish` needs no I/O
    # to encode its events or a snapshot of its plan.
    in_memory: bool = False

    @property
    def snapshot_due(self) -> bool:
        """Whether `finish` writes a snapshot before it returns (blocking: call it
        on a thread). In memory, a snapshot at the plan's saved version is only
        encoded there, and written after the answer (`encoded_snapshots`)."""
        due = due_snapshots(self.app, self.processing_event)
        if not due:
            return False
        later = self.in_memory and self.app._snapshot_writer is not None  # noqa: SLF001
        return not (later and all(at_saved_version(e, a) for e, a in due))

    def finish(self, recordings: list[Any]) -> CommandResult:
        return self.app._finish(self, recordings)  # noqa: SLF001


class _PlanContext:
    """What a command may ask beyond its plan; the policy is read at most once.
    Offline (`handle_now`), asking for the policy or the chain is refused."""

    def __init__(
        self, app: PlansApplication, plan_id: UUID, clinic: str, *, offline: bool = False
    ) -> None:
        self._app = app
        self._plan_id = plan_id
        self._clinic = clinic
        self._offline = offline
        self._policy: PolicyTerms | None = None

    def today(self) -> date | None:
        return self._app.today()

    def policy(self) -> PolicyTerms:
        if self._policy is None:
            if self._offline:
                raise _NeedsDatabase
            self._policy = self._app.policy_for(self._clinic)
        return self._policy

    def head_hash(self) -> str:
        if self._offline:
            raise _NeedsDatabase
        return self._app.head_hash(self._plan_id)
