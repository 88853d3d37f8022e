"""Commands over HTTP: success paths, If-Match, idempotency, closed plans, concurrency."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from api_support import API, START, assert_problem, goal_body


def test_every_command_answers_with_its_ids_version_position_and_etag(api: API) -> None:
    created = api.client.post(
        "/plans",
        json={
            "client_id": "client-0042",
            "presenting_concerns": ["Persistent worry"],
            "diagnoses": [{"code": "F41.1", "description": "Generalized anxiety disorder"}],
            "review_interval_days": 60,
            "start_date": START,
            "reason": "Intake completed",
        },
        headers=api.headers(),
    )
    assert created.status_code == 201, created.text
    plan = created.json()
    assert set(plan) == {"id", "version", "position"}
    assert plan["version"] == 1 and created.headers["etag"] == '"1"'
    plan_id = plan["id"]
    base = f"/plans/{plan_id}"

    steps = [
        ("POST", "/problems", {"description": "Excessive worry"}, 201, "problem_id"),
        ("POST", "/problems", {"description": "Poor sleep"}, 201, "problem_id"),
    ]
    ids: dict[str, list[str]] = {}
    for method, path, body, status, key in steps:
        answer = api.ok(method, base + path, body, status)
        ids.setdefault(key, []).append(answer[key])
    problem_id, second_problem = ids["problem_id"]

    goal = api.ok("POST", base + "/goals", goal_body(problem_id), 201)
    goal_id = goal["goal_id"]
    version = goal["version"]
    assert version == 4 and isinstance(goal["position"], int)

    def step(method: str, path: str, body: object, status: int = 200) -> dict:
        nonlocal version
        response = api.request(method, base + path, json=body)
        assert response.status_code == status, (path, response.text)
        answer = response.json()
        version += 1
        assert answer["version"] == version, (path, answer)
        assert response.headers["etag"] == f'"{version}"'
        assert isinstance(answer["position"], int)
        return answer

    objective = step(
        "POST", f"/goals/{goal_id}/objectives", {"statement": "Breathe daily"}, status=201
    )
    assert "objective_id" in objective
    step("PATCH", f"/goals/{goal_id}", {"target_date": "2025-07-01", "reason": "More time"})
    intervention = step(
        "POST", "/interventions", {"modality": "CBT", "goal_ids": [goal_id]}, status=201
    )
    assert "intervention_id" in intervention
    step("PUT", "/frequency", {"every": 1, "unit": "week", "session_minutes": 50})
    step("POST", "/assessments", {"instrument": "GAD-7", "every_days": 14})
    score = step(
        "POST",
        "/scores",
        {"instrument": "GAD-7", "score": 9, "administered_on": "2025-04-01", "goal_id": goal_id},
        status=201,
    )
    assert score["score_id"] and score["severity"] == "mild" and score["safety_flag"] is False
    phq = step(
        "POST",
        "/scores",
        {
            "instrument": "PHQ-9",
            "score": 12,
            "administered_on": "2025-04-01",
            "item_scores": [2, 1, 2, 1, 2, 1, 1, 1, 1],
        },
        status=201,
    )
    assert phq["safety_flag"] is True and phq["safety_screen"] == "positive"
    step(
        "POST",
        f"/safety-flags/{phq['flag_id']}/acknowledge",
        {"action": "risk-assessed", "reason": "C-SSRS in session"},
    )
    step("POST", "/diagnoses", {"code": "F33.1"}, status=201)
    step("DELETE", "/diagnoses/F33.1", {"reason": "Entered in error"})
    step("POST", f"/problems/{second_problem}/resolve", None)
    step("PUT", "/review-interval", {"days": 30, "reason": "Monthly while waitlisted"})
    step(
        "POST",
        "/reviews",
        {"reviewed_on": "2025-04-02", "outcome": "continue", "summary": "Improving"},
        status=201,
    )
    step("POST", "/signatures", {"signer_role": "clinician", "signed_on": "2025-04-02"}, 201)
    step(
        "POST",
        "/signatures",
        {"signer_role": "client", "signed_on": "2025-04-02", "signer_name": "J. Doe"},
        201,
    )
    step("POST", f"/interventions/{intervention['intervention_id']}/discontinue", {"reason": "x"})
    step("POST", f"/goals/{goal_id}/status", {"status": "achieved", "reason": "GAD-7 below 10"})
    step("POST", "/close", {"reason": "Goals met", "closed_on": "2025-05-01"})

    document = api.ok("GET", base)
    assert document["status"] == "closed" and document["version"] == version
    assert document["frequency"] == {"every": 1, "unit": "week", "session_minutes": 50}
    assert [d["code"] for d in document["diagnoses"]] == ["F41.1"]
    assert document["review"]["interval_days"] == 30
    assert document["review"]["last_reviewed_on"] == "2025-04-02"
    assert {s["signer_role"] for s in document["signatures"]} == {"clinician", "client"}
    assert document["goals"][0]["status"] == "achieved"
    assert document["goals"][0]["target_date"] == "2025-07-01"


def test_policy_is_read_by_everyone_and_set_by_supervisors(api: API) -> None:
    policy = api.get("/policy", role="analyst")
    assert policy.status_code == 200
    assert policy.json()["review_interval_days"] == 90 and policy.json()["version"] == 0
    body = {"review_interval_days": 60, "due_soon_days": 10, "reason": "State audit"}
    assert_problem(api.request("PUT", "/policy", json=body), 403)
    answer = api.ok("PUT", "/policy", body, role="supervisor")
    assert answer["clinic"] == "riverside" and answer["version"] >= 1 and answer["position"]
    current = api.ok("GET", "/policy")
    assert current["review_interval_days"] == 60 and current["due_soon_days"] == 10
    assert current["required_signers"] == ["clinician", "client"]
    stale = api.request("PUT", "/policy", json=body, role="supervisor", headers={"If-Match": '"0"'})
    assert_problem(stale, 412)
    # A plan created now follows the new interval.
    plan_id = api.create_plan()
    assert api.ok("GET", f"/plans/{plan_id}")["review"]["interval_days"] == 60


def test_if_match_accepts_quoted_bare_weak_and_star_and_refuses_stale(api: API) -> None:
    plan_id = api.create_plan()
    path = f"/plans/{plan_id}/problems"
    body = {"description": "Worry"}
    for header, expected in (('"1"', 2), ("2", 3), ('W/"3"', 4), ("*", 5)):
        answer = api.ok("POST", path, body, 201, headers={"If-Match": header})
        assert answer["version"] == expected
    stale = api.request("POST", path, json=body, headers={"If-Match": '"2"'})
    assert_problem(stale, 412)
    garbage = api.request("POST", path, json=body, headers={"If-Match": '"abc"'})
    assert_problem(garbage, 422, "If-Match")
    assert api.version(plan_id) == 5


def test_idempotency_key_replays_the_first_response_and_records_nothing(api: API) -> None:
    headers = {"Idempotency-Key": "create-0042"}
    body = {"client_id": "client-0042", "start_date": START}
    first = api.request("POST", "/plans", json=body, headers=headers)
    again = api.request("POST", "/plans", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers.get("idempotent-replayed") == "true"
    plan_id = first.json()["id"]

    problem_id = api.add_problem(plan_id)
    key = {"Idempotency-Key": "goal-1"}
    goal = api.request("POST", f"/plans/{plan_id}/goals", json=goal_body(problem_id), headers=key)
    retry = api.request("POST", f"/plans/{plan_id}/goals", json=goal_body(problem_id), headers=key)
    assert goal.status_code == retry.status_code == 201
    assert goal.json() == retry.json()
    assert retry.headers["etag"] == goal.headers["etag"]
    score = {"instrument": "GAD-7", "score": 12, "administered_on": "2025-04-01"}
    scored = api.request("POST", f"/plans/{plan_id}/scores", json=score, headers=key)
    assert scored.status_code == 201, "a key is scoped to its endpoint"
    rescored = api.request("POST", f"/plans/{plan_id}/scores", json=score, headers=key)
    assert rescored.json() == scored.json()

    types = [item["type"] for item in api.timeline(plan_id, min_position=scored.json()["position"])]
    assert types == ["PlanCreated", "ProblemAdded", "GoalAdded", "ScoreRecorded"]

    changed = goal_body(problem_id, statement="Something else")
    reused = api.request("POST", f"/plans/{plan_id}/goals", json=changed, headers=key)
    assert_problem(reused, 422, "Idempotency-Key")
    other = api.request("POST", "/plans", json={**body, "client_id": "x"}, headers=headers)
    assert_problem(other, 422, "Idempotency-Key")
    assert api.version(plan_id) == 4
    too_long = api.request("POST", "/plans", json=body, headers={"Idempotency-Key": "k" * 201})
    assert_problem(too_long, 422, "Idempotency-Key")


def test_a_closed_plan_refuses_every_change_with_409(api: API) -> None:
    plan_id, problem_id, goal_id = api.plan_with_goal()
    api.ok("POST", f"/plans/{plan_id}/close", {"reason": "Moved away", "closed_on": START})
    base = f"/plans/{plan_id}"
    attempts = [
        ("POST", "/problems", {"description": "More"}),
        ("POST", f"/problems/{problem_id}/resolve", {"reason": "done"}),
        ("POST", "/goals", goal_body(problem_id)),
        ("PATCH", f"/goals/{goal_id}", {"statement": "New", "reason": "r"}),
        ("POST", f"/goals/{goal_id}/status", {"status": "on-hold", "reason": "r"}),
        ("POST", f"/goals/{goal_id}/objectives", {"statement": "s"}),
        ("POST", "/interventions", {"modality": "CBT", "goal_ids": [goal_id]}),
        ("PUT", "/frequency", {"every": 2, "unit": "week", "session_minutes": 50}),
        ("POST", "/assessments", {"instrument": "PHQ-9", "every_days": 14}),
        ("POST", "/scores", {"instrument": "GAD-7", "score": 3, "administered_on": START}),
        ("POST", "/reviews", {"reviewed_on": START, "outcome": "continue"}),
        ("PUT", "/review-interval", {"days": 30, "reason": "r"}),
        ("POST", "/signatures", {"signer_role": "client", "signed_on": START}),
        ("POST", "/diagnoses", {"code": "F33.1"}),
        ("POST", "/close", {"reason": "again", "closed_on": START}),
    ]
    for method, path, body in attempts:
        assert_problem(api.request(method, base + path, json=body), 409)
    # 412 comes before 409; an unknown item's 404 before both.
    stale = api.request(
        "POST", base + "/problems", json={"description": "x"}, headers={"If-Match": '"1"'}
    )
    assert_problem(stale, 412)
    missing = api.request(
        "POST", base + "/goals/nope/status", json={"status": "on-hold", "reason": "r"}
    )
    assert_problem(missing, 404)
    assert api.version(plan_id) == 4


def test_sixteen_concurrent_clients_each_acknowledged_command_is_recorded_once(api: API) -> None:
    plan_id = api.create_plan()
    clients, per_client = 16, 3
    barrier = threading.Barrier(clients)

    def client(n: int) -> list[tuple[int, str, int]]:
        barrier.wait()
        acknowledged = []
        for i in range(per_client):
            response = api.request(
                "POST",
                f"/plans/{plan_id}/problems",
                json={"description": f"client {n} problem {i}"},
                headers={"Idempotency-Key": f"c{n}-{i}"} if i % 2 else {},
            )
            assert response.status_code == 201, response.text
            answer = response.json()
            acknowledged.append((answer["version"], answer["problem_id"], answer["position"]))
        return acknowledged

    with ThreadPoolExecutor(clients) as pool:
        results = [ack for batch in pool.map(client, range(clients)) for ack in batch]

    assert len(results) == clients * per_client
    items = api.timeline(plan_id, min_position=max(position for _, _, position in results))
    added = Counter(item["data"]["problem_id"] for item in items if item["type"] == "ProblemAdded")
    assert sorted(added) == sorted(problem_id for _, problem_id, _ in results)
    assert set(added.values()) == {1}
    versions = [item["version"] for item in items]
    assert versions == list(range(1, clients * per_client + 2))
    assert sorted(version for version, _, _ in results) == versions[1:]


def test_racing_retries_with_one_key_record_one_event(api: API) -> None:
    racers = 8
    barrier = threading.Barrier(racers)
    body = {"client_id": "client-0042", "start_date": START}

    def create(_: int) -> tuple[int, dict]:
        barrier.wait()
        response = api.request("POST", "/plans", json=body, headers={"Idempotency-Key": "intake"})
        return response.status_code, response.json()

    with ThreadPoolExecutor(racers) as pool:
        created = list(pool.map(create, range(racers)))
    assert {status for status, _ in created} == {201}
    assert len({answer["id"] for _, answer in created}) == 1
    plan_id = created[0][1]["id"]

    def add(_: int) -> tuple[int, dict]:
        barrier.wait()
        response = api.request(
            "POST",
            f"/plans/{plan_id}/problems",
            json={"description": "Worry"},
            headers={"Idempotency-Key": "problem-1"},
        )
        return response.status_code, response.json()

    with ThreadPoolExecutor(racers) as pool:
        added = list(pool.map(add, range(racers)))
    assert {status for status, _ in added} == {201}
    assert len({str(answer) for _, answer in added}) == 1
    items = api.timeline(plan_id, min_position=added[0][1]["position"])
    assert [item["type"] for item in items] == ["PlanCreated", "ProblemAdded"]
