"""Where read models live: the datastore, one SQL text per query, generations.

Every query is written once, with `%s` placeholders and `{t}`-style table
slots; `Dialect.compile` fills in the schema-qualified names of one
generation and, for SQLite, turns `%s` into `?`. Tables carry a generation
suffix (`plans_g3`); the registry table `read_models` says which generation
of each read model is live (and which one a rebuild is building).
"""

from __future__ import annotations

import re
import threading
import zlib
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InfrastructureFactory, PersistenceError
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.utils import Environment

from eventstore.connections import pooled_transaction
from eventstore.utc import utc_text as utc_text  # re-exported: read models write instants
from eventstore.utc import utc_text_now

REGISTRY_TABLE = "read_models"
# pg_advisory_lock(int4, int4): the first key says "read model", the second which.
ADVISORY_NAMESPACE = 0x726D  # "rm"
REBUILD_NAMESPACE = 0x7262  # "rb"
ENV_NAME = "projections"

_PLACEHOLDER = re.compile(r"%s")


def advisory_key(name: str, schema: str = "public") -> int:
    """A stable positive int4 for one read model's advisory lock (per schema: two
    deployments in one database do not contend)."""
    return zlib.crc32(f"{schema or 'public'}.{name}".encode()) & 0x7FFFFFFF


def uuid_text(value: Any) -> str | None:
    """A plan id as the tables hold it, or None when it is not a UUID at all."""
    try:
        return str(value if isinstance(value, UUID) else UUID(str(value)))
    except ValueError:
        return None


def columns(row: Mapping[str, Any], *names: str) -> dict[str, Any]:
    """These columns of a row, as they are (in this order)."""
    return {name: row[name] for name in names}


