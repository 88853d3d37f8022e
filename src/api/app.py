"""The FastAPI application factory: `create_app(settings)`.

The lifespan builds the services (`api.composition.build_services`: schema,
plans application, read models, access log, breaker) and, unless told not
to, starts the projection workers in this process; shutdown stops and
closes them in reverse order.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from api import openapi, problem_details
from api.auth import Verifier
from api.composition import build_services, start_projection_workers
from api.deps import Services
from api.edge import EdgeMiddleware
from api.fast_path import Shortcut
from api.observability import Metrics, ServiceCollector, pool_stats
from api.routers import (
    access_log,
    audit,
    compliance,
    fhir,
    goals,
    health,
    interventions,
    metrics,
    plans,
    policy,
    queries,
    reviews,
    safety,
    scores,
    signatures,
)
from api.routers import analytics as analytics_router
from api.routers import problems as problems_router
from api.routers.erasures import router as erasures_router
from api.settings import Settings
from console import install as install_console
from eventstore.recorders import datastore_of
from projections.migrations import UpgradeRebuild, stale_read_models

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
    metrics.router,
    erasures_router,
    fhir.router,
    compliance.router,
    safety.router,
)
ROUTERS = (*ROUTERS, analytics_router.router)
# The order requests are matched in: the busiest routes first (FastAPI tries
# every route of every router before them, on every request). No two routes
# match one path and method, so the order changes nothing else; the document
# keeps the order above.
MATCH_ORDER: tuple[APIRouter, ...] = (
    plans.router,
    scores.router,
    *(r for r in ROUTERS if r not in (plans.router, scores.router)),
)


def create_app(settings: Settings, *, projections: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = build_services(settings)
        workers = None
        try:
            if projections:
                workers = start_projection_workers(services)
            # A release that changed a read model's definition rebuilds it beside
            # the live one; /ready is 503 until the switch.
            services.upgrade = UpgradeRebuild(
                services.settings.library_env(create_table=False),
                services.plans,
                stale_read_models(services.read_models.store),
            ).start()
            app.state.metrics.watch(service_collector(services))
            app.state.services = services
            yield
        finally:
            try:  # what is queued is written before anything stops
                await services.access_log.aclose()
            finally:
                services.access_log.close()
                if workers is not None:
                    workers.stop()
                try:
                    await services.plans.store.aclose()
                finally:
                    services.close()

    app = FastAPI(
        title="Treatment plans",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=openapi.operation_id,
        # The service's own metrics and request log are api.observability's; FastAPI's
        # OpenTelemetry layer would only look up unconfigured providers on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.openapi = lambda: openapi.document(app)  # type: ignore[method-assign]
    settings.secure_files()
    app.state.jwt_secret = settings.secret()
    app.state.metrics = Metrics()
    app.state.verifier = Verifier.for_settings(settings)
    app.state.position_waiters = [0]  # queries waiting for min_position now
    for router in MATCH_ORDER:
        app.include_router(router)
    # The routes as declared (for logging requests refused before routing, e.g. 413).
    app.state.audited_routes = [route for router in ROUTERS for route in router.routes]
    problem_details.install(app)
    install_console(app)
    # One layer for every answer: request id, no-store, body limit, catch-all, metrics.
    app.add_middleware(
        EdgeMiddleware,
        metrics=app.state.metrics,
        max_body_bytes=settings.max_body_bytes,
        shortcut=Shortcut(lambda: app.state.audited_routes, problem_details.handle),
    )
    return app


def service_collector(services: Services) -> ServiceCollector:
    """/metrics gauges read from the running services at scrape time."""
    pools = {
        "events": getattr(datastore_of(services.plans.store), "pool", None),
        "read_models": getattr(services.read_models.store.datastore, "pool", None),
    }
    return ServiceCollector(
        read_status=services.read_models.status,
        pools=lambda: pool_stats({k: v for k, v in pools.items() if v is not None}),
        breaker_open=lambda: services.breaker.down_since is not None,
        batches=services.plans.group_commit_stats,
    )
