"""Replay: rebuilding a plan from its stored events gives exactly the state it had."""

from __future__ import annotations

import copy

from domain_support import (
    CLINIC,
    CLINICIAN,
    POPO_ENV,
    REQUIRED,
    SUPERVISOR,
    add_goal,
    add_intervention,
    add_problem,
    day,
    measure,
    new_plan,
    state,
)

from domain.application import PlansApplication
from domain.documents import event_data, plan_document, summarize
from domain.plan import EVENT_TYPES, Plan, flag_id_for

CONTRACT_EVENT_TYPES = {
    "PlanCreated", "ProblemAdded", "ProblemResolved", "DiagnosisAdded", "DiagnosisRemoved",
    "GoalAdded", "GoalRevised", "GoalStatusChanged", "ObjectiveAdded", "InterventionAdded",
    "InterventionDiscontinued", "FrequencyChanged", "AssessmentScheduled", "ScoreRecorded",
    "PlanReviewed", "ReviewIntervalChanged", "PlanSigned", "PlanClosed",
    # version 2: caseload transfer; activation under a relaxed signer policy
    "ClinicianAssigned", "PlanActivated",
    # contract v2, safety and measurement-based care
    "SafetyFlagAcknowledged", "SafetyPlanUpdated", "StrengthRecorded", "BarrierRecorded",
    "DischargeCriteriaSet", "ScoreEnteredInError",
}  # fmt: skip


def eventful_plan(app: PlansApplication) -> tuple[Plan, dict[int, dict]]:
    """A plan touched by every kind of event, saved command by command.

    Returns the plan and, for each version, a deep copy of the state it had.
    """
    history: dict[int, dict] = {}

    def saved() -> None:
        app.save(plan)
        history[plan.version] = copy.deepcopy(state(plan))

    plan = new_plan()
    saved()
    p1 = add_problem(plan)
    saved()
    p2 = add_problem(plan, "Poor sleep")
    saved()
    plan.add_diagnosis(CLINICIAN, "F41.1", "GAD")
    saved()
    g1 = add_goal(plan, [p1, p2])
    saved()
    g2 = add_goal(plan, [p2], "GAD-7", 15, 6)
    saved()
    plan.add_objective(CLINICIAN, g1, "o1", "Walk daily", day(30))
    saved()
    i1 = add_intervention(plan, [g1, g2])
    saved()
    plan.change_frequency(CLINICIAN, 1, "week", 50)
    saved()
    plan.schedule_assessment(CLINICIAN, "PHQ-9", 14)
    saved()
    plan.record_score(CLINICIAN, "s1", "PHQ-9", 17, day(1), g1, [2] * 8 + [1])
    saved()
    plan.acknowledge_safety_flag(
        CLINICIAN, flag_id_for("s1"), "risk-assessed", "C-SSRS done", day(1)
    )
    saved()
    plan.update_safety_plan(CLINICIAN, {"warning_signs": ["not sleeping"]})
    saved()
    plan.record_strength(CLINICIAN, "st1", "supportive sister")
    saved()
    plan.record_barrier(CLINICIAN, "b1", "shift work")
    saved()
    plan.set_discharge_criteria(CLINICIAN, ["PHQ-9 below 5 twice"])
    saved()
    plan.record_score(CLINICIAN, "s0", "PHQ-9", 27, day(1), g1)
    saved()
    plan.mark_score_entered_in_error(CLINICIAN, "s0", "another client's form")
    saved()
    plan.sign(CLINICIAN, "clinician", day(2), (*REQUIRED, "supervisor"), "ab" * 32, "Dr Who")
    saved()
    plan.sign(CLINICIAN, "client", day(2), (*REQUIRED, "supervisor"), None, "Client")
    saved()
    plan.activate(SUPERVISOR, REQUIRED, "clinic policy now needs two signers")
    saved()
    plan.assign_clinician(SUPERVISOR, "dr-new", "caseload transfer")
    saved()
    plan.revise_goal(CLINICIAN, g1, "faster", measure=measure("PHQ-9", 17, 5), target_date=day(60))
    saved()
    plan.change_goal_status(CLINICIAN, g2, "on-hold", "focus on mood first")
    saved()
    plan.review_plan(CLINICIAN, day(30), "revise", 90, "progress", next_review_due=day(80))
    saved()
    plan.change_review_interval(CLINICIAN, 30, "risk")
    saved()
    plan.change_goal_status(CLINICIAN, g2, "not-achieved", "sleep goal dropped")
    saved()
    plan.resolve_problem(CLINICIAN, p2, "sleep normal")
    saved()
    plan.discontinue_intervention(CLINICIAN, i1, "no benefit")
    saved()
    plan.remove_diagnosis(CLINICIAN, "F41.1", "entered in error")
    saved()
    plan.sign(CLINICIAN, "client", plan.last_change_on, REQUIRED, None, "Client")
    saved()
    plan.record_score(CLINICIAN, "s2", "PHQ-9", 4, day(59), g1)
    saved()
    plan.change_goal_status(CLINICIAN, g1, "achieved", "remission")
    saved()
    plan.close(CLINICIAN, day(61), "discharged", "completed")
    saved()
    return plan, history


