from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ClosePlanRequest")


@_attrs_define
class ClosePlanRequest:
    """
    Attributes:
        reason (str):
        closed_on (datetime.date):
    """

    reason: str
    closed_on: datetime.date

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason

        closed_on = self.closed_on.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reason": reason,
                "closed_on": closed_on,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reason = d.pop("reason")

        closed_on = datetime.date.fromisoformat(d.pop("closed_on"))

        close_plan_request = cls(
            reason=reason,
            closed_on=closed_on,
        )

        return close_plan_request
