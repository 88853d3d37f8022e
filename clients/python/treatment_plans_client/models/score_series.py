from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.goal_scores import GoalScores
    from ..models.score_series_series import ScoreSeriesSeries


T = TypeVar("T", bound="ScoreSeries")


@_attrs_define
class ScoreSeries:
    """
    Attributes:
        series (ScoreSeriesSeries): each instrument's scores, oldest first (keyed by instrument code)
        goals (list[GoalScores]):
    """

    series: ScoreSeriesSeries
    goals: list[GoalScores]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        series = self.series.to_dict()

        goals = []
        for goals_item_data in self.goals:
            goals_item = goals_item_data.to_dict()
            goals.append(goals_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "series": series,
                "goals": goals,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.goal_scores import GoalScores  # noqa: PLC0415
        from ..models.score_series_series import ScoreSeriesSeries  # noqa: PLC0415

        d = dict(src_dict)
        series = ScoreSeriesSeries.from_dict(d.pop("series"))

        goals = []
        _goals = d.pop("goals")
        for goals_item_data in _goals:
            goals_item = GoalScores.from_dict(goals_item_data)

            goals.append(goals_item)

        score_series = cls(
            series=series,
            goals=goals,
        )

        score_series.additional_properties = d
        return score_series

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
