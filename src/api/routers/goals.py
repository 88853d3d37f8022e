"""Goals and their objectives: what the treatment aims at, and how it is measured."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from api.deps import Cmd, PlanId
from api.routers.problem_sets import PLAN_COMMAND
from api.routing import AuditedRoute
from api.schemas.commands import (
    AddGoalRequest,
    AddObjectiveRequest,
    ChangeGoalStatusRequest,
    GoalAddedResponse,
    ObjectiveAddedResponse,
    ReviseGoalRequest,
)
from api.schemas.common import MAX_ID, CommandAck

router = APIRouter(route_class=AuditedRoute, tags=["goals"])
GoalId = Annotated[str, Path(max_length=MAX_ID)]


@router.post(
    "/plans/{plan_id}/goals",
    status_code=201,
    response_model=GoalAddedResponse,
    responses=PLAN_COMMAND,
    summary="Add a goal",
)
async def add_goal(plan_id: PlanId, body: AddGoalRequest, cmd: Cmd) -> Response:
    result = await cmd.handle(plan_id, body, body.command())
    return cmd.answer(result, 201)


@router.patch(
    "/plans/{plan_id}/goals/{goal_id}",
    response_model=CommandAck,
    responses=PLAN_COMMAND,
    summary="Revise a goal (statement, measure, target date)",
)
async def revise_goal(
    plan_id: PlanId, goal_id: GoalId, body: ReviseGoalRequest, cmd: Cmd
) -> Response:
    result = await cmd.handle(plan_id, body, body.command(goal_id))
    return cmd.answer(result)


@router.post(
    "/plans/{plan_id}/goals/{goal_id}/status",
    response_model=CommandAck,
    responses=PLAN_COMMAND,
    summary="Change a goal's status",
)
async def change_goal_status(
    plan_id: PlanId, goal_id: GoalId, body: ChangeGoalStatusRequest, cmd: Cmd
) -> Response:
    result = await cmd.handle(plan_id, body, body.command(goal_id))
    return cmd.answer(result)


@router.post(
    "/plans/{plan_id}/goals/{goal_id}/objectives",
    status_code=201,
    response_model=ObjectiveAddedResponse,
    responses=PLAN_COMMAND,
    summary="Add an objective to a goal",
)
async def add_objective(
    plan_id: PlanId, goal_id: GoalId, body: AddObjectiveRequest, cmd: Cmd
) -> Response:
    result = await cmd.handle(plan_id, body, body.command(goal_id))
    return cmd.answer(result, 201)
