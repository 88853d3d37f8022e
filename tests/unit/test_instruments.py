"""Standardized measures: ranges, integers, bands, LOINC codes, items, safety flag."""

from __future__ import annotations

import pytest
from domain_support import CLINICIAN, add_problem, assert_refused, day, measure, new_plan

from domain import errors
from domain.instruments import INSTRUMENTS, safety_flag

RANGES = {"PHQ-9": (0, 27), "GAD-7": (0, 21), "PHQ-2": (0, 6), "BAI": (0, 63), "PCL-5": (0, 80)}

# Every band boundary (both ends of each band) of every instrument.
BAND_EDGES = [
    ("PHQ-9", 0, "minimal"),
    ("PHQ-9", 4, "minimal"),
    ("PHQ-9", 5, "mild"),
    ("PHQ-9", 9, "mild"),
    ("PHQ-9", 10, "moderate"),
    ("PHQ-9", 14, "moderate"),
    ("PHQ-9", 15, "moderately severe"),
    ("PHQ-9", 19, "moderately severe"),
    ("PHQ-9", 20, "severe"),
    ("PHQ-9", 27, "severe"),
    ("GAD-7", 0, "minimal"),
    ("GAD-7", 4, "minimal"),
    ("GAD-7", 5, "mild"),
    ("GAD-7", 9, "mild"),
    ("GAD-7", 10, "moderate"),
    ("GAD-7", 14, "moderate"),
    ("GAD-7", 15, "severe"),
    ("GAD-7", 21, "severe"),
    ("PHQ-2", 0, "negative screen"),
    ("PHQ-2", 2, "negative screen"),
    ("PHQ-2", 3, "positive screen"),
    ("PHQ-2", 6, "positive screen"),
    ("BAI", 0, "minimal"),
    ("BAI", 7, "minimal"),
    ("BAI", 8, "mild"),
    ("BAI", 15, "mild"),
    ("BAI", 16, "moderate"),
    ("BAI", 25, "moderate"),
    ("BAI", 26, "severe"),
    ("BAI", 63, "severe"),
    ("PCL-5", 0, "below threshold"),
    ("PCL-5", 32, "below threshold"),
    ("PCL-5", 33, "probable PTSD"),
    ("PCL-5", 80, "probable PTSD"),
]


# ----------------------------------------------------------------- registry
def test_registry_holds_exactly_the_five_instruments():
    assert set(INSTRUMENTS) == set(RANGES)


@pytest.mark.parametrize(
    ("code", "loinc"),
    [
        ("PHQ-9", "44261-6"),
        ("GAD-7", "70274-6"),
        ("PHQ-2", "55758-7"),
        ("PCL-5", "101698-9"),
        ("BAI", None),
    ],
)
def test_loinc_codes_are_the_total_score_codes(code, loinc):
    inst = INSTRUMENTS[code]
    assert inst.loinc == loinc
    # never the GAD-7 panel (69737-5) nor the PHQ-15 (70273-8)
    assert inst.loinc not in ("69737-5", "70273-8")


def test_bai_has_no_loinc_and_codes_with_a_local_system():
    coding = INSTRUMENTS["BAI"].coding()
    assert coding["system"] != "http://loinc.org"
    assert coding["code"]
    assert INSTRUMENTS["PHQ-9"].coding() == {"system": "http://loinc.org", "code": "44261-6"}


@pytest.mark.parametrize(("code", "low_high"), RANGES.items())
def test_ranges(code, low_high):
    inst = INSTRUMENTS[code]
    assert (inst.min_score, inst.max_score) == low_high
    assert inst.lower_is_better


@pytest.mark.parametrize(("code", "score", "band"), BAND_EDGES)
def test_severity_band_at_each_boundary(code, score, band):
    assert INSTRUMENTS[code].severity(score) == band


@pytest.mark.parametrize("code", RANGES)
def test_bands_cover_the_range_without_gaps_or_overlaps(code):
    inst = INSTRUMENTS[code]
    covered = [s for b in inst.bands for s in range(b.low, b.high + 1)]
    assert covered == list(range(inst.min_score, inst.max_score + 1))


