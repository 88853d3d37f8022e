"""Review queue: which open plans of a clinic are overdue or due soon, on any date.

A narrow table (one row per plan) with an index on (clinic, next_review_due)
restricted to plans that are not closed and covering the listed columns, so a
clinic's queue is one index range scan however many plans the service holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from domain.plan import Plan
from projections.base import Op, QueryError, ReadModelProjection
from projections.store import Store, as_date, date_text

UPSERT = (
    "INSERT INTO {t} (plan_id, clinic, client_id, clinician, status, next_review_due) "
    "VALUES (%s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (plan_id) DO UPDATE SET clinic = excluded.clinic, "
    "client_id = excluded.client_id, clinician = excluded.clinician, "
    "status = excluded.status, next_review_due = excluded.next_review_due"
)

# The literal `status <> 'closed'` matches the partial index's predicate.
# Overdue and due-soon plans come from ONE range scan of the partial index
# (open plans of the clinic, due up to the end of the window), flagged as
# overdue when due before `as_of`: one round trip, already in order.
QUEUE = (
    "SELECT plan_id, client_id, clinician, next_review_due, "
    "CASE WHEN next_review_due < %s THEN 1 ELSE 0 END AS overdue FROM {t} "
    "WHERE clinic = %s AND status <> 'closed' AND next_review_due <= %s "
    "ORDER BY next_review_due, plan_id"
)


class ReviewQueueProjection(ReadModelProjection):
    name = "review_queue"
    uses_aggregates = True
    ddl = (
        "CREATE TABLE IF NOT EXISTS {t} ("
        "plan_id {uuid} PRIMARY KEY, "
        "clinic {key} NOT NULL, "
        "client_id {key} NOT NULL, "
        "clinician {key} NOT NULL, "
        "status {key} NOT NULL, "
        "next_review_due {date} NOT NULL)",
        # Restricted to open plans and covering the answer (index-only scan on
        # PostgreSQL, already in the order asked for).
        "CREATE INDEX IF NOT EXISTS {ix}_queue "
        "ON {t} (clinic, next_review_due, plan_id, client_id, clinician) "
        "WHERE status <> 'closed'",
    )

    def rows(self, items: Sequence[tuple[int, Plan.Event]]) -> list[Op]:
        assert self.cache is not None
        last: dict[Any, Plan] = {}
        for _, event in items:
            plan = self.cache.apply(event)
            last[plan.id.int] = plan
        return [
            (
                UPSERT,
                (
                    str(p.id),
                    p.clinic,
                    p.client_id,
                    p.clinician,
                    p.status,
                    date_text(p.review["next_review_due"]),
                ),
            )
            for p in last.values()
        ]


def _item(row: dict[str, Any], as_of: date) -> dict[str, Any]:
    due = as_date(row["next_review_due"])
    return {
        "plan_id": str(row["plan_id"]),
        "client_id": row["client_id"],
        "clinician": row["clinician"],
        "next_review_due": due.isoformat(),
        "days_overdue": (as_of - due).days,
    }


def review_queue(
    store: Store,
    tables: dict[str, str],
    clinic: str,
    as_of: date,
    within_days: int,
    limit: int | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Overdue (due before `as_of`, most overdue first) and due within `within_days`."""
    if within_days < 0:
        raise QueryError("within_days must not be negative", "within_days")
    day = date_text(as_of)
    until = date_text(as_of + timedelta(days=within_days))
    overdue: list[dict[str, Any]] = []
    due_soon: list[dict[str, Any]] = []
    for row in store.fetchall(QUEUE, (day, clinic, until), tables):
        (overdue if row["overdue"] else due_soon).append(_item(row, as_of))
    if limit is not None:
        overdue, due_soon = overdue[:limit], due_soon[:limit]
    return {"overdue": overdue, "due_soon": due_soon}
