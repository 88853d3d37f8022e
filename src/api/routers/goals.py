"""Goals and their objectives: what the treatment aims at, and how it is measured."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from api.deps import Cmd, PlanId
from api.problem_details import problem_responses
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
PROBLEMS = problem_responses(401, 403, 404, 409, 412, 413, 422, 503)
GoalId = Annotated[str, Path(max_length=MAX_ID)]


@router.post(
    "/plans/{plan_id}/goals",
    status_code=201,
    response_model=GoalAddedResponse,
    responses=PROBLEMS,
    summary="Add a goal",
)
def add_goal(plan_id: PlanId, body: AddGoalRequest, cmd: Cmd) -> Response:
    result = cmd.handle(plan_id, body, body.command())
    return cmd.answer(result, 201)


@router.patch(
    "/plans/{plan_id}/goals/{goal_id}",
    response_model=CommandAck,
    responses=PROBLEMS,
    summary="Revise a goal (statement, measure, target date)",
)
def revise_goal(plan_id: PlanId, goal_id: GoalId, body: ReviseGoalRequest, cmd: Cmd) -> Response:
    result = cmd.handle(plan_id, body, body.command(goal_id))
    return cmd.answer(result)


@router.post(
    "/plans/{plan_id}/goals/{goal_id}/status",
    response_model=CommandAck,
    responses=PROBLEMS,
    summary="Change a goal's status",
)
def change_goal_status(
    plan_id: PlanId, goal_id: GoalId, body: ChangeGoalStatusRequest, cmd: Cmd
) -> Response:
    result = cmd.handle(plan_id, body, body.command(goal_id))
    return cmd.answer(result)


@router.post(
    "/plans/{plan_id}/goals/{goal_id}/objectives",
    status_code=201,
    response_model=ObjectiveAddedResponse,
    responses=PROBLEMS,
    summary="Add an objective to a goal",
)
def add_objective(
    plan_id: PlanId, goal_id: GoalId, body: AddObjectiveRequest, cmd: Cmd
) -> Response:
    result = cmd.handle(plan_id, body, body.command(goal_id))
    return cmd.answer(result, 201)
