from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="AddInterventionRequest")


@_attrs_define
class AddInterventionRequest:
    """
    Attributes:
        modality (str):
        goal_ids (list[str]):
        description (None | str | Unset):
        reason (None | str | Unset):
    """

    modality: str
    goal_ids: list[str]
    description: None | str | Unset = UNSET
    reason: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        modality = self.modality

        goal_ids = self.goal_ids

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "modality": modality,
                "goal_ids": goal_ids,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        modality = d.pop("modality")

        goal_ids = cast(list[str], d.pop("goal_ids"))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        add_intervention_request = cls(
            modality=modality,
            goal_ids=goal_ids,
            description=description,
            reason=reason,
        )

        return add_intervention_request
