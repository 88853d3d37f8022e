"""Auditors' tools on both backends: diffs, chain verification, tampering, export, signatures."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import textwrap
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from pydantic import SecretStr
from test_audit_support import CLINIC, CLINICIAN, PHQ9, START, RawStore, small_plan

from api.runtime import init_schema, open_application
from api.settings import Settings
from domain import errors
from domain.application import CommandResult, PlansApplication
from domain.commands import (
    AcknowledgeSafetyFlag,
    AddDiagnosis,
    AddGoal,
    AddIntervention,
    AddObjective,
    AddProblem,
    ChangeFrequency,
    ChangeGoalStatus,
    ChangeReviewInterval,
    ClosePlan,
    CreatePlan,
    DiscontinueIntervention,
    RecordScore,
    RemoveDiagnosis,
    ResolveProblem,
    ReviewPlan,
    ReviseGoal,
    ScheduleAssessment,
    SetReviewPolicy,
    SignPlan,
)
from domain.documents import plan_document
from domain.plan import Actor
from eventstore import history
from eventstore.history import diff_plans, timeline_export, verify_all, verify_plan

CLIENT = Actor("client-7", "clinician", CLINIC)
SUPERVISOR = Actor("dr-sam", "supervisor", CLINIC)


def step_diff(app: PlansApplication, result: CommandResult) -> dict[str, Any]:
    """The diff of exactly the version a command made."""
    diff = diff_plans(app, result.plan_id, CLINIC, result.version - 1, result.version)
    assert [e["version"] for e in diff["events"]] == [result.version]
    return diff


def ops(diff: dict[str, Any]) -> list[tuple[str, str]]:
    return [(c["op"], c["path"]) for c in diff["changes"]]


# ---------------------------------------------------------------------- diff
def test_diff_of_each_kind_of_change(app: PlansApplication) -> None:
    created = app.create_plan(
        CLINICIAN,
        CreatePlan(
            client_id="client-7",
            start_date=START,
            presenting_concerns=["low mood"],
            diagnoses=[{"code": "F32.1", "description": "Major depressive disorder, moderate"}],
        ),
    )
    plan_id = created.plan_id

    r = app.handle(plan_id, CLINICIAN, AddProblem(description="Low mood most days"))
    problem_id = r.result["problem_id"]
    d = step_diff(app, r)
    assert d["changes"] == [
        {
            "path": f"/problems/{problem_id}",
            "op": "add",
            "old": None,
            "new": {
                "id": problem_id,
                "description": "Low mood most days",
                "status": "active",
                "resolved_reason": None,
            },
        }
    ]
    event = d["events"][0]
    assert event["type"] == "ProblemAdded" and event["actor"] == "dr-ada"
    assert event["role"] == "clinician" and event["summary"].startswith("Problem")
    assert event["data"]["problem_id"] == problem_id and event["recorded_at"]

    r = app.handle(
        plan_id,
        CLINICIAN,
        AddGoal(
            problem_ids=[problem_id],
            statement="Feel better",
            measure=PHQ9,
            target_date=date(2024, 6, 1),
        ),
    )
    goal_id = r.result["goal_id"]
    d = step_diff(app, r)
    assert ops(d) == [("add", f"/goals/{goal_id}")]
    new_goal = d["changes"][0]["new"]
    assert new_goal["target_date"] == "2024-06-01" and new_goal["objectives"] == {}
    assert new_goal["measure"]["baseline"] == 18

    # A second goal is one add, not a cascade of replaces over positions.
    r = app.handle(
        plan_id,
        CLINICIAN,
        AddGoal(
            problem_ids=[problem_id], statement="Sleep", measure=PHQ9, target_date=date(2024, 7, 1)
        ),
    )
    other_goal = r.result["goal_id"]
    assert ops(step_diff(app, r)) == [("add", f"/goals/{other_goal}")]

    r = app.handle(
        plan_id,
        CLINICIAN,
        AddObjective(goal_id=goal_id, statement="Walk daily", target_date=date(2024, 3, 1)),
    )
    objective_id = r.result["objective_id"]
    d = step_diff(app, r)
    assert ops(d) == [("add", f"/goals/{goal_id}/objectives/{objective_id}")]
    assert d["changes"][0]["new"]["statement"] == "Walk daily"

    r = app.handle(
        plan_id,
        CLINICIAN,
        ReviseGoal(goal_id=goal_id, reason="slower", target_date=date(2024, 8, 1)),
    )
    assert step_diff(app, r)["changes"] == [
        {
            "path": f"/goals/{goal_id}/target_date",
            "op": "replace",
            "old": "2024-06-01",
            "new": "2024-08-01",
        }
    ]
    r = app.handle(
        plan_id,
        CLINICIAN,
        ReviseGoal(goal_id=goal_id, reason="stricter", measure={**PHQ9, "target": 5}),
    )
    assert step_diff(app, r)["changes"] == [
        {"path": f"/goals/{goal_id}/measure/target", "op": "replace", "old": 9, "new": 5}
    ]

    r = app.handle(
        plan_id, CLINICIAN, ChangeGoalStatus(goal_id=other_goal, status="on-hold", reason="pause")
    )
    assert step_diff(app, r)["changes"] == [
        {"path": f"/goals/{other_goal}/status", "op": "replace", "old": "active", "new": "on-hold"}
    ]

    r = app.handle(
        plan_id,
        CLINICIAN,
        AddIntervention(modality="CBT", goal_ids=[goal_id], description="weekly CBT"),
    )
    intervention_id = r.result["intervention_id"]
    d = step_diff(app, r)
    assert ops(d) == [("add", f"/interventions/{intervention_id}")]
    assert d["changes"][0]["new"]["modality"] == "CBT"

    r = app.handle(plan_id, CLINICIAN, ChangeFrequency(every=1, unit="week", session_minutes=50))
    assert step_diff(app, r)["changes"] == [
        {
            "path": "/frequency",
            "op": "replace",
            "old": None,
            "new": {"every": 1, "unit": "week", "session_minutes": 50},
        }
    ]
    r = app.handle(plan_id, CLINICIAN, ChangeFrequency(every=2, unit="week", session_minutes=50))
    assert step_diff(app, r)["changes"] == [
        {"path": "/frequency/every", "op": "replace", "old": 1, "new": 2}
    ]

    r = app.handle(plan_id, CLINICIAN, ScheduleAssessment(instrument="PHQ-9", every_days=28))
    d = step_diff(app, r)
    assert ops(d) == [("add", "/assessments/0")]
    assert d["changes"][0]["new"]["every_days"] == 28

    r = app.handle(
        plan_id,
        CLINICIAN,
        RecordScore(
            instrument="PHQ-9", score=14, administered_on=date(2024, 2, 1), goal_id=goal_id
        ),
    )
    d = step_diff(app, r)
    assert ops(d) == [("replace", f"/goals/{goal_id}/progress")]
    assert d["changes"][0]["old"] is None and d["changes"][0]["new"]["latest"] == 14
    # The other PHQ-9 goal counts unlinked scores only: it did not move.
    r = app.handle(
        plan_id,
        CLINICIAN,
        RecordScore(instrument="PHQ-9", score=4, administered_on=date(2024, 3, 1), goal_id=goal_id),
    )
    changes = {c["path"]: c for c in step_diff(app, r)["changes"]}
    assert changes[f"/goals/{goal_id}/progress/latest"]["old"] == 14
    assert changes[f"/goals/{goal_id}/progress/latest"]["new"] == 4
    assert changes[f"/goals/{goal_id}/progress/met"] == {
        "path": f"/goals/{goal_id}/progress/met",
        "op": "replace",
        "old": False,
        "new": True,
    }
    assert all(p.startswith(f"/goals/{goal_id}/progress/") for p in changes)
    r = app.handle(
        plan_id,
        CLINICIAN,
        RecordScore(
            instrument="PHQ-9",
            score=5,
            administered_on=date(2024, 3, 2),
            goal_id=goal_id,
            item_scores=[0, 1, 1, 1, 0, 0, 1, 0, 1],
        ),
    )
    d = step_diff(app, r)
    assert ("add", "/safety_flags/0") in ops(d)

    r = app.handle(
        plan_id,
        CLINICIAN,
        ReviewPlan(reviewed_on=date(2024, 3, 5), outcome="continue", summary="going well"),
    )
    d = step_diff(app, r)
    assert {c["path"]: (c["old"], c["new"]) for c in d["changes"]} == {
        "/review/last_reviewed_on": (None, "2024-03-05"),
        "/review/next_review_due": ("2024-04-07", "2024-06-03"),
    }

    r = app.handle(plan_id, CLINICIAN, ChangeReviewInterval(days=60, reason="monthly is too often"))
    d = step_diff(app, r)
    assert {c["path"]: (c["old"], c["new"]) for c in d["changes"]} == {
        "/review/interval_days": (90, 60),
        "/review/follows_policy": (True, False),
        "/review/next_review_due": ("2024-06-03", "2024-05-04"),
    }

    r = app.handle(
        plan_id, CLINICIAN, AddDiagnosis(code="F41.1", description="Generalized anxiety disorder")
    )
    assert step_diff(app, r)["changes"] == [
        {
            "path": "/diagnoses/F41.1",
            "op": "add",
            "old": None,
            "new": {"id": "F41.1", "code": "F41.1", "description": "Generalized anxiety disorder"},
        }
    ]
    r = app.handle(plan_id, CLINICIAN, RemoveDiagnosis(code="F32.1", reason="ruled out"))
    assert step_diff(app, r)["changes"] == [
        {
            "path": "/diagnoses/F32.1",
            "op": "remove",
            "old": {
                "id": "F32.1",
                "code": "F32.1",
                "description": "Major depressive disorder, moderate",
            },
            "new": None,
        }
    ]

    r = app.handle(
        plan_id,
        CLINICIAN,
        SignPlan(signer_role="clinician", signed_on=date(2024, 3, 6), signer_name="Dr Ada"),
    )
    signed_version = r.version - 1
    d = step_diff(app, r)
    assert ops(d) == [("add", f"/signatures/clinician@{signed_version}")]
    signature = d["changes"][0]["new"]
    assert signature["version"] == signed_version and signature["signer_name"] == "Dr Ada"
    assert "changed_since" not in signature and "diff" not in signature
    # The client signs the same content (a signature is no content change): the plan activates.
    r = app.handle(plan_id, CLIENT, SignPlan(signer_role="client", signed_on=date(2024, 3, 6)))
    assert sorted(ops(step_diff(app, r))) == [
        ("add", f"/signatures/client@{signed_version + 1}"),
        ("replace", "/signatures_current"),
        ("replace", "/status"),
    ]

    r = app.handle(plan_id, CLINICIAN, AddProblem(description="Worry"))
    worry = r.result["problem_id"]
    r = app.handle(plan_id, CLINICIAN, ResolveProblem(problem_id=worry, reason="settled"))
    assert {c["path"]: (c["old"], c["new"]) for c in step_diff(app, r)["changes"]} == {
        f"/problems/{worry}/status": ("active", "resolved"),
        f"/problems/{worry}/resolved_reason": (None, "settled"),
    }

    r = app.handle(
        plan_id,
        CLINICIAN,
        DiscontinueIntervention(intervention_id=intervention_id, reason="finished course"),
    )
    assert step_diff(app, r)["changes"] == [
        {
            "path": f"/interventions/{intervention_id}/status",
            "op": "replace",
            "old": "active",
            "new": "discontinued",
        }
    ]

    # An open safety flag is followed up before discharge (contract v2).
    (flag,) = app.get_plan(plan_id, CLINICIAN.clinic).safety_flags
    r = app.handle(
        plan_id,
        CLINICIAN,
        AcknowledgeSafetyFlag(
            flag_id=flag, action="risk-assessed", reason="C-SSRS", acknowledged_on=date(2024, 3, 3)
        ),
    )
    changes = {c["path"]: (c["old"], c["new"]) for c in step_diff(app, r)["changes"]}
    assert changes["/safety_flags/0/status"] == ("open", "acknowledged")
    assert changes["/safety_flags/0/action"] == (None, "risk-assessed")

    r = app.handle(plan_id, CLINICIAN, ClosePlan(closed_on=date(2024, 9, 1), reason="discharged"))
    assert {c["path"]: (c["old"], c["new"]) for c in step_diff(app, r)["changes"]} == {
        "/status": ("active", "closed"),
        "/closed_on": (None, "2024-09-01"),
        "/close_reason_code": (None, "other"),
    }

    # Across the whole history: every event listed once, no bookkeeping noise.
    whole = diff_plans(app, plan_id, CLINIC, 1, r.version)
    assert [e["version"] for e in whole["events"]] == list(range(2, r.version + 1))
    paths = [c["path"] for c in whole["changes"]]
    assert f"/goals/{goal_id}" in paths and "/diagnoses/F32.1" in paths
    assert not [p for p in paths if p in ("/version", "/updated_at") or "changed_since" in p]
    assert all(c["op"] in ("add", "remove", "replace") for c in whole["changes"])
    # A signature's diff link points at a diff that answers.
    link = plan_document(app.get_plan(plan_id, CLINIC))["signatures"][0]["diff"]
    assert link == f"/plans/{plan_id}/diff?from_version={signed_version}&to_version={r.version}"


def test_diff_bounds(app: PlansApplication) -> None:
    plan_id = small_plan(app, scores=1)  # 4 versions
    same = diff_plans(app, plan_id, CLINIC, 3, 3)
    assert same == {"from_version": 3, "to_version": 3, "changes": [], "events": []}
    with pytest.raises(errors.RuleViolationError):
        diff_plans(app, plan_id, CLINIC, 3, 2)
    with pytest.raises(errors.VersionNotFoundError):
        diff_plans(app, plan_id, CLINIC, 2, 5)
    with pytest.raises(errors.VersionNotFoundError):
        diff_plans(app, plan_id, CLINIC, 0, 2)
    with pytest.raises(errors.PlanNotFoundError):
        diff_plans(app, plan_id, "south", 1, 2)
    with pytest.raises(errors.PlanNotFoundError):
        diff_plans(app, uuid4(), CLINIC, 1, 2)


# ------------------------------------------------------------ verification
def test_untouched_plan_verifies(app: PlansApplication) -> None:
    plan_id = small_plan(app)
    report = verify_plan(app, plan_id)
    assert report == {
        "valid": True,
        "events_checked": 8,
        "head_hash": app.head_hash(plan_id),
        "first_invalid_version": None,
    }
    with pytest.raises(errors.NotFoundError):
        verify_plan(app, uuid4())


def _break_score(state: bytes) -> bytes:
    edited = state.replace(b'"score":18', b'"score":3')
    assert edited != state
    return edited


@pytest.mark.parametrize(
    ("tamper", "first_invalid"),
    [
        pytest.param(lambda db, p: db.edit_state(p, 6, _break_score), 6, id="edited-payload"),
        pytest.param(lambda db, p: db.delete_event(p, 5), 5, id="deleted-event"),
        pytest.param(lambda db, p: db.swap_versions(p, 4, 5), 4, id="swapped-versions"),
        pytest.param(lambda db, p: db.delete_event(p, 8), 8, id="deleted-newest-event"),
        pytest.param(lambda db, p: db.edit_link(p, 7), 7, id="edited-link"),
        pytest.param(lambda db, p: db.delete_link(p, 3), 3, id="deleted-link"),
        pytest.param(lambda db, p: db.delete_link(p, 8), 8, id="deleted-newest-link"),
        pytest.param(lambda db, p: db.edit_state(p, 1, lambda s: s + b" "), 1, id="edited-first"),
    ],
)
def test_tampering_is_detected_and_located(
    app: PlansApplication, settings: Settings, tamper: Any, first_invalid: int
) -> None:
    plan_id = small_plan(app)  # versions 1..8; score 18 is in version 6
    untouched = small_plan(app)
    tamper(RawStore(settings), plan_id)

    report = verify_plan(app, plan_id)
    assert report["valid"] is False
    assert report["first_invalid_version"] == first_invalid
    links = {v: h.hex() for v, _, h in app.recorder.chain_links(plan_id)}  # type: ignore[attr-defined]
    assert report["head_hash"] == links.get(first_invalid - 1)

    everything = verify_all(app)
    assert everything["plans_checked"] == 2
    assert everything["invalid"] == [
        {"plan_id": str(plan_id), "first_invalid_version": first_invalid}
    ]
    assert verify_plan(app, untouched)["valid"] is True


def test_cut_off_tail_is_caught_by_a_newer_snapshot(
    app: PlansApplication, settings: Settings
) -> None:
    plan_id = small_plan(app, scores=9)  # 12 versions; the fixture snapshots every 10
    db = RawStore(settings)
    for version in (11, 12):
        db.delete_event(plan_id, version)
        db.delete_link(plan_id, version)
    # The known limit of any hash chain: a clean cut after the newest snapshot
    # leaves a shorter valid chain. Compare heads with a signature or an export.
    assert verify_plan(app, plan_id)["valid"] is True
    db.delete_event(plan_id, 10)
    db.delete_link(plan_id, 10)
    assert verify_plan(app, plan_id)["first_invalid_version"] == 10


def test_verify_all_finds_every_plan_but_not_policies(app: PlansApplication) -> None:
    app.set_review_policy(SUPERVISOR, SetReviewPolicy(review_interval_days=60, due_soon_days=7))
    plans = [small_plan(app, scores=i) for i in range(3)]
    seen: list[tuple[int, int]] = []
    report = verify_all(app, progress=lambda done, total: seen.append((done, total)))
    assert report == {"plans_checked": 3, "events_checked": 3 + 4 + 5, "invalid": []}
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert {str(p) for p in plans}  # ids are plain strings in reports


def test_plan_without_events_but_with_links_is_reported(
    app: PlansApplication, settings: Settings
) -> None:
    plan_id = small_plan(app, scores=0)
    db = RawStore(settings)
    for version in (1, 2, 3):
        db.delete_event(plan_id, version)
    report = verify_all(app)
    assert report["invalid"] == [{"plan_id": str(plan_id), "first_invalid_version": 1}]
    assert verify_plan(app, plan_id)["head_hash"] is None


# ----------------------------------------------------------- encrypted store
@pytest.fixture
def encrypted(settings: Settings) -> Settings:
    key = base64.b64encode(os.urandom(32)).decode()
    return settings.model_copy(update={"cipher_key": SecretStr(key)})


def test_encrypted_store_verifies_without_the_key(encrypted: Settings) -> None:
    init_schema(encrypted)
    app = open_application(encrypted)
    try:
        plan_id = small_plan(app)
        db = RawStore(encrypted)
        assert b"client-7" not in db.state(plan_id, 1)  # really encrypted at rest
        assert verify_plan(app, plan_id)["valid"] is True
        exported = list(timeline_export(app, plan_id))
        assert exported[0]["data"]["client_id"] == "client-7"
    finally:
        app.close()
    # Verification needs no key: it still works after the key is gone (crypto-shredding).
    # open_application refuses a store it cannot decode; the chain needs no decoding.
    keyless_env = encrypted.model_copy(update={"cipher_key": None}).library_env()
    keyless = PlansApplication(env=keyless_env)
    try:
        assert verify_plan(keyless, plan_id)["valid"] is True
        assert verify_all(keyless)["invalid"] == []
        shredded = list(timeline_export(keyless, plan_id))
        assert shredded[0]["data"] is None and shredded[0]["type"] == "PlanCreated"
        assert offline_verify(shredded, plan_id) == keyless.head_hash(plan_id)
        db.edit_state(plan_id, 4, lambda s: s[:-1] + bytes([s[-1] ^ 1]))
        assert verify_plan(keyless, plan_id)["first_invalid_version"] == 4
    finally:
        keyless.close()


# -------------------------------------------------------------------- export
def offline_verify(lines: list[dict[str, Any]], plan_id: UUID) -> str:
    """The README's recipe, run on JSON lines."""
    previous = b""
    for version, raw in enumerate(lines, start=1):
        item = json.loads(json.dumps(raw))
        assert item["version"] == version, f"version {version} missing"
        assert item["prev_hash"] == previous.hex(), f"broken link at {version}"
        record = f"{UUID(str(plan_id))}\n{version}\n{item['topic']}\n".encode()
        previous = hashlib.sha256(previous + record + base64.b64decode(item["state_b64"])).digest()
        assert previous.hex() == item["hash"], f"version {version} altered"
    return previous.hex()


