from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.goal_status import GoalStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.measure_view import MeasureView
    from ..models.objective_view import ObjectiveView
    from ..models.progress_view import ProgressView


T = TypeVar("T", bound="GoalView")


@_attrs_define
class GoalView:
    """
    Attributes:
        id (str):
        problem_ids (list[str]):
        statement (str):
        measure (MeasureView):
        target_date (datetime.date):
        status (GoalStatus): Where a goal stands; achieved, not-achieved and cancelled are final.
        objectives (list[ObjectiveView]):
        progress (None | ProgressView | Unset):
    """

    id: str
    problem_ids: list[str]
    statement: str
    measure: MeasureView
    target_date: datetime.date
    status: GoalStatus
    objectives: list[ObjectiveView]
    progress: None | ProgressView | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.progress_view import ProgressView  # noqa: PLC0415

        id = self.id

        problem_ids = self.problem_ids

        statement = self.statement

        measure = self.measure.to_dict()

        target_date = self.target_date.isoformat()

        status = self.status.value

        objectives = []
        for objectives_item_data in self.objectives:
            objectives_item = objectives_item_data.to_dict()
            objectives.append(objectives_item)

        progress: dict[str, Any] | None | Unset
        if isinstance(self.progress, Unset):
            progress = UNSET
        elif isinstance(self.progress, ProgressView):
            progress = self.progress.to_dict()
        else:
            progress = self.progress

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "problem_ids": problem_ids,
                "statement": statement,
                "measure": measure,
                "target_date": target_date,
                "status": status,
                "objectives": objectives,
            }
        )
        if progress is not UNSET:
            field_dict["progress"] = progress

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.measure_view import MeasureView  # noqa: PLC0415
        from ..models.objective_view import ObjectiveView  # noqa: PLC0415
        from ..models.progress_view import ProgressView  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        problem_ids = cast(list[str], d.pop("problem_ids"))

        statement = d.pop("statement")

        measure = MeasureView.from_dict(d.pop("measure"))

        target_date = datetime.date.fromisoformat(d.pop("target_date"))

        status = GoalStatus(d.pop("status"))

        objectives = []
        _objectives = d.pop("objectives")
        for objectives_item_data in _objectives:
            objectives_item = ObjectiveView.from_dict(objectives_item_data)

            objectives.append(objectives_item)

        def _parse_progress(data: object) -> None | ProgressView | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                progress_type_0 = ProgressView.from_dict(data)

                return progress_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ProgressView | Unset, data)

        progress = _parse_progress(d.pop("progress", UNSET))

        goal_view = cls(
            id=id,
            problem_ids=problem_ids,
            statement=statement,
            measure=measure,
            target_date=target_date,
            status=status,
            objectives=objectives,
            progress=progress,
        )

        goal_view.additional_properties = d
        return goal_view

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
