"""Issue 15: one test per finding of the attacker's pass (each failed before its fix).

Tenancy and the access log run on both backends; token and header checks,
which involve no database behaviour, run on SQLite only.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4, uuid5

import jwt
import psycopg
import pytest
from api_support import API, CLINIC, OTHER_CLINIC, assert_problem, claims
from fastapi.testclient import TestClient
from pydantic import SecretStr
from typer.testing import CliRunner

from api.app import create_app
from api.cli import cli, uvicorn_options
from api.settings import Settings, SettingsError, load_settings
from domain.application import PLAN_NAMESPACE
from domain.keys import create_key_id
from domain.policy import policy_id

sqlite_only = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
FAR_FUTURE = "2199-12-31T00:00:00Z"


def same_answer(a: Any, b: Any, a_id: str, b_id: str) -> None:
    """Byte-identical, once each answer's own id (echoed in `detail`) is masked."""
    assert a.status_code == b.status_code, (a.status_code, a.text, b.status_code, b.text)
    assert a.headers.get("content-type") == b.headers.get("content-type")
    assert a.content.replace(a_id.encode(), b"ID") == b.content.replace(b_id.encode(), b"ID"), (
        a.text,
        b.text,
    )


# ------------------------------------------------------------ existence oracle
def test_another_clinics_plan_answers_byte_identically_to_a_random_id(api: API) -> None:
    theirs = api.ok(
        "POST",
        "/plans",
        {"client_id": "client-7", "start_date": "2025-03-03"},
        201,
        clinic=OTHER_CLINIC,
        headers={"Idempotency-Key": "intake-1"},
    )["id"]
    api.ok(
        "PUT",
        "/policy",
        {"review_interval_days": 60, "due_soon_days": 7, "required_signers": ["clinician"]},
        role="supervisor",
        clinic=OTHER_CLINIC,
    )
    api.add_problem(theirs, clinic=OTHER_CLINIC)
    # Ids another clinic could compute: the policy's, and the key record's.
    computable = [
        str(policy_id(OTHER_CLINIC)),
        str(create_key_id(OTHER_CLINIC, "POST /plans|intake-1")),
    ]
    suffixes = [
        "",
        f"?as_of={FAR_FUTURE}",
        "?as_of=2000-01-01T00:00:00Z",
        "?as_of=2025-03-03T00:00:00Z",
        "?version=1",
        "?version=2",
        "?version=999",
        "/timeline",
        "/timeline?format=jsonl",
        "/timeline?min_position=1",
        "/diff?from_version=1",
        "/diff?from_version=1&to_version=2",
        "/diff?from_version=0",
        "/verify",
        "/scores",
    ]
    for target in [theirs, *computable]:
        for suffix in suffixes:
            for role in ("clinician", "auditor"):
                random_id = str(uuid4())
                mine = api.get(f"/plans/{target}{suffix}", role=role)
                other = api.get(f"/plans/{random_id}{suffix}", role=role)
                assert mine.status_code in (404, 422), (target, suffix, mine.text)
                same_answer(mine, other, target, random_id)
        random_id = str(uuid4())
        body = {"description": "probe"}
        same_answer(
            api.post(f"/plans/{target}/problems", body),
            api.post(f"/plans/{random_id}/problems", body),
            target,
            random_id,
        )


def test_as_of_still_says_when_the_callers_own_plan_did_not_exist(api: API) -> None:
    plan_id = api.create_plan()
    before = api.get(f"/plans/{plan_id}", params={"as_of": "2000-01-01T00:00:00Z"})
    assert "did not exist at that time" in assert_problem(before, 404)["detail"]
    assert api.ok("GET", f"/plans/{plan_id}", params={"as_of": FAR_FUTURE})["version"] == 1


