"""Opening the store: the one-time schema step, then the application itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg

from api.settings import Settings
from domain.application import PlansApplication
from projections.readmodels import create_read_model_tables
from projections.store import reconnect_promptly

# One key for every schema change this service makes (pg_advisory_lock).
SCHEMA_LOCK_KEY = 0x706C616E73  # "plans"

SchemaStep = Callable[[Settings], None]
_schema_steps: list[SchemaStep] = []


def schema_step(step: SchemaStep) -> SchemaStep:
    """Register a function that creates tables (idempotently) during init."""
    _schema_steps.append(step)
    return step


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
    with psycopg.connect(
        host=p["host"],
        port=p["port"],
        user=p["user"],
        password=p["password"],
        dbname=p["dbname"],
        autocommit=True,
        connect_timeout=10,
    ) as conn:
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
        app = PlansApplication(env=settings.library_env(create_table=True))
        try:
            create_read_model_tables(settings.library_env(create_table=False), app)
            for step in _schema_steps:
                step(settings)
        finally:
            app.close()
        if settings.backend == "postgres" and settings.service_role:
            grant_service_role(settings)


def _owner_connect(settings: Settings) -> psycopg.Connection:
    p = settings.postgres_params()
    return psycopg.connect(
        host=p["host"],
        port=p["port"],
        user=p["user"],
        password=p["password"],
        dbname=p["dbname"],
        autocommit=True,
        connect_timeout=10,
    )


def owned_by_another_role(settings: Settings) -> bool:
    """True when the access log exists and this connection's role does not own it."""
    schema = settings.postgres_params()["schema"] or "public"
    with _owner_connect(settings) as conn:
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
    with _owner_connect(settings) as conn:
        for statement in statements:
            conn.execute(sql.SQL(statement).format(schema=schema, role=role, log=log))


class StoreUnreadableError(RuntimeError):
    """The event store cannot be read with these settings (e.g. wrong or missing key)."""


def open_application(settings: Settings, *, check_readable: bool = True) -> PlansApplication:
    """The application, after checking that its stored events can be read.

    An encrypted store opened without its key (or with another key) must
    refuse to start rather than serve garbage or fail on every request.
    """
    app = PlansApplication(env=settings.library_env(create_table=False))
    reconnect_promptly(getattr(app.recorder, "datastore", None))
    if not check_readable:
        return app
    try:
        check_store_readable(app)
    except StoreUnreadableError:
        app.close()
        raise
    return app


def check_store_readable(app: PlansApplication) -> None:
    first = app.recorder.select_notifications(start=1, limit=1)
    if not first:
        return
    try:
        app.mapper.to_domain_event(first[0])
    except Exception as e:  # noqa: BLE001 - any decoding failure means the same thing
        hint = (
            "set PLANS_CIPHER_KEY to the store's key"
            if app.mapper.cipher is None
            else "PLANS_CIPHER_KEY does not match the key the store was written with"
        )
        raise StoreUnreadableError(f"the event store cannot be decoded: {hint}") from e
