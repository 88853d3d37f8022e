"""A plan as a FHIR R4 Bundle (current, as of a version or an instant)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.auth import PlanReader
from api.deps import Instant, PlanId, Svc, etag, parse_instant, refuse_both
from api.routers.problem_sets import PLAN_QUERY
from api.routing import AuditedRoute
from interop.export import HistoryCache, bundle_bytes
from interop.fhir_json import ResourceCache

router = APIRouter(route_class=AuditedRoute, tags=["fhir"])
FHIR_JSON = "application/fhir+json"
# Resources are cached by a digest of everything they are built from (see
# interop.fhir_json), so one cache serves every clinic without mixing them.
RESOURCES = ResourceCache()


def histories(request: Request) -> HistoryCache:
    """This app's cache of decoded plan histories (one per event store)."""
    state = request.app.state
    cache = getattr(state, "fhir_histories", None)
    if cache is None or cache.app is not state.services.plans:
        cache = state.fhir_histories = HistoryCache(state.services.plans)
    return cache


@router.get(
    "/plans/{plan_id}/fhir",
    responses={
        200: {
            "description": "a FHIR R4 Bundle (type collection): CarePlan, Condition, Goal, "
            "Observation, Flag and Provenance resources",
            "content": {FHIR_JSON: {"schema": {"type": "object"}}},
        },
        **PLAN_QUERY,
    },
    response_class=Response,
    summary="The plan as a FHIR R4 Bundle (current, or as of a version or an instant)",
)
def get_plan_fhir(
    plan_id: PlanId,
    svc: Svc,
    principal: PlanReader,
    request: Request,
    version: Annotated[int | None, Query(ge=1, le=2**31)] = None,
    as_of: Instant = None,  # type: ignore[assignment]
) -> Response:
    refuse_both(version=version, as_of=as_of)
    instant = parse_instant(as_of, "as_of") if as_of is not None else None
    base = f"{str(request.base_url).rstrip('/')}/fhir"
    read_version, body = bundle_bytes(
        svc.plans, plan_id, principal.clinic, version, instant, base, RESOURCES, histories(request)
    )
    return Response(
        body,
        media_type=FHIR_JSON,
        headers={"ETag": etag(read_version), "Cache-Control": "no-store"},
    )