@pytest.mark.parametrize(("code", "score", "band"), BAND_EDGES)
def test_recorded_score_carries_its_severity_band(code, score, band):
    # given a plan; when a score is recorded; then the score has its band
    plan = new_plan()
    plan.record_score(CLINICIAN, "s1", code, score, day(1))
    assert plan.scores[-1]["severity"] == band
    assert plan.pending_events[-1].severity == band


def test_thresholds():
    phq9 = INSTRUMENTS["PHQ-9"]
    assert phq9.is_remission(4) and not phq9.is_remission(5)
    assert phq9.is_response(20, 10) and not phq9.is_response(20, 11)
    assert not phq9.is_response(0, 0)
    assert phq9.is_met(9, 9) and not phq9.is_met(10, 9)
    assert phq9.clinically_important_change == 5
    assert INSTRUMENTS["GAD-7"].clinically_important_change == 4
    assert INSTRUMENTS["PCL-5"].clinically_important_change == 10
    # contract v2: no response or remission where the instrument defines none
    assert INSTRUMENTS["PHQ-2"].is_response(6, 0) is None
    assert INSTRUMENTS["PHQ-2"].is_remission(0) is None
    assert INSTRUMENTS["BAI"].is_remission(3) is None
    assert INSTRUMENTS["PCL-5"].is_remission(10) is None


# ------------------------------------------------------------ score rules
@pytest.mark.parametrize(("code", "low_high"), RANGES.items())
def test_scores_at_the_range_ends_are_recorded(code, low_high):
    plan = new_plan()
    for i, value in enumerate(low_high):
        plan.record_score(CLINICIAN, f"s{i}", code, value, day(1))
    assert [s["score"] for s in plan.scores] == list(low_high)


@pytest.mark.parametrize(("code", "low_high"), RANGES.items())
def test_scores_outside_the_range_are_refused(code, low_high):
    plan = new_plan()
    low, high = low_high
    for value in (low - 1, high + 1):
        assert_refused(
            plan,
            errors.ScoreOutOfRangeError,
            lambda value=value: plan.record_score(CLINICIAN, "s1", code, value, day(1)),
            field="score",
        )


@pytest.mark.parametrize("value", [9.0, 9.5, "9", True, None])
def test_scores_must_be_integers(value):
    plan = new_plan()
    assert_refused(
        plan,
        errors.ScoreOutOfRangeError,
        lambda: plan.record_score(CLINICIAN, "s1", "PHQ-9", value, day(1)),
        field="score",
    )


def test_unknown_instrument_is_refused_for_scores_goals_and_assessments():
    plan = new_plan()
    problem_id = add_problem(plan)
    assert_refused(
        plan,
        errors.UnknownInstrumentError,
        lambda: plan.record_score(CLINICIAN, "s1", "PHQ-15", 3, day(1)),
        field="instrument",
    )
    assert_refused(
        plan,
        errors.UnknownInstrumentError,
        lambda: plan.add_goal(
            CLINICIAN, "g1", [problem_id], "x", measure("HAM-D", 20, 10), day(30)
        ),
        field="measure.instrument",
    )
    assert_refused(
        plan,
        errors.UnknownInstrumentError,
        lambda: plan.schedule_assessment(CLINICIAN, "phq9", 14),
        field="instrument",
    )


# ------------------------------------------------------------- goal measure
@pytest.mark.parametrize(
    ("bad", "field", "error"),
    [
        (measure("PHQ-9", 28, 9), "measure.baseline", errors.ScoreOutOfRangeError),
        (measure("PHQ-9", 18, -1), "measure.target", errors.ScoreOutOfRangeError),
        (measure("GAD-7", 22, 5), "measure.baseline", errors.ScoreOutOfRangeError),
        (measure("PHQ-9", 18.0, 9), "measure.baseline", errors.ScoreOutOfRangeError),
        (measure("PHQ-9", 18, 9.5), "measure.target", errors.ScoreOutOfRangeError),
        (measure("PHQ-9", 18, True), "measure.target", errors.ScoreOutOfRangeError),
        (measure("PHQ-9", 10, 10), "measure.target", errors.TargetNotImprovementError),
        (measure("PHQ-9", 10, 15), "measure.target", errors.TargetNotImprovementError),
    ],
)
def test_goal_measure_must_be_integer_in_range_and_an_improvement(bad, field, error):
    plan = new_plan()
    problem_id = add_problem(plan)
    assert_refused(
        plan,
        error,
        lambda: plan.add_goal(CLINICIAN, "g1", [problem_id], "x", bad, day(30)),
        field=field,
    )


