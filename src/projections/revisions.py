"""Revisions: a clinic's cross-plan log of changes, for analysts (and auditors).

Each row keeps the event data twice: de-identified (no client id, names or
free text: `domain.documents.deidentify`) for analysts, and in full for
auditors. Paged by position in the global event order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from domain.documents import deidentify, event_type
from domain.plan import Plan
from eventstore.utc import utc_text
from projections.base import (
    Op,
    QueryError,
    ReadModelProjection,
    dumps,
    event_payload,
    loads,
)
from projections.store import Store

INSERT = (
    "INSERT INTO {t} (position, clinic, plan_id, version, type, recorded_at, role, data, "
    "data_deidentified) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (position) DO NOTHING"
)

MAX_LIMIT = 1000


class RevisionsProjection(ReadModelProjection):
    name = "revisions"
    append_only = (INSERT,)
    ddl = (
        "CREATE TABLE IF NOT EXISTS {t} ("
        "position BIGINT PRIMARY KEY, "
        "clinic {key} NOT NULL, "
        "plan_id {uuid} NOT NULL, "
        "version INTEGER NOT NULL, "
        "type {key} NOT NULL, "
        "recorded_at {key} NOT NULL, "
        "role {key}, "
        "data TEXT NOT NULL, "
        "data_deidentified TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS {ix}_clinic ON {t} (clinic, position)",
    )

    def rows(self, items: Sequence[tuple[int, Plan.Event]]) -> list[Op]:
        ops: list[Op] = []
        for position, e in items:
            data, text = event_payload(e)
            ops.append(
                (
                    INSERT,
                    (
                        position,
                        e.clinic,
                        str(e.originator_id),
                        e.originator_version,
                        event_type(e),
                        utc_text(e.timestamp),
                        e.role,
                        text,
                        dumps(deidentify(data)),
                    ),
                )
            )
        return ops


def _bound(value: date | datetime | str | None, field: str, *, upper: bool) -> tuple[str, str]:
    """(operator, UTC text) for a date or instant bound; a date `to` takes the whole day."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value) if len(value) == 10 else _instant(value)
        except ValueError:
            raise QueryError("expected a date (YYYY-MM-DD) or an RFC 3339 instant", field) from None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise QueryError("an instant needs a UTC offset", field)
        return ("<=" if upper else ">="), utc_text(value)
    assert isinstance(value, date)
    day = datetime.combine(value, time.min, tzinfo=UTC)
    if upper:
        return "<", utc_text(day + timedelta(days=1))
    return ">=", utc_text(day)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))


def revisions(
    store: Store,
    tables: dict[str, str],
    clinic: str,
    from_: date | datetime | str | None = None,
    to: date | datetime | str | None = None,
    type: str | None = None,  # noqa: A002 - the contract's name
    role: str | None = None,
    limit: int = 100,
    after: str | int | None = None,
    deidentified: bool = True,
) -> tuple[list[dict[str, Any]], str | None]:
    """The clinic's revisions in global order; `after` is the cursor of the previous page."""
    if limit < 1:
        raise QueryError("limit must be at least 1", "limit")
    limit = min(limit, MAX_LIMIT)
    try:
        position = int(after) if after not in (None, "") else 0
        if not 0 <= position < 2**63:  # positions are 64-bit (SQLite would overflow)
            raise ValueError(position)
    except (TypeError, ValueError):
        raise QueryError("not a cursor this service gave out", "after") from None
    where = ["clinic = %s", "position > %s"]
    params: list[Any] = [clinic, position]
    if from_ is not None:
        op, text = _bound(from_, "from", upper=False)
        where.append(f"recorded_at {op} %s")
        params.append(text)
    if to is not None:
        op, text = _bound(to, "to", upper=True)
        where.append(f"recorded_at {op} %s")
        params.append(text)
    if type is not None:
        where.append("type = %s")
        params.append(type)
    if role is not None:
        where.append("role = %s")
        params.append(role)
    params.append(limit + 1)
    column = "data_deidentified" if deidentified else "data"
    rows = store.fetchall(
        f"SELECT position, plan_id, version, type, recorded_at, role, {column} AS data "
        f"FROM {{t}} WHERE {' AND '.join(where)} ORDER BY position LIMIT %s",
        params,
        tables,
    )
    items = [
        {
            "plan_id": str(r["plan_id"]),
            "version": r["version"],
            "type": r["type"],
            "recorded_at": r["recorded_at"],
            "role": r["role"],
            "data": loads(r["data"]),
        }
        for r in rows[:limit]
    ]
    following = str(rows[limit - 1]["position"]) if len(rows) > limit else None
    return items, following
