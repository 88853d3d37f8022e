"""Contains all the data models used in inputs/outputs"""

from .access_log_entry import AccessLogEntry
from .access_log_page import AccessLogPage
from .add_diagnosis_request import AddDiagnosisRequest
from .add_goal_request import AddGoalRequest
from .add_intervention_request import AddInterventionRequest
from .add_objective_request import AddObjectiveRequest
from .add_problem_request import AddProblemRequest
from .assessment_view import AssessmentView
from .change_frequency_request import ChangeFrequencyRequest
from .change_goal_status_request import ChangeGoalStatusRequest
from .change_review_interval_request import ChangeReviewIntervalRequest
from .close_plan_request import ClosePlanRequest
from .command_ack import CommandAck
from .create_plan_request import CreatePlanRequest
from .diagnosis_added_response import DiagnosisAddedResponse
from .diagnosis_input import DiagnosisInput
from .diagnosis_view import DiagnosisView
from .diff_change import DiffChange
from .diff_op import DiffOp
from .discontinue_intervention_request import DiscontinueInterventionRequest
from .erasure_list import ErasureList
from .erasure_view import ErasureView
from .event_type import EventType
from .field_error import FieldError
from .frequency_unit import FrequencyUnit
from .frequency_view import FrequencyView
from .goal_added_response import GoalAddedResponse
from .goal_scores import GoalScores
from .goal_status import GoalStatus
from .goal_view import GoalView
from .health import Health
from .instrument import Instrument
from .intervention_added_response import InterventionAddedResponse
from .intervention_status import InterventionStatus
from .intervention_view import InterventionView
from .measure_input import MeasureInput
from .measure_view import MeasureView
from .objective_added_response import ObjectiveAddedResponse
from .objective_view import ObjectiveView
from .plan_created_response import PlanCreatedResponse
from .plan_diff import PlanDiff
from .plan_page import PlanPage
from .plan_status import PlanStatus
from .plan_summary import PlanSummary
from .plan_view import PlanView
from .policy_set_response import PolicySetResponse
from .policy_view import PolicyView
from .problem import Problem
from .problem_added_response import ProblemAddedResponse
from .problem_status import ProblemStatus
from .problem_view import ProblemView
from .progress_view import ProgressView
from .readiness import Readiness
from .readiness_read_models import ReadinessReadModels
from .readiness_read_models_additional_property import ReadinessReadModelsAdditionalProperty
from .record_score_request import RecordScoreRequest
from .remove_diagnosis_request import RemoveDiagnosisRequest
from .resolve_problem_request import ResolveProblemRequest
from .review_outcome import ReviewOutcome
from .review_plan_request import ReviewPlanRequest
from .review_queue import ReviewQueue
from .review_queue_item import ReviewQueueItem
from .review_view import ReviewView
from .revise_goal_request import ReviseGoalRequest
from .revision import Revision
from .revision_data import RevisionData
from .revision_page import RevisionPage
from .safety_flag import SafetyFlag
from .schedule_assessment_request import ScheduleAssessmentRequest
from .score_point import ScorePoint
from .score_recorded_response import ScoreRecordedResponse
from .score_series import ScoreSeries
from .score_series_series import ScoreSeriesSeries
from .set_policy_request import SetPolicyRequest
from .severity import Severity
from .sign_plan_request import SignPlanRequest
from .signature_view import SignatureView
from .signer_role import SignerRole
from .staff_role import StaffRole
from .timeline import Timeline
from .timeline_item import TimelineItem
from .timeline_item_data import TimelineItemData
from .verification import Verification

__all__ = (
    "AccessLogEntry",
    "AccessLogPage",
    "AddDiagnosisRequest",
    "AddGoalRequest",
    "AddInterventionRequest",
    "AddObjectiveRequest",
    "AddProblemRequest",
    "AssessmentView",
    "ChangeFrequencyRequest",
    "ChangeGoalStatusRequest",
    "ChangeReviewIntervalRequest",
    "ClosePlanRequest",
    "CommandAck",
    "CreatePlanRequest",
    "DiagnosisAddedResponse",
    "DiagnosisInput",
    "DiagnosisView",
    "DiffChange",
    "DiffOp",
    "DiscontinueInterventionRequest",
    "ErasureList",
    "ErasureView",
    "EventType",
    "FieldError",
    "FrequencyUnit",
    "FrequencyView",
    "GoalAddedResponse",
    "GoalScores",
    "GoalStatus",
    "GoalView",
    "Health",
    "Instrument",
    "InterventionAddedResponse",
    "InterventionStatus",
    "InterventionView",
    "MeasureInput",
    "MeasureView",
    "ObjectiveAddedResponse",
    "ObjectiveView",
    "PlanCreatedResponse",
    "PlanDiff",
    "PlanPage",
    "PlanStatus",
    "PlanSummary",
    "PlanView",
    "PolicySetResponse",
    "PolicyView",
    "Problem",
    "ProblemAddedResponse",
    "ProblemStatus",
    "ProblemView",
    "ProgressView",
    "Readiness",
    "ReadinessReadModels",
    "ReadinessReadModelsAdditionalProperty",
    "RecordScoreRequest",
    "RemoveDiagnosisRequest",
    "ResolveProblemRequest",
    "ReviewOutcome",
    "ReviewPlanRequest",
    "ReviewQueue",
    "ReviewQueueItem",
    "ReviewView",
    "ReviseGoalRequest",
    "Revision",
    "RevisionData",
    "RevisionPage",
    "SafetyFlag",
    "ScheduleAssessmentRequest",
    "ScorePoint",
    "ScoreRecordedResponse",
    "ScoreSeries",
    "ScoreSeriesSeries",
    "SetPolicyRequest",
    "Severity",
    "SignatureView",
    "SignerRole",
    "SignPlanRequest",
    "StaffRole",
    "Timeline",
    "TimelineItem",
    "TimelineItemData",
    "Verification",
)
