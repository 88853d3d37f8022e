"""The OpenAPI document as an integrator's generator reads it.

No database: the document is the app's, built without starting it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from api import openapi

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "clients" / "python" / "openapi.json"


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("openapi") / "openapi.json"
    openapi.main([str(out)])
    found: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return found


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
    ]


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]]


def walk(node: Any, path: str = "") -> Any:
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key, value
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}/{index}")


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)


def test_the_committed_client_was_generated_from_this_document(document: dict[str, Any]) -> None:
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed == document, (
        "clients/python is out of date with /openapi.json: run `bash .ci/client` and commit"
    )


def test_operation_ids_are_the_route_names(document: dict[str, Any]) -> None:
    ids = {op["operationId"] for _, _, op in operations(document)}
    assert {"create_plan", "add_goal", "discontinue_intervention", "get_plan"} <= ids
    assert {"get_timeline", "export_timeline", "record_score", "get_review_queue"} <= ids
    for method, path, op in operations(document):
        assert not op["operationId"].endswith(f"_{method}"), (method, path, op["operationId"])


def test_enumerations_are_shared_components(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for name in ("Instrument", "PlanStatus", "GoalStatus", "SignerRole", "EventType", "Severity"):
        assert "enum" in schemas[name], name
    inline = [
        where
        for where, key, _ in walk(document)
        if key == "enum" and where.count("/") > 3 and "/headers/" not in where
    ]
    assert inline == [], inline
    plan = schemas["PlanView"]["properties"]
    assert plan["status"] == {"$ref": "#/components/schemas/PlanStatus"}


def test_dates_and_instants_are_typed(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    plan = schemas["PlanView"]["properties"]
    assert plan["created_at"]["format"] == "date-time"
    assert schemas["ReviewView"]["properties"]["next_review_due"]["format"] == "date"
    assert schemas["TimelineItem"]["properties"]["recorded_at"]["anyOf"][0]["format"] == (
        "date-time"
    )


def test_bounds_are_standard_keywords(document: dict[str, Any]) -> None:
    assert [(w, k) for w, k, _ in walk(document["components"]) if k in ("ge", "le")] == []
    days = document["components"]["schemas"]["ChangeReviewIntervalRequest"]["properties"]["days"]
    assert (days["minimum"], days["maximum"]) == (1, 365)


def test_command_answers_document_their_headers(document: dict[str, Any]) -> None:
    for method, path, op in operations(document):
        names = {p["name"] for p in op.get("parameters", []) if p["in"] == "header"}
        if "Idempotency-Key" not in names:
            continue
        success = {s: r for s, r in op["responses"].items() if s.startswith("2")}
        for status, response in success.items():
            assert {"ETag", "Idempotent-Replayed"} <= set(response["headers"]), (path, status)
            if status == "201":
                assert "Location" in response["headers"], (method, path)
        assert "Retry-After" in op["responses"]["503"]["headers"], (method, path)
    assert "ETag" in document["paths"]["/plans/{plan_id}"]["get"]["responses"]["200"]["headers"]


def test_position_is_never_null(document: dict[str, Any]) -> None:
    ack = document["components"]["schemas"]["CommandAck"]
    assert ack["properties"]["position"]["type"] == "integer"
    assert "position" in ack["required"]


def test_every_json_success_response_has_an_example_and_a_description(
    document: dict[str, Any],
) -> None:
    for method, path, op in operations(document):
        for status, response in op["responses"].items():
            if not status.startswith("2"):
                continue
            assert response["description"] != "Successful Response", (method, path)
            content = response.get("content", {}).get("application/json")
            if content is None or not content.get("schema"):
                continue
            branches = content["schema"].get("anyOf", [content["schema"]])
            for branch in branches:
                schema = resolve(document, branch)
                assert "examples" in schema or "example" in content, (method, path, status)


def test_the_json_lines_export_is_its_own_operation(document: dict[str, Any]) -> None:
    export = document["paths"]["/plans/{plan_id}/timeline/export"]["get"]
    assert "application/x-ndjson" in export["responses"]["200"]["content"]
    timeline = document["paths"]["/plans/{plan_id}/timeline"]["get"]
    assert "format" not in {p["name"] for p in timeline["parameters"]}
    assert list(timeline["responses"]["200"]["content"]) == ["application/json"]


def test_create_documents_that_it_refuses_if_match(document: dict[str, Any]) -> None:
    create = document["paths"]["/plans"]["post"]
    if_match = next(p for p in create["parameters"] if p["name"] == "If-Match")
    assert "412" in if_match["description"]
    assert "412" in create["responses"]
