"""Safety and measurement-based care over HTTP (contract v2), on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from api_support import API, assert_problem, goal_body

POSITIVE = [2, 2, 2, 2, 2, 2, 2, 1, 1]  # PHQ-9 total 16, item 9 = 1
NEGATIVE = [2, 2, 2, 2, 2, 2, 2, 2, 0]


def phq9(api: API, plan_id: str, on: str, items: list[int] | None, score: int = 16, **kw: Any):
    body: dict[str, Any] = {"instrument": "PHQ-9", "score": score, "administered_on": on}
    if items is not None:
        body["item_scores"] = items
    return api.ok("POST", f"/plans/{plan_id}/scores", {**body, **kw}, 201)


def test_a_phq9_answers_its_safety_screen_and_a_positive_one_raises_a_flag(api: API) -> None:
    plan_id = api.create_plan()
    # when three PHQ-9s are recorded: positive, negative, total only
    positive = phq9(api, plan_id, "2025-03-10", POSITIVE)
    negative = phq9(api, plan_id, "2025-03-17", NEGATIVE)
    total = phq9(api, plan_id, "2025-03-24", None, score=9)
    gad = api.ok(
        "POST",
        f"/plans/{plan_id}/scores",
        {"instrument": "GAD-7", "score": 9, "administered_on": "2025-03-24"},
        201,
    )
    # then each answers its screen; only the positive one raises a flag
    assert (positive["safety_screen"], positive["safety_flag"]) == ("positive", True)
    assert (negative["safety_screen"], negative["safety_flag"]) == ("negative", False)
    assert (total["safety_screen"], total["safety_flag"]) == ("not_assessed", False)
    assert gad["safety_screen"] is None and gad["flag_id"] is None
    assert positive["flag_id"] and negative["flag_id"] is None
    # and the plan shows the open flag, raised on the score's date, in the same version
    plan = api.ok("GET", f"/plans/{plan_id}")
    (flag,) = plan["safety_flags"]
    assert flag["id"] == positive["flag_id"] and flag["score_id"] == positive["score_id"]
    assert flag["raised_on"] == "2025-03-10"
    assert flag["status"] == "open" and flag["action"] is None
    # and the series items show the screen
    series = api.ok("GET", f"/plans/{plan_id}/scores", params={"min_position": gad["position"]})[
        "series"
    ]["PHQ-9"]
    assert [s["safety_screen"] for s in series] == ["positive", "negative", "not_assessed"]
    # and the timeline sentence names the flag the score raised
    summary = api.timeline(plan_id, min_position=gad["position"])[1]["summary"]
    assert f"safety flag {positive['flag_id'][:8]} raised" in summary


def test_acknowledging_a_flag_lists_it_with_days_open_and_twice_is_409(api: API) -> None:
    # given two plans with open flags, one older
    older = api.create_plan(client_id="client-old")
    newer = api.create_plan(client_id="client-new")
    old_flag = phq9(api, older, "2025-03-05", POSITIVE)["flag_id"]
    new_flag = phq9(api, newer, "2025-03-20", POSITIVE)
    # then /safety-flags lists open flags oldest first with how long they have been open
    listed = api.ok(
        "GET",
        "/safety-flags",
        params={"status": "open", "as_of": "2025-03-25", "min_position": new_flag["position"]},
    )
    assert listed["as_of"] == "2025-03-25"
    items = listed["items"]
    assert [i["flag_id"] for i in items] == [old_flag, new_flag["flag_id"]]
    first = items[0]
    assert first["plan_id"] == older and first["client_id"] == "client-old"
    assert first["clinician"] == "dr-okafor" and first["raised_on"] == "2025-03-05"
    assert first["days_open"] == 20 and first["status"] == "open"
    # when a supervisor acknowledges the older one
    path = f"/plans/{older}/safety-flags/{old_flag}/acknowledge"
    body = {"action": "risk-assessed", "reason": "C-SSRS: passive ideation, no plan"}
    ack = api.ok("POST", path, {**body, "acknowledged_on": "2025-03-06"}, role="supervisor")
    assert ack["flag_id"] == old_flag and ack["version"] == 3
    # then it is acknowledged on the plan, and listed as such (1 day open)
    (flag,) = api.ok("GET", f"/plans/{older}")["safety_flags"]
    assert flag["status"] == "acknowledged" and flag["action"] == "risk-assessed"
    done = api.ok(
        "GET",
        "/safety-flags",
        params={"status": "acknowledged", "min_position": ack["position"]},
        role="auditor",
    )["items"]
    assert [(i["flag_id"], i["days_open"], i["action"]) for i in done] == [
        (old_flag, 1, "risk-assessed")
    ]
    still_open = api.ok("GET", "/safety-flags", params={"status": "open"})["items"]
    assert [i["flag_id"] for i in still_open] == [new_flag["flag_id"]]
    # and the timeline says which score raised it
    last = api.timeline(older, min_position=ack["position"])[-1]
    assert last["type"] == "SafetyFlagAcknowledged" and last["role"] == "supervisor"
    assert "risk-assessed" in last["summary"]
    # and a second acknowledgement is 409, storing nothing
    assert_problem(api.post(path, body), 409)
    assert api.version(older) == 3


def test_safety_flag_refusals(api: API) -> None:
    plan_id = api.create_plan()
    flag_id = phq9(api, plan_id, "2025-03-10", POSITIVE)["flag_id"]
    path = f"/plans/{plan_id}/safety-flags/{flag_id}/acknowledge"
    body = {"action": "referred", "reason": "crisis team"}
    assert_problem(api.post(path, {"action": "called", "reason": "x"}), 422, "action")
    assert_problem(api.post(path, {"action": "referred"}), 422, "reason")
    early = {**body, "acknowledged_on": "2025-03-01"}
    assert_problem(api.post(path, early), 422, "acknowledged_on")
    assert_problem(api.post(path, {**body, "acknowledged_on": "2199-01-01"}), 422)
    assert_problem(api.post(f"/plans/{plan_id}/safety-flags/nope/acknowledge", body), 404)
    assert_problem(api.post(path, body, role="auditor"), 403)
    assert_problem(api.post(path, body, clinic="lakeside"), 404)
    # a plan with an open flag is not closed: 409 naming the flag
    close = {"reason": "discharged", "closed_on": "2025-04-01", "reason_code": "completed"}
    refused = assert_problem(api.post(f"/plans/{plan_id}/close", close), 409)
    assert flag_id in refused["detail"]
    assert api.version(plan_id) == 2
    # analysts never see the list
    assert_problem(api.get("/safety-flags", role="analyst"), 403)
    assert_problem(api.get("/safety-flags", params={"status": "closed"}), 422)
    # other clinics' flags are not listed
    assert api.ok("GET", "/safety-flags", clinic="lakeside")["items"] == []


def test_the_safety_plan_is_null_until_set_then_shows_every_part(api: API) -> None:
    plan_id = api.create_plan()
    assert api.ok("GET", f"/plans/{plan_id}")["safety_plan"] is None
    path = f"/plans/{plan_id}/safety-plan"
    assert_problem(api.request("PUT", path, json={}), 422)
    assert_problem(api.request("PUT", path, json={"warning_signs": []}), 422)
    assert_problem(api.request("PUT", path, json={"warning_signs": [""]}), 422)
    assert_problem(api.request("PUT", path, json={"hobbies": ["x"]}), 422)
    assert api.version(plan_id) == 1
    body = {"warning_signs": ["Not sleeping"], "professional_contacts": ["988"]}
    answer = api.ok("PUT", path, body)
    assert answer["version"] == 2
    safety_plan = api.ok("GET", f"/plans/{plan_id}")["safety_plan"]
    assert safety_plan == {
        "warning_signs": ["Not sleeping"],
        "coping_strategies": [],
        "social_contacts": [],
        "professional_contacts": ["988"],
        "means_safety": [],
        "reasons_for_living": [],
    }
    # analysts' revision feed never shows the plan's words
    revisions = api.ok(
        "GET", "/revisions", params={"min_position": answer["position"]}, role="analyst"
    )["items"]
    assert "Not sleeping" not in str(revisions)


def test_strengths_barriers_and_discharge_criteria(api: API) -> None:
    plan_id = api.create_plan()
    plan = api.ok("GET", f"/plans/{plan_id}")
    assert plan["strengths"] == [] and plan["barriers"] == []
    assert plan["discharge_criteria"] is None
    strength = api.ok(
        "POST", f"/plans/{plan_id}/strengths", {"description": "Supportive sister"}, 201
    )
    barrier = api.ok("POST", f"/plans/{plan_id}/barriers", {"description": "Shift work"}, 201)
    criteria = ["PHQ-9 below 5 twice", "Back at work"]
    api.ok("PUT", f"/plans/{plan_id}/discharge-criteria", {"criteria": criteria})
    plan = api.ok("GET", f"/plans/{plan_id}")
    sister = {"id": strength["strength_id"], "description": "Supportive sister"}
    assert plan["strengths"] == [sister]
    assert plan["barriers"] == [{"id": barrier["barrier_id"], "description": "Shift work"}]
    assert plan["discharge_criteria"] == criteria
    assert_problem(api.post(f"/plans/{plan_id}/strengths", {}), 422, "description")
    assert_problem(api.post(f"/plans/{plan_id}/barriers", {"description": ""}), 422)
    bad = api.request("PUT", f"/plans/{plan_id}/discharge-criteria", json={"criteria": []})
    assert_problem(bad, 422, "criteria")
    auditor = api.post(f"/plans/{plan_id}/strengths", {"description": "x"}, role="auditor")
    assert_problem(auditor, 403)
    assert api.version(plan_id) == 4


def test_a_score_entered_in_error_leaves_scores_and_progress_but_not_the_timeline(
    api: API,
) -> None:
    plan_id, _, goal_id = api.plan_with_goal()  # GAD-7 16 → 8
    scores = f"/plans/{plan_id}/scores"
    good = api.ok(
        "POST",
        scores,
        {"instrument": "GAD-7", "score": 10, "administered_on": "2025-04-01", "goal_id": goal_id},
        201,
    )
    wrong = api.ok(
        "POST",
        scores,
        {"instrument": "GAD-7", "score": 2, "administered_on": "2025-04-15", "goal_id": goal_id},
        201,
    )
    path = f"{scores}/{wrong['score_id']}/entered-in-error"
    assert_problem(api.post(path, {}), 422, "reason")
    answer = api.ok("POST", path, {"reason": "Another client's form"})
    assert answer["score_id"] == wrong["score_id"]
    # then the score leaves GET …/scores and progress
    read = api.ok("GET", scores, params={"min_position": answer["position"]})
    assert [s["score"] for s in read["series"]["GAD-7"]] == [10]
    assert read["goals"][0]["latest"] == 10
    assert api.ok("GET", f"/plans/{plan_id}")["goals"][0]["progress"]["latest"] == 10
    # and stays in the timeline, with the correction after it
    timeline = api.timeline(plan_id, min_position=answer["position"])
    kinds = [i["type"] for i in timeline]
    assert kinds.count("ScoreRecorded") == 2 and kinds[-1] == "ScoreEnteredInError"
    # twice is 409, an unknown score 404
    assert_problem(api.post(path, {"reason": "again"}), 409)
    assert_problem(api.post(f"{scores}/nope/entered-in-error", {"reason": "x"}), 404)
    assert good["score_id"] in [s.get("score_id") for s in read["series"]["GAD-7"]]


def test_goal_progress_follows_each_instruments_outcome_rules(api: API) -> None:
    plan_id = api.create_plan()
    problem_id = api.add_problem(plan_id)
    cases = {
        "PHQ-9": (20, 9, 4, True, True),
        "PCL-5": (50, 30, 40, True, None),
        "PHQ-2": (6, 2, 1, None, None),
        "BAI": (30, 7, 3, None, None),
    }
    for instrument, (baseline, target, latest, _, _) in cases.items():
        measure = {"instrument": instrument, "baseline": baseline, "target": target}
        goal = api.ok(
            "POST", f"/plans/{plan_id}/goals", goal_body(problem_id, measure=measure), 201
        )
        last = api.ok(
            "POST",
            f"/plans/{plan_id}/scores",
            {
                "instrument": instrument,
                "score": latest,
                "administered_on": "2025-04-01",
                "goal_id": goal["goal_id"],
            },
            201,
        )
    plan = api.ok("GET", f"/plans/{plan_id}")
    by_instrument = {g["measure"]["instrument"]: g["progress"] for g in plan["goals"]}
    read = api.ok("GET", f"/plans/{plan_id}/scores", params={"min_position": last["position"]})
    projected = {g["instrument"]: g for g in read["goals"]}
    for instrument, (_, _, _, response, remission) in cases.items():
        assert by_instrument[instrument]["response"] is response, instrument
        assert by_instrument[instrument]["remission"] is remission, instrument
        assert projected[instrument]["response"] is response, instrument
        assert projected[instrument]["remission"] is remission, instrument


def test_close_takes_a_reason_code(api: API) -> None:
    plan_id = api.create_plan()
    body = {"reason": "Moved out of state", "closed_on": "2025-04-01"}
    assert_problem(api.post(f"/plans/{plan_id}/close", {**body, "reason_code": "moved"}), 422)
    api.ok("POST", f"/plans/{plan_id}/close", {**body, "reason_code": "transferred"})
    assert api.ok("GET", f"/plans/{plan_id}")["close_reason_code"] == "transferred"
    other = api.create_plan()
    api.ok("POST", f"/plans/{other}/close", body)
    assert api.ok("GET", f"/plans/{other}")["close_reason_code"] == "other"


def test_dependants_block_resolving_a_problem_and_cancelling_a_goal(api: API) -> None:
    plan_id, problem_id, goal_id = api.plan_with_goal()
    intervention = api.ok(
        "POST", f"/plans/{plan_id}/interventions", {"modality": "CBT", "goal_ids": [goal_id]}, 201
    )
    refused = assert_problem(api.post(f"/plans/{plan_id}/problems/{problem_id}/resolve"), 409)
    assert goal_id in refused["detail"]
    cancel = {"status": "cancelled", "reason": "wrong goal"}
    refused = assert_problem(api.post(f"/plans/{plan_id}/goals/{goal_id}/status", cancel), 409)
    assert intervention["intervention_id"] in refused["detail"]
    assert api.version(plan_id) == 4
