"""Figure 2 — HTTP end to end: `plans serve` on PostgreSQL, 16 concurrent clients.

`plans serve` runs as a subprocess (default options: projections in the same
process, one worker) on a free port against the throwaway database. Plans
are created beforehand through the bulk path. 16 client threads, each with
its own keep-alive httpx.Client and a bearer token of the clinic, POST
`/plans/{id}/scores` (one ScoreRecorded each) for a fixed number of
requests, each client on its own plans. Every answer must be 201.

Baseline, same run: raw single-row INSERT transactions (autocommit psycopg)
by 16 connections, throughput and per-transaction latency.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import (
    JWT_SECRET,
    SCORE_DAY,
    Figure,
    Spread,
    bench_settings,
    connect,
    percentile,
    run_threads,
    split,
)

CLINIC = "bench-clinic"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    url: str, data_dir: Path, port: int, *options: str, command_name: str = "serve"
) -> subprocess.Popen[bytes]:
    """`plans serve --port PORT` (or another `plans` command, e.g. `project`),
    with `options` added, on `url`, logging to a file in `data_dir`."""
    env = dict(os.environ)
    for key in list(env):
        if key.startswith("PLANS_"):
            del env[key]
    env.update(
        PLANS_DATABASE_URL=url,
        PLANS_JWT_SECRET=JWT_SECRET,
        PLANS_DATA_DIR=str(data_dir),
    )
    command = [
        sys.executable,
        "-c",
        "from api.cli import main; main()",
        command_name,
        *(["--port", str(port), "--log-level", "warning"] if command_name == "serve" else []),
        *options,
    ]
    # stderr goes to a file, not a pipe: nobody reads a pipe while the server runs, and
    # once its 64 KiB buffer is full the server's next log line blocks its event loop.
    return popen_logged(command, env, data_dir / f"{command_name}-{port}.log")


SERVER_LOGS: dict[int, Path] = {}


def popen_logged(
    command: list[str], env: dict[str, str], log_path: Path
) -> subprocess.Popen[bytes]:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as err:
        proc = subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
            cwd=Path(__file__).resolve().parents[1],
        )
    SERVER_LOGS[proc.pid] = log_path
    return proc


def server_log(proc: subprocess.Popen[bytes]) -> str:
    """The tail of what a server started here wrote to stderr."""
    path = SERVER_LOGS.get(proc.pid)
    if path is None or not path.exists():
        return ""
    return path.read_text(errors="replace")[-2000:]


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"plans serve exited with {proc.returncode}: {server_log(proc)}")
        try:
            if httpx.get(f"{base}/health", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("plans serve did not become healthy within a minute")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def http_workload(
    base: str, token: str, plan_ids: list[Any], clients: int, requests: int
) -> Callable[[int], list[float]]:
    import httpx

    shares = split(requests, clients)
    body = {"instrument": "PHQ-9", "score": 9, "administered_on": SCORE_DAY.isoformat()}

    def client(i: int) -> list[float]:
        mine = plan_ids[i::clients]
        latencies = []
        with httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30.0
        ) as http:
            for k in range(shares[i]):
                t0 = time.perf_counter()
                response = http.post(f"/plans/{mine[k % len(mine)]}/scores", json=body)
                latencies.append((time.perf_counter() - t0) * 1000)
                if response.status_code != 201:
                    raise RuntimeError(f"POST scores answered {response.status_code}")
        return latencies

    return client


def raw_latency_workload(
    url: str, writers: int, commands: int, state_size: int
) -> Callable[[int], list[float]]:
    import uuid

    from bench.append import RAW_TABLE, TOPIC

    shares = split(commands, writers)

    def writer(i: int) -> list[float]:
        state = os.urandom(state_size)
        latencies = []
        with connect(url) as conn:
            oid = uuid.uuid4()
            for v in range(shares[i]):
                t0 = time.perf_counter()
                conn.execute(
                    f"INSERT INTO {RAW_TABLE} VALUES (%s, %s, %s, %s)",
                    (oid, v, TOPIC, state),
                    prepare=True,
                )
                latencies.append((time.perf_counter() - t0) * 1000)
        return latencies

    return writer


def bench_http(
    url: str,
    *,
    reps: int,
    requests: int,
    clients: int,
    log: Callable[[str], None],
) -> list[Figure]:
    from api.auth import mint_token
    from bench.append import create_raw_table, seed_plans

    settings = bench_settings(url)
    plan_ids = seed_plans(settings, clients * 25, clinic=CLINIC)
    create_raw_table(url)
    token = mint_token(JWT_SECRET, "bench-clinician", "clinician", CLINIC, 240)
    throughput = Figure(
        key="http_scores",
        title=f"HTTP POST scores, {clients} clients",
        unit="requests/s",
        baseline=Spread(),
        baseline_name=f"raw single-row INSERT txns, {clients} connections",
        goal="≥ 35 % of raw, p99 ≤ 50 ms",
    )
    p50, p99, raw50, raw99 = Spread(), Spread(), Spread(), Spread()
    # Raw is measured beside each repetition.
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(url, settings.data_dir, port)
    try:
        wait_ready(base, proc)
        run_threads(clients, http_workload(base, token, plan_ids, clients, clients * 5))
        for rep in range(reps):
            elapsed, lat = run_threads(clients, raw_latency_workload(url, clients, requests, 424))
            flat = [x for part in lat for x in part]
            throughput.baseline.add(len(flat) / elapsed)
            raw50.add(percentile(flat, 50))
            raw99.add(percentile(flat, 99))
            elapsed, lat = run_threads(
                clients, http_workload(base, token, plan_ids, clients, requests)
            )
            flat = [x for part in lat for x in part]
            rps, q50, q99 = len(flat) / elapsed, percentile(flat, 50), percentile(flat, 99)
            throughput.ours.add(rps)
            p50.add(q50)
            p99.add(q99)
            log(
                f"http plans serve rep {rep + 1}/{reps}: "
                f"{rps:.0f} req/s, p50 {q50:.1f} ms, p99 {q99:.1f} ms; raw "
                f"{throughput.baseline.values[-1]:.0f}/s, p50 {raw50.values[-1]:.1f} ms, "
                f"p99 {raw99.values[-1]:.1f} ms"
            )
    finally:
        stop_server(proc)
    throughput.goal_met = (throughput.ratio or 0) >= 0.35 and p99.median <= 50.0
    throughput.extra = {
        "requests_per_run": requests,
        "clients": clients,
        "p50_ms": p50.as_dict(),
        "p99_ms": p99.as_dict(),
        "raw_p50_ms": raw50.as_dict(),
        "raw_p99_ms": raw99.as_dict(),
        "server": "plans serve (1 process, projections in process)",
    }
    latency = Figure(
        key="http_scores_p99",
        title=f"HTTP POST scores, {clients} clients, p99",
        unit="ms",
        ours=p99,
        baseline=raw99,
        baseline_name=f"raw INSERT txn p99, {clients} connections",
        higher_is_better=False,
        goal="≤ 50 ms",
        goal_met=p99.median <= 50.0,
        extra={"p50_ms": p50.as_dict(), "raw_p50_ms": raw50.as_dict()},
    )
    figures = [throughput, latency]
    return figures
