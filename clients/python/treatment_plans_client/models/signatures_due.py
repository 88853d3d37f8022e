from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.signer_role import SignerRole

T = TypeVar("T", bound="SignaturesDue")


@_attrs_define
class SignaturesDue:
    """The plan changed after it was signed: who must sign again.

    Attributes:
        changed_on (datetime.date):
        missing (list[SignerRole]):
    """

    changed_on: datetime.date
    missing: list[SignerRole]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        changed_on = self.changed_on.isoformat()

        missing = []
        for missing_item_data in self.missing:
            missing_item = missing_item_data.value
            missing.append(missing_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "changed_on": changed_on,
                "missing": missing,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        changed_on = datetime.date.fromisoformat(d.pop("changed_on"))

        missing = []
        _missing = d.pop("missing")
        for missing_item_data in _missing:
            missing_item = SignerRole(missing_item_data)

            missing.append(missing_item)

        signatures_due = cls(
            changed_on=changed_on,
            missing=missing,
        )

        signatures_due.additional_properties = d
        return signatures_due

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
