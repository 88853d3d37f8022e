"""Database outage: cut PostgreSQL away from a running service, then give it back.

`plans serve` (with its projection workers in-process) reaches PostgreSQL only
through a TCP proxy in this test. Mid-load the proxy resets every connection
and refuses new ones, twice. While the database is away every request is
answered, quickly, with 503 and Retry-After (never a 500, never a hang) and
/ready says not ready; once the proxy is back the service and its
projections recover by themselves, and nothing acknowledged is lost.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from reliability_support import (
    PROBLEM,
    Recorder,
    assert_reads_logged,
    auth,
    check_versions_contiguous,
    new_key,
    stored_events,
    wait_until,
)

from api.runtime import open_application
from api.settings import Settings
from projections.catalog import MODELS
from projections.readmodels import ReadModels
from projections.runner import rebuild

HANG_BOUND = 15.0
RECOVERY_BOUND = 15.0
# One outage longer than the bound (a hang would show), one short blip.
OUTAGES = (18.0, 3.0)


def via(url: str, port: int) -> str:
    parts = urlsplit(url)
    netloc = f"{parts.username or 'root'}@127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=netloc))


class Load(threading.Thread):
    """Adds problems and scores to one plan and reads it back, forever; keeps score."""

    def __init__(self, client: Recorder, plan_id: str, goal_id: str, stop: threading.Event):
        super().__init__(daemon=True)
        self.client = client
        self.base = f"/plans/{plan_id}"
        self.goal_id = goal_id
        self.stop_event = stop
        self.sent: list[tuple[str, str, dict[str, Any], str]] = []
        self.n = 0

    def run(self) -> None:
        while not self.stop_event.is_set():
            self.n += 1
            if self.n % 3 == 0:
                self.client.request("GET", self.base)
                continue
            if self.n % 3 == 1:
                path, body = self.base + "/problems", {"description": f"Problem {self.n}"}
            else:
                path = self.base + "/scores"
                body = {"instrument": "PHQ-9", "score": self.n % 28, "goal_id": self.goal_id,
                        "administered_on": "2025-04-01"}  # fmt: skip
            key = new_key()
            self.sent.append(("POST", path, body, key))
            call = self.client.request("POST", path, body, key=key)
            if call.status == 503:
                time.sleep(0.25)  # a client that honours Retry-After would wait longer


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_database_outage_is_503_then_recovers_by_itself(
    settings: Settings, spawn: Any, proxy_factory: Any
) -> None:
    direct = str(settings.database_url)
    pg = urlsplit(direct)
    proxy = proxy_factory((pg.hostname or "127.0.0.1", pg.port or 5432))
    api = spawn("serve", database_url=via(direct, proxy.port), name="api")
    client = Recorder(api.url, timeout=HANG_BOUND + 10)

    plans = []
    for n in range(3):
        plan = client.ok("POST", "/plans", {"client_id": f"client-{n}", "start_date": "2025-03-03"})
        problem = client.ok("POST", f"/plans/{plan['id']}/problems", {"description": "Worry"})
        goal = client.ok(
            "POST",
            f"/plans/{plan['id']}/goals",
            {
                "problem_ids": [problem["problem_id"]],
                "statement": "Less worry",
                "measure": {"instrument": "PHQ-9", "baseline": 20, "target": 5},
                "target_date": "2025-09-01",
            },
        )
        plans.append((plan["id"], goal["goal_id"]))

    stop = threading.Event()
    loads = [Load(client, plan_id, goal_id, stop) for plan_id, goal_id in plans]
    readiness: list[tuple[float, float, int | None]] = []

    def watch_ready() -> None:
        while not stop.is_set():
            started = time.monotonic()
            try:
                # With a token: the detailed readiness (read models too), as ever.
                status: int | None = httpx.get(
                    api.url + "/ready", headers=auth("auditor"), timeout=HANG_BOUND
                ).status_code
            except httpx.TransportError:
                status = None
            readiness.append((started, time.monotonic(), status))
            time.sleep(0.1)

    watcher = threading.Thread(target=watch_ready, daemon=True)
    for t in (*loads, watcher):
        t.start()

    windows: list[tuple[float, float]] = []
    recovery: list[float] = []
    recovered: list[float] = []
    time.sleep(2.0)
    for seconds in OUTAGES:
        cut_at = time.monotonic()
        proxy.cut()
        time.sleep(seconds)
        restored_at = time.monotonic()
        proxy.restore()
        windows.append((cut_at, restored_at))
        # The service comes back by itself: ready, and a write goes through.
        assert wait_until(
            lambda: httpx.get(api.url + "/ready", timeout=5).status_code == 200,
            RECOVERY_BOUND,
            0.1,
        ), "not ready again after the database came back"
        recovery.append(time.monotonic() - restored_at)
        recovered.append(time.monotonic())
        time.sleep(2.0)
    stopped = time.monotonic()
    stop.set()
    for t in (*loads, watcher):
        t.join(HANG_BOUND + 15)
    cuts = [cut for cut, _ in windows]

    calls = list(client.calls)
    statuses = Counter(c.status for c in calls)
    assert set(statuses) <= {200, 201, 503}, statuses
    assert statuses[503] > 0, "the outage was never noticed"
    for c in calls:
        assert c.seconds < HANG_BOUND, (c.method, c.path, c.seconds)
        if c.status == 503:
            assert c.headers["content-type"].startswith(PROBLEM)
            assert int(c.headers["retry-after"]) >= 1
            assert "Traceback" not in str(c.answer)
    # /ready: not ready during each outage (after the pool noticed), ready before and after.
    for cut_at, restored_at in windows:
        during = [s for a, b, s in readiness if cut_at + 0.5 < a and b < restored_at]
        assert all(s == 503 for s in during), [
            (round(a - cut_at, 2), round(b - cut_at, 2), s) for a, b, s in readiness
        ]
        if restored_at - cut_at > HANG_BOUND:
            assert len(during) > 5, during  # answered, and promptly
    assert readiness[0][2] == 200
    # After each recovery: answered 503s for at most a moment (a connection the cut
    # left broken can trip the breaker once more), then ready for good.
    flaps = []
    for (_, restored_at), ready_at, after in zip(windows, recovered, [*cuts[1:], stopped]):
        relapse = [b - a for a, b, s in readiness if ready_at < a and b < after and s != 200]
        flaps.append(len(relapse))
        assert len(relapse) <= 3, (restored_at, relapse)
    assert wait_until(
        lambda: httpx.get(api.url + "/ready", timeout=5).status_code == 200, RECOVERY_BOUND
    )

    # Nothing acknowledged is lost; anything that was refused can be retried with its key.
    acked: dict[str, dict[str, Any]] = {}
    first_answer = {c.key: c for c in calls if c.key and c.status in (200, 201)}
    retried = 0
    for load in loads:
        for method, path, body, key in load.sent:
            call = client.request(method, path, body, key=key)
            assert call.status in (200, 201), call
            if key in first_answer:
                assert call.answer == first_answer[key].answer
            else:
                retried += 1
            acked[f"{method} {path}|{key}"] = call.answer

    app = open_application(settings)
    rm = ReadModels(settings.library_env(), app)
    try:
        events = stored_events(app)
        check_versions_contiguous(events)
        commands = Counter(e.command_id for e in events)
        for command_id, answer in acked.items():
            assert commands[command_id] == 1, command_id
        keyed = [e for e in events if e.command_id]
        assert len(keyed) == len(acked)
        # The in-process projections caught up by themselves and equal a fresh rebuild.
        head = int(app.recorder.max_notification_id())
        assert rm.wait_for(head, RECOVERY_BOUND), rm.status()
        live = {name: rm.dump(name) for name in MODELS}
        rebuild(settings.library_env(), app, grace_seconds=0)
        assert {name: rm.dump(name) for name in MODELS} == live
    finally:
        rm.close()
        app.close()
    ready = httpx.get(api.url + "/ready", headers=auth("auditor")).json()
    assert all(m["lag"] == 0 for m in ready["read_models"].values()), ready

    def as_auditor(path: str, params: dict[str, Any], clinic: str) -> Any:
        return client.ok("GET", path, role="auditor", clinic=clinic, params=params)

    reads = assert_reads_logged(calls, as_auditor)
    print(
        f"outage: {len(calls)} requests ({statuses[503]} answered 503 with Retry-After, "
        f"slowest {max(c.seconds for c in calls):.2f} s), outages of "
        f"{' and '.join(f'{s:.0f}' for s in OUTAGES)} s, "
        f"ready again {max(recovery):.1f} s after the database "
        f"({sum(flaps)} not-ready answers after that), "
        f"{len(acked)} commands ({retried} retried after a 503), {len(events)} events checked, "
        f"{reads} plan reads in the access log"
    )
