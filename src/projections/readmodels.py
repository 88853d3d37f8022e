"""The read models as the API sees them: queries, read-your-writes, health.

Every query looks up the live generation of its read model in the registry
and runs against that generation's tables. A query that races the drop of an
old generation (after a rebuild switched) re-reads the registry and retries
once, so queries keep answering throughout a rebuild.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Concatenate, ParamSpec, TypeVar

from eventsourcing.persistence import InterfaceError, OperationalError, PersistenceError

from domain.application import PlansApplication
from projections import compliance as compliance_model
from projections import outcomes as outcomes_model
from projections import plans as plans_model
from projections import review_queue as queue_model
from projections import revisions as revisions_model
from projections import safety_flags as safety_flags_model
from projections import scores as scores_model
from projections import timeline as timeline_model
from projections.base import COMMITTED, tracking_table_name
from projections.catalog import MODELS, model, open_view, tables_of
from projections.store import Store, construct_factory, is_missing_table

T = TypeVar("T")
P = ParamSpec("P")

STALL_SECONDS = 5.0


def create_read_model_tables(store: Store) -> None:
    """Create the registry and the live generation of every read model (idempotent).

    Run once at start-up under the schema lock (`api.runtime.init_schema`).
    """
    store.create_registry()
    for name, cls in MODELS.items():
        store.register(name, cls.fingerprint())
    generations = store.generations()
    for name in MODELS:
        open_view(store, name, generations[name][0]).create_table()


def _query_of(
    name: str, query: Callable[Concatenate[Store, dict[str, str], P], T]
) -> Callable[Concatenate[ReadModels, P], T]:
    """A ReadModels method running `query` (store, tables, *args) on read model `name`."""

    def method(self: ReadModels, *args: P.args, **kwargs: P.kwargs) -> T:
        return self._query(name, lambda tables: query(self.store, tables, *args, **kwargs))

    method.__name__ = query.__name__
    method.__doc__ = query.__doc__
    return method


class ReadModels:
    """Queries of the read models, `wait_for` (min_position) and `status` (readiness)."""

    def __init__(self, env: Mapping[str, str], app: PlansApplication) -> None:
        self.app = app
        # As many connections as the settings allow, but only two kept open when
        # idle (fewer to go stale in a failover).
        most = int(env.get("POSTGRES_POOL_SIZE") or 5) + int(env.get("POSTGRES_MAX_OVERFLOW") or 10)
        self.store = Store(
            construct_factory(
                env, POSTGRES_POOL_SIZE="2", POSTGRES_MAX_OVERFLOW=str(max(most - 2, 1))
            )
        )
        self._seen: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    @classmethod
    def open(cls, env: Mapping[str, str], app: PlansApplication) -> ReadModels:
        return cls(env, app)

    def close(self) -> None:
        self.store.close()

    # ------------------------------------------------------------- plumbing
    def generation(self, name: str) -> int:
        return self.store.live_generation(name)

    def _query(self, name: str, run: Callable[[dict[str, str]], T]) -> T:
        generation = self.store.live_generation(name)
        try:
            return run(tables_of(self.store, name, generation))
        except PersistenceError as e:
            again = self.store.live_generation(name)
            if again == generation and not is_missing_table(e):
                raise
            return run(tables_of(self.store, name, again))

    # -------------------------------------------------------------- queries
    # Each query is the read model's own function, run against its live
    # generation: the same arguments, less `store` and `tables`.
    current_plan = _query_of("plans", plans_model.current_plan)
    list_plans = _query_of("plans", plans_model.list_plans)
    timeline = _query_of("plan_timeline", timeline_model.timeline)
    review_queue = _query_of("review_queue", queue_model.review_queue)
    compliance = _query_of("compliance", compliance_model.compliance)
    scores = _query_of("scores", scores_model.scores)
    revisions = _query_of("revisions", revisions_model.revisions)
    safety_flags = _query_of("safety_flags", safety_flags_model.safety_flags)
    analyst_revisions = _query_of("revisions", revisions_model.analyst_page)
    revision_groups = _query_of("revisions", revisions_model.revision_groups)
    outcomes = _query_of("plans", outcomes_model.outcomes)

    def analyst_export(
        self, names: revisions_model.Pseudonyms, clinic: str
    ) -> Iterator[list[dict[str, Any]]]:
        """Every analyst row of the clinic, in batches (the live generation at the start)."""
        tables = tables_of(self.store, "revisions", self.store.live_generation("revisions"))
        return revisions_model.analyst_export(self.store, tables, names, clinic)

    # ------------------------------------------------------- read-your-writes
    def positions(self, names: Iterable[str] | None = None) -> dict[str, int]:
        """Each read model's processed position (its live generation's tracking)."""
        chosen = list(names) if names is not None else list(MODELS)
        for _ in range(2):
            generations = self.store.generations()
            parts, params = [], []
            for name in chosen:
                model(name)
                table = self.store.dialect.table(tracking_table_name(name, generations[name][0]))
                parts.append(
                    f"SELECT %s AS name, notification_id FROM {table} WHERE application_name = %s"
                )
                params.extend([name, self.app.name])
            try:
                rows = self.store.fetchall(" UNION ALL ".join(parts), params)
            except PersistenceError as e:
                if is_missing_table(e):
                    continue
                raise
            found = {r["name"]: int(r["notification_id"] or 0) for r in rows}
            return {name: found.get(name, 0) for name in chosen}
        raise LookupError("read model tables are missing; run the schema step")

    def wait_for(self, position: int, timeout: float, names: list[str] | None = None) -> bool:
        """True once every named read model (default: all) has processed `position`.

        Connection trouble is retried until the timeout, then raised (a 503 for
        the API either way).
        """
        deadline = time.monotonic() + max(timeout, 0.0)
        pending = list(names) if names is not None else list(MODELS)
        interval = 0.002
        while True:
            error: PersistenceError | None = None
            try:
                done = self.positions(pending)
                pending = [n for n in pending if done[n] < position]
            except (OperationalError, InterfaceError) as e:
                error = e
            if not pending:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if error is not None:
                    raise error
                return False
            COMMITTED.wait(min(interval, remaining))
            interval = min(interval * 2, 0.05)

    def status(self) -> dict[str, dict[str, Any]]:
        """Per read model: position, the log's head, lag, and whether it is stalled
        (behind and not advancing for a few seconds)."""
        head = int(self.app.recorder.max_notification_id() or 0)
        positions = self.positions()
        generations = self.store.generations()
        now = time.monotonic()
        report: dict[str, dict[str, Any]] = {}
        with self._lock:
            for name, position in positions.items():
                seen = self._seen.get(name)
                if seen is None or seen[0] != position:
                    seen = self._seen[name] = (position, now)
                lag = max(head - position, 0)
                report[name] = {
                    "position": position,
                    "head": head,
                    "lag": lag,
                    "stalled": lag > 0 and now - seen[1] >= STALL_SECONDS,
                    "generation": generations[name][0],
                }
        return report

    # ------------------------------------------------------------ for tests
    def dump(self, name: str, generation: int | None = None) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of a read model generation (default: live), sorted: for comparisons."""
        generation = generation or self.store.live_generation(name)
        out: dict[str, list[tuple[Any, ...]]] = {}
        for key, table in tables_of(self.store, name, generation).items():
            if not key.startswith("t"):
                continue
            rows = self.store.fetchall(f"SELECT * FROM {table}")
            out[key] = sorted((tuple(r.values()) for r in rows), key=repr)
        return out
