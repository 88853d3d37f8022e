"""Charts as server-rendered SVG geometry (pure: data in, shapes out; templates draw them).

A score chart per instrument: the severity bands as horizontal stripes, the
scores as a line with points, and each goal's target as a dashed line. A bar
chart for grouped counts, where a suppressed cell has no bar, only the word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.instruments import INSTRUMENTS

# Light tints from calm to severe; text on them stays dark (contrast above 7:1).
BAND_FILLS = ("#e8f5e9", "#f1f8e9", "#fffde7", "#fff3e0", "#fbe9e7", "#ffebee")

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 150, 16, 36


@dataclass
class Band:
    label: str
    y: float
    height: float
    fill: str
    label_y: float


@dataclass
class Point:
    x: float
    y: float
    score: int
    day: str
    severity: str


@dataclass
class TargetLine:
    y: float
    target: int
    label: str


@dataclass
class ScoreChart:
    instrument: str
    name: str
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    bands: list[Band] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    targets: list[TargetLine] = field(default_factory=list)
    y_ticks: list[tuple[float, int]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def description(self) -> str:
        if not self.points:
            return f"No {self.instrument} scores yet."
        first, last = self.points[0], self.points[-1]
        text = (
            f"{len(self.points)} {self.instrument} scores from {first.score} on {first.day} "
            f"to {last.score} on {last.day} ({last.severity})"
        )
        if self.targets:
            text += "; target " + ", ".join(str(t.target) for t in self.targets)
        return text + "."


def score_chart(
    instrument: str, series: list[dict[str, Any]], goals: list[dict[str, Any]]
) -> ScoreChart:
    spec = INSTRUMENTS.get(instrument)
    low = spec.min_score if spec else 0
    high = spec.max_score if spec else max([int(s["score"]) for s in series] + [1])
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    chart = ScoreChart(instrument, spec.name if spec else instrument, WIDTH, HEIGHT,
                       LEFT, right, TOP, bottom)  # fmt: skip

    def y_of(value: float) -> float:
        value = min(max(value, low), high)
        return bottom - (value - low) / max(high - low, 1) * (bottom - TOP)

    for i, band in enumerate(spec.bands if spec else ()):
        top_value = min(band.high + 0.5, high) if band.high < high else high
        bottom_value = max(band.low - 0.5, low) if band.low > low else low
        y_top, y_bottom = y_of(top_value), y_of(bottom_value)
        chart.bands.append(
            Band(
                band.label,
                y_top,
                y_bottom - y_top,
                BAND_FILLS[min(i, len(BAND_FILLS) - 1)],
                (y_top + y_bottom) / 2 + 4,
            )  # fmt: skip
        )
    step = max(1, round((high - low) / 5))
    chart.y_ticks = [(y_of(v), v) for v in range(low, high + 1, step)]

    days = [date.fromisoformat(str(s["administered_on"])) for s in series]
    if days:
        first, last = min(days), max(days)
        span = max((last - first).days, 1)

        def x_of(day: date) -> float:
            if first == last:
                return (LEFT + right) / 2
            return LEFT + (day - first).days / span * (right - LEFT)

        for day, item in sorted(zip(days, series, strict=True), key=lambda pair: pair[0]):
            chart.points.append(
                Point(
                    x_of(day),
                    y_of(int(item["score"])),
                    int(item["score"]),
                    day.isoformat(),
                    str(item.get("severity") or ""),
                )  # fmt: skip
            )
        chart.x_ticks = [(x_of(first), first.isoformat())]
        if last != first:
            chart.x_ticks.append((x_of(last), last.isoformat()))
    seen: set[int] = set()
    for goal in goals:
        if goal.get("instrument") != instrument or goal.get("target") is None:
            continue
        target = int(goal["target"])
        if target in seen:
            continue
        seen.add(target)
        chart.targets.append(TargetLine(y_of(target), target, f"target {target}"))
    return chart


def score_charts(scores: dict[str, Any]) -> list[ScoreChart]:
    """One chart per instrument that has scores or a goal measured by it."""
    series = scores.get("series") or {}
    goals = scores.get("goals") or []
    instruments = list(series) + [
        g["instrument"] for g in goals if g.get("instrument") and g["instrument"] not in series
    ]
    return [score_chart(name, series.get(name, []), goals) for name in dict.fromkeys(instruments)]


@dataclass
class Bar:
    key: str
    count: int | None
    suppressed: bool
    y: float
    width: float


@dataclass
class BarChart:
    title: str
    width: int
    height: int
    label_width: int
    bars: list[Bar]
    bar_height: int = 18


def bar_chart(title: str, groups: list[dict[str, Any]]) -> BarChart:
    """Horizontal bars; a suppressed group keeps its row and shows no number."""
    label_width, plot_width, row = 200, 320, 26
    largest = max([g["count"] for g in groups if g.get("count")] + [1])
    bars = [
        Bar(
            str(g["key"]),
            g.get("count"),
            bool(g.get("suppressed")),
            8 + i * row,
            0.0 if g.get("suppressed") or not g.get("count") else g["count"] / largest * plot_width,
        )
        for i, g in enumerate(groups)
    ]
    return BarChart(title, label_width + plot_width + 110, 16 + row * max(len(bars), 1),
                    label_width, bars)  # fmt: skip
