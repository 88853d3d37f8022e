"""Which plan a clinic's keyed create made: an idempotency key → plan id record.

A plan created under an Idempotency-Key gets a random id, like any other; this
small aggregate, saved in the same transaction as the plan, remembers the id
for the key, so a retried or raced create finds the first plan instead of a
twin. Its own id is derived from the clinic and the key (that is how a retry
finds it) but it is not a plan: read as one it answers like a random id, and it
holds nothing but the plan id, so knowing a key discloses nothing else.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.plan import Actor

KEY_NAMESPACE = uuid5(NAMESPACE_URL, "urn:plans:create-key")


def create_key_id(clinic: str, command_id: str) -> UUID:
    return uuid5(KEY_NAMESPACE, f"{clinic}\x00{command_id}")


class CreateKey(Aggregate):
    class KeyRecorded(Aggregate.Created):
        plan_id: UUID
        clinic: str
        actor: str
        role: str
        reason: str | None

    def __init__(self, plan_id: UUID, clinic: str, actor: str, role: str, reason: str | None):
        self.plan_id = plan_id
        self.clinic = clinic

    @classmethod
    def record(cls, plan_id: UUID, by: Actor) -> CreateKey:
        assert by.command_id, "only a keyed create is recorded"
        return cls._create(
            cls.KeyRecorded,
            id=create_key_id(by.clinic, by.command_id),
            plan_id=plan_id,
            clinic=by.clinic,
            actor=by.user,
            role=by.role,
            reason="idempotency key of a plan's creation",
        )
