"""Outcome rules per instrument (contract v2): response and remission only where the
instrument's sources define them; null otherwise."""

from __future__ import annotations

import pytest
from domain_support import CLINICIAN, day, plan_with_goal

from domain.documents import plan_document
from domain.instruments import INSTRUMENTS


def progress_after(instrument, baseline, target, latest):
    plan, _, goal_id = plan_with_goal(instrument, baseline, target)
    plan.record_score(CLINICIAN, "s1", instrument, latest, day(30), goal_id)
    return plan_document(plan)["goals"][0]["progress"]


@pytest.mark.parametrize(
    ("instrument", "baseline", "target", "latest", "response", "remission", "important"),
    [
        # PHQ-9: response ≥ 50 % drop, remission < 5, 5 points clinically important
        ("PHQ-9", 20, 9, 10, True, False, True),
        ("PHQ-9", 20, 9, 11, False, False, True),
        ("PHQ-9", 20, 9, 4, True, True, True),
        ("PHQ-9", 8, 4, 5, False, False, False),
        # GAD-7: response ≥ 50 % drop, remission < 5
        ("GAD-7", 16, 8, 8, True, False, True),
        ("GAD-7", 16, 8, 4, True, True, True),
        ("GAD-7", 16, 8, 13, False, False, False),
        # PCL-5: response is a drop of ≥ 10 points; no remission
        ("PCL-5", 50, 30, 40, True, None, True),
        ("PCL-5", 50, 30, 41, False, None, False),
        ("PCL-5", 20, 10, 10, True, None, True),
        # PHQ-2 is a screener and BAI has no published rule: both null
        ("PHQ-2", 6, 2, 2, None, None, None),
        ("BAI", 30, 7, 3, None, None, None),
    ],
)
def test_goal_progress_applies_the_instruments_own_rules(
    instrument, baseline, target, latest, response, remission, important
):
    # given a goal on the instrument; when a score is recorded
    progress = progress_after(instrument, baseline, target, latest)
    # then response and remission follow that instrument's rules (null where none)
    assert progress["response"] is response
    assert progress["remission"] is remission
    assert progress["clinically_important_change"] is important


def test_the_rules_are_data_in_the_registry():
    assert INSTRUMENTS["PHQ-2"].screen_only is True
    assert INSTRUMENTS["PCL-5"].response_drop_points == 10
    assert INSTRUMENTS["PCL-5"].remission_below is None
    assert INSTRUMENTS["BAI"].remission_below is None
    assert INSTRUMENTS["BAI"].response_drop_pct is None
    for code in ("PHQ-9", "GAD-7"):
        assert INSTRUMENTS[code].response_drop_pct == 50
        assert INSTRUMENTS[code].remission_below == 5
