"""One read of the log for several read models: the catch-up and follow engine.

`base.LogReader` reads the log in id order with a plain tuple cursor and
decodes each stored event once. `FanOut` hands every decoded batch to each read model
generation it feeds: events are applied to their plan ONCE (one shared
`AggregateCache`), every aggregate read model sees the plan as it stands at
each event (`PlanRows` hooks, fed as `base.feed_plan` feeds them), and each
read model's rows still commit in one transaction with its own tracking
position, so each keeps its own exactly-once position.

While catching up, writes run on one writer thread per read model, one batch
behind the reader: while PostgreSQL stores batch k, Python decodes and turns
batch k+1 into rows. Once caught up (a batch shorter than asked for: live
commits), every read model's batch commits in one transaction, each read
model's rows with its own tracking position and lock fence. A writer that
failed refuses every later batch of its read model (a later tracking id must
never commit over a lost batch); the caller then drops the fan-out, clears the
cache and starts again from the tracking positions.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from eventsourcing.persistence import Tracking

from domain.plan import Plan
from projections.base import (
    AggregateCache,
    Fence,
    GenerationProcessor,
    LogReader,
    PlanRows,
    PostgresReadModelView,
)


class _Writer:
    """Writes one read model's batches in order, on a thread of its own."""

    def __init__(self, processor: GenerationProcessor) -> None:
        self.processor = processor
        self.executor = ThreadPoolExecutor(1, thread_name_prefix=f"write-{processor.name}")
        self.pending: Future[None] | None = None
        self.error: BaseException | None = None

    def submit(self, ops: list[Any], tracking: Tracking) -> None:
        self.pending = self.executor.submit(self._write, ops, tracking)

    def _write(self, ops: list[Any], tracking: Tracking) -> None:
        if self.error is not None:
            return  # never commit a later batch over a failed one
        try:
            projection = self.processor.projection
            projection.view.write(ops, tracking, projection.statement_order)
            self.processor.position = tracking.notification_id
        except BaseException as e:  # noqa: BLE001 - raised in the reader's thread
            self.error = e

    def wait(self) -> None:
        if self.pending is not None:
            self.pending.result()
            self.pending = None

    def close(self) -> None:
        self.executor.shutdown(wait=True)


class FanOut:
    """Feeds one reading of the log to several read model generations."""

    def __init__(
        self,
        reader: LogReader,
        processors: Sequence[GenerationProcessor],
        cache: AggregateCache,
        *,
        pipelined: bool = True,
        fence: Fence | None = None,
    ) -> None:
        self.reader = reader
        # Checks, in one query, every read model's lock for a batch written together.
        self.fence = fence
        self.processors = list(processors)
        self.cache = cache
        self.pipelined = pipelined
        self.writers = {id(p): _Writer(p) for p in self.processors}
        # Where each read model's submitted batches end (committed or in flight).
        self.submitted = {id(p): p.position for p in self.processors}

    @property
    def position(self) -> int:
        return min(self.submitted.values(), default=0)

    def step(self, limit: int) -> int:
        """Read the next `limit` notifications once and hand them to every read model
        still before them; how many notifications there were (0: caught up)."""
        self.raise_errors()
        start = self.position
        notes = self.reader.read(start, limit)
        if not notes:
            return 0
        last = notes[-1][0]
        feeding = [p for p in self.processors if self.submitted[id(p)] < last]
        batches: dict[int, PlanRows] = {}
        items: dict[int, list[tuple[int, Any]]] = {}
        for p in feeding:
            if p.projection.uses_aggregates:
                batches[id(p)] = p.projection.plan_rows()
            else:
                items[id(p)] = []
        aggregates = bool(batches)
        # Per topic, the batches and item lists of the read models that want it,
        # rebuilt only when a read model joins (its position is passed).
        joins = sorted({self.submitted[id(p)] for p in feeding})
        next_join = joins[0]
        table: dict[str, tuple[list[PlanRows], list[PlanRows], list[list[tuple[int, Any]]]]] = {}
        cache = self.cache
        cache.begin()
        for nid, topic, event in notes:
            if nid > next_join:
                table = {}
                later = [j for j in joins if j >= nid]
                next_join = later[0] if later else last + 1
            if event is None or not isinstance(event, Plan.Event):
                continue
            route = table.get(topic)
            if route is None:
                wanting = [
                    id(p)
                    for p in feeding
                    if self.submitted[id(p)] < nid and topic in p.projection.topic_set
                ]
                fed = [batches[k] for k in wanting if k in batches]
                route = table[topic] = (
                    fed,
                    [b for b in fed if b.wants_before],
                    [items[k] for k in wanting if k in items],
                )
            plan_batches, befores, lists = route
            if aggregates:
                # Even a plan event no read model of this batch reads moves the plan on.
                if befores:
                    prior = cache.before(event)
                    for batch in befores:
                        batch.before(event, prior)
                plan = cache.apply(event)
                for batch in plan_batches:
                    batch.after(nid, event, plan)
            for target in lists:
                target.append((nid, event))
        writes = [
            (
                p,
                batches[id(p)].ops() if id(p) in batches else p.projection.rows(items[id(p)]),
                Tracking(p.app_name, last),
            )
            for p in feeding
        ]
        if len(notes) < limit:
            # Caught up (following live commits): every read model's batch in ONE
            # transaction, instead of one transaction per read model per wake-up.
            self._write_together(writes)
            return len(notes)
        for p, ops, tracking in writes:
            writer = self.writers[id(p)]
            writer.wait()
            self.raise_errors()
            writer.submit(ops, tracking)
            self.submitted[id(p)] = last
        if not self.pipelined:
            self.flush()
        return len(notes)

    def _write_together(self, writes: list[tuple[GenerationProcessor, Any, Tracking]]) -> None:
        """Each read model's rows and tracking, fenced, all in one transaction: still
        atomic and exactly-once per read model (and all or none of them)."""
        self.flush()
        if not writes:
            return
        view = writes[0][0].projection.view
        if isinstance(view, PostgresReadModelView):
            with view.datastore.get_connection() as conn:
                with conn.transaction():
                    curs = conn.cursor()
                    curs.execute("SET LOCAL synchronous_commit = off")
                    if self.fence is not None:
                        self.fence(curs)
                    for p, ops, tracking in writes:
                        p.projection.view.write_in(
                            conn,
                            curs,
                            ops,
                            tracking,
                            p.projection.statement_order,
                            fenced=self.fence is not None,
                        )
        else:
            with view.datastore.transaction(commit=True) as c:
                for p, ops, tracking in writes:
                    p.projection.view.write_in(None, c, ops, tracking, p.projection.statement_order)
        for p, _, tracking in writes:
            p.position = tracking.notification_id
            self.submitted[id(p)] = tracking.notification_id

    def flush(self) -> None:
        """Wait for every batch in flight; raise the first write that failed."""
        for writer in self.writers.values():
            writer.wait()
        self.raise_errors()

    def raise_errors(self) -> None:
        for writer in self.writers.values():
            if writer.error is not None:
                raise writer.error

    def failed(self) -> list[GenerationProcessor]:
        return [w.processor for w in self.writers.values() if w.error is not None]

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()
