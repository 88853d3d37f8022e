"""Reading plans out of the event store as FHIR: one plan's Bundle, a clinic's Bulk Data.

The mapping itself is pure (`interop.fhir`); this module fetches what it
needs. Everything is read from the event store, never a read model, so an
export is complete and includes the caller's own writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from fhir.resources.R4B.bundle import Bundle

from domain import errors
from domain.application import PlansApplication
from domain.plan import Plan
from interop.fhir import DEFAULT_BASE, plan_bundle
from interop.fhir_json import ResourceCache, bundle_json, plan_ndjson
from projections.audit import timeline_item

# Bulk Data files, in the order they are written (one NDJSON file per type).
RESOURCE_TYPES = ("CarePlan", "Condition", "Goal", "Observation", "Flag", "Provenance")


def plan_history(app: PlansApplication, plan_id: UUID, version: int) -> list[dict[str, Any]]:
    """The plan's timeline items (version, type, recorded_at, actor, role, reason, data)
    up to `version`, oldest first."""
    return [timeline_item(e) for e in app.repository.event_store.get(plan_id, lte=version)]


def load_plan(
    app: PlansApplication,
    plan_id: UUID,
    clinic: str,
    version: int | None = None,
    as_of: datetime | None = None,
) -> Plan:
    if as_of is not None:
        return app.plan_as_of(plan_id, clinic, as_of)
    return app.get_plan(plan_id, clinic, version)


def bundle_of(
    app: PlansApplication,
    plan_id: UUID,
    clinic: str,
    version: int | None = None,
    as_of: datetime | None = None,
    base: str = DEFAULT_BASE,
) -> Bundle:
    """The plan (current, as of a version or as of an instant) as a FHIR Bundle;
    PlanNotFoundError for another clinic's plan, VersionNotFoundError as for reads."""
    plan = load_plan(app, plan_id, clinic, version, as_of)
    return plan_bundle(plan, plan_history(app, plan_id, plan.version), base)


def bundle_bytes(
    app: PlansApplication,
    plan_id: UUID,
    clinic: str,
    version: int | None = None,
    as_of: datetime | None = None,
    base: str = DEFAULT_BASE,
    cache: ResourceCache | None = None,
) -> tuple[int, bytes]:
    """As `bundle_of`, as (the plan version, the Bundle's JSON), reusing cached resources."""
    plan = load_plan(app, plan_id, clinic, version, as_of)
    return plan.version, bundle_json(plan, plan_history(app, plan_id, plan.version), base, cache)


def clinic_plans(app: PlansApplication, clinic: str) -> Iterator[Plan]:
    """The clinic's plans, current versions, in plan id order."""
    topics: dict[UUID, set[str]] = app.recorder.originator_topics()  # type: ignore[attr-defined]
    for plan_id in sorted(topics, key=str):
        try:
            yield app.get_plan(plan_id, clinic)
        except errors.PlanNotFoundError:  # another clinic's plan, or a clinic's policy
            continue


def export_bulk(
    app: PlansApplication,
    clinic: str,
    directory: Path,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Write the clinic's current plans in the FHIR Bulk Data layout: one NDJSON
    file per resource type (`CarePlan.ndjson`, `Goal.ndjson`, ...), one resource
    a line. Returns how many resources of each type were written (types with
    none get no file)."""
    directory.mkdir(parents=True, exist_ok=True)
    counts = dict.fromkeys(RESOURCE_TYPES, 0)
    paths = {kind: directory / f"{kind}.ndjson" for kind in RESOURCE_TYPES}
    partial = {kind: path.with_suffix(".ndjson.part") for kind, path in paths.items()}
    files = {kind: partial[kind].open("wb") for kind in RESOURCE_TYPES}
    try:
        plans = list(clinic_plans(app, clinic))
        for done, plan in enumerate(plans, start=1):
            for kind, line in plan_ndjson(plan, plan_history(app, plan.id, plan.version)):
                files[kind].write(line)
                counts[kind] += 1
            if progress is not None:
                progress(done, len(plans))
    finally:
        for handle in files.values():
            handle.close()
    # Complete files replace earlier ones only once every plan is written.
    for kind in RESOURCE_TYPES:
        if counts[kind]:
            partial[kind].replace(paths[kind])
        else:
            partial[kind].unlink()
            paths[kind].unlink(missing_ok=True)
    return {kind: n for kind, n in counts.items() if n}
