"""The FHIR R4 mapping (interop.fhir), on the demo data and hand-made plans, no database."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid5

import orjson
import pytest
from domain_support import CLINIC, CLINICIAN, START, day, measure, new_app

from api.demo import load_demo
from domain.application import PlansApplication
from domain.commands import (
    AcknowledgeSafetyFlag,
    AddGoal,
    AddProblem,
    ChangeGoalStatus,
    CreatePlan,
    MarkScoreEnteredInError,
    RecordScore,
    SignPlan,
)
from domain.instruments import INSTRUMENTS
from domain.plan import GOAL_STATUSES, Plan
from fhir_support import ICD10_CM, LOINC, check_bundle, of_type
from interop import fhir
from interop.export import HistoryCache, plan_history
from interop.fhir_json import ResourceCache, bundle_json

CAREPLAN_STATUSES = {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error"}
LIFECYCLE = {"proposed", "planned", "accepted", "active", "on-hold", "completed", "cancelled"}
ACHIEVEMENT = {
    "in-progress",
    "improving",
    "worsening",
    "no-change",
    "achieved",
    "sustaining",
    "not-achieved",
    "no-progress",
    "not-attainable",
}


def bundle_of(app: PlansApplication, plan_id: UUID, clinic: str) -> Any:
    """The plan now as a FHIR Bundle (the model, not its JSON)."""
    plan = app.read_plan(plan_id, clinic)
    return fhir.plan_bundle(plan, plan_history(app, plan_id, plan.version))


@pytest.fixture(scope="module")
def demo() -> PlansApplication:
    app = new_app()
    load_demo(app, plans=40, today=date(2026, 1, 15))
    return app


def plans_of(app: PlansApplication) -> list[Plan]:
    ids = {n.originator_id for n in app.recorder.select_notifications(1, 1_000_000)}
    found = [app.repository.get(i) for i in sorted(ids, key=str)]
    return [p for p in found if isinstance(p, Plan)]


def json_of(bundle: Any) -> str:
    return bundle.model_dump_json(by_alias=True, exclude_none=True)


def every_instrument_plan(app: PlansApplication) -> UUID:
    """A plan measured by every instrument, with goals in every status."""
    plan_id = app.create_plan(
        CLINICIAN,
        CreatePlan(
            client_id="client-9",
            start_date=START,
            diagnoses=[{"code": "F41.1", "description": "GAD"}],
        ),
    ).plan_id
    problem = app.handle(plan_id, CLINICIAN, AddProblem(description="Worry")).result["problem_id"]
    baselines = {"PHQ-9": (18, 9), "GAD-7": (16, 8), "PHQ-2": (5, 2), "BAI": (30, 15)}
    baselines["PCL-5"] = (50, 30)
    goals = {}
    for code, (baseline, target) in baselines.items():
        added = app.handle(
            plan_id,
            CLINICIAN,
            AddGoal(
                problem_ids=[problem],
                statement=f"Lower {code}",
                measure=measure(code, baseline, target),
                target_date=day(90),
            ),
        )
        goals[code] = added.result["goal_id"]
        app.handle(
            plan_id,
            CLINICIAN,
            RecordScore(
                instrument=code, score=baseline - 1, administered_on=day(10), goal_id=goals[code]
            ),
        )
    statuses = [s for s in GOAL_STATUSES if s != "active"]
    for code, status in zip(["GAD-7", "PHQ-2", "BAI", "PCL-5"], statuses, strict=True):
        app.handle(
            plan_id,
            CLINICIAN,
            ChangeGoalStatus(goal_id=goals[code], status=status, reason="review"),
        )
    return plan_id


def test_every_demo_bundle_parses_and_resolves(demo: PlansApplication) -> None:
    statuses, codes = set(), set()
    for plan in plans_of(demo):
        bundle = bundle_of(demo, plan.id, plan.clinic)
        resources = check_bundle(json_of(bundle))
        care_plan = resources[f"CarePlan/{plan.id}"]
        statuses.add(care_plan["status"])
        assert care_plan["status"] in CAREPLAN_STATUSES
        assert len(of_type(resources, "Provenance")) == plan.version
        current = [s for s in plan.scores if not s.get("entered_in_error")]
        assert len(of_type(resources, "Observation")) == len(current)
        assert {c["code"]["coding"][0]["system"] for c in of_type(resources, "Condition")} <= {
            ICD10_CM
        }
        for goal in of_type(resources, "Goal"):
            assert goal["lifecycleStatus"] in LIFECYCLE
            if "achievementStatus" in goal:
                assert goal["achievementStatus"]["coding"][0]["code"] in ACHIEVEMENT
        codes |= {o["code"]["coding"][0]["code"] for o in of_type(resources, "Observation")}
    assert statuses == {"draft", "active", "completed"}
    assert {"44261-6", "70274-6", "101698-9"} <= codes


def test_every_instrument_and_goal_status_maps(demo: PlansApplication) -> None:
    plan_id = every_instrument_plan(demo)
    resources = check_bundle(json_of(bundle_of(demo, plan_id, CLINIC)))
    by_measure = {
        g["target"][0]["measure"]["coding"][0]["code"]: g for g in of_type(resources, "Goal")
    }
    assert set(by_measure) == {i.loinc or i.local_code for i in INSTRUMENTS.values()}
    bai = by_measure["BAI-TOTAL"]["target"][0]["measure"]["coding"][0]
    assert bai["system"] == "urn:plans:instrument", "BAI has no LOINC code: a local code system"
    others = [g for code, g in by_measure.items() if code != "BAI-TOTAL"]
    assert {g["target"][0]["measure"]["coding"][0]["system"] for g in others} == {LOINC}
    states = {
        code: (
            g["lifecycleStatus"],
            (g.get("achievementStatus") or {}).get("coding", [{}])[0].get("code"),
        )
        for code, g in by_measure.items()
    }
    assert states == {
        "44261-6": ("active", "improving"),  # 18 → 17, target 9
        "70274-6": ("on-hold", "improving"),
        "55758-7": ("completed", "achieved"),
        "BAI-TOTAL": ("active", "not-achieved"),
        "101698-9": ("cancelled", None),
    }
    observations = of_type(resources, "Observation")
    assert len(observations) == 5
    assert all(isinstance(o["valueInteger"], int) for o in observations)


def test_versions_keep_ids_and_untouched_resources(demo: PlansApplication) -> None:
    plan_id = every_instrument_plan(demo)
    current = demo.get_plan(plan_id, CLINIC)
    history = plan_history(demo, plan_id, current.version)
    earlier = demo.get_plan(plan_id, CLINIC, version=current.version - 1)
    now = check_bundle(json_of(fhir.plan_bundle(current, history)))
    before = check_bundle(json_of(fhir.plan_bundle(earlier, history)))
    assert set(before) < set(now)
    assert set(now) - set(before) == {
        f"Provenance/{uuid5(plan_id, f'Provenance:{current.version}')}"
    }
    changed = {key for key in before if before[key] != now[key]}
    # The last event changed one goal's status (and so the CarePlan's version).
    assert {key.split("/")[0] for key in changed} == {"CarePlan", "Goal"}
    goal_key = next(k for k in changed if k.startswith("Goal/"))
    assert now[goal_key]["meta"]["versionId"] == str(current.version)
    assert now[f"CarePlan/{plan_id}"]["meta"]["versionId"] == str(current.version)


def test_a_score_entered_in_error_is_absent(demo: PlansApplication) -> None:
    plan_id = every_instrument_plan(demo)
    plan = demo.get_plan(plan_id, CLINIC)
    history = plan_history(demo, plan_id, plan.version)
    wrong = next(s for s in plan.scores if s["instrument"] == "PHQ-9")
    # The correction event marks the score; either marker takes it out.
    for marker in ({"entered_in_error": True}, {"status": "entered-in-error"}):
        plan.scores = [{**s, **marker} if s["id"] == wrong["id"] else s for s in plan.scores]
        resources = check_bundle(json_of(fhir.plan_bundle(plan, history)))
        assert f"Observation/{wrong['id']}" not in resources
        assert len(of_type(resources, "Observation")) == 4
        plan.scores = [{k: v for k, v in s.items() if k not in marker} for s in plan.scores]
    assert fhir.score_is_current(wrong)


def test_the_mapping_tables_use_only_fhir_codes() -> None:
    assert set(fhir.CAREPLAN_STATUS.values()) <= CAREPLAN_STATUSES
    assert set(fhir.CAREPLAN_STATUS) == {"draft", "active", "closed"}
    assert set(fhir.GOAL_STATUS) == set(GOAL_STATUSES)
    for lifecycle, achievement in fhir.GOAL_STATUS.values():
        assert lifecycle in LIFECYCLE and achievement in ACHIEVEMENT | {None}


def test_safety_flags_and_signatures(demo: PlansApplication) -> None:
    plan_id = demo.create_plan(
        CLINICIAN, CreatePlan(client_id="client-7", start_date=START)
    ).plan_id
    items = [1, 1, 1, 1, 1, 1, 1, 1, 1]
    demo.handle(
        plan_id,
        CLINICIAN,
        RecordScore(instrument="PHQ-9", score=9, administered_on=day(3), item_scores=items),
    )
    demo.handle(plan_id, CLINICIAN, SignPlan(signer_role="clinician", signed_on=day(4)))
    resources = check_bundle(json_of(bundle_of(demo, plan_id, CLINIC)))
    [flag] = of_type(resources, "Flag")
    assert flag["status"] == "active" and flag["period"]["start"] == day(3).isoformat()
    [signed] = [p for p in of_type(resources, "Provenance") if p.get("signature")]
    [signature] = signed["signature"]
    assert signature["type"][0]["code"] == "1.2.840.10065.1.12.1.1"  # author's signature
    assert signature["who"]["identifier"]["value"] == CLINICIAN.user


def test_the_fast_json_is_the_bundle_with_or_without_the_cache(demo: PlansApplication) -> None:
    cache = ResourceCache(max_entries=500)
    for plan in plans_of(demo)[:10]:
        history = plan_history(demo, plan.id, plan.version)
        for version in sorted({1, plan.version // 2 or 1, plan.version}):
            as_of = demo.get_plan(plan.id, plan.clinic, version=version)
            expected = orjson.loads(json_of(fhir.plan_bundle(as_of, history)))
            assert orjson.loads(bundle_json(as_of, history)) == expected
            assert orjson.loads(bundle_json(as_of, history, cache=cache)) == expected
            assert orjson.loads(bundle_json(as_of, history, cache=cache)) == expected
    assert cache.hits and cache.misses and len(cache) <= 500


def test_the_history_cache_reads_only_new_versions(demo: PlansApplication) -> None:
    plan_id = demo.create_plan(
        CLINICIAN, CreatePlan(client_id="client-8", start_date=START)
    ).plan_id
    histories = HistoryCache(demo)
    assert histories.history(plan_id, 1) == plan_history(demo, plan_id, 1)
    demo.handle(plan_id, CLINICIAN, AddProblem(description="Low mood"))
    demo.handle(plan_id, CLINICIAN, AddProblem(description="Poor sleep"))
    assert histories.history(plan_id, 3) == plan_history(demo, plan_id, 3)
    assert [i["version"] for i in histories.history(plan_id, 2)] == [1, 2]
    assert plan_history(demo, plan_id, 3, after=2) == plan_history(demo, plan_id, 3)[2:]


def test_flags_with_a_follow_up_of_their_own(demo: PlansApplication) -> None:
    """When the plan keeps safety flags with a status (open / acknowledged), the
    Flag follows it; a flag of a score entered in error is gone with the score."""
    plan_id = demo.create_plan(
        CLINICIAN, CreatePlan(client_id="client-6", start_date=START)
    ).plan_id
    items = [1, 1, 1, 1, 1, 1, 1, 1, 1]
    first = demo.handle(
        plan_id,
        CLINICIAN,
        RecordScore(instrument="PHQ-9", score=9, administered_on=day(3), item_scores=items),
    )
    second = demo.handle(
        plan_id,
        CLINICIAN,
        RecordScore(instrument="PHQ-9", score=9, administered_on=day(5), item_scores=items),
    )
    ids = [first.result["score_id"], second.result["score_id"]]
    plan = demo.get_plan(plan_id, CLINIC)
    flag_ids = {f["score_id"]: f["id"] for f in plan.safety_flags.values()}
    demo.handle(
        plan_id,
        CLINICIAN,
        AcknowledgeSafetyFlag(
            flag_id=flag_ids[ids[0]],
            action="risk-assessed",
            reason="C-SSRS done",
            acknowledged_on=day(3),
        ),
    )
    plan = demo.get_plan(plan_id, CLINIC)
    history = plan_history(demo, plan_id, plan.version)
    flags = of_type(check_bundle(json_of(fhir.plan_bundle(plan, history))), "Flag")
    assert sorted(f["status"] for f in flags) == ["active", "inactive"]
    demo.handle(
        plan_id, CLINICIAN, MarkScoreEnteredInError(score_id=ids[1], reason="another client's form")
    )
    plan = demo.get_plan(plan_id, CLINIC)
    history = plan_history(demo, plan_id, plan.version)
    [flag] = of_type(check_bundle(json_of(fhir.plan_bundle(plan, history))), "Flag")
    assert flag["status"] == "inactive" and flag["period"]["start"] == day(3).isoformat()
