"""What queries answer. Read-model rows allow extra fields: the projections own their shape.

Dates and instants stay the strings the service has always sent (`DateText`,
`InstantText`); the schema gives them `format: date` / `format: date-time`, so
generated clients parse them. Enumerations come from `api.schemas.enums`.
"""

from __future__ import annotations

from typing import Annotated, Any, Unpack

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import JsonDict

from api.schemas.enums import (
    CloseReason,
    DiffOp,
    EventType,
    FlagAction,
    FrequencyUnit,
    GoalStatus,
    Instrument,
    InterventionStatus,
    PlanStatus,
    ProblemStatus,
    SafetyFlagStatus,
    Severity,
    SignerRole,
)

DateText = Annotated[str, Field(json_schema_extra={"format": "date"}, examples=["2025-03-03"])]
InstantText = Annotated[
    str,
    Field(json_schema_extra={"format": "date-time"}, examples=["2025-03-03T14:02:11.120000+00:00"]),
]


def examples_of(*items: JsonDict, **config: Unpack[ConfigDict]) -> ConfigDict:
    """A model's config with these examples (and any other settings)."""
    return ConfigDict(json_schema_extra={"examples": list(items)}, **config)


def example(**fields: Any) -> ConfigDict:
    """A view's config with one example (read models may add fields: extra allowed)."""
    return examples_of(fields, extra="allow", use_enum_values=True)


def first_example(model: type[BaseModel]) -> Any:
    """A model's first example, to nest in a larger one."""
    extra: Any = model.model_config.get("json_schema_extra")
    return extra["examples"][0]


class View(BaseModel):
    model_config = ConfigDict(extra="allow", use_enum_values=True)


# --------------------------------------------------------------- the plan
class ProblemView(View):
    model_config = example(
        id="3f1e2d4c-0b7a-4e55-8f0e-1c2b3a4d5e6f",
        description="Excessive worry most days for 8 months",
        status="active",
        resolved_reason=None,
    )
    id: str
    description: str
    status: ProblemStatus
    resolved_reason: str | None = None


class DiagnosisView(View):
    model_config = example(id="F41.1", code="F41.1", description="Generalized anxiety disorder")
    id: str
    code: str = Field(examples=["F41.1"])
    description: str | None = None


class MeasureView(View):
    model_config = example(instrument="GAD-7", baseline=16, target=8, loinc="69737-5")
    instrument: Instrument
    baseline: int
    target: int
    loinc: str | None = Field(default=None, examples=["70274-6"])


class ObjectiveView(View):
    model_config = example(
        id="0c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f",
        statement="Practise diaphragmatic breathing daily",
        target_date="2025-04-15",
    )
    id: str
    statement: str
    target_date: DateText | None = None


class ProgressView(View):
    """Where a goal stands on its measure, from the scores recorded so far."""

    model_config = example(
        latest=9,
        latest_on="2025-05-20",
        severity="mild",
        change_pct=-43.8,
        met=False,
        response=False,
        remission=False,
        scores_count=4,
    )
    latest: int
    latest_on: DateText
    severity: Severity
    change_pct: float | None = None
    met: bool
    response: bool | None = None
    remission: bool | None = None
    scores_count: int


class GoalView(View):
    model_config = example(
        id="9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
        problem_ids=["3f1e2d4c-0b7a-4e55-8f0e-1c2b3a4d5e6f"],
        statement="Reduce anxiety symptoms by half within three months",
        measure={"instrument": "GAD-7", "baseline": 16, "target": 8, "loinc": "69737-5"},
        target_date="2025-06-01",
        status="active",
        objectives=[],
        progress=None,
    )
    id: str
    problem_ids: list[str]
    statement: str
    measure: MeasureView
    target_date: DateText
    status: GoalStatus
    objectives: list[ObjectiveView]
    progress: ProgressView | None = None


class InterventionView(View):
    model_config = example(
        id="7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918",
        modality="CBT",
        goal_ids=["9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"],
        description="Cognitive restructuring of catastrophic worry",
        status="active",
    )
    id: str
    modality: str = Field(examples=["CBT"])
    goal_ids: list[str]
    description: str | None = None
    status: InterventionStatus


class FrequencyView(View):
    model_config = example(every=1, unit="week", session_minutes=50)
    every: int
    unit: FrequencyUnit
    session_minutes: int


class AssessmentView(View):
    model_config = example(instrument="PHQ-9", every_days=14, loinc="44249-1")
    instrument: Instrument
    every_days: int
    loinc: str | None = None


class ReviewView(View):
    model_config = example(
        interval_days=90, follows_policy=True, last_reviewed_on=None, next_review_due="2025-06-01"
    )
    interval_days: int
    follows_policy: bool | None = None
    last_reviewed_on: DateText | None = None
    next_review_due: DateText


