from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.diff_change import DiffChange
    from ..models.timeline_item import TimelineItem


T = TypeVar("T", bound="PlanDiff")


@_attrs_define
class PlanDiff:
    """
    Attributes:
        from_version (int):
        to_version (int):
        changes (list[DiffChange]):
        events (list[TimelineItem]):
    """

    from_version: int
    to_version: int
    changes: list[DiffChange]
    events: list[TimelineItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from_version = self.from_version

        to_version = self.to_version

        changes = []
        for changes_item_data in self.changes:
            changes_item = changes_item_data.to_dict()
            changes.append(changes_item)

        events = []
        for events_item_data in self.events:
            events_item = events_item_data.to_dict()
            events.append(events_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "from_version": from_version,
                "to_version": to_version,
                "changes": changes,
                "events": events,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.diff_change import DiffChange  # noqa: PLC0415
        from ..models.timeline_item import TimelineItem  # noqa: PLC0415

        d = dict(src_dict)
        from_version = d.pop("from_version")

        to_version = d.pop("to_version")

        changes = []
        _changes = d.pop("changes")
        for changes_item_data in _changes:
            changes_item = DiffChange.from_dict(changes_item_data)

            changes.append(changes_item)

        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = TimelineItem.from_dict(events_item_data)

            events.append(events_item)

        plan_diff = cls(
            from_version=from_version,
            to_version=to_version,
            changes=changes,
            events=events,
        )

        plan_diff.additional_properties = d
        return plan_diff

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
