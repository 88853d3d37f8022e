"""What the plans application needs from its event store, declared by the domain.

The library's `searchabletimestamps` example shows the shape: an abstract
application recorder naming the extra reads, one subclass per backend in
`eventstore.recorders`. `PlansApplication` refuses to start on a recorder
that does not implement it, so a misconfigured store fails at start-up
instead of signing plans without a head hash or answering "as of" reads
with nothing.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, StoredEvent


class PlanEventStore(ApplicationRecorder, ABC):
    """An application recorder that also keeps, per stored event, when it was
    recorded and a hash chaining it to its predecessor of the same aggregate
    (written in the same transaction as the event)."""

    # SQLite serialises writers itself (an in-memory database even lives on
    # one connection): there every save stays its own transaction and group
    # commit is off.
    serialises_writers: ClassVar[bool] = False

    def reads(self) -> AbstractContextManager[None]:
        """A block whose reads may share one connection (a hint; by default none)."""
        return nullcontext()

    async def has_events_after(self, originator_id: UUID, version: int) -> bool | None:
        """Whether the aggregate has events after `version`, asked on the event
        loop without blocking it; None when this store cannot (then ask
        `select_events`)."""
        return None

    async def select_events_after(
        self, originator_id: UUID, version: int, limit: int
    ) -> Sequence[StoredEvent] | None:
        """The aggregate's first `limit` events after `version`, oldest first,
        read on the event loop without blocking it; None when this store cannot."""
        return None

    # Whether `insert_events_async` writes on the event loop itself.
    inserts_on_loop: ClassVar[bool] = False

    async def insert_events_async(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int]:
        """`insert_events` on the event loop without blocking it (where
        `inserts_on_loop`): the same statement, the same errors."""
        raise NotImplementedError

    async def insert_events_with(
        self,
        stored_events: Sequence[StoredEvent],
        statements: Sequence[tuple[str, Sequence[Any]]],
        **kwargs: Any,
    ) -> tuple[Sequence[int], int]:
        """`insert_events_async`, then `statements` in the SAME transaction (one
        round trip): the positions, and the row count of the last statement.
        Should anything fail, none of it is committed."""
        raise NotImplementedError

    async def aclose(self) -> None:
        """Close what `has_events_after` and `insert_events_async` opened (on the
        loop that used them)."""

    @abstractmethod
    def head_hash(self, originator_id: UUID) -> str | None:
        """The hex hash of the aggregate's newest chain link (None: no events)."""

    @abstractmethod
    def version_at(self, originator_id: UUID, instant: datetime) -> int | None:
        """The last version recorded at or before `instant` (None: none yet)."""

    @abstractmethod
    def position_of(self, originator_id: UUID, version: int) -> int | None:
        """The notification id (position) of one stored event."""

    @abstractmethod
    def chain_links(self, originator_id: UUID) -> list[tuple[int, datetime, bytes]]:
        """(version, recorded_at, hash) of every link of the aggregate, oldest first."""

    @abstractmethod
    def originator_topics(self) -> dict[UUID, set[str]]:
        """Every originator in the chain or events table, with its events' topics
        (an empty set when only chain links are left)."""


class StoreMisconfiguredError(RuntimeError):
    """The configured recorder does not implement `PlanEventStore`."""
