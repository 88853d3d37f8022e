from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.goal_status import GoalStatus
from ..models.instrument import Instrument
from ..types import UNSET, Unset

T = TypeVar("T", bound="GoalScores")


@_attrs_define
class GoalScores:
    """A goal's measure and where its scores leave it (null until a score is recorded).

    Attributes:
        goal_id (str):
        instrument (Instrument): A standardized measure of the instrument registry.
        baseline (int):
        target (int):
        status (GoalStatus): Where a goal stands; achieved, not-achieved and cancelled are final.
        latest (int | None | Unset):
        latest_on (datetime.date | None | Unset):
        change_pct (float | None | Unset):
        met (bool | None | Unset):
        response (bool | None | Unset):
        remission (bool | None | Unset):
    """

    goal_id: str
    instrument: Instrument
    baseline: int
    target: int
    status: GoalStatus
    latest: int | None | Unset = UNSET
    latest_on: datetime.date | None | Unset = UNSET
    change_pct: float | None | Unset = UNSET
    met: bool | None | Unset = UNSET
    response: bool | None | Unset = UNSET
    remission: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        goal_id = self.goal_id

        instrument = self.instrument.value

        baseline = self.baseline

        target = self.target

        status = self.status.value

        latest: int | None | Unset
        if isinstance(self.latest, Unset):
            latest = UNSET
        else:
            latest = self.latest

        latest_on: None | str | Unset
        if isinstance(self.latest_on, Unset):
            latest_on = UNSET
        elif isinstance(self.latest_on, datetime.date):
            latest_on = self.latest_on.isoformat()
        else:
            latest_on = self.latest_on

        change_pct: float | None | Unset
        if isinstance(self.change_pct, Unset):
            change_pct = UNSET
        else:
            change_pct = self.change_pct

        met: bool | None | Unset
        if isinstance(self.met, Unset):
            met = UNSET
        else:
            met = self.met

        response: bool | None | Unset
        if isinstance(self.response, Unset):
            response = UNSET
        else:
            response = self.response

        remission: bool | None | Unset
        if isinstance(self.remission, Unset):
            remission = UNSET
        else:
            remission = self.remission

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "goal_id": goal_id,
                "instrument": instrument,
                "baseline": baseline,
                "target": target,
                "status": status,
            }
        )
        if latest is not UNSET:
            field_dict["latest"] = latest
        if latest_on is not UNSET:
            field_dict["latest_on"] = latest_on
        if change_pct is not UNSET:
            field_dict["change_pct"] = change_pct
        if met is not UNSET:
            field_dict["met"] = met
        if response is not UNSET:
            field_dict["response"] = response
        if remission is not UNSET:
            field_dict["remission"] = remission

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        goal_id = d.pop("goal_id")

        instrument = Instrument(d.pop("instrument"))

        baseline = d.pop("baseline")

        target = d.pop("target")

        status = GoalStatus(d.pop("status"))

        def _parse_latest(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        latest = _parse_latest(d.pop("latest", UNSET))

        def _parse_latest_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                latest_on_type_0 = datetime.date.fromisoformat(data)

                return latest_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        latest_on = _parse_latest_on(d.pop("latest_on", UNSET))

        def _parse_change_pct(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        change_pct = _parse_change_pct(d.pop("change_pct", UNSET))

        def _parse_met(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        met = _parse_met(d.pop("met", UNSET))

        def _parse_response(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        response = _parse_response(d.pop("response", UNSET))

        def _parse_remission(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        remission = _parse_remission(d.pop("remission", UNSET))

        goal_scores = cls(
            goal_id=goal_id,
            instrument=instrument,
            baseline=baseline,
            target=target,
            status=status,
            latest=latest,
            latest_on=latest_on,
            change_pct=change_pct,
            met=met,
            response=response,
            remission=remission,
        )

        goal_scores.additional_properties = d
        return goal_scores

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
