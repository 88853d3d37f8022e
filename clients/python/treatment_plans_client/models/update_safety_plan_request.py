from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="UpdateSafetyPlanRequest")


@_attrs_define
class UpdateSafetyPlanRequest:
    """
    Attributes:
        warning_signs (list[str] | None | Unset):
        coping_strategies (list[str] | None | Unset):
        social_contacts (list[str] | None | Unset):
        professional_contacts (list[str] | None | Unset):
        means_safety (list[str] | None | Unset):
        reasons_for_living (list[str] | None | Unset):
        reason (None | str | Unset):
    """

    warning_signs: list[str] | None | Unset = UNSET
    coping_strategies: list[str] | None | Unset = UNSET
    social_contacts: list[str] | None | Unset = UNSET
    professional_contacts: list[str] | None | Unset = UNSET
    means_safety: list[str] | None | Unset = UNSET
    reasons_for_living: list[str] | None | Unset = UNSET
    reason: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        warning_signs: list[str] | None | Unset
        if isinstance(self.warning_signs, Unset):
            warning_signs = UNSET
        elif isinstance(self.warning_signs, list):
            warning_signs = self.warning_signs

        else:
            warning_signs = self.warning_signs

        coping_strategies: list[str] | None | Unset
        if isinstance(self.coping_strategies, Unset):
            coping_strategies = UNSET
        elif isinstance(self.coping_strategies, list):
            coping_strategies = self.coping_strategies

        else:
            coping_strategies = self.coping_strategies

        social_contacts: list[str] | None | Unset
        if isinstance(self.social_contacts, Unset):
            social_contacts = UNSET
        elif isinstance(self.social_contacts, list):
            social_contacts = self.social_contacts

        else:
            social_contacts = self.social_contacts

        professional_contacts: list[str] | None | Unset
        if isinstance(self.professional_contacts, Unset):
            professional_contacts = UNSET
        elif isinstance(self.professional_contacts, list):
            professional_contacts = self.professional_contacts

        else:
            professional_contacts = self.professional_contacts

        means_safety: list[str] | None | Unset
        if isinstance(self.means_safety, Unset):
            means_safety = UNSET
        elif isinstance(self.means_safety, list):
            means_safety = self.means_safety

        else:
            means_safety = self.means_safety

        reasons_for_living: list[str] | None | Unset
        if isinstance(self.reasons_for_living, Unset):
            reasons_for_living = UNSET
        elif isinstance(self.reasons_for_living, list):
            reasons_for_living = self.reasons_for_living

        else:
            reasons_for_living = self.reasons_for_living

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if warning_signs is not UNSET:
            field_dict["warning_signs"] = warning_signs
        if coping_strategies is not UNSET:
            field_dict["coping_strategies"] = coping_strategies
        if social_contacts is not UNSET:
            field_dict["social_contacts"] = social_contacts
        if professional_contacts is not UNSET:
            field_dict["professional_contacts"] = professional_contacts
        if means_safety is not UNSET:
            field_dict["means_safety"] = means_safety
        if reasons_for_living is not UNSET:
            field_dict["reasons_for_living"] = reasons_for_living
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_warning_signs(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                warning_signs_type_0 = cast(list[str], data)

                return warning_signs_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        warning_signs = _parse_warning_signs(d.pop("warning_signs", UNSET))

        def _parse_coping_strategies(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                coping_strategies_type_0 = cast(list[str], data)

                return coping_strategies_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        coping_strategies = _parse_coping_strategies(d.pop("coping_strategies", UNSET))

        def _parse_social_contacts(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                social_contacts_type_0 = cast(list[str], data)

                return social_contacts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        social_contacts = _parse_social_contacts(d.pop("social_contacts", UNSET))

        def _parse_professional_contacts(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                professional_contacts_type_0 = cast(list[str], data)

                return professional_contacts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        professional_contacts = _parse_professional_contacts(d.pop("professional_contacts", UNSET))

        def _parse_means_safety(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                means_safety_type_0 = cast(list[str], data)

                return means_safety_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        means_safety = _parse_means_safety(d.pop("means_safety", UNSET))

        def _parse_reasons_for_living(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                reasons_for_living_type_0 = cast(list[str], data)

                return reasons_for_living_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        reasons_for_living = _parse_reasons_for_living(d.pop("reasons_for_living", UNSET))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        update_safety_plan_request = cls(
            warning_signs=warning_signs,
            coping_strategies=coping_strategies,
            social_contacts=social_contacts,
            professional_contacts=professional_contacts,
            means_safety=means_safety,
            reasons_for_living=reasons_for_living,
            reason=reason,
        )

        return update_safety_plan_request
