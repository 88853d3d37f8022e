"""Fixtures for the reliability tests: `plans` processes and a TCP proxy, always cleaned up.

`spawn(*args, database_url=..., ...)` starts `plans serve ...` / `plans project`
with PLANS_* settings in its environment (a free port for serve), waits until
it answers, and kills it (SIGKILL) at the end of the test. Their logs stay in
the test's tmp_path and are printed when a test fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from reliability_support import SECRET, Recorder, Service, TcpProxy, service_env

from api.app import create_app
from api.settings import Settings

Spawn = Callable[..., Service]


@pytest.fixture
def spawn(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Spawn]:
    started: list[Service] = []

    def start(
        *args: str,
        database_url: str,
        cipher_key: str | None = None,
        name: str | None = None,
        wait: bool = True,
        **env: str,
    ) -> Service:
        service = Service(
            list(args),
            service_env(database_url, tmp_path / "data", cipher_key, **env),
            tmp_path,
            name or args[0],
        )
        started.append(service)
        return service.start(wait=wait)

    yield start
    failed = getattr(request.node, "rep_call", None)
    for service in started:
        service.kill()
        if failed is not None and failed.failed:
            print(f"----- {service.name} output -----\n{service.output()[-4000:]}")


@pytest.fixture
def proxy_factory() -> Iterator[Callable[[tuple[str, int]], TcpProxy]]:
    proxies: list[TcpProxy] = []

    def make(upstream: tuple[str, int]) -> TcpProxy:
        proxy = TcpProxy(upstream).start()
        proxies.append(proxy)
        return proxy

    yield make
    for proxy in proxies:
        proxy.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Any:
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report


@pytest.fixture
def inproc(settings: Settings) -> Iterator[Recorder]:
    """The app in this process (TestClient over create_app), tokens signed with SECRET."""
    quick = settings.model_copy(
        update={"jwt_secret": SecretStr(SECRET), "min_position_wait_seconds": 5.0}
    )
    with TestClient(create_app(quick)) as client:
        yield Recorder(client=client)
