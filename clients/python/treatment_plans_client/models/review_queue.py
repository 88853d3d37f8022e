from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.review_queue_item import ReviewQueueItem


T = TypeVar("T", bound="ReviewQueue")


@_attrs_define
class ReviewQueue:
    """
    Attributes:
        as_of (datetime.date):
        overdue (list[ReviewQueueItem]):
        due_soon (list[ReviewQueueItem]):
    """

    as_of: datetime.date
    overdue: list[ReviewQueueItem]
    due_soon: list[ReviewQueueItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        as_of = self.as_of.isoformat()

        overdue = []
        for overdue_item_data in self.overdue:
            overdue_item = overdue_item_data.to_dict()
            overdue.append(overdue_item)

        due_soon = []
        for due_soon_item_data in self.due_soon:
            due_soon_item = due_soon_item_data.to_dict()
            due_soon.append(due_soon_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "as_of": as_of,
                "overdue": overdue,
                "due_soon": due_soon,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.review_queue_item import ReviewQueueItem  # noqa: PLC0415

        d = dict(src_dict)
        as_of = datetime.date.fromisoformat(d.pop("as_of"))

        overdue = []
        _overdue = d.pop("overdue")
        for overdue_item_data in _overdue:
            overdue_item = ReviewQueueItem.from_dict(overdue_item_data)

            overdue.append(overdue_item)

        due_soon = []
        _due_soon = d.pop("due_soon")
        for due_soon_item_data in _due_soon:
            due_soon_item = ReviewQueueItem.from_dict(due_soon_item_data)

            due_soon.append(due_soon_item)

        review_queue = cls(
            as_of=as_of,
            overdue=overdue,
            due_soon=due_soon,
        )

        review_queue.additional_properties = d
        return review_queue

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
