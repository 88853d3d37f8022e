from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.initial_plan_overdue_item import InitialPlanOverdueItem
    from ..models.review_queue_item import ReviewQueueItem
    from ..models.signatures_due_item import SignaturesDueItem


T = TypeVar("T", bound="ReviewQueue")


@_attrs_define
class ReviewQueue:
    """
    Attributes:
        as_of (datetime.date):
        overdue (list[ReviewQueueItem]):
        due_soon (list[ReviewQueueItem]):
        initial_plan_overdue (list[InitialPlanOverdueItem] | Unset):
        signatures_due (list[SignaturesDueItem] | Unset):
    """

    as_of: datetime.date
    overdue: list[ReviewQueueItem]
    due_soon: list[ReviewQueueItem]
    initial_plan_overdue: list[InitialPlanOverdueItem] | Unset = UNSET
    signatures_due: list[SignaturesDueItem] | Unset = UNSET
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

        initial_plan_overdue: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.initial_plan_overdue, Unset):
            initial_plan_overdue = []
            for initial_plan_overdue_item_data in self.initial_plan_overdue:
                initial_plan_overdue_item = initial_plan_overdue_item_data.to_dict()
                initial_plan_overdue.append(initial_plan_overdue_item)

        signatures_due: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.signatures_due, Unset):
            signatures_due = []
            for signatures_due_item_data in self.signatures_due:
                signatures_due_item = signatures_due_item_data.to_dict()
                signatures_due.append(signatures_due_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "as_of": as_of,
                "overdue": overdue,
                "due_soon": due_soon,
            }
        )
        if initial_plan_overdue is not UNSET:
            field_dict["initial_plan_overdue"] = initial_plan_overdue
        if signatures_due is not UNSET:
            field_dict["signatures_due"] = signatures_due

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.initial_plan_overdue_item import InitialPlanOverdueItem  # noqa: PLC0415
        from ..models.review_queue_item import ReviewQueueItem  # noqa: PLC0415
        from ..models.signatures_due_item import SignaturesDueItem  # noqa: PLC0415

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

        _initial_plan_overdue = d.pop("initial_plan_overdue", UNSET)
        initial_plan_overdue: list[InitialPlanOverdueItem] | Unset = UNSET
        if _initial_plan_overdue is not UNSET:
            initial_plan_overdue = []
            for initial_plan_overdue_item_data in _initial_plan_overdue:
                initial_plan_overdue_item = InitialPlanOverdueItem.from_dict(initial_plan_overdue_item_data)

                initial_plan_overdue.append(initial_plan_overdue_item)

        _signatures_due = d.pop("signatures_due", UNSET)
        signatures_due: list[SignaturesDueItem] | Unset = UNSET
        if _signatures_due is not UNSET:
            signatures_due = []
            for signatures_due_item_data in _signatures_due:
                signatures_due_item = SignaturesDueItem.from_dict(signatures_due_item_data)

                signatures_due.append(signatures_due_item)

        review_queue = cls(
            as_of=as_of,
            overdue=overdue,
            due_soon=due_soon,
            initial_plan_overdue=initial_plan_overdue,
            signatures_due=signatures_due,
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
