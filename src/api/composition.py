"""The composition root: everything the service runs on, built from settings.

`build_services(settings)` creates the schema (once, under the schema lock),
opens the plans application, the read models, the access log and the outage
breaker, all on the application's database; `Services.close` closes them.
The app's lifespan, the CLI and the tests build through here.

The event recorder is chosen here too, by import, one class per backend;
the domain only knows the `PlanEventStore` interface they implement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eventsourcing.utils import get_topic

from api.access_log import AccessLog
from api.runtime import init_schema, open_application
from api.settings import Settings
from domain.application import PlansApplication
from domain.store import PlanEventStore, StoreMisconfiguredError
from eventstore.recorders import ChainedPostgresRecorder, ChainedSQLiteRecorder, datastore_of
from projections.readmodels import ReadModels
from projections.runner import ProjectionWorkers

if TYPE_CHECKING:
    from api.deps import Services

RECORDERS: dict[str, type[PlanEventStore]] = {
    "sqlite": ChainedSQLiteRecorder,
    "postgres": ChainedPostgresRecorder,
}


def recorder_topic(backend: str) -> str:
    """The library's APPLICATION_RECORDER_TOPIC for the backend's recorder class."""
    return get_topic(RECORDERS[backend])


def build_application(settings: Settings, *, check_readable: bool = True) -> PlansApplication:
    """The schema (idempotently), then the plans application on it."""
    init_schema(settings)
    return open_application(settings, check_readable=check_readable)


def build_services(settings: Settings) -> Services:
    """Schema, application, read models, access log and breaker for `settings`."""
    # Imported here: operator commands reach `recorder_topic` (through the settings)
    # and must not load the HTTP stack (FastAPI) they never use.
    from api.deps import Services
    from api.outage import DatabaseBreaker

    plans = build_application(settings)
    read_models: ReadModels | None = None
    try:
        datastore = datastore_of(plans.store)
        if datastore is None:
            raise StoreMisconfiguredError("the service needs a database-backed event store")
        breaker = DatabaseBreaker.for_settings(settings)
        breaker.guard(datastore)
        read_models = ReadModels(settings.library_env(create_table=False), plans)
        breaker.renew_pool_of(read_models.store.datastore)
        access_log = AccessLog(datastore, settings.backend, settings.postgres_params().get("path"))
        # The event loop's own connections are renewed with the pools after an outage.
        loop_connections: tuple[Any, ...] = getattr(plans.store, "loop_connections", tuple)()
        breaker.renew_connections(*loop_connections, access_log.loop_connection)
        if access_log.loop_connection is not None:
            # A command's entry commits with its events (`AccessLog.ride`).
            plans.companion = access_log
        return Services(
            settings=settings,
            plans=plans,
            read_models=read_models,
            access_log=access_log,
            breaker=breaker,
        )
    except BaseException:
        if read_models is not None:
            read_models.close()
        plans.close()
        raise


def start_projection_workers(services: Services) -> ProjectionWorkers:
    """The projection workers in this process, started (stop them before closing)."""
    workers = ProjectionWorkers(services.settings.library_env(create_table=False), services.plans)
    workers.start()
    if workers.store is not None:
        services.breaker.renew_pool_of(workers.store.datastore)
    return workers
