"""Commands: one frozen value per thing a user can ask of a plan.

A command travels unchanged from the edge (an HTTP body, the CLI, the demo, a
test) through `PlansApplication.handle` to the aggregate. What is specific to
a command is declared here, once: the aggregate method it calls (`decide`),
the ids it generates (a field with a fresh default, so retries reuse it), what
it answers besides the version (`result`), and what it needs from outside the
plan (today's date, the clinic's policy, the chain's head) through `Context`.

Every field is keyword-only: two optional values of one type cannot be swapped
unnoticed. Adding a command is a class here (with its `decide`), an event on
the aggregate, a request model and route at the edge, and the registries
(`tests/unit/test_registries.py` names the ones a new event type needs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol
from uuid import uuid4

from domain import errors
from domain.plan import Actor, Plan
from domain.policy import DEFAULT_POLICY, PolicyTerms


def new_id() -> str:
    return str(uuid4())


class Context(Protocol):
    """What a command may learn from outside its plan (the application provides it)."""

    def today(self) -> date | None:
        """The caller's date; None where there is no clock (tools that replay)."""

    def policy(self) -> PolicyTerms:
        """The clinic's review policy in force."""

    def head_hash(self) -> str:
        """The plan's newest chain link (a signature records it)."""


@dataclass(frozen=True, kw_only=True)
class PlanCommand:
    """A command on one existing plan."""

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        """Call the aggregate: it validates, raises or records the event."""
        raise NotImplementedError(f"{type(self).__name__} has no decide()")

    def result(self) -> dict[str, Any]:
        """What the answer carries besides version and position."""
        return {}


# -------------------------------------------------------------------- plans
@dataclass(frozen=True, kw_only=True)
class CreatePlan:
    client_id: str
    start_date: date
    presenting_concerns: Sequence[str] = ()
    diagnoses: Sequence[Mapping[str, Any]] = ()
    review_interval_days: int | None = None
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class SetReviewPolicy:
    review_interval_days: int
    due_soon_days: int
    required_signers: Sequence[str] = DEFAULT_POLICY.required_signers
    initial_plan_days: int = DEFAULT_POLICY.initial_plan_days
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class ClosePlan(PlanCommand):
    closed_on: date
    reason: str | None
    reason_code: str = "other"

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.close(by, self.closed_on, self.reason, self.reason_code, today=ctx.today())


@dataclass(frozen=True, kw_only=True)
class ActivatePlan(PlanCommand):
    """Activate a draft whose signatures meet the clinic's current policy."""

    reason: str | None = None

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.activate(by, ctx.policy().required_signers, self.reason)


@dataclass(frozen=True, kw_only=True)
class AssignClinician(PlanCommand):
    clinician: str
    reason: str | None

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.assign_clinician(by, self.clinician, self.reason)


# ---------------------------------------------------------- problems, diagnoses
@dataclass(frozen=True, kw_only=True)
class AddProblem(PlanCommand):
    description: str
    reason: str | None = None
    problem_id: str = field(default_factory=new_id)

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.add_problem(by, self.problem_id, self.description, self.reason)

    def result(self) -> dict[str, Any]:
        return {"problem_id": self.problem_id}


@dataclass(frozen=True, kw_only=True)
class ResolveProblem(PlanCommand):
    problem_id: str
    reason: str | None = None

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.resolve_problem(by, self.problem_id, self.reason)


@dataclass(frozen=True, kw_only=True)
class AddDiagnosis(PlanCommand):
    code: str
    description: str | None = None
    reason: str | None = None

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.add_diagnosis(by, self.code, self.description, self.reason)

    def result(self) -> dict[str, Any]:
        return {"code": self.code}


@dataclass(frozen=True, kw_only=True)
class RemoveDiagnosis(PlanCommand):
    code: str
    reason: str | None

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.remove_diagnosis(by, self.code, self.reason)


# -------------------------------------------------------------------- goals
@dataclass(frozen=True, kw_only=True)
class AddGoal(PlanCommand):
    problem_ids: Sequence[str]
    statement: str
    measure: dict[str, Any]
    target_date: date
    reason: str | None = None
    goal_id: str = field(default_factory=new_id)

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.add_goal(
            by,
            self.goal_id,
            self.problem_ids,
            self.statement,
            self.measure,
            self.target_date,
            self.reason,
        )

    def result(self) -> dict[str, Any]:
        return {"goal_id": self.goal_id}


@dataclass(frozen=True, kw_only=True)
class ReviseGoal(PlanCommand):
    goal_id: str
    reason: str | None
    statement: str | None = None
    measure: dict[str, Any] | None = None
    target_date: date | None = None

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.revise_goal(
            by, self.goal_id, self.reason, self.statement, self.measure, self.target_date
        )


@dataclass(frozen=True, kw_only=True)
class ChangeGoalStatus(PlanCommand):
    goal_id: str
    status: str
    reason: str | None

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.change_goal_status(by, self.goal_id, self.status, self.reason)


@dataclass(frozen=True, kw_only=True)
class AddObjective(PlanCommand):
    goal_id: str
    statement: str
    target_date: date | None = None
    reason: str | None = None
    objective_id: str = field(default_factory=new_id)

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.add_objective(
            by, self.goal_id, self.objective_id, self.statement, self.target_date, self.reason
        )

    def result(self) -> dict[str, Any]:
        return {"objective_id": self.objective_id}


