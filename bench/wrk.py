"""Figure 8 — HTTP under a compiled load generator (wrk), beside a plain peer and pgbench.

Three systems, measured side by side in the same run (interleaved repetition
by repetition), on the same throwaway PostgreSQL database:

* ours: `plans serve` (subprocess, default settings: one process, the
  projections in process), POST `/plans/{id}/scores` with a bearer token, and
  GET `/plans/{id}`;
* ours, projections beside it: `plans serve --no-projections` plus one
  `plans project` process (the other deployment the issue allows);
* peer: a plain async FastAPI endpoint (bench/peer_http.py, same uvicorn)
  inserting the request body as one row through a psycopg pool, and reading
  one row back by id;
* pgbench: the same single-row INSERT with 16 clients (the database's limit),
  run once the servers have stopped (with their pools open, its 16 clients can
  pass PostgreSQL's default max_connections).

wrk drives 16 connections from 2 threads; a Lua script posts the JSON body,
spreads the requests over the plans (each wrk thread on plans of its own, so
no two requests in flight touch the same plan) and prints throughput, p50,
p99 and the count of non-2xx answers. Each run also reads the server
process's CPU time (utime + stime of the process and its children, from
/proc) before and after, so the table shows CPU milliseconds per request:
on a shared 2-core machine that is steadier than requests/s. Without `wrk` on PATH (`apt-get install
wrk`) the figure says so and is skipped; without `pgbench` only that column is.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import JWT_SECRET, SCORE_DAY, Figure, Spread, bench_settings, connect
from bench.common import throwaway_database as throwaway
from bench.http import popen_logged, server_log

CLINIC = "bench-clinic"
CONNECTIONS = 16
THREADS = 2
BODY = json.dumps({"instrument": "PHQ-9", "score": 9, "administered_on": SCORE_DAY.isoformat()})

LUA = """
local paths = {%(paths)s}
local method = "%(method)s"
local body = %(body)s
wrk.headers["Content-Type"] = "application/json"
%(auth)s
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
local i, n, first = 0, 1, 0
function init(args)
  local threads = tonumber(args[1])
  n = math.max(1, math.floor(#paths / threads))
  first = ((tid or 0) * n) %% #paths
end
function request()
  local path = paths[(first + i %% n) %% #paths + 1]
  i = i + 1
  return wrk.format(method, path, nil, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKJSON {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"non2xx\\": %%d, " ..
    "\\"socket_errors\\": %%d, \\"p50_us\\": %%d, \\"p99_us\\": %%d, \\"max_us\\": %%d}\\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def lua_script(paths: list[str], method: str, body: str | None, token: str | None) -> str:
    return LUA % {
        "paths": ", ".join(json.dumps(p) for p in paths),
        "method": method,
        "body": json.dumps(body) if body is not None else "nil",
        "auth": f'wrk.headers["Authorization"] = "Bearer {token}"' if token else "",
    }


def run_wrk(base: str, script: str, seconds: float) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
        path = f.name
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{THREADS}",
                f"-c{CONNECTIONS}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                path,
                base,
                "--",
                str(THREADS),
            ],  # fmt: skip
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        os.unlink(path)
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    raw = json.loads(line[len("WRKJSON ") :])
    return {
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "non2xx": raw["non2xx"] + raw["socket_errors"],
        "requests": raw["requests"],
    }


def run_pgbench(url: str, seconds: float) -> dict[str, float] | None:
    if shutil.which("pgbench") is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(f"INSERT INTO peer_rows (body) VALUES ('{BODY}');\n")
        path = f.name
    command = ["pgbench", "-n", "-M", "prepared", "-c", str(CONNECTIONS), "-j", str(THREADS),
               "-T", str(max(1, round(seconds))), "-f", path, url]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    finally:
        os.unlink(path)
    out = done.stdout
    if done.returncode != 0:
        raise RuntimeError(f"pgbench exited with {done.returncode}: {done.stderr[-500:]}")
    tps = re.search(r"tps = ([\d.]+)", out)
    avg = re.search(r"latency average = ([\d.]+) ms", out)
    if tps is None:
        raise RuntimeError(f"pgbench printed no tps: {out[-500:]}")
    return {"tps": float(tps.group(1)), "avg_ms": float(avg.group(1)) if avg else float("nan")}


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its direct children so far."""
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    total = 0
    for each in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def start_peer(url: str, port: int, data_dir: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PEER_DATABASE_URL=url)
    command = [sys.executable, "-m", "uvicorn", "bench.peer_http:app", "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning", "--no-access-log",
               "--no-server-header"]  # fmt: skip
    return popen_logged(command, env, data_dir / f"peer-{port}.log")


def wait_ok(url: str, proc: subprocess.Popen[bytes], headers: dict[str, str]) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {server_log(proc)}")
        try:
            if httpx.get(url, headers=headers, timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer 200 within a minute")


def bench_wrk(url: str, *, reps: int, seconds: float, log: Callable[[str], None]) -> list[Figure]:
    if shutil.which("wrk") is None:
        log("wrk: not installed (apt-get install wrk): figure skipped")
        return []
    # The projections-beside deployment gets a database of its own: a `plans
    # project` on the same log would take the read models from `plans serve`'s
    # in-process workers (one holder per read model) and blur both CPU figures.
    with throwaway("plans_bench_split") as split_url:
        return measure(url, split_url, reps=reps, seconds=seconds, log=log)


def measure(
    url: str, split_url: str, *, reps: int, seconds: float, log: Callable[[str], None]
) -> list[Figure]:
    from api.auth import mint_token
    from bench.append import seed_plans
    from bench.http import free_port, start_server, stop_server
    from bench.peer_http import DDL

    settings = bench_settings(url)
    plan_ids = seed_plans(settings, CONNECTIONS * 25, clinic=CLINIC)
    split_settings = bench_settings(split_url)
    split_ids = seed_plans(split_settings, CONNECTIONS * 25, clinic=CLINIC)
    with connect(url) as conn:
        conn.execute(DDL)
        conn.execute(
            "INSERT INTO peer_rows (body) SELECT %s::jsonb FROM generate_series(1, %s)",
            (BODY, len(plan_ids)),
        )
    token = mint_token(JWT_SECRET, "bench-clinician", "clinician", CLINIC, 240)
    auth = {"Authorization": f"Bearer {token}"}
    plan_paths = [f"/plans/{p}" for p in plan_ids]
    scripts = {
        "ours_post": lua_script([f"{p}/scores" for p in plan_paths], "POST", BODY, token),
        "peer_post": lua_script(["/rows"], "POST", BODY, None),
        "ours_get": lua_script(plan_paths, "GET", None, token),
        "peer_get": lua_script(
            [f"/rows/{k}" for k in range(1, len(plan_ids) + 1)], "GET", None, None
        ),
    }
    split_paths = [f"/plans/{p}" for p in split_ids]
    scripts["split_post"] = lua_script([f"{p}/scores" for p in split_paths], "POST", BODY, token)
    scripts["split_get"] = lua_script(split_paths, "GET", None, token)
    results: dict[str, list[dict[str, float]]] = {k: [] for k in scripts}
    pgbench: list[dict[str, float]] = []
    ours_port, peer_port, split_port = free_port(), free_port(), free_port()
    bases = {
        "ours": f"http://127.0.0.1:{ours_port}",
        "peer": f"http://127.0.0.1:{peer_port}",
        "split": f"http://127.0.0.1:{split_port}",
    }
    ours = start_server(url, settings.data_dir, ours_port)
    peer = start_peer(url, peer_port, settings.data_dir)
    split = start_server(split_url, split_settings.data_dir, split_port, "--no-projections")
    projector = start_server(split_url, split_settings.data_dir, split_port, command_name="project")
    servers = {"ours": ours, "peer": peer, "split": split}
    try:
        wait_ok(f"{bases['ours']}{plan_paths[-1]}", ours, auth)  # projected: GET answers 200
        wait_ok(f"{bases['split']}{split_paths[-1]}", split, auth)
        wait_ok(f"{bases['peer']}/rows/1", peer, {})
        for key in scripts:  # warm-up, not counted
            run_wrk(bases[key.split("_")[0]], scripts[key], 2)
        order = ("peer_post", "ours_post", "split_post", "peer_get", "ours_get", "split_get")
        for rep in range(reps):
            for key in order:
                system = key.split("_")[0]
                before = cpu_seconds(servers[system].pid)
                r = run_wrk(bases[system], scripts[key], seconds)
                r["cpu_ms_per_request"] = (
                    1000 * (cpu_seconds(servers[system].pid) - before) / max(r["requests"], 1)
                )
                results[key].append(r)
                log(
                    f"wrk {key} rep {rep + 1}/{reps}: {r['rps']:,.0f} req/s, "
                    f"p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, "
                    f"non-2xx {r['non2xx']:.0f}, "
                    f"server CPU {r['cpu_ms_per_request']:.2f} ms/request"
                )
    finally:
        for proc in (ours, peer, split, projector):
            stop_server(proc)
    # pgbench after the servers stopped: its 16 clients and the four servers'
    # pools together can pass PostgreSQL's default max_connections (100).
    for rep in range(reps):
        try:
            found = run_pgbench(url, seconds)
        except RuntimeError as e:  # reported; the HTTP figures still count
            log(f"pgbench rep {rep + 1}/{reps}: failed: {e}")
            continue
        if found is None:
            log("pgbench: not installed: its column is skipped")
            break
        pgbench.append(found)
        tps, avg = found["tps"], found["avg_ms"]
        log(f"pgbench rep {rep + 1}/{reps}: {tps:,.0f} tps, avg {avg:.2f} ms")

    def spread(key: str, field: str) -> Spread:
        s = Spread()
        for r in results[key]:
            s.add(r[field])
        return s

    non2xx = {k: int(sum(r["non2xx"] for r in v)) for k, v in results.items()}

    def throughput(key: str, title: str, peer_key: str, what: str) -> Figure:
        """Requests/s of one configuration beside the peer's, with the issue's goal."""
        figure = Figure(
            key=f"wrk_{title}",
            title=f"wrk {what}, {CONNECTIONS} connections",
            unit="requests/s",
            ours=spread(key, "rps"),
            baseline=spread(peer_key, "rps"),
            baseline_name="plain async FastAPI + psycopg pool, one "
            + ("INSERT" if peer_key == "peer_post" else "SELECT"),
            goal="≥ 0.5 × peer, zero non-2xx",
        )
        figure.goal_met = (figure.ratio or 0) >= 0.5 and non2xx[key] == 0
        return figure

    beside = "projections in `plans project`"
    post = throughput("ours_post", "post_scores", "peer_post", "POST scores")
    get = throughput("ours_get", "get_plan", "peer_get", "GET /plans/{id}")
    split_post = throughput(
        "split_post", "post_scores_projections_beside", "peer_post", f"POST scores, {beside}"
    )
    split_get = throughput(
        "split_get", "get_plan_projections_beside", "peer_get", f"GET /plans/{{id}}, {beside}"
    )
    post_p99 = Figure(
        key="wrk_post_scores_p99",
        title=f"wrk POST scores, {CONNECTIONS} connections, p99",
        unit="ms",
        ours=spread("ours_post", "p99_ms"),
        baseline=spread("peer_post", "p99_ms"),
        baseline_name="plain FastAPI peer p99",
        higher_is_better=False,
        goal="≤ 2 × peer p99",
    )
    post_p99.goal_met = post_p99.ours.median <= 2 * (post_p99.baseline or Spread()).median
    cpu_figures = [
        Figure(
            key=f"wrk_{key}_cpu",
            title=f"server CPU per request, {label}",
            unit="ms",
            ours=spread(key, "cpu_ms_per_request"),
            baseline=spread(peer_key, "cpu_ms_per_request"),
            baseline_name="the plain peer's CPU per request",
            higher_is_better=False,
        )
        for key, peer_key, label in (
            ("ours_post", "peer_post", "POST scores"),
            ("split_post", "peer_post", "POST scores, projections beside (server only)"),
            ("ours_get", "peer_get", "GET /plans/{id}"),
        )
    ]
    extra = {
        "seconds_per_run": seconds,
        "connections": CONNECTIONS,
        "wrk_threads": THREADS,
        "non2xx": non2xx,
        "runs": results,
        "server": "plans serve (1 process, projections in process); split: plans serve "
        "--no-projections + plans project",
    }
    post.extra = get.extra = extra
    post_p99.extra = {"p50_ms": spread("ours_post", "p50_ms").as_dict(),
                      "peer_p50_ms": spread("peer_post", "p50_ms").as_dict()}  # fmt: skip
    figures = [post, post_p99, get, split_post, split_get, *cpu_figures]
    if pgbench:
        db = Spread()
        for r in pgbench:
            db.add(r["tps"])
        figures.append(
            Figure(
                key="wrk_post_vs_pgbench",
                title=f"wrk POST scores vs pgbench INSERT, {CONNECTIONS} clients",
                unit="requests/s",
                ours=spread("ours_post", "rps"),
                baseline=db,
                baseline_name="pgbench single-row INSERT, 16 clients",
                extra={"pgbench_avg_latency_ms": [r["avg_ms"] for r in pgbench],
                       "peer_vs_pgbench": [p["rps"] / d["tps"] for p, d in
                                           zip(results["peer_post"], pgbench, strict=False)]},
            )
        )  # fmt: skip
    return figures
