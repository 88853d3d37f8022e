"""The access log (HIPAA audit controls): who read or changed which plan, when, and how it went.

An append-only table in the event store's own database: triggers refuse
UPDATE, DELETE (and on PostgreSQL TRUNCATE), so an entry once written stays.
Entries carry ids, roles, the route template and the status code, never a
body, a query string or free text.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import sql

from api.settings import Settings
from eventstore.connections import connect
from eventstore.utc import as_utc, utc_now, utc_text

TABLE = "access_log"


@dataclass(frozen=True)
class AccessEntry:
    actor: str
    role: str
    clinic: str
    plan_id: str | None
    action: str
    outcome: int


# ------------------------------------------------------------------- schema
_PG_STATEMENTS = [
    "CREATE TABLE IF NOT EXISTS {schema}.{table} ("
    " id bigserial PRIMARY KEY,"
    " at timestamptz NOT NULL DEFAULT now(),"
    " actor text NOT NULL, role text NOT NULL, clinic text NOT NULL,"
    " plan_id text, action text NOT NULL, outcome integer NOT NULL)",
    "CREATE INDEX IF NOT EXISTS {clinic_idx} ON {schema}.{table} (clinic, id)",
    "CREATE INDEX IF NOT EXISTS {plan_idx} ON {schema}.{table} (clinic, plan_id, id)",
    "CREATE OR REPLACE FUNCTION {schema}.{refuse}() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the access log is append-only'; END $$",
    "CREATE OR REPLACE TRIGGER {no_change} BEFORE UPDATE OR DELETE ON {schema}.{table} "
    "FOR EACH ROW EXECUTE FUNCTION {schema}.{refuse}()",
    "CREATE OR REPLACE TRIGGER {no_truncate} BEFORE TRUNCATE ON {schema}.{table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION {schema}.{refuse}()",
]

_SQLITE_STATEMENTS = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " at TEXT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL, clinic TEXT NOT NULL,"
    " plan_id TEXT, action TEXT NOT NULL, outcome INTEGER NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_clinic_idx ON {TABLE} (clinic, id)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_plan_idx ON {TABLE} (clinic, plan_id, id)",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
]


def _pg_names(schema: str) -> dict[str, sql.Identifier]:
    return {
        "schema": sql.Identifier(schema or "public"),
        "table": sql.Identifier(TABLE),
        "clinic_idx": sql.Identifier(f"{TABLE}_clinic_idx"),
        "plan_idx": sql.Identifier(f"{TABLE}_plan_idx"),
        "refuse": sql.Identifier(f"{TABLE}_refuse_change"),
        "no_change": sql.Identifier(f"{TABLE}_no_change"),
        "no_truncate": sql.Identifier(f"{TABLE}_no_truncate"),
    }


def create_access_log(settings: Settings) -> None:
    params = settings.postgres_params()
    if settings.backend == "sqlite":
        with sqlite3.connect(params["path"], timeout=30) as db:
            for statement in _SQLITE_STATEMENTS:
                db.execute(statement)
        db.close()
        return
    names = _pg_names(params["schema"])
    with connect(params) as conn:
        for statement in _PG_STATEMENTS:
            conn.execute(sql.SQL(statement).format(**names))  # type: ignore[arg-type]


# -------------------------------------------------------------------- store
class AccessLog:
    """Appends and reads entries through the application's own datastore (its pool)."""

    def __init__(self, datastore: Any, backend: str) -> None:
        self.datastore = datastore
        self.backend = backend
        if backend == "postgres":
            names = _pg_names(datastore.schema)
            self._insert: Any = sql.SQL(
                "INSERT INTO {schema}.{table} (at, actor, role, clinic, plan_id, action, outcome) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)"
            ).format(**names)
            self._select: Any = sql.SQL(
                "SELECT id, at, actor, role, clinic, plan_id, action, outcome "
                "FROM {schema}.{table} WHERE clinic = %s AND id > %s "
                "AND (%s::text IS NULL OR plan_id = %s::text) "
                "AND (%s::timestamptz IS NULL OR at >= %s::timestamptz) "
                "AND (%s::timestamptz IS NULL OR at <= %s::timestamptz) "
                "ORDER BY id LIMIT %s"
            ).format(**names)
        else:
            self._insert = (
                f"INSERT INTO {TABLE} (at, actor, role, clinic, plan_id, action, outcome) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)"
            )
            self._select = (
                "SELECT id, at, actor, role, clinic, plan_id, action, outcome "
                f"FROM {TABLE} WHERE clinic = ? AND id > ? "
                "AND (? IS NULL OR plan_id = ?) AND (? IS NULL OR at >= ?) "
                "AND (? IS NULL OR at <= ?) ORDER BY id LIMIT ?"
            )

    def _instant(self, value: datetime | None) -> Any:
        if value is None:
            return None
        return as_utc(value) if self.backend == "postgres" else utc_text(value)

    def append(self, entry: AccessEntry) -> None:
        params = (
            self._instant(utc_now()),
            entry.actor,
            entry.role,
            entry.clinic,
            entry.plan_id,
            entry.action,
            entry.outcome,
        )
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(self._insert, params)

    def entries(
        self,
        clinic: str,
        plan_id: str | None = None,
        from_: datetime | None = None,
        to: datetime | None = None,
        limit: int = 100,
        after: int = 0,
    ) -> tuple[list[dict[str, Any]], str | None]:
        start, end = self._instant(from_), self._instant(to)
        params = (clinic, after, plan_id, plan_id, start, start, end, end, limit)
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._select, params)
            rows = curs.fetchall()
        items = []
        for row in rows:
            at = row["at"]
            at = as_utc(at if isinstance(at, datetime) else datetime.fromisoformat(at))
            items.append(
                {
                    "id": int(row["id"]),
                    "at": at.isoformat(),
                    "actor": row["actor"],
                    "role": row["role"],
                    "clinic": row["clinic"],
                    "plan_id": row["plan_id"],
                    "action": row["action"],
                    "outcome": int(row["outcome"]),
                }
            )
        next_cursor = str(items[-1]["id"]) if len(items) == limit else None
        return items, next_cursor

    def ping(self) -> None:
        """Raises when the database cannot be reached."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute("SELECT 1")
            curs.fetchall()
