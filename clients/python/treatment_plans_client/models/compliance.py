from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.clinician_compliance import ClinicianCompliance


T = TypeVar("T", bound="Compliance")


@_attrs_define
class Compliance:
    """
    Attributes:
        open_plans (int): draft or active on as_of
        reviews_overdue (int):
        initial_plans_overdue (int):
        signatures_not_current (int):
        reviews_on_time_rate (float | None): on-time / (on-time + late + overdue) over the 365 days up to as_of; null
            when there is nothing to count
        as_of (datetime.date):
        by_clinician (list[ClinicianCompliance]):
    """

    open_plans: int
    reviews_overdue: int
    initial_plans_overdue: int
    signatures_not_current: int
    reviews_on_time_rate: float | None
    as_of: datetime.date
    by_clinician: list[ClinicianCompliance]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        open_plans = self.open_plans

        reviews_overdue = self.reviews_overdue

        initial_plans_overdue = self.initial_plans_overdue

        signatures_not_current = self.signatures_not_current

        reviews_on_time_rate: float | None
        reviews_on_time_rate = self.reviews_on_time_rate

        as_of = self.as_of.isoformat()

        by_clinician = []
        for by_clinician_item_data in self.by_clinician:
            by_clinician_item = by_clinician_item_data.to_dict()
            by_clinician.append(by_clinician_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "open_plans": open_plans,
                "reviews_overdue": reviews_overdue,
                "initial_plans_overdue": initial_plans_overdue,
                "signatures_not_current": signatures_not_current,
                "reviews_on_time_rate": reviews_on_time_rate,
                "as_of": as_of,
                "by_clinician": by_clinician,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.clinician_compliance import ClinicianCompliance  # noqa: PLC0415

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

        as_of = datetime.date.fromisoformat(d.pop("as_of"))

        by_clinician = []
        _by_clinician = d.pop("by_clinician")
        for by_clinician_item_data in _by_clinician:
            by_clinician_item = ClinicianCompliance.from_dict(by_clinician_item_data)

            by_clinician.append(by_clinician_item)

        compliance = cls(
            open_plans=open_plans,
            reviews_overdue=reviews_overdue,
            initial_plans_overdue=initial_plans_overdue,
            signatures_not_current=signatures_not_current,
            reviews_on_time_rate=reviews_on_time_rate,
            as_of=as_of,
            by_clinician=by_clinician,
        )

        compliance.additional_properties = d
        return compliance

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
