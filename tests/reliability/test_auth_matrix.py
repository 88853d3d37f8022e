"""Authentication and roles, table-driven over every operation of the live OpenAPI document.

For every path and method but /health and /ready: no token, an expired one,
a wrong signature, `alg: none`, a token missing any one claim, garbage and
other schemes are 401 problems; an unknown role is 403; another clinic's
token on a plan is 404 (never 403, never the plan); and the contract's role
table holds (analysts never read single plans, the plan list or the review
queue; auditors never write; only supervisors set the policy).
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import jwt
import pytest
from reliability_support import (
    CLINIC,
    OTHER_CLINIC,
    PROBLEM,
    SECRET,
    Call,
    Recorder,
    assert_reads_logged,
    example_body,
    seed_plan,
)

PUBLIC = {"/health", "/ready"}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
ROLES = ("clinician", "supervisor", "auditor", "analyst")


def claims(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "sub": "dr-okafor",
        "role": "clinician",
        "clinic": CLINIC,
        "exp": int(time.time()) + 600,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def bad_tokens() -> dict[str, str]:
    """Tokens that must all be refused with 401 (the empty one means: no header)."""
    header, payload, _ = jwt.encode(claims(), SECRET, algorithm="HS256").split(".")
    tokens = {
        "none": "",
        "expired": jwt.encode(claims(exp=int(time.time()) - 5), SECRET, algorithm="HS256"),
        "wrong signature": jwt.encode(claims(), "another-secret-" * 4, algorithm="HS256"),
        "alg none": jwt.encode(claims(), None, algorithm="none"),
        "HS512": jwt.encode(claims(), SECRET, algorithm="HS512"),
        "signature stripped": f"{header}.{payload}.",
        "garbage": "not.a.token",
        "role not a string": jwt.encode(claims(role=["clinician"]), SECRET, algorithm="HS256"),
    }
    for claim in ("sub", "role", "clinic", "exp"):
        tokens[f"no {claim}"] = jwt.encode(claims(**{claim: None}), SECRET, algorithm="HS256")
    return tokens


def operations(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    ops = [
        (method.upper(), path, op)
        for path, methods in openapi["paths"].items()
        for method, op in methods.items()
        if path not in PUBLIC
    ]
    assert len(ops) >= 25, ops
    return ops


def fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)


ANALYTICS_PARAMS = {
    "/analytics/revisions": {"group_by": "type"},
    "/analytics/outcomes": {"instrument": "PHQ-9"},
    "/analytics/export": {"format": "parquet"},
}


def params_for(path: str) -> dict[str, Any]:
    if path in ANALYTICS_PARAMS:
        return ANALYTICS_PARAMS[path]
    return {"from_version": 1} if path.endswith("/diff") else {}


def assert_problem(call: Call, status: int, why: Any) -> None:
    assert call.status == status, (why, call.status, call.answer)
    assert call.headers["content-type"].startswith(PROBLEM), why
    assert {"type", "title", "status", "detail"} <= set(call.answer), why
    assert call.answer["status"] == status


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_operation_refuses_bad_tokens_roles_and_other_clinics(inproc: Recorder) -> None:
    rec = inproc
    openapi = rec.ok("GET", "/openapi.json")
    ops = operations(openapi)
    ids = seed_plan(rec)
    base = f"/plans/{ids['plan_id']}"
    version = rec.ok("GET", base)["version"]
    counts = {"401": 0, "403": 0, "404": 0, "allowed": 0}

    # 401: any bad token, for every operation (with a well-formed body and a broken one).
    for method, path, op in ops:
        url = fill(path, ids)
        body = example_body(openapi, op)
        for name, bearer in bad_tokens().items():
            call = rec.request(method, url, body, bearer=bearer, params=params_for(path))
            assert_problem(call, 401, (method, path, name))
            assert call.headers["www-authenticate"].startswith("Bearer"), (method, path, name)
            counts["401"] += 1
        for header in ("Basic dXNlcjpwYXNz", "Bearer", "bearer  "):
            call = rec.request(method, url, bearer="", headers={"Authorization": header})
            assert_problem(call, 401, (method, path, header))
            counts["401"] += 1
        if method in WRITE_METHODS:
            broken = rec.request(method, url, bearer="", content=b"{not json")
            assert_problem(broken, 401, (method, path, "broken body"))
            counts["401"] += 1

        # 403: a role nobody has heard of, whatever the body.
        call = rec.request(method, url, body, role="receptionist", params=params_for(path))
        assert_problem(call, 403, (method, path, "unknown role"))
        counts["403"] += 1

    # The role table (refusals come before the body is looked at).
    for method, path, op in ops:
        url = fill(path, ids)
        body = example_body(openapi, op)
        plan_scoped = (
            path == "/plans"
            or path.startswith("/plans/")
            or path in ("/review-queue", "/safety-flags")
        )
        refused: set[str] = set()
        if plan_scoped:
            refused.add("analyst")
        if method in WRITE_METHODS:
            refused.add("auditor")
            refused.add("analyst")
        if path == "/policy" and method == "PUT":
            refused |= {"clinician", "auditor", "analyst"}
        if path in ("/access-log", "/erasures"):  # the logs: auditors and supervisors
            refused |= {"clinician", "analyst"}
        if path == "/compliance":
            refused |= {"clinician", "analyst"}
        if path == "/plans/{plan_id}/clinician":
            refused |= {"clinician", "auditor", "analyst"}
        if path.startswith("/analytics/"):
            refused.add("clinician")
        if path == "/analytics/export":
            refused |= {"supervisor", "auditor"}
        for role in refused:
            call = rec.request(method, url, body, role=role, params=params_for(path))
            assert_problem(call, 403, (method, path, role))
            counts["403"] += 1
        if method == "GET":
            for role in set(ROLES) - refused:
                call = rec.request(method, url, role=role, params=params_for(path))
                assert call.status == 200, (method, path, role, call.answer)
                counts["allowed"] += 1

    # 404, never 403: another clinic's plan, for every role that may use the operation.
    for method, path, op in ops:
        if "{plan_id}" not in path:
            continue
        url = fill(path, ids)
        body = example_body(openapi, op)
        roles = ("clinician", "supervisor") if method in WRITE_METHODS else ROLES[:3]
        if path == "/plans/{plan_id}/clinician":
            roles = ("supervisor",)
        for role in roles:
            call = rec.request(
                method, url, body, role=role, clinic=OTHER_CLINIC, params=params_for(path)
            )
            assert_problem(call, 404, (method, path, role))
            # Exactly what a plan that does not exist at all answers.
            nowhere = str(uuid.uuid4())
            missing = rec.request(
                method,
                url.replace(ids["plan_id"], nowhere),
                body,
                role=role,
                clinic=OTHER_CLINIC,
                params=params_for(path),
            )
            assert missing.status == 404
            assert str(missing.answer).replace(nowhere, ids["plan_id"]) == str(call.answer)
            counts["404"] += 1

    # Nothing refused changed the plan.
    assert rec.ok("GET", base)["version"] == version

    # Roles that may write can (the refusals above were about roles, not a broken route).
    for method, path, op in ops:
        if method not in WRITE_METHODS:
            continue
        supervisors_only = ("/policy", "/plans/{plan_id}/clinician")
        roles = ("supervisor",) if path in supervisors_only else ("clinician", "supervisor")
        for role in roles:
            fresh = seed_plan(rec)
            call = rec.request(method, fill(path, fresh), example_body(openapi, op), role=role)
            assert call.status not in (401, 403, 404, 500), (method, path, role, call.answer)
            counts["allowed"] += 1

    def as_auditor(path: str, params: dict[str, Any], clinic: str) -> Any:
        return rec.ok("GET", path, role="auditor", clinic=clinic, params=params)

    authenticated = [c for c in rec.calls if c.status != 401]
    reads = assert_reads_logged(authenticated, as_auditor)
    print(
        f"auth: {len(ops)} operations, {len(rec.calls)} requests: {counts['401']} refused 401, "
        f"{counts['403']} refused 403, {counts['404']} other-clinic 404, "
        f"{counts['allowed']} allowed; {reads} plan reads in the access log"
    )
