"""Review compliance over HTTP, on both backends: dates, ceiling, deadlines, signatures,
caseload and the compliance figures (contract v2, "Clinical dates and review compliance")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from api_support import API, assert_problem

TODAY = datetime.now(tz=UTC).date()


def ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


def ahead(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


def plan(api: API, start: str, **body: Any) -> str:
    return str(
        api.ok("POST", "/plans", {"client_id": "client-7", "start_date": start, **body}, 201)["id"]
    )


def sign_all(api: API, plan_id: str, on: str) -> int:
    api.ok(
        "POST", f"/plans/{plan_id}/signatures", {"signer_role": "clinician", "signed_on": on}, 201
    )
    done = api.ok(
        "POST", f"/plans/{plan_id}/signatures", {"signer_role": "client", "signed_on": on}, 201
    )
    return int(done["position"])


def queue(api: API, position: int, **params: Any) -> dict[str, Any]:
    return api.ok("GET", "/review-queue", params={"min_position": position, **params})  # type: ignore[no-any-return]


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["plan_id"] for item in items]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("reviews", {"reviewed_on": ahead(2), "outcome": "continue"}, "reviewed_on"),
        (
            "scores",
            {"instrument": "PHQ-9", "score": 12, "administered_on": ahead(2)},
            "administered_on",
        ),
        ("signatures", {"signer_role": "client", "signed_on": ahead(2)}, "signed_on"),
        ("close", {"reason": "moved away", "closed_on": ahead(2)}, "closed_on"),
    ],
)
def test_a_fact_dated_after_tomorrow_is_refused_and_nothing_is_stored(
    api: API, path: str, body: dict[str, Any], field: str
) -> None:
    # given a plan that is overdue for review
    plan_id = plan(api, ago(200))
    version = api.version(plan_id)
    # when a fact is dated the day after tomorrow, then 422 names the field
    assert_problem(api.post(f"/plans/{plan_id}/{path}", body), 422, field)
    # and nothing was recorded
    assert api.version(plan_id) == version
    # but tomorrow (a time zone ahead of UTC) is accepted
    tomorrow = {k: (ahead(1) if v == ahead(2) else v) for k, v in body.items()}
    assert api.post(f"/plans/{plan_id}/{path}", tomorrow).status_code in (200, 201)


def test_the_policy_is_a_ceiling_on_a_plans_own_interval(api: API) -> None:
    # given the default policy of 90 days
    # when a plan asks for 365 days, then 422
    body = {"client_id": "c", "start_date": ago(1), "review_interval_days": 365}
    assert_problem(api.post("/plans", body), 422, "review_interval_days")
    # when the clinic tightens its policy to 60 days
    api.ok("PUT", "/policy", {"review_interval_days": 60, "due_soon_days": 7}, role="supervisor")
    plan_id = plan(api, ago(1), review_interval_days=60)
    # then 75 days is refused at creation and by PUT review-interval; 45 is fine
    body["review_interval_days"] = 75
    assert_problem(api.post("/plans", body), 422, "review_interval_days")
    too_long = {"days": 75, "reason": "client prefers"}
    assert_problem(
        api.request("PUT", f"/plans/{plan_id}/review-interval", json=too_long), 422, "days"
    )
    api.ok("PUT", f"/plans/{plan_id}/review-interval", {"days": 45, "reason": "stable"})


def test_initial_plan_deadline_policy_and_queue(api: API) -> None:
    # given a policy with a 20-day initial-plan window
    for bad in (0, 91):
        body = {"review_interval_days": 90, "due_soon_days": 14, "initial_plan_days": bad}
        assert_problem(
            api.request("PUT", "/policy", json=body, role="supervisor"), 422, "initial_plan_days"
        )
    body = {"review_interval_days": 90, "due_soon_days": 14, "initial_plan_days": 20}
    api.ok("PUT", "/policy", body, role="supervisor")
    assert api.ok("GET", "/policy")["initial_plan_days"] == 20
    # and drafts started 50, 30 and 10 days ago, and a signed plan started 40 days ago
    oldest, older, recent, signed = (
        plan(api, ago(50)),
        plan(api, ago(30)),
        plan(api, ago(10)),
        plan(api, ago(40)),
    )
    position = sign_all(api, signed, ago(39))
    # when the queue is read
    items = queue(api, position)["initial_plan_overdue"]
    # then the drafts past the deadline are listed, most overdue first
    assert ids(items) == [oldest, older]
    assert items[0] == {
        "plan_id": oldest,
        "client_id": "client-7",
        "clinician": "dr-okafor",
        "start_date": ago(50),
        "days_overdue": 30,
    }
    assert recent not in ids(items) and signed not in ids(items)
    # and the default window is 30 days
    api.ok("PUT", "/policy", {"review_interval_days": 90, "due_soon_days": 14}, role="supervisor")
    assert api.ok("GET", "/policy")["initial_plan_days"] == 30
    assert ids(queue(api, position)["initial_plan_overdue"]) == [oldest]


def test_a_content_change_after_activation_makes_signatures_stale_until_all_sign_again(
    api: API,
) -> None:
    # given an active plan signed by clinician and client
    plan_id = plan(api, ago(40))
    sign_all(api, plan_id, ago(39))
    assert api.ok("GET", f"/plans/{plan_id}")["signatures_current"] is True
    # when a score is recorded, then that is no content change
    api.ok(
        "POST",
        f"/plans/{plan_id}/scores",
        {"instrument": "PHQ-9", "score": 9, "administered_on": ago(1)},
        201,
    )
    assert api.ok("GET", f"/plans/{plan_id}")["signatures_current"] is True
    # when a problem is added
    changed = api.ok("POST", f"/plans/{plan_id}/problems", {"description": "Poor sleep"}, 201)
    document = api.ok("GET", f"/plans/{plan_id}")
    # then the plan stays active but its signatures are not current
    assert document["status"] == "active" and document["signatures_current"] is False
    items = queue(api, changed["position"])["signatures_due"]
    assert items == [
        {
            "plan_id": plan_id,
            "client_id": "client-7",
            "clinician": "dr-okafor",
            "changed_on": TODAY.isoformat(),
            "missing": ["clinician", "client"],
        }
    ]
    # and a renewing signature dated before the change is refused
    stale = {"signer_role": "client", "signed_on": ago(1)}
    assert_problem(api.post(f"/plans/{plan_id}/signatures", stale), 422, "signed_on")
    # when the client signs again, the clinician is still missing
    signed = api.ok(
        "POST", f"/plans/{plan_id}/signatures", {"signer_role": "client", "signed_on": ago(0)}, 201
    )
    assert queue(api, signed["position"])["signatures_due"][0]["missing"] == ["clinician"]
    # when the clinician signs too, the signatures are current again
    signed = api.ok(
        "POST",
        f"/plans/{plan_id}/signatures",
        {"signer_role": "clinician", "signed_on": ago(0)},
        201,
    )
    assert api.ok("GET", f"/plans/{plan_id}")["signatures_current"] is True
    assert queue(api, signed["position"])["signatures_due"] == []
    # and the timeline says it in plain words
    summaries = [item["summary"] for item in api.timeline(plan_id, min_position=signed["position"])]
    assert any(s.startswith("Plan re-signed by the client") for s in summaries), summaries


def test_a_draft_shows_signatures_not_current(api: API) -> None:
    plan_id = plan(api, ago(3))
    assert api.ok("GET", f"/plans/{plan_id}")["signatures_current"] is False


def test_a_supervisor_transfers_a_caseload_and_the_queue_follows(api: API) -> None:
    # given an overdue plan of dr-okafor
    plan_id = plan(api, ago(200))
    body = {"clinician": "dr-mensah", "reason": "Dr Okafor left the clinic"}
    # when a clinician tries the transfer, then 403; without a reason, 422
    assert_problem(api.request("PUT", f"/plans/{plan_id}/clinician", json=body), 403)
    no_reason = {"clinician": "dr-mensah"}
    assert_problem(
        api.request("PUT", f"/plans/{plan_id}/clinician", json=no_reason, role="supervisor"),
        422,
        "reason",
    )
    # when a supervisor transfers it
    moved = api.ok("PUT", f"/plans/{plan_id}/clinician", body, role="supervisor")
    # then the plan, the plan list and the queue follow
    assert api.ok("GET", f"/plans/{plan_id}")["clinician"] == "dr-mensah"
    mine = queue(api, moved["position"], clinician="dr-mensah")
    assert ids(mine["overdue"]) == [plan_id] and mine["overdue"][0]["clinician"] == "dr-mensah"
    assert plan_id not in ids(queue(api, moved["position"], clinician="dr-okafor")["overdue"])
    listed = api.ok(
        "GET", "/plans", params={"clinician": "dr-mensah", "min_position": moved["position"]}
    )
    assert [p["id"] for p in listed["items"]] == [plan_id]
    # and the timeline tells the transfer
    assert api.timeline(plan_id, min_position=moved["position"])[-1]["summary"] == (
        "Plan transferred from dr-okafor to dr-mensah"
    )
    # and assigning the same clinician again is refused
    assert_problem(
        api.request("PUT", f"/plans/{plan_id}/clinician", json=body, role="supervisor"),
        422,
        "clinician",
    )


def test_a_draft_that_a_relaxed_signer_policy_lets_through_is_activated_by_an_event(
    api: API,
) -> None:
    # given a policy that also requires the supervisor, and a draft signed by clinician and client
    strict = {
        "review_interval_days": 90,
        "due_soon_days": 14,
        "required_signers": ["clinician", "client", "supervisor"],
    }
    api.ok("PUT", "/policy", strict, role="supervisor")
    plan_id = plan(api, ago(5))
    sign_all(api, plan_id, ago(4))
    assert api.ok("GET", f"/plans/{plan_id}")["status"] == "draft"
    assert_problem(api.post(f"/plans/{plan_id}/activate", {}), 422)
    # when the policy drops the supervisor, then nothing moves by itself
    api.ok("PUT", "/policy", {"review_interval_days": 90, "due_soon_days": 14}, role="supervisor")
    assert api.ok("GET", f"/plans/{plan_id}")["status"] == "draft"
    # when the plan is activated, then it is active, through an event of its own
    done = api.ok("POST", f"/plans/{plan_id}/activate", {"reason": "policy now two signers"})
    assert api.ok("GET", f"/plans/{plan_id}")["status"] == "active"
    last = api.timeline(plan_id, min_position=done["position"])[-1]
    assert last["type"] == "PlanActivated"
    # and a second activation is refused
    assert_problem(api.post(f"/plans/{plan_id}/activate", {}), 422)


def test_compliance_figures_in_total_per_clinician_and_on_an_earlier_date(api: API) -> None:
    # given plan A (reviewed on time, now overdue), plan B (reviewed late, changed since
    # signing) and a draft C past its initial deadline, transferred to dr-mensah
    a, b, c = plan(api, ago(200)), plan(api, ago(100), review_interval_days=30), plan(api, ago(50))
    sign_all(api, a, ago(199))
    sign_all(api, b, ago(99))
    api.ok("POST", f"/plans/{a}/reviews", {"reviewed_on": ago(115), "outcome": "continue"}, 201)
    api.ok("POST", f"/plans/{b}/reviews", {"reviewed_on": ago(10), "outcome": "revise"}, 201)
    api.ok("POST", f"/plans/{b}/problems", {"description": "Poor sleep"}, 201)
    last = api.ok(
        "PUT",
        f"/plans/{c}/clinician",
        {"clinician": "dr-mensah", "reason": "caseload"},
        role="supervisor",
    )
    # when a supervisor reads the figures
    figures = api.ok(
        "GET", "/compliance", params={"min_position": last["position"]}, role="supervisor"
    )
    # then
    assert figures["as_of"] == TODAY.isoformat()
    assert {
        k: figures[k]
        for k in (
            "open_plans",
            "reviews_overdue",
            "initial_plans_overdue",
            "signatures_not_current",
        )
    } == {
        "open_plans": 3,
        "reviews_overdue": 1,
        "initial_plans_overdue": 1,
        "signatures_not_current": 1,
    }
    assert figures["reviews_on_time_rate"] == pytest.approx(1 / 3, abs=1e-3)
    people = {p["clinician"]: p for p in figures["by_clinician"]}
    assert people["dr-mensah"] == {
        "clinician": "dr-mensah",
        "open_plans": 1,
        "reviews_overdue": 0,
        "initial_plans_overdue": 1,
        "signatures_not_current": 0,
        "reviews_on_time_rate": None,
    }
    assert people["dr-okafor"]["open_plans"] == 2
    assert people["dr-okafor"]["reviews_on_time_rate"] == pytest.approx(1 / 3, abs=1e-3)
    # and on an earlier date only plan A was open, and nothing was due yet
    earlier = api.ok("GET", "/compliance", params={"as_of": ago(120)}, role="auditor")
    assert (earlier["open_plans"], earlier["reviews_overdue"], earlier["reviews_on_time_rate"]) == (
        1,
        0,
        None,
    )
    # and 20 days ago both were overdue: A (due ago(25)) and B (due ago(70), reviewed
    # late only later): the due date in force on that day counts, not today's
    then = api.ok("GET", "/compliance", params={"as_of": ago(20)}, role="auditor")
    assert (then["open_plans"], then["reviews_overdue"]) == (3, 2)
    assert then["reviews_on_time_rate"] == pytest.approx(1 / 3, abs=1e-3)


@pytest.mark.parametrize("role", ["analyst", "clinician"])
def test_compliance_is_for_supervisors_and_auditors(api: API, role: str) -> None:
    assert_problem(api.get("/compliance", role=role), 403)
