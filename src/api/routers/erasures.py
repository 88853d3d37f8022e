"""Erasures (crypto-shredding) of the caller's clinic, for auditors and supervisors."""

from __future__ import annotations

from fastapi import APIRouter

from api import erasure
from api.auth import LogReader
from api.deps import Svc
from api.problem_details import problem_responses
from api.routing import AuditedRoute
from api.schemas.erasures import ErasureList, ErasureView

router = APIRouter(route_class=AuditedRoute, tags=["erasures"])


@router.get(
    "/erasures",
    response_model=ErasureList,
    responses=problem_responses(401, 403, 503),
    summary="Which clients' data was erased, when, by whom and why (oldest first)",
)
def list_erasures(svc: Svc, principal: LogReader) -> ErasureList:
    items = erasure.list_erasures(svc.plans, principal.clinic)
    return ErasureList(items=[ErasureView.model_validate(i) for i in items])
