from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ScoreEnteredInErrorResponse")


@_attrs_define
class ScoreEnteredInErrorResponse:
    """
    Attributes:
        version (int): the plan's version after the command
        position (int): the event's position in the global order; pass as min_position
        score_id (str):
    """

    version: int
    position: int
    score_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        version = self.version

        position = self.position

        score_id = self.score_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "version": version,
                "position": position,
                "score_id": score_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        version = d.pop("version")

        position = d.pop("position")

        score_id = d.pop("score_id")

        score_entered_in_error_response = cls(
            version=version,
            position=position,
            score_id=score_id,
        )

        score_entered_in_error_response.additional_properties = d
        return score_entered_in_error_response

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
