"""Safety and measurement-based care: safety flags, the safety plan, corrections,
and the person-centred parts of a plan (strengths, barriers, discharge criteria)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from api.auth import PlanReader
from api.deps import Cmd, MinPosition, PlanId, Svc, wait_for_position
from api.routers.problem_sets import CLINIC_QUERY, PLAN_COMMAND
from api.routing import AuditedRoute
from api.schemas.commands import (
    AcknowledgeSafetyFlagRequest,
    BarrierRecordedResponse,
    EnterScoreInErrorRequest,
    RecordBarrierRequest,
    RecordStrengthRequest,
    SafetyFlagAcknowledgedResponse,
    ScoreEnteredInErrorResponse,
    SetDischargeCriteriaRequest,
    StrengthRecordedResponse,
    UpdateSafetyPlanRequest,
)
from api.schemas.common import MAX_ID, CommandAck, IsoDate, Name
from api.schemas.enums import SafetyFlagStatus
from api.schemas.views import SafetyFlagList
from eventstore.utc import utc_today

router = APIRouter(route_class=AuditedRoute, tags=["safety and person-centred care"])
ItemId = Annotated[str, Path(max_length=MAX_ID)]


@router.post(
    "/plans/{plan_id}/safety-flags/{flag_id}/acknowledge",
    response_model=SafetyFlagAcknowledgedResponse,
    responses=PLAN_COMMAND,
    summary="Acknowledge a safety flag with the follow-up done",
)
async def acknowledge_safety_flag(
    plan_id: PlanId, flag_id: ItemId, body: AcknowledgeSafetyFlagRequest, cmd: Cmd
) -> Response:
    result = await cmd.handle(plan_id, body, body.command(flag_id))
    return cmd.answer(result, flag_id=flag_id)


@router.get(
    "/safety-flags",
    response_model=SafetyFlagList,
    responses=CLINIC_QUERY,
    summary="The clinic's safety flags: open ones oldest first, with days open",
)
def list_safety_flags(
    svc: Svc,
    principal: PlanReader,
    status: SafetyFlagStatus | None = None,
    clinician: Name | None = None,
    as_of: Annotated[IsoDate | None, Query(description="default: today (UTC)")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    min_position: MinPosition = None,
) -> SafetyFlagList:
    wait_for_position(svc, min_position, "safety_flags")
    day = as_of or utc_today()
    items = svc.read_models.safety_flags(
        principal.clinic, day, status and status.value, clinician, limit
    )
    return SafetyFlagList.model_validate({"as_of": day.isoformat(), "items": items})


@router.put(
    "/plans/{plan_id}/safety-plan",
    response_model=CommandAck,
    responses=PLAN_COMMAND,
    summary="Set the Stanley–Brown safety plan (replaces the previous one)",
)
async def update_safety_plan(plan_id: PlanId, body: UpdateSafetyPlanRequest, cmd: Cmd) -> Response:
    result = await cmd.handle(plan_id, body, body.command())
    return cmd.answer(result)


@router.post(
    "/plans/{plan_id}/scores/{score_id}/entered-in-error",
    response_model=ScoreEnteredInErrorResponse,
    responses=PLAN_COMMAND,
    summary="Mark a score entered in error (it stops counting; the timeline keeps it)",
)
async def enter_score_in_error(
    plan_id: PlanId, score_id: ItemId, body: EnterScoreInErrorRequest, cmd: Cmd
) -> Response:
    result = await cmd.handle(plan_id, body, body.command(score_id))
    return cmd.answer(result, score_id=score_id)


@router.post(
    "/plans/{plan_id}/strengths",
    status_code=201,
    response_model=StrengthRecordedResponse,
    responses=PLAN_COMMAND,
    summary="Record a strength of the client",
)
async def record_strength(plan_id: PlanId, body: RecordStrengthRequest, cmd: Cmd) -> Response:
    result = await cmd.handle(plan_id, body, body.command())
    return cmd.answer(result, 201)


@router.post(
    "/plans/{plan_id}/barriers",
    status_code=201,
    response_model=BarrierRecordedResponse,
    responses=PLAN_COMMAND,
    summary="Record a barrier to treatment",
)
async def record_barrier(plan_id: PlanId, body: RecordBarrierRequest, cmd: Cmd) -> Response:
    result = await cmd.handle(plan_id, body, body.command())
    return cmd.answer(result, 201)


@router.put(
    "/plans/{plan_id}/discharge-criteria",
    response_model=CommandAck,
    responses=PLAN_COMMAND,
    summary="Set the discharge criteria (replaces the previous ones)",
)
async def set_discharge_criteria(
    plan_id: PlanId, body: SetDischargeCriteriaRequest, cmd: Cmd
) -> Response:
    result = await cmd.handle(plan_id, body, body.command())
    return cmd.answer(result)
