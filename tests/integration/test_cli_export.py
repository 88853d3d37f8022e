"""`plans export`: an analyst's de-identified revisions as a Parquet file, read with DuckDB."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from api.cli import cli
from api.demo import CLINICS
from api.runtime import open_application
from api.settings import Settings

DATE_OR_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}")


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith("PLANS_"):
            monkeypatch.delenv(key)
    return CliRunner()


def test_export_writes_what_analysts_may_see(
    runner: CliRunner, settings: Settings, tmp_path: Path
) -> None:
    env = {
        "PLANS_DATABASE_URL": settings.database_url_or_default,
        "PLANS_DATA_DIR": str(settings.data_dir),
        "PLANS_JWT_SECRET": settings.secret(),
    }
    assert runner.invoke(cli, ["demo", "--plans", "12"], env=env).exit_code == 0
    assert runner.invoke(cli, ["rebuild", "revisions"], env=env).exit_code == 0
    clinic = CLINICS[0].id
    out = tmp_path / "riverside.parquet"

    result = runner.invoke(cli, ["export", "--clinic", clinic, "--out", str(out)], env=env)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("exported ") and f" of {clinic} to " in result.stdout
    key = settings.data_dir / "pseudonym_secret"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600

    with duckdb.connect() as db:
        rows = db.execute("SELECT * FROM read_parquet(?)", [str(out)]).fetchall()
        per_month = db.execute(
            "SELECT type, plan_day // 30 AS plan_month, count(*) AS revisions "
            "FROM read_parquet(?) GROUP BY ALL ORDER BY type, plan_month",
            [str(out)],
        ).fetchall()
    assert rows and sum(n for _, _, n in per_month) == len(rows)
    assert f"exported {len(rows):,} revisions" in result.stdout

    from projections.readmodels import ReadModels

    app = open_application(settings)
    models = ReadModels.open(settings.library_env(create_table=False), app)
    try:
        full, _ = models.revisions(clinic, type="PlanCreated", limit=1000)
    finally:
        models.close()
        app.close()
    text = json.dumps(rows, default=str)
    assert DATE_OR_INSTANT.search(text) is None
    for item in full:
        assert item["plan_id"] not in text and item["data"]["client_id"] not in text
    assert len({r[0] for r in rows}) == len(full)

    elsewhere = runner.invoke(
        cli, ["export", "--clinic", "no-such-clinic", "--out", str(tmp_path / "x.parquet")], env=env
    )
    assert elsewhere.exit_code == 0 and "exported 0 revisions" in elsewhere.stdout
