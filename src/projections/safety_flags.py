"""Safety flags (`safety_flags`): every flag a positive PHQ-9 item 9 raised, clinic-wide.

One row per flag, upserted from the plan aggregate whenever its plan changes
(so the client, the clinician and the acknowledgement are always the plan's
own), with an index on (clinic, status, raised_on): a clinic's open flags,
oldest first, are one index range scan.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.plan import Plan
from projections.base import LastStateRows, Op, QueryError, ReadModelProjection
from projections.store import Store, as_date, columns, date_text

UPSERT = (
    "INSERT INTO {t} (plan_id, flag_id, clinic, client_id, clinician, score_id, raised_on, "
    "status, action, acknowledged_on) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (plan_id, flag_id) DO UPDATE SET clinic = excluded.clinic, "
    "client_id = excluded.client_id, clinician = excluded.clinician, "
    "status = excluded.status, action = excluded.action, "
    "acknowledged_on = excluded.acknowledged_on"
)

STATUSES = ("open", "acknowledged")
# Open flags oldest first (the longest unattended on top); acknowledged newest first.
ORDERS = (
    ("open", "raised_on, plan_id, flag_id"),
    ("acknowledged", "raised_on DESC, plan_id, flag_id"),
)
MAX_LIMIT = 1000


class _Rows(LastStateRows):
    """Every flag of each plan that has any, as of its last event in the batch."""

    def wanted(self, plan: Plan) -> bool:
        return bool(plan.safety_flags)

    def plan_ops(self, plan: Plan, position: int) -> list[Op]:
        return [
            (
                UPSERT,
                (
                    str(plan.id),
                    f["id"],
                    plan.clinic,
                    plan.client_id,
                    plan.clinician,
                    f["score_id"],
                    date_text(f["raised_on"]),
                    f["status"],
                    f["action"],
                    date_text(f["acknowledged_on"]),
                ),
            )
            for f in plan.safety_flags.values()
        ]


class SafetyFlagsProjection(ReadModelProjection):
    name = "safety_flags"
    rows_type = _Rows
    uses_aggregates = True
    ddl = (
        "CREATE TABLE IF NOT EXISTS {t} ("
        "plan_id {uuid} NOT NULL, "
        "flag_id {key} NOT NULL, "
        "clinic {key} NOT NULL, "
        "client_id {key} NOT NULL, "
        "clinician {key} NOT NULL, "
        "score_id {key} NOT NULL, "
        "raised_on {date} NOT NULL, "
        "status {key} NOT NULL, "
        "action {key}, "
        "acknowledged_on {date}, "
        "PRIMARY KEY (plan_id, flag_id))",
        "CREATE INDEX IF NOT EXISTS {ix}_clinic ON {t} (clinic, status, raised_on, plan_id)",
    )


def _item(row: dict[str, Any], as_of: date) -> dict[str, Any]:
    raised = as_date(row["raised_on"])
    acknowledged = as_date(row["acknowledged_on"]) if row["acknowledged_on"] else None
    return {
        "plan_id": str(row["plan_id"]),
        **columns(row, "flag_id", "client_id", "clinician", "score_id"),
        "raised_on": raised.isoformat(),
        # Open: days since it was raised; acknowledged: days it stayed open.
        "days_open": ((acknowledged or as_of) - raised).days,
        **columns(row, "status", "action"),
        "acknowledged_on": acknowledged.isoformat() if acknowledged else None,
    }


def safety_flags(
    store: Store,
    tables: dict[str, str],
    clinic: str,
    as_of: date,
    status: str | None = None,
    clinician: str | None = None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """A clinic's flags: open ones oldest first, then acknowledged ones newest first."""
    if status is not None and status not in STATUSES:
        raise QueryError(f"status must be one of {', '.join(STATUSES)}", "status")
    if limit < 1:
        raise QueryError("limit must be at least 1", "limit")
    limit = min(limit, MAX_LIMIT)
    found: list[dict[str, Any]] = []
    for wanted, order in ORDERS:
        if status is not None and status != wanted:
            continue
        where = "clinic = %s AND status = %s"
        params: list[Any] = [clinic, wanted]
        if clinician is not None:
            where += " AND clinician = %s"
            params.append(clinician)
        params.append(limit - len(found))
        rows = store.fetchall(
            f"SELECT * FROM {{t}} WHERE {where} ORDER BY {order} LIMIT %s", params, tables
        )
        found.extend(_item(r, as_of) for r in rows)
        if len(found) >= limit:
            break
    return found
