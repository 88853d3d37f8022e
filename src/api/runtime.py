"""Opening the store: the one-time schema step, then the application itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import psycopg

from api.settings import Settings
from domain.application import PlansApplication
from projections.readmodels import create_read_model_tables
from projections.store import reconnect_promptly


def utc_today() -> date:
    """The clock the domain is given: today's date in UTC."""
    return datetime.now(tz=UTC).date()


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
    """Create every table the service needs, once, safely under concurrency."""
    with schema_lock(settings):
        app = PlansApplication(env=settings.library_env(create_table=True))
        try:
            create_read_model_tables(settings.library_env(create_table=False), app)
            for step in _schema_steps:
                step(settings)
        finally:
            app.close()


class StoreUnreadableError(RuntimeError):
    """The event store cannot be read with these settings (e.g. wrong or missing key)."""


def open_application(settings: Settings, *, check_readable: bool = True) -> PlansApplication:
    """The application, after checking that its stored events can be read.

    An encrypted store opened without its key (or with another key) must
    refuse to start rather than serve garbage or fail on every request.
    """
    app = PlansApplication(env=settings.library_env(create_table=False), today=utc_today)
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
