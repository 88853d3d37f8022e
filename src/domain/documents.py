"""How a plan and its events read outside the aggregate.

Pure functions shared by the application (plans as of a version), the
projections (current plan, timeline, scores, revisions) and the API: one
place decides what a plan document, a timeline sentence and a de-identified
record look like.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.instruments import INSTRUMENTS
from domain.plan import SAFETY_PLAN_PARTS, Plan

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

# Free text and direct identifiers: never shown to analysts.
IDENTIFYING_FIELDS = frozenset(
    {
        "client_id",
        "signer_name",
        "description",
        "statement",
        "summary",
        "reason",
        "presenting_concerns",
        "notes",
        "note",
        # v2 person-centred content and the safety plan are free text too.
        "criteria",
        "warning_signs",
        "coping_strategies",
        "social_contacts",
        "professional_contacts",
        "means_safety",
        "reasons_for_living",
    }
)


def jsonable(value: Any) -> Any:
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
    return {k: jsonable(v) for k, v in vars(event).items() if k not in META_FIELDS}


def deidentify(data: dict[str, Any]) -> dict[str, Any]:
    """Drop direct identifiers and free text, at any depth; keep ids, codes, numbers, dates."""
    clean: dict[str, Any] = {}
    for key, value in data.items():
        if key in IDENTIFYING_FIELDS:
            continue
        if isinstance(value, dict):
            clean[key] = deidentify(value)
        elif isinstance(value, list):
            clean[key] = [deidentify(v) if isinstance(v, dict) else v for v in value]
        else:
            clean[key] = value
    return clean


def _short(text: str | None, limit: int = 40) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def summarize(event: Any) -> str:
    """One human sentence saying what the event changed."""
    d = vars(event)
    kind = type(event).__name__
    if kind == "PlanCreated":
        return (
            f"Plan created for client {d['client_id']}, starting {d['start_date'].isoformat()}, "
            f"reviewed every {d['review_interval_days']} days"
        )
    if kind == "ProblemAdded":
        return f"Problem '{_short(d['description'])}' added"
    if kind == "ProblemResolved":
        return f"Problem {d['problem_id'][:8]} resolved"
    if kind == "DiagnosisAdded":
        return f"Diagnosis {d['code']} added"
    if kind == "DiagnosisRemoved":
        return f"Diagnosis {d['code']} removed"
    if kind == "GoalAdded":
        m = d["measure"]
        return (
            f"Goal '{_short(d['statement'])}' added: {m['instrument']} {m['baseline']} → "
            f"{m['target']} by {d['target_date'].isoformat()}"
        )
    if kind == "GoalRevised":
        parts = []
        if d["statement"] is not None:
            parts.append(f"statement '{_short(d['statement'])}'")
        if d["measure"] is not None:
            m = d["measure"]
            parts.append(f"{m['instrument']} {m['baseline']} → {m['target']}")
        if d["target_date"] is not None:
            parts.append(f"target date {d['target_date'].isoformat()}")
        return f"Goal {d['goal_id'][:8]} revised: {', '.join(parts)}"
    if kind == "GoalStatusChanged":
        return f"Goal {d['goal_id'][:8]} status {d['previous_status']} → {d['status']}"
    if kind == "ObjectiveAdded":
        return f"Objective '{_short(d['statement'])}' added to goal {d['goal_id'][:8]}"
    if kind == "InterventionAdded":
        return f"Intervention {d['modality']} added for {len(d['goal_ids'])} goal(s)"
    if kind == "InterventionDiscontinued":
        return f"Intervention {d['intervention_id'][:8]} discontinued"
    if kind == "FrequencyChanged":
        unit = d["unit"] + ("s" if d["every"] != 1 else "")
        return f"Sessions every {d['every']} {unit}, {d['session_minutes']} minutes each"
    if kind == "AssessmentScheduled":
        return f"{d['instrument']} scheduled every {d['every_days']} days"
    if kind == "ScoreRecorded":
        screen = d.get("safety_screen")
        flag = ""
        if screen == "positive":
            flag = f"; item 9 positive: safety flag {d['flag_id'][:8]} raised"
        elif screen == "not_assessed":
            flag = "; item 9 not assessed"
        return (
            f"{d['instrument']} {d['score']} ({d['severity']}) recorded for "
            f"{d['administered_on'].isoformat()}{flag}"
        )
    if kind == "SafetyFlagAcknowledged":
        return (
            f"Safety flag {d['flag_id'][:8]} raised on {d['raised_on'].isoformat()} by score "
            f"{d['score_id'][:8]} acknowledged on {d['acknowledged_on'].isoformat()}: "
            f"{d['action']}"
        )
    if kind == "SafetyPlanUpdated":
        filled = [p.replace("_", " ") for p in SAFETY_PLAN_PARTS if d[p]]
        return f"Safety plan updated: {', '.join(filled)}"
    if kind == "StrengthRecorded":
        return f"Strength '{_short(d['description'])}' recorded"
    if kind == "BarrierRecorded":
        return f"Barrier '{_short(d['description'])}' recorded"
    if kind == "DischargeCriteriaSet":
        return f"Discharge criteria set ({len(d['criteria'])})"
    if kind == "ScoreEnteredInError":
        return (
            f"{d['instrument']} score {d['score_id'][:8]} of {d['administered_on'].isoformat()} "
            "marked entered in error"
        )
    if kind == "PlanReviewed":
        return (
            f"Plan reviewed on {d['reviewed_on'].isoformat()} ({d['outcome']}); next review due "
            f"{d['next_review_due'].isoformat()}"
        )
    if kind == "ReviewIntervalChanged":
        return (
            f"Review interval set to {d['days']} days; next review due "
            f"{d['next_review_due'].isoformat()}"
        )
    if kind == "PlanSigned":
        if d.get("renews_since") is not None:
            return (
                f"Plan re-signed by the {d['signer_role']} on {d['signed_on'].isoformat()} "
                f"(version {d['signed_version']}), after changes since "
                f"{d['renews_since'].isoformat()}"
            )
        return (
            f"Plan signed by the {d['signer_role']} on {d['signed_on'].isoformat()} "
            f"(version {d['signed_version']})"
        )
    if kind == "PlanActivated":
        return (
            f"Plan active: its signatures meet the clinic's policy "
            f"({', '.join(d['required_signers'])}) as of {d['activated_on'].isoformat()}"
        )
    if kind == "ClinicianAssigned":
        return f"Plan transferred from {d['previous_clinician']} to {d['clinician']}"
    if kind == "PlanClosed":
        return f"Plan closed on {d['closed_on'].isoformat()} ({d.get('reason_code', 'other')})"
    return kind
