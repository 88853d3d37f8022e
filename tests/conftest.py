"""Shared fixtures: every integration scenario runs on SQLite and on PostgreSQL.

PostgreSQL comes from PLANS_TEST_POSTGRES_URL (default: the local server);
each test gets a database of its own, dropped afterwards. When the server is
unreachable the PostgreSQL cases skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from api.composition import build_application
from api.settings import Settings
from domain.application import PlansApplication

ADMIN_URL = os.environ.get("PLANS_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/postgres")
TEST_JWT_SECRET = "test-secret-with-enough-entropy-0123456789abcdef"
_pg_unreachable: str | None = None


def _admin_connect() -> psycopg.Connection:
    return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)


def postgres_available() -> str | None:
    """None when the server answers, else why not."""
    global _pg_unreachable
    if _pg_unreachable is None:
        try:
            with _admin_connect() as conn:
                conn.execute("SELECT 1")
            _pg_unreachable = ""
        except psycopg.Error as e:
            _pg_unreachable = f"PostgreSQL at {urlsplit(ADMIN_URL).hostname} unreachable: {e}"
    return _pg_unreachable or None


def require_postgres() -> None:
    reason = postgres_available()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true requires PostgreSQL: {reason}")
        pytest.skip(reason)


def fresh_postgres_url() -> Iterator[str]:
    """Create a throwaway database; yield its URL; drop it."""
    require_postgres()
    name = f"plans_test_{uuid.uuid4().hex[:12]}"
    with _admin_connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(ADMIN_URL)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with _admin_connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres":
        require_postgres()
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{(tmp_path / 'plans.db').as_posix()}"
    else:
        yield from fresh_postgres_url()


@pytest.fixture
def second_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """Another empty database of the same backend (a restore or upgrade target)."""
    if backend == "sqlite":
        (tmp_path / "second").mkdir()
        yield f"sqlite:///{(tmp_path / 'second' / 'plans.db').as_posix()}"
    else:
        yield from fresh_postgres_url()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for one test: its own database, a fixed JWT secret, small snapshots."""
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        jwt_secret=TEST_JWT_SECRET,
        snapshot_interval=10,
        min_position_wait_seconds=5.0,
    )


@pytest.fixture
def app(settings: Settings) -> Iterator[PlansApplication]:
    application = build_application(settings)
    try:
        yield application
    finally:
        application.close()
