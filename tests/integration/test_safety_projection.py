"""The safety-flags and scores read models on both backends: flags follow their plans,
corrections leave the series, and a rebuild gives the same rows."""

from __future__ import annotations

from datetime import date
from typing import Any

from test_projections import caught_up, env, rm, workers  # noqa: F401 - fixtures

from domain.application import PlansApplication
from domain.commands import AcknowledgeSafetyFlag, CreatePlan, MarkScoreEnteredInError, RecordScore
from domain.plan import Actor, flag_id_for
from projections.runner import rebuild

CLINICIAN = Actor("dr-safe", "clinician", "clinic-s")
SUPERVISOR = Actor("sup-safe", "supervisor", "clinic-s")
OTHER = Actor("dr-other", "clinician", "clinic-t")
POSITIVE = [2, 2, 2, 2, 2, 2, 2, 1, 1]


def flagged(app: PlansApplication, by: Actor, client: str, on: date) -> tuple[Any, str]:
    plan_id = app.create_plan(by, CreatePlan(client_id=client, start_date=date(2025, 1, 1))).plan_id
    score = app.handle(
        plan_id,
        by,
        RecordScore(instrument="PHQ-9", score=16, administered_on=on, item_scores=POSITIVE),
    )
    return plan_id, flag_id_for(score.result["score_id"])


def test_safety_flags_follow_their_plans_and_survive_a_rebuild(app, env, rm, workers) -> None:  # noqa: F811
    # given flags on three plans of one clinic and one of another
    first, f1 = flagged(app, CLINICIAN, "client-1", date(2025, 2, 1))
    second, f2 = flagged(app, CLINICIAN, "client-2", date(2025, 2, 10))
    third, f3 = flagged(app, CLINICIAN, "client-3", date(2025, 1, 20))
    flagged(app, OTHER, "client-9", date(2025, 1, 5))
    # when one is acknowledged late and one plan's score is corrected
    app.handle(
        third,
        SUPERVISOR,
        AcknowledgeSafetyFlag(
            flag_id=f3, action="referred", reason="crisis team", acknowledged_on=date(2025, 2, 4)
        ),
    )
    wrong = app.handle(
        second,
        CLINICIAN,
        RecordScore(instrument="PHQ-9", score=27, administered_on=date(2025, 2, 11)),
    )
    app.handle(
        second,
        CLINICIAN,
        MarkScoreEnteredInError(score_id=wrong.result["score_id"], reason="wrong client"),
    )
    caught_up(rm, app)
    # then the open list is the clinic's, oldest first, with days open on the day asked
    open_flags = rm.safety_flags("clinic-s", date(2025, 2, 15), "open")
    assert [(i["flag_id"], i["days_open"]) for i in open_flags] == [(f1, 14), (f2, 5)]
    assert open_flags[0]["plan_id"] == str(first) and open_flags[0]["client_id"] == "client-1"
    done = rm.safety_flags("clinic-s", date(2025, 2, 15), "acknowledged")
    assert [(i["flag_id"], i["days_open"], i["action"]) for i in done] == [(f3, 15, "referred")]
    # and the corrected score left the series
    series = rm.scores(second)["series"]["PHQ-9"]
    assert [s["score"] for s in series] == [16]
    # and a rebuild gives the same rows
    live = {name: rm.dump(name) for name in ("safety_flags", "scores")}
    rebuild(env, app, ["safety_flags", "scores"], grace_seconds=0.2)
    assert {name: rm.dump(name) for name in ("safety_flags", "scores")} == live
