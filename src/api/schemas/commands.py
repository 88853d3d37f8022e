"""Command bodies and their answers, one pair per contract row.

The schemas check shape (types, required fields, sizes, enumerations); the
domain checks meaning (instrument ranges, golden thread, dates against the
plan's start) and answers with a field name too.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field
from pydantic.json_schema import JsonDict

from api.schemas.common import (
    MAX_ITEMS,
    Code,
    CommandAck,
    Ident,
    Int,
    IsoDate,
    Name,
    RequestModel,
    RequiredText,
    Text,
    ack_examples,
)
from api.schemas.enums import (
    CloseReason,
    FlagAction,
    FrequencyUnit,
    GoalStatus,
    Instrument,
    ReviewOutcome,
    SafetyScreen,
    Severity,
    SignerRole,
)
from domain import commands
from domain.plan import ICD10_CM, SAFETY_PLAN_PARTS
from domain.policy import DEFAULT_POLICY
from eventstore.utc import utc_today

Reason = Text | None
# One enumeration for every field that names an instrument (a component, not inline).
InstrumentCode = Instrument
# Validated by the domain (one code rule); described here for clients.
DiagnosisCode = Annotated[Code, Field(json_schema_extra={"pattern": ICD10_CM.pattern})]
# Standard `minimum`/`maximum`: the bounds sit on the integer, not on a union with null.
ReviewIntervalDays = Annotated[Int, Field(ge=1, le=365)]
CloseReasonCode = CloseReason


def examples(*items: JsonDict) -> ConfigDict:
    return ConfigDict(
        extra="forbid", use_enum_values=True, json_schema_extra={"examples": list(items)}
    )


# -------------------------------------------------------------------- plans
class DiagnosisInput(RequestModel):
    model_config = examples({"code": "F41.1", "description": "Generalized anxiety disorder"})
    code: DiagnosisCode = Field(description="ICD-10-CM code")
    description: Text | None = None


class CreatePlanRequest(RequestModel):
    model_config = examples(
        {
            "client_id": "client-0042",
            "presenting_concerns": ["Persistent worry interfering with work", "Poor sleep"],
            "diagnoses": [{"code": "F41.1", "description": "Generalized anxiety disorder"}],
            "review_interval_days": 90,
            "start_date": "2025-03-03",
            "reason": "Intake completed",
        }
    )
    client_id: Ident
    presenting_concerns: list[RequiredText] = Field(default_factory=list, max_length=MAX_ITEMS)
    diagnoses: list[DiagnosisInput] = Field(default_factory=list, max_length=MAX_ITEMS)
    review_interval_days: ReviewIntervalDays | None = Field(
        default=None, description="omit to follow the clinic's policy"
    )
    start_date: IsoDate | None = Field(default=None, description="defaults to today")
    reason: Reason = None

    def command(self) -> commands.CreatePlan:
        return commands.CreatePlan(
            client_id=self.client_id,
            start_date=self.start_date or utc_today(),
            presenting_concerns=self.presenting_concerns,
            diagnoses=[d.model_dump() for d in self.diagnoses],
            review_interval_days=self.review_interval_days,
            reason=self.reason,
        )


class PlanCreatedResponse(CommandAck):
    model_config = ack_examples(id="5b0c1f36-2a4f-4c43-9d36-0d1a7e2b9a51", version=1, position=1)
    id: str = Field(examples=["5b0c1f36-2a4f-4c43-9d36-0d1a7e2b9a51"])


class ClosePlanRequest(RequestModel):
    model_config = examples(
        {"reason": "Treatment goals met; discharged", "closed_on": "2025-09-30"}
    )
    reason: RequiredText
    closed_on: IsoDate
    reason_code: CloseReasonCode = CloseReason.OTHER

    def command(self) -> commands.ClosePlan:
        return commands.ClosePlan(
            closed_on=self.closed_on, reason=self.reason, reason_code=str(self.reason_code)
        )


# ---------------------------------------------------------- problems, diagnoses
class AddProblemRequest(RequestModel):
    model_config = examples({"description": "Excessive worry most days for 8 months"})
    description: RequiredText
    reason: Reason = None

    def command(self) -> commands.AddProblem:
        return commands.AddProblem(description=self.description, reason=self.reason)


class ProblemAddedResponse(CommandAck):
    model_config = ack_examples(problem_id="3f1e2d4c-0b7a-4e55-8f0e-1c2b3a4d5e6f")
    problem_id: str


class ResolveProblemRequest(RequestModel):
    model_config = examples({"reason": "Worry no longer interferes with daily functioning"})
    reason: Reason = None

    def command(self, problem_id: str) -> commands.ResolveProblem:
        return commands.ResolveProblem(problem_id=problem_id, reason=self.reason)


class AddDiagnosisRequest(RequestModel):
    model_config = examples(
        {"code": "F33.1", "description": "Major depressive disorder, recurrent, moderate"}
    )
    code: DiagnosisCode = Field(description="ICD-10-CM code")
    description: Text | None = None
    reason: Reason = None

    def command(self) -> commands.AddDiagnosis:
        return commands.AddDiagnosis(
            code=self.code, description=self.description, reason=self.reason
        )


class DiagnosisAddedResponse(CommandAck):
    model_config = ack_examples(code="F33.1")
    code: str


class RemoveDiagnosisRequest(RequestModel):
    model_config = examples({"reason": "Entered in error: rule-out not confirmed"})
    reason: RequiredText

    def command(self, code: str) -> commands.RemoveDiagnosis:
        return commands.RemoveDiagnosis(code=code, reason=self.reason)


# -------------------------------------------------------------------- goals
class MeasureInput(RequestModel):
    model_config = examples({"instrument": "GAD-7", "baseline": 16, "target": 8})
    instrument: InstrumentCode
    baseline: Int
    target: Int
    loinc: str | None = Field(default=None, max_length=20, description="ignored (derived)")

    def value(self) -> dict[str, Any]:
        """The measure as the domain takes it (the LOINC code is derived there)."""
        return self.model_dump(exclude={"loinc"})


class AddGoalRequest(RequestModel):
    model_config = examples(
        {
            "problem_ids": ["3f1e2d4c-0b7a-4e55-8f0e-1c2b3a4d5e6f"],
            "statement": "Reduce anxiety symptoms by half within three months",
            "measure": {"instrument": "GAD-7", "baseline": 16, "target": 8},
            "target_date": "2025-06-01",
        }
    )
    problem_ids: list[Ident] = Field(min_length=1, max_length=MAX_ITEMS)
    statement: RequiredText
    measure: MeasureInput
    target_date: IsoDate
    reason: Reason = None

    def command(self) -> commands.AddGoal:
        return commands.AddGoal(
            problem_ids=self.problem_ids,
            statement=self.statement,
            measure=self.measure.value(),
            target_date=self.target_date,
            reason=self.reason,
        )


class GoalAddedResponse(CommandAck):
    model_config = ack_examples(goal_id="9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")
    goal_id: str


class ReviseGoalRequest(RequestModel):
    model_config = examples(
        {
            "measure": {"instrument": "GAD-7", "baseline": 16, "target": 5},
            "target_date": "2025-07-01",
            "reason": "Faster progress than expected; target raised",
        }
    )
    statement: RequiredText | None = None
    measure: MeasureInput | None = None
    target_date: IsoDate | None = None
    reason: RequiredText

    def command(self, goal_id: str) -> commands.ReviseGoal:
        return commands.ReviseGoal(
            goal_id=goal_id,
            reason=self.reason,
            statement=self.statement,
            measure=self.measure.value() if self.measure else None,
            target_date=self.target_date,
        )


class ChangeGoalStatusRequest(RequestModel):
    model_config = examples({"status": "achieved", "reason": "GAD-7 below 5 for two months"})
    status: GoalStatus
    reason: RequiredText

    def command(self, goal_id: str) -> commands.ChangeGoalStatus:
        return commands.ChangeGoalStatus(goal_id=goal_id, status=self.status, reason=self.reason)


class AddObjectiveRequest(RequestModel):
    model_config = examples(
        {"statement": "Practise diaphragmatic breathing daily", "target_date": "2025-04-15"}
    )
    statement: RequiredText
    target_date: IsoDate | None = None
    reason: Reason = None

    def command(self, goal_id: str) -> commands.AddObjective:
        return commands.AddObjective(
            goal_id=goal_id,
            statement=self.statement,
            target_date=self.target_date,
            reason=self.reason,
        )


class ObjectiveAddedResponse(CommandAck):
    model_config = ack_examples(objective_id="0c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f")
    objective_id: str


# ------------------------------------------------------------ interventions
class AddInterventionRequest(RequestModel):
    model_config = examples(
        {
            "modality": "CBT",
            "goal_ids": ["9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"],
            "description": "Cognitive restructuring of catastrophic worry",
        }
    )
    modality: Name
    goal_ids: list[Ident] = Field(min_length=1, max_length=MAX_ITEMS)
    description: Text | None = None
    reason: Reason = None

    def command(self) -> commands.AddIntervention:
        return commands.AddIntervention(
            modality=self.modality,
            goal_ids=self.goal_ids,
            description=self.description,
            reason=self.reason,
        )


class InterventionAddedResponse(CommandAck):
    model_config = ack_examples(intervention_id="7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918")
    intervention_id: str


class DiscontinueInterventionRequest(RequestModel):
    model_config = examples({"reason": "Client prefers group format"})
    reason: RequiredText

    def command(self, intervention_id: str) -> commands.DiscontinueIntervention:
        return commands.DiscontinueIntervention(intervention_id=intervention_id, reason=self.reason)


class ChangeFrequencyRequest(RequestModel):
    model_config = examples({"every": 1, "unit": "week", "session_minutes": 50})
    every: Annotated[Int, Field(ge=1, le=365)]
    unit: FrequencyUnit
    session_minutes: Annotated[Int, Field(ge=15, le=240)]
    reason: Reason = None

    def command(self) -> commands.ChangeFrequency:
        return commands.ChangeFrequency(
            every=self.every,
            unit=self.unit,
            session_minutes=self.session_minutes,
            reason=self.reason,
        )


# ------------------------------------------------------- assessments, scores
class ScheduleAssessmentRequest(RequestModel):
    model_config = examples({"instrument": "PHQ-9", "every_days": 14})
    instrument: InstrumentCode
    every_days: Annotated[Int, Field(ge=1, le=365)]
    reason: Reason = None

    def command(self) -> commands.ScheduleAssessment:
        return commands.ScheduleAssessment(
            instrument=self.instrument, every_days=self.every_days, reason=self.reason
        )


class RecordScoreRequest(RequestModel):
    model_config = examples(
        {
            "instrument": "PHQ-9",
            "score": 12,
            "administered_on": "2025-04-01",
            "goal_id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
            "item_scores": [2, 1, 2, 1, 2, 1, 1, 2, 0],
        }
    )
    instrument: InstrumentCode
    score: Int
    administered_on: IsoDate
    goal_id: Ident | None = None
    item_scores: list[Int] | None = Field(default=None, max_length=MAX_ITEMS)
    reason: Reason = None

    def command(self) -> commands.RecordScore:
        return commands.RecordScore(
            instrument=self.instrument,
            score=self.score,
            administered_on=self.administered_on,
            goal_id=self.goal_id,
            item_scores=self.item_scores,
            reason=self.reason,
        )


class ScoreRecordedResponse(CommandAck):
    model_config = ack_examples(
        score_id="1d2c3b4a-5968-4776-8594-a3b2c1d0e9f8", severity="moderate", safety_flag=True
    )
    score_id: str
    severity: Severity | None = Field(default=None, examples=["moderate"])
    safety_flag: bool = Field(default=False, description="PHQ-9 item 9 above 0")
    safety_screen: SafetyScreen | None = Field(
        default=None, description="PHQ-9 item 9: not_assessed when only a total was given"
    )
    flag_id: str | None = Field(
        default=None, description="the safety flag a positive screen raised"
    )


# ------------------------------------------------------------------ reviews
class ReviewPlanRequest(RequestModel):
    model_config = examples(
        {
            "reviewed_on": "2025-06-01",
            "outcome": "continue",
            "summary": "GAD-7 down from 16 to 9; continue weekly CBT",
            "next_review_due": "2025-08-30",
        }
    )
    reviewed_on: IsoDate
    outcome: ReviewOutcome
    summary: Text | None = None
    next_review_due: IsoDate | None = None
    reason: Reason = None

    def command(self) -> commands.ReviewPlan:
        return commands.ReviewPlan(
            reviewed_on=self.reviewed_on,
            outcome=self.outcome,
            summary=self.summary,
            next_review_due=self.next_review_due,
            reason=self.reason,
        )


class ChangeReviewIntervalRequest(RequestModel):
    model_config = examples({"days": 30, "reason": "Monthly reviews while on the waitlist"})
    days: ReviewIntervalDays
    reason: RequiredText

    def command(self) -> commands.ChangeReviewInterval:
        return commands.ChangeReviewInterval(days=self.days, reason=self.reason)


class SignPlanRequest(RequestModel):
    model_config = examples(
        {"signer_role": "client", "signed_on": "2025-03-03", "signer_name": "J. Doe"}
    )
    signer_role: SignerRole
    signed_on: IsoDate
    signer_name: Name | None = None
    reason: Reason = None

    def command(self) -> commands.SignPlan:
        return commands.SignPlan(
            signer_role=self.signer_role,
            signed_on=self.signed_on,
            signer_name=self.signer_name,
            reason=self.reason,
        )


# ------------------------------------------------------------------- policy
class SetPolicyRequest(RequestModel):
    model_config = examples(
        {
            "review_interval_days": 60,
            "due_soon_days": 10,
            "required_signers": ["clinician", "client"],
            "reason": "State audit finding: review at least every 60 days",
        }
    )
    review_interval_days: ReviewIntervalDays
    due_soon_days: Annotated[Int, Field(ge=0, le=90)]
    required_signers: list[SignerRole] | None = Field(
        default=None, min_length=1, max_length=3, description="default: clinician and client"
    )
    initial_plan_days: Int = Field(
        default=30, ge=1, le=90, description="days from a plan's start to its signed initial plan"
    )
    reason: Reason = None

    def command(self) -> commands.SetReviewPolicy:
        return commands.SetReviewPolicy(
            review_interval_days=self.review_interval_days,
            due_soon_days=self.due_soon_days,
            required_signers=self.required_signers or DEFAULT_POLICY.required_signers,
            initial_plan_days=self.initial_plan_days,
            reason=self.reason,
        )


class PolicySetResponse(CommandAck):
    model_config = ack_examples(clinic="riverside", version=3, position=2210)
    clinic: str


# ------------------------------------------- safety and person-centred care
SafetyPlanList = list[RequiredText] | None


class AcknowledgeSafetyFlagRequest(RequestModel):
    model_config = examples(
        {
            "action": "risk-assessed",
            "reason": "C-SSRS screen done in session: passive ideation, no plan or intent",
            "acknowledged_on": "2025-04-02",
        }
    )
    action: FlagAction
    reason: RequiredText
    acknowledged_on: IsoDate | None = Field(default=None, description="defaults to today")

    def command(self, flag_id: str) -> commands.AcknowledgeSafetyFlag:
        return commands.AcknowledgeSafetyFlag(
            flag_id=flag_id,
            action=self.action,
            reason=self.reason,
            acknowledged_on=self.acknowledged_on or utc_today(),
        )


class SafetyFlagAcknowledgedResponse(CommandAck):
    flag_id: str


class UpdateSafetyPlanRequest(RequestModel):
    model_config = examples(
        {
            "warning_signs": ["Not sleeping", "Withdrawing from friends"],
            "coping_strategies": ["Walk the dog", "Breathing exercise"],
            "social_contacts": ["Sister (evening calls)"],
            "professional_contacts": ["Dr. Okafor, clinic line", "988 Suicide & Crisis Lifeline"],
            "means_safety": ["Medication kept by partner"],
            "reasons_for_living": ["My children"],
        }
    )
    warning_signs: SafetyPlanList = Field(default=None, max_length=MAX_ITEMS)
    coping_strategies: SafetyPlanList = Field(default=None, max_length=MAX_ITEMS)
    social_contacts: SafetyPlanList = Field(default=None, max_length=MAX_ITEMS)
    professional_contacts: SafetyPlanList = Field(default=None, max_length=MAX_ITEMS)
    means_safety: SafetyPlanList = Field(default=None, max_length=MAX_ITEMS)
    reasons_for_living: SafetyPlanList = Field(default=None, max_length=MAX_ITEMS)
    reason: Reason = None

    def command(self) -> commands.UpdateSafetyPlan:
        parts = {part: getattr(self, part) for part in SAFETY_PLAN_PARTS}
        return commands.UpdateSafetyPlan(parts=parts, reason=self.reason)


class RecordStrengthRequest(RequestModel):
    model_config = examples({"description": "Supportive sister; enjoys running"})
    description: RequiredText
    reason: Reason = None

    def command(self) -> commands.RecordStrength:
        return commands.RecordStrength(description=self.description, reason=self.reason)


class StrengthRecordedResponse(CommandAck):
    strength_id: str


class RecordBarrierRequest(RequestModel):
    model_config = examples({"description": "Shift work makes weekly sessions hard"})
    description: RequiredText
    reason: Reason = None

    def command(self) -> commands.RecordBarrier:
        return commands.RecordBarrier(description=self.description, reason=self.reason)


class BarrierRecordedResponse(CommandAck):
    barrier_id: str


class SetDischargeCriteriaRequest(RequestModel):
    model_config = examples(
        {"criteria": ["PHQ-9 below 5 on two visits a month apart", "Back at work full time"]}
    )
    criteria: list[RequiredText] = Field(min_length=1, max_length=MAX_ITEMS)
    reason: Reason = None

    def command(self) -> commands.SetDischargeCriteria:
        return commands.SetDischargeCriteria(criteria=self.criteria, reason=self.reason)


class EnterScoreInErrorRequest(RequestModel):
    model_config = examples({"reason": "Scores of another client keyed into this plan"})
    reason: RequiredText

    def command(self, score_id: str) -> commands.MarkScoreEnteredInError:
        return commands.MarkScoreEnteredInError(score_id=score_id, reason=self.reason)


class ScoreEnteredInErrorResponse(CommandAck):
    score_id: str
