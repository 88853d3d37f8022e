"""Erasure by crypto-shredding, and master-key rotation, on both backends.

A client's plans are erased while another client (and the same client id in
another clinic) stay: afterwards the erased plans answer 410 (problem type
ending `erased`) on every route but verify, the read models hold nothing of
them and equal a rebuild, auditors list the erasure without the client id.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from uuid import UUID

import pytest
from api_support import API, CLINIC, OTHER_CLINIC, assert_problem, goal_body
from fastapi.testclient import TestClient
from pydantic import SecretStr
from typer.testing import CliRunner

from api.app import create_app
from api.cli import cli
from api.erasure import erase_client, list_erasures, rotate_keys
from api.runtime import init_schema, open_application
from api.settings import Settings
from projections.catalog import MODELS
from projections.runner import rebuild

ERASED_CLIENT = "client-ERASE-ME-7731"
KEPT_CLIENT = "client-KEEP-ME-2208"


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def keyed(settings: Settings) -> Settings:
    return settings.model_copy(update={"cipher_key": SecretStr(new_key())})


@pytest.fixture
def api(keyed: Settings) -> Iterator[API]:
    with TestClient(create_app(keyed)) as client:
        yield API(client, keyed.secret())


def plan_of(api: API, client_id: str, clinic: str = CLINIC) -> str:
    plan_id = api.create_plan(clinic=clinic, client_id=client_id, reason="intake")
    problem = api.add_problem(plan_id, clinic=clinic)
    api.ok("POST", f"/plans/{plan_id}/goals", goal_body(problem), 201, clinic=clinic)
    return plan_id


def settle(api: API) -> int:
    """Wait until every read model has caught up with the log; the head position."""
    services = api.client.app.state.services  # type: ignore[attr-defined]
    head = int(services.plans.recorder.max_notification_id())
    assert services.read_models.wait_for(head, 10.0)
    return head


def test_erased_client_answers_410_and_leaves_no_rows(api: API, keyed: Settings) -> None:
    erased = [plan_of(api, ERASED_CLIENT), plan_of(api, ERASED_CLIENT)]
    kept = plan_of(api, KEPT_CLIENT)
    twin = plan_of(api, ERASED_CLIENT, clinic=OTHER_CLINIC)  # same id, other clinic
    settle(api)
    services = api.client.app.state.services  # type: ignore[attr-defined]

    report = erase_client(
        services.plans,
        keyed.library_env(),
        clinic=CLINIC,
        client_id=ERASED_CLIENT,
        reason="GDPR art. 17 request",
        actor="dpo-lee",
    )
    assert sorted(map(str, report.plan_ids)) == sorted(erased)
    assert report.keys_destroyed == 1 and report.rows_deleted > 0

    for plan_id in erased:
        for path in ("", "/timeline", "/scores", "/timeline?format=jsonl", "/diff?from_version=1"):
            body = assert_problem(api.get(f"/plans/{plan_id}{path}"), 410)
            assert body["type"].endswith("erased"), body
        body = assert_problem(api.post(f"/plans/{plan_id}/problems", {"description": "more"}), 410)
        assert body["type"].endswith("erased")
        verified = api.ok("GET", f"/plans/{plan_id}/verify")
        assert verified["valid"] is True
        # Another clinic learns nothing, not even that the plan was erased.
        assert_problem(api.get(f"/plans/{plan_id}", clinic=OTHER_CLINIC), 404)

    # Other clients, and the same client id in another clinic, are untouched.
    assert api.ok("GET", f"/plans/{kept}")["client_id"] == KEPT_CLIENT
    assert api.ok("GET", f"/plans/{twin}", clinic=OTHER_CLINIC)["client_id"] == ERASED_CLIENT
    listed = [p["id"] for p in api.ok("GET", "/plans", params={"limit": 100})["items"]]
    assert kept in listed and not set(erased) & set(listed)
    api.ok("POST", f"/plans/{kept}/problems", {"description": "sleep"}, 201)

    # Auditors see who, when, why and which plans; never the client id.
    response = api.get("/erasures", role="auditor")
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert len(items) == 1 and ERASED_CLIENT not in response.text
    assert items[0]["actor"] == "dpo-lee" and items[0]["reason"] == "GDPR art. 17 request"
    assert sorted(items[0]["plan_ids"]) == sorted(erased)
    assert api.ok("GET", "/erasures", role="auditor", clinic=OTHER_CLINIC)["items"] == []
    assert_problem(api.get("/erasures"), 403)  # clinicians do not read the erasure log

    # A second erasure finds nothing live: no second record.
    again = erase_client(
        services.plans,
        keyed.library_env(),
        clinic=CLINIC,
        client_id=ERASED_CLIENT,
        reason="again",
        actor="dpo-lee",
    )
    assert again.erasure_id is None and again.keys_destroyed == 0
    assert len(list_erasures(services.plans, CLINIC)) == 1

    # The read models hold no row of the erased plans, and equal a rebuild.
    settle(api)
    rm = services.read_models
    live = {name: rm.dump(name) for name in MODELS}
    assert not any(p in repr(live) for p in erased)
    assert kept in repr(live)
    rebuild(keyed.library_env(), services.plans, grace_seconds=0)
    assert {name: rm.dump(name) for name in MODELS} == live


def test_a_fresh_process_sees_the_erasure(keyed: Settings) -> None:
    init_schema(keyed)
    with TestClient(create_app(keyed)) as client:
        api = API(client, keyed.secret())
        plan_id = plan_of(api, ERASED_CLIENT)
    runner = CliRunner()
    env = {
        "PLANS_DATABASE_URL": keyed.database_url_or_default,
        "PLANS_DATA_DIR": str(keyed.data_dir),
        "PLANS_JWT_SECRET": keyed.secret(),
    }
    refused = runner.invoke(
        cli, ["erase", "--clinic", CLINIC, "--client-id", ERASED_CLIENT, "--reason", "r"], env=env
    )
    assert refused.exit_code == 2, refused.output
    env["PLANS_CIPHER_KEY"] = keyed.cipher_key.get_secret_value()  # type: ignore[union-attr]
    unknown = runner.invoke(
        cli, ["erase", "--clinic", CLINIC, "--client-id", "nobody", "--reason", "r"], env=env
    )
    assert unknown.exit_code == 1, unknown.output
    done = runner.invoke(
        cli,
        [
            "erase",
            "--clinic",
            CLINIC,
            "--client-id",
            ERASED_CLIENT,
            "--reason",
            "retention period over",
            "--actor",
            "ops",
        ],
        env=env,
    )
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("erased: 1 plans") and ERASED_CLIENT not in done.output
    verified = runner.invoke(cli, ["verify"], env=env)
    assert verified.exit_code == 0 and "every chain intact" in verified.stdout, verified.output
    with TestClient(create_app(keyed)) as client:  # starts although its first event is erased
        api = API(client, keyed.secret())
        assert_problem(api.get(f"/plans/{plan_id}"), 410)


def test_rotation_rewraps_data_keys_without_rewriting_events(keyed: Settings) -> None:
    init_schema(keyed)
    old = keyed.cipher_key.get_secret_value()  # type: ignore[union-attr]
    app = open_application(keyed)
    with TestClient(create_app(keyed)) as client:
        plan_id = plan_of(API(client, keyed.secret()), KEPT_CLIENT)
    before = [bytes(e.state) for e in app.recorder.select_events(UUID(plan_id))]
    app.close()

    fresh = new_key()
    both = keyed.model_copy(update={"cipher_key": SecretStr(f"{fresh},{old}")})
    app = open_application(both)
    try:
        assert rotate_keys(app) == (2, 0)  # the system key and the client's key
        assert rotate_keys(app) == (0, 2)
        after = [bytes(e.state) for e in app.recorder.select_events(UUID(plan_id))]
        assert after == before  # history untouched
    finally:
        app.close()
    only_new = keyed.model_copy(update={"cipher_key": SecretStr(fresh)})
    app = open_application(only_new)
    try:
        assert app.get_plan(UUID(plan_id), CLINIC).client_id == KEPT_CLIENT
    finally:
        app.close()
    with pytest.raises(Exception, match="PLANS_CIPHER_KEY"):
        open_application(keyed)  # the old key alone no longer unwraps anything


def test_erase_refuses_a_store_without_a_cipher_key(settings: Settings) -> None:
    """Without PLANS_CIPHER_KEY the mapper is the library's: nothing to erase."""
    init_schema(settings)
    app = open_application(settings)
    try:
        with pytest.raises(RuntimeError, match="PLANS_CIPHER_KEY"):
            erase_client(
                app, settings.library_env(), clinic=CLINIC, client_id="x", reason="r", actor="a"
            )
    finally:
        app.close()
