from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.instrument import Instrument
from ..types import UNSET, Unset

T = TypeVar("T", bound="ScheduleAssessmentRequest")


@_attrs_define
class ScheduleAssessmentRequest:
    """
    Attributes:
        instrument (Instrument): A standardized measure of the instrument registry.
        every_days (int):
        reason (None | str | Unset):
    """

    instrument: Instrument
    every_days: int
    reason: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        instrument = self.instrument.value

        every_days = self.every_days

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "instrument": instrument,
                "every_days": every_days,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        instrument = Instrument(d.pop("instrument"))

        every_days = d.pop("every_days")

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        schedule_assessment_request = cls(
            instrument=instrument,
            every_days=every_days,
            reason=reason,
        )

        return schedule_assessment_request
