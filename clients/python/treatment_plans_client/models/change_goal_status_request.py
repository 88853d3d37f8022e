from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.goal_status import GoalStatus

T = TypeVar("T", bound="ChangeGoalStatusRequest")


@_attrs_define
class ChangeGoalStatusRequest:
    """
    Attributes:
        status (GoalStatus): Where a goal stands; achieved, not-achieved and cancelled are final.
        reason (str):
    """

    status: GoalStatus
    reason: str

    def to_dict(self) -> dict[str, Any]:
        status = self.status.value

        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "status": status,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status = GoalStatus(d.pop("status"))

        reason = d.pop("reason")

        change_goal_status_request = cls(
            status=status,
            reason=reason,
        )

        return change_goal_status_request