# --------------------------------------------------------------------- ids
def test_keyed_creates_get_random_ids_and_replay_by_key_per_clinic(api: API) -> None:
    body = {"client_id": "client-0042", "start_date": "2025-03-03"}
    key = {"Idempotency-Key": "intake-42"}
    first = api.request("POST", "/plans", json=body, headers=key)
    assert first.status_code == 201, first.text
    plan_id = first.json()["id"]
    derived = uuid5(PLAN_NAMESPACE, f"{CLINIC}\x00POST /plans|intake-42")
    assert UUID(plan_id) != derived and UUID(plan_id).version == 4
    again = api.request("POST", "/plans", json=body, headers=key)
    assert again.status_code == 201 and again.json()["id"] == plan_id
    assert again.headers["idempotent-replayed"] == "true"
    theirs = api.request("POST", "/plans", json=body, headers=key, clinic=OTHER_CLINIC)
    assert theirs.status_code == 201 and theirs.json()["id"] != plan_id
    changed = api.request("POST", "/plans", json={**body, "client_id": "x"}, headers=key)
    assert_problem(changed, 422)
    listed = api.ok("GET", "/plans", params={"min_position": again.json()["position"]})
    assert [p["id"] for p in listed["items"]] == [plan_id], "the key record is no plan"


def test_an_idempotency_key_is_not_bypassed_by_respelling_the_plan_id(api: API) -> None:
    plan_id = api.create_plan()
    hexed = UUID(plan_id).hex
    spellings = [plan_id, plan_id.upper(), hexed, f"urn:uuid:{plan_id}", hexed.upper()]
    body = {"description": "Panic attacks twice a week"}
    answers = [
        api.post(f"/plans/{s}/problems", body, headers={"Idempotency-Key": "p-1"})
        for s in spellings
    ]
    assert [a.status_code for a in answers] == [201] * len(spellings), [a.text for a in answers]
    assert len({a.json()["problem_id"] for a in answers}) == 1
    # Read once the timeline has the answer's event (read-your-writes), not before.
    at = max(a.json()["position"] for a in answers)
    added = [e for e in api.timeline(plan_id, min_position=at) if e["type"] == "ProblemAdded"]
    assert len(added) == 1, "one key, one problem"


# -------------------------------------------------------------- access log
def test_list_and_queue_reads_log_the_plans_they_disclosed(api: API) -> None:
    first = api.create_plan()
    second = api.create_plan(client_id="client-0043")
    created = api.post("/plans", {"client_id": "client-0099", "start_date": "2025-03-03"})
    third, at = created.json()["id"], created.json()["position"]
    search = api.ok(
        "GET", "/plans", params={"client_id": "client-0042", "min_position": at}, role="auditor"
    )
    assert [p["id"] for p in search["items"]] == [first]
    queue = api.ok(
        "GET", "/review-queue", params={"as_of": "2025-12-01", "min_position": at},
        role="supervisor",
    )  # fmt: skip
    assert {i["plan_id"] for i in queue["overdue"]} == {first, second, third}

    def looked_at(plan_id: str) -> list[tuple[str, str, int]]:
        items = api.ok("GET", "/access-log", params={"plan_id": plan_id}, role="auditor")["items"]
        return [(e["role"], e["action"], e["outcome"]) for e in items]

    assert ("auditor", "GET /plans", 200) in looked_at(first)
    assert ("supervisor", "GET /review-queue", 200) in looked_at(first)
    assert ("auditor", "GET /plans", 200) not in looked_at(second), "not in that search"
    assert ("supervisor", "GET /review-queue", 200) in looked_at(second)


def test_a_413_on_a_plans_command_is_logged(api: API, settings: Settings) -> None:
    plan_id = api.create_plan()
    huge = {"description": "x" * (settings.max_body_bytes + 10)}
    assert_problem(api.post(f"/plans/{plan_id}/problems", huge), 413)
    log = api.ok("GET", "/access-log", params={"plan_id": plan_id}, role="auditor")["items"]
    assert ("clinician", "POST /plans/{plan_id}/problems", 413) in [
        (e["role"], e["action"], e["outcome"]) for e in log
    ]
    # Without a valid token there is nobody to log, and the answer is still 413.
    anonymous = api.client.post(f"/plans/{plan_id}/problems", json=huge)
    assert anonymous.status_code == 413


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith("PLANS_"):
            monkeypatch.delenv(key)
    return CliRunner()


def cli_env(settings: Settings) -> dict[str, str]:
    return {
        "PLANS_DATABASE_URL": settings.database_url_or_default,
        "PLANS_DATA_DIR": str(settings.data_dir),
        "PLANS_JWT_SECRET": settings.secret(),
    }


