"""Proposed changes to src, prototyped here by subclassing (src is not edited).

`FastChainRecorder` — for projections/inline.py, ChainedPostgresRecorder.
_insert_stored_events: today every event's chain link is its own unprepared
INSERT (parsed and planned by PostgreSQL one by one: ~0.2 ms each, which
dominates a bulk save). For plans that start in this save (first event is
version 1: creations, imports), the previous hash is known (b""), so the
whole chain is computed here with hashlib (the same bytes the SQL computes)
and all those links go in ONE `INSERT … SELECT FROM unnest(arrays)`. Links
of existing plans are read-and-hashed in SQL as today, but one statement per
round (the k-th event of every plan in the save), not one per event: a
group-committed batch of commands on different plans is one statement.
The events themselves go in as plain typed arrays in binary (see below).
Same tables, same hashes: `verify` is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import StoredEvent
from psycopg.sql import SQL, Identifier

from eventstore.recorders import (
    ChainedPostgresRecorder,
    _recorded_at,
    canonical_record,
    chain_hash,
)

FAST_RECORDER_TOPIC = "bench.proposals:FastChainRecorder"


class FastChainRecorder(ChainedPostgresRecorder):
    # The events INSERT is parsed before anything in the transaction can fail
    # but the lock (whose failure closes the connection, see insert_events), so
    # it can be a prepared statement; the links, queued after it, stay unprepared.
    prepare_events_insert = True

    def __init__(self, datastore: Any, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.insert_new_links_statement = SQL(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, recorded_at, hash) "
            "SELECT * FROM unnest(%s::uuid[], %s::bigint[], %s::timestamptz[], %s::bytea[])"
        ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.chain_table_name))
        # Links of existing plans: one statement per round (the k-th event of
        # each plan in this save), each reading its predecessor under the lock.
        self.insert_next_links_statement = SQL(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, recorded_at, hash) "
            "SELECT n.id, n.v, n.at, sha256(coalesce((SELECT c.hash FROM {schema}.{table} c "
            "WHERE c.originator_id = n.id AND c.originator_version = n.v - 1), ''::bytea) "
            "|| n.rec) FROM unnest(%b::uuid[], %b::bigint[], %b::timestamptz[], %b::bytea[]) "
            "AS n(id, v, at, rec)"
        ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.chain_table_name))
        # Plain typed arrays in binary instead of the library's array of a
        # composite type, which psycopg dumps as text, regex-escaping each
        # bytea (about half of a bulk save's CPU time).
        self.insert_events_arrays_statement = SQL(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
            "SELECT * FROM unnest(%b::uuid[], %b::bigint[], %b::text[], %b::bytea[]) "
            "RETURNING notification_id"
        ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name))
        # Every statement rendered to text once: psycopg converts a Composed
        # statement to bytes again on every execute (~5 µs each, 7 per save).
        self.insert_new_links_statement = self.insert_new_links_statement.as_string(None)
        self.insert_next_links_statement = self.insert_next_links_statement.as_string(None)
        self.insert_events_arrays_statement = self.insert_events_arrays_statement.as_string(None)
        self.lock_statements_text = [q.as_string(None) for q in self.lock_table_statements]
        self.notify_statement_text = SQL("NOTIFY {0}").format(Identifier(self.channel_name))
        self.notify_statement_text = self.notify_statement_text.as_string(None)

    def _lock_table(self, curs: Any) -> None:
        for statement in self.lock_statements_text:
            curs.execute(statement, prepare=True)

    def _notify_channel(self, curs: Any) -> None:
        curs.execute(self.notify_statement_text)

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Any:
        """The whole transaction in ONE round trip: BEGIN, lock, NOTIFY, events,
        links and COMMIT queued in one pipeline, then one Sync.

        The library instead syncs after the INSERT and commits on leaving
        `conn.transaction()` (two round trips), and when the INSERT fails on a
        version clash the COMMIT sometimes meets the aborted pipeline: the clash
        then surfaces as OperationalError("pipeline aborted"), which the library
        retries 10 × 0.2 s before giving up, instead of IntegrityError (observed
        with concurrent commands on one plan). Here a clash is always an
        IntegrityError at once, and the failed transaction is rolled back.
        """
        if not stored_events:
            return []
        with self.datastore.get_connection() as conn:
            curs = conn.cursor()
            try:
                with conn.pipeline() as pipeline:
                    curs.execute("BEGIN")
                    self._insert_stored_events(curs, stored_events, **kwargs)
                    conn.cursor().execute("COMMIT")
                    pipeline.sync()
                return [row["notification_id"] for row in curs.fetchall()]
            except psycopg.errors.UniqueViolation:
                # A version clash: the INSERT was parsed, so psycopg's record of
                # prepared statements is right; roll back and report the clash.
                conn.execute("ROLLBACK")
                raise
            except psycopg.Error:
                # Anything else (lock timeout, lost connection) may have left a
                # queued statement unparsed: drop the connection, the pool replaces it.
                conn.close()
                raise

    def _insert_stored_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        self._lock_table(curs)
        self._notify_channel(curs)
        curs.execute(
            self.insert_events_arrays_statement,
            (
                [e.originator_id for e in stored_events],
                [e.originator_version for e in stored_events],
                [e.topic for e in stored_events],
                [e.state for e in stored_events],
            ),
            prepare=self.prepare_events_insert,
        )
        times = _recorded_at(kwargs, len(stored_events))
        new = {e.originator_id for e in stored_events if e.originator_version == 1}
        heads: dict[Any, bytes] = {}
        ids: list[Any] = []
        versions: list[int] = []
        ats: list[Any] = []
        hashes: list[bytes] = []
        existing: list[tuple[StoredEvent, Any]] = []
        for event, at in zip(stored_events, times, strict=True):
            if event.originator_id not in new:
                existing.append((event, at))
                continue
            record = canonical_record(
                event.originator_id, event.originator_version, event.topic, event.state
            )
            link = chain_hash(heads.get(event.originator_id, b""), record)
            heads[event.originator_id] = link
            ids.append(event.originator_id)
            versions.append(event.originator_version)
            ats.append(at)
            hashes.append(link)
        with curs.connection.cursor() as links:
            if ids:
                links.execute(
                    self.insert_new_links_statement, (ids, versions, ats, hashes), prepare=False
                )
            rounds: list[list[tuple[StoredEvent, Any]]] = []
            seen: dict[Any, int] = {}
            for event, at in existing:
                k = seen.get(event.originator_id, 0)
                seen[event.originator_id] = k + 1
                if k == len(rounds):
                    rounds.append([])
                rounds[k].append((event, at))
            for batch in rounds:
                links.execute(
                    self.insert_next_links_statement,
                    (
                        [e.originator_id for e, _ in batch],
                        [e.originator_version for e, _ in batch],
                        [at for _, at in batch],
                        [
                            canonical_record(
                                e.originator_id, e.originator_version, e.topic, e.state
                            )
                            for e, _ in batch
                        ],
                    ),
                    prepare=False,
                )


def fast_env(settings: Any) -> dict[str, str]:
    env = settings.library_env(create_table=False)
    env["APPLICATION_RECORDER_TOPIC"] = FAST_RECORDER_TOPIC
    return env


# --------------------------------------------------------------- review queue
QUEUE_IN_ONE = (
    "SELECT plan_id, client_id, clinician, next_review_due, next_review_due < %s AS overdue "
    "FROM {t} WHERE clinic = %s AND status <> 'closed' AND next_review_due <= %s "
    "ORDER BY next_review_due, plan_id"
)


class FastReviewQueue:
    """Proposal for ReadModels.review_queue (projections/readmodels.py, review_queue.py,
    store.py): ONE round trip instead of about twelve.

    Today a query costs: the registry lookup of the live generation, then two
    SELECTs, each in `Store.fetchall` = pool pre-ping + BEGIN + SELECT +
    ROLLBACK. Here: the live generation is cached for 0.5 s (a query that
    races a generation drop already retries after re-reading the registry),
    the pool does not pre-ping (the library retries a dropped connection), the
    read runs as one autocommit statement (a single SELECT needs no
    transaction block), prepared, and overdue and due-soon come from ONE index
    range scan (`next_review_due <= as_of + within`, flagged `< as_of`).
    """

    TTL = 0.5

    def __init__(self, env: Any) -> None:
        from projections.store import Store, construct_factory

        self.store = Store(construct_factory(env, POSTGRES_PRE_PING="n"))
        self._generation: tuple[int, float] = (0, 0.0)

    def close(self) -> None:
        self.store.close()

    def _table(self) -> str:
        import time

        from projections.catalog import tables_of

        generation, at = self._generation
        now = time.monotonic()
        if now - at > self.TTL:
            generation = self.store.live_generation("review_queue")
            self._generation = (generation, now)
        return tables_of(self.store, "review_queue", generation)["t"]

    def review_queue(self, clinic: str, as_of: Any, within_days: int) -> dict[str, list[Any]]:
        from datetime import timedelta

        from projections.review_queue import _item
        from projections.store import date_text

        day = date_text(as_of)
        until = date_text(as_of + timedelta(days=within_days))
        with self.store.datastore.get_connection() as conn:
            rows = conn.execute(
                QUEUE_IN_ONE.format(t=self._table()), (day, clinic, until), prepare=True
            ).fetchall()
        overdue, due_soon = [], []
        for row in rows:
            (overdue if row["overdue"] else due_soon).append(_item(row, as_of))
        return {"overdue": overdue, "due_soon": due_soon}


# ------------------------------------------------------- one statement per save
# Adopted: src's ChainedPostgresRecorder now saves through its own PL/pgSQL
# append function (created by the init step), so the prototype points there.
FUNCTION_RECORDER_TOPIC = "eventstore.recorders:ChainedPostgresRecorder"
