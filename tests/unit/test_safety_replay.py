"""Plans recorded before contract v2 still load: old ScoreRecorded and PlanClosed events
are upcast, and old Plan snapshots come back with the new parts null or empty."""

from __future__ import annotations

from domain_support import CLINIC, CLINICIAN, POPO_ENV, day, new_app, plan_with_goal, state
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import StoredEvent

from domain.application import PlansApplication
from domain.commands import (
    AcknowledgeSafetyFlag,
    ClosePlan,
    UpdateSafetyPlan,
)
from domain.documents import plan_document
from domain.plan import Plan, flag_id_for

V2_SCORE_FIELDS = ("safety_screen", "flag_id")


def as_version_1(app: PlansApplication, plan_id, drop_item_scores: bool = False) -> list:
    """The plan's stored events as the code before v2 wrote them."""
    old = []
    for stored in app.recorder.select_events(plan_id):
        data = app.mapper.transcoder.decode(stored.state)
        data.pop("class_version", None)
        if stored.topic.endswith("ScoreRecorded"):
            for name in V2_SCORE_FIELDS:
                data.pop(name)
            if drop_item_scores:  # older still: before item scores were kept
                data.pop("item_scores")
        if stored.topic.endswith("PlanClosed"):
            data.pop("reason_code")
        old.append(
            StoredEvent(
                originator_id=stored.originator_id,
                originator_version=stored.originator_version,
                topic=stored.topic,
                state=app.mapper.transcoder.encode(data),
            )
        )
    return old


def recorded_before_v2(drop_item_scores: bool = False):
    """Given a plan with a positive, a negative and a total-only PHQ-9, closed, stored
    in the v1 format in a fresh event store."""
    app = new_app()
    plan, _, goal_id = plan_with_goal()
    plan.record_score(CLINICIAN, "pos", "PHQ-9", 10, day(3), goal_id, [1] * 8 + [2])
    plan.record_score(CLINICIAN, "neg", "PHQ-9", 8, day(5), goal_id, [1] * 8 + [0])
    plan.record_score(CLINICIAN, "tot", "PHQ-9", 7, day(7), goal_id)
    plan.acknowledge_safety_flag(CLINICIAN, flag_id_for("pos"), "referred", "x", day(3))
    app.save(plan)
    events = as_version_1(app, plan.id, drop_item_scores)
    events = [e for e in events if not e.topic.endswith("SafetyFlagAcknowledged")]
    fresh = PlansApplication(env={**POPO_ENV, "IS_SNAPSHOTTING_ENABLED": "n"})
    fresh.recorder.insert_events(events)
    return fresh, plan.id


def test_old_score_events_replay_with_their_safety_screen_and_flag():
    # given v1 events; when the plan is loaded
    app, plan_id = recorded_before_v2()
    plan = app.get_plan(plan_id, CLINIC)
    # then each score has its screen, and the positive one raised an open flag
    screens = {e.score_id: e.safety_screen for e in app.events.get(plan_id) if hasattr(e, "score")}
    assert screens == {"pos": "positive", "neg": "negative", "tot": "not_assessed"}
    (flag,) = plan_document(plan)["safety_flags"]
    assert flag["id"] == flag_id_for("pos") and flag["status"] == "open"
    assert flag["raised_on"] == day(3).isoformat()
    # and the new parts are null or empty
    document = plan_document(plan)
    assert document["safety_plan"] is None and document["discharge_criteria"] is None
    assert document["strengths"] == [] and document["barriers"] == []


def test_old_score_events_without_item_scores_are_not_assessed_unless_flagged():
    app, plan_id = recorded_before_v2(drop_item_scores=True)
    screens = {e.score_id: e.safety_screen for e in app.events.get(plan_id) if hasattr(e, "score")}
    # item scores were not stored then: only the recorded flag is known
    assert screens == {"pos": "positive", "neg": "not_assessed", "tot": "not_assessed"}


def test_an_old_plan_accepts_the_new_commands():
    app, plan_id = recorded_before_v2()
    by = CLINICIAN
    app.handle(
        plan_id,
        by,
        AcknowledgeSafetyFlag(
            flag_id=flag_id_for("pos"),
            action="risk-assessed",
            reason="done",
            acknowledged_on=day(4),
        ),
    )
    app.handle(plan_id, by, UpdateSafetyPlan(parts={"warning_signs": ["not sleeping"]}))
    app.handle(
        plan_id, by, ClosePlan(closed_on=day(9), reason="discharged", reason_code="completed")
    )
    document = plan_document(app.get_plan(plan_id, CLINIC))
    assert document["safety_flags"][0]["status"] == "acknowledged"
    assert document["close_reason_code"] == "completed"


def test_an_old_closed_plan_loads_with_close_reason_code_other():
    app = new_app()
    plan, _, _ = plan_with_goal()
    plan.close(CLINICIAN, day(9), "moved away", "transferred")
    app.save(plan)
    fresh = PlansApplication(env={**POPO_ENV, "IS_SNAPSHOTTING_ENABLED": "n"})
    fresh.recorder.insert_events(as_version_1(app, plan.id))
    assert plan_document(fresh.get_plan(plan.id, CLINIC))["close_reason_code"] == "other"


def old_snapshot_of(plan: Plan) -> Snapshot:
    """A snapshot as the code before v2 took it: no class_version, no new parts."""
    taken = Snapshot.take(plan)
    data = dict(taken.state)
    data.pop("class_version")
    for name in (
        "safety_flags",
        "safety_plan",
        "strengths",
        "barriers",
        "discharge_criteria",
        "close_reason_code",
    ):
        data.pop(name)
    data["scores"] = [
        {k: v for k, v in s.items() if k != "entered_in_error"} for s in data["scores"]
    ]
    return Snapshot(
        originator_id=taken.originator_id,
        originator_version=taken.originator_version,
        timestamp=taken.timestamp,
        topic=taken.topic,
        state=data,
    )


def test_an_old_format_snapshot_loads_with_safety_plan_null_and_empty_lists():
    # given a plan with a positive PHQ-9, snapshotted before v2
    plan, _, goal_id = plan_with_goal()
    plan.record_score(CLINICIAN, "pos", "PHQ-9", 10, day(3), goal_id, [1] * 8 + [2])
    plan.record_score(CLINICIAN, "neg", "PHQ-9", 8, day(5), goal_id, [1] * 8 + [0])
    snapshot = old_snapshot_of(plan)
    assert "safety_plan" not in snapshot.state
    # when it is loaded
    restored = snapshot.mutate(None)
    # then the new parts are there, null or empty, and the flag the score raised is open
    assert restored.safety_plan is None and restored.discharge_criteria is None
    assert restored.strengths == {} and restored.barriers == {}
    assert list(restored.safety_flags) == [flag_id_for("pos")]
    assert all(s["entered_in_error"] is False for s in restored.scores)
    # and it equals the plan replayed from its events
    assert state(restored) == state(plan)
    # and it takes new commands
    restored.mark_score_entered_in_error(CLINICIAN, "neg", "wrong form")
    assert plan_document(restored)["goals"][0]["progress"]["latest"] == 10
