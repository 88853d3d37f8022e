"""Encryption at rest: with PLANS_CIPHER_KEY, no client data in the bytes of the store.

Plans with a recognisable client id, goal statements and reasons are written
through the API (with more events than the snapshot interval, so snapshots
exist too). Then every byte of the store is searched: on SQLite the database
file itself (and its journal), on PostgreSQL every table (events, snapshots,
hash chain, the access log, the registries; read models stay empty because
no projection runs here; they are operational data and may be plain). The
same writes without a key are the control: there the text is found.

Without the key, or with another one, the service refuses to start rather
than serve garbage: open_application raises StoreUnreadableError and
`plans serve` / `plans project` exit non-zero with one line.
"""

from __future__ import annotations

import base64
import os
import subprocess
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql
from pydantic import SecretStr
from reliability_support import CLINIC, GOAL, PLANS, SECRET, START, Recorder, service_env

from api.app import create_app
from api.runtime import StoreUnreadableError, open_application
from api.settings import Settings

CLIENT_ID = "CLIENT-ID-Q7X4K9"
STATEMENT = "GOAL-STATEMENT-W3M8P2 sleep through the night"
REASON = "REASON-TEXT-Z5V1R6 client asked"
NEEDLES = [CLIENT_ID, STATEMENT, REASON, "PROBLEM-TEXT-H2J7"]


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def write_plans(settings: Settings) -> int:
    """Plans full of recognisable text, via the API; how many events were written."""
    with TestClient(create_app(settings, projections=False)) as client:
        rec = Recorder(client=client)
        for n in range(2):
            plan_id = rec.ok(
                "POST",
                "/plans",
                {"client_id": f"{CLIENT_ID}-{n}", "start_date": START, "reason": REASON},
            )["id"]
            base = f"/plans/{plan_id}"
            problem = rec.ok("POST", base + "/problems",
                             {"description": "PROBLEM-TEXT-H2J7", "reason": REASON})  # fmt: skip
            goal = {**GOAL, "problem_ids": [problem["problem_id"]], "statement": STATEMENT,
                    "reason": REASON}  # fmt: skip
            goal_id = rec.ok("POST", base + "/goals", goal)["goal_id"]
            for score in range(12):  # past the snapshot interval (10): snapshots too
                rec.ok("POST", base + "/scores", {"instrument": "GAD-7", "score": score,
                       "administered_on": "2025-04-01", "goal_id": goal_id,
                       "reason": REASON})  # fmt: skip
            rec.ok("POST", base + f"/goals/{goal_id}/status",
                   {"status": "on-hold", "reason": REASON})  # fmt: skip
            plan = rec.ok("GET", base)
            assert plan["client_id"] == f"{CLIENT_ID}-{n}"  # decrypted on the way out
            assert plan["goals"][0]["statement"] == STATEMENT
        app = client.app.state.services.plans  # type: ignore[attr-defined]
        return int(app.recorder.max_notification_id())


def store_bytes(settings: Settings) -> dict[str, bytes]:
    """Every byte of the store: the SQLite files, or each PostgreSQL table (binary COPY)."""
    if settings.backend == "sqlite":
        path = Path(settings.postgres_params()["path"])
        return {p.name: p.read_bytes() for p in path.parent.glob(path.name + "*")}
    found: dict[str, bytes] = {}
    with psycopg.connect(str(settings.database_url), autocommit=True) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        ).fetchall()
        for (table,) in tables:
            data = bytearray()
            query = sql.SQL("COPY {} TO STDOUT (FORMAT binary)").format(sql.Identifier(table))
            with conn.cursor().copy(query) as copy:
                for chunk in copy:
                    data += chunk
            found[table] = bytes(data)
    return found


def snapshots_exist(settings: Settings, blobs: dict[str, bytes]) -> bool:
    if settings.backend == "sqlite":
        return True  # one file holds every table
    return any("snapshot" in name and len(data) > 100 for name, data in blobs.items())


