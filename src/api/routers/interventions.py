"""Interventions and session frequency: how the treatment is delivered."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from api.deps import Cmd, PlanId
from api.routers.problem_sets import PLAN_COMMAND
from api.routing import AuditedRoute
from api.schemas.commands import (
    AddInterventionRequest,
    ChangeFrequencyRequest,
    DiscontinueInterventionRequest,
    InterventionAddedResponse,
)
from api.schemas.common import MAX_ID, CommandAck

router = APIRouter(route_class=AuditedRoute, tags=["interventions"])
InterventionId = Annotated[str, Path(max_length=MAX_ID)]


@router.post(
    "/plans/{plan_id}/interventions",
    status_code=201,
    response_model=InterventionAddedResponse,
    responses=PLAN_COMMAND,
    summary="Add an intervention serving one or more goals",
)
async def add_intervention(plan_id: PlanId, body: AddInterventionRequest, cmd: Cmd) -> Response:
    result = await cmd.handle(plan_id, body, body.command())
    return cmd.answer(result, 201)


@router.post(
    "/plans/{plan_id}/interventions/{intervention_id}/discontinue",
    response_model=CommandAck,
    responses=PLAN_COMMAND,
    summary="Discontinue an intervention",
)
async def discontinue_intervention(
    plan_id: PlanId,
    intervention_id: InterventionId,
    body: DiscontinueInterventionRequest,
    cmd: Cmd,
) -> Response:
    result = await cmd.handle(plan_id, body, body.command(intervention_id))
    return cmd.answer(result)


@router.put(
    "/plans/{plan_id}/frequency",
    response_model=CommandAck,
    responses=PLAN_COMMAND,
    summary="Set how often sessions take place and how long they last",
)
async def change_frequency(plan_id: PlanId, body: ChangeFrequencyRequest, cmd: Cmd) -> Response:
    result = await cmd.handle(plan_id, body, body.command())
    return cmd.answer(result)
