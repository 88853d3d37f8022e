"""Who may do what: tokens (401), roles (403), the order of refusals, the access log."""

from __future__ import annotations

import time

import jwt
import pytest
from api_support import API, CLINIC, START, assert_problem, claims, goal_body
from fastapi.testclient import TestClient

from api.auth import mint_token
from api.settings import Settings


def test_health_and_ready_need_no_token(client: TestClient, api: API) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    anonymous = client.get("/ready")
    assert anonymous.status_code == 200
    assert anonymous.json() == {"status": "ready"}, "no counts or lag without a token"
    forged = client.get("/ready", headers={"Authorization": "Bearer not.a.token"})
    assert forged.json() == {"status": "ready"}
    ready = client.get("/ready", headers=api.headers("analyst"))
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready" and body["database"] == "ok"
    assert body["read_models"], body
    for status in body["read_models"].values():
        assert {"position", "head", "lag"} <= set(status)


def test_bad_tokens_are_401(api: API) -> None:
    expired = api.raw_token(exp=int(time.time()) - 5)
    wrong_key = api.raw_token(key="another-secret-of-sufficient-length-0123456789")
    unsigned = jwt.encode(claims(), key=None, algorithm="none")  # type: ignore[arg-type]
    hs512 = api.raw_token(algorithm="HS512")
    not_a_string = api.raw_token(clinic=42)
    tokens = {
        "expired": expired,
        "wrong signature": wrong_key,
        "alg none": unsigned,
        "other algorithm": hs512,
        "garbage": "not.a.token",
        "clinic not a string": not_a_string,
    }
    for claim in ("sub", "role", "clinic", "exp"):
        tokens[f"no {claim}"] = jwt.encode(claims(**{claim: None}), api.secret, algorithm="HS256")
    for name, token in tokens.items():
        response = api.client.get("/plans", headers={"Authorization": f"Bearer {token}"})
        assert_problem(response, 401), name
        assert response.headers["www-authenticate"].startswith("Bearer"), name
    for header in ({}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer "}):
        assert_problem(api.client.get("/plans", headers=header), 401)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_role_table(api: API) -> None:
    plan_id, _, _ = api.plan_with_goal()
    base = f"/plans/{plan_id}"
    reads = [
        base,
        base + "/timeline",
        base + "/diff?from_version=1",
        base + "/verify",
        base + "/scores",
        "/plans",
        "/review-queue",
    ]
    for path in reads:
        for role in ("clinician", "supervisor", "auditor"):
            assert api.get(path, role=role).status_code == 200, (path, role)
        assert_problem(api.get(path, role="analyst"), 403)
    for role in ("clinician", "supervisor", "auditor", "analyst"):
        assert api.get("/revisions", role=role).status_code == 200
        assert api.get("/policy", role=role).status_code == 200
    for role in ("auditor", "supervisor"):
        assert api.get("/access-log", role=role).status_code == 200
    for role in ("clinician", "analyst"):
        assert_problem(api.get("/access-log", role=role), 403)
    problem = {"description": "Worry"}
    for role in ("auditor", "analyst"):
        assert_problem(api.post(base + "/problems", problem, role=role), 403)
        assert_problem(api.post("/plans", {"client_id": "c"}, role=role), 403)
    assert api.post(base + "/problems", problem, role="supervisor").status_code == 201
    policy = {"review_interval_days": 60, "due_soon_days": 7}
    for role in ("clinician", "auditor", "analyst"):
        assert_problem(api.request("PUT", "/policy", json=policy, role=role), 403)
    assert_problem(api.get("/plans", role="receptionist"), 403)


def test_refusals_come_in_the_contract_order(api: API, settings: Settings) -> None:
    plan_id, problem_id, _ = api.plan_with_goal()
    other_clinic_plan = api.create_plan(clinic="lakeside")
    goals = f"/plans/{plan_id}/goals"
    broken = {"problem_ids": [], "statement": "s"}
    # 401 before 403 before 422: without a token, or with a role that may not write,
    # a malformed body is never looked at.
    assert_problem(api.client.post(goals, json=broken), 401)
    assert_problem(api.client.post(goals, content=b"{not json"), 401)
    assert_problem(api.post(goals, broken, role="auditor"), 403)
    auditor = api.headers(role="auditor", **{"Content-Type": "application/json"})
    assert_problem(api.client.post(goals, content=b"{not json", headers=auditor), 403)
    # 422 (shape) before 404: another clinic's plan, or none at all.
    assert_problem(api.post(f"/plans/{other_clinic_plan}/goals", broken), 422, "problem_ids")
    assert_problem(api.post("/plans/nope/goals", broken), 422, "problem_ids")
    # 404 before 412.
    stale = {"If-Match": '"1"'}
    valid = goal_body(problem_id)
    assert_problem(api.post(f"/plans/{other_clinic_plan}/goals", valid, headers=stale), 404)
    # 412 before 409 before 422 (a rule): close, then try a goal that breaks a rule.
    api.ok("POST", f"/plans/{plan_id}/close", {"reason": "Moved", "closed_on": START})
    rule_broken = goal_body(problem_id, target_date="2020-01-01")
    assert_problem(api.post(goals, rule_broken, headers=stale), 412)
    assert_problem(api.post(goals, rule_broken), 409)
    fresh = api.create_plan()
    fresh_problem = api.add_problem(fresh)
    assert_problem(
        api.post(f"/plans/{fresh}/goals", goal_body(fresh_problem, target_date="2020-01-01")),
        422,
        "target_date",
    )


def test_every_plan_request_is_in_the_access_log(api: API) -> None:
    plan_id = api.create_plan()
    api.get(f"/plans/{plan_id}", role="auditor")
    api.get(f"/plans/{plan_id}/timeline")
    api.get(f"/plans/{plan_id}", role="analyst")
    api.post(f"/plans/{plan_id}/problems", {"description": ""})
    api.get(f"/plans/{plan_id}", clinic="lakeside")
    log = api.ok("GET", "/access-log", params={"plan_id": plan_id}, role="auditor")["items"]
    seen = [(e["actor"], e["role"], e["action"], e["outcome"]) for e in log]
    assert seen == [
        ("dr-okafor", "clinician", "POST /plans", 201),
        ("dr-okafor", "auditor", "GET /plans/{plan_id}", 200),
        ("dr-okafor", "clinician", "GET /plans/{plan_id}/timeline", 200),
        ("dr-okafor", "analyst", "GET /plans/{plan_id}", 403),
        ("dr-okafor", "clinician", "POST /plans/{plan_id}/problems", 422),
    ], "another clinic's attempt is in that clinic's log, not this one's"
    assert all(e["clinic"] == CLINIC and e["plan_id"] == plan_id for e in log)
    assert all(e["at"].endswith("+00:00") for e in log)
    lakeside = api.ok("GET", "/access-log", role="auditor", clinic="lakeside")["items"]
    assert [(e["plan_id"], e["outcome"]) for e in lakeside] == [(plan_id, 404)]
    page = api.ok("GET", "/access-log", params={"limit": 2}, role="supervisor")
    assert len(page["items"]) == 2 and page["next"]
    rest = api.ok("GET", "/access-log", params={"after": page["next"]}, role="supervisor")
    assert rest["items"][0]["id"] > page["items"][-1]["id"]
    none = api.ok("GET", "/access-log", params={"to": "2020-01-01"}, role="auditor")
    assert none["items"] == []


def test_the_access_log_is_append_only(api: API) -> None:
    api.create_plan()
    access_log = api.client.app.state.services.access_log  # type: ignore[attr-defined]
    for statement in ("UPDATE access_log SET outcome = 200", "DELETE FROM access_log"):
        with pytest.raises(Exception, match="append-only"):
            with access_log.datastore.transaction(commit=True) as curs:
                curs.execute(statement)
    assert len(api.ok("GET", "/access-log", role="auditor")["items"]) >= 1


def test_a_read_that_cannot_be_logged_is_not_served(api: API, monkeypatch) -> None:
    plan_id = api.create_plan()
    access_log = api.client.app.state.services.access_log  # type: ignore[attr-defined]

    def broken(*args: object) -> None:
        from eventsourcing.persistence import OperationalError

        raise OperationalError("connection refused")

    # What every append does, whichever writer (the thread's, the event loop's)
    # and however it writes: chain its rows onto the head.
    monkeypatch.setattr(access_log, "_rows", broken)
    response = api.get(f"/plans/{plan_id}")
    assert_problem(response, 503)
    assert response.headers["retry-after"]
    assert "client-0042" not in response.text


def test_tokens_from_mint_token_carry_the_claims(settings: Settings) -> None:
    token = mint_token(settings.secret(), "dr-okafor", "auditor", CLINIC, 5)
    decoded = jwt.decode(token, settings.secret(), algorithms=["HS256"])
    assert {k: decoded[k] for k in ("sub", "role", "clinic")} == {
        "sub": "dr-okafor",
        "role": "auditor",
        "clinic": CLINIC,
    }
    assert 290 <= decoded["exp"] - time.time() <= 301
