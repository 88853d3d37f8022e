from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.frequency_unit import FrequencyUnit
from ..types import UNSET, Unset

T = TypeVar("T", bound="ChangeFrequencyRequest")


@_attrs_define
class ChangeFrequencyRequest:
    """
    Attributes:
        every (int):
        unit (FrequencyUnit): The unit of a session frequency.
        session_minutes (int):
        reason (None | str | Unset):
    """

    every: int
    unit: FrequencyUnit
    session_minutes: int
    reason: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        every = self.every

        unit = self.unit.value

        session_minutes = self.session_minutes

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "every": every,
                "unit": unit,
                "session_minutes": session_minutes,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        every = d.pop("every")

        unit = FrequencyUnit(d.pop("unit"))

        session_minutes = d.pop("session_minutes")

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        change_frequency_request = cls(
            every=every,
            unit=unit,
            session_minutes=session_minutes,
            reason=reason,
        )

        return change_frequency_request
