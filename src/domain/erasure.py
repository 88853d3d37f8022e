"""An erasure: the attributed, PHI-free record that a client's data was crypto-shredded.

Who erased, when (the event's timestamp), why, in which clinic, which plans,
and a keyed hash of the client (never the client id itself). The stream is
encrypted with the system key like every other stream without a client.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import errors


class Erasure(Aggregate):
    """One erasure of one client; created once, never changed."""

    @event("ClientErased")
    def __init__(
        self,
        *,
        actor: str,
        role: str,
        clinic: str,
        reason: str,
        client_ref: str,
        plan_ids: list[str],
    ) -> None:
        self.actor = actor
        self.role = role
        self.clinic = clinic
        self.reason = reason
        self.client_ref = client_ref
        self.plan_ids = plan_ids

    @classmethod
    def record(
        cls,
        *,
        actor: str,
        role: str,
        clinic: str,
        reason: str,
        client_ref: str,
        plan_ids: Sequence[UUID],
    ) -> Erasure:
        if not reason or not reason.strip():
            raise errors.MissingReasonError("an erasure needs a reason", "reason")
        if not actor.strip() or not clinic.strip():
            raise errors.MissingReasonError("an erasure needs an actor and a clinic", "actor")
        return cls(
            actor=actor,
            role=role,
            clinic=clinic,
            reason=reason.strip(),
            client_ref=client_ref,
            plan_ids=sorted(str(p) for p in plan_ids),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "erased_at": self.created_on.isoformat(),
            "actor": self.actor,
            "role": self.role,
            "clinic": self.clinic,
            "reason": self.reason,
            "client_ref": self.client_ref,
            "plan_ids": list(self.plan_ids),
        }
