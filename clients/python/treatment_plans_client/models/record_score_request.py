from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.instrument import Instrument
from ..types import UNSET, Unset

T = TypeVar("T", bound="RecordScoreRequest")


@_attrs_define
class RecordScoreRequest:
    """
    Attributes:
        instrument (Instrument): A standardized measure of the instrument registry.
        score (int):
        administered_on (datetime.date):
        goal_id (None | str | Unset):
        item_scores (list[int] | None | Unset):
        reason (None | str | Unset):
    """

    instrument: Instrument
    score: int
    administered_on: datetime.date
    goal_id: None | str | Unset = UNSET
    item_scores: list[int] | None | Unset = UNSET
    reason: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        instrument = self.instrument.value

        score = self.score

        administered_on = self.administered_on.isoformat()

        goal_id: None | str | Unset
        if isinstance(self.goal_id, Unset):
            goal_id = UNSET
        else:
            goal_id = self.goal_id

        item_scores: list[int] | None | Unset
        if isinstance(self.item_scores, Unset):
            item_scores = UNSET
        elif isinstance(self.item_scores, list):
            item_scores = self.item_scores

        else:
            item_scores = self.item_scores

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "instrument": instrument,
                "score": score,
                "administered_on": administered_on,
            }
        )
        if goal_id is not UNSET:
            field_dict["goal_id"] = goal_id
        if item_scores is not UNSET:
            field_dict["item_scores"] = item_scores
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        instrument = Instrument(d.pop("instrument"))

        score = d.pop("score")

        administered_on = datetime.date.fromisoformat(d.pop("administered_on"))

        def _parse_goal_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        goal_id = _parse_goal_id(d.pop("goal_id", UNSET))

        def _parse_item_scores(data: object) -> list[int] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                item_scores_type_0 = cast(list[int], data)

                return item_scores_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[int] | None | Unset, data)

        item_scores = _parse_item_scores(d.pop("item_scores", UNSET))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        record_score_request = cls(
            instrument=instrument,
            score=score,
            administered_on=administered_on,
            goal_id=goal_id,
            item_scores=item_scores,
            reason=reason,
        )

        return record_score_request