def test_timeline_export_verifies_offline(
    app: PlansApplication, settings: Settings, tmp_path: Path
) -> None:
    plan_id = small_plan(app)
    lines = list(timeline_export(app, plan_id))
    assert [i["version"] for i in lines] == list(range(1, 9))
    assert lines[0]["type"] == "PlanCreated" and lines[0]["actor"] == "dr-ada"
    assert lines[3]["summary"].startswith("PHQ-9 20") and lines[3]["data"]["score"] == 20
    assert lines[0]["topic"].endswith("Plan.PlanCreated") and lines[0]["prev_hash"] == ""
    assert offline_verify(lines, plan_id) == app.head_hash(plan_id)
    assert offline_verify(lines, plan_id) == verify_plan(app, plan_id)["head_hash"]

    # The recipe in the module docstring (for the README) works on a JSON-lines file.
    path = tmp_path / "timeline.jsonl"
    path.write_text("".join(json.dumps(item) + "\n" for item in lines))
    recipe = history.__doc__.split("::", 1)[1].split("The returned head", 1)[0]
    namespace: dict[str, Any] = {}
    exec(textwrap.dedent(recipe), namespace)
    assert namespace["verify_export"](path, str(plan_id)) == app.head_hash(plan_id)

    RawStore(settings).edit_state(plan_id, 6, _break_score)
    with pytest.raises(AssertionError, match="version 6 altered"):
        offline_verify(list(timeline_export(app, plan_id)), plan_id)
    with pytest.raises(errors.PlanNotFoundError):
        timeline_export(app, uuid4())