def tamper(settings: Settings, statement: str, params: tuple[Any, ...] = ()) -> None:
    """What an intruder with the database owner's (or the file's) rights can do."""
    if settings.backend == "sqlite":
        with sqlite3.connect(settings.postgres_params()["path"]) as db:
            db.execute("DROP TRIGGER IF EXISTS access_log_no_update")
            db.execute("DROP TRIGGER IF EXISTS access_log_no_delete")
            db.execute(statement, params)
        return
    with psycopg.connect(settings.database_url_or_default, autocommit=True) as conn:
        conn.execute("ALTER TABLE access_log DISABLE TRIGGER USER")
        conn.execute(statement.replace("?", "%s"), params)
        conn.execute("ALTER TABLE access_log ENABLE TRIGGER USER")


def test_verify_access_log_detects_an_edited_or_deleted_entry(
    api: API, settings: Settings, runner: CliRunner
) -> None:
    plan_id = api.create_plan()
    for _ in range(4):
        api.get(f"/plans/{plan_id}", role="auditor")
    api.ok("GET", "/plans", role="auditor")
    ids = [e["id"] for e in api.ok("GET", "/access-log", role="auditor")["items"]]
    env = cli_env(settings)
    intact = runner.invoke(cli, ["verify", "--access-log"], env=env)
    assert intact.exit_code == 0, intact.output
    assert "chain intact" in intact.stdout

    tamper(settings, "UPDATE access_log SET outcome = 404 WHERE id = ?", (ids[2],))
    edited = runner.invoke(cli, ["verify", "--access-log"], env=env)
    assert edited.exit_code == 1, edited.output
    assert f"INVALID from entry {ids[2]}" in edited.stdout

    tamper(settings, "UPDATE access_log SET outcome = 200 WHERE id = ?", (ids[2],))
    assert runner.invoke(cli, ["verify", "--access-log"], env=env).exit_code == 0
    tamper(settings, "DELETE FROM access_log WHERE id = ?", (ids[1],))
    deleted = runner.invoke(cli, ["verify", "--access-log"], env=env)
    assert deleted.exit_code == 1 and f"INVALID from entry {ids[2]}" in deleted.stdout

    tamper(settings, "DELETE FROM access_log WHERE id >= ?", (ids[1],))
    tail = runner.invoke(cli, ["verify", "--access-log"], env=env)
    assert tail.exit_code == 1, "entries cut off the end are missed too"
    assert "missing" in tail.stdout


# ----------------------------------------------------- PostgreSQL two roles
@pytest.fixture
def service_role(settings: Settings) -> Iterator[tuple[str, str]]:
    if settings.backend != "postgres":
        pytest.skip("roles are PostgreSQL's")
    role = f"plans_svc_{uuid4().hex[:10]}"
    password = uuid4().hex
    with psycopg.connect(settings.database_url_or_default, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}'")
    try:
        yield role, password
    finally:
        with psycopg.connect(settings.database_url_or_default, autocommit=True) as conn:
            conn.execute(f'DROP OWNED BY "{role}"')
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
                (role,),
            )
        with psycopg.connect(settings.database_url_or_default, autocommit=True) as conn:
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_the_service_role_cannot_erase_the_access_log(
    settings: Settings, service_role: tuple[str, str], runner: CliRunner
) -> None:
    role, password = service_role
    owner_env = {**cli_env(settings), "PLANS_SERVICE_ROLE": role}
    init = runner.invoke(cli, ["init"], env=owner_env)
    assert init.exit_code == 0, init.output
    owner_url = settings.database_url_or_default
    parts = owner_url.split("://", 1)[1].split("@", 1)[1]
    service_url = f"postgresql://{role}:{password}@{parts}"
    service = settings.model_copy(update={"database_url": service_url})
    # The service, as its own role, serves: schema already there, commands,
    # projections and the access log all work with the granted rights.
    with TestClient(create_app(service)) as client:
        api = API(client, service.secret())
        plan_id = api.create_plan()
        api.add_problem(plan_id)
        assert api.ok("GET", f"/plans/{plan_id}/timeline", params={"min_position": 1})["items"]
        assert api.ok("GET", "/access-log", role="auditor")["items"]
    attacks = [
        "UPDATE access_log SET outcome = 200",
        "DELETE FROM access_log",
        "TRUNCATE access_log",
        "ALTER TABLE access_log DISABLE TRIGGER USER",
        "ALTER TABLE access_log DISABLE TRIGGER ALL",
        "DROP TABLE access_log",
        "DROP TRIGGER access_log_no_change ON access_log",
    ]
    with psycopg.connect(service_url, autocommit=True) as conn:
        for attack in attacks:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(attack)
        count = conn.execute("SELECT count(*) FROM access_log").fetchone()
        assert count is not None and count[0] >= 4
    verified = runner.invoke(
        cli,
        ["verify", "--access-log"],
        env={**cli_env(settings), "PLANS_DATABASE_URL": service_url},
    )
    assert verified.exit_code == 0, verified.output


