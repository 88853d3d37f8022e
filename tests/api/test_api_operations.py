"""Operations: request ids on every response, one JSON log line per request, /metrics."""

from __future__ import annotations

import json
import logging

import pytest
from api_support import API, assert_problem
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.observability import JsonFormatter


def test_every_response_carries_a_request_id_and_echoes_a_sane_one(api: API) -> None:
    fresh = api.client.get("/health")
    assert len(fresh.headers["x-request-id"]) >= 16
    again = api.client.get("/health")
    assert again.headers["x-request-id"] != fresh.headers["x-request-id"]

    echoed = api.client.get("/health", headers={"X-Request-ID": "ticket-4711.a"})
    assert echoed.headers["x-request-id"] == "ticket-4711.a"
    # A problem answer (401) and a 404 carry one too.
    assert api.client.get("/plans").headers["x-request-id"]
    missing = api.get("/plans/5b0c1f36-2a4f-4c43-9d36-0d1a7e2b9a51")
    assert_problem(missing, 404)
    assert missing.headers["x-request-id"]


def test_a_request_id_that_could_forge_a_log_line_is_replaced(api: API) -> None:
    forged = 'x" \n{"level":"error"}'
    answered = api.client.get("/health", headers={"X-Request-ID": forged.replace("\n", " ")})
    assert answered.headers["x-request-id"] != forged.replace("\n", " ")
    assert " " not in answered.headers["x-request-id"]


def test_one_json_log_line_per_request_with_route_template_not_plan_id(
    api: API, caplog: pytest.LogCaptureFixture
) -> None:
    plan_id = api.create_plan()
    with caplog.at_level(logging.INFO, logger="api.requests"):
        response = api.get(f"/plans/{plan_id}", headers={"X-Request-ID": "req-1"})
    assert response.status_code == 200
    records = [r for r in caplog.records if r.name == "api.requests"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["request_id"] == "req-1"
    assert line["route"] == "/plans/{plan_id}"
    assert line["status"] == 200 and line["method"] == "GET"
    assert plan_id not in json.dumps(line)


def test_metrics_need_a_token_and_count_by_route_template(api: API) -> None:
    plan_id = api.create_plan()
    api.get(f"/plans/{plan_id}")
    assert_problem(api.client.get("/metrics"), 401)
    response = api.get("/metrics", role="analyst")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'plans_http_requests_total{method="GET",route="/plans/{plan_id}",status="200"}' in text
    assert 'route="/plans",status="201"' in text
    assert plan_id not in text
    assert "plans_http_request_duration_seconds_bucket" in text
    for read_model in ("plans", "plan_timeline", "review_queue", "scores", "revisions"):
        assert f'plans_projection_lag_events{{read_model="{read_model}"}}' in text
    assert "plans_database_breaker_open 0.0" in text
    assert "plans_group_commit_batches" in text


def test_metrics_accept_the_static_scrape_token(settings) -> None:  # type: ignore[no-untyped-def]
    from api.app import create_app

    token = SecretStr("scrape-token-0123456789abcdef")
    scraped = settings.model_copy(update={"metrics_token": token})
    with TestClient(create_app(scraped)) as client:
        scrape = {"Authorization": "Bearer scrape-token-0123456789abcdef"}
        assert client.get("/metrics", headers=scrape).status_code == 200
        # The scrape token opens nothing else.
        assert client.get("/plans", headers=scrape).status_code == 401
