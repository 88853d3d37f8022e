from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.close_reason import CloseReason
from ..types import UNSET, Unset

T = TypeVar("T", bound="ClosePlanRequest")


@_attrs_define
class ClosePlanRequest:
    """
    Attributes:
        reason (str):
        closed_on (datetime.date):
        reason_code (CloseReason | Unset): Why a plan was closed (coded).
    """

    reason: str
    closed_on: datetime.date
    reason_code: CloseReason | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason

        closed_on = self.closed_on.isoformat()

        reason_code: str | Unset = UNSET
        if not isinstance(self.reason_code, Unset):
            reason_code = self.reason_code.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reason": reason,
                "closed_on": closed_on,
            }
        )
        if reason_code is not UNSET:
            field_dict["reason_code"] = reason_code

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reason = d.pop("reason")

        closed_on = datetime.date.fromisoformat(d.pop("closed_on"))

        _reason_code = d.pop("reason_code", UNSET)
        reason_code: CloseReason | Unset
        if isinstance(_reason_code, Unset):
            reason_code = UNSET
        else:
            reason_code = CloseReason(_reason_code)

        close_plan_request = cls(
            reason=reason,
            closed_on=closed_on,
            reason_code=reason_code,
        )

        return close_plan_request
