"""What GET /erasures answers: attributed erasure records, never a client id."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import JsonDict

EXAMPLE: JsonDict = {
    "id": "e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7",
    "erased_at": "2026-01-15T10:00:00.000000+00:00",
    "actor": "sup-lee",
    "role": "supervisor",
    "clinic": "riverside",
    "reason": "Client's erasure request, verified",
    "client_ref": "4c1d…",
    "plan_ids": ["5b0c1f36-2a4f-4c43-9d36-0d1a7e2b9a51"],
}


class ErasureView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})
    id: str
    erased_at: str = Field(
        description="when the client's data key was destroyed (UTC)",
        json_schema_extra={"format": "date-time"},
    )
    actor: str
    role: str
    clinic: str
    reason: str
    client_ref: str = Field(
        description="keyed hash of clinic and client id (the id itself is not kept)"
    )
    plan_ids: list[str]


class ErasureList(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [EXAMPLE]}]})
    items: list[ErasureView]
