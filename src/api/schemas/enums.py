"""The enumerations of the contract, one definition each.

Every request and response schema that names an instrument, a status, a role
or an event type uses these types, so the OpenAPI document declares each once
(`#/components/schemas/Instrument`, ...) and a generated client has one class
per enumeration instead of one per field.

They are `StrEnum`s built from the domain's own registries where one exists
(instruments, event types), so a new instrument or event appears here without
an edit. Models that use them set `use_enum_values=True` (see `RequestModel`
and `views.View`): after validation a field holds the plain string, and the
domain never sees an enum member.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING

from domain.instruments import INSTRUMENTS
from domain.plan import EVENT_TYPES


def member_name(value: str) -> str:
    """'GAD-7' → 'GAD_7', 'moderately severe' → 'MODERATELY_SEVERE',
    'PlanCreated' → 'PLAN_CREATED' (also the generated clients' names)."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", value)
    return re.sub(r"\W+", "_", words).strip("_").upper()


def _enum(name: str, values: list[str], doc: str) -> type[StrEnum]:
    made = StrEnum(name, [(member_name(v), v) for v in values])  # type: ignore[misc]
    made.__doc__ = doc
    made.__module__ = __name__
    return made


if TYPE_CHECKING:
    # A type checker cannot follow members made at run time: it sees plain StrEnums.
    class Instrument(StrEnum): ...

    class Severity(StrEnum): ...

    class EventType(StrEnum): ...

else:
    Instrument = _enum(
        "Instrument", sorted(INSTRUMENTS), "A standardized measure of the instrument registry."
    )
    Severity = _enum(
        "Severity",
        sorted({band.label for inst in INSTRUMENTS.values() for band in inst.bands}),
        "The severity band of a score on its instrument.",
    )
    EventType = _enum(
        "EventType", sorted(EVENT_TYPES), "The type of a recorded plan event (past tense)."
    )


class PlanStatus(StrEnum):
    """A plan is a draft until its required signers have signed; closed is final."""

    DRAFT = "draft"
    ACTIVE = "active"
    CLOSED = "closed"


class GoalStatus(StrEnum):
    """Where a goal stands; achieved, not-achieved and cancelled are final."""

    ACTIVE = "active"
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not-achieved"
    CANCELLED = "cancelled"
    ON_HOLD = "on-hold"


class ProblemStatus(StrEnum):
    """Whether a problem is still being treated."""

    ACTIVE = "active"
    RESOLVED = "resolved"


class InterventionStatus(StrEnum):
    """Whether an intervention is still being delivered."""

    ACTIVE = "active"
    DISCONTINUED = "discontinued"


class SignerRole(StrEnum):
    """Who signs a plan."""

    CLIENT = "client"
    CLINICIAN = "clinician"
    SUPERVISOR = "supervisor"


class StaffRole(StrEnum):
    """The role of a caller (a token's `role` claim)."""

    CLINICIAN = "clinician"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"
    ANALYST = "analyst"


class FrequencyUnit(StrEnum):
    """The unit of a session frequency."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class ReviewOutcome(StrEnum):
    """What a plan review decided."""

    CONTINUE = "continue"
    REVISE = "revise"
    DISCHARGE = "discharge"


class DiffOp(StrEnum):
    """A JSON Patch operation (RFC 6902) in a plan diff."""

    ADD = "add"
    REMOVE = "remove"
    REPLACE = "replace"
    MOVE = "move"
    COPY = "copy"
    TEST = "test"


class CloseReason(StrEnum):
    """Why a plan was closed (coded)."""

    COMPLETED = "completed"
    TRANSFERRED = "transferred"
    DROPPED_OUT = "dropped-out"
    DECLINED = "declined"
    DECEASED = "deceased"
    OTHER = "other"


class SafetyScreen(StrEnum):
    """PHQ-9 item 9: not_assessed when only a total was given."""

    POSITIVE = "positive"
    NEGATIVE = "negative"
    NOT_ASSESSED = "not_assessed"


class FlagAction(StrEnum):
    """What a clinician did about a safety flag."""

    RISK_ASSESSED = "risk-assessed"
    SAFETY_PLAN_UPDATED = "safety-plan-updated"
    REFERRED = "referred"
    NO_ACTION_NEEDED = "no-action-needed"


class SafetyFlagStatus(StrEnum):
    """A safety flag stays open until a clinician acknowledges it."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"


class RevisionGrouping(StrEnum):
    """How `/analytics/revisions` groups its counts."""

    TYPE = "type"
    MONTH = "month"
    ROLE = "role"
