"""Review compliance: caseload transfer, activation under a relaxed policy, the figures."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from api.auth import AUDITOR, SUPERVISOR, Allow, Principal
from api.deps import Cmd, MinPosition, PlanId, PolicyCmd, Svc, wait_for_position
from api.routers.problem_sets import CLINIC_QUERY, PLAN_COMMAND
from api.routing import AuditedRoute
from api.schemas.common import CommandAck, IsoDate
from api.schemas.compliance import ActivatePlanRequest, AssignClinicianRequest, Compliance
from eventstore.utc import utc_today

router = APIRouter(route_class=AuditedRoute, tags=["compliance"])
COMPLIANCE_READERS = Allow(SUPERVISOR, AUDITOR)
ComplianceReader = Annotated[Principal, Depends(COMPLIANCE_READERS)]


@router.put(
    "/plans/{plan_id}/clinician",
    response_model=CommandAck,
    responses=PLAN_COMMAND,
    summary="Transfer the plan to another clinician (supervisors)",
)
async def assign_clinician(
    plan_id: PlanId, body: AssignClinicianRequest, cmd: PolicyCmd
) -> Response:
    result = await cmd.handle(plan_id, body, body.command())
    return cmd.answer(result)


@router.post(
    "/plans/{plan_id}/activate",
    response_model=CommandAck,
    responses=PLAN_COMMAND,
    summary="Activate a draft whose signatures meet the clinic's current policy",
)
async def activate_plan(plan_id: PlanId, body: ActivatePlanRequest, cmd: Cmd) -> Response:
    result = await cmd.handle(plan_id, body, body.command())
    return cmd.answer(result)


@router.get(
    "/compliance",
    response_model=Compliance,
    responses=CLINIC_QUERY,
    summary="Review compliance figures of the clinic, in total and per clinician",
)
def get_compliance(
    svc: Svc,
    principal: ComplianceReader,
    as_of: Annotated[IsoDate | None, Query(description="default: today (UTC)")] = None,
    min_position: MinPosition = None,
) -> Compliance:
    wait_for_position(svc, min_position, "compliance")
    day = as_of or utc_today()
    policy = svc.plans.policy_for(principal.clinic)
    figures = svc.read_models.compliance(principal.clinic, day, policy.initial_plan_days)
    return Compliance.model_validate(figures)
