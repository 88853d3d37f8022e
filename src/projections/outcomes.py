"""Outcomes across a clinic's goals, from the current-plan read model.

Response and remission are the goal progress `domain.documents.goal_progress`
already computes per goal; this counts them over the clinic's goals on one
instrument that have at least two scores, and suppresses the rates (and the count)
of fewer than 11 goals: a rate of a small group tells too much about its members.
"""

from __future__ import annotations

from typing import Any

from projections.base import loads
from projections.revisions import SUPPRESS_BELOW
from projections.store import Store

MIN_SCORES = 2
PAGE = 500  # plans read at a time: memory stays flat


def outcomes(store: Store, tables: dict[str, str], clinic: str, instrument: str) -> dict[str, Any]:
    goals = responses = remissions = 0
    response_defined = remission_defined = True
    after = None
    while True:
        page = "AND plan_id > %s " if after else ""
        rows = store.fetchall(
            f"SELECT plan_id, document FROM {{t}} WHERE clinic = %s {page}"
            "ORDER BY plan_id LIMIT %s",
            [clinic, *([after] if after else []), PAGE],
            tables,
        )
        if not rows:
            break
        after = str(rows[-1]["plan_id"])
        for row in rows:
            for goal in loads(row["document"]).get("goals", ()):
                progress = goal.get("progress")
                if goal["measure"]["instrument"] != instrument or not progress:
                    continue
                if progress.get("scores_count", 0) < MIN_SCORES:
                    continue
                goals += 1
                response, remission = progress.get("response"), progress.get("remission")
                response_defined &= response is not None
                remission_defined &= remission is not None
                responses += bool(response)
                remissions += bool(remission)
    hide = goals < SUPPRESS_BELOW
    return {
        "instrument": instrument,
        "goals": None if 0 < goals < SUPPRESS_BELOW else goals,
        "response_rate": None if hide or not response_defined else round(responses / goals, 3),
        "remission_rate": None if hide or not remission_defined else round(remissions / goals, 3),
        "suppressed": hide,
    }