def date_text(value: date | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def as_date(value: date | str) -> date:
    """A date column read back: a date on PostgreSQL, ISO text on SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(value)


@dataclass(frozen=True)
class Dialect:
    backend: str  # "postgres" | "sqlite"
    schema: str = ""

    @property
    def is_postgres(self) -> bool:
        return self.backend == "postgres"

    def quote(self, name: str) -> str:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"bad identifier {name!r}")
        return f'"{name}"'

    def table(self, name: str) -> str:
        """Schema-qualified on PostgreSQL, plain on SQLite."""
        if self.is_postgres:
            return f"{self.quote(self.schema or 'public')}.{self.quote(name)}"
        return self.quote(name)

    @property
    def types(self) -> dict[str, str]:
        """Column types that differ: PostgreSQL gets native uuid/date and byte-order
        text (fast comparisons); SQLite stores text (ISO dates sort as dates)."""
        if self.is_postgres:
            return {"uuid": "UUID", "date": "DATE", "key": 'TEXT COLLATE "C"'}
        return {"uuid": "TEXT", "date": "TEXT", "key": "TEXT"}

    def compile(self, text: str, tables: Mapping[str, str] | None = None) -> str:
        """One SQL text for both: fill the table and type slots, adapt the placeholders."""
        sql = text.format(**self.types, **(tables or {})) if "{" in text else text
        if not self.is_postgres:
            sql = _PLACEHOLDER.sub("?", sql)
        return sql


def construct_factory(env: Mapping[str, str], **overrides: str) -> InfrastructureFactory[Any]:
    """The library's infrastructure for the read models (its own connection pool)."""
    merged = dict(env)
    merged.setdefault("CREATE_TABLE", "n")
    for key, value in overrides.items():
        merged[f"{ENV_NAME.upper()}_{key}"] = value
    return InfrastructureFactory.construct(Environment(ENV_NAME, merged))


# psycopg_pool retries a lost connection with exponential backoff for up to five
# minutes, so after an outage of a minute its next attempt may be a minute away
# and the service stays unavailable that long after the database is back. Giving
# an attempt up after a few seconds lets the next request reconnect at once.
RECONNECT_SECONDS = 5.0


def reconnect_promptly(datastore: Any) -> None:
    """Bound the connection pool's reconnection backoff (PostgreSQL pools only)."""
    pool = getattr(datastore, "pool", None)
    if pool is not None and hasattr(pool, "reconnect_timeout"):
        pool.reconnect_timeout = RECONNECT_SECONDS


def dialect_of(factory: InfrastructureFactory[Any]) -> Dialect:
    datastore = factory.datastore  # type: ignore[attr-defined]
    if isinstance(datastore, PostgresDatastore):
        return Dialect("postgres", datastore.schema)
    return Dialect("sqlite")


def _row_dict(row: Any) -> dict[str, Any]:
    return row if isinstance(row, dict) else dict(row)


class Store:
    """Runs read-model SQL on the library's datastore (pooled connections)."""

    def __init__(self, factory: InfrastructureFactory[Any]) -> None:
        self.factory = factory
        self.datastore: Any = factory.datastore  # type: ignore[attr-defined]
        reconnect_promptly(self.datastore)
        self.dialect = dialect_of(factory)
        self.registry = self.dialect.table(REGISTRY_TABLE)
        self._compiled: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}
        self._lock = threading.Lock()

    def sql(self, text: str, tables: Mapping[str, str] | None = None) -> str:
        key = (text, tuple(sorted((tables or {}).items())))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self.dialect.compile(text, {"registry": self.registry, **(tables or {})})
            with self._lock:
                if len(self._compiled) > 2000:
                    self._compiled.clear()
                self._compiled[key] = compiled
        return compiled

    def transaction(self, *, commit: bool) -> AbstractContextManager[Any]:
        return pooled_transaction(self.datastore, commit=commit)

    def fetchall(
        self,
        text: str,
        params: Sequence[Any] = (),
        tables: Mapping[str, str] | None = None,
        *,
        commit: bool = False,
    ) -> list[dict[str, Any]]:
        with self.transaction(commit=commit) as curs:
            curs.execute(self.sql(text, tables), tuple(params))
            return [_row_dict(r) for r in curs.fetchall()]

    def execute(
        self, text: str, params: Sequence[Any] = (), tables: Mapping[str, str] | None = None
    ) -> None:
        with self.transaction(commit=True) as curs:
            curs.execute(self.sql(text, tables), tuple(params))

    def close(self) -> None:
        self.factory.close()

    # ------------------------------------------------------------- registry
    def create_registry(self) -> None:
        self.execute(
            "CREATE TABLE IF NOT EXISTS {registry} ("
            "name TEXT PRIMARY KEY, "
            "generation INTEGER NOT NULL, "
            "building INTEGER, "
            "switched_at TEXT, "
            "fingerprint TEXT)"
        )

    def register(self, name: str, fingerprint: str) -> None:
        """Generation 1 is live for a read model never seen before."""
        self.execute(
            "INSERT INTO {registry} (name, generation, building, switched_at, fingerprint) "
            "VALUES (%s, 1, NULL, %s, %s) ON CONFLICT (name) DO NOTHING",
            (name, utc_text_now(), fingerprint),
        )

    def generations(self) -> dict[str, tuple[int, int | None]]:
        """name → (live generation, generation being built or None)."""
        rows = self.fetchall("SELECT name, generation, building FROM {registry}")
        return {r["name"]: (int(r["generation"]), r["building"]) for r in rows}

    def live_generation(self, name: str) -> int:
        rows = self.fetchall("SELECT generation FROM {registry} WHERE name = %s", (name,))
        if not rows:
            raise LookupError(f"read model {name} is not registered")
        return int(rows[0]["generation"])


def is_missing_table(error: BaseException) -> bool:
    """A query that raced a generation drop (or ran before the tables exist)."""
    text = f"{error} {error.__cause__ or ''}".lower()
    return isinstance(error, PersistenceError) and (
        "does not exist" in text or "no such table" in text
    )
