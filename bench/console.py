"""Console pages: server time per page on the demo data set (goal ≤ 200 ms).

The demo data set is loaded into a throwaway database; the app runs in
process (TestClient, projections caught up first); each page is requested
`queries` times per repetition as the clinic's supervisor (the analyst for
analytics) and its p95 is the figure. The baseline is the JSON API request
the page is built on (same run, same data), so the ratio is the console's
own cost: rendering, charts, and the extra reads a page makes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bench.common import Figure, Spread, bench_settings, percentile

CLINIC = "northside-counseling"


def bench_console(
    url: str, *, reps: int, plans: int, queries: int, log: Callable[[str], None]
) -> list[Figure]:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.auth import mint_token
    from api.demo import load_demo
    from api.runtime import init_schema, open_application

    settings = bench_settings(url)
    init_schema(settings)
    app = open_application(settings)
    started = time.perf_counter()
    try:
        load_demo(app, lambda *_: None, plans=plans)
        head = app.recorder.max_notification_id() or 0  # type: ignore[attr-defined]
    finally:
        app.close()
    log(f"console: demo of {plans} plans loaded in {time.perf_counter() - started:.1f} s")
    secret = settings.secret()
    figures: list[Figure] = []
    with TestClient(create_app(settings)) as client:
        services = client.app.state.services  # type: ignore[attr-defined]
        if not services.read_models.wait_for(head, 300.0):
            raise RuntimeError("the read models did not catch up with the demo data")
        items, _ = services.read_models.list_plans(CLINIC, None, None, None, 500, None)
        plan = max(items, key=lambda p: p["version"])["id"]

        def signed_in(role: str) -> dict[str, str]:
            token = mint_token(secret, f"bench-{role}", role, CLINIC, 60)
            return {"Authorization": f"Bearer {token}", "Cookie": f"plans_session={token}"}

        pages = [
            ("dashboard", "/console/dashboard", "/review-queue", "supervisor"),
            ("plan", "/console/plans/{id}", "/plans/{id}", "supervisor"),
            ("history", "/console/plans/{id}/history", "/plans/{id}/timeline", "auditor"),
            ("analytics", "/console/analytics", "/revisions?limit=500", "analyst"),
        ]
        for name, page_template, api_template, role in pages:
            page, api = page_template.format(id=plan), api_template.format(id=plan)
            headers = signed_in(role)
            figure = Figure(
                key=f"console_{name}",
                title=f"Console {name} page, p95 ({plans}-plan demo)",
                unit="ms",
                higher_is_better=False,
                baseline=Spread(),
                baseline_name=f"GET {api_template.split('?')[0]} (JSON, p95)",
                goal="≤ 200 ms",
            )
            p50 = Spread()
            for _ in range(reps):
                ours, base = [], []
                for _ in range(queries):
                    t0 = time.perf_counter()
                    response = client.get(page, headers=headers)
                    ours.append((time.perf_counter() - t0) * 1000)
                    if response.status_code != 200:
                        raise RuntimeError(f"{page}: {response.status_code}")
                    t0 = time.perf_counter()
                    client.get(api, headers=headers)
                    base.append((time.perf_counter() - t0) * 1000)
                figure.ours.add(percentile(ours, 95))
                figure.baseline.add(percentile(base, 95))  # type: ignore[union-attr]
                p50.add(percentile(ours, 50))
            figure.goal_met = figure.ours.median <= 200.0
            figure.extra = {"p50_ms": p50.as_dict(), "queries_per_run": queries}
            figures.append(figure)
            log(f"console: {name} p50 {p50.median:.1f} ms, p95 {figure.ours.median:.1f} ms")
    return figures