def plans_cli(settings: Settings, tmp_path: Path, *args: str, key: str | None) -> Any:
    env = service_env(str(settings.database_url), tmp_path / "data", key)
    return subprocess.run(
        [PLANS, *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )


@pytest.mark.slow
def test_nothing_readable_at_rest_and_no_start_without_the_key(
    settings: Settings, tmp_path: Path, backend: str, database_url: str
) -> None:
    key = new_key()
    encrypted = settings.model_copy(
        update={"cipher_key": SecretStr(key), "jwt_secret": SecretStr(SECRET)}
    )
    events = write_plans(encrypted)
    blobs = store_bytes(encrypted)
    assert snapshots_exist(settings, blobs), sorted(blobs)
    total = sum(len(b) for b in blobs.values())
    for needle in NEEDLES:
        for name, data in blobs.items():
            for form in (needle.encode(), needle.encode().hex().encode()):
                assert form not in data, f"{needle!r} readable in {name}"

    # Without the key, or with another one: refuse to start, say why in one line.
    for wrong in (None, new_key()):
        wrong_settings = settings.model_copy(
            update={"cipher_key": SecretStr(wrong) if wrong else None}
        )
        with pytest.raises(StoreUnreadableError, match="PLANS_CIPHER_KEY"):
            open_application(wrong_settings)
        for command in (["serve", "--port", "1"], ["project"]):
            result = plans_cli(settings, tmp_path, *command, key=wrong)
            assert result.returncode != 0, (command, result.stdout, result.stderr)
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            assert len(lines) == 1 and "PLANS_CIPHER_KEY" in lines[0], (command, result.stderr)
            assert not any(n in result.stderr + result.stdout for n in NEEDLES)
    # With the right key it starts and reads (the store is intact).
    app = open_application(encrypted)
    app.close()

    # Control: the same writes without a key leave the text in plain sight, so the
    # search above would have found it.
    if backend == "sqlite":
        plain_url = f"sqlite:///{(tmp_path / 'plain.db').as_posix()}"
    else:
        plain_url = database_url + "_plain"
        with psycopg.connect(database_url, autocommit=True) as conn:
            name = plain_url.rsplit("/", 1)[1]
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    plain = settings.model_copy(update={"database_url": plain_url, "jwt_secret": SecretStr(SECRET)})
    try:
        write_plans(plain)
        plain_blobs = b"".join(store_bytes(plain).values())
        for needle in NEEDLES:
            assert needle.encode() in plain_blobs, needle
    finally:
        if backend == "postgres":
            with psycopg.connect(database_url, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(plain_url.rsplit("/", 1)[1])
                    )
                )
    print(
        f"encryption ({backend}): {events} events, {len(blobs)} tables/files, "
        f"{total:,} bytes scanned, none of {len(NEEDLES)} texts found"
    )


ERASED = ["ERASED-CLIENT-K8D2", "ERASED-GOAL-P4N6 walk daily", "ERASED-REASON-T9C3"]
KEPT = ["KEPT-CLIENT-M5B7", "KEPT-GOAL-R2X8 sleep more", "KEPT-REASON-F6Q1"]


def write_client(rec: Recorder, texts: list[str]) -> str:
    """One plan whose client id, goal and reasons are `texts`; past a snapshot."""
    client_id, statement, reason = texts
    body = {"client_id": client_id, "start_date": START, "reason": reason}
    plan_id = rec.ok("POST", "/plans", body)["id"]
    base = f"/plans/{plan_id}"
    problem = rec.ok("POST", base + "/problems", {"description": statement, "reason": reason})
    goal = {**GOAL, "problem_ids": [problem["problem_id"]], "statement": statement,
            "reason": reason}  # fmt: skip
    goal_id = rec.ok("POST", base + "/goals", goal)["goal_id"]
    for score in range(12):
        rec.ok("POST", base + "/scores", {"instrument": "GAD-7", "score": score,
               "administered_on": "2025-04-01", "goal_id": goal_id, "reason": reason})  # fmt: skip
    return str(plan_id)


@pytest.mark.slow
def test_nothing_of_an_erased_client_readable_anywhere(settings: Settings, backend: str) -> None:
    """After `erase`, no table (PostgreSQL) and no file (SQLite database, WAL) holds the
    erased client's text, although the read models had it in plain text; the other
    client's rows are still there and readable."""
    from api.erasure import erase_client

    keyed = settings.model_copy(
        update={"cipher_key": SecretStr(new_key()), "jwt_secret": SecretStr(SECRET)}
    )
    with TestClient(create_app(keyed)) as client:
        rec = Recorder(client=client)
        write_client(rec, ERASED)
        write_client(rec, KEPT)
        services = client.app.state.services  # type: ignore[attr-defined]
        head = int(services.plans.recorder.max_notification_id())
        assert services.read_models.wait_for(head, 10.0)
        before = b"".join(store_bytes(keyed).values())
        assert all(t.encode() in before for t in ERASED + KEPT)  # the read models are plain
        erase_client(services.plans, keyed.library_env(), clinic=CLINIC,
                     client_id=ERASED[0], reason="erasure request", actor="dpo")  # fmt: skip
        # Scanned while the service still runs (its SQLite WAL is still there).
        blobs = store_bytes(keyed)
    for text in ERASED:
        for name, data in blobs.items():
            for form in (text.encode(), text.encode().hex().encode()):
                assert form not in data, f"{text!r} readable in {name} after erasure"
    everything = b"".join(blobs.values())
    assert all(t.encode() in everything for t in KEPT)
