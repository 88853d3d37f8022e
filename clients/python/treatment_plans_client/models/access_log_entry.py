from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AccessLogEntry")


@_attrs_define
class AccessLogEntry:
    """
    Attributes:
        id (int):
        at (datetime.datetime):
        actor (str):
        role (str):
        clinic (str):
        plan_id (None | str):
        action (str):
        outcome (int):
    """

    id: int
    at: datetime.datetime
    actor: str
    role: str
    clinic: str
    plan_id: None | str
    action: str
    outcome: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        at = self.at.isoformat()

        actor = self.actor

        role = self.role

        clinic = self.clinic

        plan_id: None | str
        plan_id = self.plan_id

        action = self.action

        outcome = self.outcome

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "at": at,
                "actor": actor,
                "role": role,
                "clinic": clinic,
                "plan_id": plan_id,
                "action": action,
                "outcome": outcome,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        actor = d.pop("actor")

        role = d.pop("role")

        clinic = d.pop("clinic")

        def _parse_plan_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        plan_id = _parse_plan_id(d.pop("plan_id"))

        action = d.pop("action")

        outcome = d.pop("outcome")

        access_log_entry = cls(
            id=id,
            at=at,
            actor=actor,
            role=role,
            clinic=clinic,
            plan_id=plan_id,
            action=action,
            outcome=outcome,
        )

        access_log_entry.additional_properties = d
        return access_log_entry

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