def fold(events) -> Plan:
    plan = None
    for event in events:
        plan = event.mutate(plan)
    return plan


def test_the_plan_covers_every_event_type_named_by_the_contract():
    assert set(EVENT_TYPES) == CONTRACT_EVENT_TYPES
    app = PlansApplication(env=dict(POPO_ENV))
    plan, _ = eventful_plan(app)
    stored = list(app.events.get(plan.id))
    assert {type(e).__name__ for e in stored} == CONTRACT_EVENT_TYPES
    for event in stored:
        assert summarize(event)
        assert not {"actor", "role", "clinic", "originator_id"} & set(event_data(event))


def test_rebuilding_from_stored_events_gives_exactly_the_state_at_every_version():
    # given a plan saved after each of its 23 changes (no snapshots)
    app = PlansApplication(env={**POPO_ENV, "IS_SNAPSHOTTING_ENABLED": "n"})
    plan, history = eventful_plan(app)
    stored = list(app.events.get(plan.id))
    assert [e.originator_version for e in stored] == list(range(1, plan.version + 1))
    # when it is rebuilt from its stored events only
    rebuilt = fold(stored)
    # then it has exactly the state and the document it had
    assert state(rebuilt) == state(plan)
    assert plan_document(rebuilt) == plan_document(plan)
    # and so has every earlier version
    for version, expected in history.items():
        assert state(app.repository.get(plan.id, version=version)) == expected
        assert state(fold(stored[:version])) == expected


def test_rebuilding_via_snapshots_gives_exactly_the_state_at_every_version():
    # given snapshots every 4 versions
    app = PlansApplication(env={**POPO_ENV, "SNAPSHOT_INTERVAL": "4"})
    plan, history = eventful_plan(app)
    snapshots = [s.originator_version for s in app.snapshots.get(plan.id)]
    assert snapshots == list(range(4, plan.version + 1, 4))
    # when each version is read (from the newest snapshot at or below it)
    for version, expected in history.items():
        replayed = app.repository.get(plan.id, version=version)
        # then it is exactly the state the plan had at that version
        assert state(replayed) == expected
    current = app.get_plan(plan.id, CLINIC)
    assert state(current) == state(plan)
    assert plan_document(current) == plan_document(plan)


def test_rebuilt_plan_keeps_accepting_commands_like_the_original():
    app = PlansApplication(env={**POPO_ENV, "SNAPSHOT_INTERVAL": "4"})
    plan = new_plan()
    problem_id = add_problem(plan)
    goal_id = add_goal(plan, [problem_id])
    app.save(plan)
    replayed = app.repository.get(plan.id)
    for p in (plan, replayed):
        p.record_score(CLINICIAN, "s1", "PHQ-9", 10, day(3), goal_id)
        p.review_plan(CLINICIAN, day(5), "continue", 90)
    assert state(replayed)["goals"] == state(plan)["goals"]
    assert replayed.review == plan.review
    assert isinstance(replayed.review["next_review_due"], type(day(0)))
