"""Compliance: the figures a clinic's quality lead reports, on any date.

Three narrow tables, written as events arrive so that a figure is a few
aggregate queries, never a replay of plans per request:

- `{t}`: one row per plan (clinician, status, start, close, activation,
  signature currency);
- `{t_dues}`: every due date a plan has had and the day it took effect
  (creation: the start; a review: its date; a new interval: the day it was
  recorded), so "overdue on as_of" uses the due date in force on that day;
- `{t_reviews}`: every review with the due date in force just before it and
  the clinician responsible then (a transfer moves the caseload, not the record).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.plan import Plan
from projections.base import Op, PlanRows, ReadModelProjection
from projections.store import Store, date_text

WINDOW_DAYS = 365

UPSERT_PLAN = (
    "INSERT INTO {t} (plan_id, clinic, clinician, status, start_date, closed_on, "
    "activated_on, changed_on) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (plan_id) DO UPDATE SET clinic = excluded.clinic, "
    "clinician = excluded.clinician, status = excluded.status, "
    "start_date = excluded.start_date, closed_on = excluded.closed_on, "
    "activated_on = excluded.activated_on, changed_on = excluded.changed_on"
)
# The plan's current due date and the day it took effect: on any as_of from
# then on (the usual question: today) no look-up in the dues is needed.
UPDATE_DUE = "UPDATE {t} SET due_on = %s, due_since = %s WHERE plan_id = %s"
INSERT_DUE = (
    "INSERT INTO {t_dues} (plan_id, version, effective_on, due_on) VALUES (%s, %s, %s, %s) "
    "ON CONFLICT (plan_id, version) DO NOTHING"
)
INSERT_REVIEW = (
    "INSERT INTO {t_reviews} (plan_id, version, clinic, clinician, reviewed_on, due_on) "
    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (plan_id, version) DO NOTHING"
)

# Open plans on as_of (started, not yet closed) per clinician: how many, how
# many past the due date in force that day, drafts past the initial-plan
# deadline, and active plans whose signatures are not current.
OPEN_PLANS = (
    "SELECT p.clinician AS clinician, COUNT(*) AS open_plans, "
    "SUM(CASE WHEN (CASE WHEN p.due_since <= %s THEN p.due_on ELSE ("
    "SELECT d.due_on FROM {t_dues} d WHERE d.plan_id = p.plan_id AND d.effective_on <= %s "
    "ORDER BY d.version DESC LIMIT 1) END) < %s THEN 1 ELSE 0 END) AS reviews_overdue, "
    "SUM(CASE WHEN (p.activated_on IS NULL OR p.activated_on > %s) "
    "AND p.start_date < %s THEN 1 ELSE 0 END) AS initial_plans_overdue, "
    "SUM(CASE WHEN p.status = 'active' AND p.changed_on IS NOT NULL "
    "AND p.changed_on <= %s THEN 1 ELSE 0 END) AS signatures_not_current "
    "FROM {t} p WHERE p.clinic = %s AND p.start_date <= %s "
    "AND (p.closed_on IS NULL OR p.closed_on > %s) "
    "GROUP BY p.clinician"
)
REVIEWS = (
    "SELECT clinician, COUNT(*) AS reviews, "
    "SUM(CASE WHEN reviewed_on <= due_on THEN 1 ELSE 0 END) AS on_time "
    "FROM {t_reviews} WHERE clinic = %s "
    "AND reviewed_on > %s AND reviewed_on <= %s "
    "GROUP BY clinician"
)


class ComplianceProjection(ReadModelProjection):
    name = "compliance"
    uses_aggregates = True
    suffixes = ("", "dues", "reviews")
    ddl = (
        "CREATE TABLE IF NOT EXISTS {t} ("
        "plan_id {uuid} PRIMARY KEY, "
        "clinic {key} NOT NULL, "
        "clinician {key} NOT NULL, "
        "status {key} NOT NULL, "
        "start_date {date} NOT NULL, "
        "closed_on {date}, "
        "activated_on {date}, "
        "changed_on {date}, "
        "due_on {date}, "
        "due_since {date})",
        "CREATE INDEX IF NOT EXISTS {ix}_started ON {t} (clinic, start_date)",
        "CREATE TABLE IF NOT EXISTS {t_dues} ("
        "plan_id {uuid} NOT NULL, "
        "version INTEGER NOT NULL, "
        "effective_on {date} NOT NULL, "
        "due_on {date} NOT NULL, "
        "PRIMARY KEY (plan_id, version))",
        "CREATE TABLE IF NOT EXISTS {t_reviews} ("
        "plan_id {uuid} NOT NULL, "
        "version INTEGER NOT NULL, "
        "clinic {key} NOT NULL, "
        "clinician {key} NOT NULL, "
        "reviewed_on {date} NOT NULL, "
        "due_on {date} NOT NULL, "
        "PRIMARY KEY (plan_id, version))",
        "CREATE INDEX IF NOT EXISTS {ix}_reviewed_on ON {t_reviews} (clinic, reviewed_on)",
    )
    statement_order = (INSERT_DUE, INSERT_REVIEW, UPSERT_PLAN, UPDATE_DUE)
    append_only = (INSERT_DUE, INSERT_REVIEW)

    def plan_rows(self) -> PlanRows:
        return _Rows()


class _Rows(PlanRows):
    """Reviews (with the due date they answered), due-date history, one row per plan."""

    wants_before = True

    def __init__(self) -> None:
        self.ops_: list[Op] = []
        self.dues: list[Op] = []
        self.last: dict[int, Plan] = {}

    def before(self, event: Plan.Event, plan: Plan | None) -> None:
        if isinstance(event, Plan.PlanReviewed):
            assert plan is not None
            self.ops_.append(
                (
                    INSERT_REVIEW,
                    (
                        str(event.originator_id),
                        event.originator_version,
                        plan.clinic,
                        plan.clinician,
                        date_text(event.reviewed_on),
                        date_text(plan.review["next_review_due"]),
                    ),
                )
            )

    def after(self, position: int, event: Plan.Event, plan: Plan) -> None:
        self.last[plan.id.int] = plan
        effective = _due_effective_on(event, plan)
        if effective is not None:
            plan_id = str(event.originator_id)
            due = date_text(plan.review["next_review_due"])
            self.ops_.append(
                (INSERT_DUE, (plan_id, event.originator_version, date_text(effective), due))
            )
            self.dues.append((UPDATE_DUE, (due, date_text(effective), plan_id)))

    def ops(self) -> list[Op]:
        plans = [(UPSERT_PLAN, plan_row(p)) for p in self.last.values()]
        return self.ops_ + plans + self.dues


def _due_effective_on(event: Plan.Event, plan: Plan) -> date | None:
    """The day from which the due date this event set is in force (None: it set none)."""
    if isinstance(event, Plan.PlanCreated):
        return plan.start_date
    if isinstance(event, Plan.PlanReviewed):
        return event.reviewed_on
    if isinstance(event, Plan.ReviewIntervalChanged):
        return event.timestamp.date()
    return None


def plan_row(plan: Plan) -> tuple[Any, ...]:
    return (
        str(plan.id),
        plan.clinic,
        plan.clinician,
        plan.status,
        date_text(plan.start_date),
        date_text(plan.closed_on),
        date_text(plan.activated_on),
        date_text(plan.stale_since) if plan.status == "active" else None,
    )


FIGURES = ("open_plans", "reviews_overdue", "initial_plans_overdue", "signatures_not_current")


def _rate(on_time: int, late: int, overdue: int) -> float | None:
    denominator = on_time + late + overdue
    return round(on_time / denominator, 4) if denominator else None


def compliance(
    store: Store, tables: dict[str, str], clinic: str, as_of: date, initial_plan_days: int
) -> dict[str, Any]:
    """The clinic's compliance figures on `as_of`, in total and per clinician."""
    day = date_text(as_of)
    cutoff = date_text(as_of - timedelta(days=initial_plan_days))
    window_start = date_text(as_of - timedelta(days=WINDOW_DAYS))
    open_params = (day, day, day, day, cutoff, day, clinic, day, day)
    people: dict[str, dict[str, int]] = {}

    def person(name: str) -> dict[str, int]:
        return people.setdefault(name, dict.fromkeys((*FIGURES, "reviews", "on_time"), 0))

    for row in store.fetchall(OPEN_PLANS, open_params, tables):
        counts = person(row["clinician"])
        for figure in FIGURES:
            counts[figure] = int(row[figure] or 0)
    for row in store.fetchall(REVIEWS, (clinic, window_start, day), tables):
        counts = person(row["clinician"])
        counts["reviews"], counts["on_time"] = int(row["reviews"]), int(row["on_time"] or 0)

    def figures(c: dict[str, int]) -> dict[str, Any]:
        late = c["reviews"] - c["on_time"]
        return {
            **{f: c[f] for f in FIGURES},
            "reviews_on_time_rate": _rate(c["on_time"], late, c["reviews_overdue"]),
        }

    total = {k: sum(c[k] for c in people.values()) for k in (*FIGURES, "reviews", "on_time")}
    return {
        "as_of": as_of.isoformat(),
        **figures(total),
        "by_clinician": [{"clinician": name, **figures(people[name])} for name in sorted(people)],
    }