class SignatureView(View):
    model_config = example(
        signer_role="client",
        signer_name="J. Doe",
        signed_on="2025-03-03",
        version=5,
        head_hash="9f2c4e…",
        changed_since=False,
    )
    signer_role: SignerRole
    signer_name: str | None = None
    signed_on: DateText
    version: int
    head_hash: str | None = None
    changed_since: bool | None = None
    diff: str | None = None


class SafetyFlag(View):
    """A score whose safety item (PHQ-9 item 9) was above 0: follow up on risk."""

    model_config = example(
        id="f1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8",
        score_id="1d2c3b4a-5968-4776-8594-a3b2c1d0e9f8",
        raised_on="2025-04-01",
        status="open",
        action=None,
        acknowledged_on=None,
        acknowledged_by=None,
        instrument="PHQ-9",
        administered_on="2025-04-01",
    )
    id: str
    score_id: str | None = None
    raised_on: DateText | None = None
    status: SafetyFlagStatus
    action: FlagAction | None = None
    acknowledged_on: DateText | None = None
    acknowledged_by: str | None = None
    instrument: Instrument | None = None
    administered_on: DateText


class SignaturesDue(View):
    """The plan changed after it was signed: who must sign again."""

    model_config = example(changed_on="2025-04-10", missing=["client"])
    changed_on: DateText
    missing: list[SignerRole]


class Described(View):
    """A strength or a barrier: an id and a description."""

    model_config = example(
        id="b7c8d9e0-f1a2-4b3c-8d4e-5f6a7b8c9d0e", description="Supportive sister"
    )
    id: str
    description: str


class PlanView(View):
    """A treatment plan, current or as of a version or instant."""

    model_config = examples_of(
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
        },
        extra="allow",
        use_enum_values=True,
    )

    id: str
    clinic: str
    client_id: str
    clinician: str | None = None
    status: PlanStatus
    version: int
    start_date: DateText | None = None
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
    signatures_due: SignaturesDue | None = None
    safety_flags: list[SafetyFlag] = Field(default_factory=list)
    safety_plan: dict[str, list[str]] | None = Field(
        default=None, description="the safety plan's sections, each a list of entries"
    )
    strengths: list[Described] = Field(default_factory=list)
    barriers: list[Described] = Field(default_factory=list)
    discharge_criteria: list[str] | None = None
    closed_on: DateText | None = None
    close_reason_code: CloseReason | None = None
    created_at: InstantText
    updated_at: InstantText


# ------------------------------------------------------------ read models
TIMELINE_EXAMPLE: JsonDict = {
    "version": 4,
    "type": "GoalAdded",
    "recorded_at": "2025-03-03T14:10:00.000000+00:00",
    "actor": "dr-okafor",
    "role": "clinician",
    "reason": None,
    "summary": "Goal 'Reduce anxiety symptoms by half' added: GAD-7 16 → 8",
    "data": {"goal_id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"},
}


class TimelineItem(View):
    """One recorded event: who, when, why, a sentence, and the event's own fields."""

    model_config = example(**TIMELINE_EXAMPLE)
    version: int
    type: EventType
    recorded_at: InstantText | None = None
    actor: str | None = None
    role: str | None = None
    reason: str | None = None
    summary: str | None = None
    data: dict[str, Any] = Field(
        default_factory=dict,
        description="the event's own fields, named as in the command that recorded it "
        "(e.g. goal_id, statement, measure for GoalAdded); the keys depend on `type`",
    )


class Timeline(BaseModel):
    model_config = examples_of({"items": [TIMELINE_EXAMPLE]})
    items: list[TimelineItem]


class PlanSummary(View):
    """A plan in a list: who, whose, where it stands (read model row)."""

    model_config = example(
        id="5b0c1f36-2a4f-4c43-9d36-0d1a7e2b9a51",
        clinic="riverside",
        client_id="client-0042",
        clinician="dr-okafor",
        status="active",
        version=9,
        start_date="2025-03-03",
        last_reviewed_on=None,
        next_review_due="2025-06-01",
        signed_version=5,
        created_at="2025-03-03T14:02:11.120000+00:00",
        updated_at="2025-03-10T09:15:40.004000+00:00",
    )
    id: str
    clinic: str | None = None
    client_id: str | None = None
    clinician: str | None = None
    status: PlanStatus
    version: int
    start_date: DateText | None = None
    last_reviewed_on: DateText | None = None
    next_review_due: DateText | None = None
    signed_version: int | None = None
    created_at: InstantText | None = None
    updated_at: InstantText | None = None


