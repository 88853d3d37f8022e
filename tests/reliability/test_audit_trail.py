"""The audit trail: every plan read is in the access log, every change keeps who and why.

Table-driven over the live OpenAPI document: every read of a single plan, by
every role, allowed or refused, appears in the access log of the caller's
clinic, in order, with actor, role, action, plan and outcome, and without
client data. Every command's `reason` reaches its event and the timeline.
(The other reliability tests check, after their runs, that every plan read
they made is in the access log too.)
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from reliability_support import (
    CLINIC,
    OTHER_CLINIC,
    Recorder,
    access_log,
    acknowledge_flag,
    assert_reads_logged,
    example_body,
    seed_plan,
)

READERS = ("clinician", "supervisor", "auditor", "analyst")
COMMAND_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_plan_read_is_in_the_access_log(inproc: Recorder) -> None:
    rec = inproc
    openapi = rec.ok("GET", "/openapi.json")
    ids = seed_plan(rec, client_id="client-AUDIT-7731")
    reads = [
        path
        for path, methods in openapi["paths"].items()
        if "get" in methods and path.startswith("/plans/{plan_id}")
    ]
    assert len(reads) >= 5, reads
    variants = {
        "/plans/{plan_id}": [{}, {"version": 1}, {"version": 99}, {"as_of": "2020-01-01T00:00Z"}],
        "/plans/{plan_id}/diff": [{"from_version": 1}, {"from_version": 2, "to_version": 3}],
        "/plans/{plan_id}/timeline": [{}, {"format": "jsonl"}, {"limit": 0}],
    }
    first = len(rec.calls)
    for path in reads:
        for params in variants.get(path, [{}]):
            for role in READERS:
                for clinic in (CLINIC, OTHER_CLINIC):
                    rec.request("GET", fill(path, ids), role=role, clinic=clinic, params=params)
    made = rec.calls[first:]
    statuses = {c.status for c in made}
    assert {200, 403, 404, 422} <= statuses, statuses

    def as_auditor(path: str, params: dict[str, Any], clinic: str) -> Any:
        return rec.ok("GET", path, role="auditor", clinic=clinic, params=params)

    checked = assert_reads_logged(made, as_auditor)
    assert checked == len(made)
    # In order, attributed, and nothing but ids, roles, routes and outcomes.
    logged = [e for e in access_log(as_auditor, CLINIC) if e["plan_id"] == ids["plan_id"]]
    ours = [c for c in made if c.clinic == CLINIC]
    tail = logged[-len(ours) :]
    assert [(e["role"], e["outcome"]) for e in tail] == [(c.role, c.status) for c in ours]
    for entry in logged:
        assert "client-AUDIT-7731" not in str(entry)
        assert "?" not in entry["action"]
        assert entry["actor"] == "dr-okafor" and entry["clinic"] == CLINIC
    # The other clinic's attempts are in the other clinic's log, as refusals.
    theirs = [e for e in access_log(as_auditor, OTHER_CLINIC) if e["plan_id"] == ids["plan_id"]]
    assert theirs and all(e["outcome"] in (403, 404, 422) for e in theirs)
    print(f"audit: {checked} plan reads over {len(reads)} routes found in the access log")


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_every_command_keeps_its_reason(inproc: Recorder) -> None:
    """...and leaves exactly one access-log entry, with the status it answered
    (on PostgreSQL most commit theirs with their events: api.access_log.AccessRider)."""
    rec = inproc
    openapi = rec.ok("GET", "/openapi.json")

    def as_auditor(path: str, params: dict[str, Any], clinic: str) -> Any:
        return rec.ok("GET", path, role="auditor", clinic=clinic, params=params)

    def logged(plan_id: str, action: str) -> list[int]:
        entries = access_log(as_auditor, CLINIC)
        return [e["outcome"] for e in entries if (e["plan_id"], e["action"]) == (plan_id, action)]

    checked = 0
    for path, methods in openapi["paths"].items():
        for method, op in methods.items():
            if method.upper() not in COMMAND_METHODS or path == "/policy":
                continue
            ids = seed_plan(rec)
            if path.endswith("/close"):
                acknowledge_flag(rec, ids)
            body = dict(example_body(openapi, op) or {})
            reason = f"because {op['operationId'][:30]}"
            body["reason"] = reason
            # Point the example's references at this plan's items.
            for field, name in (("problem_ids", "problem_id"), ("goal_ids", "goal_id")):
                if field in body:
                    body[field] = [ids[name]]
            if "goal_id" in body:
                body["goal_id"] = ids["goal_id"]
            if path.endswith("/diagnoses"):
                body["code"] = "F33.1"
            if "measure" in body:
                body["measure"] = {"instrument": "GAD-7", "baseline": 16, "target": 5}
            if path.endswith("/scores"):
                body.update(instrument="GAD-7", score=9, item_scores=None)
            body.pop("next_review_due", None)
            role = "supervisor" if path.endswith("/clinician") else "clinician"
            if path.endswith("/activate"):
                draft_that_a_relaxed_signer_policy_lets_through(rec, ids["plan_id"])
            action = f"{method.upper()} {path}"
            before = logged(ids["plan_id"], action)
            answer = rec.ok(method.upper(), fill(path, ids), body, role=role)
            plan_id = answer.get("id") or ids["plan_id"]
            status = rec.calls[-1].status
            if plan_id == ids["plan_id"]:
                assert logged(plan_id, action) == [*before, status], action
            else:  # a create: its entry names the new plan
                assert logged(plan_id, action) == [status], action
            timeline = rec.ok(
                "GET", f"/plans/{plan_id}/timeline", params={"min_position": answer["position"]}
            )["items"]
            assert timeline[-1]["version"] == answer["version"]
            assert timeline[-1]["reason"] == reason, (method, path, timeline[-1])
            checked += 1
    assert checked >= 17


def draft_that_a_relaxed_signer_policy_lets_through(rec: Recorder, plan_id: str) -> None:
    """Signed by clinician and client while the supervisor was also required."""
    signers = ["clinician", "client", "supervisor"]
    strict = {"review_interval_days": 90, "due_soon_days": 14, "required_signers": signers}
    rec.ok("PUT", "/policy", strict, role="supervisor")
    for signer in ("clinician", "client"):
        body = {"signer_role": signer, "signed_on": "2025-03-04"}
        rec.ok("POST", f"/plans/{plan_id}/signatures", body)
    rec.ok("PUT", "/policy", {"review_interval_days": 90, "due_soon_days": 14}, role="supervisor")
