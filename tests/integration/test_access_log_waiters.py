"""The access log's writer thread and the requests waiting for their entries.

Requests on the event loop wait for their entry's commit; the writer settles
every loop waiter of a batch in one callback on that loop. A waiter that stops
waiting (its request cancelled) must not stop the writer: its entry is still
written, and everyone after it is still answered.
"""

from __future__ import annotations

import asyncio
import contextlib

from api.access_log import AccessEntry, AccessLog
from api.composition import build_services
from api.settings import Settings

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
