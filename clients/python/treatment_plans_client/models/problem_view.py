from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.problem_status import ProblemStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="ProblemView")


@_attrs_define
class ProblemView:
    """
    Attributes:
        id (str):
        description (str):
        status (ProblemStatus): Whether a problem is still being treated.
        resolved_reason (None | str | Unset):
    """

    id: str
    description: str
    status: ProblemStatus
    resolved_reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        description = self.description

        status = self.status.value

        resolved_reason: None | str | Unset
        if isinstance(self.resolved_reason, Unset):
            resolved_reason = UNSET
        else:
            resolved_reason = self.resolved_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "description": description,
                "status": status,
            }
        )
        if resolved_reason is not UNSET:
            field_dict["resolved_reason"] = resolved_reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        description = d.pop("description")

        status = ProblemStatus(d.pop("status"))

        def _parse_resolved_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        resolved_reason = _parse_resolved_reason(d.pop("resolved_reason", UNSET))

        problem_view = cls(
            id=id,
            description=description,
            status=status,
            resolved_reason=resolved_reason,
        )

        problem_view.additional_properties = d
        return problem_view

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
