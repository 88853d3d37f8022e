from enum import StrEnum


class EventType(StrEnum):
    ASSESSMENTSCHEDULED = "AssessmentScheduled"
    DIAGNOSISADDED = "DiagnosisAdded"
    DIAGNOSISREMOVED = "DiagnosisRemoved"
    FREQUENCYCHANGED = "FrequencyChanged"
    GOALADDED = "GoalAdded"
    GOALREVISED = "GoalRevised"
    GOALSTATUSCHANGED = "GoalStatusChanged"
    INTERVENTIONADDED = "InterventionAdded"
    INTERVENTIONDISCONTINUED = "InterventionDiscontinued"
    OBJECTIVEADDED = "ObjectiveAdded"
    PLANCLOSED = "PlanClosed"
    PLANCREATED = "PlanCreated"
    PLANREVIEWED = "PlanReviewed"
    PLANSIGNED = "PlanSigned"
    PROBLEMADDED = "ProblemAdded"
    PROBLEMRESOLVED = "ProblemResolved"
    REVIEWINTERVALCHANGED = "ReviewIntervalChanged"
    SCORERECORDED = "ScoreRecorded"

    def __str__(self) -> str:
        return str(self.value)
