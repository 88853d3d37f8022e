"""Helpers for the reliability and security tests: processes, a TCP proxy, recording clients.

`Service` runs `plans serve` or `plans project` as a real process (its own
port, PLANS_* settings in its environment) and kills it with SIGKILL.
`TcpProxy` sits between a service and PostgreSQL and can cut every
connection and refuse new ones. `Recorder` is an HTTP client that remembers
every answer, so a test can check afterwards that what was acknowledged is
stored and that every plan read is in the access log.
"""

from __future__ import annotations

import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

from api.auth import mint_token

SECRET = "reliability-secret-with-enough-entropy-for-hs512-too-0123456789abcdef"
CLINIC = "riverside"
OTHER_CLINIC = "lakeside"
START = "2025-03-03"
PROBLEM = "application/problem+json"
PLANS = str(Path(sys.executable).with_name("plans"))


def token(role: str = "clinician", clinic: str = CLINIC, sub: str = "dr-okafor") -> str:
    return mint_token(SECRET, sub, role, clinic, 30)


def auth(role: str = "clinician", clinic: str = CLINIC, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, clinic)}", **extra}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(predicate: Callable[[], Any], timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except Exception:  # noqa: BLE001 - "not yet"
            pass
        time.sleep(interval)
    return False


def service_env(
    database_url: str, data_dir: Path, cipher_key: str | None = None, **extra: str
) -> dict[str, str]:
    """The environment of a `plans` process: PLANS_* only from here, nothing inherited."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANS_")}
    env.update(
        PLANS_DATABASE_URL=database_url,
        PLANS_DATA_DIR=str(data_dir),
        PLANS_JWT_SECRET=SECRET,
        PLANS_SNAPSHOT_INTERVAL="10",
        PLANS_MIN_POSITION_WAIT_SECONDS="5",
        PYTHONUNBUFFERED="1",
    )
    if cipher_key:
        env["PLANS_CIPHER_KEY"] = cipher_key
    env.update(extra)
    return env


class Service:
    """One `plans serve ...` or `plans project` process; restartable, killable."""

    def __init__(self, args: list[str], env: dict[str, str], log_dir: Path, name: str) -> None:
        self.args = args
        self.env = env
        self.log_dir = log_dir
        self.name = name
        self.port = free_port() if args[0] == "serve" else None
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.kills = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"{self.name}.{self.starts}.log"

    def start(self, wait: bool = True, timeout: float = 30.0) -> Service:
        assert self.process is None or self.process.poll() is not None, "already running"
        self.starts += 1
        command = [PLANS, *self.args]
        if self.port is not None:
            command += ["--port", str(self.port), "--log-level", "warning"]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command,
                env=self.env,
                cwd=self.log_dir,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if wait:
            self.wait_started(timeout)
        return self

    def wait_started(self, timeout: float = 30.0) -> None:
        if self.port is None:
            # A projector is up once it says so (it has created the schema by then).
            ok = wait_until(lambda: "projecting from" in self.output(), timeout)
        else:
            ok = wait_until(lambda: httpx.get(self.url + "/health", timeout=1).is_success, timeout)
        if not ok:
            raise AssertionError(f"{self.name} did not start:\n{self.output()[-3000:]}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, as in a power cut or OOM kill."""
        if self.alive():
            assert self.process is not None
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
            self.kills += 1

    def stop(self, timeout: float = 15.0) -> None:
        if not self.alive():
            return
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)

    def restart(self) -> None:
        self.kill()
        self.start()

    def output(self) -> str:
        return "\n".join(
            (self.log_dir / f"{self.name}.{n}.log").read_text(errors="replace")
            for n in range(1, self.starts + 1)
            if (self.log_dir / f"{self.name}.{n}.log").exists()
        )


# ----------------------------------------------------------------- TCP proxy
RESET = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s: close() sends RST


