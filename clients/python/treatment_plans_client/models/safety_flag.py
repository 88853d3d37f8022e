from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.flag_action import FlagAction
from ..models.instrument import Instrument
from ..models.safety_flag_status import SafetyFlagStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="SafetyFlag")


@_attrs_define
class SafetyFlag:
    """A score whose safety item (PHQ-9 item 9) was above 0: follow up on risk.

    Attributes:
        id (str):
        status (SafetyFlagStatus): A safety flag stays open until a clinician acknowledges it.
        administered_on (datetime.date):
        score_id (None | str | Unset):
        raised_on (datetime.date | None | Unset):
        action (FlagAction | None | Unset):
        acknowledged_on (datetime.date | None | Unset):
        acknowledged_by (None | str | Unset):
        instrument (Instrument | None | Unset):
    """

    id: str
    status: SafetyFlagStatus
    administered_on: datetime.date
    score_id: None | str | Unset = UNSET
    raised_on: datetime.date | None | Unset = UNSET
    action: FlagAction | None | Unset = UNSET
    acknowledged_on: datetime.date | None | Unset = UNSET
    acknowledged_by: None | str | Unset = UNSET
    instrument: Instrument | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        status = self.status.value

        administered_on = self.administered_on.isoformat()

        score_id: None | str | Unset
        if isinstance(self.score_id, Unset):
            score_id = UNSET
        else:
            score_id = self.score_id

        raised_on: None | str | Unset
        if isinstance(self.raised_on, Unset):
            raised_on = UNSET
        elif isinstance(self.raised_on, datetime.date):
            raised_on = self.raised_on.isoformat()
        else:
            raised_on = self.raised_on

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

        acknowledged_by: None | str | Unset
        if isinstance(self.acknowledged_by, Unset):
            acknowledged_by = UNSET
        else:
            acknowledged_by = self.acknowledged_by

        instrument: None | str | Unset
        if isinstance(self.instrument, Unset):
            instrument = UNSET
        elif isinstance(self.instrument, Instrument):
            instrument = self.instrument.value
        else:
            instrument = self.instrument

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "administered_on": administered_on,
            }
        )
        if score_id is not UNSET:
            field_dict["score_id"] = score_id
        if raised_on is not UNSET:
            field_dict["raised_on"] = raised_on
        if action is not UNSET:
            field_dict["action"] = action
        if acknowledged_on is not UNSET:
            field_dict["acknowledged_on"] = acknowledged_on
        if acknowledged_by is not UNSET:
            field_dict["acknowledged_by"] = acknowledged_by
        if instrument is not UNSET:
            field_dict["instrument"] = instrument

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        status = SafetyFlagStatus(d.pop("status"))

        administered_on = datetime.date.fromisoformat(d.pop("administered_on"))

        def _parse_score_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        score_id = _parse_score_id(d.pop("score_id", UNSET))

        def _parse_raised_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                raised_on_type_0 = datetime.date.fromisoformat(data)

                return raised_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        raised_on = _parse_raised_on(d.pop("raised_on", UNSET))

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

        def _parse_acknowledged_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        acknowledged_by = _parse_acknowledged_by(d.pop("acknowledged_by", UNSET))

        def _parse_instrument(data: object) -> Instrument | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                instrument_type_0 = Instrument(data)

                return instrument_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Instrument | None | Unset, data)

        instrument = _parse_instrument(d.pop("instrument", UNSET))

        safety_flag = cls(
            id=id,
            status=status,
            administered_on=administered_on,
            score_id=score_id,
            raised_on=raised_on,
            action=action,
            acknowledged_on=acknowledged_on,
            acknowledged_by=acknowledged_by,
            instrument=instrument,
        )

        safety_flag.additional_properties = d
        return safety_flag

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
