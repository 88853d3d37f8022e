from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ErasureView")


@_attrs_define
class ErasureView:
    """
    Attributes:
        id (str):
        erased_at (datetime.datetime): when the client's data key was destroyed (UTC)
        actor (str):
        role (str):
        clinic (str):
        reason (str):
        client_ref (str): keyed hash of clinic and client id (the id itself is not kept)
        plan_ids (list[str]):
    """

    id: str
    erased_at: datetime.datetime
    actor: str
    role: str
    clinic: str
    reason: str
    client_ref: str
    plan_ids: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        erased_at = self.erased_at.isoformat()

        actor = self.actor

        role = self.role

        clinic = self.clinic

        reason = self.reason

        client_ref = self.client_ref

        plan_ids = self.plan_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "erased_at": erased_at,
                "actor": actor,
                "role": role,
                "clinic": clinic,
                "reason": reason,
                "client_ref": client_ref,
                "plan_ids": plan_ids,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        erased_at = datetime.datetime.fromisoformat(d.pop("erased_at"))

        actor = d.pop("actor")

        role = d.pop("role")

        clinic = d.pop("clinic")

        reason = d.pop("reason")

        client_ref = d.pop("client_ref")

        plan_ids = cast(list[str], d.pop("plan_ids"))

        erasure_view = cls(
            id=id,
            erased_at=erased_at,
            actor=actor,
            role=role,
            clinic=clinic,
            reason=reason,
            client_ref=client_ref,
            plan_ids=plan_ids,
        )

        erasure_view.additional_properties = d
        return erasure_view

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
