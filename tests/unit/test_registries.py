"""Every event type has a summary sentence and an analysts' allowlist entry."""

from __future__ import annotations

from datetime import date

import pytest

from domain.deidentification import ALLOWLIST, day_name, deidentify_event
from domain.plan import EVENT_TYPES
from domain.summaries import SUMMARIES


@pytest.mark.parametrize("name", sorted(EVENT_TYPES))
def test_every_event_type_has_a_summary(name: str) -> None:
    assert EVENT_TYPES[name] in SUMMARIES, f"add Plan.{name} to domain/summaries.py"


@pytest.mark.parametrize("name", sorted(EVENT_TYPES))
def test_every_event_type_has_an_analyst_allowlist(name: str) -> None:
    assert EVENT_TYPES[name] in ALLOWLIST, f"add Plan.{name} to domain/deidentification.py"


def test_dates_become_days_from_the_start_and_unlisted_fields_are_dropped() -> None:
    data = {
        "score_id": "s-1",
        "instrument": "PHQ-9",
        "score": 14,
        "administered_on": "2026-03-11",
        "goal_id": "g-1",
        "item_scores": [1, 2, 3],
        "severity": "moderate",
        "safety_flag": False,
        "note": "Jane Doe",
    }
    clean = deidentify_event("ScoreRecorded", data, date(2026, 3, 1))
    assert clean == {
        "instrument": "PHQ-9",
        "score": 14,
        "item_scores": [1, 2, 3],
        "severity": "moderate",
        "safety_flag": False,
        "administered_day": 10,
    }
    # unknown plan start: the date is left out, never shown as a date
    assert "administered_day" not in deidentify_event("ScoreRecorded", data, None)
    # unknown event type: nothing at all
    assert deidentify_event("SomethingNew", data, date(2026, 3, 1)) == {}


def test_codes_that_are_not_codes_are_dropped() -> None:
    data = {"code": "2026-03-11", "description": "Jane"}
    assert deidentify_event("DiagnosisAdded", data, date(2026, 3, 1)) == {}
    data = {"code": "x" * 200}
    assert deidentify_event("DiagnosisAdded", data, None) == {}


def test_lists_are_counted_and_nested_objects_follow_their_rules() -> None:
    data = {
        "client_id": "c-1",
        "presenting_concerns": ["Jane's worry", "sleep"],
        "diagnoses": [{"code": "F41.1", "description": "Jane's GAD"}],
        "start_date": "2026-03-01",
        "review_interval_days": 90,
        "interval_follows_policy": True,
    }
    assert deidentify_event("PlanCreated", data, date(2026, 3, 1)) == {
        "diagnoses": [{"code": "F41.1"}],
        "presenting_concerns_count": 2,
        "review_interval_days": 90,
        "interval_follows_policy": True,
    }


def test_day_names() -> None:
    assert day_name("administered_on") == "administered_day"
    assert day_name("target_date") == "target_day"
    assert day_name("next_review_due") == "next_review_due_day"
