"""Reading the access log: auditors (and supervisors) of the clinic."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from api.auth import LogReader
from api.deps import DayOrInstant, Svc, parse_bound
from api.routers.problem_sets import CLINIC_QUERY
from api.routing import AuditedRoute
from api.schemas.views import AccessLogPage

router = APIRouter(route_class=AuditedRoute, tags=["access log"])


@router.get(
    "/access-log",
    response_model=AccessLogPage,
    responses=CLINIC_QUERY,
    summary="Who read or changed the clinic's plans, oldest first",
)
def list_access_log(
    svc: Svc,
    principal: LogReader,
    plan_id: UUID | None = None,
    from_: Annotated[DayOrInstant, Query(alias="from")] = None,
    to: DayOrInstant = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> AccessLogPage:
    items, next_cursor = svc.access_log.entries(
        principal.clinic,
        str(plan_id) if plan_id else None,
        parse_bound(from_, "from", end=False),
        parse_bound(to, "to", end=True),
        limit,
        after,
    )
    return AccessLogPage.model_validate({"items": items, "next": next_cursor})
