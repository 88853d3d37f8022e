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
from datetime import date, datetime
from typing import Any, TypeVar

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
    def current_plan(self, plan_id: Any, clinic: str | None = None) -> dict[str, Any] | None:
        """The plan document as last projected (with `clinic`), or None.

        With `clinic`, a plan of another clinic is None too.
        """
        return self._query(
            "plans", lambda t: plans_model.current_plan(self.store, t, plan_id, clinic)
        )

    def list_plans(
        self,
        clinic: str,
        status: str | None = None,
        clinician: str | None = None,
        client_id: str | None = None,
        limit: int = 50,
        after: str | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        return self._query(
            "plans",
            lambda t: plans_model.list_plans(
                self.store, t, clinic, status, clinician, client_id, limit, after
            ),
        )

    def timeline(
        self,
        plan_id: Any,
        after_version: int | None = None,
        limit: int = 100,
        clinic: str | None = None,
    ) -> list[dict[str, Any]]:
        return self._query(
            "plan_timeline",
            lambda t: timeline_model.timeline(self.store, t, plan_id, after_version, limit, clinic),
        )

    def review_queue(
        self,
        clinic: str,
        as_of: date,
        within_days: int,
        limit: int | None = None,
        clinician: str | None = None,
        initial_plan_days: int | None = None,
    ) -> dict[str, list[dict[str, Any]]]:
        return self._query(
            "review_queue",
            lambda t: queue_model.review_queue(
                self.store, t, clinic, as_of, within_days, limit, clinician, initial_plan_days
            ),
        )

    def compliance(self, clinic: str, as_of: date, initial_plan_days: int) -> dict[str, Any]:
        return self._query(
            "compliance",
            lambda t: compliance_model.compliance(self.store, t, clinic, as_of, initial_plan_days),
        )

    def scores(self, plan_id: Any, clinic: str | None = None) -> dict[str, Any]:
        return self._query("scores", lambda t: scores_model.scores(self.store, t, plan_id, clinic))

    def revisions(
        self,
        clinic: str,
        from_: date | datetime | str | None = None,
        to: date | datetime | str | None = None,
        type: str | None = None,  # noqa: A002 - the contract's name
        role: str | None = None,
        limit: int = 100,
        after: str | int | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """The revisions in full (clinicians, supervisors, auditors)."""
        return self._query(
            "revisions",
            lambda t: revisions_model.revisions(
                self.store, t, clinic, from_, to, type, role, limit, after
            ),
        )

    def safety_flags(
        self,
        clinic: str,
        as_of: date,
        status: str | None = None,
        clinician: str | None = None,
        limit: int = 500,
    ) -> list[dict[str, Any]]:
        return self._query(
            "safety_flags",
            lambda t: safety_flags_model.safety_flags(
                self.store, t, clinic, as_of, status, clinician, limit
            ),
        )

    def analyst_revisions(
        self,
        names: revisions_model.Pseudonyms,
        clinic: str,
        from_: date | datetime | str | None = None,
        to: date | datetime | str | None = None,
        type: str | None = None,  # noqa: A002 - the contract's name
        role: str | None = None,
        limit: int = 100,
        after: str | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """The revisions de-identified (Safe Harbor) for analysts."""
        return self._query(
            "revisions",
            lambda t: revisions_model.analyst_page(
                self.store, t, names, clinic, from_, to, type, role, limit, after
            ),
        )

    def analyst_export(
        self, names: revisions_model.Pseudonyms, clinic: str
    ) -> Iterator[list[dict[str, Any]]]:
        """Every analyst row of the clinic, in batches (the live generation at the start)."""
        tables = tables_of(self.store, "revisions", self.store.live_generation("revisions"))
        return revisions_model.analyst_export(self.store, tables, names, clinic)

    def revision_groups(
        self,
        clinic: str,
        group_by: str,
        from_: date | datetime | str | None = None,
        to: date | datetime | str | None = None,
        *,
        analyst: bool,
    ) -> list[dict[str, Any]]:
        return self._query(
            "revisions",
            lambda t: revisions_model.revision_groups(
                self.store, t, clinic, group_by, from_, to, analyst=analyst
            ),
        )

    def outcomes(self, clinic: str, instrument: str) -> dict[str, Any]:
        return self._query(
            "plans", lambda t: outcomes_model.outcomes(self.store, t, clinic, instrument)
        )

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
