from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.instrument import Instrument

T = TypeVar("T", bound="Outcomes")


@_attrs_define
class Outcomes:
    """
    Attributes:
        instrument (Instrument): A standardized measure of the instrument registry.
        goals (int | None): goals with at least two scores; null from 1 to 10
        response_rate (float | None):
        remission_rate (float | None):
        suppressed (bool):
    """

    instrument: Instrument
    goals: int | None
    response_rate: float | None
    remission_rate: float | None
    suppressed: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        instrument = self.instrument.value

        goals: int | None
        goals = self.goals

        response_rate: float | None
        response_rate = self.response_rate

        remission_rate: float | None
        remission_rate = self.remission_rate

        suppressed = self.suppressed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "instrument": instrument,
                "goals": goals,
                "response_rate": response_rate,
                "remission_rate": remission_rate,
                "suppressed": suppressed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        instrument = Instrument(d.pop("instrument"))

        def _parse_goals(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        goals = _parse_goals(d.pop("goals"))

        def _parse_response_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        response_rate = _parse_response_rate(d.pop("response_rate"))

        def _parse_remission_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        remission_rate = _parse_remission_rate(d.pop("remission_rate"))

        suppressed = d.pop("suppressed")

        outcomes = cls(
            instrument=instrument,
            goals=goals,
            response_rate=response_rate,
            remission_rate=remission_rate,
            suppressed=suppressed,
        )

        outcomes.additional_properties = d
        return outcomes

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
