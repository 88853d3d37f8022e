"""Helpers for the API tests: tokens, headers, and the commands most scenarios start from."""

from __future__ import annotations

import time
from typing import Any

import jwt
from fastapi.testclient import TestClient
from httpx import Response

from api.auth import mint_token

CLINIC = "riverside"
OTHER_CLINIC = "lakeside"
START = "2025-03-03"
PROBLEM = "application/problem+json"


def claims(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "sub": "dr-okafor",
        "role": "clinician",
        "clinic": CLINIC,
        "exp": int(time.time()) + 600,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def assert_problem(response: Response, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith(PROBLEM), response.headers
    body = response.json()
    for key in ("type", "title", "status", "detail"):
        assert key in body, body
    assert body["status"] == status
    assert "Traceback" not in response.text
    if field is not None:
        fields = [e["field"] for e in body["errors"]]
        assert field in fields, (field, body)
    return body


class API:
    def __init__(self, client: TestClient, secret: str) -> None:
        self.client = client
        self.secret = secret

    # ------------------------------------------------------------- tokens
    def token(self, role: str = "clinician", clinic: str = CLINIC, sub: str = "dr-okafor") -> str:
        return mint_token(self.secret, sub, role, clinic, 10)

    def raw_token(self, algorithm: str = "HS256", key: str | None = None, **overrides: Any) -> str:
        return jwt.encode(claims(**overrides), key or self.secret, algorithm=algorithm)

    def headers(
        self, role: str = "clinician", clinic: str = CLINIC, **extra: str
    ) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, clinic)}", **extra}

    # ----------------------------------------------------------- requests
    def request(
        self, method: str, path: str, role: str = "clinician", clinic: str = CLINIC, **kwargs: Any
    ) -> Response:
        headers = {**self.headers(role, clinic), **kwargs.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Response:
        return self.request("POST", path, json=body, **kwargs)

    def ok(self, method: str, path: str, body: Any = None, status: int = 200, **kw: Any) -> Any:
        response = self.request(method, path, json=body, **kw)
        assert response.status_code == status, (method, path, response.status_code, response.text)
        return response.json()

    # ----------------------------------------------------------- commands
    def create_plan(self, clinic: str = CLINIC, **body: Any) -> str:
        payload = {"client_id": "client-0042", "start_date": START, **body}
        return str(self.ok("POST", "/plans", payload, 201, clinic=clinic)["id"])

    def add_problem(self, plan_id: str, clinic: str = CLINIC) -> str:
        body = {"description": "Excessive worry most days"}
        created = self.ok("POST", f"/plans/{plan_id}/problems", body, 201, clinic=clinic)
        return str(created["problem_id"])

    def add_goal(self, plan_id: str, problem_id: str, clinic: str = CLINIC) -> str:
        body = goal_body(problem_id)
        return str(self.ok("POST", f"/plans/{plan_id}/goals", body, 201, clinic=clinic)["goal_id"])

    def plan_with_goal(self, clinic: str = CLINIC) -> tuple[str, str, str]:
        plan_id = self.create_plan(clinic=clinic)
        problem_id = self.add_problem(plan_id, clinic=clinic)
        return plan_id, problem_id, self.add_goal(plan_id, problem_id, clinic=clinic)

    def version(self, plan_id: str, clinic: str = CLINIC) -> int:
        return int(self.ok("GET", f"/plans/{plan_id}", clinic=clinic)["version"])

    def timeline(self, plan_id: str, **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.ok(
            "GET", f"/plans/{plan_id}/timeline", params={"limit": 1000, **params}
        )["items"]
        return items


def goal_body(problem_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "problem_ids": [problem_id],
        "statement": "Reduce anxiety symptoms by half within three months",
        "measure": {"instrument": "GAD-7", "baseline": 16, "target": 8},
        "target_date": "2025-06-01",
    }
    body.update(overrides)
    return body
