"""Browser fixtures: a real `plans serve` (subprocess, free port) with demo data, and chromium.

The server runs on each backend (SQLite file, a fresh PostgreSQL database);
Debian's chromium is driven through chromedriver with selenium. Nothing here
downloads a browser or a driver: both must be installed (`.ci/run` does it).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.auth import mint_token
from api.settings import Settings

CHROMIUM = os.environ.get("PLANS_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("PLANS_CHROMEDRIVER", "/usr/bin/chromedriver")
DEMO_PLANS = 30
PLANS = str(Path(sys.executable).parent / "plans")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    base: str
    env: dict[str, str]
    backend: str
    secret: str

    def token(self, role: str, clinic: str, sub: str = "console-test") -> str:
        return mint_token(self.secret, sub, role, clinic, 30)

    def api(self, path: str, role: str, clinic: str, **params: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token(role, clinic)}"}
        response = httpx.get(self.base + path, headers=headers, params=params, timeout=30)
        response.raise_for_status()
        return response.json()

    def link(self, role: str, clinic: str, sub: str) -> str:
        out = subprocess.run(
            [PLANS, "token", "--sub", sub, "--role", role, "--clinic", clinic, "--link",
             "--base-url", self.base],
            env=self.env, capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
        return out.stdout.strip()


@pytest.fixture
def server(backend: str, database_url: str, settings: Settings, tmp_path: Path) -> Iterator[Server]:
    """`plans serve` on a free port over the demo data set, on each backend."""
    secret = settings.secret()
    env = {
        **os.environ,
        "PLANS_DATABASE_URL": database_url,
        "PLANS_DATA_DIR": str(tmp_path / "data"),
        "PLANS_JWT_SECRET": secret,
    }
    env.pop("PLANS_CIPHER_KEY", None)
    subprocess.run(
        [PLANS, "demo", "--plans", str(DEMO_PLANS)],
        env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    port = free_port()
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [PLANS, "serve", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    found = Server(f"http://127.0.0.1:{port}", env, backend, secret)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(found.base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError((tmp_path / "serve.log").read_text(errors="replace"))
            time.sleep(0.2)
        # The demo's events reach the read models shortly after start-up.
        while time.monotonic() < deadline:
            page = found.api("/plans", "supervisor", "northside-counseling", limit=500)
            if len(page["items"]) >= 5:
                break
            time.sleep(0.3)
        time.sleep(1.0)
        yield found
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        message = f"chromium and chromedriver are needed ({CHROMIUM}, {CHROMEDRIVER})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    profile = tempfile.mkdtemp(prefix="plans-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,1100",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
