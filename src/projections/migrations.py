"""Numbered migrations of the core tables, applied once, each in one transaction.

`plans init` (and every start) runs `prepare_schema` under the schema lock:

- a new store is created in its current shape and stamped with every
  migration's number, so there is nothing to replay;
- a store created by an earlier release (events present, migrations
  missing from `schema_migrations`) gets each missing migration in order,
  each one and its row in ONE transaction: on PostgreSQL (and SQLite) DDL is
  transactional, so a migration that fails leaves the database exactly as it
  was, and the next start tries it again.

Read models are not migrated: each carries a fingerprint of its definition
(`ReadModelProjection.fingerprint`), and a changed one is rebuilt beside the
live one (see `stale_read_models`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.utils import Environment

from domain.application import PlansApplication
from eventstore.utc import utc_now
from projections.catalog import MODELS
from projections.store import REGISTRY_TABLE, Store, construct_factory

log = logging.getLogger("projections")

MIGRATIONS_TABLE = "schema_migrations"


@dataclass(frozen=True)
class Migration:
    """One step: `statements(store)` gives the SQL to run for this store (maybe none)."""

    version: int
    name: str
    statements: Callable[[Store], Sequence[str]]


def _baseline(_store: Store) -> Sequence[str]:
    # The schema of the releases before migrations existed: created by `init`.
    return ()


def _registry_fingerprints(store: Store) -> Sequence[str]:
    if not has_table(store, REGISTRY_TABLE):
        return ()  # created in its current shape later in the same init
    return ("ALTER TABLE {registry} ADD COLUMN fingerprint TEXT",)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "baseline: event store, hash chain, read-model registry, access log", _baseline),
    Migration(
        2, "read-model registry records each generation's fingerprint", _registry_fingerprints
    ),
)


def prepare_schema(env: Mapping[str, str], create: Callable[[Store], None]) -> list[int]:
    """Migrate an existing store, then `create(store)` whatever is missing (idempotent).

    Run under the schema lock. A new store is created in its current shape and
    stamped; an older one gets its missing migrations first (so `create`
    finds the tables in the shape it expects). The versions applied.
    """
    events = events_table(env)
    store = Store(construct_factory(env, POSTGRES_POOL_SIZE="1", POSTGRES_MAX_OVERFLOW="2"))
    try:
        new = is_new_store(store, events)
        ran = [] if new else migrate(store)
        create(store)
        if new:
            stamp(store)
        return ran
    finally:
        store.close()


def has_table(store: Store, name: str) -> bool:
    if store.dialect.is_postgres:
        rows = store.fetchall(
            "SELECT to_regclass(%s) IS NOT NULL AS found", (store.dialect.table(name),)
        )
        return bool(rows[0]["found"])
    rows = store.fetchall(
        "SELECT count(*) AS found FROM sqlite_master WHERE type = 'table' AND name = %s", (name,)
    )
    return bool(rows[0]["found"])


def applied(store: Store) -> set[int]:
    table = store.dialect.table(MIGRATIONS_TABLE)
    store.execute(
        f"CREATE TABLE IF NOT EXISTS {table} ("
        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    return {int(r["version"]) for r in store.fetchall(f"SELECT version FROM {table}")}


def events_table(env: Mapping[str, str]) -> str:
    """The events table's name, as the application's recorder calls it (it differs
    per backend: the library names it after the application on PostgreSQL only)."""
    merged = {**env, "CREATE_TABLE": "n"}
    factory = InfrastructureFactory.construct(Environment(PlansApplication.name, merged))
    try:
        return str(factory.application_recorder().events_table_name)  # type: ignore[attr-defined]
    finally:
        factory.close()


def is_new_store(store: Store, events: str) -> bool:
    """No events table yet: nothing was ever created here."""
    return not has_table(store, events)


def migrate(store: Store, migrations: Sequence[Migration] = MIGRATIONS) -> list[int]:
    """Apply the migrations this store lacks, in order; the versions applied."""
    done = applied(store)
    table = store.dialect.table(MIGRATIONS_TABLE)
    ran: list[int] = []
    for migration in sorted(migrations, key=lambda m: m.version):
        if migration.version in done:
            continue
        statements = migration.statements(store)
        with store.transaction(commit=True) as curs:
            for statement in statements:
                curs.execute(store.sql(statement))
            curs.execute(
                store.sql(f"INSERT INTO {table} (version, name, applied_at) VALUES (%s, %s, %s)"),
                (migration.version, migration.name, _now()),
            )
        ran.append(migration.version)
    return ran


def stamp(store: Store, migrations: Sequence[Migration] = MIGRATIONS) -> None:
    """Record every migration as applied (a store just created in its current shape)."""
    done = applied(store)
    table = store.dialect.table(MIGRATIONS_TABLE)
    for migration in migrations:
        if migration.version not in done:
            store.execute(
                f"INSERT INTO {table} (version, name, applied_at) VALUES (%s, %s, %s) "
                "ON CONFLICT (version) DO NOTHING",
                (migration.version, migration.name, _now()),
            )


def schema_version(store: Store) -> int:
    return max(applied(store), default=0)


def stale_read_models(store: Store) -> list[str]:
    """Read models whose live generation was built by another definition than this code's."""
    rows = store.fetchall("SELECT name, fingerprint FROM {registry}")
    stored: dict[str, Any] = {r["name"]: r["fingerprint"] for r in rows}
    return [name for name, cls in MODELS.items() if stored.get(name) != cls.fingerprint()]


class UpgradeRebuild:
    """Rebuilds read models whose definition changed, in the background, at start-up.

    Queries of those read models are not trustworthy until it ends (their live
    tables were built by the old definition): `/ready` reports them meanwhile.
    """

    def __init__(self, env: Mapping[str, str], app: Any, names: Sequence[str]) -> None:
        self.names = list(names)
        self.error: BaseException | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(dict(env), app), name="plans-upgrade-rebuild", daemon=True
        )

    def start(self) -> UpgradeRebuild:
        if self.names:
            log.info("read models changed definition: rebuilding %s", ", ".join(self.names))
            self._thread.start()
        else:
            self._done.set()
        return self

    def _run(self, env: dict[str, str], app: Any) -> None:
        from projections.runner import rebuild

        try:
            rebuild(env, app, self.names, grace_seconds=0.5)
        except BaseException as e:  # noqa: BLE001 - reported by /ready, retried at next start
            self.error = e
            log.error("rebuilding %s after an upgrade failed: %s", self.names, type(e).__name__)
        finally:
            self._done.set()

    @property
    def running(self) -> list[str]:
        return [] if self._done.is_set() else list(self.names)

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)


def _now() -> str:
    return utc_now().isoformat(timespec="seconds")
