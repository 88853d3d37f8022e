"""The web console over HTTP (both backends): sign-in, CSRF, roles, tenancy, pages, access log.

The browser itself is driven in tests/browser; these check what a browser
cannot easily show: headers, cookies' attributes, status codes, log entries.
"""

from __future__ import annotations

import re

import pytest
from api_support import API, CLINIC, OTHER_CLINIC

from console.links import mint_link_code

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(api: API, path: str = "/console/sign-in") -> str:
    page = api.client.get(path)
    match = CSRF.search(page.text)
    assert match, page.text
    return match.group(1)


def sign_in(api: API, role: str = "clinician", clinic: str = CLINIC) -> None:
    api.client.cookies.clear()
    token = api.token(role, clinic)
    response = api.client.post(
        "/console/sign-in",
        data={"token": token, "csrf": csrf_of(api)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def plan_with_scores(api: API) -> tuple[str, str]:
    plan_id, _problem_id, goal_id = api.plan_with_goal()
    for day, score in (("2025-03-03", 16), ("2025-04-01", 12), ("2025-05-01", 9)):
        body = {"instrument": "GAD-7", "score": score, "administered_on": day, "goal_id": goal_id}
        api.ok("POST", f"/plans/{plan_id}/scores", body, 201)
    return plan_id, goal_id


def test_sign_in_sets_a_strict_http_only_cookie_and_pages_carry_a_strict_csp(api: API) -> None:
    page = api.client.get("/console/sign-in")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "<script>" not in page.text  # no inline script anywhere
    token = api.token("supervisor")
    response = api.client.post(
        "/console/sign-in",
        data={"token": token, "csrf": CSRF.search(page.text).group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/console/dashboard"
    cookie = next(
        v for k, v in response.headers.multi_items() if k == "set-cookie" and "plans_session" in v
    )
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    dashboard = api.client.get("/console/dashboard")
    assert dashboard.status_code == 200
    assert "Review queue" in dashboard.text


def test_a_post_without_the_csrf_token_or_from_another_origin_is_refused(api: API) -> None:
    token = api.token("supervisor")
    csrf = csrf_of(api)
    no_token = api.client.post("/console/sign-in", data={"token": token}, follow_redirects=False)
    assert no_token.status_code == 403
    assert "plans_session" not in no_token.headers.get("set-cookie", "")
    elsewhere = api.client.post(
        "/console/sign-in",
        data={"token": token, "csrf": csrf},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert elsewhere.status_code == 403
    assert api.client.get("/console/dashboard", follow_redirects=False).status_code == 303


def test_a_bad_token_is_not_accepted_and_without_a_session_pages_redirect(api: API) -> None:
    assert api.client.get("/console/plans/x", follow_redirects=False).headers["location"] == (
        "/console/sign-in"
    )
    refused = api.client.post(
        "/console/sign-in", data={"token": "not-a-token", "csrf": csrf_of(api)}
    )
    assert refused.status_code == 401
    assert "not valid" in refused.text


def test_plan_page_shows_the_plan_a_chart_with_bands_and_target_and_is_logged(api: API) -> None:
    plan_id, _ = plan_with_scores(api)
    sign_in(api, "auditor")
    page = api.client.get(f"/console/plans/{plan_id}")
    assert page.status_code == 200, page.text
    assert "client-0042" in page.text
    assert 'data-instrument="GAD-7"' in page.text
    assert page.text.count('class="band"') == 4  # GAD-7: minimal, mild, moderate, severe
    assert "target 8" in page.text
    assert 'class="target"' in page.text
    assert page.headers["cache-control"] == "no-store"
    log = api.ok("GET", "/access-log", role="auditor", params={"plan_id": plan_id})["items"]
    assert any(
        (e["action"], e["outcome"], e["role"]) == ("GET /console/plans/{plan_id}", 200, "auditor")
        for e in log
    )


def test_roles_and_tenancy_match_the_api(api: API) -> None:
    plan_id, _ = plan_with_scores(api)
    sign_in(api, "analyst")
    forbidden = api.client.get(f"/console/plans/{plan_id}")
    assert forbidden.status_code == 403
    assert "client-0042" not in forbidden.text
    assert api.client.get("/console/analytics").status_code == 200
    sign_in(api, "supervisor", OTHER_CLINIC)
    hidden = api.client.get(f"/console/plans/{plan_id}")
    assert hidden.status_code == 404
    assert "client-0042" not in hidden.text
    assert api.client.get(f"/console/plans/{plan_id}/history").status_code == 404
    assert api.client.get("/console/plans/not-a-uuid").status_code == 404


def test_history_shows_a_version_its_diff_verify_and_the_access_log(api: API) -> None:
    plan_id, _ = plan_with_scores(api)
    sign_in(api, "auditor")
    page = api.client.get(f"/console/plans/{plan_id}/history", params={"version": 3})
    assert page.status_code == 200, page.text
    assert "Version 3 of 6" in page.text
    assert "GoalAdded" in page.text
    assert "/goals/" in page.text  # the diff's path of the added goal
    assert "Chain valid" in page.text
    head = api.ok("GET", f"/plans/{plan_id}/verify", role="auditor")["head_hash"]
    assert head in page.text
    assert (
        "GET /console/plans/{plan_id}/history"
        in api.client.get(f"/console/plans/{plan_id}/history").text
    )


def test_analytics_suppresses_small_counts(api: API) -> None:
    plan_with_scores(api)
    sign_in(api, "analyst")
    page = api.client.get("/console/analytics")
    assert page.status_code == 200
    assert "suppressed" in page.text
    assert "client-0042" not in page.text


def test_a_sign_in_link_works_once_and_is_no_api_token(api: API) -> None:
    code = mint_link_code(api.secret, "t.brennan", "supervisor", CLINIC, 30)
    assert api.client.get("/plans", headers={"Authorization": f"Bearer {code}"}).status_code == 401
    landing = api.client.get("/console/link", params={"code": code})
    assert landing.status_code == 200
    csrf = CSRF.search(landing.text).group(1)
    used = api.client.post(
        "/console/link", data={"code": code, "csrf": csrf}, follow_redirects=False
    )
    assert used.status_code == 303
    assert api.client.get("/console/dashboard").status_code == 200
    again = api.client.post("/console/link", data={"code": code, "csrf": csrf})
    assert again.status_code == 401
    assert "used already" in again.text


@pytest.mark.parametrize("role", ["supervisor", "clinician", "auditor"])
def test_dashboard_lists_every_review_queue_list(api: API, role: str) -> None:
    plan_id = api.create_plan(start_date="2024-01-02")
    sign_in(api, role)
    page = api.client.get("/console/dashboard")
    assert page.status_code == 200
    assert 'data-list="overdue"' in page.text and 'data-list="due_soon"' in page.text
    assert f"/console/plans/{plan_id}" in page.text


def test_over_https_the_session_cookie_is_secure(api: API) -> None:
    api.client.base_url = "https://testserver"
    page = api.client.get("/console/sign-in")
    response = api.client.post(
        "/console/sign-in",
        data={"token": api.token("auditor"), "csrf": CSRF.search(page.text).group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookies = [v for k, v in response.headers.multi_items() if k == "set-cookie"]
    assert any("plans_session" in c and "Secure" in c for c in cookies), cookies


def test_lists_the_review_queue_gains_show_up_on_the_dashboard(
    api: API, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_id = api.create_plan()
    read_models = api.client.app.state.services.read_models
    original = read_models.review_queue

    def with_more_lists(*args, **kwargs):
        queue = dict(original(*args, **kwargs))
        queue["signatures_due"] = [
            {"plan_id": plan_id, "client_id": "client-0042", "missing": ["client", "supervisor"]}
        ]
        return queue

    monkeypatch.setattr(read_models, "review_queue", with_more_lists)
    sign_in(api, "supervisor")
    page = api.client.get("/console/dashboard")
    assert 'data-list="signatures_due"' in page.text
    assert "Signatures due" in page.text and "client, supervisor" in page.text


def test_dashboard_shows_open_safety_flags_and_compliance_to_a_supervisor(api: API) -> None:
    plan_id = api.create_plan(start_date="2024-01-02")
    api.ok(
        "POST",
        f"/plans/{plan_id}/scores",
        {
            "instrument": "PHQ-9",
            "score": 12,
            "administered_on": "2024-01-09",
            "item_scores": [2, 2, 1, 1, 1, 2, 1, 1, 1],
        },  # fmt: skip
        201,
    )
    sign_in(api, "supervisor")
    page = api.client.get("/console/dashboard")
    assert page.status_code == 200
    assert "Open safety flags" in page.text and 'data-list="open_safety_flags"' in page.text
    assert "Review compliance" in page.text and 'data-list="compliance_by_clinician"' in page.text
    assert "2024-01-09" in page.text  # the flag's raised_on
    # A clinician sees the flags, not the clinic's compliance figures.
    sign_in(api, "clinician")
    page = api.client.get("/console/dashboard")
    assert "Open safety flags" in page.text and "Review compliance" not in page.text
