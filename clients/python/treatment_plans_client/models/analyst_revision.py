from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.event_type import EventType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.analyst_revision_data import AnalystRevisionData


T = TypeVar("T", bound="AnalystRevision")


@_attrs_define
class AnalystRevision:
    """One revision, de-identified by construction (HIPAA Safe Harbor).

    Attributes:
        subject (str): a keyed pseudonym of the plan, stable within the clinic
        version (int):
        type_ (EventType): The type of a recorded plan event (past tense).
        year (int): the year of recorded_at
        plan_day (int | None): whole days from the plan's start to recorded_at
        role (None | str | Unset):
        data (AnalystRevisionData | Unset): allowlisted fields only; dates as `<name>_day` offsets from the start
    """

    subject: str
    version: int
    type_: EventType
    year: int
    plan_day: int | None
    role: None | str | Unset = UNSET
    data: AnalystRevisionData | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        subject = self.subject

        version = self.version

        type_ = self.type_.value

        year = self.year

        plan_day: int | None
        plan_day = self.plan_day

        role: None | str | Unset
        if isinstance(self.role, Unset):
            role = UNSET
        else:
            role = self.role

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subject": subject,
                "version": version,
                "type": type_,
                "year": year,
                "plan_day": plan_day,
            }
        )
        if role is not UNSET:
            field_dict["role"] = role
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.analyst_revision_data import AnalystRevisionData  # noqa: PLC0415

        d = dict(src_dict)
        subject = d.pop("subject")

        version = d.pop("version")

        type_ = EventType(d.pop("type"))

        year = d.pop("year")

        def _parse_plan_day(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        plan_day = _parse_plan_day(d.pop("plan_day"))

        def _parse_role(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        role = _parse_role(d.pop("role", UNSET))

        _data = d.pop("data", UNSET)
        data: AnalystRevisionData | Unset
        if isinstance(_data, Unset):
            data = UNSET
        else:
            data = AnalystRevisionData.from_dict(_data)

        analyst_revision = cls(
            subject=subject,
            version=version,
            type_=type_,
            year=year,
            plan_day=plan_day,
            role=role,
            data=data,
        )

        analyst_revision.additional_properties = d
        return analyst_revision

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
