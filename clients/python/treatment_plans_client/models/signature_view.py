from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.signer_role import SignerRole
from ..types import UNSET, Unset

T = TypeVar("T", bound="SignatureView")


@_attrs_define
class SignatureView:
    """
    Attributes:
        signer_role (SignerRole): Who signs a plan.
        signed_on (datetime.date):
        version (int):
        signer_name (None | str | Unset):
        head_hash (None | str | Unset):
        changed_since (bool | None | Unset):
        diff (None | str | Unset):
    """

    signer_role: SignerRole
    signed_on: datetime.date
    version: int
    signer_name: None | str | Unset = UNSET
    head_hash: None | str | Unset = UNSET
    changed_since: bool | None | Unset = UNSET
    diff: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        signer_role = self.signer_role.value

        signed_on = self.signed_on.isoformat()

        version = self.version

        signer_name: None | str | Unset
        if isinstance(self.signer_name, Unset):
            signer_name = UNSET
        else:
            signer_name = self.signer_name

        head_hash: None | str | Unset
        if isinstance(self.head_hash, Unset):
            head_hash = UNSET
        else:
            head_hash = self.head_hash

        changed_since: bool | None | Unset
        if isinstance(self.changed_since, Unset):
            changed_since = UNSET
        else:
            changed_since = self.changed_since

        diff: None | str | Unset
        if isinstance(self.diff, Unset):
            diff = UNSET
        else:
            diff = self.diff

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "signer_role": signer_role,
                "signed_on": signed_on,
                "version": version,
            }
        )
        if signer_name is not UNSET:
            field_dict["signer_name"] = signer_name
        if head_hash is not UNSET:
            field_dict["head_hash"] = head_hash
        if changed_since is not UNSET:
            field_dict["changed_since"] = changed_since
        if diff is not UNSET:
            field_dict["diff"] = diff

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        signer_role = SignerRole(d.pop("signer_role"))

        signed_on = datetime.date.fromisoformat(d.pop("signed_on"))

        version = d.pop("version")

        def _parse_signer_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        signer_name = _parse_signer_name(d.pop("signer_name", UNSET))

        def _parse_head_hash(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        head_hash = _parse_head_hash(d.pop("head_hash", UNSET))

        def _parse_changed_since(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        changed_since = _parse_changed_since(d.pop("changed_since", UNSET))

        def _parse_diff(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        diff = _parse_diff(d.pop("diff", UNSET))

        signature_view = cls(
            signer_role=signer_role,
            signed_on=signed_on,
            version=version,
            signer_name=signer_name,
            head_hash=head_hash,
            changed_since=changed_since,
            diff=diff,
        )

        signature_view.additional_properties = d
        return signature_view

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
