from enum import StrEnum


class EventType(StrEnum):
    ASSESSMENT_SCHEDULED = "AssessmentScheduled"
    BARRIER_RECORDED = "BarrierRecorded"
    CLINICIAN_ASSIGNED = "ClinicianAssigned"
    DIAGNOSIS_ADDED = "DiagnosisAdded"
    DIAGNOSIS_REMOVED = "DiagnosisRemoved"
    DISCHARGE_CRITERIA_SET = "DischargeCriteriaSet"
    FREQUENCY_CHANGED = "FrequencyChanged"
    GOAL_ADDED = "GoalAdded"
    GOAL_REVISED = "GoalRevised"
    GOAL_STATUS_CHANGED = "GoalStatusChanged"
    INTERVENTION_ADDED = "InterventionAdded"
    INTERVENTION_DISCONTINUED = "InterventionDiscontinued"
    OBJECTIVE_ADDED = "ObjectiveAdded"
    PLAN_ACTIVATED = "PlanActivated"
    PLAN_CLOSED = "PlanClosed"
    PLAN_CREATED = "PlanCreated"
    PLAN_REVIEWED = "PlanReviewed"
    PLAN_SIGNED = "PlanSigned"
    PROBLEM_ADDED = "ProblemAdded"
    PROBLEM_RESOLVED = "ProblemResolved"
    REVIEW_INTERVAL_CHANGED = "ReviewIntervalChanged"
    SAFETY_FLAG_ACKNOWLEDGED = "SafetyFlagAcknowledged"
    SAFETY_PLAN_UPDATED = "SafetyPlanUpdated"
    SCORE_ENTERED_IN_ERROR = "ScoreEnteredInError"
    SCORE_RECORDED = "ScoreRecorded"
    STRENGTH_RECORDED = "StrengthRecorded"

    def __str__(self) -> str:
        return str(self.value)
