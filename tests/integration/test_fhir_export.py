"""`plans export --fhir DIR --clinic C`: the clinic's current plans as FHIR Bulk Data NDJSON."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.goal import Goal
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.provenance import Provenance
from typer.testing import CliRunner

from api.access_log import AccessLog
from api.cli import cli
from api.demo import CLINICS, load_demo
from api.settings import Settings
from domain.application import PlansApplication
from eventstore.recorders import datastore_of
from fhir_support import references
from interop.export import export_bulk

MODELS = {
    "CarePlan": CarePlan,
    "Condition": Condition,
    "Goal": Goal,
    "Observation": Observation,
    "Flag": Flag,
    "Provenance": Provenance,
}
CLINIC = CLINICS[1].id


def read_ndjson(directory: Path) -> dict[str, list[dict]]:
    """Every file re-parsed line by line with its type's R4B model."""
    found: dict[str, list[dict]] = {}
    for path in sorted(directory.glob("*.ndjson")):
        kind = path.stem
        model = MODELS[kind]
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines and all(lines)
        for line in lines:
            resource = model.model_validate_json(line)
            assert resource.get_resource_type() == kind
        found[kind] = [json.loads(line) for line in lines]
    return found


@pytest.fixture
def demo_app(app: PlansApplication) -> PlansApplication:
    load_demo(app, plans=12, today=date(2026, 1, 15))
    return app


def test_bulk_export_writes_one_file_per_type_of_the_clinics_plans(
    demo_app: PlansApplication, tmp_path: Path
) -> None:
    counts = export_bulk(demo_app, CLINIC, tmp_path / "out")
    found = read_ndjson(tmp_path / "out")
    assert {kind: len(items) for kind, items in found.items()} == counts
    assert {"CarePlan", "Condition", "Goal", "Observation", "Provenance"} <= set(found)
    plans = {p["id"] for p in found["CarePlan"]}
    for plan_id in plans:
        assert demo_app.get_plan(UUID(plan_id), CLINIC).clinic == CLINIC
    ids = {f"{kind}/{r['id']}" for kind, items in found.items() for r in items}
    assert len(ids) == sum(counts.values()), "ids are unique across the export"
    for items in found.values():
        for resource in items:
            for reference in references(resource):
                assert reference.split("/_history/")[0] in ids, reference
    # Another run replaces the files with the same content.
    again = export_bulk(demo_app, CLINIC, tmp_path / "out")
    assert again == counts and read_ndjson(tmp_path / "out") == found
    assert export_bulk(demo_app, "no-such-clinic", tmp_path / "empty") == {}
    assert not list((tmp_path / "empty").iterdir())


def test_the_export_command(
    demo_app: PlansApplication, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in list(os.environ):
        if key.startswith("PLANS_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    env = {
        "PLANS_DATABASE_URL": settings.database_url_or_default,
        "PLANS_DATA_DIR": str(settings.data_dir),
        "PLANS_JWT_SECRET": settings.secret(),
    }
    runner = CliRunner()
    out = tmp_path / "bulk"
    result = runner.invoke(cli, ["export", "--clinic", CLINIC, "--fhir", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert "FHIR resources" in result.stdout and "resources/s" in result.stdout
    assert set(read_ndjson(out)) >= {"CarePlan", "Goal", "Observation", "Provenance"}
    exported = {p["id"] for p in read_ndjson(out)["CarePlan"]}
    log = AccessLog(datastore_of(demo_app.store), settings.backend)
    entries, _ = log.entries(CLINIC, limit=1000)
    assert {e["plan_id"] for e in entries if e["action"] == "CLI export --fhir"} == exported
    assert all(e["role"] == "operator" and e["outcome"] == 200 for e in entries)
    missing = runner.invoke(cli, ["export", "--clinic", CLINIC], env=env)
    assert missing.exit_code == 2


def test_nothing_is_published_when_the_log_fails(
    demo_app: PlansApplication, tmp_path: Path
) -> None:
    def refuse(plan_ids: list[UUID]) -> None:
        assert plan_ids
        raise RuntimeError("the access log is unavailable")

    with pytest.raises(RuntimeError):
        export_bulk(demo_app, CLINIC, tmp_path / "out", before_publish=refuse)
    assert not list((tmp_path / "out").iterdir()), "no file, not even a partial one"
