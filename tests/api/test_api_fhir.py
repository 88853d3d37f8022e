"""GET /plans/{id}/fhir: a plan as a FHIR R4 Bundle, on both backends."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from api_support import API, assert_problem, goal_body

from fhir_support import ICD10_CM, LOINC, check_bundle, of_type

FHIR_JSON = "application/fhir+json"
UNKNOWN_PLAN = "00000000-0000-4000-8000-000000000001"


def fhir(api: API, plan_id: str, **kwargs):
    response = api.get(f"/plans/{plan_id}/fhir", **kwargs)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(FHIR_JSON)
    return response, check_bundle(response.content)


def build_plan(api: API) -> tuple[str, str, dict[str, int]]:
    """A plan with a diagnosis, a goal, an intervention, two scores (one flagged),
    signed by clinician and client. Returns its id, goal id and versions of note."""
    plan_id = api.create_plan(diagnoses=[{"code": "F41.1", "description": "GAD"}])
    problem_id = api.add_problem(plan_id)
    goal_id = api.add_goal(plan_id, problem_id)
    base = f"/plans/{plan_id}"
    api.ok("POST", base + "/interventions", {"modality": "CBT", "goal_ids": [goal_id]}, 201)
    score = {"instrument": "GAD-7", "score": 9, "administered_on": "2025-04-01"}
    api.ok("POST", base + "/scores", {**score, "goal_id": goal_id}, 201)
    phq = {
        "instrument": "PHQ-9",
        "score": 12,
        "administered_on": "2025-04-01",
        "item_scores": [2, 1, 2, 1, 2, 1, 1, 1, 1],
    }
    api.ok("POST", base + "/scores", phq, 201)
    before_signing = api.version(plan_id)
    api.ok(
        "POST", base + "/signatures", {"signer_role": "clinician", "signed_on": "2025-04-02"}, 201
    )
    client = {"signer_role": "client", "signed_on": "2025-04-02", "signer_name": "J. Doe"}
    api.ok("POST", base + "/signatures", client, 201)
    return plan_id, goal_id, {"before_signing": before_signing, "current": api.version(plan_id)}


def test_a_plan_reads_as_a_valid_self_contained_bundle(api: API) -> None:
    plan_id, goal_id, versions = build_plan(api)
    response, resources = fhir(api, plan_id)
    assert response.headers["etag"] == f'"{versions["current"]}"'

    care_plan = resources[f"CarePlan/{plan_id}"]
    assert care_plan["status"] == "active" and care_plan["intent"] == "plan"
    assert care_plan["subject"]["identifier"]["value"] == "client-0042"
    assert care_plan["meta"]["versionId"] == str(versions["current"])
    [condition] = of_type(resources, "Condition")
    assert condition["code"]["coding"] == [{"system": ICD10_CM, "code": "F41.1"}]
    assert care_plan["addresses"] == [{"reference": f"Condition/{condition['id']}"}]
    assert care_plan["goal"] == [{"reference": f"Goal/{goal_id}"}]

    goal = resources[f"Goal/{goal_id}"]
    assert goal["lifecycleStatus"] == "active"
    [target] = goal["target"]
    assert target["measure"]["coding"] == [{"system": LOINC, "code": "70274-6"}]
    assert target["detailQuantity"]["comparator"] == "<="
    assert target["detailQuantity"]["value"] == 8 and target["detailQuantity"]["unit"] == "{score}"
    assert target["dueDate"] == "2025-06-01"
    assert goal["achievementStatus"]["coding"][0]["code"] == "improving"  # 16 → 9, target 8

    observations = of_type(resources, "Observation")
    assert sorted((o["code"]["coding"][0]["code"], o["valueInteger"]) for o in observations) == [
        ("44261-6", 12),
        ("70274-6", 9),
    ]
    assert all(
        o["status"] == "final" and o["effectiveDateTime"] == "2025-04-01" for o in observations
    )
    assert all(o["category"][0]["coding"][0]["code"] == "survey" for o in observations)
    [flag] = of_type(resources, "Flag")
    assert flag["status"] == "active"

    provenances = sorted(
        of_type(resources, "Provenance"),
        key=lambda p: int(p["target"][0]["reference"].rsplit("/", 1)[1]),
    )
    assert len(provenances) == versions["current"], "one Provenance per version"
    for version, provenance in enumerate(provenances, start=1):
        assert provenance["target"][0]["reference"] == f"CarePlan/{plan_id}/_history/{version}"
        assert provenance["agent"][0]["who"]["identifier"]["value"] == "dr-okafor"
        assert provenance["recorded"]
    signed = [p for p in provenances if p.get("signature")]
    assert len(signed) == 2
    client_signature = signed[1]["signature"][0]
    assert client_signature["who"]["identifier"]["value"] == "client-0042"
    assert client_signature["who"]["display"] == "J. Doe"
    assert {"reference": f"CarePlan/{plan_id}/_history/{versions['before_signing'] + 1}"} in signed[
        1
    ]["target"], "a signature also points at the version it signed"


def test_versions_and_instants_round_trip(api: API) -> None:
    plan_id, goal_id, versions = build_plan(api)
    _, current = fhir(api, plan_id)
    before_change = datetime.now(tz=UTC)
    time.sleep(0.01)
    api.ok(
        "POST",
        f"/plans/{plan_id}/goals/{goal_id}/status",
        {"status": "achieved", "reason": "GAD-7 below target"},
    )
    _, after = fhir(api, plan_id)
    assert after[f"Goal/{goal_id}"]["lifecycleStatus"] == "completed"
    assert after[f"Goal/{goal_id}"]["achievementStatus"]["coding"][0]["code"] == "achieved"

    response, old = fhir(api, plan_id, params={"version": versions["current"]})
    assert response.headers["etag"] == f'"{versions["current"]}"'
    assert old == current, "the Bundle as of a version is the Bundle read at that version"
    _, at = fhir(api, plan_id, params={"as_of": before_change.isoformat()})
    assert at == current
    # Ids are stable; untouched resources keep their meta.
    assert set(after) == set(current) | {
        f"Provenance/{p['id']}" for p in of_type(after, "Provenance")
    }
    condition = of_type(current, "Condition")[0]
    assert after[f"Condition/{condition['id']}"] == condition
    _, first = fhir(api, plan_id, params={"version": 1})
    assert first[f"CarePlan/{plan_id}"]["status"] == "draft"
    assert len(of_type(first, "Provenance")) == 1 and not of_type(first, "Goal")

    assert_problem(api.get(f"/plans/{plan_id}/fhir", params={"version": 99}), 404)
    assert_problem(api.get(f"/plans/{plan_id}/fhir", params={"version": 0}), 422, "version")
    assert_problem(api.get(f"/plans/{plan_id}/fhir", params={"as_of": "yesterday"}), 422, "as_of")
    both = {"version": 1, "as_of": before_change.isoformat()}
    assert_problem(api.get(f"/plans/{plan_id}/fhir", params=both), 422)


def test_a_closed_plan_is_a_completed_care_plan(api: API) -> None:
    plan_id, goal_id, _ = build_plan(api)
    base = f"/plans/{plan_id}"
    plan = api.ok("GET", base)
    # Closing follows the clinical rules: no intervention left serving only a
    # cancelled goal, no safety flag left open.
    [intervention] = plan["interventions"]
    api.ok("POST", f"{base}/interventions/{intervention['id']}/discontinue", {"reason": "done"})
    api.ok("POST", f"{base}/goals/{goal_id}/status", {"status": "cancelled", "reason": "r"})
    [flag] = plan["safety_flags"]
    ack = {"action": "risk-assessed", "reason": "C-SSRS negative"}
    api.ok("POST", f"{base}/safety-flags/{flag['id']}/acknowledge", ack)
    api.ok("POST", f"{base}/close", {"reason": "Discharged", "closed_on": "2025-05-01"})
    _, resources = fhir(api, plan_id, role="auditor")
    care_plan = resources[f"CarePlan/{plan_id}"]
    assert care_plan["status"] == "completed" and care_plan["period"]["end"] == "2025-05-01"
    assert resources[f"Goal/{goal_id}"]["lifecycleStatus"] == "cancelled"
    assert "achievementStatus" not in resources[f"Goal/{goal_id}"]
    assert of_type(resources, "Flag")[0]["status"] == "inactive"


def test_roles_tenancy_and_the_access_log(api: API) -> None:
    plan_id, problem_id, _ = api.plan_with_goal()
    for role in ("clinician", "supervisor", "auditor"):
        fhir(api, plan_id, role=role)
    assert_problem(api.get(f"/plans/{plan_id}/fhir", role="analyst"), 403)
    assert_problem(api.get(f"/plans/{plan_id}/fhir", clinic="lakeside"), 404)
    assert_problem(api.get(f"/plans/{UNKNOWN_PLAN}/fhir"), 404)
    assert_problem(api.get("/plans/not-a-plan/fhir"), 404)
    assert api.client.get(f"/plans/{plan_id}/fhir").status_code == 401
    log = api.ok("GET", "/access-log", params={"plan_id": plan_id}, role="auditor")["items"]
    seen = [(e["role"], e["outcome"]) for e in log if e["action"] == "GET /plans/{plan_id}/fhir"]
    assert seen == [("clinician", 200), ("supervisor", 200), ("auditor", 200), ("analyst", 403)]
    lakeside = api.ok("GET", "/access-log", role="auditor", clinic="lakeside")["items"]
    assert [(e["plan_id"], e["outcome"]) for e in lakeside] == [(plan_id, 404)]
    assert goal_body(problem_id)  # the plan's goal is the helper's
