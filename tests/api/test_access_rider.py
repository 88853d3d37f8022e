"""A command's access-log entry commits in the same transaction as its events.

On PostgreSQL a command decided on the event loop offers its entry (with the
outcome it answers on success) to ride with its save (`AccessLog.ride`): one
transaction and one round trip for both, chained onto the head the loop writer
last left and inserted only if that is still the head. Whatever happens, an
auditor still finds exactly one entry per request, with the outcome the caller
got, on an intact chain.
"""

from __future__ import annotations

from typing import Any

import pytest
from api_support import API, CLINIC
from fastapi.testclient import TestClient

from api.access_log import AccessEntry
from api.settings import Settings
from eventstore.connections import connect

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

SCORE = {"instrument": "PHQ-9", "score": 9, "administered_on": "2025-03-10"}
SCORES = "POST /plans/{plan_id}/scores"


def services(client: TestClient) -> Any:
    return client.app.state.services  # type: ignore[attr-defined]


def transactions(client: TestClient, plan_id: str) -> tuple[list[tuple[str, int]], list[str]]:
    """The plan's score entries (transaction id, outcome) in log order, and the
    transaction ids of the plan's events, oldest first."""
    events_table = services(client).plans.store.events_table_name
    with connect(services(client).settings.postgres_params()) as conn:
        entries = conn.execute(
            "SELECT xmin::text, outcome FROM access_log "
            "WHERE plan_id = %s AND action = %s ORDER BY id",
            (plan_id, SCORES),
        ).fetchall()
        events = conn.execute(
            f"SELECT xmin::text FROM {events_table} WHERE originator_id = %s "
            "ORDER BY originator_version",
            (plan_id,),
        ).fetchall()
    return [(x, o) for x, o in entries], [x for (x,) in events]


def test_a_command_entry_commits_with_its_events(
    api: API, client: TestClient, settings: Settings
) -> None:
    plan_id = api.create_plan()  # logged by the loop writer, which learns the head
    for _ in range(3):
        assert api.post(f"/plans/{plan_id}/scores", SCORE).status_code == 201
    entries, events = transactions(client, plan_id)
    assert [o for _, o in entries] == [201, 201, 201]
    # Each score's entry is in the transaction of that score's event.
    assert [x for x, _ in entries] == events[-3:]
    log = services(client).access_log
    assert log.verify()["valid"]


def test_another_writer_in_between_leaves_one_entry_per_request(
    api: API, client: TestClient, settings: Settings
) -> None:
    """The head moved under the loop writer (here the thread writer, as a
    blocking caller or another process would): the rider's rows are not
    inserted, the request writes its entry the usual way, and the next
    command rides again."""
    plan_id = api.create_plan()
    assert api.post(f"/plans/{plan_id}/scores", SCORE).status_code == 201
    log = services(client).access_log
    log.append(AccessEntry("someone-else", "auditor", CLINIC, None, "GET /access-log", 200))
    assert api.post(f"/plans/{plan_id}/scores", SCORE).status_code == 201
    assert api.post(f"/plans/{plan_id}/scores", SCORE).status_code == 201
    entries, events = transactions(client, plan_id)
    assert [o for _, o in entries] == [201, 201, 201]
    first, fell_back, again = (x for x, _ in entries)
    assert first == events[-3]
    assert fell_back != events[-2]  # written after the events' commit, on its own
    assert again == events[-1]
    assert log.verify()["valid"]


def test_a_refused_command_logs_its_refusal_once_and_nothing_rides(
    api: API, client: TestClient, settings: Settings
) -> None:
    plan_id = api.create_plan()
    assert api.post(f"/plans/{plan_id}/scores", SCORE).status_code == 201
    closed = api.post(f"/plans/{plan_id}/close", {"closed_on": "2025-04-01", "reason": "Goals met"})
    assert closed.status_code == 200, closed.text
    refused = api.post(f"/plans/{plan_id}/scores", SCORE)
    assert refused.status_code == 409, refused.text
    entries, _ = transactions(client, plan_id)
    assert [o for _, o in entries] == [201, 409]
    assert services(client).access_log.verify()["valid"]


def test_a_command_whose_save_fails_logs_the_failure_not_a_success(
    api: API, client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing of the transaction commits, neither the events nor the entry that
    rode with them: the entry says what the caller got."""
    plan_id = api.create_plan()
    assert api.post(f"/plans/{plan_id}/scores", SCORE).status_code == 201
    store = services(client).plans.store
    real = store.insert_events_with

    async def statement_fails(stored: Any, statements: Any, **kwargs: Any) -> Any:
        # The events and the riders' rows, then a statement that fails: one transaction.
        broken = [*statements, ("SELECT 1 / 0", ())]
        return await real(stored, broken, **kwargs)

    monkeypatch.setattr(store, "insert_events_with", statement_fails)
    version = api.version(plan_id)
    failed = api.post(f"/plans/{plan_id}/scores", SCORE)
    assert failed.status_code >= 500, failed.text
    monkeypatch.undo()
    assert api.version(plan_id) == version
    entries, _ = transactions(client, plan_id)
    assert [o for _, o in entries][0] == 201
    assert 201 not in [o for _, o in entries][1:]
    assert services(client).access_log.verify()["valid"]
