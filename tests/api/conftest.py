"""API fixtures: a TestClient over `create_app(settings)` on each backend, and `api`.

`api` (see api_support.py) adds tokens and the few commands most tests start
from; every test still speaks plain HTTP through the client.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_support import API
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    # A shorter read-your-writes wait keeps the "not there yet" (503) cases quick.
    quick = settings.model_copy(update={"min_position_wait_seconds": 2.0})
    with TestClient(create_app(quick)) as test_client:
        yield test_client


@pytest.fixture
def api(client: TestClient, settings: Settings) -> API:
    return API(client, settings.secret())
