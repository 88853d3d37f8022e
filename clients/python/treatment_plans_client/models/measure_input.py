from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.instrument import Instrument
from ..types import UNSET, Unset

T = TypeVar("T", bound="MeasureInput")


@_attrs_define
class MeasureInput:
    """
    Attributes:
        instrument (Instrument): A standardized measure of the instrument registry.
        baseline (int):
        target (int):
        loinc (None | str | Unset): ignored (derived)
    """

    instrument: Instrument
    baseline: int
    target: int
    loinc: None | str | Unset = UNSET

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

        measure_input = cls(
            instrument=instrument,
            baseline=baseline,
            target=target,
            loinc=loinc,
        )

        return measure_input