class TcpProxy:
    """A TCP relay to `upstream`. `cut()` closes every connection and refuses new
    ones (the port is closed); `restore()` listens again on the same port."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._pairs: set[tuple[socket.socket, socket.socket]] = set()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self.connections = 0
        self.cuts = 0

    def start(self) -> TcpProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by cut() or close()
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            for s in (client, server):  # no Nagle delays: relay each message at once
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            pair = (client, server)
            with self._lock:
                if listener is not self._listener:
                    client.close()
                    server.close()
                    return
                self._pairs.add(pair)
                self.connections += 1
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b, pair), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, pair: Any) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        self._drop(pair)

    def _drop(self, pair: tuple[socket.socket, socket.socket]) -> None:
        with self._lock:
            self._pairs.discard(pair)
        for s in pair:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def cut(self) -> None:
        """The database goes away: live connections reset, new ones refused."""
        with self._lock:
            listener, self._listener = self._listener, None
            pairs = list(self._pairs)
        self.cuts += 1
        if listener is not None:
            listener.close()
        for pair in pairs:
            for s in pair:
                try:
                    # RST rather than FIN, like a crashed server or a dropped link.
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, RESET)
                except OSError:
                    pass
            self._drop(pair)

    def restore(self) -> None:
        self.start()

    def close(self) -> None:
        self.cut()

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._pairs)


# ------------------------------------------------------------ recording client
@dataclass
class Call:
    method: str
    path: str
    status: int | None  # None: no answer (connection refused, reset, timeout)
    seconds: float
    clinic: str
    role: str
    body: Any = None
    answer: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    key: str | None = None


class Recorder:
    """An HTTP client that records every call (thread-safe), for later checks."""

    def __init__(
        self,
        base_url: str | Callable[[], str] = "",
        timeout: float = 20.0,
        client: httpx.Client | None = None,
    ) -> None:
        self._base = base_url
        self.timeout = timeout
        self._shared = client  # e.g. a TestClient (in-process)
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._local = threading.local()

    @property
    def base_url(self) -> str:
        return self._base() if callable(self._base) else self._base

    def _client(self) -> httpx.Client:
        if self._shared is not None:
            return self._shared
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = httpx.Client(timeout=self.timeout)
        return client

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        role: str = "clinician",
        clinic: str = CLINIC,
        key: str | None = None,
        headers: dict[str, str] | None = None,
        bearer: str | None = None,
        **kwargs: Any,
    ) -> Call:
        """One request as `role` of `clinic` (or with the raw `bearer` token, "" for none)."""
        sent = auth(role, clinic, **(headers or {}))
        if bearer is not None:
            sent.pop("Authorization")
            if bearer:
                sent["Authorization"] = f"Bearer {bearer}"
        if key is not None:
            sent["Idempotency-Key"] = key
        started = time.monotonic()
        status = answer = None
        got: dict[str, str] = {}
        if body is not None and "content" not in kwargs:
            kwargs["json"] = body
        try:
            response = self._client().request(method, self.base_url + path, headers=sent, **kwargs)
            status = response.status_code
            got = dict(response.headers)
            try:
                answer = response.json()
            except ValueError:
                answer = response.text
        except httpx.TransportError:
            self._local.client = None  # a fresh connection next time
        call = Call(
            method, path, status, time.monotonic() - started, clinic, role, body, answer, got, key
        )
        with self._lock:
            self.calls.append(call)
        return call

    def ok(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
        call = self.request(method, path, body, **kwargs)
        assert call.status is not None and 200 <= call.status < 300, (method, path, call)
        return call.answer

    def statuses(self) -> Counter[int | None]:
        return Counter(c.status for c in self.calls)


# ------------------------------------------------------------ event store
def stored_events(app: Any) -> list[Any]:
    """Every event in the store, in log order, decoded (and decrypted)."""
    events: list[Any] = []
    start = 1
    while True:
        notes = app.recorder.select_notifications(start=start, limit=1000)
        if not notes:
            return events
        events.extend(app.mapper.to_domain_event(n) for n in notes)
        start = notes[-1].id + 1


def check_versions_contiguous(events: Iterable[Any]) -> dict[UUID, int]:
    """Per aggregate, versions 1..n in log order without gap or repeat; returns n."""
    versions: dict[UUID, list[int]] = {}
    for e in events:
        versions.setdefault(e.originator_id, []).append(e.originator_version)
    for originator, seen in versions.items():
        assert seen == list(range(1, len(seen) + 1)), (originator, seen)
    return {k: len(v) for k, v in versions.items()}


def plan_reads(calls: Iterable[Call]) -> Counter[tuple[str, str, str, int]]:
    """(clinic, action template, plan id, status) of every answered read of one plan."""
    seen: Counter[tuple[str, str, str, int]] = Counter()
    for c in calls:
        if c.method != "GET" or c.status is None or not c.path.startswith("/plans/"):
            continue
        parts = c.path.split("?", 1)[0].split("/")
        try:
            plan_id = str(UUID(parts[2]))
        except ValueError:
            continue
        template = "/".join(["", "plans", "{plan_id}", *parts[3:]])
        seen[(c.clinic, f"GET {template}", plan_id, c.status)] += 1
    return seen


def access_log(get: Callable[[str, dict[str, Any], str], Any], clinic: str) -> list[dict]:
    """Every access-log entry of a clinic (as its auditor), paging through."""
    items: list[dict] = []
    after = 0
    while True:
        page = get("/access-log", {"limit": 1000, "after": after}, clinic)
        items.extend(page["items"])
        if not page["next"]:
            return items
        after = int(page["next"])


def assert_reads_logged(
    calls: Iterable[Call], get: Callable[[str, dict[str, Any], str], Any]
) -> int:
    """Every answered plan read (except 503s: unlogged reads are not served) is in the
    access log of the caller's clinic; returns how many reads were checked."""
    wanted = Counter({k: n for k, n in plan_reads(calls).items() if k[3] != 503})
    logged: Counter[tuple[str, str, str, int]] = Counter()
    for clinic in {k[0] for k in wanted}:
        for e in access_log(get, clinic):
            if e["plan_id"]:
                logged[(clinic, e["action"], e["plan_id"], e["outcome"])] += 1
    missing = wanted - logged
    assert not missing, f"plan reads missing from the access log: {list(missing.items())[:5]}"
    return sum(wanted.values())


