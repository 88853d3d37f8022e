"""Races: 32 concurrent writers on one plan, against a real `plans serve` process.

(a) without If-Match: every writer gets through (conflicts are retried), each
    once, at its own version; (b) all with the same If-Match: exactly one
    succeeds, the other 31 get 412; (c) with the same Idempotency-Key: all get
    the same answer and one event is recorded, also when writers without the
    key (or with the key and another body) race them. Throughout: the event
    count equals the number of distinct acknowledged commands, and versions
    are contiguous.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from reliability_support import (
    PROBLEM,
    Call,
    Recorder,
    assert_reads_logged,
    check_versions_contiguous,
    new_key,
    stored_events,
)

from api.runtime import open_application
from api.settings import Settings

WRITERS = 32


def race(jobs: list[Callable[[], Call]]) -> list[Call]:
    """Run the jobs at once (released together by a barrier)."""
    barrier = threading.Barrier(len(jobs))
    results: list[Call | None] = [None] * len(jobs)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = jobs[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert all(r is not None for r in results)
    return [r for r in results if r is not None]


def acked(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.status is not None and 200 <= c.status < 300]


@pytest.mark.slow
# Several API processes are a PostgreSQL deployment: that case runs there only.
@pytest.mark.parametrize(
    ("backend", "processes"),
    [("sqlite", 1), ("postgres", 1), ("postgres", 2)],
    ids=["sqlite-one-api", "postgres-one-api", "postgres-two-apis"],
    indirect=["backend"],
)
def test_32_concurrent_writers_on_one_plan(
    backend: str, database_url: str, settings: Settings, spawn: Any, processes: int
) -> None:
    """With two API processes the writers alternate between them (no shared memory:
    whatever a process caches about the plan can be stale)."""
    apis = [
        spawn(
            "serve",
            "--no-projections" if n else "--projections",
            database_url=database_url,
            name=f"api{n}",
        )  # fmt: skip
        for n in range(processes)
    ]
    clients = [Recorder(api.url, timeout=60) for api in apis]
    client = clients[0]
    plan_id = client.ok("POST", "/plans", {"client_id": "client-race", "start_date": "2025-03-03"})[
        "id"
    ]
    base = f"/plans/{plan_id}"
    figures: dict[str, Any] = {}

    def version() -> int:
        return int(client.ok("GET", base)["version"])

    def problem(n: int, **kw: Any) -> Callable[[], Call]:
        by = clients[n % len(clients)]
        return lambda: by.request("POST", base + "/problems", {"description": f"P{n}"}, **kw)

    def same_body(n: int, **kw: Any) -> Callable[[], Call]:
        by = clients[n % len(clients)]
        return lambda: by.request("POST", base + "/problems", {"description": "P0"}, **kw)

    # (a) No If-Match: all get through, each once, each at its own version.
    before = version()
    calls = race([problem(n) for n in range(WRITERS)])
    ok = acked(calls)
    assert {c.status for c in calls} <= {201, 503}, Counter(c.status for c in calls)
    assert len(ok) >= WRITERS - 2, Counter(c.status for c in calls)
    versions = sorted(c.answer["version"] for c in ok)
    assert versions == list(range(before + 1, before + 1 + len(ok)))
    assert len({c.answer["problem_id"] for c in ok}) == len(ok)
    assert version() == before + len(ok)
    figures["a"] = len(ok)

    # (b) All with the same If-Match: exactly one wins, 31 get 412.
    before = version()
    calls = race([problem(n, headers={"If-Match": f'"{before}"'}) for n in range(WRITERS)])
    statuses = Counter(c.status for c in calls)
    assert statuses == {201: 1, 412: WRITERS - 1}, statuses
    for c in calls:
        if c.status == 412:
            assert c.headers["content-type"].startswith(PROBLEM)
    assert acked(calls)[0].answer["version"] == before + 1
    assert version() == before + 1
    figures["b"] = dict(statuses)

    # (c) The same key: one event, the same answer for all.
    before = version()
    key = new_key()
    calls = race([same_body(n, key=key) for n in range(WRITERS)])
    assert {c.status for c in calls} == {201}, Counter(c.status for c in calls)
    answers = {repr(sorted(c.answer.items())) for c in calls}
    assert len(answers) == 1, answers
    assert calls[0].answer["version"] == before + 1
    assert version() == before + 1

    # (c') Half with one key, half without any: 1 + 16 events.
    before = version()
    key = new_key()
    calls = race(
        [same_body(n, key=key) for n in range(WRITERS // 2)]
        + [problem(n) for n in range(WRITERS // 2)]
    )
    keyed, unkeyed = calls[: WRITERS // 2], calls[WRITERS // 2 :]
    assert all(c.status == 201 for c in keyed)
    assert len({c.answer["version"] for c in keyed}) == 1
    ok = acked(unkeyed)
    assert len(ok) >= WRITERS // 2 - 2
    versions = sorted([keyed[0].answer["version"], *(c.answer["version"] for c in ok)])
    assert versions == list(range(before + 1, before + 2 + len(ok)))
    assert version() == before + 1 + len(ok)

    # (c'') One key, two bodies: one body wins; the other body is refused (422) and
    # whoever sent the winning body gets the winning answer.
    before = version()
    key = new_key()
    calls = race(
        [same_body(n, key=key) if n % 2 == 0 else problem(n, key=key) for n in range(WRITERS)]
    )
    winners = {c.body["description"] for c in calls if c.status == 201}
    assert len(winners) == 1, Counter(c.status for c in calls)
    for c in calls:
        if c.body["description"] in winners:
            assert c.status == 201 and c.answer["version"] == before + 1
        else:
            assert c.status == 422 and c.headers["content-type"].startswith(PROBLEM)
    assert version() == before + 1

    # The store agrees: one event per distinct acknowledged command, contiguous.
    every_call = [c for r in clients for c in r.calls]
    commands = {
        (c.key or f"unkeyed-{id(c)}")
        for c in every_call
        if c.method == "POST" and c.status is not None and 200 <= c.status < 300
    }
    app = open_application(settings)
    try:
        events = stored_events(app)
    finally:
        app.close()
    lengths = check_versions_contiguous(events)
    assert len(events) == len(commands) == lengths[next(iter(lengths))]
    assert version() == len(events)

    def as_auditor(path: str, params: dict[str, Any], clinic: str) -> Any:
        return client.ok("GET", path, role="auditor", clinic=clinic, params=params)

    reads = assert_reads_logged(every_call, as_auditor)
    print(
        f"races ({backend}, {processes} API processes): {len(every_call)} requests, "
        f"{WRITERS} writers per round, "
        f"(a) {figures['a']} acknowledged, (b) {figures['b']}, {len(events)} events checked, "
        f"{reads} plan reads in the access log"
    )
