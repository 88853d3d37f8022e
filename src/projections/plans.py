"""Current plan (`plans`): one row per plan, the columns lists filter on, the document.

The document is `domain.documents.plan_document` of the plan as of its last
event, so it is byte for byte what the event store answers. The projection
keeps Plan aggregates in an LRU and applies each event to them; within a
batch only the last state of each plan is written.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from domain.documents import plan_document
from domain.plan import Plan
from eventstore.utc import utc_text
from projections.base import (
    LastStateRows,
    Op,
    QueryError,
    ReadModelProjection,
    dumps,
    loads,
    plan_table,
)
from projections.store import Store, columns, date_text, uuid_text

COLUMNS = (
    "plan_id, clinic, client_id, clinician, status, version, start_date, last_reviewed_on, "
    "next_review_due, signed_version, created_at, updated_at, position, document"
)

UPSERT = (
    f"INSERT INTO {{t}} ({COLUMNS}) VALUES "
    "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (plan_id) DO UPDATE SET "
    "clinic = excluded.clinic, client_id = excluded.client_id, "
    "clinician = excluded.clinician, status = excluded.status, version = excluded.version, "
    "start_date = excluded.start_date, last_reviewed_on = excluded.last_reviewed_on, "
    "next_review_due = excluded.next_review_due, signed_version = excluded.signed_version, "
    "created_at = excluded.created_at, updated_at = excluded.updated_at, "
    "position = excluded.position, document = excluded.document"
)

SUMMARY = (
    "plan_id, clinic, client_id, clinician, status, version, start_date, last_reviewed_on, "
    "next_review_due, signed_version, created_at, updated_at"
)

MAX_LIMIT = 500


class _Rows(LastStateRows):
    """Within a batch only each plan's last state is written."""

    def plan_ops(self, plan: Plan, position: int) -> list[Op]:
        return [(UPSERT, plan_row(plan, position))]


class PlansProjection(ReadModelProjection):
    name = "plans"
    rows_type = _Rows
    uses_aggregates = True
    ddl = (
        plan_table(
            "version INTEGER NOT NULL, "
            "start_date {date} NOT NULL, "
            "last_reviewed_on {date}, "
            "next_review_due {date}, "
            "signed_version INTEGER, "
            "created_at {key} NOT NULL, "
            "updated_at {key} NOT NULL, "
            "position BIGINT NOT NULL, "
            "document TEXT NOT NULL"
        ),
        "CREATE INDEX IF NOT EXISTS {ix}_clinic ON {t} (clinic, created_at, plan_id)",
        "CREATE INDEX IF NOT EXISTS {ix}_client ON {t} (clinic, client_id)",
        "CREATE INDEX IF NOT EXISTS {ix}_clinician ON {t} (clinic, clinician, created_at)",
    )
    # Documents are a few kB: lz4 compresses them far faster than the default pglz.
    postgres_ddl = (
        "DO $$ BEGIN ALTER TABLE {t} ALTER COLUMN document SET COMPRESSION lz4; "
        "EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN NULL; END $$",
    )


def plan_row(plan: Plan, position: int) -> tuple[Any, ...]:
    review = plan.review
    signed = [s["version"] for s in plan.signatures]
    return (
        str(plan.id),
        plan.clinic,
        plan.client_id,
        plan.clinician,
        plan.status,
        plan.version,
        date_text(plan.start_date),
        date_text(review["last_reviewed_on"]),
        date_text(review["next_review_due"]),
        max(signed) if signed else None,
        utc_text(plan.created_on),
        utc_text(plan.modified_on),
        position,
        dumps(plan_document(plan)),
    )


# --------------------------------------------------------------------- queries
def current_plan(
    store: Store, tables: dict[str, str], plan_id: Any, clinic: str | None = None
) -> dict[str, Any] | None:
    key = uuid_text(plan_id)
    if key is None:
        return None
    rows = store.fetchall("SELECT clinic, document FROM {t} WHERE plan_id = %s", (key,), tables)
    if not rows or (clinic is not None and rows[0]["clinic"] != clinic):
        return None
    document: dict[str, Any] = loads(rows[0]["document"])
    document["clinic"] = rows[0]["clinic"]
    return document


def encode_cursor(created_at: str, plan_id: str) -> str:
    raw = f"{created_at}|{plan_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created_at, plan_id = raw.split("|", 1)
        key = uuid_text(plan_id)
        if key is None:
            raise ValueError(plan_id)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise QueryError("not a cursor this service gave out", "after") from None
    return created_at, key


def summary(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(row["plan_id"]),
        **columns(row, "clinic", "client_id", "clinician", "status", "version"),
        "start_date": date_text(row["start_date"]),
        "last_reviewed_on": date_text(row["last_reviewed_on"]),
        "next_review_due": date_text(row["next_review_due"]),
        **columns(row, "signed_version", "created_at", "updated_at"),
    }


def list_plans(
    store: Store,
    tables: dict[str, str],
    clinic: str,
    status: str | None = None,
    clinician: str | None = None,
    client_id: str | None = None,
    limit: int = 50,
    after: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """A clinic's plans, oldest first, `limit` at a time; the cursor is opaque and stable."""
    if limit < 1:
        raise QueryError("limit must be at least 1", "limit")
    limit = min(limit, MAX_LIMIT)
    where = ["clinic = %s"]
    params: list[Any] = [clinic]
    for column, value in (("status", status), ("clinician", clinician), ("client_id", client_id)):
        if value is not None:
            where.append(f"{column} = %s")
            params.append(value)
    if after:
        where.append("(created_at, plan_id) > (%s, %s)")
        params.extend(decode_cursor(after))
    params.append(limit + 1)
    rows = store.fetchall(
        f"SELECT {SUMMARY} FROM {{t}} WHERE {' AND '.join(where)} "
        "ORDER BY created_at, plan_id LIMIT %s",
        params,
        tables,
    )
    items = [summary(r) for r in rows[:limit]]
    following = None
    if len(rows) > limit:
        last = rows[limit - 1]
        following = encode_cursor(last["created_at"], str(last["plan_id"]))
    return items, following
