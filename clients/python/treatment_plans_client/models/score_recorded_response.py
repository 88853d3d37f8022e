from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.safety_screen import SafetyScreen
from ..models.severity import Severity
from ..types import UNSET, Unset

T = TypeVar("T", bound="ScoreRecordedResponse")


@_attrs_define
class ScoreRecordedResponse:
    """
    Attributes:
        version (int): the plan's version after the command
        position (int): the event's position in the global order; pass as min_position
        score_id (str):
        severity (None | Severity | Unset):
        safety_flag (bool | Unset): PHQ-9 item 9 above 0 Default: False.
        safety_screen (None | SafetyScreen | Unset): PHQ-9 item 9: not_assessed when only a total was given
        flag_id (None | str | Unset): the safety flag a positive screen raised
    """

    version: int
    position: int
    score_id: str
    severity: None | Severity | Unset = UNSET
    safety_flag: bool | Unset = False
    safety_screen: None | SafetyScreen | Unset = UNSET
    flag_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        version = self.version

        position = self.position

        score_id = self.score_id

        severity: None | str | Unset
        if isinstance(self.severity, Unset):
            severity = UNSET
        elif isinstance(self.severity, Severity):
            severity = self.severity.value
        else:
            severity = self.severity

        safety_flag = self.safety_flag

        safety_screen: None | str | Unset
        if isinstance(self.safety_screen, Unset):
            safety_screen = UNSET
        elif isinstance(self.safety_screen, SafetyScreen):
            safety_screen = self.safety_screen.value
        else:
            safety_screen = self.safety_screen

        flag_id: None | str | Unset
        if isinstance(self.flag_id, Unset):
            flag_id = UNSET
        else:
            flag_id = self.flag_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "version": version,
                "position": position,
                "score_id": score_id,
            }
        )
        if severity is not UNSET:
            field_dict["severity"] = severity
        if safety_flag is not UNSET:
            field_dict["safety_flag"] = safety_flag
        if safety_screen is not UNSET:
            field_dict["safety_screen"] = safety_screen
        if flag_id is not UNSET:
            field_dict["flag_id"] = flag_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        version = d.pop("version")

        position = d.pop("position")

        score_id = d.pop("score_id")

        def _parse_severity(data: object) -> None | Severity | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                severity_type_0 = Severity(data)

                return severity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Severity | Unset, data)

        severity = _parse_severity(d.pop("severity", UNSET))

        safety_flag = d.pop("safety_flag", UNSET)

        def _parse_safety_screen(data: object) -> None | SafetyScreen | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                safety_screen_type_0 = SafetyScreen(data)

                return safety_screen_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SafetyScreen | Unset, data)

        safety_screen = _parse_safety_screen(d.pop("safety_screen", UNSET))

        def _parse_flag_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        flag_id = _parse_flag_id(d.pop("flag_id", UNSET))

        score_recorded_response = cls(
            version=version,
            position=position,
            score_id=score_id,
            severity=severity,
            safety_flag=safety_flag,
            safety_screen=safety_screen,
            flag_id=flag_id,
        )

        score_recorded_response.additional_properties = d
        return score_recorded_response

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
