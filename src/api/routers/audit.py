"""A plan's history: timeline (and its JSON Lines export), diffs, chain verification."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

import orjson
from fastapi import APIRouter, Query, Response

from api.auth import PlanReader
from api.deps import (
    NO_PLAN,
    MinPosition,
    PlanId,
    Services,
    Svc,
    ensure_visible,
    invalid,
    wait_for_position,
)
from api.routers.problem_sets import PLAN_QUERY
from api.routing import AuditedRoute
from api.schemas.views import PlanDiff, Timeline, Verification
from domain import errors
from eventstore import history

router = APIRouter(route_class=AuditedRoute, tags=["audit"])
NDJSON = "application/x-ndjson"
Version = Annotated[int, Query(ge=0, le=2**31)]


@router.get(
    "/plans/{plan_id}/timeline",
    response_model=Timeline,
    responses=PLAN_QUERY,
    summary="The plan's history, one item per event",
)
def get_timeline(
    plan_id: PlanId,
    svc: Svc,
    principal: PlanReader,
    after_version: Annotated[int | None, Query(ge=0, le=2**31)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    # Kept for clients written before `/timeline/export`; not in the document.
    format: Annotated[Literal["json", "jsonl"], Query(include_in_schema=False)] = "json",
    min_position: MinPosition = None,
) -> Response | Timeline:
    if format == "jsonl":
        return export(svc, plan_id, principal.clinic)
    wait_for_position(svc, min_position, "plan_timeline")
    ensure_visible(svc, plan_id, principal.clinic)
    items = svc.read_models.timeline(plan_id, after_version=after_version, limit=limit)
    return Timeline.model_validate({"items": items})


@router.get(
    "/plans/{plan_id}/timeline/export",
    response_class=Response,
    responses={
        200: {
            "description": "every event, oldest first, one JSON object per line, with the "
            "hash chain (`hash`, `prev_hash`, `state_b64`) an auditor can recompute",
            "content": {
                NDJSON: {
                    "schema": {"type": "string", "format": "binary"},
                    "example": '{"version":1,"type":"PlanCreated","hash":"…"}\n',
                }
            },
        },
        **PLAN_QUERY,
    },
    summary="Export the plan's history as JSON Lines, with chain hashes",
)
def export_timeline(plan_id: PlanId, svc: Svc, principal: PlanReader) -> Response:
    return export(svc, plan_id, principal.clinic)


def export(svc: Services, plan_id: UUID, clinic: str) -> Response:
    # The export reads the event store itself: always complete and current.
    svc.plans.get_plan(plan_id, clinic)
    lines = b"".join(
        orjson.dumps(item) + b"\n" for item in history.timeline_export(svc.plans, plan_id)
    )
    return Response(lines, media_type=NDJSON)


@router.get(
    "/plans/{plan_id}/diff",
    response_model=PlanDiff,
    responses=PLAN_QUERY,
    summary="What changed between two versions",
)
def get_diff(
    plan_id: PlanId,
    svc: Svc,
    principal: PlanReader,
    from_version: Version,
    to_version: Annotated[
        int | None, Query(ge=0, le=2**31, description="default: the current version")
    ] = None,
) -> PlanDiff:
    if plan_id == NO_PLAN:
        raise errors.PlanNotFoundError(f"plan {plan_id} not found")
    if to_version is not None and from_version > to_version:
        raise invalid("from_version", "must not be after to_version")
    if to_version is None:
        to_version = svc.plans.get_plan(plan_id, principal.clinic).version
        if from_version > to_version:
            raise errors.VersionNotFoundError(
                f"plan {plan_id} has no version {from_version}", "from_version"
            )
    result = history.diff_plans(svc.plans, plan_id, principal.clinic, from_version, to_version)
    return PlanDiff.model_validate(result)


@router.get(
    "/plans/{plan_id}/verify",
    response_model=Verification,
    responses=PLAN_QUERY,
    summary="Recompute the plan's hash chain from the stored events",
)
def verify_plan(plan_id: PlanId, svc: Svc, principal: PlanReader) -> Verification:
    try:
        svc.plans.get_plan(plan_id, principal.clinic)
    except errors.PlanErasedError:
        pass  # the chain covers the stored bytes: an erased plan still verifies
    return Verification.model_validate(history.verify_plan(svc.plans, plan_id))
