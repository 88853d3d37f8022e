from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ChangeReviewIntervalRequest")


@_attrs_define
class ChangeReviewIntervalRequest:
    """
    Attributes:
        days (int):
        reason (str):
    """

    days: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        days = self.days

        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "days": days,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        days = d.pop("days")

        reason = d.pop("reason")

        change_review_interval_request = cls(
            days=days,
            reason=reason,
        )

        return change_review_interval_request
