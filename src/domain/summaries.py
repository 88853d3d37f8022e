"""One human sentence per event type, declared next to nothing else.

`SUMMARIES` maps each `Plan` event class to a function of the event's
fields. Adding an event type means adding one entry here (a test fails when
an event type in `domain.plan.EVENT_TYPES` has none). At run time an event
type without an entry reads as its class name, so a forgotten entry never
stops a projection; the test is what keeps the registry complete.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from domain.plan import SAFETY_PLAN_PARTS, Plan

Summary = Callable[[dict[str, Any]], str]
SUMMARIES: dict[type, Summary] = {}

F = TypeVar("F", bound=Summary)


def summary(*event_classes: type) -> Callable[[F], F]:
    """Register the function as the sentence for these event classes."""

    def register(fn: F) -> F:
        for cls in event_classes:
            SUMMARIES[cls] = fn
        return fn

    return register


def summarize(event: Any) -> str:
    """One human sentence saying what the event changed."""
    fn = SUMMARIES.get(type(event))
    return fn(vars(event)) if fn is not None else type(event).__name__


def short(text: str | None, limit: int = 40) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _measure(m: dict[str, Any]) -> str:
    return f"{m['instrument']} {m['baseline']} → {m['target']}"


@summary(Plan.GoalAdded)
def _goal_added(d: dict[str, Any]) -> str:
    return (
        f"Goal '{short(d['statement'])}' added: {_measure(d['measure'])} "
        f"by {d['target_date'].isoformat()}"
    )


@summary(Plan.GoalRevised)
def _goal_revised(d: dict[str, Any]) -> str:
    parts = []
    if d["statement"] is not None:
        parts.append(f"statement '{short(d['statement'])}'")
    if d["measure"] is not None:
        parts.append(_measure(d["measure"]))
    if d["target_date"] is not None:
        parts.append(f"target date {d['target_date'].isoformat()}")
    return f"Goal {d['goal_id'][:8]} revised: {', '.join(parts)}"


@summary(Plan.ObjectiveAdded)
def _objective_added(d: dict[str, Any]) -> str:
    return f"Objective '{short(d['statement'])}' added to goal {d['goal_id'][:8]}"


@summary(Plan.InterventionAdded)
def _intervention_added(d: dict[str, Any]) -> str:
    return f"Intervention {d['modality']} added for {len(d['goal_ids'])} goal(s)"


@summary(Plan.FrequencyChanged)
def _frequency_changed(d: dict[str, Any]) -> str:
    unit = d["unit"] + ("s" if d["every"] != 1 else "")
    return f"Sessions every {d['every']} {unit}, {d['session_minutes']} minutes each"


@summary(Plan.ScoreRecorded)
def _score_recorded(d: dict[str, Any]) -> str:
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


@summary(Plan.PlanSigned)
def _plan_signed(d: dict[str, Any]) -> str:
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


@summary(Plan.PlanClosed)
def _plan_closed(d: dict[str, Any]) -> str:
    return f"Plan closed on {d['closed_on'].isoformat()} ({d.get('reason_code', 'other')})"


@summary(Plan.PlanActivated)
def _plan_activated(d: dict[str, Any]) -> str:
    return (
        f"Plan active: its signatures meet the clinic's policy "
        f"({', '.join(d['required_signers'])}) as of {d['activated_on'].isoformat()}"
    )


@summary(Plan.SafetyPlanUpdated)
def _safety_plan_updated(d: dict[str, Any]) -> str:
    filled = [part.replace("_", " ") for part in SAFETY_PLAN_PARTS if d[part]]
    return f"Safety plan updated: {', '.join(filled)}"


@summary(Plan.DischargeCriteriaSet)
def _discharge_criteria_set(d: dict[str, Any]) -> str:
    return f"Discharge criteria set ({len(d['criteria'])})"


def sentence(template: str) -> Summary:
    """A sentence that only fills in the event's fields (`{id:.8}` shortens an id;
    a date reads as its ISO form)."""
    return lambda d: template.format_map(d)


def described(template: str) -> Summary:
    """A sentence quoting the event's description, shortened."""
    return lambda d: template.format(short(d["description"]))


SUMMARIES.update(
    {
        Plan.PlanCreated: sentence(
            "Plan created for client {client_id}, starting {start_date}, "
            "reviewed every {review_interval_days} days"
        ),
        Plan.ProblemAdded: described("Problem '{}' added"),
        Plan.ProblemResolved: sentence("Problem {problem_id:.8} resolved"),
        Plan.DiagnosisAdded: sentence("Diagnosis {code} added"),
        Plan.DiagnosisRemoved: sentence("Diagnosis {code} removed"),
        Plan.GoalStatusChanged: sentence("Goal {goal_id:.8} status {previous_status} → {status}"),
        Plan.InterventionDiscontinued: sentence("Intervention {intervention_id:.8} discontinued"),
        Plan.AssessmentScheduled: sentence("{instrument} scheduled every {every_days} days"),
        Plan.PlanReviewed: sentence(
            "Plan reviewed on {reviewed_on} ({outcome}); next review due {next_review_due}"
        ),
        Plan.ReviewIntervalChanged: sentence(
            "Review interval set to {days} days; next review due {next_review_due}"
        ),
        Plan.ClinicianAssigned: sentence(
            "Plan transferred from {previous_clinician} to {clinician}"
        ),
        Plan.SafetyFlagAcknowledged: sentence(
            "Safety flag {flag_id:.8} raised on {raised_on} by score {score_id:.8} "
            "acknowledged on {acknowledged_on}: {action}"
        ),
        Plan.StrengthRecorded: described("Strength '{}' recorded"),
        Plan.BarrierRecorded: described("Barrier '{}' recorded"),
        Plan.ScoreEnteredInError: sentence(
            "{instrument} score {score_id:.8} of {administered_on} marked entered in error"
        ),
    }
)
