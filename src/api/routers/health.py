"""Liveness and readiness (no authentication).

Without a valid token `/ready` says only whether the service is ready; the
read models' positions and lag (counts across every clinic) are for callers
with a valid token.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.deps import Svc
from api.problem_details import DATABASE_ERRORS, ProblemError, problem_responses, unavailable
from api.schemas.views import Health, Readiness

router = APIRouter(tags=["health"])
NOT_READY: tuple[type[BaseException], ...] = (*DATABASE_ERRORS, ProblemError)


@router.get("/health", response_model=Health, summary="Liveness")
async def get_health() -> Health:
    return Health(status="ok")


@router.get(
    "/ready",
    response_model=Readiness,
    responses=problem_responses(503),
    summary="Readiness: the database answers; with a valid token, each read model's "
    "position and lag",
)
def get_readiness(svc: Svc, request: Request) -> Any:
    detailed = has_valid_token(request)
    try:
        svc.breaker.check()
        svc.access_log.ping()
        read_models = svc.read_models.status() if detailed else None
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
        body: dict[str, Any] = {
            "type": "urn:plans:problem:rebuilding",
            "title": "Read models are being rebuilt",
            "status": 503,
            "detail": "a new release changed read models; they are rebuilt before serving",
        }
        if detailed:
            body["rebuilding"] = rebuilding
        return JSONResponse(
            body, status_code=503, headers={"Retry-After": "5"},
            media_type="application/problem+json",
        )  # fmt: skip
    if read_models is None:
        return JSONResponse({"status": "ready"})
    return Readiness(status="ready", database="ok", read_models=read_models)


def has_valid_token(request: Request) -> bool:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    try:
        request.app.state.verifier.decode(token.strip())
    except ProblemError:
        return False
    return True
