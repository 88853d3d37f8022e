"""The composition root: which concrete classes serve these settings.

The event recorder is chosen here, by import, one class per backend; the
domain only knows the `PlanEventStore` interface they implement.
"""

from __future__ import annotations

from eventsourcing.utils import get_topic

from domain.store import PlanEventStore
from eventstore.recorders import ChainedPostgresRecorder, ChainedSQLiteRecorder

RECORDERS: dict[str, type[PlanEventStore]] = {
    "sqlite": ChainedSQLiteRecorder,
    "postgres": ChainedPostgresRecorder,
}


def recorder_topic(backend: str) -> str:
    """The library's APPLICATION_RECORDER_TOPIC for the backend's recorder class."""
    return get_topic(RECORDERS[backend])
