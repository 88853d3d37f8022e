from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ClinicianCompliance")


@_attrs_define
class ClinicianCompliance:
    """
    Attributes:
        open_plans (int): draft or active on as_of
        reviews_overdue (int):
        initial_plans_overdue (int):
        signatures_not_current (int):
        reviews_on_time_rate (float | None): on-time / (on-time + late + overdue) over the 365 days up to as_of; null
            when there is nothing to count
        clinician (str):
    """

    open_plans: int
    reviews_overdue: int
    initial_plans_overdue: int
    signatures_not_current: int
    reviews_on_time_rate: float | None
    clinician: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        open_plans = self.open_plans

        reviews_overdue = self.reviews_overdue

        initial_plans_overdue = self.initial_plans_overdue

        signatures_not_current = self.signatures_not_current

        reviews_on_time_rate: float | None
        reviews_on_time_rate = self.reviews_on_time_rate

        clinician = self.clinician

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "open_plans": open_plans,
                "reviews_overdue": reviews_overdue,
                "initial_plans_overdue": initial_plans_overdue,
                "signatures_not_current": signatures_not_current,
                "reviews_on_time_rate": reviews_on_time_rate,
                "clinician": clinician,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        open_plans = d.pop("open_plans")

        reviews_overdue = d.pop("reviews_overdue")

        initial_plans_overdue = d.pop("initial_plans_overdue")

        signatures_not_current = d.pop("signatures_not_current")

        def _parse_reviews_on_time_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        reviews_on_time_rate = _parse_reviews_on_time_rate(d.pop("reviews_on_time_rate"))

        clinician = d.pop("clinician")

        clinician_compliance = cls(
            open_plans=open_plans,
            reviews_overdue=reviews_overdue,
            initial_plans_overdue=initial_plans_overdue,
            signatures_not_current=signatures_not_current,
            reviews_on_time_rate=reviews_on_time_rate,
            clinician=clinician,
        )

        clinician_compliance.additional_properties = d
        return clinician_compliance

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