# ---------------------------------------------------------------- signatures
def test_signature_pins_the_chain_head_of_the_signed_version(app: PlansApplication) -> None:
    plan_id = small_plan(app, scores=1)  # 4 versions
    signed = app.handle(
        plan_id, CLINICIAN, SignPlan(signer_role="clinician", signed_on=date(2024, 2, 1))
    )
    links = {v: h.hex() for v, _, h in app.recorder.chain_links(plan_id)}  # type: ignore[attr-defined]
    (signature,) = plan_document(app.get_plan(plan_id, CLINIC))["signatures"]
    assert signature["version"] == 4 == signed.version - 1
    assert signature["head_hash"] == links[4]
    assert signature["changed_since"] is False

    # Another signature is not a content change.
    app.handle(plan_id, CLIENT, SignPlan(signer_role="client", signed_on=date(2024, 2, 1)))
    first, second = plan_document(app.get_plan(plan_id, CLINIC))["signatures"]
    assert first["changed_since"] is False and second["changed_since"] is False
    assert second["version"] == 5

    # A content change flips both; the diff from the signed version shows it.
    changed = app.handle(plan_id, CLINICIAN, AddProblem(description="Sleep"))
    doc = plan_document(app.get_plan(plan_id, CLINIC))
    assert [s["changed_since"] for s in doc["signatures"]] == [True, True]
    diff = diff_plans(app, plan_id, CLINIC, signature["version"], changed.version)
    assert f"/problems/{changed.result['problem_id']}" in [c["path"] for c in diff["changes"]]
    # As of the signed version, the signature did not exist yet and nothing had changed.
    assert (
        plan_document(app.get_plan(plan_id, CLINIC, version=6))["signatures"][0]["changed_since"]
        is False
    )
