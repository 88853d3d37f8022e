from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.plan_status import PlanStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="PlanSummary")


@_attrs_define
class PlanSummary:
    """A plan in a list: who, whose, where it stands (read model row).

    Attributes:
        id (str):
        status (PlanStatus): A plan is a draft until its required signers have signed; closed is final.
        version (int):
        clinic (None | str | Unset):
        client_id (None | str | Unset):
        clinician (None | str | Unset):
        start_date (datetime.date | None | Unset):
        last_reviewed_on (datetime.date | None | Unset):
        next_review_due (datetime.date | None | Unset):
        signed_version (int | None | Unset):
        created_at (datetime.datetime | None | Unset):
        updated_at (datetime.datetime | None | Unset):
    """

    id: str
    status: PlanStatus
    version: int
    clinic: None | str | Unset = UNSET
    client_id: None | str | Unset = UNSET
    clinician: None | str | Unset = UNSET
    start_date: datetime.date | None | Unset = UNSET
    last_reviewed_on: datetime.date | None | Unset = UNSET
    next_review_due: datetime.date | None | Unset = UNSET
    signed_version: int | None | Unset = UNSET
    created_at: datetime.datetime | None | Unset = UNSET
    updated_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        status = self.status.value

        version = self.version

        clinic: None | str | Unset
        if isinstance(self.clinic, Unset):
            clinic = UNSET
        else:
            clinic = self.clinic

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

        start_date: None | str | Unset
        if isinstance(self.start_date, Unset):
            start_date = UNSET
        elif isinstance(self.start_date, datetime.date):
            start_date = self.start_date.isoformat()
        else:
            start_date = self.start_date

        last_reviewed_on: None | str | Unset
        if isinstance(self.last_reviewed_on, Unset):
            last_reviewed_on = UNSET
        elif isinstance(self.last_reviewed_on, datetime.date):
            last_reviewed_on = self.last_reviewed_on.isoformat()
        else:
            last_reviewed_on = self.last_reviewed_on

        next_review_due: None | str | Unset
        if isinstance(self.next_review_due, Unset):
            next_review_due = UNSET
        elif isinstance(self.next_review_due, datetime.date):
            next_review_due = self.next_review_due.isoformat()
        else:
            next_review_due = self.next_review_due

        signed_version: int | None | Unset
        if isinstance(self.signed_version, Unset):
            signed_version = UNSET
        else:
            signed_version = self.signed_version

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        elif isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        updated_at: None | str | Unset
        if isinstance(self.updated_at, Unset):
            updated_at = UNSET
        elif isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "version": version,
            }
        )
        if clinic is not UNSET:
            field_dict["clinic"] = clinic
        if client_id is not UNSET:
            field_dict["client_id"] = client_id
        if clinician is not UNSET:
            field_dict["clinician"] = clinician
        if start_date is not UNSET:
            field_dict["start_date"] = start_date
        if last_reviewed_on is not UNSET:
            field_dict["last_reviewed_on"] = last_reviewed_on
        if next_review_due is not UNSET:
            field_dict["next_review_due"] = next_review_due
        if signed_version is not UNSET:
            field_dict["signed_version"] = signed_version
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        status = PlanStatus(d.pop("status"))

        version = d.pop("version")

        def _parse_clinic(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        clinic = _parse_clinic(d.pop("clinic", UNSET))

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

        def _parse_start_date(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                start_date_type_0 = datetime.date.fromisoformat(data)

                return start_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        start_date = _parse_start_date(d.pop("start_date", UNSET))

        def _parse_last_reviewed_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_reviewed_on_type_0 = datetime.date.fromisoformat(data)

                return last_reviewed_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        last_reviewed_on = _parse_last_reviewed_on(d.pop("last_reviewed_on", UNSET))

        def _parse_next_review_due(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_review_due_type_0 = datetime.date.fromisoformat(data)

                return next_review_due_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        next_review_due = _parse_next_review_due(d.pop("next_review_due", UNSET))

        def _parse_signed_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        signed_version = _parse_signed_version(d.pop("signed_version", UNSET))

        def _parse_created_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_at_type_0 = datetime.datetime.fromisoformat(data)

                return created_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        created_at = _parse_created_at(d.pop("created_at", UNSET))

        def _parse_updated_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        updated_at = _parse_updated_at(d.pop("updated_at", UNSET))

        plan_summary = cls(
            id=id,
            status=status,
            version=version,
            clinic=clinic,
            client_id=client_id,
            clinician=clinician,
            start_date=start_date,
            last_reviewed_on=last_reviewed_on,
            next_review_due=next_review_due,
            signed_version=signed_version,
            created_at=created_at,
            updated_at=updated_at,
        )

        plan_summary.additional_properties = d
        return plan_summary

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
