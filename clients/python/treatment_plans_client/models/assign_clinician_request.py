from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="AssignClinicianRequest")


@_attrs_define
class AssignClinicianRequest:
    """
    Attributes:
        clinician (str):
        reason (str):
    """

    clinician: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        clinician = self.clinician

        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "clinician": clinician,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        clinician = d.pop("clinician")

        reason = d.pop("reason")

        assign_clinician_request = cls(
            clinician=clinician,
            reason=reason,
        )

        return assign_clinician_request
