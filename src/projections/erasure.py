"""Erasure in the read models: every row of the given plans goes, in every generation.

Called after the plans' data key is destroyed: from then on projections skip
those plans' events (the key registry says they are erased), so a rebuild
produces exactly what this leaves behind. Every read-model table has a
`plan_id` column.

On SQLite the delete runs with `secure_delete` (freed pages are zeroed) and
the WAL is checkpointed and truncated afterwards, so neither the database
file nor its WAL keeps the deleted text. On PostgreSQL deleted rows stay in
the table's pages as dead tuples until (auto)vacuum reclaims them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from projections.catalog import MODELS, tables_of
from projections.store import Store, uuid_text


def purge_plans(store: Store, plan_ids: Sequence[UUID]) -> int:
    """Delete the plans' rows from every read model; how many rows went."""
    ids = [uuid_text(p) for p in plan_ids]
    if not ids:
        return 0
    marks = ", ".join(["%s"] * len(ids))
    deleted = 0
    generations = store.generations()
    with store.transaction(commit=True) as curs:
        if not store.dialect.is_postgres:
            curs.execute("PRAGMA secure_delete = ON")
        for name in MODELS:
            live, building = generations.get(name, (1, None))
            for generation in {live, building} - {None}:
                for key, table in tables_of(store, name, int(generation)).items():  # type: ignore[arg-type]
                    if not key.startswith("t"):
                        continue
                    curs.execute(
                        store.sql(f"DELETE FROM {table} WHERE plan_id IN ({marks})"), tuple(ids)
                    )
                    deleted += max(rowcount(curs), 0)
    if not store.dialect.is_postgres:
        truncate_wal(store)
    return deleted


def truncate_wal(store: Store) -> None:
    """Copy the WAL into the database file and empty it (best effort while others read)."""
    path = getattr(getattr(store.datastore, "pool", None), "db_name", None)
    if not path or ":memory:" in str(path) or "mode=memory" in str(path):
        return
    conn = sqlite3.connect(str(path), timeout=30)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def rowcount(curs: Any) -> int:
    """Rows changed by the last statement (the library's SQLite cursor wraps sqlite3's)."""
    return int(getattr(curs, "sqlite_cursor", curs).rowcount)
