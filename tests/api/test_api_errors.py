"""Bad input and bad days: 422 with the field, 404/405/413, 503 when the database is away, 500."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import psycopg
import pytest
from api_support import API, START, assert_problem, goal_body
from eventsourcing.persistence import OperationalError

from domain.application import PlansApplication


def test_invalid_bodies_are_422_with_the_field_and_store_nothing(api: API) -> None:
    plan_id, problem_id, goal_id = api.plan_with_goal()
    base = f"/plans/{plan_id}"
    m = {"instrument": "GAD-7", "baseline": 16, "target": 8}

    def goal(**overrides: object) -> dict:
        return goal_body(problem_id, **overrides)

    def score(**fields: object) -> dict:
        return {"instrument": "PHQ-9", "score": 3, "administered_on": START, **fields}

    def freq(**fields: object) -> dict:
        return {"every": 1, "unit": "week", "session_minutes": 50, **fields}

    plans, goals, g = "/plans", base + "/goals", f"{base}/goals/{goal_id}"
    cases = [
        # shape (the schema)
        ("POST", plans, {}, "client_id"),
        ("POST", plans, {"client_id": "c", "start_date": "03/03/2025"}, "start_date"),
        ("POST", plans, {"client_id": "c", "start_date": "9999-12-31"}, "start_date"),
        ("POST", plans, {"client_id": "c", "diagnoses": [{}]}, "diagnoses[0].code"),
        ("POST", plans, {"client_id": "c", "review_interval_days": "9"}, "review_interval_days"),
        ("POST", plans, {"client_id": "c", "nickname": "x"}, "nickname"),
        ("POST", plans, {"client_id": "c" * 201}, "client_id"),
        ("POST", plans, {"client_id": "c\u0000"}, "client_id"),
        (
            "POST",
            plans,
            {"client_id": "c", "presenting_concerns": ["x"] * 51},
            "presenting_concerns",
        ),
        ("POST", base + "/problems", {"description": "x" * 2001}, "description"),
        ("POST", base + "/problems", {"description": 5}, "description"),
        ("POST", goals, goal(problem_ids=[]), "problem_ids"),
        ("POST", goals, goal(measure={**m, "target": 8.5}), "measure.target"),
        ("POST", goals, goal(measure={"instrument": "GAD-7"}), "measure.baseline"),
        ("POST", goals, {"statement": "s"}, "problem_ids"),
        ("PATCH", g, {"statement": "s"}, "reason"),
        ("POST", g + "/status", {"status": "done", "reason": "r"}, "status"),
        ("POST", g + "/objectives", {}, "statement"),
        ("POST", base + "/interventions", {"modality": "CBT", "goal_ids": []}, "goal_ids"),
        ("PUT", base + "/frequency", freq(every=0), "every"),
        ("PUT", base + "/frequency", freq(unit="fortnight"), "unit"),
        ("PUT", base + "/frequency", freq(session_minutes=10), "session_minutes"),
        ("POST", base + "/assessments", {"instrument": "PHQ-9"}, "every_days"),
        ("POST", base + "/scores", score(score=True), "score"),
        ("POST", base + "/scores", {"instrument": "GAD-7", "score": 3}, "administered_on"),
        ("POST", base + "/reviews", {"reviewed_on": START, "outcome": "maybe"}, "outcome"),
        ("PUT", base + "/review-interval", {"days": 30}, "reason"),
        ("POST", base + "/signatures", {"signer_role": "pal", "signed_on": START}, "signer_role"),
        ("POST", base + "/close", {"reason": "r"}, "closed_on"),
        ("DELETE", base + "/diagnoses/F41.1", {}, "reason"),
        ("PUT", "/policy", {"review_interval_days": 60}, "due_soon_days"),
        # meaning (the domain)
        ("POST", goals, goal(measure={**m, "target": 30}), "measure.target"),
        ("POST", goals, goal(measure={**m, "target": 18}), "measure.target"),
        ("POST", goals, goal(measure={**m, "instrument": "XYZ"}), "measure.instrument"),
        ("POST", goals, goal(target_date="2025-01-01"), "target_date"),
        ("POST", goals, goal_body("no-such-problem"), "problem_ids[0]"),
        ("POST", base + "/scores", score(score=28), "score"),
        ("POST", base + "/scores", score(goal_id=goal_id), "goal_id"),
        ("POST", base + "/diagnoses", {"code": "not-icd"}, "code"),
        (
            "POST",
            base + "/reviews",
            {"reviewed_on": START, "outcome": "continue", "next_review_due": "2026-01-01"},
            "next_review_due",
        ),
        ("PATCH", g, {"reason": "nothing to change"}, "body"),
        ("POST", base + "/close", {"reason": "   ", "closed_on": START}, "reason"),
    ]
    for method, path, body, field in cases:
        role = "supervisor" if path == "/policy" else "clinician"
        response = api.request(method, path, json=body, role=role)
        assert_problem(response, 422, field), (method, path, body)
        assert "\u0000" not in response.text
    assert api.version(plan_id) == 3
    assert len(api.ok("GET", "/plans", params={"min_position": 3})["items"]) == 1


def test_transport_level_refusals(api: API) -> None:
    plan_id = api.create_plan()
    headers = api.headers(**{"Content-Type": "application/json"})
    assert_problem(api.get("/no-such-thing"), 404)
    assert_problem(api.get(f"/plans/{plan_id}/goals/x/nothing"), 404)
    not_allowed = api.request("DELETE", f"/plans/{plan_id}")
    assert_problem(not_allowed, 405)
    assert not_allowed.headers["allow"] == "GET"
    assert api.request("PATCH", "/plans").headers["allow"] == "GET, POST"
    malformed = api.client.post("/plans", content=b'{"client_id": ', headers=headers)
    assert_problem(malformed, 422, "body")
    nested = api.client.post("/plans", content=b"[" * 5000 + b"]" * 5000, headers=headers)
    assert_problem(nested, 422, "body")
    not_json = api.headers(**{"Content-Type": "text/plain"})
    assert_problem(api.client.post("/plans", content=b"client_id=c", headers=not_json), 422)
    assert_problem(api.client.post("/plans", content=b"[]", headers=headers), 422)

    big = b'{"client_id": "' + b"x" * 300_000 + b'"}'
    assert_problem(api.client.post("/plans", content=big, headers=headers), 413)

    def chunks() -> Iterator[bytes]:
        yield b'{"client_id": "'
        for _ in range(40):
            yield b"x" * 10_000
        yield b'"}'

    streamed = api.client.post("/plans", content=chunks(), headers=headers)
    assert_problem(streamed, 413)
    assert api.ok("GET", "/plans", params={"min_position": 1})["items"][0]["id"] == plan_id


def test_strings_are_stored_and_returned_verbatim(api: API) -> None:
    plan_id = api.create_plan()
    hostile = "Robert'); DROP TABLE stored_events;-- <script>alert(1)</script> 🙂 \u202e"
    added = api.ok("POST", f"/plans/{plan_id}/problems", {"description": hostile}, status=201)
    problems = api.ok("GET", f"/plans/{plan_id}")["problems"]
    assert problems[0]["description"] == hostile
    items = api.timeline(plan_id, min_position=added["position"])
    assert items[-1]["data"]["description"] == hostile
    lone_surrogate = b'{"description": "\\ud800"}'
    headers = api.headers(**{"Content-Type": "application/json"})
    response = api.client.post(
        f"/plans/{plan_id}/problems", content=lone_surrogate, headers=headers
    )
    assert_problem(response, 422, "description")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "error",
    [
        OperationalError("server closed the connection unexpectedly"),
        psycopg.OperationalError("connection refused"),
        sqlite3.OperationalError("database is locked"),
    ],
)
def test_an_unreachable_database_is_503_with_retry_after(
    api: API, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    plan_id = api.create_plan()

    def unreachable(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(PlansApplication, "get_plan", unreachable)
    for response in (
        api.get(f"/plans/{plan_id}"),
        api.post(f"/plans/{plan_id}/problems", {"description": "Worry"}),
    ):
        body = assert_problem(response, 503)
        assert response.headers["retry-after"]
        assert "connection" not in body["detail"] and "locked" not in body["detail"]
    monkeypatch.undo()
    assert api.version(plan_id) == 1


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_unexpected_is_a_bare_500(
    api: API, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    plan_id = api.create_plan()

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("client-0042 said something private")

    monkeypatch.setattr(PlansApplication, "get_plan", broken)
    response = api.get(f"/plans/{plan_id}")
    body = assert_problem(response, 500)
    assert "client-0042" not in response.text and "KeyError" not in response.text
    assert "reference" in body["detail"]
    assert "client-0042" not in caplog.text and "KeyError" in caplog.text
    monkeypatch.undo()
    log = api.ok("GET", "/access-log", role="auditor")["items"]
    assert log[-1]["outcome"] == 500


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_openapi_describes_the_real_api(api: API) -> None:
    spec = api.client.get("/openapi.json").json()
    paths = spec["paths"]
    expected = {
        ("post", "/plans"),
        ("get", "/plans"),
        ("get", "/plans/{plan_id}"),
        ("post", "/plans/{plan_id}/problems"),
        ("post", "/plans/{plan_id}/problems/{problem_id}/resolve"),
        ("post", "/plans/{plan_id}/diagnoses"),
        ("delete", "/plans/{plan_id}/diagnoses/{code}"),
        ("post", "/plans/{plan_id}/goals"),
        ("patch", "/plans/{plan_id}/goals/{goal_id}"),
        ("post", "/plans/{plan_id}/goals/{goal_id}/status"),
        ("post", "/plans/{plan_id}/goals/{goal_id}/objectives"),
        ("post", "/plans/{plan_id}/interventions"),
        ("post", "/plans/{plan_id}/interventions/{intervention_id}/discontinue"),
        ("put", "/plans/{plan_id}/frequency"),
        ("post", "/plans/{plan_id}/assessments"),
        ("post", "/plans/{plan_id}/scores"),
        ("get", "/plans/{plan_id}/scores"),
        ("post", "/plans/{plan_id}/reviews"),
        ("put", "/plans/{plan_id}/review-interval"),
        ("post", "/plans/{plan_id}/signatures"),
        ("post", "/plans/{plan_id}/close"),
        ("get", "/plans/{plan_id}/timeline"),
        ("get", "/plans/{plan_id}/diff"),
        ("get", "/plans/{plan_id}/verify"),
        ("get", "/review-queue"),
        ("get", "/revisions"),
        ("get", "/policy"),
        ("put", "/policy"),
        ("get", "/access-log"),
        ("get", "/health"),
        ("get", "/ready"),
    }
    assert expected <= {(m, p) for p, ops in paths.items() for m in ops}
    schemas = spec["components"]["schemas"]
    for name in ("AddGoalRequest", "CreatePlanRequest", "PlanView", "TimelineItem", "Problem"):
        assert name in schemas
    assert schemas["AddGoalRequest"]["examples"]
    goals = paths["/plans/{plan_id}/goals"]["post"]
    assert "application/problem+json" in goals["responses"]["422"]["content"]
    assert {"If-Match", "Idempotency-Key"} <= {p["name"] for p in goals["parameters"]}
    assert spec["components"]["securitySchemes"]
    assert api.client.get("/docs").status_code == 200
