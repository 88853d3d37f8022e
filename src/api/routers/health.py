"""Liveness and readiness (no authentication)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import Svc
from api.problem_details import DATABASE_ERRORS, ProblemError, problem_responses, unavailable
from api.schemas.views import Health, Readiness

router = APIRouter(tags=["health"])
NOT_READY: tuple[type[BaseException], ...] = (*DATABASE_ERRORS, ProblemError)


@router.get("/health", response_model=Health, summary="Liveness")
def get_health() -> Health:
    return Health(status="ok")


@router.get(
    "/ready",
    response_model=Readiness,
    responses=problem_responses(503),
    summary="Readiness: the database answers; each read model's position and lag",
)
def get_readiness(svc: Svc) -> Any:
    try:
        svc.breaker.check()
        svc.access_log.ping()
        read_models = svc.read_models.status()
    except NOT_READY as exc:
        svc.breaker.failed(exc)
        problem = unavailable("the database is unreachable")
        return JSONResponse(
            {
                "type": f"urn:plans:problem:{problem.slug}",
                "title": problem.title,
                "status": 503,
                "detail": problem.detail,
                "database": "unreachable",
            },
            status_code=503,
            headers=problem.headers,
            media_type="application/problem+json",
        )
    rebuilding = svc.upgrade.running if svc.upgrade is not None else []
    if rebuilding:
        return JSONResponse(
            {
                "type": "urn:plans:problem:rebuilding",
                "title": "Read models are being rebuilt",
                "status": 503,
                "detail": "a new release changed these read models; they are rebuilt "
                f"from the event store before serving: {', '.join(rebuilding)}",
                "database": "ok",
                "rebuilding": rebuilding,
            },
            status_code=503,
            headers={"Retry-After": "5"},
            media_type="application/problem+json",
        )
    return Readiness(status="ready", database="ok", read_models=read_models)
