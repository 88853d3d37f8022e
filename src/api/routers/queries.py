"""Cross-plan queries of the clinic: the review queue and the revision timeline."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import ANALYST, AnyRole, PlanReader
from api.deps import DayOrInstant, MinPosition, Svc, parse_bound, wait_for_position
from api.pseudonyms import pseudonyms
from api.routers.problem_sets import CLINIC_QUERY
from api.routing import AuditedRoute
from api.schemas.common import Ident, IsoDate
from api.schemas.enums import EventType, StaffRole
from api.schemas.views import AnalystRevisionPage, ReviewQueue, RevisionPage
from eventstore.utc import utc_today

router = APIRouter(route_class=AuditedRoute, tags=["queries"])


@router.get(
    "/review-queue",
    response_model=ReviewQueue,
    responses=CLINIC_QUERY,
    summary="Plans overdue for review, and those due soon",
)
def get_review_queue(
    svc: Svc,
    principal: PlanReader,
    as_of: Annotated[IsoDate | None, Query(description="default: today (UTC)")] = None,
    within_days: Annotated[
        int | None, Query(ge=0, le=365, description="default: the clinic policy's due-soon days")
    ] = None,
    min_position: MinPosition = None,
    clinician: Annotated[Ident | None, Query(description="only this clinician's plans")] = None,
) -> ReviewQueue:
    wait_for_position(svc, min_position, "review_queue")
    day = as_of or utc_today()
    policy = svc.plans.policy_for(principal.clinic)
    window = within_days if within_days is not None else policy.due_soon_days
    queue = svc.read_models.review_queue(
        principal.clinic,
        day,
        window,
        clinician=clinician,
        initial_plan_days=policy.initial_plan_days,
    )
    return ReviewQueue.model_validate({"as_of": day.isoformat(), **queue})


@router.get(
    "/revisions",
    response_model=RevisionPage | AnalystRevisionPage,
    responses=CLINIC_QUERY,
    summary="The clinic's cross-plan revision timeline (de-identified for analysts)",
    description=(
        "Analysts get Safe Harbor items (`subject`, `year`, `plan_day`, allowlisted `data`); "
        "their `from`/`to` count in whole calendar years and their cursors are opaque."
    ),
)
def list_revisions(
    svc: Svc,
    principal: AnyRole,
    from_: Annotated[DayOrInstant, Query(alias="from")] = None,
    to: DayOrInstant = None,
    type: EventType | None = None,
    role: StaffRole | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    after: Annotated[str | None, Query(max_length=500, pattern=r"^[\x21-\x7e]+$")] = None,
    min_position: MinPosition = None,
) -> RevisionPage | AnalystRevisionPage:
    start = parse_bound(from_, "from", end=False)
    end = parse_bound(to, "to", end=True)
    wait_for_position(svc, min_position, "revisions")
    kind, who = type and type.value, role and role.value
    if principal.role == ANALYST:
        items, next_cursor = svc.read_models.analyst_revisions(
            pseudonyms(svc.settings), principal.clinic, start, end, kind, who, limit, after
        )
        return AnalystRevisionPage.model_validate({"items": items, "next": next_cursor})
    items, next_cursor = svc.read_models.revisions(
        principal.clinic, start, end, kind, who, limit, after
    )
    return RevisionPage.model_validate({"items": items, "next": next_cursor})