# ------------------------------------------------------------- read-your-writes
def test_min_position_waiters_hold_no_thread_and_are_bounded(settings: Settings) -> None:
    waiters = 45
    quick = settings.model_copy(
        update={"min_position_wait_seconds": 6.0, "max_position_waiters": waiters}
    )
    with TestClient(create_app(quick)) as client, ThreadPoolExecutor(waiters + 5) as pool:
        api = API(client, quick.secret())
        api.create_plan()
        huge = {"min_position": 2**61}
        pending = [
            pool.submit(api.get, "/revisions", params=huge, role="auditor") for _ in range(waiters)
        ]
        state = client.app.state  # type: ignore[attr-defined]
        deadline = time.monotonic() + 30
        while getattr(state, "position_waiters", [0])[0] < waiters:
            assert time.monotonic() < deadline, "the waiters never started waiting"
            time.sleep(0.02)
        # Every waiter is waiting: the service still answers at once...
        assert client.get("/health").status_code == 200
        assert api.get("/plans").status_code == 200
        one_more = api.get("/revisions", params=huge, role="auditor")
        assert not any(f.done() for f in pending), "answered while all waiters still wait"
        # ...and one waiter too many is told to come back.
        assert_problem(one_more, 503)
        assert one_more.headers["retry-after"]
        for future in pending:
            assert_problem(future.result(), 503)
        assert state.position_waiters[0] == 0


def test_a_revisions_cursor_beyond_64_bits_is_422(api: API) -> None:
    api.create_plan()
    for after in ("9223372036854775808", "99999999999999999999999", "-1"):
        response = api.get("/revisions", params={"after": after}, role="auditor")
        assert_problem(response, 422, "after")


# -------------------------------------------------------------------- files
def test_the_data_dir_is_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    (data / "plans.db").touch()
    os.chmod(data / "plans.db", 0o644)  # as an earlier version left it
    old = os.umask(0o022)
    try:
        settings = Settings(data_dir=data, snapshot_interval=10)
        with TestClient(create_app(settings)) as client:
            api = API(client, settings.secret())
            api.add_problem(api.create_plan())
            names = {p.name for p in data.iterdir()}
            assert {"plans.db", "plans.db-wal", "plans.db-shm", "jwt_secret"} <= names, names
            assert stat.S_IMODE(data.stat().st_mode) == 0o700
            for path in data.iterdir():
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
        fresh = tmp_path / "fresh"
        settings = Settings(data_dir=fresh, snapshot_interval=10)
        with TestClient(create_app(settings)) as client:
            API(client, settings.secret()).create_plan()
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o700
        assert {stat.S_IMODE(p.stat().st_mode) for p in fresh.iterdir()} == {0o600}
    finally:
        os.umask(old)


# ------------------------------------------------------------------- tokens
@sqlite_only
def test_tokens_living_longer_than_the_maximum_are_refused(api: API) -> None:
    now = int(time.time())
    century = api.raw_token(exp=now + 100 * 365 * 86400)
    old_iat = api.raw_token(iat=now - 30 * 86400, exp=now + 600)
    for token in (century, old_iat):
        response = api.client.get("/plans", headers={"Authorization": f"Bearer {token}"})
        assert_problem(response, 401)
    fine = api.raw_token(iat=now, exp=now + 3600)
    assert api.client.get("/plans", headers={"Authorization": f"Bearer {fine}"}).status_code == 200


