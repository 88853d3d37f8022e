from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.severity import Severity

T = TypeVar("T", bound="ScorePoint")


@_attrs_define
class ScorePoint:
    """One recorded score in an instrument's series.

    Attributes:
        administered_on (datetime.date):
        score (int):
        severity (Severity): The severity band of a score on its instrument.
    """

    administered_on: datetime.date
    score: int
    severity: Severity
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        administered_on = self.administered_on.isoformat()

        score = self.score

        severity = self.severity.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "administered_on": administered_on,
                "score": score,
                "severity": severity,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        administered_on = datetime.date.fromisoformat(d.pop("administered_on"))

        score = d.pop("score")

        severity = Severity(d.pop("severity"))

        score_point = cls(
            administered_on=administered_on,
            score=score,
            severity=severity,
        )

        score_point.additional_properties = d
        return score_point

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
