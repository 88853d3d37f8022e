from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.measure_input import MeasureInput


T = TypeVar("T", bound="AddGoalRequest")


@_attrs_define
class AddGoalRequest:
    """
    Attributes:
        problem_ids (list[str]):
        statement (str):
        measure (MeasureInput):
        target_date (datetime.date):
        reason (None | str | Unset):
    """

    problem_ids: list[str]
    statement: str
    measure: MeasureInput
    target_date: datetime.date
    reason: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        problem_ids = self.problem_ids

        statement = self.statement

        measure = self.measure.to_dict()

        target_date = self.target_date.isoformat()

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "problem_ids": problem_ids,
                "statement": statement,
                "measure": measure,
                "target_date": target_date,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.measure_input import MeasureInput  # noqa: PLC0415

        d = dict(src_dict)
        problem_ids = cast(list[str], d.pop("problem_ids"))

        statement = d.pop("statement")

        measure = MeasureInput.from_dict(d.pop("measure"))

        target_date = datetime.date.fromisoformat(d.pop("target_date"))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        add_goal_request = cls(
            problem_ids=problem_ids,
            statement=statement,
            measure=measure,
            target_date=target_date,
            reason=reason,
        )

        return add_goal_request
