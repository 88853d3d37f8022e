"""A plan's Bundle as JSON bytes, fast: each resource is built (validated) once.

Building and serialising a `fhir.resources` model costs about a millisecond
on a busy machine, so a plan with 1,000 versions would take seconds per
request. Most of a Bundle never changes: a Provenance describes one stored
event, and an Observation, Condition, Goal or Flag changes only with the
events that touch it. Each resource's JSON is therefore kept in a bounded
in-process cache under a digest of everything it is built from (its `Part`
inputs), so a hit can only return exactly what building would give; only
new or changed resources (and the CarePlan, always) are built per request.
The cache holds plan content in memory, like the database page cache does;
it never outlives the process.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import orjson
from fhir.resources.R4B.resource import Resource

from domain.plan import Plan
from interop.fhir import DEFAULT_BASE, Part, bundle_envelope, full_url, plan_parts

DEFAULT_MAX_ENTRIES = 50_000


def resource_json(resource: Resource) -> bytes:
    return resource.model_dump_json(by_alias=True, exclude_none=True).encode()


class ResourceCache:
    """Resource JSON by a digest of its inputs; least recently used out first."""

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[bytes, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @staticmethod
    def digest(inputs: tuple[Any, ...]) -> bytes:
        raw = orjson.dumps(inputs, option=orjson.OPT_SORT_KEYS, default=str)
        return hashlib.blake2b(raw, digest_size=20).digest()

    def get_or_build(self, inputs: tuple[Any, ...], build: Callable[[], bytes]) -> bytes:
        key = self.digest(inputs)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        built = build()
        with self._lock:
            self._items[key] = built
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)
        return built

    def __len__(self) -> int:
        return len(self._items)


def part_json(part: Part, cache: ResourceCache | None) -> bytes:
    if cache is None or part.inputs is None:
        return resource_json(part.build())
    return cache.get_or_build(part.inputs, lambda: resource_json(part.build()))


def bundle_json(
    plan: Plan,
    history: list[dict[str, Any]],
    base: str = DEFAULT_BASE,
    cache: ResourceCache | None = None,
) -> bytes:
    """The same Bundle as `interop.fhir.plan_bundle`, as JSON bytes."""
    parts = plan_parts(plan, history)
    resources = [part_json(part, cache) for part in parts]
    care_plan = orjson.loads(resources[0])
    envelope = resource_json(bundle_envelope(plan, care_plan["meta"]["lastUpdated"]))
    entries = b",".join(
        b'{"fullUrl":'
        + orjson.dumps(full_url(base, part.kind, part.id))
        + b',"resource":'
        + resource
        + b"}"
        for part, resource in zip(parts, resources, strict=True)
    )
    return envelope.removesuffix(b"}") + b',"entry":[' + entries + b"]}"


def plan_ndjson(plan: Plan, history: list[dict[str, Any]]) -> list[tuple[str, bytes]]:
    """(resource type, one NDJSON line) for each of the plan's resources."""
    return [(part.kind, part_json(part, None) + b"\n") for part in plan_parts(plan, history)]
