from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.event_type import EventType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.timeline_item_data import TimelineItemData


T = TypeVar("T", bound="TimelineItem")


@_attrs_define
class TimelineItem:
    """One recorded event: who, when, why, a sentence, and the event's own fields.

    Attributes:
        version (int):
        type_ (EventType): The type of a recorded plan event (past tense).
        recorded_at (datetime.datetime | None | Unset):
        actor (None | str | Unset):
        role (None | str | Unset):
        reason (None | str | Unset):
        summary (None | str | Unset):
        data (TimelineItemData | Unset): the event's own fields, named as in the command that recorded it (e.g. goal_id,
            statement, measure for GoalAdded); the keys depend on `type`
    """

    version: int
    type_: EventType
    recorded_at: datetime.datetime | None | Unset = UNSET
    actor: None | str | Unset = UNSET
    role: None | str | Unset = UNSET
    reason: None | str | Unset = UNSET
    summary: None | str | Unset = UNSET
    data: TimelineItemData | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        version = self.version

        type_ = self.type_.value

        recorded_at: None | str | Unset
        if isinstance(self.recorded_at, Unset):
            recorded_at = UNSET
        elif isinstance(self.recorded_at, datetime.datetime):
            recorded_at = self.recorded_at.isoformat()
        else:
            recorded_at = self.recorded_at

        actor: None | str | Unset
        if isinstance(self.actor, Unset):
            actor = UNSET
        else:
            actor = self.actor

        role: None | str | Unset
        if isinstance(self.role, Unset):
            role = UNSET
        else:
            role = self.role

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        summary: None | str | Unset
        if isinstance(self.summary, Unset):
            summary = UNSET
        else:
            summary = self.summary

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "version": version,
                "type": type_,
            }
        )
        if recorded_at is not UNSET:
            field_dict["recorded_at"] = recorded_at
        if actor is not UNSET:
            field_dict["actor"] = actor
        if role is not UNSET:
            field_dict["role"] = role
        if reason is not UNSET:
            field_dict["reason"] = reason
        if summary is not UNSET:
            field_dict["summary"] = summary
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.timeline_item_data import TimelineItemData  # noqa: PLC0415

        d = dict(src_dict)
        version = d.pop("version")

        type_ = EventType(d.pop("type"))

        def _parse_recorded_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                recorded_at_type_0 = datetime.datetime.fromisoformat(data)

                return recorded_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        recorded_at = _parse_recorded_at(d.pop("recorded_at", UNSET))

        def _parse_actor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        actor = _parse_actor(d.pop("actor", UNSET))

        def _parse_role(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        role = _parse_role(d.pop("role", UNSET))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        def _parse_summary(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        summary = _parse_summary(d.pop("summary", UNSET))

        _data = d.pop("data", UNSET)
        data: TimelineItemData | Unset
        if isinstance(_data, Unset):
            data = UNSET
        else:
            data = TimelineItemData.from_dict(_data)

        timeline_item = cls(
            version=version,
            type_=type_,
            recorded_at=recorded_at,
            actor=actor,
            role=role,
            reason=reason,
            summary=summary,
            data=data,
        )

        timeline_item.additional_properties = d
        return timeline_item

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
