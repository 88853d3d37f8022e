"""Analysts: Safe Harbor by construction, aggregates with small-cell suppression,
and the Parquet export, as a privacy officer would check them.

A marker is planted in every free-text field of every command, the client ids
share a distinctive stem; as an analyst, none of them, no plan or item id and
no ISO date or instant may appear in `/revisions`, the aggregates or the file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import duckdb
import pytest
from api_support import API, START, assert_problem

from domain.plan import EVENT_TYPES

MARKER = "Qzx Marker Jane Roe"
CLIENT_STEM = "zq-client-77"
DATE_OR_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}")
WHOLE_PLAN_EVENTS = 28
SMALL_PLAN_EVENTS = 11 * 5

# Revisions per type by month of the plan: the README's example query.
PER_TYPE_BY_PLAN_MONTH = """
    SELECT type, plan_day // 30 AS plan_month, count(*) AS revisions
    FROM read_parquet(?)
    GROUP BY ALL
    ORDER BY type, plan_month
"""


def every_command(api: API, ids: list[str]) -> int:
    """One plan through every command, free text marked everywhere; the last position."""
    m = MARKER
    plan = api.ok(
        "POST",
        "/plans",
        {
            "client_id": f"{CLIENT_STEM}-0",
            "presenting_concerns": [f"{m} worries"],
            "diagnoses": [{"code": "F41.1", "description": f"{m} diagnosis"}],
            "review_interval_days": 60,
            "start_date": START,
            "reason": f"{m} intake",
        },
        status=201,
    )
    base = f"/plans/{plan['id']}"

    def post(path: str, body: dict[str, Any], status: int = 201, method: str = "POST") -> Any:
        return api.ok(method, base + path, body, status=status)

    problem = post("/problems", {"description": f"{m} problem", "reason": m})["problem_id"]
    other = post("/problems", {"description": f"{m} other", "reason": m})["problem_id"]
    post(f"/problems/{other}/resolve", {"reason": f"{m} resolved"}, 200)
    post("/diagnoses", {"code": "F33.1", "description": f"{m} dx", "reason": m})
    post("/diagnoses/F33.1", {"reason": f"{m} rule-out"}, 200, "DELETE")
    goal = post(
        "/goals",
        {
            "problem_ids": [problem],
            "statement": f"{m} goal",
            "measure": {"instrument": "PHQ-9", "baseline": 20, "target": 8},
            "target_date": "2025-06-01",
            "reason": m,
        },
    )["goal_id"]
    post(
        f"/goals/{goal}",
        {"statement": f"{m} revised", "target_date": "2025-07-01", "reason": m},
        200,
        "PATCH",
    )
    objective = post(
        f"/goals/{goal}/objectives",
        {"statement": f"{m} objective", "target_date": "2025-05-01", "reason": m},
    )["objective_id"]
    intervention = post(
        "/interventions",
        {"modality": m, "goal_ids": [goal], "description": f"{m} intervention", "reason": m},
    )["intervention_id"]
    post(f"/interventions/{intervention}/discontinue", {"reason": f"{m} stopped"}, 200)
    post("/frequency", {"every": 1, "unit": "week", "session_minutes": 50, "reason": m}, 200, "PUT")
    post("/assessments", {"instrument": "PHQ-9", "every_days": 14, "reason": m}, 200)
    first = post(
        "/scores",
        {
            "instrument": "PHQ-9",
            "score": 18,
            "administered_on": "2025-03-10",
            "goal_id": goal,
            "item_scores": [2, 2, 2, 2, 2, 2, 2, 2, 2],
            "reason": m,
        },
    )["score_id"]
    second = post(
        "/scores",
        {"instrument": "PHQ-9", "score": 4, "administered_on": "2025-04-07", "reason": m},
    )["score_id"]
    post(
        "/reviews",
        {"reviewed_on": "2025-04-10", "outcome": "continue", "summary": m, "reason": m},
    )
    post("/review-interval", {"days": 30, "reason": f"{m} interval"}, 200, "PUT")
    body = {"signer_role": "clinician", "signed_on": "2025-03-05", "signer_name": m, "reason": m}
    post("/signatures", body)
    # The clinic relaxes its signers; the draft is activated under the new policy.
    policy = {"review_interval_days": 90, "due_soon_days": 14, "required_signers": ["clinician"]}
    api.ok("PUT", "/policy", {**policy, "reason": m}, role="supervisor")
    post("/activate", {"reason": f"{m} activated"}, 200)
    api.ok("PUT", f"{base}/clinician", {"clinician": "dr-new", "reason": m}, role="supervisor")
    [flag] = api.ok("GET", base)["safety_flags"]
    post(
        f"/safety-flags/{flag['id']}/acknowledge",
        {"action": "risk-assessed", "reason": f"{m} C-SSRS"},
        200,
    )
    parts = ("warning_signs", "coping_strategies", "social_contacts", "professional_contacts",
             "means_safety", "reasons_for_living")  # fmt: skip
    post("/safety-plan", {**{p: [f"{m} {p}"] for p in parts}, "reason": m}, 200, "PUT")
    strength = post("/strengths", {"description": f"{m} strength", "reason": m})["strength_id"]
    barrier = post("/barriers", {"description": f"{m} barrier", "reason": m})["barrier_id"]
    post("/discharge-criteria", {"criteria": [f"{m} criterion"], "reason": m}, 200, "PUT")
    post(f"/scores/{second}/entered-in-error", {"reason": f"{m} wrong form"}, 200)
    post(f"/goals/{goal}/status", {"status": "achieved", "reason": f"{m} done"}, 200)
    close = {"reason": f"{m} closed", "closed_on": "2025-05-01", "reason_code": "completed"}
    closed = post("/close", close, 200)
    ids.extend([plan["id"], problem, other, goal, objective, intervention, first, second])
    ids.extend([flag["id"], strength, barrier])
    return int(closed["position"])


def scored_goal(api: API, n: int, latest: int, ids: list[str]) -> int:
    """A plan with a PHQ-9 goal (baseline 20) scored twice; the last position."""
    body = {"client_id": f"{CLIENT_STEM}-{n}", "start_date": START}
    plan_id = api.ok("POST", "/plans", body, status=201)["id"]
    base = f"/plans/{plan_id}"
    problem = api.ok("POST", f"{base}/problems", {"description": MARKER}, status=201)
    goal = api.ok(
        "POST",
        f"{base}/goals",
        {
            "problem_ids": [problem["problem_id"]],
            "statement": MARKER,
            "measure": {"instrument": "PHQ-9", "baseline": 20, "target": 8},
            "target_date": "2025-06-01",
        },
        status=201,
    )["goal_id"]
    position = 0
    for score, day in ((18, "2025-03-10"), (latest, "2025-04-20")):
        body = {"instrument": "PHQ-9", "score": score, "administered_on": day, "goal_id": goal}
        position = api.ok("POST", f"{base}/scores", body, status=201)["position"]
    ids.extend([plan_id, problem["problem_id"], goal])
    return int(position)


def assert_safe_harbor(text: str, ids: list[str], where: str) -> None:
    assert MARKER not in text, where
    assert CLIENT_STEM not in text, where
    for identifier in ids:
        assert identifier not in text, (where, identifier)
    found = DATE_OR_INSTANT.search(text)
    assert found is None, (where, found and text[max(found.start() - 80, 0) : found.end() + 80])


@pytest.fixture
def clinic(api: API) -> tuple[list[str], int]:
    """12 PHQ-9 goals with two scores each (7 responded and remitted), one plan
    through every command; the ids a clinic knows, and the last position."""
    ids: list[str] = []
    position = every_command(api, ids)
    for n in range(1, 12):
        position = scored_goal(api, n, 4 if n <= 6 else 15, ids)
    return ids, position


def analyst_pages(api: API, params: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    items: list[dict[str, Any]] = []
    texts: list[str] = []
    after = None
    while True:
        page = {**params, "limit": 25, **({"after": after} if after else {})}
        response = api.get("/revisions", params=page, role="analyst")
        assert response.status_code == 200, response.text
        texts.append(response.text)
        items.extend(response.json()["items"])
        after = response.json()["next"]
        if after is None:
            return items, texts


def test_analysts_see_nothing_that_identifies(api: API, clinic: tuple[list[str], int]) -> None:
    ids, position = clinic
    wait = {"min_position": position}
    items, texts = analyst_pages(api, wait)
    for text in texts:
        assert_safe_harbor(text, ids, "/revisions")
    # every event type went through the check (a new command needs its marker here)
    assert {i["type"] for i in items} == set(EVENT_TYPES), "plant the marker in the new command"
    assert len(items) == WHOLE_PLAN_EVENTS + SMALL_PLAN_EVENTS
    for item in items:
        assert set(item) == {"subject", "version", "type", "year", "plan_day", "role", "data"}
    # one stable subject per plan, so a plan's revisions can be followed in order
    assert len({i["subject"] for i in items}) == 12
    first = items[0]["subject"]
    versions = [i["version"] for i in items if i["subject"] == first]
    assert versions == list(range(1, WHOLE_PLAN_EVENTS + 1))
    # dates as days from the plan's start (2025-03-03)
    score = next(i for i in items if i["type"] == "ScoreRecorded" and i["subject"] == first)
    assert score["data"] == {
        "instrument": "PHQ-9",
        "score": 18,
        "item_scores": [2] * 9,
        "severity": "moderately severe",
        "safety_flag": True,
        "safety_screen": "positive",
        "administered_day": 7,
    }
    closed = next(i for i in items if i["type"] == "PlanClosed")
    assert closed["data"] == {"closed_day": 59, "reason_code": "completed"}
    assert all(i["year"] >= 2025 and i["plan_day"] >= 0 for i in items)

    # filters: bounds count in whole years, nothing of them is echoed back
    window = {**wait, "from": "2025-03-04", "to": "2030-01-01T10:00:00Z", "type": "PlanCreated"}
    filtered, texts = analyst_pages(api, window)
    assert len(filtered) == 12
    for text in texts:
        assert_safe_harbor(text, ids, "/revisions filtered")
    assert analyst_pages(api, {**wait, "to": "2024-12-31"})[0] == []
    assert_problem(api.get("/revisions", params={"after": "42"}, role="analyst"), 422, "after")

    # other roles keep version 1's items
    full = api.ok("GET", "/revisions", params={**wait, "limit": 5}, role="auditor")["items"]
    assert {"plan_id", "recorded_at"} <= set(full[0]) and full[0]["plan_id"] in ids


def test_aggregates_suppress_small_cells(api: API, clinic: tuple[list[str], int]) -> None:
    ids, position = clinic
    wait = {"min_position": position, "from": "2025-01-01", "to": "2099-12-31"}
    groups = {}
    for group_by in ("type", "month", "role"):
        response = api.get(
            "/analytics/revisions", params={**wait, "group_by": group_by}, role="analyst"
        )
        assert response.status_code == 200, response.text
        assert_safe_harbor(response.text, ids, f"/analytics/revisions?group_by={group_by}")
        groups[group_by] = {g["key"]: g for g in response.json()["groups"]}
    by_type = groups["type"]
    assert by_type["ScoreRecorded"] == {"key": "ScoreRecorded", "count": 24, "suppressed": False}
    assert by_type["PlanCreated"] == {"key": "PlanCreated", "count": 12, "suppressed": False}
    assert by_type["PlanClosed"] == {"key": "PlanClosed", "count": None, "suppressed": True}
    # the supervisor's one transfer is a small cell
    assert groups["role"]["clinician"]["count"] == WHOLE_PLAN_EVENTS + SMALL_PLAN_EVENTS - 1
    assert groups["role"]["supervisor"] == {"key": "supervisor", "count": None, "suppressed": True}
    # analysts' months are months of the plan: every revision is recorded today,
    # long after the 2025 start, so none is in month 0
    months = groups["month"]
    assert all(key.isdigit() for key in months) and "0" not in months
    assert sum(g["count"] or 0 for g in months.values()) <= WHOLE_PLAN_EVENTS + SMALL_PLAN_EVENTS

    calendar = api.ok(
        "GET", "/analytics/revisions", params={**wait, "group_by": "month"}, role="supervisor"
    )["groups"]
    assert [g["count"] for g in calendar] == [WHOLE_PLAN_EVENTS + SMALL_PLAN_EVENTS]
    assert re.fullmatch(r"\d{4}-\d{2}", calendar[0]["key"])

    outcomes = api.get(
        "/analytics/outcomes", params={"instrument": "PHQ-9", "min_position": position},
        role="analyst",
    )  # fmt: skip
    assert outcomes.status_code == 200, outcomes.text
    assert_safe_harbor(outcomes.text, ids, "/analytics/outcomes")
    # 11 goals with two scores or more: the whole plan's second score was entered in
    # error, so its goal has one left and does not count
    assert outcomes.json() == {
        "instrument": "PHQ-9",
        "goals": 11,
        "response_rate": 0.545,
        "remission_rate": 0.545,
        "suppressed": False,
    }
    few = api.ok("GET", "/analytics/outcomes", params={"instrument": "GAD-7"}, role="auditor")
    assert few == {
        "instrument": "GAD-7",
        "goals": 0,
        "response_rate": None,
        "remission_rate": None,
        "suppressed": True,
    }
    assert_problem(
        api.get("/analytics/outcomes", params={"instrument": "XYZ"}, role="analyst"), 422
    )
    assert_problem(api.get("/analytics/revisions", params={"group_by": "day"}), 403)
    assert_problem(api.get("/analytics/revisions", params={"group_by": "day"}, role="analyst"), 422)
    assert_problem(api.get("/analytics/outcomes", params={"instrument": "PHQ-9"}), 403)


def test_parquet_export_loads_in_duckdb(
    api: API, clinic: tuple[list[str], int], tmp_path: Path
) -> None:
    ids, position = clinic
    params = {"format": "parquet", "min_position": position}
    response = api.get("/analytics/export", params=params, role="analyst")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.apache.parquet"
    assert response.content[:4] == b"PAR1"
    path = tmp_path / "revisions.parquet"
    path.write_bytes(response.content)
    assert MARKER.encode() not in response.content and CLIENT_STEM.encode() not in response.content

    with duckdb.connect() as db:
        rows = db.execute("SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
        per_month = db.execute(PER_TYPE_BY_PLAN_MONTH, [str(path)]).fetchall()
        scores = db.execute(
            "SELECT count(*) FROM read_parquet(?) WHERE data->>'instrument' = 'PHQ-9' "
            "AND type = 'ScoreRecorded'",
            [str(path)],
        ).fetchone()
    assert_safe_harbor(json.dumps(rows, default=str), ids, "the Parquet file")
    assert len(rows) == WHOLE_PLAN_EVENTS + SMALL_PLAN_EVENTS
    assert sum(count for _, _, count in per_month) == len(rows)
    assert scores == (24,)

    analyst, _ = analyst_pages(api, {"min_position": position})
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (i["subject"], i["version"], i["type"]) for i in analyst
    ]
    assert [json.loads(r[6]) for r in rows] == [i["data"] for i in analyst]

    assert_problem(api.get("/analytics/export", params=params, role="supervisor"), 403)
    assert_problem(api.get("/analytics/export", params={"format": "csv"}, role="analyst"), 422)