class PlanPage(BaseModel):
    model_config = examples_of({"items": [first_example(PlanSummary)], "next": None})
    items: list[PlanSummary]
    next: str | None = Field(description="pass as `after` for the next page; null at the end")


class DiffChange(View):
    model_config = example(
        path="/goals/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/target_date",
        op="replace",
        old="2025-06-01",
        new="2025-07-01",
    )
    path: str = Field(examples=["/goals/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/target_date"])
    op: DiffOp
    old: Any = None
    new: Any = None


class PlanDiff(View):
    model_config = example(
        from_version=4,
        to_version=5,
        changes=[
            {
                "path": "/goals/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/target_date",
                "op": "replace",
                "old": "2025-06-01",
                "new": "2025-07-01",
            }
        ],
        events=[],
    )
    from_version: int
    to_version: int
    changes: list[DiffChange]
    events: list[TimelineItem]


class Verification(View):
    model_config = example(
        valid=True, events_checked=9, head_hash="3b7f0c…", first_invalid_version=None
    )
    valid: bool
    events_checked: int
    head_hash: str | None = None
    first_invalid_version: int | None = None


class ScorePoint(View):
    """One recorded score in an instrument's series."""

    model_config = example(administered_on="2025-04-01", score=12, severity="moderate")
    administered_on: DateText
    score: int
    severity: Severity


class GoalScores(View):
    """A goal's measure and where its scores leave it (null until a score is recorded)."""

    model_config = example(
        goal_id="9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
        instrument="GAD-7",
        baseline=16,
        target=8,
        status="active",
        latest=9,
        latest_on="2025-05-20",
        change_pct=-43.8,
        met=False,
        response=False,
        remission=False,
    )
    goal_id: str
    instrument: Instrument
    baseline: int
    target: int
    status: GoalStatus
    latest: int | None = None
    latest_on: DateText | None = None
    change_pct: float | None = None
    met: bool | None = None
    response: bool | None = None
    remission: bool | None = None


class ScoreSeries(View):
    model_config = example(
        series={
            "GAD-7": [
                {"administered_on": "2025-03-03", "score": 16, "severity": "severe"},
                {"administered_on": "2025-05-20", "score": 9, "severity": "mild"},
            ]
        },
        goals=[first_example(GoalScores)],
    )
    series: dict[str, list[ScorePoint]] = Field(
        description="each instrument's scores, oldest first (keyed by instrument code)"
    )
    goals: list[GoalScores]


# The plan a review-queue item names: the same three fields on every list.
QUEUE_PLAN = {
    "plan_id": "5b0c1f36-2a4f-4c43-9d36-0d1a7e2b9a51",
    "client_id": "client-0042",
    "clinician": "dr-okafor",
}


class QueueItem(View):
    plan_id: str
    client_id: str | None = None
    clinician: str | None = None


class ReviewQueueItem(QueueItem):
    model_config = example(**QUEUE_PLAN, next_review_due="2025-06-01", days_overdue=3)
    next_review_due: DateText | None = None
    days_overdue: int | None = None


class InitialPlanOverdueItem(QueueItem):
    model_config = example(**QUEUE_PLAN, start_date="2025-03-03", days_overdue=4)
    start_date: DateText
    days_overdue: int


class SignaturesDueItem(QueueItem):
    model_config = example(**QUEUE_PLAN, changed_on="2025-04-10", missing=["client"])
    changed_on: DateText = Field(description="the first change not yet signed again")
    missing: list[SignerRole] = Field(examples=[["client"]])


class ReviewQueue(BaseModel):
    model_config = examples_of(
        {
            "as_of": "2025-06-04",
            "overdue": [first_example(ReviewQueueItem)],
            "due_soon": [],
            "initial_plan_overdue": [],
            "signatures_due": [],
        }
    )
    as_of: DateText
    overdue: list[ReviewQueueItem]
    due_soon: list[ReviewQueueItem]
    initial_plan_overdue: list[InitialPlanOverdueItem] = Field(default_factory=list)
    signatures_due: list[SignaturesDueItem] = Field(default_factory=list)


class Revision(View):
    model_config = example(
        plan_id="5b0c1f36-2a4f-4c43-9d36-0d1a7e2b9a51",
        version=4,
        type="GoalAdded",
        recorded_at="2025-03-03T14:10:00.000000+00:00",
        role="clinician",
        data={"goal_id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"},
    )
    plan_id: str | None = None
    version: int | None = None
    type: EventType | None = None
    recorded_at: InstantText | None = None
    role: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class RevisionPage(BaseModel):
    model_config = examples_of({"items": [first_example(Revision)], "next": None})
    items: list[Revision]
    next: str | None = None


