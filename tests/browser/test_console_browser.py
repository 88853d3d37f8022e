"""The console in a real browser (Debian's chromium), against a real `plans serve`.

One journey per backend (starting a server with demo data and a browser is
the expensive part): a supervisor signs in with a token and opens a plan
from the dashboard by keyboard; an auditor signs in with a one-time link and
moves the history slider to see the previous version and its diff; an
analyst cannot open a plan page; another clinic's plan is not found. The
SQLite run saves the screenshots the README shows (docs/console/*.png).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser

CLINIC = "northside-counseling"
OTHER_CLINIC = "riverside-behavioral"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "console"


def wait_for(browser: Any, condition: Any, timeout: float = 20) -> Any:
    return WebDriverWait(browser, timeout).until(condition)


def heading(browser: Any) -> str:
    return str(browser.find_element(By.TAG_NAME, "h1").text)


def screenshot(browser: Any, server: Any, name: str) -> None:
    if server.backend != "sqlite":
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(max(int(height) + 40, 700), 2600))
    browser.save_screenshot(str(SHOTS / f"{name}.png"))
    browser.set_window_size(1280, 1100)


def sign_out(browser: Any, server: Any) -> None:
    browser.get(server.base + "/console/sign-in")
    browser.delete_all_cookies()


def sign_in_with_token(browser: Any, server: Any, role: str, clinic: str) -> None:
    sign_out(browser, server)
    browser.get(server.base + "/console/sign-in")
    browser.find_element(By.ID, "token").send_keys(server.token(role, clinic, f"{role}-1"))
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for(browser, lambda b: "/sign-in" not in b.current_url)


def busiest_plan(server: Any, clinic: str) -> dict[str, Any]:
    items = server.api("/plans", "supervisor", clinic, limit=500)["items"]
    return max(items, key=lambda p: (p["status"] != "closed", p["version"]))


def test_console_journey(server: Any, browser: Any) -> None:
    plan = busiest_plan(server, CLINIC)
    plan_url = f"{server.base}/console/plans/{plan['id']}"

    # A supervisor signs in with a token and lands on the clinic dashboard.
    sign_in_with_token(browser, server, "supervisor", CLINIC)
    assert browser.current_url.endswith("/console/dashboard")
    assert heading(browser).startswith("Clinic dashboard")
    lists = {
        e.get_attribute("data-list") for e in browser.find_elements(By.CSS_SELECTOR, "[data-list]")
    }
    assert {"overdue", "due_soon"} <= lists
    screenshot(browser, server, "dashboard")

    # ... and opens a plan by keyboard.
    link = browser.find_element(By.CSS_SELECTOR, f'#plans a[href="/console/plans/{plan["id"]}"]')
    link.send_keys(Keys.ENTER)
    wait_for(browser, lambda b: b.current_url == plan_url)
    assert heading(browser).startswith("Treatment plan")
    assert plan["client_id"] in browser.page_source
    assert plan["client_id"] not in browser.current_url  # ids only in URLs
    chart = browser.find_element(By.CSS_SELECTOR, "svg.score-chart")
    assert len(chart.find_elements(By.CSS_SELECTOR, "rect.band")) >= 2
    assert chart.find_elements(By.CSS_SELECTOR, "line.target")
    assert browser.find_elements(By.CSS_SELECTOR, "#signatures tbody tr")
    screenshot(browser, server, "plan")

    # An auditor signs in with a one-time link and replays the plan's history.
    sign_out(browser, server)
    browser.get(server.link("auditor", CLINIC, "a.auditor"))
    browser.find_element(By.ID, "use-link").click()
    wait_for(browser, lambda b: b.current_url.endswith("/console/dashboard"))
    browser.get(plan_url + "/history")
    slider = browser.find_element(By.ID, "version")
    latest = int(slider.get_attribute("value"))
    assert latest == plan["version"]
    assert "Chain valid" in browser.find_element(By.ID, "verify").text
    slider.send_keys(Keys.ARROW_LEFT)  # the slider loads the version it is moved to
    wait_for(browser, lambda b: f"version={latest - 1}" in b.current_url)
    assert f"Version {latest - 1} of {latest}" in browser.page_source
    selected = browser.find_element(By.CSS_SELECTOR, "#timeline tr.selected td")
    assert selected.text == str(latest - 1)
    assert browser.find_elements(By.CSS_SELECTOR, "#diff tbody tr")
    assert browser.find_elements(By.CSS_SELECTOR, "#access-log tbody tr")
    # Back to the first version: the whole plan appears in the diff as added.
    browser.get(plan_url + "/history?version=1")
    assert browser.find_elements(By.CSS_SELECTOR, "#diff tr.op-add")
    browser.get(plan_url + "/history?version=2")
    screenshot(browser, server, "history")

    # An analyst sees de-identified analytics and cannot open a plan page.
    sign_out(browser, server)
    sign_in_with_token(browser, server, "analyst", CLINIC)
    assert browser.current_url.endswith("/console/analytics")
    assert browser.find_elements(By.CSS_SELECTOR, "svg.bar-chart")
    screenshot(browser, server, "analytics")
    browser.get(plan_url)
    assert heading(browser) == "Not for your role"
    assert plan["client_id"] not in browser.page_source

    # Another clinic's supervisor: the plan is simply not found.
    sign_in_with_token(browser, server, "supervisor", OTHER_CLINIC)
    browser.get(plan_url)
    assert heading(browser) == "Not found"
    assert plan["client_id"] not in browser.page_source
