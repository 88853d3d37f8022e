"""The `plans` command: help, tokens, settings errors, demo data, verify, serve, project.

Quick checks run in-process (typer's CliRunner); what depends on a real process
(exit codes without a traceback, a server answering, signals) runs the installed
console script in a subprocess with a clean environment.
"""

from __future__ import annotations

import base64
import json
import logging
import logging.config
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from uuid import UUID, uuid4

import jwt
import psycopg
import pytest
from typer.testing import CliRunner

from api.cli import cli, uvicorn_options
from api.demo import CLINICS
from api.runtime import open_application
from api.settings import Settings
from domain.commands import CreatePlan

SUBCOMMANDS = ["serve", "project", "rebuild", "token", "demo", "verify", "init"]
SECRET = "cli-test-secret-with-enough-entropy-0123456789"


def plans_command() -> list[str]:
    script = Path(sys.executable).parent / "plans"
    if script.exists():
        return [str(script)]
    found = shutil.which("plans")
    assert found, "the `plans` console script is not installed (pip install -e .)"
    return [found]


def clean_env(**settings: str) -> dict[str, str]:
    """The process environment without any PLANS_* setting, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANS_")}
    env.update(settings)
    return env


def run(
    args: list[str], env: dict[str, str], cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:  # noqa: E501
    return subprocess.run(
        plans_command() + args, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def settings_env(settings: Settings) -> dict[str, str]:
    return {
        "PLANS_DATABASE_URL": settings.database_url_or_default,
        "PLANS_DATA_DIR": str(settings.data_dir),
        "PLANS_JWT_SECRET": settings.secret(),
    }


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    # No .env of the developer's may leak in: run from an empty directory.
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith("PLANS_"):
            monkeypatch.delenv(key)
    return CliRunner()


# ----------------------------------------------------------------------- help
def test_help_lists_every_command(tmp_path: Path) -> None:
    result = run(["--help"], clean_env(), tmp_path)
    assert result.returncode == 0, result.stderr
    for name in SUBCOMMANDS:
        assert name in result.stdout


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_each_command_has_help(runner: CliRunner, name: str) -> None:
    result = runner.invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.stdout


# ---------------------------------------------------------------------- token
def test_token_prints_only_a_token_signed_with_the_secret(runner: CliRunner) -> None:
    result = runner.invoke(
        cli,
        ["token", "--sub", "dr.okafor", "--role", "clinician", "--clinic", "northside",
         "--ttl-minutes", "5"],
        env={"PLANS_JWT_SECRET": SECRET},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    token = result.stdout.strip()
    assert result.stdout == token + "\n"
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert (claims["sub"], claims["role"], claims["clinic"]) == (
        "dr.okafor",
        "clinician",
        "northside",
    )
    assert 299 <= claims["exp"] - time.time() <= 301


def test_token_without_a_secret_uses_the_generated_one(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "data"
    args = ["token", "--sub", "a", "--role", "auditor", "--clinic", "c"]
    result = runner.invoke(cli, args, env={"PLANS_DATA_DIR": str(data)})
    assert result.exit_code == 0, result.stderr
    secret = Settings(data_dir=data).secret()
    assert (data / "jwt_secret").stat().st_mode & 0o777 == 0o600
    assert jwt.decode(result.stdout.strip(), secret, algorithms=["HS256"])["role"] == "auditor"


def test_token_refuses_an_unknown_role(runner: CliRunner) -> None:
    result = runner.invoke(
        cli,
        ["token", "--sub", "x", "--role", "admin", "--clinic", "c"],
        env={"PLANS_JWT_SECRET": SECRET},
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "unknown role" in result.stderr


# -------------------------------------------------------- settings, database
@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("PLANS_DATABASE_URL", "mysql://user@host/db", "PLANS_DATABASE_URL"),
        ("PLANS_DATABASE_URL", "postgresql://user@host:notaport/db", "PLANS_DATABASE_URL"),
        ("PLANS_CIPHER_KEY", "not-base64!", "PLANS_CIPHER_KEY"),
        ("PLANS_POOL_SIZE", "0", "PLANS_POOL_SIZE"),
    ],
)
def test_a_bad_setting_is_one_line_and_exit_code_2(
    tmp_path: Path, variable: str, value: str, expected: str
) -> None:
    result = run(["demo", "--plans", "1"], clean_env(**{variable: value}), tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_an_unreachable_database_is_one_line_and_exit_code_1(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = clean_env(PLANS_DATABASE_URL=f"postgresql://root:hunter2@127.0.0.1:{port}/plans")
    result = run(["init"], env, tmp_path, timeout=60)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "unreachable" in lines[0] and f"127.0.0.1:{port}" in lines[0]
    assert "hunter2" not in result.stderr


def test_serve_refuses_workers_with_in_process_projections(tmp_path: Path) -> None:
    result = run(["serve", "--workers", "2"], clean_env(PLANS_DATA_DIR=str(tmp_path)), tmp_path)
    assert result.returncode == 2
    assert "--no-projections" in result.stderr


def test_serve_refuses_an_unknown_log_level(tmp_path: Path) -> None:
    result = run(
        ["serve", "--log-level", "chatty"], clean_env(PLANS_DATA_DIR=str(tmp_path)), tmp_path
    )
    assert result.returncode == 2
    assert "unknown log level 'chatty'" in result.stderr and "Traceback" not in result.stderr


# ------------------------------------------------------ demo, rebuild, verify
def tamper(settings: Settings, plan_id: UUID, version: int) -> None:
    """Change one stored event's bytes behind the application's back."""
    if settings.backend == "sqlite":
        import sqlite3

        with sqlite3.connect(settings.postgres_params()["path"]) as conn:
            changed = conn.execute(
                "UPDATE stored_events SET state = CAST(state || x'20' AS BLOB) "
                "WHERE originator_id = ? AND originator_version = ?",
                (plan_id.hex, version),
            ).rowcount
    else:
        with psycopg.connect(settings.database_url_or_default, autocommit=True) as conn:
            changed = conn.execute(
                "UPDATE plans_events SET state = state || '\\x20'::bytea "
                "WHERE originator_id = %s AND originator_version = %s",
                (plan_id, version),
            ).rowcount
    assert changed == 1


def test_demo_then_read_models_then_verify(
    runner: CliRunner, settings: Settings, tmp_path: Path
) -> None:
    env = settings_env(settings)
    first = runner.invoke(cli, ["demo", "--plans", "30"], env=env)
    assert first.exit_code == 0, first.stderr
    assert first.stdout.startswith("demo: 30 plans in 3 clinics")
    again = runner.invoke(cli, ["demo", "--plans", "30"], env=env)
    assert again.exit_code == 0, again.stderr
    assert ", 0 events recorded," in again.stdout  # a second run records nothing

    rebuilt = runner.invoke(cli, ["rebuild"], env=env)
    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert rebuilt.stdout.startswith("rebuilt ")

    from projections.readmodels import ReadModels

    app = open_application(settings)
    models = ReadModels.open(settings.library_env(create_table=False), app)
    try:
        overdue = due_soon = 0
        for clinic in CLINICS:
            queue = models.review_queue(clinic.id, date.today(), clinic.due_soon_days)
            overdue += len(queue["overdue"])
            due_soon += len(queue["due_soon"])
        assert overdue > 0 and due_soon > 0
        plans, _ = models.list_plans(CLINICS[0].id, limit=50)
        assert plans
        plan_id = UUID(str(plans[0]["id"]))
        timeline = models.timeline(plan_id)
        assert timeline[0]["type"] == "PlanCreated"
        assert len(timeline) >= 5
    finally:
        models.close()
        app.close()

    intact = runner.invoke(cli, ["verify"], env=env)
    assert intact.exit_code == 0, intact.stderr
    assert "every chain intact" in intact.stdout
    one = runner.invoke(cli, ["verify", "--plan", str(plan_id)], env=env)
    assert one.exit_code == 0 and "valid" in one.stdout

    tamper(settings, plan_id, 2)
    broken = runner.invoke(cli, ["verify"], env=env)
    assert broken.exit_code == 1
    assert "1 INVALID" in broken.stdout and str(plan_id) in broken.stdout
    broken_one = runner.invoke(cli, ["verify", "--plan", str(plan_id)], env=env)
    assert broken_one.exit_code == 1
    assert "INVALID from version 2" in broken_one.stdout

    missing = runner.invoke(cli, ["verify", "--plan", str(uuid4())], env=env)
    assert missing.exit_code == 1
    assert "not found" in missing.stderr


def test_verify_needs_no_cipher_key_where_serving_does(
    runner: CliRunner, settings: Settings
) -> None:
    key = base64.b64encode(bytes(range(32))).decode()
    written = runner.invoke(
        cli, ["demo", "--plans", "3"], env={**settings_env(settings), "PLANS_CIPHER_KEY": key}
    )
    assert written.exit_code == 0, written.stderr
    # The chain covers the stored, encrypted bytes: an auditor without the key
    # (or after crypto-shredding) can still check every plan.
    checked = runner.invoke(cli, ["verify"], env=settings_env(settings))
    assert checked.exit_code == 0, checked.stderr
    assert "every chain intact" in checked.stdout
    served = runner.invoke(cli, ["serve", "--port", "1"], env=settings_env(settings))
    assert served.exit_code == 2
    assert "PLANS_CIPHER_KEY" in served.stderr


def test_rebuild_refuses_an_unknown_read_model(runner: CliRunner, settings: Settings) -> None:
    result = runner.invoke(cli, ["rebuild", "no_such_model"], env=settings_env(settings))
    assert result.exit_code == 2
    assert "unknown read model" in result.stderr


# --------------------------------------------------------- real processes
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
        return response.status, response.read()


def test_serve_answers_health_and_stops_on_sigterm(
    settings: Settings, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    port = free_port()
    server = subprocess.Popen(
        [*plans_command(), "serve", "--port", str(port)],
        env=clean_env(**settings_env(settings)),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    processes.append(server)
    deadline = time.monotonic() + 60
    status = None
    while time.monotonic() < deadline and server.poll() is None:
        try:
            status, _ = get(f"http://127.0.0.1:{port}/health?client_id=MRN-SECRET-42")
            break
        except OSError:
            time.sleep(0.2)
    assert status == 200, server.stderr.read() if server.poll() is not None else "no answer"
    server.send_signal(signal.SIGTERM)
    out, errors = server.communicate(timeout=30)
    # uvicorn shuts down gracefully, then re-raises the signal it caught.
    assert server.returncode in (0, -signal.SIGTERM), errors
    assert "Application shutdown complete" in errors
    # One JSON line per request shows the route template ...
    requests = [json.loads(line) for line in errors.splitlines() if '"api.requests"' in line]
    assert any(r["method"] == "GET" and r["route"] == "/health" for r in requests), errors
    assert all(r["request_id"] for r in requests)
    assert "MRN-SECRET-42" not in out + errors  # ... never the query string


@pytest.mark.parametrize(("level", "request_lines"), [("info", True), ("warning", False)])
def test_serve_log_level_governs_the_request_lines(
    level: str, request_lines: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    """`serve --log-level warning` drops the per-request lines (INFO), as uvicorn drops
    its access lines, and keeps warnings; `info` (the default) writes them."""
    names = ("api", "plans", "projections", "uvicorn")
    saved = {n: (logging.getLogger(n).level, logging.getLogger(n).handlers[:],
                 logging.getLogger(n).propagate) for n in names}  # fmt: skip
    try:
        options = uvicorn_options(Settings(), "127.0.0.1", 8000, level)
        logging.config.dictConfig(options["log_config"])
        logging.getLogger("api.requests").info("request", extra={"route": "/health"})
        logging.getLogger("api.requests").warning("slow request")
    finally:
        for name, (lvl, handlers, propagate) in saved.items():
            logger = logging.getLogger(name)
            logger.setLevel(lvl)
            logger.handlers[:] = handlers
            logger.propagate = propagate
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    assert any(x["message"] == "slow request" for x in lines)
    assert any(x["message"] == "request" for x in lines) is request_lines


def test_project_runs_until_sigterm(
    settings: Settings, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    projector = subprocess.Popen(
        [*plans_command(), "project"],
        env=clean_env(**settings_env(settings)),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    processes.append(projector)
    assert projector.stderr is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = projector.stderr.readline()
        if not line or "projecting from" in line:
            break
    assert projector.poll() is None, projector.stderr.read()
    time.sleep(0.5)
    projector.send_signal(signal.SIGTERM)
    _, errors = projector.communicate(timeout=30)
    assert projector.returncode == 0, errors
    assert "projections stopped" in errors


def test_project_one_read_model_per_process(
    settings: Settings, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    from api.runtime import init_schema
    from domain.plan import Actor
    from projections.readmodels import ReadModels

    init_schema(settings)
    app = open_application(settings)
    read_models = ReadModels(settings.library_env(), app)
    try:
        app.create_plan(
            Actor("dr-a", "clinician", "riverside"),
            CreatePlan(client_id="client-1", start_date=date(2025, 1, 6)),
        )
        head = int(app.recorder.max_notification_id() or 0)
        projector = subprocess.Popen(
            [*plans_command(), "project", "--read-model", "plans"],
            env=clean_env(**settings_env(settings)), cwd=tmp_path,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        processes.append(projector)
        deadline = time.monotonic() + 60
        while read_models.positions()["plans"] < head and time.monotonic() < deadline:
            time.sleep(0.1)
        assert read_models.positions()["plans"] == head
        assert read_models.positions(["plan_timeline"])["plan_timeline"] == 0
        # The one followed is healthy; the others are behind and not moving.
        status = run(["status", "--window", "0.5"], clean_env(**settings_env(settings)), tmp_path)
        assert status.returncode == 1, status.stdout
        assert "plans: position" in status.stdout and "STALLED" in status.stdout
        projector.send_signal(signal.SIGTERM)
        projector.communicate(timeout=30)
    finally:
        read_models.close()
        app.close()


def test_project_refuses_an_unknown_read_model(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["project", "--read-model", "nope"],
                           env={"PLANS_DATA_DIR": str(tmp_path / "data")})  # fmt: skip
    assert result.exit_code == 2
    assert "unknown read model 'nope'" in result.output
