from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.measure_input import MeasureInput


T = TypeVar("T", bound="ReviseGoalRequest")


@_attrs_define
class ReviseGoalRequest:
    """
    Attributes:
        reason (str):
        statement (None | str | Unset):
        measure (MeasureInput | None | Unset):
        target_date (datetime.date | None | Unset):
    """

    reason: str
    statement: None | str | Unset = UNSET
    measure: MeasureInput | None | Unset = UNSET
    target_date: datetime.date | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.measure_input import MeasureInput  # noqa: PLC0415

        reason = self.reason

        statement: None | str | Unset
        if isinstance(self.statement, Unset):
            statement = UNSET
        else:
            statement = self.statement

        measure: dict[str, Any] | None | Unset
        if isinstance(self.measure, Unset):
            measure = UNSET
        elif isinstance(self.measure, MeasureInput):
            measure = self.measure.to_dict()
        else:
            measure = self.measure

        target_date: None | str | Unset
        if isinstance(self.target_date, Unset):
            target_date = UNSET
        elif isinstance(self.target_date, datetime.date):
            target_date = self.target_date.isoformat()
        else:
            target_date = self.target_date

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reason": reason,
            }
        )
        if statement is not UNSET:
            field_dict["statement"] = statement
        if measure is not UNSET:
            field_dict["measure"] = measure
        if target_date is not UNSET:
            field_dict["target_date"] = target_date

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.measure_input import MeasureInput  # noqa: PLC0415

        d = dict(src_dict)
        reason = d.pop("reason")

        def _parse_statement(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        statement = _parse_statement(d.pop("statement", UNSET))

        def _parse_measure(data: object) -> MeasureInput | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                measure_type_0 = MeasureInput.from_dict(data)

                return measure_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MeasureInput | None | Unset, data)

        measure = _parse_measure(d.pop("measure", UNSET))

        def _parse_target_date(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                target_date_type_0 = datetime.date.fromisoformat(data)

                return target_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        target_date = _parse_target_date(d.pop("target_date", UNSET))

        revise_goal_request = cls(
            reason=reason,
            statement=statement,
            measure=measure,
            target_date=target_date,
        )

        return revise_goal_request
