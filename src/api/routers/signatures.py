"""Signatures: client, clinician and supervisor agree to a version of the plan."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import Cmd, PlanId
from api.routers.problem_sets import PLAN_COMMAND
from api.routing import AuditedRoute
from api.schemas.commands import SignPlanRequest
from api.schemas.common import CommandAck

router = APIRouter(route_class=AuditedRoute, tags=["signatures"])


@router.post(
    "/plans/{plan_id}/signatures",
    status_code=201,
    response_model=CommandAck,
    responses=PLAN_COMMAND,
    summary="Sign the plan's current version",
)
async def sign_plan(plan_id: PlanId, body: SignPlanRequest, cmd: Cmd) -> Response:
    result = await cmd.handle(plan_id, body, body.command())
    return cmd.answer(result, 201)
