from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.instrument import Instrument

T = TypeVar("T", bound="SafetyFlag")


@_attrs_define
class SafetyFlag:
    """A score whose safety item (PHQ-9 item 9) was above 0: follow up on risk.

    Attributes:
        instrument (Instrument): A standardized measure of the instrument registry.
        administered_on (datetime.date):
    """

    instrument: Instrument
    administered_on: datetime.date
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        instrument = self.instrument.value

        administered_on = self.administered_on.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "instrument": instrument,
                "administered_on": administered_on,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        instrument = Instrument(d.pop("instrument"))

        administered_on = datetime.date.fromisoformat(d.pop("administered_on"))

        safety_flag = cls(
            instrument=instrument,
            administered_on=administered_on,
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
