"""Opening the store: the one-time schema step, then the application itself.

Every table-creating step is named in SCHEMA_STEPS (no registration by
import); `api.composition.build_services` calls these for the app, the CLI
and the tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from api.access_log import create_access_log
from api.settings import Settings
from console.links import create_link_table
from domain.application import PlansApplication
from eventstore.connections import connect
from eventstore.recorders import datastore_of
from eventstore.utc import utc_today
from projections.migrations import prepare_schema
from projections.readmodels import create_read_model_tables
from projections.store import Store, reconnect_promptly

# One key for every schema change this service makes (pg_advisory_lock).
SCHEMA_LOCK_KEY = 0x706C616E73  # "plans"

SchemaStep = Callable[[Settings], None]
# Besides the event store's and the read models' own tables: each step
# creates its tables idempotently.
SCHEMA_STEPS: tuple[SchemaStep, ...] = (create_access_log, create_link_table)


@contextmanager
def schema_lock(settings: Settings) -> Iterator[None]:
    """Serialise schema creation across processes (PostgreSQL advisory lock).

    Parallel CREATE TABLE IF NOT EXISTS fails with "tuple concurrently
    updated"; one process creates, the others wait and then find it done.
    """
    if settings.backend != "postgres":
        yield
        return
    p = settings.postgres_params()
    with connect(p) as conn:
        if p["schema"]:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{p["schema"]}"')
        conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK_KEY,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK_KEY,))


def init_schema(settings: Settings) -> None:
    """Create every table the service needs, once, safely under concurrency.

    On PostgreSQL, when the tables belong to another role (the service runs as
    PLANS_SERVICE_ROLE and `plans init` ran as the owner), there is nothing this
    role may create: the owner's `plans init` did it.
    """
    if settings.backend == "postgres" and owned_by_another_role(settings):
        return
    with schema_lock(settings):

        def create(store: Store) -> None:
            # One connection at a time creates the schema: no pool of `pool_size`
            # connections (each a PostgreSQL backend to start) for it.
            env = settings.library_env(create_table=True)
            env.update(POSTGRES_POOL_SIZE="1", POSTGRES_MAX_OVERFLOW="2")
            app = PlansApplication(env=env)
            try:
                create_read_model_tables(store)
                for step in SCHEMA_STEPS:
                    step(settings)
            finally:
                app.close()

        prepare_schema(settings.library_env(create_table=False), create)
        if settings.backend == "postgres" and settings.service_role:
            grant_service_role(settings)


def owned_by_another_role(settings: Settings) -> bool:
    """True when the access log exists and this connection's role does not own it."""
    schema = settings.postgres_params()["schema"] or "public"
    with connect(settings.postgres_params()) as conn:
        row = conn.execute(
            "SELECT pg_get_userbyid(c.relowner) <> current_user FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'access_log' AND n.nspname = %s",
            (schema,),
        ).fetchone()
    return bool(row and row[0])


def grant_service_role(settings: Settings) -> None:
    """What `serve` and `project` need, and no more, for PLANS_SERVICE_ROLE.

    Read and write the event store and the read models (UPDATE also lets the
    recorder LOCK the events table); on the access log only SELECT and INSERT.
    Not owning any table, the role can neither DROP, ALTER nor DISABLE TRIGGER.
    Tables the owner creates later (a rebuild's new generation) get the same.
    """
    from psycopg import sql

    role = sql.Identifier(str(settings.service_role))
    schema = sql.Identifier(settings.postgres_params()["schema"] or "public")
    log = sql.SQL("{}.{}").format(schema, sql.Identifier("access_log"))
    statements = [
        "GRANT USAGE ON SCHEMA {schema} TO {role}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
        "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        "REVOKE ALL ON {log} FROM {role}",
        "REVOKE ALL ON {log} FROM PUBLIC",
        "GRANT SELECT, INSERT ON {log} TO {role}",
    ]
    with connect(settings.postgres_params()) as conn:
        for statement in statements:
            conn.execute(sql.SQL(statement).format(schema=schema, role=role, log=log))


class StoreUnreadableError(RuntimeError):
    """The event store cannot be read with these settings (e.g. wrong or missing key)."""


def open_application(settings: Settings, *, check_readable: bool = True) -> PlansApplication:
    """The application, after checking that its stored events can be read.

    An encrypted store opened without its key (or with another key) must
    refuse to start rather than serve garbage or fail on every request.
    """
    app = PlansApplication(env=settings.library_env(create_table=False), today=utc_today)
    reconnect_promptly(datastore_of(app.store))
    if not check_readable:
        return app
    try:
        check_store_readable(app)
    except StoreUnreadableError:
        app.close()
        raise
    return app


def check_store_readable(app: PlansApplication) -> None:
    # Every live data key must unwrap: a master key missing from the list is
    # found now, not as one client's plans failing later.
    keys = getattr(app.mapper, "keys", None)
    missing = keys.missing_master_ids() if keys is not None else []
    if missing:
        raise StoreUnreadableError(
            f"data keys are wrapped by master key(s) {', '.join(missing)}, which "
            "PLANS_CIPHER_KEY does not hold (add them back, then run plans rotate-key)"
        )
    # An erased client's events are unreadable by design: try the first other one.
    is_erased = getattr(app.mapper, "is_erased", None)
    notes = app.recorder.select_notifications(start=1, limit=100)
    try:
        first = [n for n in notes if is_erased is None or not is_erased(n)][:1]
        if not first:
            return
        app.mapper.to_domain_event(first[0])
    except Exception as e:  # noqa: BLE001 - any decoding failure means the same thing
        hint = (
            "set PLANS_CIPHER_KEY to the store's key"
            if app.mapper.cipher is None
            else "PLANS_CIPHER_KEY does not match the key the store was written with"
        )
        raise StoreUnreadableError(f"the event store cannot be decoded: {hint}") from e
