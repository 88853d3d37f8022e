"""Golden thread: every goal traces to a problem, every intervention to a goal,
every linked score to a goal measured by the same instrument."""

from __future__ import annotations

from domain_support import (
    CLINICIAN,
    add_goal,
    add_intervention,
    add_problem,
    assert_refused,
    day,
    measure,
    new_plan,
    plan_with_goal,
)

from domain import errors


# ------------------------------------------------------------------- goals
def test_goal_on_an_open_problem_is_added_and_traces_to_it():
    # given a plan with an open problem
    plan = new_plan()
    problem_id = add_problem(plan)
    # when a goal is added for it
    goal_id = add_goal(plan, [problem_id])
    # then the goal is active and names the problem
    goal = plan.goals[goal_id]
    assert goal["problem_ids"] == [problem_id]
    assert goal["status"] == "active"
    assert goal["measure"] == measure()
    assert type(plan.pending_events[-1]).__name__ == "GoalAdded"


def test_goal_listing_a_problem_twice_keeps_it_once():
    plan = new_plan()
    problem_id = add_problem(plan)
    goal_id = add_goal(plan, [problem_id, problem_id])
    assert plan.goals[goal_id]["problem_ids"] == [problem_id]


def test_goal_without_problems_is_refused():
    # given a plan with a problem
    plan = new_plan()
    add_problem(plan)
    # when a goal names no problem, then it is refused
    assert_refused(
        plan,
        errors.GoldenThreadError,
        lambda: plan.add_goal(CLINICIAN, "g1", [], "Feel better", measure(), day(30)),
        field="problem_ids",
    )


def test_goal_for_an_unknown_problem_is_refused():
    plan = new_plan()
    known = add_problem(plan)
    assert_refused(
        plan,
        errors.GoldenThreadError,
        lambda: plan.add_goal(
            CLINICIAN, "g1", [known, "no-such-problem"], "Feel better", measure(), day(30)
        ),
        field="problem_ids[1]",
    )


def test_goal_for_a_resolved_problem_is_refused():
    # given a problem that has been resolved
    plan = new_plan()
    problem_id = add_problem(plan)
    plan.resolve_problem(CLINICIAN, problem_id, "remitted")
    # when a goal is added for it, then it is refused
    assert_refused(
        plan,
        errors.GoldenThreadError,
        lambda: plan.add_goal(CLINICIAN, "g1", [problem_id], "Feel better", measure(), day(30)),
        field="problem_ids[0]",
    )


def test_resolving_a_problem_twice_or_an_unknown_problem_is_refused():
    plan = new_plan()
    problem_id = add_problem(plan)
    plan.resolve_problem(CLINICIAN, problem_id, "remitted")
    assert plan.problems[problem_id]["status"] == "resolved"
    assert_refused(
        plan,
        errors.ProblemAlreadyResolvedError,
        lambda: plan.resolve_problem(CLINICIAN, problem_id, "again"),
    )
    assert_refused(
        plan, errors.ProblemNotFoundError, lambda: plan.resolve_problem(CLINICIAN, "nope", "x")
    )


def test_problem_needs_a_description():
    plan = new_plan()
    assert_refused(
        plan,
        errors.RuleViolationError,
        lambda: plan.add_problem(CLINICIAN, "p1", "   "),
        field="description",
    )


# ----------------------------------------------------------- interventions
def test_intervention_for_a_live_goal_is_added():
    # given a plan with a goal
    plan, _, goal_id = plan_with_goal()
    # when an intervention serves it
    intervention_id = add_intervention(plan, [goal_id, goal_id])
    # then it is active and traces to the goal (once)
    intervention = plan.interventions[intervention_id]
    assert intervention["goal_ids"] == [goal_id]
    assert intervention["status"] == "active"


def test_intervention_without_goals_is_refused():
    plan, _, _ = plan_with_goal()
    assert_refused(
        plan,
        errors.GoldenThreadError,
        lambda: plan.add_intervention(CLINICIAN, "i1", "CBT", []),
        field="goal_ids",
    )


def test_intervention_for_an_unknown_goal_is_refused():
    plan, _, goal_id = plan_with_goal()
    assert_refused(
        plan,
        errors.GoldenThreadError,
        lambda: plan.add_intervention(CLINICIAN, "i1", "CBT", [goal_id, "no-such-goal"]),
        field="goal_ids[1]",
    )


