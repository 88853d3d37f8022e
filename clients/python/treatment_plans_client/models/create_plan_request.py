from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.diagnosis_input import DiagnosisInput


T = TypeVar("T", bound="CreatePlanRequest")


@_attrs_define
class CreatePlanRequest:
    """
    Attributes:
        client_id (str):
        presenting_concerns (list[str] | Unset):
        diagnoses (list[DiagnosisInput] | Unset):
        review_interval_days (int | None | Unset): omit to follow the clinic's policy
        start_date (datetime.date | None | Unset): defaults to today
        reason (None | str | Unset):
    """

    client_id: str
    presenting_concerns: list[str] | Unset = UNSET
    diagnoses: list[DiagnosisInput] | Unset = UNSET
    review_interval_days: int | None | Unset = UNSET
    start_date: datetime.date | None | Unset = UNSET
    reason: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        client_id = self.client_id

        presenting_concerns: list[str] | Unset = UNSET
        if not isinstance(self.presenting_concerns, Unset):
            presenting_concerns = self.presenting_concerns

        diagnoses: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.diagnoses, Unset):
            diagnoses = []
            for diagnoses_item_data in self.diagnoses:
                diagnoses_item = diagnoses_item_data.to_dict()
                diagnoses.append(diagnoses_item)

        review_interval_days: int | None | Unset
        if isinstance(self.review_interval_days, Unset):
            review_interval_days = UNSET
        else:
            review_interval_days = self.review_interval_days

        start_date: None | str | Unset
        if isinstance(self.start_date, Unset):
            start_date = UNSET
        elif isinstance(self.start_date, datetime.date):
            start_date = self.start_date.isoformat()
        else:
            start_date = self.start_date

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "client_id": client_id,
            }
        )
        if presenting_concerns is not UNSET:
            field_dict["presenting_concerns"] = presenting_concerns
        if diagnoses is not UNSET:
            field_dict["diagnoses"] = diagnoses
        if review_interval_days is not UNSET:
            field_dict["review_interval_days"] = review_interval_days
        if start_date is not UNSET:
            field_dict["start_date"] = start_date
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.diagnosis_input import DiagnosisInput  # noqa: PLC0415

        d = dict(src_dict)
        client_id = d.pop("client_id")

        presenting_concerns = cast(list[str], d.pop("presenting_concerns", UNSET))

        _diagnoses = d.pop("diagnoses", UNSET)
        diagnoses: list[DiagnosisInput] | Unset = UNSET
        if _diagnoses is not UNSET:
            diagnoses = []
            for diagnoses_item_data in _diagnoses:
                diagnoses_item = DiagnosisInput.from_dict(diagnoses_item_data)

                diagnoses.append(diagnoses_item)

        def _parse_review_interval_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        review_interval_days = _parse_review_interval_days(d.pop("review_interval_days", UNSET))

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

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        create_plan_request = cls(
            client_id=client_id,
            presenting_concerns=presenting_concerns,
            diagnoses=diagnoses,
            review_interval_days=review_interval_days,
            start_date=start_date,
            reason=reason,
        )

        return create_plan_request
