"""Crash safety: SIGKILL the API and the projector under load, restart them, lose nothing.

`plans serve --no-projections` and `plans project` run as real processes on
PostgreSQL. Client threads create plans, add problems and goals and record
scores, each command under its own Idempotency-Key, retrying the same key
while the API is down (as a careful client would). The API and the projector
are killed at random moments, three times each, and restarted. Afterwards:

- every acknowledged command is in the event store exactly once, at the
  version and position it was acknowledged with, and nothing else is;
- versions are contiguous and every hash chain verifies;
- retrying every acknowledged key returns the same answer and records nothing;
- every read model equals a fresh rebuild from the event store;
- every plan read that was answered is in the access log.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from reliability_support import (
    Recorder,
    assert_reads_logged,
    check_versions_contiguous,
    new_key,
)

from api.runtime import open_application
from api.settings import Settings
from domain.plan import Plan
from eventstore.history import verify_all
from projections.catalog import MODELS
from projections.readmodels import ReadModels
from projections.runner import rebuild

WRITERS = 4
KILLS_EACH = 3
RETRY_FOR_SECONDS = 90.0


@dataclass
class Ack:
    """A command the API acknowledged (2xx): what was sent and what came back."""

    method: str
    path: str
    body: dict[str, Any]
    key: str
    status: int
    answer: dict[str, Any]

    @property
    def command_id(self) -> str:
        return f"{self.method} {self.path}|{self.key}"

    @property
    def plan_id(self) -> str:
        return str(self.answer.get("id") or self.path.split("/")[2])


class Writer(threading.Thread):
    """Drives plausible commands against its own plans; retries a key until acknowledged."""

    def __init__(self, n: int, client: Recorder, stop: threading.Event, seed: int) -> None:
        super().__init__(name=f"writer-{n}", daemon=True)
        self.n = n
        self.client = client
        self.stop_event = stop
        self.rng = random.Random(seed)
        self.acks: list[Ack] = []
        self.unexpected: list[Any] = []
        self.plans: list[dict[str, Any]] = []
        self.retries = 0

    def send(self, method: str, path: str, body: dict[str, Any]) -> Ack | None:
        key = new_key()
        deadline = time.monotonic() + RETRY_FOR_SECONDS
        while time.monotonic() < deadline:
            call = self.client.request(method, path, body, key=key)
            if call.status is not None and 200 <= call.status < 300:
                ack = Ack(method, path, body, key, call.status, call.answer)
                self.acks.append(ack)
                return ack
            if call.status is None or call.status == 503:
                self.retries += 1
                time.sleep(0.1)
                continue
            self.unexpected.append((method, path, call.status, call.answer))
            return None
        self.unexpected.append((method, path, "never acknowledged"))
        return None

    def run(self) -> None:
        while not self.stop_event.is_set():
            self.step()

    def step(self) -> None:
        rng = self.rng
        if not self.plans or rng.random() < 0.12:
            body = {
                "client_id": f"client-{self.n}-{len(self.plans)}",
                "start_date": "2025-03-03",
                "presenting_concerns": ["Low mood"],
            }
            ack = self.send("POST", "/plans", body)
            if ack:
                self.plans.append(
                    {"id": ack.answer["id"], "problems": [], "goals": [], "version": 1}
                )
            return
        plan = rng.choice(self.plans)
        base = f"/plans/{plan['id']}"
        r = rng.random()
        if r < 0.1:
            call = self.client.request("GET", base)
            if call.status == 200:
                # Always current: at least every acknowledged change of this plan.
                assert call.answer["version"] >= plan["version"], (call.answer, plan)
            return
        if not plan["problems"] or r < 0.3:
            ack = self.send("POST", base + "/problems", {"description": f"Worry {r:.3f}"})
            if ack:
                plan["problems"].append(ack.answer["problem_id"])
        elif not plan["goals"] or r < 0.45:
            body = {
                "problem_ids": [rng.choice(plan["problems"])],
                "statement": "Reduce depressive symptoms",
                "measure": {"instrument": "PHQ-9", "baseline": 20, "target": 5},
                "target_date": "2025-09-01",
            }
            ack = self.send("POST", base + "/goals", body)
            if ack:
                plan["goals"].append(ack.answer["goal_id"])
        else:
            body = {
                "instrument": "PHQ-9",
                "score": rng.randint(0, 27),
                "administered_on": "2025-04-01",
                "goal_id": rng.choice(plan["goals"]),
            }
            ack = self.send("POST", base + "/scores", body)
        if ack:
            plan["version"] = max(plan["version"], ack.answer["version"])


def dump_all(rm: ReadModels) -> dict[str, Any]:
    return {name: rm.dump(name) for name in MODELS}


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_sigkill_api_and_projector_under_load_loses_nothing(
    settings: Settings, spawn: Any, tmp_path: Any
) -> None:
    seed = random.randrange(1_000_000)
    print(f"seed {seed}")
    rng = random.Random(seed)
    url = str(settings.database_url)
    api = spawn("serve", "--no-projections", database_url=url, name="api")
    projector = spawn("project", database_url=url, name="projector")
    client = Recorder(api.url, timeout=15)
    stop = threading.Event()
    writers = [Writer(n, client, stop, seed + n) for n in range(WRITERS)]
    for w in writers:
        w.start()

    # Kill each process three times, at random moments, in random order.
    victims = [api] * KILLS_EACH + [projector] * KILLS_EACH
    rng.shuffle(victims)
    for victim in victims:
        time.sleep(rng.uniform(0.8, 2.5))
        victim.kill()
        time.sleep(rng.uniform(0.0, 0.6))
        victim.start()
    time.sleep(1.5)
    stop.set()
    for w in writers:
        w.join(RETRY_FOR_SECONDS + 30)
    assert not any(w.is_alive() for w in writers)
    unexpected = [u for w in writers for u in w.unexpected]
    assert not unexpected, unexpected[:5]
    acks = [a for w in writers for a in w.acks]
    assert api.kills == KILLS_EACH and projector.kills == KILLS_EACH
    assert len(acks) > 100, len(acks)

    # Retrying any acknowledged key answers the same and records nothing new.
    for ack in acks:
        again = client.request(ack.method, ack.path, ack.body, key=ack.key)
        assert again.status == ack.status, (ack, again)
        assert again.answer == ack.answer, (ack, again)
        assert again.headers.get("idempotent-replayed") == "true"

    app = open_application(settings)
    rm = ReadModels(settings.library_env(), app)
    try:
        notes = []
        start = 1
        while batch := app.recorder.select_notifications(start=start, limit=1000):
            notes.extend(batch)
            start = batch[-1].id + 1
        # The plans' events (a keyed create also records its key: domain.keys).
        decoded = [(n.id, app.mapper.to_domain_event(n)) for n in notes]
        events = [(p, e) for p, e in decoded if isinstance(e, Plan.Event)]
        lengths = check_versions_contiguous(e for _, e in events)
        by_command = Counter(e.command_id for _, e in events)
        located = {e.command_id: (p, e) for p, e in events}
        for ack in acks:
            assert by_command[ack.command_id] == 1, ack
            position, event = located[ack.command_id]
            assert str(event.originator_id) == ack.plan_id
            assert event.originator_version == ack.answer["version"]
            assert position == ack.answer["position"]
        # Nothing that was not acknowledged: every command was retried until it was.
        assert len(events) == len({a.command_id for a in acks}) == len(acks)
        assert sum(lengths.values()) == len(events)
        report = verify_all(app)
        assert not report["invalid"], report
        assert report["events_checked"] == len(events)

        # The projector (killed three times) caught up, and equals a fresh rebuild.
        head = notes[-1].id
        assert rm.wait_for(head, 60), rm.status()
        live = dump_all(rm)
        rebuild(settings.library_env(), app, grace_seconds=0)
        assert dump_all(rm) == live
        assert len(live["plans"]["t"]) == len(lengths)
    finally:
        rm.close()
        app.close()

    def as_auditor(path: str, params: dict[str, Any], clinic: str) -> Any:
        return client.ok("GET", path, role="auditor", clinic=clinic, params=params)

    reads = assert_reads_logged(client.calls, as_auditor)
    assert "Traceback" not in api.output() and "Traceback" not in projector.output()
    print(
        f"crash: {len(client.calls)} requests, {len(acks)} acknowledged commands, "
        f"{sum(w.retries for w in writers)} retries, {api.kills} API kills, "
        f"{projector.kills} projector kills, {len(events)} events checked, "
        f"{len(lengths)} plans, {reads} plan reads found in the access log"
    )
    assert all(UUID(a.plan_id) for a in acks)