def test_goal_target_below_baseline_is_an_improvement():
    plan = new_plan()
    problem_id = add_problem(plan)
    plan.add_goal(CLINICIAN, "g1", [problem_id], "x", measure("PCL-5", 50, 30), day(30))
    assert plan.goals["g1"]["measure"] == measure("PCL-5", 50, 30)


# ------------------------------------------------------------------- items
def test_item_scores_summing_to_the_total_are_accepted():
    plan = new_plan()
    items = [1, 2, 1, 1, 2, 1, 1, 1, 0]
    plan.record_score(CLINICIAN, "s1", "PHQ-9", 10, day(1), item_scores=items)
    assert plan.pending_events[-1].item_scores == items
    assert plan.scores[-1]["safety_flag"] is False


@pytest.mark.parametrize(
    ("code", "total", "items"),
    [
        ("PHQ-9", 8, [1] * 8),  # too few items
        ("PHQ-9", 10, [1] * 10),  # too many items
        ("PHQ-9", 9, [4, 0, 0, 0, 0, 0, 0, 0, 5]),  # items are 0-3
        ("PHQ-9", 9, [-1, 1, 1, 1, 1, 1, 1, 2, 2]),  # negative item
        ("PHQ-9", 10, [1] * 9),  # sum 9 is not the total 10
        ("GAD-7", 7, [1] * 6),
        ("PHQ-2", 3, [1, 1]),
        ("PCL-5", 20, [5] + [0] * 18 + [15]),  # PCL-5 items are 0-4
        ("BAI", 21, [1] * 20),
    ],
)
def test_item_scores_with_wrong_count_range_or_sum_are_refused(code, total, items):
    plan = new_plan()
    assert_refused(
        plan,
        errors.ItemScoresError,
        lambda: plan.record_score(CLINICIAN, "s1", code, total, day(1), item_scores=items),
        field="item_scores",
    )


def test_pcl5_items_score_up_to_four():
    plan = new_plan()
    plan.record_score(CLINICIAN, "s1", "PCL-5", 80, day(1), item_scores=[4] * 20)
    assert plan.scores[-1]["severity"] == "probable PTSD"


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_phq9_item9_above_zero_is_a_safety_flag_whatever_the_total(item9):
    # given a minimal total with a positive item 9
    plan = new_plan()
    items = [0] * 8 + [item9]
    # when it is recorded
    plan.record_score(CLINICIAN, "s1", "PHQ-9", item9, day(1), item_scores=items)
    # then it carries the safety flag, and so does the event
    assert plan.scores[-1]["severity"] == "minimal"
    assert plan.scores[-1]["safety_flag"] is True
    assert plan.pending_events[-1].safety_flag is True


def test_no_safety_flag_without_items_or_for_other_instruments():
    assert safety_flag("PHQ-9", None) is False
    assert safety_flag("PHQ-9", [3] * 8 + [0]) is False
    assert safety_flag("GAD-7", [3] * 7) is False
    plan = new_plan()
    plan.record_score(CLINICIAN, "s1", "PHQ-9", 27, day(1))
    assert plan.scores[-1]["safety_flag"] is False


@pytest.mark.parametrize("items", [[1.0] * 9, [True] * 9, [0.5] * 8 + [5], ["1"] * 9])
def test_item_scores_must_be_integers(items):
    plan = new_plan()
    assert_refused(
        plan,
        errors.ItemScoresError,
        lambda: plan.record_score(CLINICIAN, "s1", "PHQ-9", 9, day(1), item_scores=items),
        field="item_scores",
    )