def new_key() -> str:
    return uuid.uuid4().hex


def example_body(openapi: dict[str, Any], op: dict[str, Any]) -> Any:
    """The request body schema's first example (well-formed), or None without a body."""
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return None
    schema = content["schema"]
    ref = schema.get("$ref") or next(
        (s["$ref"] for s in schema.get("anyOf", []) if "$ref" in s), None
    )
    component = openapi["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema
    return component["examples"][0]


# ------------------------------------------------------------------ seeding
GOAL = {
    "statement": "Reduce anxiety symptoms by half within three months",
    "measure": {"instrument": "GAD-7", "baseline": 16, "target": 8},
    "target_date": "2025-06-01",
}


def seed_plan(rec: Recorder, clinic: str = CLINIC, client_id: str = "client-0042") -> dict:
    """A plan with a problem, a diagnosis, a goal and an intervention; their ids by name."""
    plan_id = rec.ok(
        "POST",
        "/plans",
        {
            "client_id": client_id,
            "start_date": START,
            "diagnoses": [{"code": "F41.1", "description": "Generalized anxiety disorder"}],
        },
        clinic=clinic,
    )["id"]
    base = f"/plans/{plan_id}"
    problem_id = rec.ok("POST", base + "/problems", {"description": "Worry"}, clinic=clinic)[
        "problem_id"
    ]
    # The goal serves a second problem too, so the first one may be resolved
    # (a live goal never loses its last open problem, contract v2).
    sleep_id = rec.ok("POST", base + "/problems", {"description": "Sleep"}, clinic=clinic)[
        "problem_id"
    ]
    goal_id = rec.ok(
        "POST", base + "/goals", {"problem_ids": [problem_id, sleep_id], **GOAL}, clinic=clinic
    )["goal_id"]
    intervention_id = rec.ok(
        "POST",
        base + "/interventions",
        {"modality": "CBT", "goal_ids": [goal_id]},
        clinic=clinic,
    )["intervention_id"]
    # A PHQ-9 positive on item 9: a score to correct and an open safety flag.
    score = rec.ok(
        "POST",
        base + "/scores",
        {
            "instrument": "PHQ-9",
            "score": 10,
            "administered_on": START,
            "item_scores": [1, 1, 1, 1, 1, 1, 1, 2, 1],
        },
        clinic=clinic,
    )
    return {
        "plan_id": plan_id,
        "problem_id": problem_id,
        "goal_id": goal_id,
        "intervention_id": intervention_id,
        "code": "F41.1",
        "score_id": score["score_id"],
        "flag_id": score["flag_id"],
    }


def acknowledge_flag(rec: Recorder, ids: dict, clinic: str = CLINIC) -> None:
    """Follow up the seeded plan's safety flag (a plan with an open flag does not close)."""
    rec.ok(
        "POST",
        f"/plans/{ids['plan_id']}/safety-flags/{ids['flag_id']}/acknowledge",
        {"action": "risk-assessed", "reason": "C-SSRS in session"},
        clinic=clinic,
    )
