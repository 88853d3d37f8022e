"""Queries over HTTP: the plan as of a version or an instant, history, read models, policy."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from api_support import API, START, assert_problem, goal_body

UNKNOWN_PLAN = "00000000-0000-4000-8000-000000000001"


def test_plan_reads_are_current_and_travel_in_time(api: API) -> None:
    plan_id, problem_id, goal_id = api.plan_with_goal()
    before_goal_change = datetime.now(tz=UTC)
    time.sleep(0.01)
    changed = api.ok(
        "PATCH",
        f"/plans/{plan_id}/goals/{goal_id}",
        {"statement": "Sleep seven hours", "reason": "Client's priority"},
    )
    current = api.get(f"/plans/{plan_id}")
    assert current.status_code == 200 and current.headers["etag"] == f'"{changed["version"]}"'
    document = current.json()
    for key in (
        "id",
        "clinic",
        "client_id",
        "status",
        "version",
        "problems",
        "diagnoses",
        "goals",
        "interventions",
        "frequency",
        "assessments",
        "review",
        "signatures",
        "created_at",
        "updated_at",
    ):
        assert key in document
    assert document["frequency"] is None, "absent is null, not an object of nulls"
    assert document["review"]["next_review_due"] == "2025-06-01"  # start + 90 days
    goal = document["goals"][0]
    assert goal["statement"] == "Sleep seven hours"
    assert {
        "id",
        "problem_ids",
        "measure",
        "target_date",
        "status",
        "objectives",
        "progress",
    } <= set(goal)

    old = api.get(f"/plans/{plan_id}", params={"version": 3})
    assert old.status_code == 200 and old.headers["etag"] == '"3"'
    assert old.json()["goals"][0]["statement"].startswith("Reduce anxiety")
    assert_problem(api.get(f"/plans/{plan_id}", params={"version": 5}), 404)
    assert_problem(api.get(f"/plans/{plan_id}", params={"version": 0}), 422, "version")

    as_of = api.get(f"/plans/{plan_id}", params={"as_of": before_goal_change.isoformat()})
    assert as_of.status_code == 200, as_of.text
    assert as_of.json()["version"] == 3
    zulu = before_goal_change.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert api.get(f"/plans/{plan_id}", params={"as_of": zulu}).json()["version"] == 3
    long_ago = (before_goal_change - timedelta(days=1)).isoformat()
    assert_problem(api.get(f"/plans/{plan_id}", params={"as_of": long_ago}), 404)
    for bad in ("yesterday", "2025-03-01", "2025-03-01T10:00:00", "0001-01-01T00:00:00+05:00"):
        assert_problem(api.get(f"/plans/{plan_id}", params={"as_of": bad}), 422, "as_of")
    both = api.get(f"/plans/{plan_id}", params={"version": 1, "as_of": zulu})
    assert_problem(both, 422)
    assert_problem(api.get(f"/plans/{UNKNOWN_PLAN}"), 404)
    assert_problem(api.get("/plans/not-a-plan-id"), 404)
    assert problem_id in [p["id"] for p in document["problems"]]


def test_timeline_diff_verify_and_export(api: API) -> None:
    plan_id, _, goal_id = api.plan_with_goal()
    revised = api.ok(
        "PATCH",
        f"/plans/{plan_id}/goals/{goal_id}",
        {"target_date": "2025-08-01", "reason": "Slower progress"},
    )
    items = api.timeline(plan_id, min_position=revised["position"])
    assert [i["type"] for i in items] == ["PlanCreated", "ProblemAdded", "GoalAdded", "GoalRevised"]
    item = items[-1]
    for key in ("version", "type", "recorded_at", "actor", "role", "reason", "summary", "data"):
        assert key in item
    assert item["actor"] == "dr-okafor" and item["reason"] == "Slower progress"
    page = api.ok("GET", f"/plans/{plan_id}/timeline", params={"after_version": 1, "limit": 2})
    assert [i["version"] for i in page["items"]] == [2, 3]

    diff = api.ok("GET", f"/plans/{plan_id}/diff", params={"from_version": 3, "to_version": 4})
    assert diff["from_version"] == 3 and diff["to_version"] == 4
    change = {c["path"]: c for c in diff["changes"]}[f"/goals/{goal_id}/target_date"]
    assert change["op"] == "replace" and change["old"] == "2025-06-01"
    assert change["new"] == "2025-08-01"
    assert [e["version"] for e in diff["events"]] == [4]
    to_now = api.ok("GET", f"/plans/{plan_id}/diff", params={"from_version": 1})
    assert to_now["to_version"] == 4
    assert_problem(
        api.get(f"/plans/{plan_id}/diff", params={"from_version": 4, "to_version": 2}),
        422,
        "from_version",
    )
    assert_problem(api.get(f"/plans/{plan_id}/diff"), 422, "from_version")
    assert_problem(
        api.get(f"/plans/{plan_id}/diff", params={"from_version": 1, "to_version": 9}), 404
    )

    verified = api.ok("GET", f"/plans/{plan_id}/verify")
    assert verified["valid"] is True and verified["events_checked"] == 4
    assert verified["first_invalid_version"] is None and len(verified["head_hash"]) == 64

    export = api.get(f"/plans/{plan_id}/timeline", params={"format": "jsonl"})
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in export.text.splitlines()]
    assert [line["version"] for line in lines] == [1, 2, 3, 4]
    assert lines[-1]["hash"] == verified["head_hash"]
    assert_problem(api.get(f"/plans/{UNKNOWN_PLAN}/timeline", params={"format": "jsonl"}), 404)
    assert_problem(api.get(f"/plans/{plan_id}/timeline", params={"format": "xml"}), 422, "format")


def test_read_models_list_scores_queue_and_read_your_writes(api: API) -> None:
    plan_id, _, goal_id = api.plan_with_goal()
    other = api.create_plan(client_id="client-0099", start_date="2024-10-01")
    score = api.ok(
        "POST",
        f"/plans/{plan_id}/scores",
        {"instrument": "GAD-7", "score": 7, "administered_on": "2025-04-01", "goal_id": goal_id},
        status=201,
    )
    position = score["position"]

    listed = api.ok("GET", "/plans", params={"min_position": position})
    assert {p["id"] for p in listed["items"]} == {plan_id, other} and "next" in listed
    mine = api.ok("GET", "/plans", params={"client_id": "client-0099", "min_position": position})
    assert [p["id"] for p in mine["items"]] == [other]
    first = api.ok("GET", "/plans", params={"limit": 1})
    assert len(first["items"]) == 1 and first["next"]
    second = api.ok("GET", "/plans", params={"limit": 1, "after": first["next"]})
    assert second["items"][0]["id"] != first["items"][0]["id"]
    assert_problem(api.get("/plans", params={"status": "archived"}), 422, "status")
    assert_problem(api.get("/plans", params={"limit": 0}), 422, "limit")

    scores = api.ok("GET", f"/plans/{plan_id}/scores", params={"min_position": position})
    assert scores["series"]["GAD-7"][0]["score"] == 7
    goal = scores["goals"][0]
    assert goal["goal_id"] == goal_id and goal["latest"] == 7 and goal["met"] is True

    queue = api.ok(
        "GET",
        "/review-queue",
        params={"as_of": "2025-05-25", "within_days": 14, "min_position": position},
    )
    assert queue["as_of"] == "2025-05-25"
    assert [i["plan_id"] for i in queue["overdue"]] == [other]  # due 2024-12-30
    assert queue["overdue"][0]["days_overdue"] > 0
    assert [i["plan_id"] for i in queue["due_soon"]] == [plan_id]  # due 2025-06-01
    default = api.ok("GET", "/review-queue")
    assert default["as_of"] == datetime.now(tz=UTC).date().isoformat()
    assert_problem(api.get("/review-queue", params={"as_of": "soon"}), 422, "as_of")

    # A position no read model has reached within the bound: 503, to retry later.
    unreached = api.get(f"/plans/{plan_id}/timeline", params={"min_position": position + 1000})
    assert_problem(unreached, 503)
    assert unreached.headers["retry-after"]
    assert_problem(api.get("/plans", params={"after": "not-a-cursor"}), 422, "after")


def test_a_read_model_that_lags_answers_503(api: API, monkeypatch: pytest.MonkeyPatch) -> None:
    plan_id = api.create_plan()
    read_models = api.client.app.state.services.read_models  # type: ignore[attr-defined]
    monkeypatch.setattr(read_models, "wait_for", lambda *args, **kwargs: False)
    for path in (f"/plans/{plan_id}/timeline", f"/plans/{plan_id}/scores", "/plans", "/revisions"):
        lagging = api.get(path, params={"min_position": 1})
        body = assert_problem(lagging, 503)
        assert lagging.headers["retry-after"] and "position" in body["detail"]
    assert api.get(f"/plans/{plan_id}/timeline").status_code == 200


def test_revisions_are_deidentified_for_analysts_only(api: API) -> None:
    plan_id, problem_id, _ = api.plan_with_goal()
    signed = api.ok(
        "POST",
        f"/plans/{plan_id}/signatures",
        {"signer_role": "client", "signed_on": START, "signer_name": "Jane Q. Client"},
        status=201,
    )
    wait = {"min_position": signed["position"]}
    full = api.ok("GET", "/revisions", params=wait, role="auditor")["items"]
    assert {"PlanCreated", "ProblemAdded", "GoalAdded", "PlanSigned"} <= {i["type"] for i in full}
    assert "client-0042" in json.dumps(full) and "Jane Q. Client" in json.dumps(full)

    analyst = api.get("/revisions", params=wait, role="analyst")
    assert analyst.status_code == 200
    items = analyst.json()["items"]
    text = json.dumps(items)
    for secret in ("client-0042", "Jane Q. Client", "Excessive worry", "Reduce anxiety"):
        assert secret not in text
    assert plan_id not in text and problem_id not in text
    for item in items:
        assert set(item) == {"subject", "version", "type", "year", "plan_day", "role", "data"}
    assert len({i["subject"] for i in items}) == 1
    goal = next(i for i in items if i["type"] == "GoalAdded")
    assert goal["data"]["measure"]["instrument"] == "GAD-7"
    assert goal["data"]["problem_ids_count"] == 1
    assert goal["data"]["target_day"] == 90  # 2025-06-01 is 90 days after START
    signature = next(i for i in items if i["type"] == "PlanSigned")
    assert signature["data"]["signed_day"] == 0 and signature["data"]["signer_role"] == "client"

    goals_only = api.ok("GET", "/revisions", params={"type": "GoalAdded"}, role="analyst")
    assert {i["type"] for i in goals_only["items"]} == {"GoalAdded"}
    by_role = api.ok("GET", "/revisions", params={"role": "clinician"}, role="analyst")
    assert len(by_role["items"]) == len(items)
    today = datetime.now(tz=UTC).date()
    window = {"from": today.isoformat(), "to": today.isoformat()}
    assert len(api.ok("GET", "/revisions", params=window)["items"]) == len(items)
    past = {"from": "2020-01-01", "to": "2020-01-02T00:00:00Z"}
    assert api.ok("GET", "/revisions", params=past)["items"] == []
    assert_problem(api.get("/revisions", params={"type": "Nope"}), 422, "type")
    assert_problem(api.get("/revisions", params={"from": "last week"}), 422, "from")


def test_other_clinics_plans_do_not_exist(api: API) -> None:
    plan_id, problem_id, goal_id = api.plan_with_goal(clinic="lakeside")
    base = f"/plans/{plan_id}"
    for path, params in (
        ("", {}),
        ("", {"version": 1}),
        ("/timeline", {}),
        ("/timeline", {"format": "jsonl"}),
        ("/diff", {"from_version": 1}),
        ("/verify", {}),
        ("/scores", {}),
    ):
        assert_problem(api.get(base + path, params=params, role="auditor"), 404)
    commands = [
        ("POST", "/problems", {"description": "x"}),
        ("POST", "/goals", goal_body(problem_id)),
        ("POST", f"/goals/{goal_id}/status", {"status": "on-hold", "reason": "r"}),
        ("POST", "/close", {"reason": "r", "closed_on": START}),
    ]
    for method, path, body in commands:
        assert_problem(api.request(method, base + path, json=body), 404)
    assert api.ok("GET", "/plans")["items"] == []
    assert api.version(plan_id, clinic="lakeside") == 3
