"""Why the domain refused a command.

Every refusal is a specific class under `PlanError`; the API maps the four
families (not found, closed, stale, rule violated) to HTTP in one table.
Messages never contain client data (names, statements, reasons), only ids,
codes, numbers and dates, so they are safe to return and to log.
"""

from __future__ import annotations


class PlanError(Exception):
    """Base of every refusal by the treatment-plan domain."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- 404: the thing addressed does not exist (or is another clinic's) ---
class NotFoundError(PlanError):
    pass


class PlanNotFoundError(NotFoundError):
    pass


class ProblemNotFoundError(NotFoundError):
    pass


class GoalNotFoundError(NotFoundError):
    pass


class InterventionNotFoundError(NotFoundError):
    pass


class VersionNotFoundError(NotFoundError):
    pass


class SafetyFlagNotFoundError(NotFoundError):
    pass


class ScoreNotFoundError(NotFoundError):
    pass


# --- 409: the plan is in a state that refuses every change ---
class PlanClosedError(PlanError):
    pass


# --- 409: the thing addressed is in a state that refuses this change ---
class ConflictError(PlanError):
    pass


class SafetyFlagAlreadyAcknowledgedError(ConflictError):
    pass


class ScoreAlreadyEnteredInError(ConflictError):
    pass


class DependantsActiveError(ConflictError):
    """Resolving a problem or cancelling a goal would orphan live dependants."""


# --- 412: the caller saw an older version ---
class StaleVersionError(PlanError):
    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(f"plan is at version {actual}, not {expected}")
        self.expected = expected
        self.actual = actual


# --- 422: the command breaks a rule of the domain ---
class RuleViolationError(PlanError):
    pass


class UnknownInstrumentError(RuleViolationError):
    pass


class ScoreOutOfRangeError(RuleViolationError):
    pass


class ItemScoresError(RuleViolationError):
    pass


class TargetNotImprovementError(RuleViolationError):
    pass


class DateBeforeStartError(RuleViolationError):
    pass


class ReviewOutOfOrderError(RuleViolationError):
    pass


class NextReviewTooLateError(RuleViolationError):
    pass


class InvalidFrequencyError(RuleViolationError):
    pass


class InvalidIntervalError(RuleViolationError):
    pass


class GoldenThreadError(RuleViolationError):
    """A goal without an open problem, an intervention without a live goal,
    or a score for a goal measured by another instrument."""


class ProblemAlreadyResolvedError(RuleViolationError):
    pass


class GoalStatusTransitionError(RuleViolationError):
    pass


class InterventionAlreadyDiscontinuedError(RuleViolationError):
    pass


class DiagnosisError(RuleViolationError):
    pass


class SignatureError(RuleViolationError):
    pass


class MissingReasonError(RuleViolationError):
    pass


class IdempotencyKeyReusedError(RuleViolationError):
    """The same Idempotency-Key arrived with a different request."""


class InvalidPolicyError(RuleViolationError):
    pass


class PlanErasedError(PlanError):
    """The plan's client was erased: its data key is destroyed (crypto-shredding)."""

    def __init__(self, plan_id: object, clinic: str) -> None:
        super().__init__(f"plan {plan_id} was erased")
        self.plan_id = plan_id
        self.clinic = clinic


class FutureDateError(RuleViolationError):
    """A fact (review, score, signature, close) dated after tomorrow (UTC)."""


class IntervalAbovePolicyError(InvalidIntervalError):
    """A plan's own review interval longer than its clinic's policy allows."""


class ActivationError(RuleViolationError):
    """A plan that cannot be activated: not a draft, or its signatures do not suffice."""
