"""Upgrades: numbered migrations of the core tables, and read models rebuilt when
their definition changed.

"The previous schema" is the one every release before migrations created: no
`schema_migrations` table and a read-model registry without fingerprints. A
store in that shape is made by creating the current one and taking those two
things away, which is exactly the difference.
"""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import mint_token
from api.runtime import init_schema, open_application
from api.settings import Settings
from domain.commands import CreatePlan
from projections.catalog import MODELS
from projections.migrations import (
    MIGRATIONS,
    Migration,
    applied,
    has_table,
    migrate,
    stale_read_models,
)
from projections.store import Store, construct_factory


def open_store(settings: Settings) -> Store:
    return Store(construct_factory(settings.library_env()))


def columns(store: Store, table: str) -> set[str]:
    if store.dialect.is_postgres:
        rows = store.fetchall(
            "SELECT column_name AS name FROM information_schema.columns WHERE table_name = %s",
            (table,),
        )
    else:
        rows = store.fetchall(f"SELECT name FROM pragma_table_info('{table}')")
    return {r["name"] for r in rows}


def make_previous_release_store(settings: Settings) -> None:
    init_schema(settings)
    store = open_store(settings)
    try:
        store.execute("DROP TABLE {t}", tables={"t": store.dialect.table("schema_migrations")})
        store.execute("ALTER TABLE {registry} DROP COLUMN fingerprint")
    finally:
        store.close()


def test_a_new_store_is_stamped_with_every_migration(settings: Settings) -> None:
    init_schema(settings)
    store = open_store(settings)
    try:
        assert applied(store) == {m.version for m in MIGRATIONS}
        assert "fingerprint" in columns(store, "read_models")
        assert stale_read_models(store) == []
    finally:
        store.close()


def test_upgrading_a_store_of_the_previous_schema(settings: Settings) -> None:
    make_previous_release_store(settings)
    app = open_application(settings)
    try:
        client = "client-upgrade"
        from domain.plan import Actor

        app.create_plan(
            Actor("dr-a", "clinician", "riverside"), CreatePlan(client_id=client, start_date=_day())
        )
    finally:
        app.close()

    init_schema(settings)  # what `plans init` and every start do
    store = open_store(settings)
    try:
        assert applied(store) == {m.version for m in MIGRATIONS}
        assert "fingerprint" in columns(store, "read_models")
        # The old tables' definitions are unknown: every read model is rebuilt once.
        assert sorted(stale_read_models(store)) == sorted(MODELS)
    finally:
        store.close()

    with TestClient(create_app(settings)) as http:
        token = mint_token(settings.secret(), "sup", "supervisor", "riverside", 5)
        headers = {"Authorization": f"Bearer {token}"}
        deadline = time.monotonic() + 60
        while True:
            ready = http.get("/ready", headers=headers)
            if ready.status_code == 200 or time.monotonic() > deadline:
                break
            assert ready.json()["rebuilding"]
            time.sleep(0.2)
        assert ready.status_code == 200, ready.text
        listed = http.get("/plans", headers=headers, params={"client_id": "client-upgrade"})
        assert len(listed.json()["items"]) == 1
    store = open_store(settings)
    try:
        assert stale_read_models(store) == []
        # Migrating again changes nothing.
        assert migrate(store) == []
    finally:
        store.close()


def test_a_failed_migration_leaves_the_database_as_it_was(settings: Settings) -> None:
    init_schema(settings)
    broken = Migration(
        99,
        "adds a column, then fails",
        lambda store: (
            "ALTER TABLE {registry} ADD COLUMN half_done TEXT",
            "ALTER TABLE no_such_table ADD COLUMN x TEXT",
        ),
    )
    store = open_store(settings)
    try:
        with pytest.raises(Exception):  # noqa: B017 - the database's own error
            migrate(store, (*MIGRATIONS, broken))
        assert "half_done" not in columns(store, "read_models")
        assert 99 not in applied(store)
        assert has_table(store, "read_models")
    finally:
        store.close()


def _day():  # type: ignore[no-untyped-def]
    from datetime import date

    return date(2025, 1, 6)