# ------------------------------------------------------------ interventions
@dataclass(frozen=True, kw_only=True)
class AddIntervention(PlanCommand):
    modality: str
    goal_ids: Sequence[str]
    description: str | None = None
    reason: str | None = None
    intervention_id: str = field(default_factory=new_id)

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.add_intervention(
            by, self.intervention_id, self.modality, self.goal_ids, self.description, self.reason
        )

    def result(self) -> dict[str, Any]:
        return {"intervention_id": self.intervention_id}


@dataclass(frozen=True, kw_only=True)
class DiscontinueIntervention(PlanCommand):
    intervention_id: str
    reason: str | None

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.discontinue_intervention(by, self.intervention_id, self.reason)


@dataclass(frozen=True, kw_only=True)
class ChangeFrequency(PlanCommand):
    every: int
    unit: str
    session_minutes: int
    reason: str | None = None

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.change_frequency(by, self.every, self.unit, self.session_minutes, self.reason)


# ------------------------------------------------------- assessments, scores
@dataclass(frozen=True, kw_only=True)
class ScheduleAssessment(PlanCommand):
    instrument: str
    every_days: int
    reason: str | None = None

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.schedule_assessment(by, self.instrument, self.every_days, self.reason)


@dataclass(frozen=True, kw_only=True)
class RecordScore(PlanCommand):
    instrument: str
    score: int
    administered_on: date
    goal_id: str | None = None
    item_scores: Sequence[int] | None = None
    reason: str | None = None
    score_id: str = field(default_factory=new_id)

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.record_score(
            by,
            self.score_id,
            self.instrument,
            self.score,
            self.administered_on,
            self.goal_id,
            self.item_scores,
            self.reason,
            today=ctx.today(),
        )

    def result(self) -> dict[str, Any]:
        return {"score_id": self.score_id}


@dataclass(frozen=True, kw_only=True)
class MarkScoreEnteredInError(PlanCommand):
    score_id: str
    reason: str | None

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.mark_score_entered_in_error(by, self.score_id, self.reason)

    def result(self) -> dict[str, Any]:
        return {"score_id": self.score_id}


# ----------------------------------------------------- reviews, signatures
@dataclass(frozen=True, kw_only=True)
class ReviewPlan(PlanCommand):
    reviewed_on: date
    outcome: str
    summary: str | None = None
    next_review_due: date | None = None
    reason: str | None = None

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.review_plan(
            by,
            self.reviewed_on,
            self.outcome,
            ctx.policy().review_interval_days,
            self.summary,
            self.next_review_due,
            self.reason,
            today=ctx.today(),
        )


@dataclass(frozen=True, kw_only=True)
class ChangeReviewInterval(PlanCommand):
    days: int
    reason: str | None

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.change_review_interval(by, self.days, self.reason, ctx.policy().review_interval_days)


@dataclass(frozen=True, kw_only=True)
class SignPlan(PlanCommand):
    signer_role: str
    signed_on: date
    signer_name: str | None = None
    reason: str | None = None

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.sign(
            by,
            self.signer_role,
            self.signed_on,
            ctx.policy().required_signers,
            ctx.head_hash(),
            self.signer_name,
            self.reason,
            today=ctx.today(),
        )


# ------------------------------------------- safety and person-centred care
@dataclass(frozen=True, kw_only=True)
class AcknowledgeSafetyFlag(PlanCommand):
    flag_id: str
    action: str
    reason: str | None
    acknowledged_on: date | None = None  # None: today

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        today = ctx.today()
        acknowledged_on = self.acknowledged_on or today
        if acknowledged_on is None:
            raise errors.RuleViolationError("the acknowledgement needs a date", "acknowledged_on")
        plan.acknowledge_safety_flag(
            by, self.flag_id, self.action, self.reason, acknowledged_on, today
        )

    def result(self) -> dict[str, Any]:
        return {"flag_id": self.flag_id}


@dataclass(frozen=True, kw_only=True)
class UpdateSafetyPlan(PlanCommand):
    parts: Mapping[str, Sequence[str] | None]
    reason: str | None = None

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.update_safety_plan(by, dict(self.parts), self.reason)


@dataclass(frozen=True, kw_only=True)
class RecordStrength(PlanCommand):
    description: str
    reason: str | None = None
    strength_id: str = field(default_factory=new_id)

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.record_strength(by, self.strength_id, self.description, self.reason)

    def result(self) -> dict[str, Any]:
        return {"strength_id": self.strength_id}


@dataclass(frozen=True, kw_only=True)
class RecordBarrier(PlanCommand):
    description: str
    reason: str | None = None
    barrier_id: str = field(default_factory=new_id)

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.record_barrier(by, self.barrier_id, self.description, self.reason)

    def result(self) -> dict[str, Any]:
        return {"barrier_id": self.barrier_id}


@dataclass(frozen=True, kw_only=True)
class SetDischargeCriteria(PlanCommand):
    criteria: Sequence[str]
    reason: str | None = None

    def decide(self, plan: Plan, by: Actor, ctx: Context) -> None:
        plan.set_discharge_criteria(by, self.criteria, self.reason)


PLAN_COMMANDS: tuple[type[PlanCommand], ...] = tuple(PlanCommand.__subclasses__())
COMMANDS: tuple[type[Any], ...] = (CreatePlan, SetReviewPolicy, *PLAN_COMMANDS)
