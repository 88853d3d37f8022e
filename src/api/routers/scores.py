"""Assessments and scores: standardized measures, scheduled and recorded."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.auth import PlanReader
from api.deps import (
    Cmd,
    MinPosition,
    PlanId,
    PlanIdText,
    Svc,
    ensure_visible,
    plan_id_of,
    wait_for_position,
)
from api.routers.problem_sets import PLAN_COMMAND, PLAN_QUERY
from api.routing import AuditedRoute
from api.schemas.commands import (
    RecordScoreRequest,
    ScheduleAssessmentRequest,
    ScoreRecordedResponse,
)
from api.schemas.common import CommandAck
from api.schemas.views import ScoreSeries
from domain.instruments import INSTRUMENTS, POSITIVE, safety_flag, safety_screen
from domain.plan import flag_id_for

router = APIRouter(route_class=AuditedRoute, tags=["scores"])


@router.post(
    "/plans/{plan_id}/assessments",
    response_model=CommandAck,
    responses=PLAN_COMMAND,
    summary="Schedule a standardized measure",
)
async def schedule_assessment(
    plan_id: PlanId, body: ScheduleAssessmentRequest, cmd: Cmd
) -> Response:
    result = await cmd.handle(plan_id, body, body.command())
    return cmd.answer(result)


@router.post(
    "/plans/{plan_id}/scores",
    status_code=201,
    response_model=ScoreRecordedResponse,
    responses=PLAN_COMMAND,
    summary="Record a score",
)
async def record_score(plan_id: PlanIdText, body: RecordScoreRequest, cmd: Cmd) -> Response:
    # The plan id without a dependency of its own (the busiest command; see get_plan).
    result = await cmd.handle(plan_id_of(plan_id), body, body.command())
    # Derived from the (validated, recorded) body, so a replay answers the same.
    instrument = INSTRUMENTS[body.instrument]
    screen = safety_screen(instrument.code, body.item_scores)
    score_id = result.result.get("score_id", "")
    return cmd.answer(
        result,
        201,
        severity=instrument.severity(body.score),
        safety_flag=safety_flag(instrument.code, body.item_scores),
        safety_screen=screen,
        flag_id=flag_id_for(score_id) if screen == POSITIVE else None,
    )


@router.get(
    "/plans/{plan_id}/scores",
    response_model=ScoreSeries,
    responses=PLAN_QUERY,
    summary="Score series per instrument and progress per goal",
)
def get_scores(
    plan_id: PlanId, svc: Svc, principal: PlanReader, min_position: MinPosition = None
) -> ScoreSeries:
    wait_for_position(svc, min_position, "scores")
    ensure_visible(svc, plan_id, principal.clinic)
    return ScoreSeries.model_validate(svc.read_models.scores(plan_id))
