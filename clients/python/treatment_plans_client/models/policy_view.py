from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.signer_role import SignerRole

T = TypeVar("T", bound="PolicyView")


@_attrs_define
class PolicyView:
    """
    Attributes:
        clinic (str):
        review_interval_days (int):
        due_soon_days (int):
        required_signers (list[SignerRole]):
        version (int): the policy's own version; 0 while the defaults apply
    """

    clinic: str
    review_interval_days: int
    due_soon_days: int
    required_signers: list[SignerRole]
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        clinic = self.clinic

        review_interval_days = self.review_interval_days

        due_soon_days = self.due_soon_days

        required_signers = []
        for required_signers_item_data in self.required_signers:
            required_signers_item = required_signers_item_data.value
            required_signers.append(required_signers_item)

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "clinic": clinic,
                "review_interval_days": review_interval_days,
                "due_soon_days": due_soon_days,
                "required_signers": required_signers,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        clinic = d.pop("clinic")

        review_interval_days = d.pop("review_interval_days")

        due_soon_days = d.pop("due_soon_days")

        required_signers = []
        _required_signers = d.pop("required_signers")
        for required_signers_item_data in _required_signers:
            required_signers_item = SignerRole(required_signers_item_data)

            required_signers.append(required_signers_item)

        version = d.pop("version")

        policy_view = cls(
            clinic=clinic,
            review_interval_days=review_interval_days,
            due_soon_days=due_soon_days,
            required_signers=required_signers,
            version=version,
        )

        policy_view.additional_properties = d
        return policy_view

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
