from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.signer_role import SignerRole
from ..types import UNSET, Unset

T = TypeVar("T", bound="SetPolicyRequest")


@_attrs_define
class SetPolicyRequest:
    """
    Attributes:
        review_interval_days (int):
        due_soon_days (int):
        required_signers (list[SignerRole] | None | Unset): default: clinician and client
        initial_plan_days (int | Unset): days from a plan's start to its signed initial plan Default: 30.
        reason (None | str | Unset):
    """

    review_interval_days: int
    due_soon_days: int
    required_signers: list[SignerRole] | None | Unset = UNSET
    initial_plan_days: int | Unset = 30
    reason: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        review_interval_days = self.review_interval_days

        due_soon_days = self.due_soon_days

        required_signers: list[str] | None | Unset
        if isinstance(self.required_signers, Unset):
            required_signers = UNSET
        elif isinstance(self.required_signers, list):
            required_signers = []
            for required_signers_type_0_item_data in self.required_signers:
                required_signers_type_0_item = required_signers_type_0_item_data.value
                required_signers.append(required_signers_type_0_item)

        else:
            required_signers = self.required_signers

        initial_plan_days = self.initial_plan_days

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "review_interval_days": review_interval_days,
                "due_soon_days": due_soon_days,
            }
        )
        if required_signers is not UNSET:
            field_dict["required_signers"] = required_signers
        if initial_plan_days is not UNSET:
            field_dict["initial_plan_days"] = initial_plan_days
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        review_interval_days = d.pop("review_interval_days")

        due_soon_days = d.pop("due_soon_days")

        def _parse_required_signers(data: object) -> list[SignerRole] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                required_signers_type_0 = []
                _required_signers_type_0 = data
                for required_signers_type_0_item_data in _required_signers_type_0:
                    required_signers_type_0_item = SignerRole(required_signers_type_0_item_data)

                    required_signers_type_0.append(required_signers_type_0_item)

                return required_signers_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[SignerRole] | None | Unset, data)

        required_signers = _parse_required_signers(d.pop("required_signers", UNSET))

        initial_plan_days = d.pop("initial_plan_days", UNSET)

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        set_policy_request = cls(
            review_interval_days=review_interval_days,
            due_soon_days=due_soon_days,
            required_signers=required_signers,
            initial_plan_days=initial_plan_days,
            reason=reason,
        )

        return set_policy_request
