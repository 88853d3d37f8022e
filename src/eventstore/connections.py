"""The one factory of dedicated PostgreSQL connections (outside the pools):
schema creation under the advisory lock, the outage probe, the projection
workers' LISTEN / advisory-lock connections; and `pooled_transaction`, a
cursor in one transaction on the library's pooled datastore (either backend).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import psycopg
from eventsourcing.postgres import PostgresDatastore


def params_from_env(env: Mapping[str, str]) -> dict[str, str]:
    """Connection parameters from the library's POSTGRES_* environment keys."""
    return {
        "host": env.get("POSTGRES_HOST") or "",
        "port": env.get("POSTGRES_PORT") or "5432",
        "user": env.get("POSTGRES_USER") or "",
        "password": env.get("POSTGRES_PASSWORD") or "",
        "dbname": env.get("POSTGRES_DBNAME") or "",
    }


@contextmanager
def pooled_transaction(datastore: Any, *, commit: bool) -> Iterator[Any]:
    """A cursor in one transaction on a pooled connection of the library's
    datastore; rolled back unless `commit` (PostgreSQL or SQLite)."""
    if isinstance(datastore, PostgresDatastore):
        with (
            datastore.get_connection() as conn,
            conn.transaction(force_rollback=not commit),
        ):
            yield conn.cursor()
    else:
        with datastore.transaction(commit=commit) as curs:
            yield curs


def connect(
    params: Mapping[str, str], *, connect_timeout: int = 10, **options: Any
) -> psycopg.Connection[Any]:
    """An autocommit connection to the database `params` name (host, port,
    user, password, dbname; other keys are ignored)."""
    return psycopg.connect(
        host=params["host"],
        port=params["port"],
        user=params["user"],
        password=params["password"],
        dbname=params["dbname"],
        autocommit=True,
        connect_timeout=connect_timeout,
        **options,
    )
