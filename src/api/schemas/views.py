"""What queries answer. Read-model rows allow extra fields: the projections own their shape."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class View(BaseModel):
    model_config = ConfigDict(extra="allow")


# --------------------------------------------------------------- the plan
class ProblemView(View):
    id: str
    description: str
    status: str = Field(examples=["active", "resolved"])
    resolved_reason: str | None = None


class DiagnosisView(View):
    id: str
    code: str = Field(examples=["F41.1"])
    description: str | None = None


class MeasureView(View):
    instrument: str = Field(examples=["GAD-7"])
    baseline: int
    target: int
    loinc: str | None = Field(default=None, examples=["70274-6"])


class ObjectiveView(View):
    id: str
    statement: str
    target_date: str | None = None


class ProgressView(View):
    latest: int
    latest_on: str
    severity: str
    change_pct: float | None = None
    met: bool
    response: bool | None = None
    remission: bool | None = None
    scores_count: int


class GoalView(View):
    id: str
    problem_ids: list[str]
    statement: str
    measure: MeasureView
    target_date: str
    status: str = Field(examples=["active"])
    objectives: list[ObjectiveView]
    progress: ProgressView | None = None


class InterventionView(View):
    id: str
    modality: str = Field(examples=["CBT"])
    goal_ids: list[str]
    description: str | None = None
    status: str = Field(examples=["active", "discontinued"])


class FrequencyView(View):
    every: int
    unit: str = Field(examples=["week"])
    session_minutes: int


class AssessmentView(View):
    instrument: str
    every_days: int
    loinc: str | None = None


class ReviewView(View):
    interval_days: int
    follows_policy: bool | None = None
    last_reviewed_on: str | None = None
    next_review_due: str


class SignatureView(View):
    signer_role: str
    signer_name: str | None = None
    signed_on: str
    version: int
    head_hash: str | None = None
    changed_since: bool | None = None
    diff: str | None = None


class PlanView(View):
    """A treatment plan, current or as of a version or instant."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "id": "5b0c1f36-2a4f-4c43-9d36-0d1a7e2b9a51",
                    "clinic": "riverside",
                    "client_id": "client-0042",
                    "clinician": "dr-okafor",
                    "status": "active",
                    "version": 9,
                    "start_date": "2025-03-03",
                    "problems": [],
                    "diagnoses": [{"id": "F41.1", "code": "F41.1", "description": "GAD"}],
                    "goals": [],
                    "interventions": [],
                    "frequency": {"every": 1, "unit": "week", "session_minutes": 50},
                    "assessments": [],
                    "review": {
                        "interval_days": 90,
                        "follows_policy": True,
                        "last_reviewed_on": None,
                        "next_review_due": "2025-06-01",
                    },
                    "signatures": [],
                    "created_at": "2025-03-03T14:02:11.120000+00:00",
                    "updated_at": "2025-03-10T09:15:40.004000+00:00",
                }
            ]
        },
    )

    id: str
    clinic: str
    client_id: str
    clinician: str | None = None
    status: str = Field(examples=["draft", "active", "closed"])
    version: int
    start_date: str | None = None
    presenting_concerns: list[str] = Field(default_factory=list)
    problems: list[ProblemView]
    diagnoses: list[DiagnosisView]
    goals: list[GoalView]
    interventions: list[InterventionView]
    frequency: FrequencyView | None
    assessments: list[AssessmentView]
    review: ReviewView
    signatures: list[SignatureView]
    signatures_current: bool | None = None
    signatures_due: dict[str, Any] | None = None
    safety_flags: list[dict[str, Any]] = Field(default_factory=list)
    safety_plan: dict[str, list[str]] | None = None
    strengths: list[dict[str, Any]] = Field(default_factory=list)
    barriers: list[dict[str, Any]] = Field(default_factory=list)
    discharge_criteria: list[str] | None = None
    closed_on: str | None = None
    close_reason_code: str | None = None
    created_at: str
    updated_at: str


# ------------------------------------------------------------ read models
class TimelineItem(View):
    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "version": 4,
                    "type": "GoalAdded",
                    "recorded_at": "2025-03-03T14:10:00.000000+00:00",
                    "actor": "dr-okafor",
                    "role": "clinician",
                    "reason": None,
                    "summary": "Goal 'Reduce anxiety symptoms by half' added: GAD-7 16 → 8",
                    "data": {"goal_id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"},
                }
            ]
        },
    )
    version: int
    type: str
    recorded_at: str | None = None
    actor: str | None = None
    role: str | None = None
    reason: str | None = None
    summary: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class Timeline(BaseModel):
    items: list[TimelineItem]


