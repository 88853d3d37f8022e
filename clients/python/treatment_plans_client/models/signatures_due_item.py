from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.signer_role import SignerRole
from ..types import UNSET, Unset

T = TypeVar("T", bound="SignaturesDueItem")


@_attrs_define
class SignaturesDueItem:
    """
    Attributes:
        plan_id (str):
        changed_on (datetime.date): the first change not yet signed again
        missing (list[SignerRole]):
        client_id (None | str | Unset):
        clinician (None | str | Unset):
    """

    plan_id: str
    changed_on: datetime.date
    missing: list[SignerRole]
    client_id: None | str | Unset = UNSET
    clinician: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        plan_id = self.plan_id

        changed_on = self.changed_on.isoformat()

        missing = []
        for missing_item_data in self.missing:
            missing_item = missing_item_data.value
            missing.append(missing_item)

        client_id: None | str | Unset
        if isinstance(self.client_id, Unset):
            client_id = UNSET
        else:
            client_id = self.client_id

        clinician: None | str | Unset
        if isinstance(self.clinician, Unset):
            clinician = UNSET
        else:
            clinician = self.clinician

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "plan_id": plan_id,
                "changed_on": changed_on,
                "missing": missing,
            }
        )
        if client_id is not UNSET:
            field_dict["client_id"] = client_id
        if clinician is not UNSET:
            field_dict["clinician"] = clinician

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        plan_id = d.pop("plan_id")

        changed_on = datetime.date.fromisoformat(d.pop("changed_on"))

        missing = []
        _missing = d.pop("missing")
        for missing_item_data in _missing:
            missing_item = SignerRole(missing_item_data)

            missing.append(missing_item)

        def _parse_client_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        client_id = _parse_client_id(d.pop("client_id", UNSET))

        def _parse_clinician(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        clinician = _parse_clinician(d.pop("clinician", UNSET))

        signatures_due_item = cls(
            plan_id=plan_id,
            changed_on=changed_on,
            missing=missing,
            client_id=client_id,
            clinician=clinician,
        )

        signatures_due_item.additional_properties = d
        return signatures_due_item

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
