"""Review queue: which open plans of a clinic are overdue or due soon, on any date,
which drafts passed the initial-plan deadline, and whose signatures are due again.

A narrow table (one row per plan) with an index on (clinic, next_review_due)
restricted to plans that are not closed and covering the listed columns, so a
clinic's queue is one index range scan however many plans the service holds.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.plan import Plan
from projections.base import LastStateRows, Op, QueryError, ReadModelProjection, plan_table
from projections.store import Store, as_date, date_text

UPSERT = (
    "INSERT INTO {t} (plan_id, clinic, client_id, clinician, status, next_review_due, "
    "start_date, changed_on, missing) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (plan_id) DO UPDATE SET clinic = excluded.clinic, "
    "client_id = excluded.client_id, clinician = excluded.clinician, "
    "status = excluded.status, next_review_due = excluded.next_review_due, "
    "start_date = excluded.start_date, changed_on = excluded.changed_on, "
    "missing = excluded.missing"
)

# The literal `status <> 'closed'` matches the partial index's predicate.
# Overdue and due-soon plans come from ONE range scan of the partial index
# (open plans of the clinic, due up to the end of the window), flagged as
# overdue when due before `as_of`: one round trip, already in order.
QUEUE = (
    "SELECT plan_id, client_id, clinician, next_review_due, "
    "CASE WHEN next_review_due < %s THEN 1 ELSE 0 END AS overdue FROM {t} "
    "WHERE clinic = %s AND status <> 'closed' AND next_review_due <= %s{clinician} "
    "ORDER BY next_review_due, plan_id"
)
# Drafts (never fully signed) started before the initial-plan cutoff, oldest first.
INITIAL = (
    "SELECT plan_id, client_id, clinician, start_date FROM {t} "
    "WHERE clinic = %s AND status = 'draft' AND start_date < %s{clinician} "
    "ORDER BY start_date, plan_id"
)
# Active plans changed since their last full signing, oldest change first.
SIGNATURES = (
    "SELECT plan_id, client_id, clinician, changed_on, missing FROM {t} "
    "WHERE clinic = %s AND status = 'active' AND changed_on IS NOT NULL "
    "AND changed_on <= %s{clinician} ORDER BY changed_on, plan_id"
)
BY_CLINICIAN = " AND clinician = %s"


class _Rows(LastStateRows):
    """One row per plan, its state after its last event in the batch."""

    def plan_ops(self, plan: Plan, position: int) -> list[Op]:
        active = plan.status == "active"
        return [
            (
                UPSERT,
                (
                    str(plan.id),
                    plan.clinic,
                    plan.client_id,
                    plan.clinician,
                    plan.status,
                    date_text(plan.review["next_review_due"]),
                    date_text(plan.start_date),
                    date_text(plan.stale_since) if active else None,
                    ",".join(plan.signatures_missing) if active else None,
                ),
            )
        ]


class ReviewQueueProjection(ReadModelProjection):
    name = "review_queue"
    rows_type = _Rows
    uses_aggregates = True
    ddl = (
        plan_table(
            "next_review_due {date} NOT NULL, "
            "start_date {date} NOT NULL, "
            "changed_on {date}, "
            "missing {key}"
        ),
        # Restricted to open plans and covering the answer (index-only scan on
        # PostgreSQL, already in the order asked for).
        "CREATE INDEX IF NOT EXISTS {ix}_queue "
        "ON {t} (clinic, next_review_due, plan_id, client_id, clinician) "
        "WHERE status <> 'closed'",
        "CREATE INDEX IF NOT EXISTS {ix}_initial ON {t} (clinic, start_date, plan_id) "
        "WHERE status = 'draft'",
        "CREATE INDEX IF NOT EXISTS {ix}_signatures ON {t} (clinic, changed_on, plan_id) "
        "WHERE changed_on IS NOT NULL",
    )


def _item(row: dict[str, Any], as_of: date) -> dict[str, Any]:
    due = as_date(row["next_review_due"])
    return {
        "plan_id": str(row["plan_id"]),
        "client_id": row["client_id"],
        "clinician": row["clinician"],
        "next_review_due": due.isoformat(),
        "days_overdue": (as_of - due).days,
    }


def _filtered(text: str, clinician: str | None) -> str:
    return text.replace("{clinician}", BY_CLINICIAN if clinician is not None else "")


def review_queue(
    store: Store,
    tables: dict[str, str],
    clinic: str,
    as_of: date,
    within_days: int,
    limit: int | None = None,
    clinician: str | None = None,
    initial_plan_days: int | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Overdue (due before `as_of`, most overdue first) and due within `within_days`;
    with `initial_plan_days`, also drafts past that deadline and plans whose
    signatures are due again. With `clinician`, only that clinician's plans."""
    if within_days < 0:
        raise QueryError("within_days must not be negative", "within_days")
    day = date_text(as_of)
    until = date_text(as_of + timedelta(days=within_days))
    who = (clinician,) if clinician is not None else ()
    overdue: list[dict[str, Any]] = []
    due_soon: list[dict[str, Any]] = []
    for row in store.fetchall(_filtered(QUEUE, clinician), (day, clinic, until, *who), tables):
        (overdue if row["overdue"] else due_soon).append(_item(row, as_of))
    queue: dict[str, list[dict[str, Any]]] = {"overdue": overdue, "due_soon": due_soon}
    if initial_plan_days is not None:
        cutoff = date_text(as_of - timedelta(days=initial_plan_days))
        rows = store.fetchall(_filtered(INITIAL, clinician), (clinic, cutoff, *who), tables)
        queue["initial_plan_overdue"] = [_initial_item(r, as_of, initial_plan_days) for r in rows]
        rows = store.fetchall(_filtered(SIGNATURES, clinician), (clinic, day, *who), tables)
        queue["signatures_due"] = [_signatures_item(r) for r in rows]
    if limit is not None:
        queue = {name: items[:limit] for name, items in queue.items()}
    return queue


def _initial_item(row: dict[str, Any], as_of: date, days: int) -> dict[str, Any]:
    start = as_date(row["start_date"])
    return {
        "plan_id": str(row["plan_id"]),
        "client_id": row["client_id"],
        "clinician": row["clinician"],
        "start_date": start.isoformat(),
        "days_overdue": (as_of - (start + timedelta(days=days))).days,
    }


def _signatures_item(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "plan_id": str(row["plan_id"]),
        "client_id": row["client_id"],
        "clinician": row["clinician"],
        "changed_on": as_date(row["changed_on"]).isoformat(),
        "missing": [r for r in (row["missing"] or "").split(",") if r],
    }