class PolicyView(BaseModel):
    model_config = examples_of(
        {
            "clinic": "riverside",
            "review_interval_days": 90,
            "due_soon_days": 14,
            "required_signers": ["clinician", "client"],
            "version": 0,
        }
    )
    clinic: str
    review_interval_days: int
    due_soon_days: int
    required_signers: list[SignerRole]
    initial_plan_days: int = Field(default=30, description="days from start to a signed plan")
    version: int = Field(description="the policy's own version; 0 while the defaults apply")


class AccessLogEntry(BaseModel):
    model_config = examples_of(
        {
            "id": 311,
            "at": "2025-03-03T14:10:00.004000+00:00",
            "actor": "dr-okafor",
            "role": "clinician",
            "clinic": "riverside",
            "plan_id": "5b0c1f36-2a4f-4c43-9d36-0d1a7e2b9a51",
            "action": "GET /plans/{plan_id}/timeline",
            "outcome": 200,
        }
    )
    id: int
    at: InstantText
    actor: str
    role: str
    clinic: str
    plan_id: str | None
    action: str = Field(examples=["GET /plans/{plan_id}/timeline"])
    outcome: int = Field(examples=[200])


class AccessLogPage(BaseModel):
    model_config = examples_of({"items": [first_example(AccessLogEntry)], "next": None})
    items: list[AccessLogEntry]
    next: str | None = None


class Health(BaseModel):
    model_config = examples_of({"status": "ok"})
    status: str = Field(examples=["ok"])


class Readiness(View):
    model_config = example(
        status="ready",
        database="ok",
        read_models={"plans": {"position": 1042, "lag": 0}},
    )
    status: str = Field(examples=["ready"])
    database: str = Field(examples=["ok"])
    read_models: dict[str, dict[str, Any]] = Field(default_factory=dict)


# ------------------------------------------------ safety (contract v2)
class SafetyFlagItem(View):
    model_config = example(
        plan_id="5b0c1f36-2a4f-4c43-9d36-0d1a7e2b9a51",
        flag_id="f1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8",
        client_id="client-0042",
        clinician="dr-okafor",
        raised_on="2025-04-01",
        days_open=2,
        status="open",
        score_id="1d2c3b4a-5968-4776-8594-a3b2c1d0e9f8",
        action=None,
        acknowledged_on=None,
    )
    plan_id: str
    flag_id: str
    client_id: str
    clinician: str
    raised_on: DateText
    days_open: int = Field(description="open: days since raised; acknowledged: days it was open")
    status: SafetyFlagStatus
    score_id: str | None = None
    action: FlagAction | None = None
    acknowledged_on: DateText | None = None


class SafetyFlagList(BaseModel):
    model_config = examples_of({"as_of": "2025-04-03", "items": [first_example(SafetyFlagItem)]})
    as_of: DateText
    items: list[SafetyFlagItem]


# ------------------------------------------------------------ analysts
class AnalystRevision(BaseModel):
    """One revision, de-identified by construction (HIPAA Safe Harbor)."""

    model_config = examples_of(
        {
            "subject": "p-7f3a9c",
            "version": 4,
            "type": "GoalAdded",
            "year": 2025,
            "plan_day": 12,
            "role": "clinician",
            "data": {"target_date_day": 90},
        },
        use_enum_values=True,
    )

    subject: str = Field(description="a keyed pseudonym of the plan, stable within the clinic")
    version: int
    type: EventType
    year: int = Field(description="the year of recorded_at")
    plan_day: int | None = Field(description="whole days from the plan's start to recorded_at")
    role: str | None = None
    data: dict[str, Any] = Field(
        default_factory=dict,
        description="allowlisted fields only; dates as `<name>_day` offsets from the start",
    )


class AnalystRevisionPage(BaseModel):
    model_config = examples_of({"items": [first_example(AnalystRevision)], "next": None})
    items: list[AnalystRevision]
    next: str | None = Field(default=None, description="an opaque cursor")


class RevisionGroup(BaseModel):
    key: str
    count: int | None = Field(description="null when suppressed")
    suppressed: bool = Field(description="true for counts from 1 to 10")


class RevisionGroups(BaseModel):
    model_config = examples_of(
        {
            "groups": [
                {"key": "GoalAdded", "count": 57, "suppressed": False},
                {"key": "PlanClosed", "count": None, "suppressed": True},
            ]
        }
    )
    groups: list[RevisionGroup]


class Outcomes(BaseModel):
    model_config = examples_of(
        {
            "instrument": "PHQ-9",
            "goals": 48,
            "response_rate": 0.52,
            "remission_rate": 0.31,
            "suppressed": False,
        },
        use_enum_values=True,
    )
    instrument: Instrument
    goals: int | None = Field(description="goals with at least two scores; null from 1 to 10")
    response_rate: float | None
    remission_rate: float | None
    suppressed: bool
