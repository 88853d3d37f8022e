"""Scores rows: a row per score, a row per goal measure, goal changes as updates."""

from __future__ import annotations

from domain_support import CLINICIAN, add_problem, day, measure, plan_with_goal
from rows_support import history, params_of, projection

from projections.scores import (
    GOAL_STATUS,
    INSERT_GOAL,
    INSERT_SCORE,
    REVISE_GOAL,
    ScoresProjection,
)


def test_goals_scores_revisions_and_status_changes_become_rows():
    plan, _, goal_id = plan_with_goal("PHQ-9", 18, 9)
    plan.record_score(CLINICIAN, "s-1", "PHQ-9", 12, day(14), goal_id)
    plan.revise_goal(CLINICIAN, goal_id, "aim lower", measure=measure("PHQ-9", 18, 5))
    plan.change_goal_status(CLINICIAN, goal_id, "achieved", "remission")

    ops = projection(ScoresProjection).rows(history(plan))

    pid = str(plan.id)
    assert params_of(ops, INSERT_GOAL) == [(pid, goal_id, plan.clinic, "PHQ-9", 18, 9, "active", 3)]
    [score] = params_of(ops, INSERT_SCORE)
    assert score[0:5] == (pid, "s-1", plan.clinic, "PHQ-9", 12)
    assert score[6:] == (day(14).isoformat(), goal_id, 0, "not_assessed", 4)
    assert params_of(ops, REVISE_GOAL) == [("PHQ-9", 18, 5, pid, goal_id)]
    assert params_of(ops, GOAL_STATUS) == [("achieved", pid, goal_id)]


def test_events_without_scores_or_goals_give_no_rows():
    plan, *_ = plan_with_goal()
    plan.collect_events()
    add_problem(plan)
    assert projection(ScoresProjection).rows(history(plan)) == []
