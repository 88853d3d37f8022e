from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.signer_role import SignerRole
from ..types import UNSET, Unset

T = TypeVar("T", bound="SignPlanRequest")


@_attrs_define
class SignPlanRequest:
    """
    Attributes:
        signer_role (SignerRole): Who signs a plan.
        signed_on (datetime.date):
        signer_name (None | str | Unset):
        reason (None | str | Unset):
    """

    signer_role: SignerRole
    signed_on: datetime.date
    signer_name: None | str | Unset = UNSET
    reason: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        signer_role = self.signer_role.value

        signed_on = self.signed_on.isoformat()

        signer_name: None | str | Unset
        if isinstance(self.signer_name, Unset):
            signer_name = UNSET
        else:
            signer_name = self.signer_name

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "signer_role": signer_role,
                "signed_on": signed_on,
            }
        )
        if signer_name is not UNSET:
            field_dict["signer_name"] = signer_name
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        signer_role = SignerRole(d.pop("signer_role"))

        signed_on = datetime.date.fromisoformat(d.pop("signed_on"))

        def _parse_signer_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        signer_name = _parse_signer_name(d.pop("signer_name", UNSET))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        sign_plan_request = cls(
            signer_role=signer_role,
            signed_on=signed_on,
            signer_name=signer_name,
            reason=reason,
        )

        return sign_plan_request
