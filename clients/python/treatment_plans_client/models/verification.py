from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Verification")


@_attrs_define
class Verification:
    """
    Attributes:
        valid (bool):
        events_checked (int):
        head_hash (None | str | Unset):
        first_invalid_version (int | None | Unset):
    """

    valid: bool
    events_checked: int
    head_hash: None | str | Unset = UNSET
    first_invalid_version: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        valid = self.valid

        events_checked = self.events_checked

        head_hash: None | str | Unset
        if isinstance(self.head_hash, Unset):
            head_hash = UNSET
        else:
            head_hash = self.head_hash

        first_invalid_version: int | None | Unset
        if isinstance(self.first_invalid_version, Unset):
            first_invalid_version = UNSET
        else:
            first_invalid_version = self.first_invalid_version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "valid": valid,
                "events_checked": events_checked,
            }
        )
        if head_hash is not UNSET:
            field_dict["head_hash"] = head_hash
        if first_invalid_version is not UNSET:
            field_dict["first_invalid_version"] = first_invalid_version

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        valid = d.pop("valid")

        events_checked = d.pop("events_checked")

        def _parse_head_hash(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        head_hash = _parse_head_hash(d.pop("head_hash", UNSET))

        def _parse_first_invalid_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        first_invalid_version = _parse_first_invalid_version(d.pop("first_invalid_version", UNSET))

        verification = cls(
            valid=valid,
            events_checked=events_checked,
            head_hash=head_hash,
            first_invalid_version=first_invalid_version,
        )

        verification.additional_properties = d
        return verification

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
