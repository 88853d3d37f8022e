from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.flag_action import FlagAction
from ..types import UNSET, Unset

T = TypeVar("T", bound="AcknowledgeSafetyFlagRequest")


@_attrs_define
class AcknowledgeSafetyFlagRequest:
    """
    Attributes:
        action (FlagAction): What a clinician did about a safety flag.
        reason (str):
        acknowledged_on (datetime.date | None | Unset): defaults to today
    """

    action: FlagAction
    reason: str
    acknowledged_on: datetime.date | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        reason = self.reason

        acknowledged_on: None | str | Unset
        if isinstance(self.acknowledged_on, Unset):
            acknowledged_on = UNSET
        elif isinstance(self.acknowledged_on, datetime.date):
            acknowledged_on = self.acknowledged_on.isoformat()
        else:
            acknowledged_on = self.acknowledged_on

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "action": action,
                "reason": reason,
            }
        )
        if acknowledged_on is not UNSET:
            field_dict["acknowledged_on"] = acknowledged_on

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = FlagAction(d.pop("action"))

        reason = d.pop("reason")

        def _parse_acknowledged_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                acknowledged_on_type_0 = datetime.date.fromisoformat(data)

                return acknowledged_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        acknowledged_on = _parse_acknowledged_on(d.pop("acknowledged_on", UNSET))

        acknowledge_safety_flag_request = cls(
            action=action,
            reason=reason,
            acknowledged_on=acknowledged_on,
        )

        return acknowledge_safety_flag_request
