from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.close_reason import CloseReason
from ..models.plan_status import PlanStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.assessment_view import AssessmentView
    from ..models.described import Described
    from ..models.diagnosis_view import DiagnosisView
    from ..models.frequency_view import FrequencyView
    from ..models.goal_view import GoalView
    from ..models.intervention_view import InterventionView
    from ..models.plan_view_safety_plan_type_0 import PlanViewSafetyPlanType0
    from ..models.problem_view import ProblemView
    from ..models.review_view import ReviewView
    from ..models.safety_flag import SafetyFlag
    from ..models.signature_view import SignatureView
    from ..models.signatures_due import SignaturesDue


T = TypeVar("T", bound="PlanView")


@_attrs_define
class PlanView:
    """A treatment plan, current or as of a version or instant.

    Attributes:
        id (str):
        clinic (str):
        client_id (str):
        status (PlanStatus): A plan is a draft until its required signers have signed; closed is final.
        version (int):
        problems (list[ProblemView]):
        diagnoses (list[DiagnosisView]):
        goals (list[GoalView]):
        interventions (list[InterventionView]):
        frequency (FrequencyView | None):
        assessments (list[AssessmentView]):
        review (ReviewView):
        signatures (list[SignatureView]):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        clinician (None | str | Unset):
        start_date (datetime.date | None | Unset):
        presenting_concerns (list[str] | Unset):
        signatures_current (bool | None | Unset):
        signatures_due (None | SignaturesDue | Unset):
        safety_flags (list[SafetyFlag] | Unset):
        safety_plan (None | PlanViewSafetyPlanType0 | Unset): the safety plan's sections, each a list of entries
        strengths (list[Described] | Unset):
        barriers (list[Described] | Unset):
        discharge_criteria (list[str] | None | Unset):
        closed_on (datetime.date | None | Unset):
        close_reason_code (CloseReason | None | Unset):
    """

    id: str
    clinic: str
    client_id: str
    status: PlanStatus
    version: int
    problems: list[ProblemView]
    diagnoses: list[DiagnosisView]
    goals: list[GoalView]
    interventions: list[InterventionView]
    frequency: FrequencyView | None
    assessments: list[AssessmentView]
    review: ReviewView
    signatures: list[SignatureView]
    created_at: datetime.datetime
    updated_at: datetime.datetime
    clinician: None | str | Unset = UNSET
    start_date: datetime.date | None | Unset = UNSET
    presenting_concerns: list[str] | Unset = UNSET
    signatures_current: bool | None | Unset = UNSET
    signatures_due: None | SignaturesDue | Unset = UNSET
    safety_flags: list[SafetyFlag] | Unset = UNSET
    safety_plan: None | PlanViewSafetyPlanType0 | Unset = UNSET
    strengths: list[Described] | Unset = UNSET
    barriers: list[Described] | Unset = UNSET
    discharge_criteria: list[str] | None | Unset = UNSET
    closed_on: datetime.date | None | Unset = UNSET
    close_reason_code: CloseReason | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.frequency_view import FrequencyView  # noqa: PLC0415
        from ..models.plan_view_safety_plan_type_0 import PlanViewSafetyPlanType0  # noqa: PLC0415
        from ..models.signatures_due import SignaturesDue  # noqa: PLC0415

        id = self.id

        clinic = self.clinic

        client_id = self.client_id

        status = self.status.value

        version = self.version

        problems = []
        for problems_item_data in self.problems:
            problems_item = problems_item_data.to_dict()
            problems.append(problems_item)

        diagnoses = []
        for diagnoses_item_data in self.diagnoses:
            diagnoses_item = diagnoses_item_data.to_dict()
            diagnoses.append(diagnoses_item)

        goals = []
        for goals_item_data in self.goals:
            goals_item = goals_item_data.to_dict()
            goals.append(goals_item)

        interventions = []
        for interventions_item_data in self.interventions:
            interventions_item = interventions_item_data.to_dict()
            interventions.append(interventions_item)

        frequency: dict[str, Any] | None
        if isinstance(self.frequency, FrequencyView):
            frequency = self.frequency.to_dict()
        else:
            frequency = self.frequency

        assessments = []
        for assessments_item_data in self.assessments:
            assessments_item = assessments_item_data.to_dict()
            assessments.append(assessments_item)

        review = self.review.to_dict()

        signatures = []
        for signatures_item_data in self.signatures:
            signatures_item = signatures_item_data.to_dict()
            signatures.append(signatures_item)

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        clinician: None | str | Unset
        if isinstance(self.clinician, Unset):
            clinician = UNSET
        else:
            clinician = self.clinician

        start_date: None | str | Unset
        if isinstance(self.start_date, Unset):
            start_date = UNSET
        elif isinstance(self.start_date, datetime.date):
            start_date = self.start_date.isoformat()
        else:
            start_date = self.start_date

        presenting_concerns: list[str] | Unset = UNSET
        if not isinstance(self.presenting_concerns, Unset):
            presenting_concerns = self.presenting_concerns

        signatures_current: bool | None | Unset
        if isinstance(self.signatures_current, Unset):
            signatures_current = UNSET
        else:
            signatures_current = self.signatures_current

        signatures_due: dict[str, Any] | None | Unset
        if isinstance(self.signatures_due, Unset):
            signatures_due = UNSET
        elif isinstance(self.signatures_due, SignaturesDue):
            signatures_due = self.signatures_due.to_dict()
        else:
            signatures_due = self.signatures_due

        safety_flags: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.safety_flags, Unset):
            safety_flags = []
            for safety_flags_item_data in self.safety_flags:
                safety_flags_item = safety_flags_item_data.to_dict()
                safety_flags.append(safety_flags_item)

        safety_plan: dict[str, Any] | None | Unset
        if isinstance(self.safety_plan, Unset):
            safety_plan = UNSET
        elif isinstance(self.safety_plan, PlanViewSafetyPlanType0):
            safety_plan = self.safety_plan.to_dict()
        else:
            safety_plan = self.safety_plan

        strengths: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.strengths, Unset):
            strengths = []
            for strengths_item_data in self.strengths:
                strengths_item = strengths_item_data.to_dict()
                strengths.append(strengths_item)

        barriers: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.barriers, Unset):
            barriers = []
            for barriers_item_data in self.barriers:
                barriers_item = barriers_item_data.to_dict()
                barriers.append(barriers_item)

        discharge_criteria: list[str] | None | Unset
        if isinstance(self.discharge_criteria, Unset):
            discharge_criteria = UNSET
        elif isinstance(self.discharge_criteria, list):
            discharge_criteria = self.discharge_criteria

        else:
            discharge_criteria = self.discharge_criteria

        closed_on: None | str | Unset
        if isinstance(self.closed_on, Unset):
            closed_on = UNSET
        elif isinstance(self.closed_on, datetime.date):
            closed_on = self.closed_on.isoformat()
        else:
            closed_on = self.closed_on

        close_reason_code: None | str | Unset
        if isinstance(self.close_reason_code, Unset):
            close_reason_code = UNSET
        elif isinstance(self.close_reason_code, CloseReason):
            close_reason_code = self.close_reason_code.value
        else:
            close_reason_code = self.close_reason_code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "clinic": clinic,
                "client_id": client_id,
                "status": status,
                "version": version,
                "problems": problems,
                "diagnoses": diagnoses,
                "goals": goals,
                "interventions": interventions,
                "frequency": frequency,
                "assessments": assessments,
                "review": review,
                "signatures": signatures,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if clinician is not UNSET:
            field_dict["clinician"] = clinician
        if start_date is not UNSET:
            field_dict["start_date"] = start_date
        if presenting_concerns is not UNSET:
            field_dict["presenting_concerns"] = presenting_concerns
        if signatures_current is not UNSET:
            field_dict["signatures_current"] = signatures_current
        if signatures_due is not UNSET:
            field_dict["signatures_due"] = signatures_due
        if safety_flags is not UNSET:
            field_dict["safety_flags"] = safety_flags
        if safety_plan is not UNSET:
            field_dict["safety_plan"] = safety_plan
        if strengths is not UNSET:
            field_dict["strengths"] = strengths
        if barriers is not UNSET:
            field_dict["barriers"] = barriers
        if discharge_criteria is not UNSET:
            field_dict["discharge_criteria"] = discharge_criteria
        if closed_on is not UNSET:
            field_dict["closed_on"] = closed_on
        if close_reason_code is not UNSET:
            field_dict["close_reason_code"] = close_reason_code

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.assessment_view import AssessmentView  # noqa: PLC0415
        from ..models.described import Described  # noqa: PLC0415
        from ..models.diagnosis_view import DiagnosisView  # noqa: PLC0415
        from ..models.frequency_view import FrequencyView  # noqa: PLC0415
        from ..models.goal_view import GoalView  # noqa: PLC0415
        from ..models.intervention_view import InterventionView  # noqa: PLC0415
        from ..models.plan_view_safety_plan_type_0 import PlanViewSafetyPlanType0  # noqa: PLC0415
        from ..models.problem_view import ProblemView  # noqa: PLC0415
        from ..models.review_view import ReviewView  # noqa: PLC0415
        from ..models.safety_flag import SafetyFlag  # noqa: PLC0415
        from ..models.signature_view import SignatureView  # noqa: PLC0415
        from ..models.signatures_due import SignaturesDue  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        clinic = d.pop("clinic")

        client_id = d.pop("client_id")

        status = PlanStatus(d.pop("status"))

        version = d.pop("version")

        problems = []
        _problems = d.pop("problems")
        for problems_item_data in _problems:
            problems_item = ProblemView.from_dict(problems_item_data)

            problems.append(problems_item)

        diagnoses = []
        _diagnoses = d.pop("diagnoses")
        for diagnoses_item_data in _diagnoses:
            diagnoses_item = DiagnosisView.from_dict(diagnoses_item_data)

            diagnoses.append(diagnoses_item)

        goals = []
        _goals = d.pop("goals")
        for goals_item_data in _goals:
            goals_item = GoalView.from_dict(goals_item_data)

            goals.append(goals_item)

        interventions = []
        _interventions = d.pop("interventions")
        for interventions_item_data in _interventions:
            interventions_item = InterventionView.from_dict(interventions_item_data)

            interventions.append(interventions_item)

        def _parse_frequency(data: object) -> FrequencyView | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                frequency_type_0 = FrequencyView.from_dict(data)

                return frequency_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FrequencyView | None, data)

        frequency = _parse_frequency(d.pop("frequency"))

        assessments = []
        _assessments = d.pop("assessments")
        for assessments_item_data in _assessments:
            assessments_item = AssessmentView.from_dict(assessments_item_data)

            assessments.append(assessments_item)

        review = ReviewView.from_dict(d.pop("review"))

        signatures = []
        _signatures = d.pop("signatures")
        for signatures_item_data in _signatures:
            signatures_item = SignatureView.from_dict(signatures_item_data)

            signatures.append(signatures_item)

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_clinician(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        clinician = _parse_clinician(d.pop("clinician", UNSET))

        def _parse_start_date(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                start_date_type_0 = datetime.date.fromisoformat(data)

                return start_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        start_date = _parse_start_date(d.pop("start_date", UNSET))

        presenting_concerns = cast(list[str], d.pop("presenting_concerns", UNSET))

        def _parse_signatures_current(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        signatures_current = _parse_signatures_current(d.pop("signatures_current", UNSET))

        def _parse_signatures_due(data: object) -> None | SignaturesDue | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                signatures_due_type_0 = SignaturesDue.from_dict(data)

                return signatures_due_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SignaturesDue | Unset, data)

        signatures_due = _parse_signatures_due(d.pop("signatures_due", UNSET))

        _safety_flags = d.pop("safety_flags", UNSET)
        safety_flags: list[SafetyFlag] | Unset = UNSET
        if _safety_flags is not UNSET:
            safety_flags = []
            for safety_flags_item_data in _safety_flags:
                safety_flags_item = SafetyFlag.from_dict(safety_flags_item_data)

                safety_flags.append(safety_flags_item)

        def _parse_safety_plan(data: object) -> None | PlanViewSafetyPlanType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                safety_plan_type_0 = PlanViewSafetyPlanType0.from_dict(data)

                return safety_plan_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PlanViewSafetyPlanType0 | Unset, data)

        safety_plan = _parse_safety_plan(d.pop("safety_plan", UNSET))

        _strengths = d.pop("strengths", UNSET)
        strengths: list[Described] | Unset = UNSET
        if _strengths is not UNSET:
            strengths = []
            for strengths_item_data in _strengths:
                strengths_item = Described.from_dict(strengths_item_data)

                strengths.append(strengths_item)

        _barriers = d.pop("barriers", UNSET)
        barriers: list[Described] | Unset = UNSET
        if _barriers is not UNSET:
            barriers = []
            for barriers_item_data in _barriers:
                barriers_item = Described.from_dict(barriers_item_data)

                barriers.append(barriers_item)

        def _parse_discharge_criteria(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                discharge_criteria_type_0 = cast(list[str], data)

                return discharge_criteria_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        discharge_criteria = _parse_discharge_criteria(d.pop("discharge_criteria", UNSET))

        def _parse_closed_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                closed_on_type_0 = datetime.date.fromisoformat(data)

                return closed_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        closed_on = _parse_closed_on(d.pop("closed_on", UNSET))

        def _parse_close_reason_code(data: object) -> CloseReason | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                close_reason_code_type_0 = CloseReason(data)

                return close_reason_code_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CloseReason | None | Unset, data)

        close_reason_code = _parse_close_reason_code(d.pop("close_reason_code", UNSET))

        plan_view = cls(
            id=id,
            clinic=clinic,
            client_id=client_id,
            status=status,
            version=version,
            problems=problems,
            diagnoses=diagnoses,
            goals=goals,
            interventions=interventions,
            frequency=frequency,
            assessments=assessments,
            review=review,
            signatures=signatures,
            created_at=created_at,
            updated_at=updated_at,
            clinician=clinician,
            start_date=start_date,
            presenting_concerns=presenting_concerns,
            signatures_current=signatures_current,
            signatures_due=signatures_due,
            safety_flags=safety_flags,
            safety_plan=safety_plan,
            strengths=strengths,
            barriers=barriers,
            discharge_criteria=discharge_criteria,
            closed_on=closed_on,
            close_reason_code=close_reason_code,
        )

        plan_view.additional_properties = d
        return plan_view

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
