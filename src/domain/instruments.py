"""Standardized outcome measures the clinic scores goals against.

The facts (ranges, bands, LOINC codes, thresholds) follow the published
scoring guides; see shared/design/domain.md. For every built-in instrument a
lower total is better.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SeverityBand:
    low: int
    high: int
    label: str


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    min_score: int
    max_score: int
    bands: tuple[SeverityBand, ...]
    loinc: str | None
    local_code: str | None = None
    lower_is_better: bool = True
    item_count: int | None = None
    item_min: int = 0
    item_max: int = 3
    # Outcome rules (contract v2, "Outcome rules per instrument"; sources in
    # README "Clinical rules and their sources"): None where the instrument's
    # own sources define no such rule, so progress answers null, not false.
    remission_below: int | None = None
    response_drop_pct: int | None = None
    response_drop_points: int | None = None
    screen_only: bool = False
    clinically_important_change: int | None = None

    def in_range(self, value: int) -> bool:
        return self.min_score <= value <= self.max_score

    def severity(self, score: int) -> str:
        for band in self.bands:
            if band.low <= score <= band.high:
                return band.label
        raise ValueError(f"{score} outside {self.code} range")

    def is_improvement(self, baseline: int, target: int) -> bool:
        return target < baseline if self.lower_is_better else target > baseline

    def is_met(self, latest: int, target: int) -> bool:
        return latest <= target if self.lower_is_better else latest >= target

    def is_remission(self, score: int) -> bool | None:
        """Below the remission cut-off; None where the instrument defines no remission."""
        if self.screen_only or self.remission_below is None:
            return None
        return score < self.remission_below

    def is_response(self, baseline: int, latest: int) -> bool | None:
        """A drop from baseline of at least `response_drop_pct` percent or
        `response_drop_points` points; None where the instrument defines no response."""
        if self.screen_only:
            return None
        drop = baseline - latest if self.lower_is_better else latest - baseline
        if self.response_drop_points is not None:
            return drop >= self.response_drop_points
        if self.response_drop_pct is not None:
            return baseline > 0 and drop * 100 >= self.response_drop_pct * baseline
        return None

    def is_clinically_important_change(self, baseline: int, latest: int) -> bool | None:
        """An improvement of at least the instrument's clinically important change."""
        if self.clinically_important_change is None:
            return None
        drop = baseline - latest if self.lower_is_better else latest - baseline
        return drop >= self.clinically_important_change

    def coding(self) -> dict[str, str]:
        if self.loinc:
            return {"system": "http://loinc.org", "code": self.loinc}
        return {"system": "urn:plans:instrument", "code": self.local_code or self.code}

    def item_problems(self, score: int, items: Sequence[int]) -> str | None:
        """Why these item scores cannot belong to this total, or None."""
        if self.item_count is None:
            return f"{self.code} has no item scores"
        if len(items) != self.item_count:
            return f"{self.code} has {self.item_count} items, got {len(items)}"
        for value in items:
            if isinstance(value, bool) or not isinstance(value, int):
                return f"{self.code} item scores are integers"
            if not self.item_min <= value <= self.item_max:
                return f"{self.code} items score {self.item_min}–{self.item_max}"
        if sum(items) != score:
            return f"item scores sum to {sum(items)}, not the total {score}"
        return None


def _bands(*spec: tuple[int, int, str]) -> tuple[SeverityBand, ...]:
    return tuple(SeverityBand(low, high, label) for low, high, label in spec)


INSTRUMENTS: dict[str, Instrument] = {
    i.code: i
    for i in (
        Instrument(
            code="PHQ-9",
            name="Patient Health Questionnaire-9",
            min_score=0,
            max_score=27,
            bands=_bands(
                (0, 4, "minimal"),
                (5, 9, "mild"),
                (10, 14, "moderate"),
                (15, 19, "moderately severe"),
                (20, 27, "severe"),
            ),
            loinc="44261-6",
            item_count=9,
            response_drop_pct=50,
            remission_below=5,
            clinically_important_change=5,
        ),
        Instrument(
            code="GAD-7",
            name="Generalized Anxiety Disorder-7",
            min_score=0,
            max_score=21,
            bands=_bands(
                (0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe")
            ),
            loinc="70274-6",
            item_count=7,
            response_drop_pct=50,
            remission_below=5,
            clinically_important_change=4,
        ),
        Instrument(
            code="PHQ-2",
            name="Patient Health Questionnaire-2",
            min_score=0,
            max_score=6,
            bands=_bands((0, 2, "negative screen"), (3, 6, "positive screen")),
            loinc="55758-7",
            item_count=2,
            # A screener: a positive screen calls for a PHQ-9, it measures no outcome.
            screen_only=True,
        ),
        Instrument(
            code="BAI",
            name="Beck Anxiety Inventory",
            min_score=0,
            max_score=63,
            bands=_bands(
                (0, 7, "minimal"), (8, 15, "mild"), (16, 25, "moderate"), (26, 63, "severe")
            ),
            loinc=None,
            local_code="BAI-TOTAL",
            item_count=21,
            # No published response or remission definition ("< 8" is the minimal band).
        ),
        Instrument(
            code="PCL-5",
            name="PTSD Checklist for DSM-5",
            min_score=0,
            max_score=80,
            bands=_bands((0, 32, "below threshold"), (33, 80, "probable PTSD")),
            loinc="101698-9",
            item_count=20,
            item_max=4,
            # Response by points (National Center for PTSD: 5 reliable, 10
            # clinically meaningful); 33 is a probable-PTSD cut-off, not remission.
            response_drop_points=10,
            clinically_important_change=10,
        ),
    )
}

# Item 9 of the PHQ-9 asks about thoughts of self-harm: any answer above 0 is a
# safety flag whatever the total.
SAFETY_ITEMS: dict[str, int] = {"PHQ-9": 9}


POSITIVE, NEGATIVE, NOT_ASSESSED = "positive", "negative", "not_assessed"


def safety_screen(instrument: str, items: Sequence[int] | None) -> str | None:
    """`positive` / `negative` on the safety item, `not_assessed` when only a total
    was recorded (item 9 unknown is never "no risk"); None for instruments without one."""
    position = SAFETY_ITEMS.get(instrument)
    if position is None:
        return None
    if not items or len(items) < position:
        return NOT_ASSESSED
    return POSITIVE if items[position - 1] > 0 else NEGATIVE


def safety_flag(instrument: str, items: Sequence[int] | None) -> bool:
    return safety_screen(instrument, items) == POSITIVE
