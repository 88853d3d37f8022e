from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="InitialPlanOverdueItem")


@_attrs_define
class InitialPlanOverdueItem:
    """
    Attributes:
        plan_id (str):
        start_date (datetime.date):
        days_overdue (int):
        client_id (None | str | Unset):
        clinician (None | str | Unset):
    """

    plan_id: str
    start_date: datetime.date
    days_overdue: int
    client_id: None | str | Unset = UNSET
    clinician: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        plan_id = self.plan_id

        start_date = self.start_date.isoformat()

        days_overdue = self.days_overdue

        client_id: None | str | Unset
        if isinstance(self.client_id, Unset):
            client_id = UNSET
        else:
            client_id = self.client_id

        clinician: None | str | Unset
        if isinstance(self.clinician, Unset):
            clinician = UNSET
        else:
            clinician = self.clinician

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "plan_id": plan_id,
                "start_date": start_date,
                "days_overdue": days_overdue,
            }
        )
        if client_id is not UNSET:
            field_dict["client_id"] = client_id
        if clinician is not UNSET:
            field_dict["clinician"] = clinician

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        plan_id = d.pop("plan_id")

        start_date = datetime.date.fromisoformat(d.pop("start_date"))

        days_overdue = d.pop("days_overdue")

        def _parse_client_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        client_id = _parse_client_id(d.pop("client_id", UNSET))

        def _parse_clinician(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        clinician = _parse_clinician(d.pop("clinician", UNSET))

        initial_plan_overdue_item = cls(
            plan_id=plan_id,
            start_date=start_date,
            days_overdue=days_overdue,
            client_id=client_id,
            clinician=clinician,
        )

        initial_plan_overdue_item.additional_properties = d
        return initial_plan_overdue_item

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
