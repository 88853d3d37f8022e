"""The peer: a plain eventsourcing Application with default settings.

One aggregate with one simple @event method; a command loads it, calls the
method and saves, exactly like our application service does, but with none
of our additions (chain, time index, snapshots, idempotency, rules).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event


class Tally(Aggregate):
    def __init__(self, name: str) -> None:
        self.name = name
        self.scores: list[int] = []

    @event("ScoreRecorded")
    def record(self, instrument: str, score: int) -> None:
        self.scores.append(score)


class PeerApplication(Application[UUID]):
    name = "peer"

    def create(self, name: str) -> UUID:
        tally = Tally(name)
        self.save(tally)
        return tally.id

    def create_many(self, names: list[str]) -> list[UUID]:
        tallies = [Tally(n) for n in names]
        self.save(*tallies)
        return [t.id for t in tallies]

    def record(self, tally_id: UUID, score: int) -> None:
        tally: Tally = self.repository.get(tally_id)
        tally.record("PHQ-9", score)
        self.save(tally)


def peer_env(postgres: dict[str, str]) -> dict[str, Any]:
    """Default settings, only pointed at the database."""
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": postgres["dbname"],
        "POSTGRES_HOST": postgres["host"],
        "POSTGRES_PORT": postgres["port"],
        "POSTGRES_USER": postgres["user"],
        "POSTGRES_PASSWORD": postgres["password"],
    }
