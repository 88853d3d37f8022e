from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ReviewView")


@_attrs_define
class ReviewView:
    """
    Attributes:
        interval_days (int):
        next_review_due (datetime.date):
        follows_policy (bool | None | Unset):
        last_reviewed_on (datetime.date | None | Unset):
    """

    interval_days: int
    next_review_due: datetime.date
    follows_policy: bool | None | Unset = UNSET
    last_reviewed_on: datetime.date | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        interval_days = self.interval_days

        next_review_due = self.next_review_due.isoformat()

        follows_policy: bool | None | Unset
        if isinstance(self.follows_policy, Unset):
            follows_policy = UNSET
        else:
            follows_policy = self.follows_policy

        last_reviewed_on: None | str | Unset
        if isinstance(self.last_reviewed_on, Unset):
            last_reviewed_on = UNSET
        elif isinstance(self.last_reviewed_on, datetime.date):
            last_reviewed_on = self.last_reviewed_on.isoformat()
        else:
            last_reviewed_on = self.last_reviewed_on

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "interval_days": interval_days,
                "next_review_due": next_review_due,
            }
        )
        if follows_policy is not UNSET:
            field_dict["follows_policy"] = follows_policy
        if last_reviewed_on is not UNSET:
            field_dict["last_reviewed_on"] = last_reviewed_on

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        interval_days = d.pop("interval_days")

        next_review_due = datetime.date.fromisoformat(d.pop("next_review_due"))

        def _parse_follows_policy(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        follows_policy = _parse_follows_policy(d.pop("follows_policy", UNSET))

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

        review_view = cls(
            interval_days=interval_days,
            next_review_due=next_review_due,
            follows_policy=follows_policy,
            last_reviewed_on=last_reviewed_on,
        )

        review_view.additional_properties = d
        return review_view

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
