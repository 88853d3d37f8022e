"""The backup-and-restore drill, as an operator runs it with the `plans` command.

Back up a store with history and read models, restore it into a new, empty
database, then: `plans verify` passes, every plan's head hash equals the one
before, and `plans rebuild` gives read models equal to the originals. A
restore never merges into a store that already holds data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from typer.testing import CliRunner

from api.cli import cli
from api.runtime import open_application
from api.settings import Settings
from eventstore.history import verify_plan
from projections.catalog import MODELS
from projections.readmodels import ReadModels

SECRET = "drill-secret-with-enough-entropy-0123456789abcdef"


def env_of(settings: Settings) -> dict[str, str]:
    return {
        "PLANS_DATABASE_URL": settings.database_url_or_default,
        "PLANS_DATA_DIR": str(settings.data_dir),
        "PLANS_JWT_SECRET": SECRET,
    }


def invoke(args: list[str], settings: Settings) -> Any:
    result = CliRunner().invoke(cli, args, env=env_of(settings))
    assert result.exit_code == 0, (args, result.output)
    return result


def heads_and_read_models(settings: Settings) -> tuple[dict[UUID, str], dict[str, Any]]:
    app = open_application(settings)
    read_models = ReadModels(settings.library_env(), app)
    try:
        topics = app.store.originator_topics()
        heads = {}
        for plan_id, names in topics.items():
            if any("Plan" in t and "Policy" not in t for t in names):
                heads[plan_id] = verify_plan(app, plan_id)["head_hash"]
        dumps = {name: read_models.dump(name) for name in MODELS}
        return heads, dumps
    finally:
        read_models.close()
        app.close()


@pytest.fixture
def restored_settings(second_database_url: str, tmp_path: Path) -> Settings:
    """A second, empty store of the same backend: the restore target."""
    return Settings(
        database_url=second_database_url, data_dir=tmp_path / "restored-data", jwt_secret=SECRET
    )


def test_backup_restore_verify_rebuild(
    settings: Settings, restored_settings: Settings, tmp_path: Path
) -> None:
    invoke(["demo", "--plans", "12"], settings)
    invoke(["rebuild"], settings)
    heads, read_models = heads_and_read_models(settings)
    assert len(heads) == 12 and all(heads.values())
    assert any(rows for dump in read_models.values() for rows in dump.values())

    backup_file = tmp_path / "backups" / "plans.backup"
    invoke(["backup", "--out", str(backup_file)], settings)
    assert backup_file.stat().st_size > 0
    assert backup_file.stat().st_mode & 0o077 == 0  # no one else may read a backup

    invoke(["restore", "--from", str(backup_file)], restored_settings)
    verified = invoke(["verify"], restored_settings)
    assert "every chain intact" in verified.output
    invoke(["rebuild"], restored_settings)

    restored_heads, restored_read_models = heads_and_read_models(restored_settings)
    assert restored_heads == heads
    assert restored_read_models == read_models


def test_restore_refuses_a_store_that_holds_data(settings: Settings, tmp_path: Path) -> None:
    invoke(["demo", "--plans", "2"], settings)
    backup_file = tmp_path / "plans.backup"
    invoke(["backup", "--out", str(backup_file)], settings)
    result = CliRunner().invoke(cli, ["restore", "--from", str(backup_file)], env=env_of(settings))
    assert result.exit_code == 1
    assert "restore into a new" in result.output
