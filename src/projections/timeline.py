"""Timeline (`plan_timeline`): one row per plan event, with a one-sentence summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.documents import event_type, summarize
from domain.plan import Plan
from projections.base import Op, QueryError, ReadModelProjection, event_payload, loads
from projections.store import Store, uuid_text

INSERT = (
    "INSERT INTO {t} (plan_id, version, clinic, type, recorded_at, actor, role, reason, "
    "summary, data, position) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (plan_id, version) DO NOTHING"
)

MAX_LIMIT = 1000


class TimelineProjection(ReadModelProjection):
    name = "plan_timeline"
    append_only = (INSERT,)
    ddl = (
        "CREATE TABLE IF NOT EXISTS {t} ("
        "plan_id {uuid} NOT NULL, "
        "version INTEGER NOT NULL, "
        "clinic {key} NOT NULL, "
        "type {key} NOT NULL, "
        "recorded_at {key} NOT NULL, "
        "actor TEXT, "
        "role {key}, "
        "reason TEXT, "
        "summary TEXT NOT NULL, "
        "data TEXT NOT NULL, "
        "position BIGINT NOT NULL, "
        "PRIMARY KEY (plan_id, version))",
    )

    def rows(self, items: Sequence[tuple[int, Plan.Event]]) -> list[Op]:
        ops: list[Op] = []
        for position, e in items:
            payload = event_payload(e)
            ops.append(
                (
                    INSERT,
                    (
                        payload.plan_id,
                        e.originator_version,
                        e.clinic,
                        event_type(e),
                        payload.recorded_at,
                        e.actor,
                        e.role,
                        e.reason,
                        summarize(e),
                        payload.text,
                        position,
                    ),
                )
            )
        return ops


def timeline(
    store: Store,
    tables: dict[str, str],
    plan_id: Any,
    after_version: int | None = None,
    limit: int = 100,
    clinic: str | None = None,
) -> list[dict[str, Any]]:
    """The plan's events oldest first, after `after_version`, at most `limit`."""
    if limit < 1:
        raise QueryError("limit must be at least 1", "limit")
    key = uuid_text(plan_id)
    if key is None:
        return []
    where = "plan_id = %s AND version > %s"
    params: list[Any] = [key, after_version or 0]
    if clinic is not None:
        where += " AND clinic = %s"
        params.append(clinic)
    params.append(min(limit, MAX_LIMIT))
    rows = store.fetchall(
        "SELECT version, type, recorded_at, actor, role, reason, summary, data FROM {t} "
        f"WHERE {where} ORDER BY version LIMIT %s",
        params,
        tables,
    )
    return [
        {
            "version": r["version"],
            "type": r["type"],
            "recorded_at": r["recorded_at"],
            "actor": r["actor"],
            "role": r["role"],
            "reason": r["reason"],
            "summary": r["summary"],
            "data": loads(r["data"]),
        }
        for r in rows
    ]
