"""Contains all the data models used in inputs/outputs"""

from .access_log_entry import AccessLogEntry
from .access_log_page import AccessLogPage
from .acknowledge_safety_flag_request import AcknowledgeSafetyFlagRequest
from .activate_plan_request import ActivatePlanRequest
from .add_diagnosis_request import AddDiagnosisRequest
from .add_goal_request import AddGoalRequest
from .add_intervention_request import AddInterventionRequest
from .add_objective_request import AddObjectiveRequest
from .add_problem_request import AddProblemRequest
from .analyst_revision import AnalystRevision
from .analyst_revision_data import AnalystRevisionData
from .analyst_revision_page import AnalystRevisionPage
from .assessment_view import AssessmentView
from .assign_clinician_request import AssignClinicianRequest
from .barrier_recorded_response import BarrierRecordedResponse
from .change_frequency_request import ChangeFrequencyRequest
from .change_goal_status_request import ChangeGoalStatusRequest
from .change_review_interval_request import ChangeReviewIntervalRequest
from .clinician_compliance import ClinicianCompliance
from .close_plan_request import ClosePlanRequest
from .close_reason import CloseReason
from .command_ack import CommandAck
from .compliance import Compliance
from .create_plan_request import CreatePlanRequest
from .described import Described
from .diagnosis_added_response import DiagnosisAddedResponse
from .diagnosis_input import DiagnosisInput
from .diagnosis_view import DiagnosisView
from .diff_change import DiffChange
from .diff_op import DiffOp
from .discontinue_intervention_request import DiscontinueInterventionRequest
from .enter_score_in_error_request import EnterScoreInErrorRequest
from .erasure_list import ErasureList
from .erasure_view import ErasureView
from .event_type import EventType
from .field_error import FieldError
from .flag_action import FlagAction
from .frequency_unit import FrequencyUnit
from .frequency_view import FrequencyView
from .get_plan_fhir_response_200 import GetPlanFhirResponse200
from .goal_added_response import GoalAddedResponse
from .goal_scores import GoalScores
from .goal_status import GoalStatus
from .goal_view import GoalView
from .health import Health
from .initial_plan_overdue_item import InitialPlanOverdueItem
from .instrument import Instrument
from .intervention_added_response import InterventionAddedResponse
from .intervention_status import InterventionStatus
from .intervention_view import InterventionView
from .measure_input import MeasureInput
from .measure_view import MeasureView
from .objective_added_response import ObjectiveAddedResponse
from .objective_view import ObjectiveView
from .outcomes import Outcomes
from .plan_created_response import PlanCreatedResponse
from .plan_diff import PlanDiff
from .plan_page import PlanPage
from .plan_status import PlanStatus
from .plan_summary import PlanSummary
from .plan_view import PlanView
from .plan_view_safety_plan_type_0 import PlanViewSafetyPlanType0
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
from .record_barrier_request import RecordBarrierRequest
from .record_score_request import RecordScoreRequest
from .record_strength_request import RecordStrengthRequest
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
from .revision_group import RevisionGroup
from .revision_grouping import RevisionGrouping
from .revision_groups import RevisionGroups
from .revision_page import RevisionPage
from .safety_flag import SafetyFlag
from .safety_flag_acknowledged_response import SafetyFlagAcknowledgedResponse
from .safety_flag_item import SafetyFlagItem
from .safety_flag_list import SafetyFlagList
from .safety_flag_status import SafetyFlagStatus
from .safety_screen import SafetyScreen
from .schedule_assessment_request import ScheduleAssessmentRequest
from .score_entered_in_error_response import ScoreEnteredInErrorResponse
from .score_point import ScorePoint
from .score_recorded_response import ScoreRecordedResponse
from .score_series import ScoreSeries
from .score_series_series import ScoreSeriesSeries
from .set_discharge_criteria_request import SetDischargeCriteriaRequest
from .set_policy_request import SetPolicyRequest
from .severity import Severity
from .sign_plan_request import SignPlanRequest
from .signature_view import SignatureView
from .signatures_due import SignaturesDue
from .signatures_due_item import SignaturesDueItem
from .signer_role import SignerRole
from .staff_role import StaffRole
from .strength_recorded_response import StrengthRecordedResponse
from .timeline import Timeline
from .timeline_item import TimelineItem
from .timeline_item_data import TimelineItemData
from .update_safety_plan_request import UpdateSafetyPlanRequest
from .verification import Verification

__all__ = (
    "AccessLogEntry",
    "AccessLogPage",
    "AcknowledgeSafetyFlagRequest",
    "ActivatePlanRequest",
    "AddDiagnosisRequest",
    "AddGoalRequest",
    "AddInterventionRequest",
    "AddObjectiveRequest",
    "AddProblemRequest",
    "AnalystRevision",
    "AnalystRevisionData",
    "AnalystRevisionPage",
    "AssessmentView",
    "AssignClinicianRequest",
    "BarrierRecordedResponse",
    "ChangeFrequencyRequest",
    "ChangeGoalStatusRequest",
    "ChangeReviewIntervalRequest",
    "ClinicianCompliance",
    "ClosePlanRequest",
    "CloseReason",
    "CommandAck",
    "Compliance",
    "CreatePlanRequest",
    "Described",
    "DiagnosisAddedResponse",
    "DiagnosisInput",
    "DiagnosisView",
    "DiffChange",
    "DiffOp",
    "DiscontinueInterventionRequest",
    "EnterScoreInErrorRequest",
    "ErasureList",
    "ErasureView",
    "EventType",
    "FieldError",
    "FlagAction",
    "FrequencyUnit",
    "FrequencyView",
    "GetPlanFhirResponse200",
    "GoalAddedResponse",
    "GoalScores",
    "GoalStatus",
    "GoalView",
    "Health",
    "InitialPlanOverdueItem",
    "Instrument",
    "InterventionAddedResponse",
    "InterventionStatus",
    "InterventionView",
    "MeasureInput",
    "MeasureView",
    "ObjectiveAddedResponse",
    "ObjectiveView",
    "Outcomes",
    "PlanCreatedResponse",
    "PlanDiff",
    "PlanPage",
    "PlanStatus",
    "PlanSummary",
    "PlanView",
    "PlanViewSafetyPlanType0",
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
    "RecordBarrierRequest",
    "RecordScoreRequest",
    "RecordStrengthRequest",
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
    "RevisionGroup",
    "RevisionGrouping",
    "RevisionGroups",
    "RevisionPage",
    "SafetyFlag",
    "SafetyFlagAcknowledgedResponse",
    "SafetyFlagItem",
    "SafetyFlagList",
    "SafetyFlagStatus",
    "SafetyScreen",
    "ScheduleAssessmentRequest",
    "ScoreEnteredInErrorResponse",
    "ScorePoint",
    "ScoreRecordedResponse",
    "ScoreSeries",
    "ScoreSeriesSeries",
    "SetDischargeCriteriaRequest",
    "SetPolicyRequest",
    "Severity",
    "SignaturesDue",
    "SignaturesDueItem",
    "SignatureView",
    "SignerRole",
    "SignPlanRequest",
    "StaffRole",
    "StrengthRecordedResponse",
    "Timeline",
    "TimelineItem",
    "TimelineItemData",
    "UpdateSafetyPlanRequest",
    "Verification",
)
