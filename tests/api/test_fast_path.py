"""A plain command request goes straight from the edge to its route, without
FastAPI's routing or dependency solving (api.fast_path); every other request,
and every error FastAPI would word, still goes through FastAPI, so what a
client, an auditor and an operator see is the same either way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import fastapi.routing
import pytest
from api_support import API, START, assert_problem
from fastapi.testclient import TestClient

from api.deps import Cmd
from api.problem_details import ProblemError

SCORE = {"instrument": "PHQ-9", "score": 9, "administered_on": "2025-03-10"}


@pytest.fixture
def routed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The paths of the requests the app's router saw."""
    calls: list[str] = []
    original = fastapi.routing.APIRouter.__call__

    async def counting(self: Any, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            calls.append(scope["path"])
        await original(self, scope, receive, send)

    monkeypatch.setattr(fastapi.routing.APIRouter, "__call__", counting)
    yield calls


@pytest.fixture
def solved(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The paths of the requests FastAPI's `solve_dependencies` ran for."""
    calls: list[str] = []
    original = fastapi.routing.solve_dependencies

    async def counting(*, request: Any, **kwargs: Any) -> Any:
        calls.append(request.url.path)
        return await original(request=request, **kwargs)

    monkeypatch.setattr(fastapi.routing, "solve_dependencies", counting)
    yield calls


def test_a_plain_command_is_not_solved_by_fastapi_and_answers_the_same(
    api: API, solved: list[str]
) -> None:
    plan_id = api.create_plan()
    solved.clear()
    plain = api.post(f"/plans/{plan_id}/scores", SCORE)
    assert solved == []
    keyed = api.post(f"/plans/{plan_id}/scores", SCORE, headers={"Idempotency-Key": "k-1"})
    assert solved == [f"/plans/{plan_id}/scores"]  # a header the dependency validates
    assert plain.status_code == keyed.status_code == 201
    first, second = plain.json(), keyed.json()
    assert set(first) == set(second)
    assert (first["severity"], first["version"] + 1) == (second["severity"], second["version"])
    assert plain.headers["etag"] == f'"{first["version"]}"'
    # A plan-id dependency (PlanId) takes the same path.
    solved.clear()
    problem = api.post(f"/plans/{plan_id}/problems", {"description": "Low mood most days"})
    assert problem.status_code == 201, problem.text
    assert solved == []


@pytest.mark.parametrize(
    ("content", "content_type", "field"),
    [
        (b'{"instrument": "PHQ-9", "score": "nine", "administered_on": "2025-03-10"}',
         "application/json", "score"),
        (b'{"instrument": "PHQ-9", "score": 28, "administered_on": "2025-03-10"}',
         "application/json", "score"),
        (b'{"instrument": "PHQ-9", "score": 9', "application/json", None),
        (b'{"instrument": "PHQ-9", "score": NaN, "administered_on": "2025-03-10"}',
         "application/json", "score"),
        (b"[]", "application/json", None),
        (b"", "application/json", None),
        (b'{"instrument": "PHQ-9", "score": 9, "administered_on": "2025-03-10"}',
         "text/plain", None),
    ],
)  # fmt: skip
def test_anything_wrong_answers_as_through_fastapi_and_stores_nothing(
    api: API, content: bytes, content_type: str, field: str | None
) -> None:
    """The same refusal as a request FastAPI resolves itself (one with an
    Idempotency-Key, which the command dependency validates)."""
    plan_id = api.create_plan()
    version = api.version(plan_id)
    answers = [
        api.request(
            "POST",
            f"/plans/{plan_id}/scores",
            content=content,
            headers={"Content-Type": content_type, **extra},
        )
        for extra in ({}, {"Idempotency-Key": "k-1"})
    ]
    plain, resolved = (assert_problem(a, 422, field) for a in answers)
    for body in (plain, resolved):
        body.pop("instance", None)
        body.pop("request_id", None)
    assert plain == resolved
    assert api.version(plan_id) == version


def test_unknown_plan_and_wrong_clinic_answer_404(api: API) -> None:
    assert_problem(api.post("/plans/not-a-uuid/scores", SCORE), 404)
    plan_id = api.create_plan()
    assert_problem(api.post(f"/plans/{plan_id}/scores", SCORE, clinic="lakeside"), 404)


def test_dependency_overrides_are_honoured(client: TestClient, api: API) -> None:
    plan_id = api.create_plan()
    command = Cmd.__metadata__[0].dependency

    async def refuse() -> Any:
        raise ProblemError(409, "conflict", "Conflict", "overridden in this test")

    client.app.dependency_overrides[command] = refuse  # type: ignore[attr-defined]
    try:
        response = api.post(f"/plans/{plan_id}/scores", SCORE)
    finally:
        client.app.dependency_overrides.clear()  # type: ignore[attr-defined]
    assert assert_problem(response, 409)["detail"] == "overridden in this test"


def test_the_shortcut_skips_the_router_and_keeps_guard_log_and_metrics(
    api: API, routed: list[str]
) -> None:
    plan_id, closed = api.create_plan(), api.create_plan()
    assert (
        api.post(f"/plans/{closed}/close", {"reason": "Goals met", "closed_on": START}).status_code
        == 200
    )
    routed.clear()
    url = f"/plans/{plan_id}/scores"
    assert api.post(url, SCORE).status_code == 201
    assert routed == []  # answered at the edge
    # The guard still comes first: no token, a role that may not write, another clinic.
    assert_problem(api.client.post(url, json=SCORE), 401)
    assert_problem(api.post(url, SCORE, role="analyst"), 403)
    assert_problem(api.post(url, SCORE, clinic="lakeside"), 404)
    assert_problem(api.post("/plans/not-a-plan/scores", SCORE), 404)
    # A refusal by the plan's own rules, in the route: the app's problem handler words it.
    assert_problem(api.post(f"/plans/{closed}/scores", SCORE), 409)
    assert routed == []
    log = api.ok("GET", "/access-log", params={"plan_id": plan_id}, role="auditor")["items"]
    assert [(e["role"], e["action"], e["outcome"]) for e in log][1:] == [
        ("clinician", "POST /plans/{plan_id}/scores", 201),
        ("analyst", "POST /plans/{plan_id}/scores", 403),
    ]
    metrics = api.get("/metrics", role="analyst").text
    assert 'route="/plans/{plan_id}/scores",status="201"' in metrics
    assert 'route="/plans/{plan_id}/scores",status="409"' in metrics


def test_behind_a_root_path_fastapi_routes_and_the_route_still_skips_solving(
    settings: Any, solved: list[str], routed: list[str]
) -> None:
    """Under a root path the edge leaves routing to FastAPI; the routed command
    still takes its plain path, and still refuses what FastAPI refuses."""
    from api.app import create_app

    with TestClient(create_app(settings), root_path="/api") as client:
        api = API(client, settings.secret())
        plan_id = api.create_plan()
        solved.clear()
        routed.clear()
        assert api.post(f"/plans/{plan_id}/scores", SCORE).status_code == 201
        assert routed and solved == []
        assert_problem(
            api.post(f"/plans/{plan_id}/scores", {**SCORE, "score": "nine"}), 422, "score"
        )
        assert solved  # the refusal was FastAPI's
