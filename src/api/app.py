"""The FastAPI application factory: `create_app(settings)`.

The lifespan builds the services (`api.composition.build_services`: schema,
plans application, read models, access log, breaker) and, unless told not
to, starts the projection workers in this process; shutdown stops and
closes them in reverse order.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import problem_details
from api.composition import build_services, start_projection_workers
from api.limits import BodyLimitMiddleware
from api.routers import (
    access_log,
    audit,
    goals,
    health,
    interventions,
    plans,
    policy,
    queries,
    reviews,
    scores,
    signatures,
)
from api.routers import problems as problems_router
from api.settings import Settings

DESCRIPTION = """
Event-sourced treatment plans for mental-health clinics: every change is an
attributed, immutable event; plans can be read as of any version or instant;
every read and change is written to an access log.

Authenticate with `Authorization: Bearer <JWT>` (HS256; claims `sub`, `role`,
`clinic`, `exp`). Errors are RFC 9457 problems (`application/problem+json`).
Commands accept `If-Match: "<version>"` and `Idempotency-Key`, and answer with
the plan's new `version` (also the `ETag`) and the event's `position`, which
read-model queries accept as `min_position` to read their own writes.
"""

ROUTERS = (
    plans.router,
    problems_router.router,
    goals.router,
    interventions.router,
    scores.router,
    reviews.router,
    signatures.router,
    policy.router,
    queries.router,
    audit.router,
    access_log.router,
    health.router,
)


def create_app(settings: Settings, *, projections: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = build_services(settings)
        workers = None
        try:
            if projections:
                workers = start_projection_workers(services)
            app.state.services = services
            yield
        finally:
            if workers is not None:
                workers.stop()
            services.close()

    app = FastAPI(
        title="Treatment plans",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.jwt_secret = settings.secret()
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes)
    problem_details.install(app)
    return app
