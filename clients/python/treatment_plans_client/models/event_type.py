from enum import StrEnum


class EventType(StrEnum):
    ASSESSMENT_SCHEDULED = "AssessmentScheduled"
    DIAGNOSIS_ADDED = "DiagnosisAdded"
    DIAGNOSIS_REMOVED = "DiagnosisRemoved"
    FREQUENCY_CHANGED = "FrequencyChanged"
    GOAL_ADDED = "GoalAdded"
    GOAL_REVISED = "GoalRevised"
    GOAL_STATUS_CHANGED = "GoalStatusChanged"
    INTERVENTION_ADDED = "InterventionAdded"
    INTERVENTION_DISCONTINUED = "InterventionDiscontinued"
    OBJECTIVE_ADDED = "ObjectiveAdded"
    PLAN_CLOSED = "PlanClosed"
    PLAN_CREATED = "PlanCreated"
    PLAN_REVIEWED = "PlanReviewed"
    PLAN_SIGNED = "PlanSigned"
    PROBLEM_ADDED = "ProblemAdded"
    PROBLEM_RESOLVED = "ProblemResolved"
    REVIEW_INTERVAL_CHANGED = "ReviewIntervalChanged"
    SCORE_RECORDED = "ScoreRecorded"

    def __str__(self) -> str:
        return str(self.value)
