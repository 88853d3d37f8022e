"""The README's tour through the generated client alone, against a live `plans serve`.

An integrator's view: only `treatment_plans_client` (clients/python) talks to
the service, every answer is a typed model, and refusals are `Problem`s. Runs
on both backends (a SQLite file, a fresh PostgreSQL database).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.auth import mint_token
from api.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "clients" / "python"))

from treatment_plans_client import AuthenticatedClient  # noqa: E402
from treatment_plans_client.api.audit import (  # noqa: E402
    export_timeline,
    get_timeline,
    verify_plan,
)
from treatment_plans_client.api.goals import add_goal  # noqa: E402
from treatment_plans_client.api.plans import create_plan, get_plan  # noqa: E402
from treatment_plans_client.api.problems_and_diagnoses import add_problem  # noqa: E402
from treatment_plans_client.api.queries import get_review_queue  # noqa: E402
from treatment_plans_client.api.scores import get_scores, record_score  # noqa: E402
from treatment_plans_client.models import (  # noqa: E402
    AddGoalRequest,
    AddProblemRequest,
    CreatePlanRequest,
    DiagnosisInput,
    EventType,
    GoalAddedResponse,
    GoalScores,
    GoalStatus,
    Instrument,
    MeasureInput,
    PlanCreatedResponse,
    PlanStatus,
    PlanView,
    Problem,
    ProblemAddedResponse,
    RecordScoreRequest,
    ReviewQueue,
    ScorePoint,
    ScoreRecordedResponse,
    ScoreSeries,
    Severity,
    Timeline,
    Verification,
)

pytestmark = pytest.mark.slow
PLANS = str(Path(sys.executable).parent / "plans")
CLINIC = "northside"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live(database_url: str, settings: Settings, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`plans serve` on a free port: (base URL, JWT secret)."""
    secret = settings.secret()
    env = {
        **os.environ,
        "PLANS_DATABASE_URL": database_url,
        "PLANS_DATA_DIR": str(tmp_path / "data"),
        "PLANS_JWT_SECRET": secret,
    }
    env.pop("PLANS_CIPHER_KEY", None)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(tmp_path / "serve.log", "wb") as log:
        process = subprocess.Popen(
            [PLANS, "serve", "--port", str(port), "--log-level", "warning"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(base + "/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError((tmp_path / "serve.log").read_text(errors="replace"))
                time.sleep(0.2)
            yield base, secret
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_the_readme_tour_through_the_generated_client(live: tuple[str, str]) -> None:
    base, secret = live
    token = mint_token(secret, "dr.okafor", "clinician", CLINIC, 30)
    client = AuthenticatedClient(base_url=base, token=token, raise_on_unexpected_status=True)
    today = dt.date.today()
    start = today - dt.timedelta(days=100)

    # A plan that started 100 days ago (its first 90-day review is overdue).
    created = create_plan.sync_detailed(
        client=client,
        body=CreatePlanRequest(
            client_id="MRN1000001",
            start_date=start,
            presenting_concerns=["Low mood for six months", "Poor sleep"],
            diagnoses=[DiagnosisInput(code="F33.1", description="Major depressive disorder")],
        ),
        idempotency_key="tour-create-1",
    )
    assert created.status_code == 201
    plan = created.parsed
    assert isinstance(plan, PlanCreatedResponse)
    assert created.headers["Location"] == f"/plans/{plan.id}"
    assert created.headers["ETag"] == f'"{plan.version}"'
    replay = create_plan.sync_detailed(
        client=client,
        body=CreatePlanRequest(
            client_id="MRN1000001",
            start_date=start,
            presenting_concerns=["Low mood for six months", "Poor sleep"],
            diagnoses=[DiagnosisInput(code="F33.1", description="Major depressive disorder")],
        ),
        idempotency_key="tour-create-1",
    )
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert isinstance(replay.parsed, PlanCreatedResponse) and replay.parsed.id == plan.id

    # A problem, and a SMART goal on the PHQ-9 that traces to it (written with If-Match).
    problem = add_problem.sync(
        plan.id,
        client=client,
        body=AddProblemRequest(description="Persistent depressed mood"),
        if_match=f'"{plan.version}"',
    )
    assert isinstance(problem, ProblemAddedResponse)
    goal = add_goal.sync(
        plan.id,
        client=client,
        body=AddGoalRequest(
            problem_ids=[problem.problem_id],
            statement="Reduce PHQ-9 from 18 to 9 within 12 weeks",
            measure=MeasureInput(instrument=Instrument.PHQ_9, baseline=18, target=9),
            target_date=today + dt.timedelta(days=30),
        ),
        if_match=f'"{problem.version}"',
    )
    assert isinstance(goal, GoalAddedResponse)

    # Monthly scores.
    last = None
    for score, day in ((18, 0), (14, 30), (11, 60), (8, 90)):
        last = record_score.sync(
            plan.id,
            client=client,
            body=RecordScoreRequest(
                instrument=Instrument.PHQ_9,
                score=score,
                administered_on=start + dt.timedelta(days=day),
                goal_id=goal.goal_id,
            ),
        )
        assert isinstance(last, ScoreRecordedResponse)
        assert isinstance(last.position, int)
    assert last is not None and last.severity == Severity.MILD

    # The plan now: typed all the way down.
    current = get_plan.sync_detailed(plan.id, client=client)
    view = current.parsed
    assert isinstance(view, PlanView)
    assert view.status == PlanStatus.DRAFT
    assert view.start_date == start
    assert isinstance(view.created_at, dt.datetime)
    assert current.headers["ETag"] == f'"{view.version}"'
    (plan_goal,) = view.goals
    assert plan_goal.status == GoalStatus.ACTIVE
    assert plan_goal.measure.instrument == Instrument.PHQ_9
    assert plan_goal.progress is not None and plan_goal.progress.latest == 8

    # Its history, its scores (read your own writes with min_position), the chain.
    timeline = get_timeline.sync(plan.id, client=client, min_position=last.position)
    assert isinstance(timeline, Timeline)
    assert [item.type_ for item in timeline.items][:3] == [
        EventType.PLAN_CREATED,
        EventType.PROBLEM_ADDED,
        EventType.GOAL_ADDED,
    ]
    assert isinstance(timeline.items[0].recorded_at, dt.datetime)
    scores = get_scores.sync(plan.id, client=client, min_position=last.position)
    assert isinstance(scores, ScoreSeries)
    series = scores.series["PHQ-9"]
    assert all(isinstance(point, ScorePoint) for point in series)
    assert [point.score for point in series] == [18, 14, 11, 8]
    assert isinstance(series[0].administered_on, dt.date)
    (goal_scores,) = scores.goals
    assert isinstance(goal_scores, GoalScores) and goal_scores.latest == 8
    verification = verify_plan.sync(plan.id, client=client)
    assert isinstance(verification, Verification) and verification.valid
    export = export_timeline.sync_detailed(plan.id, client=client)
    assert export.status_code == 200
    assert export.content.count(b"\n") == view.version

    # A version read: the plan as it was after its creation.
    first = get_plan.sync(plan.id, client=client, version=1)
    assert isinstance(first, PlanView) and first.version == 1 and first.problems == []
    now = get_plan.sync(plan.id, client=client, as_of=dt.datetime.now(dt.UTC))
    assert isinstance(now, PlanView) and now.version == view.version

    # The clinic's review queue: this plan is overdue by about ten days.
    queue = get_review_queue.sync(client=client, min_position=last.position)
    assert isinstance(queue, ReviewQueue)
    assert [item.plan_id for item in queue.overdue] == [plan.id]
    assert queue.overdue[0].days_overdue == 10

    # Refusals are problems: unknown plan, stale version, bad input, If-Match on create.
    missing = get_plan.sync("5b0c1f36-2a4f-4c43-9d36-0d1a7e2b9a51", client=client)
    assert isinstance(missing, Problem) and missing.status == 404
    stale = add_problem.sync(
        plan.id, client=client, body=AddProblemRequest(description="x"), if_match='"1"'
    )
    assert isinstance(stale, Problem) and stale.status == 412
    bad = record_score.sync(
        plan.id,
        client=client,
        body=RecordScoreRequest(instrument=Instrument.PHQ_9, score=99, administered_on=today),
    )
    assert isinstance(bad, Problem) and bad.status == 422
    assert bad.errors and bad.errors[0].field == "score"
    conditional_create = create_plan.sync(
        client=client, body=CreatePlanRequest(client_id="MRN1000002"), if_match='"1"'
    )
    assert isinstance(conditional_create, Problem) and conditional_create.status == 412
