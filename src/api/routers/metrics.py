"""`GET /metrics`: Prometheus text format for the service's operators.

Any valid bearer token may scrape it (it holds no clinic's data: route
templates, lags, pool and breaker figures), or the static scrape token
`PLANS_METRICS_TOKEN` when set, for a Prometheus `credentials_file`.
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.auth import EVERYONE
from api.deps import Svc
from api.problem_details import problem_responses

router = APIRouter(tags=["operations"])


def scrape_token_matches(request: Request, expected: str | None) -> bool:
    if not expected:
        return False
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip(), expected)


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}, **problem_responses(401, 403)},
    summary="Prometheus metrics: requests by route template, projection lag, pools, breaker",
)
def get_metrics(request: Request, svc: Svc) -> Response:
    token = svc.settings.metrics_token
    if not scrape_token_matches(request, token.get_secret_value() if token else None):
        EVERYONE.authorize(EVERYONE.identify(request))  # 401 without a valid token, 403 role
    body = generate_latest(request.app.state.metrics.registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