@sqlite_only
def test_the_maximum_lifetime_is_a_setting(settings: Settings, runner: CliRunner) -> None:
    strict = settings.model_copy(update={"jwt_max_ttl_minutes": 30})
    with TestClient(create_app(strict)) as client:
        api = API(client, strict.secret())
        hour = api.raw_token(exp=int(time.time()) + 3600)
        assert_problem(client.get("/plans", headers={"Authorization": f"Bearer {hour}"}), 401)
        assert api.get("/plans").status_code == 200  # 10 minutes
    args = ["token", "--sub", "a", "--role", "auditor", "--clinic", "c", "--ttl-minutes", "60"]
    env = {"PLANS_JWT_SECRET": settings.secret(), "PLANS_JWT_MAX_TTL_MINUTES": "30"}
    refused = runner.invoke(cli, args, env=env)
    assert refused.exit_code == 2 and refused.stdout == ""


def test_short_secrets_are_refused_at_start_up(runner: CliRunner) -> None:
    for secret in ("a", "x" * 31, "x" * 48 + ",short"):
        with pytest.raises(SettingsError, match="PLANS_JWT_SECRET"):
            load_settings(jwt_secret=secret)
        for args in (["serve"], ["token", "--sub", "a", "--role", "auditor", "--clinic", "c"]):
            result = runner.invoke(cli, args, env={"PLANS_JWT_SECRET": secret})
            assert result.exit_code == 2, (secret, args, result.output)
            assert "32 bytes" in result.stderr


@sqlite_only
def test_several_secrets_the_first_signs_all_verify(settings: Settings, runner: CliRunner) -> None:
    new, old = "new-secret-with-enough-entropy-0123456789abcdef", settings.secret()
    rotated = settings.model_copy(update={"jwt_secret": SecretStr(f"{new}, {old}")})
    with TestClient(create_app(rotated)) as client:
        for key in (new, old):
            token = jwt.encode(claims(), key, algorithm="HS256")
            assert (
                client.get("/plans", headers={"Authorization": f"Bearer {token}"}).status_code
                == 200
            )
        stranger = jwt.encode(claims(), "x" * 48, algorithm="HS256")
        assert_problem(client.get("/plans", headers={"Authorization": f"Bearer {stranger}"}), 401)
    args = ["token", "--sub", "a", "--role", "auditor", "--clinic", "c"]
    minted = runner.invoke(cli, args, env={"PLANS_JWT_SECRET": f"{new},{old}"})
    assert minted.exit_code == 0, minted.output
    assert jwt.decode(minted.stdout.strip(), new, algorithms=["HS256"])["sub"] == "a"


@sqlite_only
def test_issuer_and_audience_are_checked_when_configured(settings: Settings) -> None:
    strict = settings.model_copy(
        update={"jwt_issuer": "https://idp.example", "jwt_audience": "plans-api"}
    )
    with TestClient(create_app(strict)) as client:
        api = API(client, strict.secret())

        def status(**overrides: Any) -> int:
            token = api.raw_token(**overrides)
            return client.get("/plans", headers={"Authorization": f"Bearer {token}"}).status_code

        good = {"iss": "https://idp.example", "aud": "plans-api"}
        assert status(**good) == 200
        assert status(**{**good, "iss": None}) == 401
        assert status(**{**good, "iss": "https://evil.example"}) == 401
        assert status(**{**good, "aud": None}) == 401
        assert status(**{**good, "aud": "another-api"}) == 401
    # Without the settings both are ignored, as before.
    with TestClient(create_app(settings)) as client:
        api = API(client, settings.secret())
        token = api.raw_token(iss="anyone", aud="anything")
        assert client.get("/plans", headers={"Authorization": f"Bearer {token}"}).status_code == 200


