from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="StrengthRecordedResponse")


@_attrs_define
class StrengthRecordedResponse:
    """
    Attributes:
        version (int): the plan's version after the command
        position (int): the event's position in the global order; pass as min_position
        strength_id (str):
    """

    version: int
    position: int
    strength_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        version = self.version

        position = self.position

        strength_id = self.strength_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "version": version,
                "position": position,
                "strength_id": strength_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        version = d.pop("version")

        position = d.pop("position")

        strength_id = d.pop("strength_id")

        strength_recorded_response = cls(
            version=version,
            position=position,
            strength_id=strength_id,
        )

        strength_recorded_response.additional_properties = d
        return strength_recorded_response

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
