from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.severity import Severity
from ..types import UNSET, Unset

T = TypeVar("T", bound="ProgressView")


@_attrs_define
class ProgressView:
    """Where a goal stands on its measure, from the scores recorded so far.

    Attributes:
        latest (int):
        latest_on (datetime.date):
        severity (Severity): The severity band of a score on its instrument.
        met (bool):
        scores_count (int):
        change_pct (float | None | Unset):
        response (bool | None | Unset):
        remission (bool | None | Unset):
    """

    latest: int
    latest_on: datetime.date
    severity: Severity
    met: bool
    scores_count: int
    change_pct: float | None | Unset = UNSET
    response: bool | None | Unset = UNSET
    remission: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        latest = self.latest

        latest_on = self.latest_on.isoformat()

        severity = self.severity.value

        met = self.met

        scores_count = self.scores_count

        change_pct: float | None | Unset
        if isinstance(self.change_pct, Unset):
            change_pct = UNSET
        else:
            change_pct = self.change_pct

        response: bool | None | Unset
        if isinstance(self.response, Unset):
            response = UNSET
        else:
            response = self.response

        remission: bool | None | Unset
        if isinstance(self.remission, Unset):
            remission = UNSET
        else:
            remission = self.remission

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "latest": latest,
                "latest_on": latest_on,
                "severity": severity,
                "met": met,
                "scores_count": scores_count,
            }
        )
        if change_pct is not UNSET:
            field_dict["change_pct"] = change_pct
        if response is not UNSET:
            field_dict["response"] = response
        if remission is not UNSET:
            field_dict["remission"] = remission

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        latest = d.pop("latest")

        latest_on = datetime.date.fromisoformat(d.pop("latest_on"))

        severity = Severity(d.pop("severity"))

        met = d.pop("met")

        scores_count = d.pop("scores_count")

        def _parse_change_pct(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        change_pct = _parse_change_pct(d.pop("change_pct", UNSET))

        def _parse_response(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        response = _parse_response(d.pop("response", UNSET))

        def _parse_remission(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        remission = _parse_remission(d.pop("remission", UNSET))

        progress_view = cls(
            latest=latest,
            latest_on=latest_on,
            severity=severity,
            met=met,
            scores_count=scores_count,
            change_pct=change_pct,
            response=response,
            remission=remission,
        )

        progress_view.additional_properties = d
        return progress_view

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
