"""What GET /erasures answers: attributed erasure records, never a client id."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ErasureView(BaseModel):
    id: str
    erased_at: str = Field(description="when the client's data key was destroyed (UTC)")
    actor: str
    role: str
    clinic: str
    reason: str
    client_ref: str = Field(
        description="keyed hash of clinic and client id (the id itself is not kept)"
    )
    plan_ids: list[str]


class ErasureList(BaseModel):
    items: list[ErasureView]
