from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.review_outcome import ReviewOutcome
from ..types import UNSET, Unset

T = TypeVar("T", bound="ReviewPlanRequest")


@_attrs_define
class ReviewPlanRequest:
    """
    Attributes:
        reviewed_on (datetime.date):
        outcome (ReviewOutcome): What a plan review decided.
        summary (None | str | Unset):
        next_review_due (datetime.date | None | Unset):
        reason (None | str | Unset):
    """

    reviewed_on: datetime.date
    outcome: ReviewOutcome
    summary: None | str | Unset = UNSET
    next_review_due: datetime.date | None | Unset = UNSET
    reason: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        reviewed_on = self.reviewed_on.isoformat()

        outcome = self.outcome.value

        summary: None | str | Unset
        if isinstance(self.summary, Unset):
            summary = UNSET
        else:
            summary = self.summary

        next_review_due: None | str | Unset
        if isinstance(self.next_review_due, Unset):
            next_review_due = UNSET
        elif isinstance(self.next_review_due, datetime.date):
            next_review_due = self.next_review_due.isoformat()
        else:
            next_review_due = self.next_review_due

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reviewed_on": reviewed_on,
                "outcome": outcome,
            }
        )
        if summary is not UNSET:
            field_dict["summary"] = summary
        if next_review_due is not UNSET:
            field_dict["next_review_due"] = next_review_due
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reviewed_on = datetime.date.fromisoformat(d.pop("reviewed_on"))

        outcome = ReviewOutcome(d.pop("outcome"))

        def _parse_summary(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        summary = _parse_summary(d.pop("summary", UNSET))

        def _parse_next_review_due(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_review_due_type_0 = datetime.date.fromisoformat(data)

                return next_review_due_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        next_review_due = _parse_next_review_due(d.pop("next_review_due", UNSET))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        review_plan_request = cls(
            reviewed_on=reviewed_on,
            outcome=outcome,
            summary=summary,
            next_review_due=next_review_due,
            reason=reason,
        )

        return review_plan_request
