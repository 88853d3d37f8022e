"""Checks every FHIR test shares: a Bundle parses with the R4B models and is self-contained."""

from __future__ import annotations

import re
from typing import Any

from fhir.resources.R4B.bundle import Bundle

R4B_TYPES = {"CarePlan", "Condition", "Goal", "Observation", "Flag", "Provenance"}
ICD10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


def references(value: Any) -> list[str]:
    """Every `reference` string anywhere in a resource's JSON."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                found.append(item)
            else:
                found.extend(references(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(references(item))
    return found


def check_bundle(raw: str | bytes) -> dict[str, dict[str, Any]]:
    """Parse the Bundle with the R4B models, re-parse every resource on its own, and
    check that ids are FHIR ids, fullUrls match, and every reference resolves to an
    entry (a versioned one to that entry's meta.versionId or an earlier version).
    Returns the resources by "Type/id"."""
    bundle = Bundle.model_validate_json(raw)
    assert bundle.type == "collection"
    by_key: dict[str, dict[str, Any]] = {}
    for entry in bundle.entry or []:
        resource = entry.resource
        kind = resource.get_resource_type()
        assert kind in R4B_TYPES, kind
        assert FHIR_ID.match(resource.id), resource.id
        key = f"{kind}/{resource.id}"
        assert entry.fullUrl.endswith("/" + key), entry.fullUrl
        assert key not in by_key, f"{key} twice"
        data = resource.model_dump(mode="json", by_alias=True, exclude_none=True)
        type(resource).model_validate(data)  # each resource stands on its own
        assert data["meta"]["versionId"] and data["meta"]["lastUpdated"]
        by_key[key] = data
    assert "Patient" not in {k.split("/")[0] for k in by_key}
    for data in by_key.values():
        for reference in references(data):
            kind, _, rest = reference.partition("/")
            resource_id, _, history = rest.partition("/_history/")
            target = by_key.get(f"{kind}/{resource_id}")
            assert target is not None, f"{reference} does not resolve in the Bundle"
            if history:
                assert 1 <= int(history) <= int(target["meta"]["versionId"]), reference
    return by_key


def of_type(resources: dict[str, dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for key, r in resources.items() if key.startswith(kind + "/")]
