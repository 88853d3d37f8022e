from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.signer_role import SignerRole
from ..types import UNSET, Unset

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
        initial_plan_days (int | Unset): days from start to a signed plan Default: 30.
    """

    clinic: str
    review_interval_days: int
    due_soon_days: int
    required_signers: list[SignerRole]
    version: int
    initial_plan_days: int | Unset = 30
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

        initial_plan_days = self.initial_plan_days

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
        if initial_plan_days is not UNSET:
            field_dict["initial_plan_days"] = initial_plan_days

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

        initial_plan_days = d.pop("initial_plan_days", UNSET)

        policy_view = cls(
            clinic=clinic,
            review_interval_days=review_interval_days,
            due_soon_days=due_soon_days,
            required_signers=required_signers,
            version=version,
            initial_plan_days=initial_plan_days,
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