class PlanSummary(View):
    id: str | None = None
    status: str | None = None
    version: int | None = None


class PlanPage(BaseModel):
    items: list[PlanSummary]
    next: str | None = Field(description="pass as `after` for the next page; null at the end")


class DiffChange(View):
    path: str = Field(examples=["/goals/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/target_date"])
    op: str = Field(examples=["replace"])
    old: Any = None
    new: Any = None


class PlanDiff(View):
    from_version: int
    to_version: int
    changes: list[DiffChange]
    events: list[TimelineItem]


class Verification(View):
    valid: bool
    events_checked: int
    head_hash: str | None = None
    first_invalid_version: int | None = None


class ScoreSeries(View):
    series: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    goals: list[dict[str, Any]] = Field(default_factory=list)


class ReviewQueueItem(View):
    plan_id: str
    client_id: str | None = None
    clinician: str | None = None
    next_review_due: str | None = None
    days_overdue: int | None = None


class InitialPlanOverdueItem(View):
    plan_id: str
    client_id: str | None = None
    clinician: str | None = None
    start_date: str
    days_overdue: int


class SignaturesDueItem(View):
    plan_id: str
    client_id: str | None = None
    clinician: str | None = None
    changed_on: str = Field(description="the first change not yet signed again")
    missing: list[str] = Field(examples=[["client"]])


class ReviewQueue(BaseModel):
    as_of: str
    overdue: list[ReviewQueueItem]
    due_soon: list[ReviewQueueItem]
    initial_plan_overdue: list[InitialPlanOverdueItem] = Field(default_factory=list)
    signatures_due: list[SignaturesDueItem] = Field(default_factory=list)


class Revision(View):
    plan_id: str | None = None
    version: int | None = None
    type: str | None = None
    recorded_at: str | None = None
    role: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class RevisionPage(BaseModel):
    items: list[Revision]
    next: str | None = None


class PolicyView(BaseModel):
    clinic: str
    review_interval_days: int
    due_soon_days: int
    required_signers: list[str]
    initial_plan_days: int = Field(default=30, description="days from start to a signed plan")
    version: int = Field(description="the policy's own version; 0 while the defaults apply")


class AccessLogEntry(BaseModel):
    id: int
    at: str
    actor: str
    role: str
    clinic: str
    plan_id: str | None
    action: str = Field(examples=["GET /plans/{plan_id}/timeline"])
    outcome: int = Field(examples=[200])


class AccessLogPage(BaseModel):
    items: list[AccessLogEntry]
    next: str | None = None


class Health(BaseModel):
    status: str = Field(examples=["ok"])


class Readiness(View):
    status: str = Field(examples=["ready"])
    database: str = Field(examples=["ok"])
    read_models: dict[str, dict[str, Any]] = Field(default_factory=dict)


# ------------------------------------------------ safety (contract v2)
class SafetyFlagItem(View):
    plan_id: str
    flag_id: str
    client_id: str
    clinician: str
    raised_on: str
    days_open: int = Field(description="open: days since raised; acknowledged: days it was open")
    status: str = Field(examples=["open", "acknowledged"])
    score_id: str | None = None
    action: str | None = None
    acknowledged_on: str | None = None


class SafetyFlagList(BaseModel):
    as_of: str
    items: list[SafetyFlagItem]
# ------------------------------------------------------------ analysts
class AnalystRevision(BaseModel):
    """One revision, de-identified by construction (HIPAA Safe Harbor)."""

    subject: str = Field(description="a keyed pseudonym of the plan, stable within the clinic")
    version: int
    type: str
    year: int = Field(description="the year of recorded_at")
    plan_day: int | None = Field(description="whole days from the plan's start to recorded_at")
    role: str | None = None
    data: dict[str, Any] = Field(
        default_factory=dict,
        description="allowlisted fields only; dates as `<name>_day` offsets from the start",
    )


class AnalystRevisionPage(BaseModel):
    items: list[AnalystRevision]
    next: str | None = Field(default=None, description="an opaque cursor")


class RevisionGroup(BaseModel):
    key: str
    count: int | None = Field(description="null when suppressed")
    suppressed: bool = Field(description="true for counts from 1 to 10")


class RevisionGroups(BaseModel):
    groups: list[RevisionGroup]


class Outcomes(BaseModel):
    instrument: str
    goals: int | None = Field(description="goals with at least two scores; null from 1 to 10")
    response_rate: float | None
    remission_rate: float | None
    suppressed: bool