def test_intervention_for_a_cancelled_goal_is_refused():
    # given a cancelled goal
    plan, _, goal_id = plan_with_goal()
    plan.change_goal_status(CLINICIAN, goal_id, "cancelled", "client declined")
    # when an intervention names it, then it is refused
    assert_refused(
        plan,
        errors.GoldenThreadError,
        lambda: plan.add_intervention(CLINICIAN, "i1", "CBT", [goal_id]),
        field="goal_ids[0]",
    )


def test_intervention_for_an_on_hold_goal_is_allowed():
    plan, _, goal_id = plan_with_goal()
    plan.change_goal_status(CLINICIAN, goal_id, "on-hold", "client travelling")
    intervention_id = add_intervention(plan, [goal_id])
    assert intervention_id in plan.interventions


def test_discontinuing_an_intervention_needs_a_reason_and_happens_once():
    plan, _, goal_id = plan_with_goal()
    intervention_id = add_intervention(plan, [goal_id])
    assert_refused(
        plan,
        errors.MissingReasonError,
        lambda: plan.discontinue_intervention(CLINICIAN, intervention_id, ""),
        field="reason",
    )
    plan.discontinue_intervention(CLINICIAN, intervention_id, "no benefit after 8 sessions")
    assert plan.interventions[intervention_id]["status"] == "discontinued"
    assert_refused(
        plan,
        errors.InterventionAlreadyDiscontinuedError,
        lambda: plan.discontinue_intervention(CLINICIAN, intervention_id, "again"),
    )
    assert_refused(
        plan,
        errors.InterventionNotFoundError,
        lambda: plan.discontinue_intervention(CLINICIAN, "nope", "why"),
    )


# ------------------------------------------------------------------ scores
def test_score_linked_to_a_goal_of_the_same_instrument_is_recorded():
    plan, _, goal_id = plan_with_goal("PHQ-9")
    plan.record_score(CLINICIAN, "s1", "PHQ-9", 12, day(14), goal_id=goal_id)
    assert plan.scores[-1]["goal_id"] == goal_id
    assert plan.scores[-1]["score"] == 12


def test_score_linked_to_an_unknown_goal_is_refused():
    plan, _, _ = plan_with_goal("PHQ-9")
    assert_refused(
        plan,
        errors.GoldenThreadError,
        lambda: plan.record_score(CLINICIAN, "s1", "PHQ-9", 12, day(14), goal_id="nope"),
        field="goal_id",
    )


def test_score_linked_to_a_goal_of_another_instrument_is_refused():
    # given a goal measured by the GAD-7
    plan, _, goal_id = plan_with_goal("GAD-7", 15, 7)
    # when a PHQ-9 score names it, then it is refused
    assert_refused(
        plan,
        errors.GoldenThreadError,
        lambda: plan.record_score(CLINICIAN, "s1", "PHQ-9", 12, day(14), goal_id=goal_id),
        field="goal_id",
    )


def test_score_without_goal_is_recorded():
    plan = new_plan()
    plan.record_score(CLINICIAN, "s1", "BAI", 20, day(3))
    assert plan.scores[-1]["goal_id"] is None


def test_goal_with_linked_scores_keeps_its_instrument():
    # given a PHQ-9 goal with a linked PHQ-9 score
    plan, _, goal_id = plan_with_goal("PHQ-9")
    plan.record_score(CLINICIAN, "s1", "PHQ-9", 12, day(14), goal_id=goal_id)
    # when a revision moves the goal to the GAD-7, then it is refused
    assert_refused(
        plan,
        errors.GoldenThreadError,
        lambda: plan.revise_goal(CLINICIAN, goal_id, "switch", measure=measure("GAD-7", 15, 7)),
        field="measure.instrument",
    )
    # when a revision keeps the instrument, then it is accepted
    plan.revise_goal(CLINICIAN, goal_id, "stricter", measure=measure("PHQ-9", 18, 4))
    assert plan.goals[goal_id]["measure"]["target"] == 4


def test_goal_without_linked_scores_may_change_instrument():
    plan, _, goal_id = plan_with_goal("PHQ-9")
    plan.record_score(CLINICIAN, "s1", "PHQ-9", 12, day(14))  # not linked
    plan.revise_goal(CLINICIAN, goal_id, "anxiety first", measure=measure("GAD-7", 15, 7))
    assert plan.goals[goal_id]["measure"]["instrument"] == "GAD-7"
