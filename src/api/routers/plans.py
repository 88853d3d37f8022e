"""Plans: create, list, read (current, as of a version or an instant), close."""

from __future__ import annotations

from collections import OrderedDict
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.auth import PlanReader
from api.deps import (
    Cmd,
    CreateCmd,
    Instant,
    MinPosition,
    PlanId,
    PlanIdText,
    Services,
    Svc,
    etag,
    parse_instant,
    plan_id_of,
    refuse_both,
    wait_for_position,
)
from api.openapi import headers
from api.routers.problem_sets import CLINIC_COMMAND, CLINIC_QUERY, PLAN_COMMAND, PLAN_QUERY
from api.routing import AuditedRoute
from api.schemas.commands import ClosePlanRequest, CreatePlanRequest, PlanCreatedResponse
from api.schemas.common import CommandAck, Ident
from api.schemas.enums import PlanStatus
from api.schemas.views import PlanPage, PlanView
from domain.documents import plan_document
from domain.plan import Plan

router = APIRouter(route_class=AuditedRoute, tags=["plans"])


@router.post(
    "/plans",
    status_code=201,
    response_model=PlanCreatedResponse,
    responses=CLINIC_COMMAND,
    summary="Create a plan",
)
def create_plan(body: CreatePlanRequest, cmd: CreateCmd) -> Response:
    result = cmd.plans.create_plan(cmd.by(body), body.command())
    return cmd.answer(result, 201, id=str(result.plan_id))


@router.get(
    "/plans",
    response_model=PlanPage,
    responses=CLINIC_QUERY,
    summary="List the clinic's plans",
)
def list_plans(
    svc: Svc,
    principal: PlanReader,
    status: PlanStatus | None = None,
    clinician: Ident | None = None,
    client_id: Ident | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    after: Annotated[str | None, Query(max_length=500, pattern=r"^[\x21-\x7e]+$")] = None,
    min_position: MinPosition = None,
) -> PlanPage:
    wait_for_position(svc, min_position, "plans")
    items, next_cursor = svc.read_models.list_plans(
        principal.clinic, status and status.value, clinician, client_id, limit, after
    )
    return PlanPage.model_validate({"items": items, "next": next_cursor})


@router.get(
    "/plans/{plan_id}",
    response_model=PlanView,
    responses={200: headers("ETag"), **PLAN_QUERY},
    summary="Read a plan (current, or as of a version or an instant)",
)
async def get_plan(
    request: Request,
    # The busiest read takes its plan id and services without a dependency each
    # (FastAPI solves every dependency on every request); same parameters, same
    # document, same answers as PlanId and Svc.
    plan_id: PlanIdText,
    principal: PlanReader,
    version: Annotated[int | None, Query(ge=1, le=2**31)] = None,
    as_of: Instant = None,  # type: ignore[assignment]
) -> Response:
    svc: Services = request.app.state.services
    uid = plan_id_of(plan_id)
    refuse_both(version=version, as_of=as_of)
    instant = parse_instant(as_of, "as_of") if as_of is not None else None
    plan = None
    if version is None and instant is None:  # as last read, if nothing changed since
        plan = await svc.plans.read_current_now(uid, principal.clinic)
    if plan is None:
        plan = await run_in_threadpool(svc.plans.read_plan, uid, principal.clinic, version, instant)
    return Response(rendered(plan), headers={"ETag": etag(plan.version)}, media_type=JSON)


# A plan's document at a version never changes: rendered once, kept for the
# most recently read plans (the event loop's alone: not locked).
_RENDERED: OrderedDict[tuple[UUID, int], bytes] = OrderedDict()
RENDERED_PLANS = 2_000
JSON = "application/json"


def rendered(plan: Plan) -> bytes:
    """The plan's document (PlanView) as JSON."""
    key = (plan.id, plan.version)
    found = _RENDERED.get(key)
    if found is None:
        found = PlanView.model_validate(plan_document(plan)).model_dump_json().encode()
        _RENDERED[key] = found
        if len(_RENDERED) > RENDERED_PLANS:
            _RENDERED.popitem(last=False)
    else:
        _RENDERED.move_to_end(key)
    return found


@router.post(
    "/plans/{plan_id}/close",
    response_model=CommandAck,
    responses=PLAN_COMMAND,
    summary="Close a plan",
)
async def close_plan(plan_id: PlanId, body: ClosePlanRequest, cmd: Cmd) -> Response:
    result = await cmd.handle(plan_id, body, body.command())
    return cmd.answer(result)
