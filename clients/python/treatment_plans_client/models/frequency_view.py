from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.frequency_unit import FrequencyUnit

T = TypeVar("T", bound="FrequencyView")


@_attrs_define
class FrequencyView:
    """
    Attributes:
        every (int):
        unit (FrequencyUnit): The unit of a session frequency.
        session_minutes (int):
    """

    every: int
    unit: FrequencyUnit
    session_minutes: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        every = self.every

        unit = self.unit.value

        session_minutes = self.session_minutes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "every": every,
                "unit": unit,
                "session_minutes": session_minutes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        every = d.pop("every")

        unit = FrequencyUnit(d.pop("unit"))

        session_minutes = d.pop("session_minutes")

        frequency_view = cls(
            every=every,
            unit=unit,
            session_minutes=session_minutes,
        )

        frequency_view.additional_properties = d
        return frequency_view

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
