from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.instrument import Instrument
from ..types import UNSET, Unset

T = TypeVar("T", bound="MeasureView")


@_attrs_define
class MeasureView:
    """
    Attributes:
        instrument (Instrument): A standardized measure of the instrument registry.
        baseline (int):
        target (int):
        loinc (None | str | Unset):
    """

    instrument: Instrument
    baseline: int
    target: int
    loinc: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        instrument = self.instrument.value

        baseline = self.baseline

        target = self.target

        loinc: None | str | Unset
        if isinstance(self.loinc, Unset):
            loinc = UNSET
        else:
            loinc = self.loinc

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "instrument": instrument,
                "baseline": baseline,
                "target": target,
            }
        )
        if loinc is not UNSET:
            field_dict["loinc"] = loinc

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        instrument = Instrument(d.pop("instrument"))

        baseline = d.pop("baseline")

        target = d.pop("target")

        def _parse_loinc(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        loinc = _parse_loinc(d.pop("loinc", UNSET))

        measure_view = cls(
            instrument=instrument,
            baseline=baseline,
            target=target,
            loinc=loinc,
        )

        measure_view.additional_properties = d
        return measure_view

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
