"""Reading plans out of the event store as FHIR: one plan's Bundle, a clinic's Bulk Data.

The mapping itself is pure (`interop.fhir`); this module fetches what it
needs. Everything is read from the event store, never a read model, so an
export is complete and includes the caller's own writes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from domain import errors
from domain.application import PlansApplication
from domain.plan import Plan
from eventstore.history import timeline_item
from interop.fhir import DEFAULT_BASE
from interop.fhir_json import ResourceCache, bundle_json, plan_ndjson

# Bulk Data files, in the order they are written (one NDJSON file per type).
RESOURCE_TYPES = ("CarePlan", "Condition", "Goal", "Observation", "Flag", "Provenance")


def plan_history(
    app: PlansApplication, plan_id: UUID, version: int, after: int = 0
) -> list[dict[str, Any]]:
    """The plan's timeline items (version, type, recorded_at, actor, role, reason, data)
    after version `after` up to `version`, oldest first."""
    events = app.repository.event_store.get(plan_id, gt=after or None, lte=version)
    return [timeline_item(e) for e in events]


class HistoryCache:
    """Decoded plan histories of one event store, so a long plan's events are read
    and decoded once: stored events never change, so a later read only fetches
    the versions after those already held. Least recently used plan out first."""

    def __init__(self, app: PlansApplication, max_plans: int = 256) -> None:
        self.app = app
        self.max_plans = max_plans
        self._plans: OrderedDict[UUID, list[dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def history(self, plan_id: UUID, version: int) -> list[dict[str, Any]]:
        with self._lock:
            held = self._plans.get(plan_id, [])
        if len(held) < version:
            held = held + plan_history(self.app, plan_id, version, after=len(held))
            if [item["version"] for item in held] != list(range(1, len(held) + 1)):
                return plan_history(self.app, plan_id, version)  # a gap: trust nothing held
            with self._lock:
                self._plans[plan_id] = held
                self._plans.move_to_end(plan_id)
                while len(self._plans) > self.max_plans:
                    self._plans.popitem(last=False)
        return held[:version]


def bundle_bytes(
    app: PlansApplication,
    plan_id: UUID,
    clinic: str,
    version: int | None = None,
    as_of: datetime | None = None,
    base: str = DEFAULT_BASE,
    cache: ResourceCache | None = None,
    histories: HistoryCache | None = None,
) -> tuple[int, bytes]:
    """The plan (current, as of a version or as of an instant) as a FHIR Bundle:
    (the plan version, the Bundle's JSON), reusing cached resources and histories
    when given; PlanNotFoundError for another clinic's plan, VersionNotFoundError
    as for reads."""
    plan = app.read_plan(plan_id, clinic, version, as_of)
    if histories is not None:
        history = histories.history(plan_id, plan.version)
    else:
        history = plan_history(app, plan_id, plan.version)
    return plan.version, bundle_json(plan, history, base, cache)


def clinic_plans(app: PlansApplication, clinic: str) -> Iterator[Plan]:
    """The clinic's plans, current versions, in plan id order."""
    topics: dict[UUID, set[str]] = app.store.originator_topics()
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
    before_publish: Callable[[list[UUID]], None] | None = None,
) -> dict[str, int]:
    """Write the clinic's current plans in the FHIR Bulk Data layout: one NDJSON
    file per resource type (`CarePlan.ndjson`, `Goal.ndjson`, ...), one resource
    a line. Returns how many resources of each type were written (types with
    none get no file).

    Files are written beside their final names and replace earlier ones only
    once every plan is written and `before_publish(plan ids)` (the caller's
    access-log entry) has returned; if anything fails, nothing is published.
    """
    directory.mkdir(parents=True, exist_ok=True)
    counts = dict.fromkeys(RESOURCE_TYPES, 0)
    paths = {kind: directory / f"{kind}.ndjson" for kind in RESOURCE_TYPES}
    partial = {kind: path.with_suffix(".ndjson.part") for kind, path in paths.items()}
    try:
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
        if before_publish is not None:
            before_publish([plan.id for plan in plans])
        for kind in RESOURCE_TYPES:
            if counts[kind]:
                partial[kind].replace(paths[kind])
            else:
                paths[kind].unlink(missing_ok=True)
    finally:
        for path in partial.values():
            path.unlink(missing_ok=True)
    return {kind: n for kind, n in counts.items() if n}
