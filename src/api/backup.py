"""Backup and restore of the whole store: events, chain, snapshots, read models, access log.

PostgreSQL: `pg_dump --format=custom` of the service's database and
`pg_restore` into an empty one (the server's own tools, so the copy is
consistent: pg_dump reads one snapshot). SQLite: the online backup API, which
copies a consistent image while the service keeps writing.

What a backup is not: the keys. `PLANS_CIPHER_KEY` and the JWT secret live
outside the database and must be backed up apart from it (a backup together
with its key is a disclosure; a backup without any copy of its key is lost).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from api.settings import Settings


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message is one line."""


def _postgres_url(settings: Settings) -> str:
    return settings.database_url_or_default.split("?", 1)[0]


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install PostgreSQL's client tools")
    return found


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, timeout=3600, check=False)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout or "failed").strip().splitlines()
        raise BackupError(f"{Path(args[0]).name}: {lines[-1] if lines else 'failed'}")


def backup(settings: Settings, out: Path) -> int:
    """Write a consistent copy of the store to `out`; its size in bytes."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if settings.backend == "postgres":
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(out),
              "--dbname", _postgres_url(settings)])  # fmt: skip
    else:
        source = Path(settings.postgres_params()["path"])
        if not source.exists():
            raise BackupError(f"no SQLite file at {source}")
        _sqlite_copy(source, out)
    out.chmod(0o600)
    return out.stat().st_size


def restore(settings: Settings, source: Path) -> None:
    """Restore `source` into the (empty) store named by `settings`.

    Refuses a store that already holds events: a restore never merges.
    """
    if not source.exists():
        raise BackupError(f"no backup at {source}")
    if settings.backend == "postgres":
        if _postgres_has_tables(settings):
            raise BackupError("the target database is not empty; restore into a new database")
        _run([_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction",
              "--dbname", _postgres_url(settings), str(source)])  # fmt: skip
        return
    target = Path(settings.postgres_params()["path"])
    if target.exists() and target.stat().st_size > 0:
        raise BackupError(f"{target} exists; restore into a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    _sqlite_copy(source, target)
    target.chmod(0o600)


def _sqlite_copy(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)


def _postgres_has_tables(settings: Settings) -> bool:
    import psycopg

    with psycopg.connect(_postgres_url(settings), connect_timeout=10) as conn:
        row = conn.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
        ).fetchone()
    return bool(row and row[0])
