"""The FastAPI application factory: `create_app(settings)`.

The lifespan creates the schema (once, under the schema lock), opens the
plans application, the read models and the access log, and (unless told
not to) starts the projection workers in this process; shutdown closes them
in reverse order.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from api import access_log as access_log_module
from api import problems
from api.deps import Services
from api.limits import BodyLimitMiddleware
from api.outage import DatabaseBreaker
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
from api.routers import analytics as analytics_router
from api.routers import problems as problems_router
from api.runtime import init_schema, open_application
from api.settings import Settings
from projections.readmodels import ReadModels
from projections.runner import ProjectionWorkers

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

ROUTERS: tuple[APIRouter, ...] = (
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
ROUTERS = (*ROUTERS, analytics_router.router)


def create_app(settings: Settings, *, projections: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        init_schema(settings)
        plans_app = open_application(settings)
        env = settings.library_env(create_table=False)
        read_models = workers = None
        try:
            breaker = DatabaseBreaker.for_settings(settings)
            breaker.guard(plans_app.recorder.datastore)  # type: ignore[attr-defined]
            read_models = ReadModels(env, plans_app)
            if projections:
                workers = ProjectionWorkers(env, plans_app)
                workers.start()
            app.state.services = Services(
                settings=settings,
                plans=plans_app,
                read_models=read_models,
                access_log=access_log_module.AccessLog(
                    plans_app.recorder.datastore,  # type: ignore[attr-defined]
                    settings.backend,
                ),
                breaker=breaker,
            )
            yield
        finally:
            if workers is not None:
                workers.stop()
            if read_models is not None:
                read_models.close()
            plans_app.close()

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
    problems.install(app)
    return app
