"""The console's chart geometry and small-cell suppression (pure functions)."""

from __future__ import annotations

from console.charts import bar_chart, score_chart, score_charts


def test_score_chart_has_a_band_per_severity_and_the_goal_target_line() -> None:
    series = [
        {"administered_on": "2025-03-01", "score": 20, "severity": "severe"},
        {"administered_on": "2025-04-01", "score": 9, "severity": "mild"},
    ]
    chart = score_chart("PHQ-9", series, [{"instrument": "PHQ-9", "target": 5}])
    assert [b.label for b in chart.bands][0] == "minimal"
    assert len(chart.bands) == 5
    # Bands tile the plot from bottom to top without gaps.
    ordered = sorted(chart.bands, key=lambda b: b.y)
    for upper, lower in zip(ordered, ordered[1:], strict=False):
        assert abs(upper.y + upper.height - lower.y) < 0.01
    assert [t.target for t in chart.targets] == [5]
    first, last = chart.points
    assert first.x < last.x and first.y < last.y  # later and lower score: right and down
    assert "2 PHQ-9 scores from 20" in chart.description


def test_a_goal_without_scores_still_gets_its_chart() -> None:
    charts = score_charts({"series": {}, "goals": [{"instrument": "GAD-7", "target": 7}]})
    assert [c.instrument for c in charts] == ["GAD-7"]
    assert charts[0].points == [] and charts[0].targets[0].target == 7


def test_suppressed_counts_have_no_bar() -> None:
    # The shape of GET /analytics/revisions groups (counts 1-10 suppressed there).
    rows = [
        {"key": "ScoreRecorded", "count": 40, "suppressed": False},
        {"key": "PlanClosed", "count": None, "suppressed": True},
        {"key": "GoalAdded", "count": 11, "suppressed": False},
    ]
    chart = bar_chart("by type", rows)
    hidden = next(b for b in chart.bars if b.key == "PlanClosed")
    assert hidden.suppressed and hidden.width == 0
