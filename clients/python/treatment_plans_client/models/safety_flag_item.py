from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.flag_action import FlagAction
from ..models.safety_flag_status import SafetyFlagStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="SafetyFlagItem")


@_attrs_define
class SafetyFlagItem:
    """
    Attributes:
        plan_id (str):
        flag_id (str):
        client_id (str):
        clinician (str):
        raised_on (datetime.date):
        days_open (int): open: days since raised; acknowledged: days it was open
        status (SafetyFlagStatus): A safety flag stays open until a clinician acknowledges it.
        score_id (None | str | Unset):
        action (FlagAction | None | Unset):
        acknowledged_on (datetime.date | None | Unset):
    """

    plan_id: str
    flag_id: str
    client_id: str
    clinician: str
    raised_on: datetime.date
    days_open: int
    status: SafetyFlagStatus
    score_id: None | str | Unset = UNSET
    action: FlagAction | None | Unset = UNSET
    acknowledged_on: datetime.date | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        plan_id = self.plan_id

        flag_id = self.flag_id

        client_id = self.client_id

        clinician = self.clinician

        raised_on = self.raised_on.isoformat()

        days_open = self.days_open

        status = self.status.value

        score_id: None | str | Unset
        if isinstance(self.score_id, Unset):
            score_id = UNSET
        else:
            score_id = self.score_id

        action: None | str | Unset
        if isinstance(self.action, Unset):
            action = UNSET
        elif isinstance(self.action, FlagAction):
            action = self.action.value
        else:
            action = self.action

        acknowledged_on: None | str | Unset
        if isinstance(self.acknowledged_on, Unset):
            acknowledged_on = UNSET
        elif isinstance(self.acknowledged_on, datetime.date):
            acknowledged_on = self.acknowledged_on.isoformat()
        else:
            acknowledged_on = self.acknowledged_on

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "plan_id": plan_id,
                "flag_id": flag_id,
                "client_id": client_id,
                "clinician": clinician,
                "raised_on": raised_on,
                "days_open": days_open,
                "status": status,
            }
        )
        if score_id is not UNSET:
            field_dict["score_id"] = score_id
        if action is not UNSET:
            field_dict["action"] = action
        if acknowledged_on is not UNSET:
            field_dict["acknowledged_on"] = acknowledged_on

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        plan_id = d.pop("plan_id")

        flag_id = d.pop("flag_id")

        client_id = d.pop("client_id")

        clinician = d.pop("clinician")

        raised_on = datetime.date.fromisoformat(d.pop("raised_on"))

        days_open = d.pop("days_open")

        status = SafetyFlagStatus(d.pop("status"))

        def _parse_score_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        score_id = _parse_score_id(d.pop("score_id", UNSET))

        def _parse_action(data: object) -> FlagAction | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                action_type_0 = FlagAction(data)

                return action_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FlagAction | None | Unset, data)

        action = _parse_action(d.pop("action", UNSET))

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

        safety_flag_item = cls(
            plan_id=plan_id,
            flag_id=flag_id,
            client_id=client_id,
            clinician=clinician,
            raised_on=raised_on,
            days_open=days_open,
            status=status,
            score_id=score_id,
            action=action,
            acknowledged_on=acknowledged_on,
        )

        safety_flag_item.additional_properties = d
        return safety_flag_item

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
