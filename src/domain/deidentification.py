"""What analysts may see of each event type: an allowlist, failing closed.

HIPAA Safe Harbor (45 CFR 164.514(b)(2)) by construction: a field reaches
an analyst only when `ALLOWLIST` names it for that event type, under one of
these rules:

- `CODE`: a value from a closed vocabulary the domain validates (ICD-10
  codes, instruments, statuses, roles, units, severities); a list of them
  keeps each one.
- `NUMBER`: an integer or a flag (scores, item scores, counts of days).
- `COUNT`: a list shown only as its length, under `<name>_count`
  (`goal_ids` → `goal_ids_count`): how many, never which.
- `DAY`: a date shown as whole days from the plan's `start_date`, under
  `<name>_day` (`administered_on` → `administered_day`,
  `target_date` → `target_day`, `next_review_due` → `next_review_due_day`).
- a dict of rules for a nested object; `[rules]` for a list of objects.

Everything else (ids, names, free text, hashes, dates) is left out, and an
event type without an entry yields `{}`. A test fails when an event type of
`domain.plan.EVENT_TYPES` has no entry, so adding an event is one line here.
The rules apply to the JSON form of an event's data (`documents.event_data`).
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any, Union

from domain.plan import EVENT_TYPES, Plan


class Rule(Enum):
    CODE = "code"
    NUMBER = "number"
    COUNT = "count"
    DAY = "day"


CODE, NUMBER, COUNT, DAY = Rule.CODE, Rule.NUMBER, Rule.COUNT, Rule.DAY

Rules = dict[str, Union[Rule, "Rules", list["Rules"]]]

MEASURE: Rules = {"instrument": CODE, "baseline": NUMBER, "target": NUMBER}

ALLOWLIST: dict[type, Rules] = {
    Plan.PlanCreated: {
        "diagnoses": [{"code": CODE}],
        "presenting_concerns": COUNT,
        "review_interval_days": NUMBER,
        "interval_follows_policy": NUMBER,
    },
    Plan.ProblemAdded: {},
    Plan.ProblemResolved: {},
    Plan.DiagnosisAdded: {"code": CODE},
    Plan.DiagnosisRemoved: {"code": CODE},
    Plan.GoalAdded: {"measure": MEASURE, "target_date": DAY, "problem_ids": COUNT},
    Plan.GoalRevised: {"measure": MEASURE, "target_date": DAY},
    Plan.GoalStatusChanged: {"status": CODE, "previous_status": CODE},
    Plan.ObjectiveAdded: {"target_date": DAY},
    Plan.InterventionAdded: {"goal_ids": COUNT},
    Plan.InterventionDiscontinued: {},
    Plan.FrequencyChanged: {"every": NUMBER, "unit": CODE, "session_minutes": NUMBER},
    Plan.AssessmentScheduled: {"instrument": CODE, "every_days": NUMBER},
    Plan.ScoreRecorded: {
        "instrument": CODE,
        "score": NUMBER,
        "item_scores": NUMBER,
        "severity": CODE,
        "safety_flag": NUMBER,
        "safety_screen": CODE,
        "administered_on": DAY,
    },
    Plan.PlanReviewed: {
        "outcome": CODE,
        "interval_days": NUMBER,
        "reviewed_on": DAY,
        "next_review_due": DAY,
    },
    Plan.ReviewIntervalChanged: {"days": NUMBER, "next_review_due": DAY},
    Plan.PlanSigned: {
        "signer_role": CODE,
        "required_signers": CODE,
        "signed_version": NUMBER,
        "signed_on": DAY,
        "renews_since": DAY,
    },
    Plan.PlanClosed: {"closed_on": DAY, "reason_code": CODE},
    # Review compliance: a transfer says that it happened, never to or from whom.
    Plan.PlanActivated: {"required_signers": CODE, "activated_on": DAY},
    Plan.ClinicianAssigned: {},
    # Safety and measurement-based care: actions and dates, never the plan's words.
    Plan.SafetyFlagAcknowledged: {"action": CODE, "raised_on": DAY, "acknowledged_on": DAY},
    Plan.SafetyPlanUpdated: {
        "warning_signs": COUNT,
        "coping_strategies": COUNT,
        "social_contacts": COUNT,
        "professional_contacts": COUNT,
        "means_safety": COUNT,
        "reasons_for_living": COUNT,
    },
    Plan.StrengthRecorded: {},
    Plan.BarrierRecorded: {},
    Plan.DischargeCriteriaSet: {"criteria": COUNT},
    Plan.ScoreEnteredInError: {"instrument": CODE, "administered_on": DAY},
}

# Codes are short words of a closed vocabulary; anything longer is not one.
MAX_CODE_LENGTH = 40


def day_name(field: str) -> str:
    """`administered_on` → `administered_day`, `target_date` → `target_day`."""
    for suffix in ("_on", "_date"):
        if field.endswith(suffix):
            return field[: -len(suffix)] + "_day"
    return field + "_day"


def rules_for(type_name: str) -> Rules:
    """The allowlist of an event type by its name; `{}` (nothing) when unknown."""
    cls = EVENT_TYPES.get(type_name)
    return ALLOWLIST.get(cls, {}) if cls is not None else {}


def deidentify_event(type_name: str, data: dict[str, Any], start: date | None) -> dict[str, Any]:
    """The allowlisted part of one event's JSON data; dates as days from `start`
    (left out when the plan's start is unknown)."""
    return _apply(rules_for(type_name), data, start)


def _apply(rules: Rules, data: Any, start: date | None) -> dict[str, Any]:
    if not isinstance(data, dict):
        return {}
    out: dict[str, Any] = {}
    for field, rule in rules.items():
        if field not in data:
            continue
        value = data[field]
        if isinstance(rule, dict):
            out[field] = _apply(rule, value, start) if value is not None else None
        elif isinstance(rule, list):
            out[field] = [_apply(rule[0], v, start) for v in value] if value is not None else None
        elif rule is DAY:
            days = _days(value, start)
            if days is not None or value is None:
                out[day_name(field)] = days
        elif rule is COUNT:
            out[f"{field}_count"] = len(value) if isinstance(value, list) else None
        else:
            kept = _scalar(rule, value)
            if kept is not _DROP:
                out[field] = kept
    return out


_DROP = object()


def _scalar(rule: Rule, value: Any) -> Any:
    if isinstance(value, list):
        kept = [_scalar(rule, v) for v in value]
        return _DROP if any(k is _DROP for k in kept) else kept
    if value is None:
        return None
    if rule is NUMBER:
        return value if isinstance(value, (int, float)) else _DROP
    # CODE: a short string from a closed vocabulary, never a date
    if isinstance(value, str) and len(value) <= MAX_CODE_LENGTH and not _is_date(value):
        return value
    return _DROP


def _is_date(text: str) -> bool:
    if len(text) < 10 or text[4] != "-":
        return False
    try:
        date.fromisoformat(text[:10])
    except ValueError:
        return False
    return True


def _days(value: Any, start: date | None) -> int | None:
    if start is None or not isinstance(value, str):
        return None
    try:
        return (date.fromisoformat(value[:10]) - start).days
    except ValueError:
        return None
