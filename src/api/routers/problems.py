"""Problems and diagnoses: why the client is in treatment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Response

from api.deps import Cmd, PlanId
from api.routers.problem_sets import PLAN_COMMAND
from api.routing import AuditedRoute
from api.schemas.commands import (
    AddDiagnosisRequest,
    AddProblemRequest,
    DiagnosisAddedResponse,
    ProblemAddedResponse,
    RemoveDiagnosisRequest,
    ResolveProblemRequest,
)
from api.schemas.common import MAX_CODE, MAX_ID, CommandAck

router = APIRouter(route_class=AuditedRoute, tags=["problems and diagnoses"])
ProblemId = Annotated[str, Path(max_length=MAX_ID)]
DiagnosisCode = Annotated[str, Path(max_length=MAX_CODE, examples=["F41.1"])]


@router.post(
    "/plans/{plan_id}/problems",
    status_code=201,
    response_model=ProblemAddedResponse,
    responses=PLAN_COMMAND,
    summary="Add a problem",
)
async def add_problem(plan_id: PlanId, body: AddProblemRequest, cmd: Cmd) -> Response:
    result = await cmd.handle(plan_id, body, body.command())
    return cmd.answer(result, 201)


@router.post(
    "/plans/{plan_id}/problems/{problem_id}/resolve",
    response_model=CommandAck,
    responses=PLAN_COMMAND,
    summary="Resolve a problem",
)
async def resolve_problem(
    plan_id: PlanId,
    problem_id: ProblemId,
    cmd: Cmd,
    body: Annotated[ResolveProblemRequest | None, Body()] = None,
) -> Response:
    body = body or ResolveProblemRequest()
    result = await cmd.handle(plan_id, body, body.command(problem_id))
    return cmd.answer(result)


@router.post(
    "/plans/{plan_id}/diagnoses",
    status_code=201,
    response_model=DiagnosisAddedResponse,
    responses=PLAN_COMMAND,
    summary="Add a diagnosis (ICD-10-CM)",
)
async def add_diagnosis(plan_id: PlanId, body: AddDiagnosisRequest, cmd: Cmd) -> Response:
    result = await cmd.handle(plan_id, body, body.command())
    return cmd.answer(result, 201, code=body.code)


@router.delete(
    "/plans/{plan_id}/diagnoses/{code}",
    response_model=CommandAck,
    responses=PLAN_COMMAND,
    summary="Remove a diagnosis (the reason is required)",
)
async def remove_diagnosis(
    plan_id: PlanId, code: DiagnosisCode, body: RemoveDiagnosisRequest, cmd: Cmd
) -> Response:
    result = await cmd.handle(plan_id, body, body.command(code))
    return cmd.answer(result)