@pytest.fixture
def jwks_server() -> Iterator[tuple[str, dict[str, Any]]]:
    """An identity provider's JWKS, served on loopback: one RSA and one EC key."""
    import json
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    keys = []
    for kid, key, alg in (("rsa-1", rsa_key, "RS256"), ("ec-1", ec_key, "ES256")):
        algorithm = jwt.algorithms.RSAAlgorithm if alg == "RS256" else jwt.algorithms.ECAlgorithm
        jwk = json.loads(algorithm.to_jwk(key.public_key()))
        keys.append({**jwk, "kid": kid, "alg": alg, "use": "sig"})
    body = json.dumps({"keys": keys}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
        yield url, {"rsa-1": rsa_key, "ec-1": ec_key}
    finally:
        server.shutdown()
        server.server_close()


@sqlite_only
def test_oidc_tokens_are_verified_with_the_identity_providers_keys(
    settings: Settings, jwks_server: tuple[str, dict[str, Any]]
) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    url, keys = jwks_server
    oidc = settings.model_copy(
        update={
            "oidc_jwks_url": url,
            "role_claim": "https://plans.example/role",
            "clinic_claim": "org_id",
        }
    )

    def idp_claims(**overrides: Any) -> dict[str, Any]:
        base = {
            "sub": "dr-ade",
            "https://plans.example/role": "auditor",
            "org_id": CLINIC,
            "iat": int(time.time()),
            "exp": int(time.time()) + 600,
        }
        return {k: v for k, v in {**base, **overrides}.items() if v is not None}

    with TestClient(create_app(oidc)) as client:

        def get(token: str) -> Any:
            return client.get("/access-log", headers={"Authorization": f"Bearer {token}"})

        rs = jwt.encode(idp_claims(), keys["rsa-1"], algorithm="RS256", headers={"kid": "rsa-1"})
        es = jwt.encode(idp_claims(), keys["ec-1"], algorithm="ES256", headers={"kid": "ec-1"})
        assert get(rs).status_code == 200, get(rs).text
        assert get(es).status_code == 200
        log = get(es).json()["items"]
        assert (log[0]["actor"], log[0]["role"], log[0]["clinic"]) == ("dr-ade", "auditor", CLINIC)
        stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        forged = jwt.encode(idp_claims(), stranger, algorithm="RS256", headers={"kid": "rsa-1"})
        unknown = jwt.encode(idp_claims(), stranger, algorithm="RS256", headers={"kid": "rsa-9"})
        no_role = jwt.encode(
            idp_claims(**{"https://plans.example/role": None}), keys["rsa-1"],
            algorithm="RS256", headers={"kid": "rsa-1"},
        )  # fmt: skip
        # Key confusion: an HS256 token keyed with the provider's public key.
        public_pem = (
            keys["rsa-1"]
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        confused = _hs256(idp_claims(), public_pem)
        for token in (forged, unknown, no_role, confused):
            assert_problem(get(token), 401)
        # The service's own HS256 tokens still work (with the configured claim names).
        own = jwt.encode(idp_claims(), oidc.secret(), algorithm="HS256")
        assert get(own).status_code == 200


# ------------------------------------------------------------------ headers
@sqlite_only
def test_every_answer_says_no_store(api: API) -> None:
    plan_id = api.create_plan()
    answers = [
        api.get(f"/plans/{plan_id}"),
        api.get(f"/plans/{uuid4()}"),
        api.get("/plans"),
        api.get("/access-log", role="auditor"),
        api.client.get("/plans"),
        api.post("/plans", {"client_id": ""}),
        api.client.get("/health"),
    ]
    for answer in answers:
        assert answer.headers["cache-control"] == "no-store", (
            answer.request.url,
            answer.status_code,
        )


@sqlite_only
def test_forwarded_headers_are_believed_only_from_trusted_proxies(settings: Settings) -> None:
    import asyncio

    import uvicorn

    def client_seen(options_settings: Settings, peer: str) -> str:
        seen: dict[str, Any] = {}

        async def inner(scope: Any, receive: Any, send: Any) -> None:
            seen["client"] = scope["client"][0]

        options = uvicorn_options(options_settings, "127.0.0.1", 8000, "info")
        options.pop("log_config")
        config = uvicorn.Config(inner, **options)
        config.load()
        scope = {
            "type": "http",
            "client": (peer, 5000),
            "headers": [(b"x-forwarded-for", b"203.0.113.7")],
            "scheme": "http",
        }
        asyncio.run(config.loaded_app(scope, None, None))
        return str(seen["client"])

    assert client_seen(settings, "127.0.0.1") == "127.0.0.1", "no proxy is trusted by default"
    proxied = settings.model_copy(update={"trusted_proxies": "10.0.0.5"})
    assert client_seen(proxied, "10.0.0.5") == "203.0.113.7"
    assert client_seen(proxied, "127.0.0.1") == "127.0.0.1"


def _hs256(payload: dict[str, Any], key: bytes) -> str:
    """An HS256 JWT keyed with arbitrary bytes (PyJWT refuses PEM keys for HMAC)."""
    import base64
    import hashlib
    import hmac
    import json

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(payload).encode())
    signature = hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(signature)}"
