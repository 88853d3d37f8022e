"""Reviews and the review interval: when the plan is looked at again."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import Cmd, PlanId
from api.routers.problem_sets import PLAN_COMMAND
from api.routing import AuditedRoute
from api.schemas.commands import ChangeReviewIntervalRequest, ReviewPlanRequest
from api.schemas.common import CommandAck

router = APIRouter(route_class=AuditedRoute, tags=["reviews"])


@router.post(
    "/plans/{plan_id}/reviews",
    status_code=201,
    response_model=CommandAck,
    responses=PLAN_COMMAND,
    summary="Record a plan review",
)
async def review_plan(plan_id: PlanId, body: ReviewPlanRequest, cmd: Cmd) -> Response:
    result = await cmd.handle(plan_id, body, body.command())
    return cmd.answer(result, 201)


@router.put(
    "/plans/{plan_id}/review-interval",
    response_model=CommandAck,
    responses=PLAN_COMMAND,
    summary="Give the plan its own review interval",
)
async def change_review_interval(
    plan_id: PlanId, body: ChangeReviewIntervalRequest, cmd: Cmd
) -> Response:
    result = await cmd.handle(plan_id, body, body.command())
    return cmd.answer(result)
