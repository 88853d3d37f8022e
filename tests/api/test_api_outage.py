"""PostgreSQL goes away mid-service: 503 with Retry-After, quickly, then recovery by itself."""

from __future__ import annotations

import select
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
from api_support import API, assert_problem
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings


class CuttableProxy:
    """A TCP proxy in front of PostgreSQL that can cut every connection and refuse new ones."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.up = True
        self.sockets: list[socket.socket] = []
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 0.5)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        raise OSError("closed")
                    (b if sock is a else a).sendall(data)
        except OSError:
            for sock in (a, b):
                sock.close()

    def cut(self) -> None:
        self.up = False
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.sockets = []

    def close(self) -> None:
        self.cut()
        self.server.close()


@pytest.fixture
def proxied(settings: Settings) -> Iterator[tuple[API, CuttableProxy]]:
    url = urlsplit(settings.database_url or "")
    proxy = CuttableProxy((url.hostname or "127.0.0.1", url.port or 5432))
    netloc = url.netloc.rsplit(":", 1)[0] if url.port else url.netloc
    through = urlunsplit(url._replace(netloc=f"{netloc}:{proxy.port}"))
    app = create_app(settings.model_copy(update={"database_url": through}))
    try:
        with TestClient(app) as client:
            yield API(client, settings.secret()), proxy
    finally:
        proxy.close()


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_outage_answers_503_quickly_and_recovers(proxied: tuple[API, CuttableProxy]) -> None:
    api, proxy = proxied
    plan_id = api.create_plan()
    proxy.cut()
    started = time.monotonic()
    first = api.get(f"/plans/{plan_id}")
    assert_problem(first, 503)
    assert first.headers["retry-after"]
    assert time.monotonic() - started < 15, "one pool timeout, not ten"
    for method, path, body in (
        ("GET", f"/plans/{plan_id}", None),
        ("POST", f"/plans/{plan_id}/problems", {"description": "Worry"}),
        ("GET", f"/plans/{plan_id}/timeline", None),
        ("GET", "/plans", None),
    ):
        started = time.monotonic()
        response = api.request(method, path, json=body)
        assert_problem(response, 503)
        assert response.headers["retry-after"]
        assert time.monotonic() - started < 3
    assert_problem(api.client.get("/ready"), 503)

    proxy.up = True
    deadline = time.monotonic() + 20
    while True:
        response = api.get(f"/plans/{plan_id}")
        if response.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert response.status_code == 200, response.text
    added = api.ok("POST", f"/plans/{plan_id}/problems", {"description": "Worry"}, status=201)
    assert added["version"] == 2
    assert api.client.get("/ready").status_code == 200
