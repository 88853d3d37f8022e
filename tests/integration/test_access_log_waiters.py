"""The access log's writers and the requests waiting for their entries.

Requests on the event loop wait for their entry's commit: on PostgreSQL the
loop writes its batches itself, on SQLite the writer thread settles every loop
waiter of a batch in one callback on that loop. A waiter that stops waiting
(its request cancelled) must not stop the writer: its entry is still written,
and everyone after it is still answered. Both writers chain onto one head.
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from api.access_log import WRITER_NAME, AccessEntry, AccessLog
from api.composition import build_services
from api.settings import Settings
from eventstore.connections import connect

CLINIC = "waiters-clinic"


def entry(actor: str) -> AccessEntry:
    return AccessEntry(actor, "clinician", CLINIC, None, "GET /plans/{plan_id}", 200)


async def cancel_one_then_append(log: AccessLog) -> None:
    gone = asyncio.ensure_future(log.append_async(entry("gone")))
    await asyncio.sleep(0)  # queued
    gone.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await gone
    # Coroutines of one loop (one batch or several) and a thread, after it.
    await asyncio.gather(*(log.append_async(entry(f"loop-{i}")) for i in range(8)))
    await asyncio.to_thread(log.append, entry("thread"))


def test_a_cancelled_waiter_does_not_stop_the_writer(settings: Settings) -> None:
    services = build_services(settings)
    try:
        log = services.access_log
        asyncio.run(cancel_one_then_append(log))
        # Again from another event loop (the first one is closed by now).
        asyncio.run(cancel_one_then_append(log))
        entries, _ = log.entries(CLINIC, limit=100)
        actors = [e["actor"] for e in entries]
        assert actors.count("gone") == 2  # written, though nobody waited for it
        assert actors.count("thread") == 2
        assert sorted(a for a in actors if a.startswith("loop-")) == sorted(
            [f"loop-{i}" for i in range(8)] * 2
        )
        assert log.verify()["valid"]
    finally:
        services.close()


async def append_across_a_dropped_connection(log: AccessLog, settings: Settings) -> None:
    await asyncio.gather(*(log.append_async(entry(f"before-{i}")) for i in range(4)))
    # The database drops the writer's connection (a restart, a failover): the
    # loop's writer finds out only when it next writes.
    with connect(settings.postgres_params()) as conn:
        dropped = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            (WRITER_NAME,),
        ).fetchall()
    assert dropped == [(True,)]
    await asyncio.gather(*(log.append_async(entry(f"after-{i}")) for i in range(4)))
    await log.aclose()


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)  # the loop's own writer
def test_a_connection_the_database_dropped_fails_no_entry_after_it(settings: Settings) -> None:
    services = build_services(settings)
    try:
        log = services.access_log
        asyncio.run(append_across_a_dropped_connection(log, settings))
        entries, _ = log.entries(CLINIC, limit=100)
        actors = [e["actor"] for e in entries]
        assert actors == [f"before-{i}" for i in range(4)] + [f"after-{i}" for i in range(4)]
        assert log.verify()["valid"]
    finally:
        services.close()
