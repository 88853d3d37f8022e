"""How a plan and its events read outside the aggregate.

Pure functions shared by the application (plans as of a version), the
projections (current plan, timeline, scores, revisions) and the API: one
place decides what a plan document looks like. The per-event registries live
beside it: `domain.summaries` (one sentence per event type) and
`domain.deidentification` (the analysts' allowlist per event type).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import orjson

from domain.instruments import INSTRUMENTS
from domain.plan import Plan
from domain.summaries import summarize

__all__ = [
    "event_data",
    "event_json",
    "event_type",
    "goal_progress",
    "jsonable",
    "plan_document",
    "summarize",
]

META_FIELDS = frozenset(
    {
        "originator_id",
        "originator_version",
        "originator_topic",
        "timestamp",
        "actor",
        "role",
        "clinic",
        "reason",
        "command_id",
        "request_hash",
    }
)


# Values that are JSON as they are: returned at once (most values are).
_PLAIN = frozenset({str, int, bool, float, type(None)})


def jsonable(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def goal_progress(goal: dict[str, Any], scores: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Where a goal stands: scores linked to it, or unlinked scores of its instrument."""
    measure = goal["measure"]
    inst = INSTRUMENTS[measure["instrument"]]
    relevant = [
        s
        for s in scores
        if s["instrument"] == inst.code
        and s.get("goal_id") in (None, goal["id"])
        and not s.get("entered_in_error")
    ]
    if not relevant:
        return None
    latest = max(relevant, key=lambda s: s["administered_on"])  # stable: last recorded wins ties
    for s in relevant:
        if s["administered_on"] == latest["administered_on"]:
            latest = s
    baseline, target, value = measure["baseline"], measure["target"], latest["score"]
    change_pct = round((value - baseline) * 100 / baseline, 1) if baseline else None
    return {
        "latest": value,
        "latest_on": jsonable(latest["administered_on"]),
        "severity": latest["severity"],
        "change_pct": change_pct,
        "met": inst.is_met(value, target),
        "response": inst.is_response(baseline, value),
        "remission": inst.is_remission(value),
        "clinically_important_change": inst.is_clinically_important_change(baseline, value),
        "scores_count": len(relevant),
    }


def plan_document(plan: Plan) -> dict[str, Any]:
    """The plan as clients read it (`GET /plans/{id}`), JSON-ready."""
    goals = []
    for goal in plan.goals.values():
        goals.append(
            {
                "id": goal["id"],
                "problem_ids": list(goal["problem_ids"]),
                "statement": goal["statement"],
                "measure": {
                    **goal["measure"],
                    "loinc": INSTRUMENTS[goal["measure"]["instrument"]].loinc,
                },
                "target_date": jsonable(goal["target_date"]),
                "status": goal["status"],
                "objectives": jsonable(list(goal["objectives"].values())),
                "progress": goal_progress(goal, plan.scores),
            }
        )
    signatures = [
        {
            **jsonable(s),
            "changed_since": plan.content_version > s["version"],
            "diff": f"/plans/{plan.id}/diff?from_version={s['version']}&to_version={plan.version}",
        }
        for s in plan.signatures
    ]
    return {
        "id": str(plan.id),
        "clinic": plan.clinic,
        "client_id": plan.client_id,
        "clinician": plan.clinician,
        "status": plan.status,
        "version": plan.version,
        "start_date": plan.start_date.isoformat(),
        "presenting_concerns": list(plan.presenting_concerns),
        "problems": jsonable(list(plan.problems.values())),
        "diagnoses": jsonable(list(plan.diagnoses.values())),
        "goals": goals,
        "interventions": jsonable(list(plan.interventions.values())),
        "frequency": jsonable(plan.frequency),
        "assessments": [
            {**a, "loinc": INSTRUMENTS[a["instrument"]].loinc} for a in plan.assessments.values()
        ],
        "review": {
            "interval_days": plan.review["interval_days"],
            "follows_policy": plan.review["follows_policy"],
            "last_reviewed_on": jsonable(plan.review["last_reviewed_on"]),
            "next_review_due": jsonable(plan.review["next_review_due"]),
        },
        "signatures": signatures,
        "signatures_current": plan.signatures_current,
        # Absent is absent: null unless content changed after activation.
        "signatures_due": (
            {"changed_on": plan.stale_since.isoformat(), "missing": plan.signatures_missing}
            if plan.stale_since is not None
            else None
        ),
        "safety_flags": [safety_flag_view(f, plan.scores) for f in plan.safety_flags.values()],
        "safety_plan": jsonable(plan.safety_plan),
        "strengths": jsonable(list(plan.strengths.values())),
        "barriers": jsonable(list(plan.barriers.values())),
        "discharge_criteria": jsonable(plan.discharge_criteria),
        "closed_on": jsonable(plan.closed_on),
        "close_reason_code": plan.close_reason_code,
        "created_at": plan.created_on.isoformat(),
        "updated_at": plan.modified_on.isoformat(),
    }


def safety_flag_view(flag: dict[str, Any], scores: list[dict[str, Any]]) -> dict[str, Any]:
    score = next((s for s in scores if s["id"] == flag["score_id"]), None)
    return {
        **jsonable(flag),
        # Kept from v1 of the document, so readers see which measure raised the flag.
        "instrument": score["instrument"] if score else None,
        "administered_on": jsonable(flag["raised_on"]),
    }


def event_type(event: Plan.Event | Plan.PlanCreated) -> str:
    return type(event).__name__


def event_data(event: Any) -> dict[str, Any]:
    """The business content of an event, without bookkeeping fields."""
    return {
        k: v if type(v) in _PLAIN else jsonable(v)
        for k, v in vars(event).items()
        if k not in META_FIELDS
    }


def event_json(event: Any) -> str:
    """`event_data(event)` as JSON text. orjson writes dates, instants, UUIDs and
    tuples exactly as `jsonable` then orjson would, so the event's own values go
    straight in; only a value orjson refuses (a non-text key) takes that way."""
    try:
        return orjson.dumps({k: v for k, v in vars(event).items() if k not in META_FIELDS}).decode()
    except TypeError:
        return orjson.dumps(event_data(event)).decode()
