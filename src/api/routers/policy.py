"""The clinic's review policy: read by every role, set by supervisors."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.auth import AnyRole
from api.deps import PolicyCmd, Svc, etag
from api.openapi import headers
from api.problem_details import problem_responses
from api.routers.problem_sets import CLINIC_COMMAND
from api.routing import AuditedRoute
from api.schemas.commands import PolicySetResponse, SetPolicyRequest
from api.schemas.views import PolicyView

router = APIRouter(route_class=AuditedRoute, tags=["policy"])


@router.get(
    "/policy",
    response_model=PolicyView,
    responses={200: headers("ETag"), **problem_responses(401, 403, 503)},
    summary="The clinic's review policy",
)
def get_policy(svc: Svc, principal: AnyRole, response: Response) -> PolicyView:
    terms, version = svc.plans.review_policy(principal.clinic)
    response.headers["ETag"] = etag(version)
    return PolicyView.model_validate(
        {
            "clinic": principal.clinic,
            "review_interval_days": terms.review_interval_days,
            "due_soon_days": terms.due_soon_days,
            "required_signers": list(terms.required_signers),
            "initial_plan_days": terms.initial_plan_days,
            "version": version,
        }
    )


@router.put(
    "/policy",
    response_model=PolicySetResponse,
    responses=CLINIC_COMMAND,
    summary="Set the clinic's review policy (supervisors)",
)
def set_policy(body: SetPolicyRequest, cmd: PolicyCmd) -> Response:
    clinic = cmd.principal.clinic
    result = cmd.plans.set_review_policy(cmd.by(body), body.command(), cmd.expected_version)
    return cmd.answer(result, of_plan=False, clinic=clinic)
