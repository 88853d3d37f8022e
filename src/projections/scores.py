"""Scores: every recorded score, and every goal's measure, for progress at a glance.

Progress numbers come from `domain.documents.goal_progress` (and through it
`domain.instruments`), so they agree with the plan document.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.documents import goal_progress
from domain.plan import Plan
from projections.base import Op, ReadModelProjection
from projections.store import Store, as_date, date_text, uuid_text

INSERT_SCORE = (
    "INSERT INTO {t} (plan_id, score_id, clinic, instrument, score, severity, "
    "administered_on, goal_id, safety_flag, safety_screen, version) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (plan_id, score_id) DO NOTHING"
)
INSERT_GOAL = (
    "INSERT INTO {t_goals} (plan_id, goal_id, clinic, instrument, baseline, target, status, "
    "version) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (plan_id, goal_id) DO NOTHING"
)
REVISE_GOAL = (
    "UPDATE {t_goals} SET instrument = %s, baseline = %s, target = %s "
    "WHERE plan_id = %s AND goal_id = %s"
)
GOAL_STATUS = "UPDATE {t_goals} SET status = %s WHERE plan_id = %s AND goal_id = %s"
# A score entered in error leaves the series and progress (the timeline keeps it).
DELETE_SCORE = "DELETE FROM {t} WHERE plan_id = %s AND score_id = %s"


class ScoresProjection(ReadModelProjection):
    name = "scores"
    suffixes = ("", "goals")
    ddl = (
        "CREATE TABLE IF NOT EXISTS {t} ("
        "plan_id {uuid} NOT NULL, "
        "score_id {key} NOT NULL, "
        "clinic {key} NOT NULL, "
        "instrument {key} NOT NULL, "
        "score INTEGER NOT NULL, "
        "severity {key} NOT NULL, "
        "administered_on {date} NOT NULL, "
        "goal_id {key}, "
        "safety_flag INTEGER NOT NULL, "
        "safety_screen {key}, "
        "version INTEGER NOT NULL, "
        "PRIMARY KEY (plan_id, score_id))",
        "CREATE TABLE IF NOT EXISTS {t_goals} ("
        "plan_id {uuid} NOT NULL, "
        "goal_id {key} NOT NULL, "
        "clinic {key} NOT NULL, "
        "instrument {key} NOT NULL, "
        "baseline INTEGER NOT NULL, "
        "target INTEGER NOT NULL, "
        "status {key} NOT NULL, "
        "version INTEGER NOT NULL, "
        "PRIMARY KEY (plan_id, goal_id))",
    )
    # A goal's row exists before any update of it runs; updates keep event order.
    statement_order = (INSERT_GOAL, INSERT_SCORE, REVISE_GOAL, GOAL_STATUS, DELETE_SCORE)
    append_only = (INSERT_GOAL, INSERT_SCORE)
    topics = tuple(
        t
        for t in ReadModelProjection.topics
        if t.rsplit(".", 1)[-1]
        in (
            "ScoreRecorded",
            "GoalAdded",
            "GoalRevised",
            "GoalStatusChanged",
            "ScoreEnteredInError",
        )
    )

    def rows(self, items: Sequence[tuple[int, Plan.Event]]) -> list[Op]:
        ops: list[Op] = []
        for _, e in items:
            plan_id, version = str(e.originator_id), e.originator_version
            if isinstance(e, Plan.ScoreRecorded):
                ops.append(
                    (
                        INSERT_SCORE,
                        (
                            plan_id,
                            e.score_id,
                            e.clinic,
                            e.instrument,
                            e.score,
                            e.severity,
                            date_text(e.administered_on),
                            e.goal_id,
                            1 if e.safety_flag else 0,
                            e.safety_screen,
                            version,
                        ),
                    )
                )
            elif isinstance(e, Plan.GoalAdded):
                m = e.measure
                ops.append(
                    (
                        INSERT_GOAL,
                        (
                            plan_id,
                            e.goal_id,
                            e.clinic,
                            m["instrument"],
                            m["baseline"],
                            m["target"],
                            "active",
                            version,
                        ),
                    )
                )
            elif isinstance(e, Plan.GoalRevised) and e.measure is not None:
                m = e.measure
                ops.append(
                    (
                        REVISE_GOAL,
                        (m["instrument"], m["baseline"], m["target"], plan_id, e.goal_id),
                    )
                )
            elif isinstance(e, Plan.GoalStatusChanged):
                ops.append((GOAL_STATUS, (e.status, plan_id, e.goal_id)))
            elif isinstance(e, Plan.ScoreEnteredInError):
                ops.append((DELETE_SCORE, (plan_id, e.score_id)))
        return ops


def scores(
    store: Store, tables: dict[str, str], plan_id: Any, clinic: str | None = None
) -> dict[str, Any]:
    """Series per instrument (oldest first) and per-goal progress."""
    key = uuid_text(plan_id)
    if key is None:
        return {"series": {}, "goals": []}
    where = "plan_id = %s" + (" AND clinic = %s" if clinic is not None else "")
    params = (key, clinic) if clinic is not None else (key,)
    score_rows = store.fetchall(
        "SELECT score_id, instrument, score, severity, administered_on, goal_id, safety_flag, "
        "safety_screen "
        f"FROM {{t}} WHERE {where} ORDER BY version",
        params,
        tables,
    )
    goal_rows = store.fetchall(
        "SELECT goal_id, instrument, baseline, target, status FROM {t_goals} "
        f"WHERE {where} ORDER BY version, goal_id",
        params,
        tables,
    )
    recorded = [
        {
            "id": r["score_id"],
            "instrument": r["instrument"],
            "score": r["score"],
            "administered_on": as_date(r["administered_on"]),
            "goal_id": r["goal_id"],
            "severity": r["severity"],
            "safety_flag": bool(r["safety_flag"]),
            "safety_screen": r["safety_screen"],
        }
        for r in score_rows
    ]
    series: dict[str, list[dict[str, Any]]] = {}
    # Stable sort: same-day scores stay in the order they were recorded.
    for s in sorted(recorded, key=lambda s: s["administered_on"]):
        series.setdefault(s["instrument"], []).append(
            {
                "administered_on": s["administered_on"].isoformat(),
                "score": s["score"],
                "severity": s["severity"],
                "score_id": s["id"],
                "safety_screen": s["safety_screen"],
                "safety_flag": s["safety_flag"],
            }
        )
    goals = []
    for g in goal_rows:
        goal = {
            "id": g["goal_id"],
            "measure": {
                "instrument": g["instrument"],
                "baseline": g["baseline"],
                "target": g["target"],
            },
        }
        progress = goal_progress(goal, recorded) or {}
        goals.append(
            {
                "goal_id": g["goal_id"],
                "instrument": g["instrument"],
                "baseline": g["baseline"],
                "target": g["target"],
                "status": g["status"],
                "latest": progress.get("latest"),
                "latest_on": progress.get("latest_on"),
                "change_pct": progress.get("change_pct"),
                "met": progress.get("met"),
                "response": progress.get("response"),
                "remission": progress.get("remission"),
                "clinically_important_change": progress.get("clinically_important_change"),
            }
        )
    return {"series": series, "goals": goals}
