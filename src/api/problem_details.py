"""The one place that turns failures into RFC 9457 problems (application/problem+json).

Domain refusals map by family (not found 404, closed 409, stale 412, rule 422,
any other `PlanError` 503); request-shape errors are 422 with a field list;
an unreachable database is 503 with Retry-After; anything unexpected is a
bare 500 that says nothing about the request. Nothing here echoes client
data: domain messages are written to be safe, pydantic messages name the
rule, never the input.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import ConnectionPoolClosedError, PersistenceError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response
from starlette.routing import Match
from starlette.types import Scope

from domain import errors
from projections.base import QueryError

log = logging.getLogger("plans.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"
RETRY_AFTER_SECONDS = "2"
DATABASE_ERRORS: tuple[type[BaseException], ...] = (
    PersistenceError,
    ConnectionPoolClosedError,
    psycopg.Error,
    sqlite3.Error,
)


class FieldError(BaseModel):
    field: str = Field(examples=["measure.target"])
    message: str = Field(examples=["target 12 is no improvement on baseline 10"])


class Problem(BaseModel):
    """An RFC 9457 problem: every 4xx and 5xx body."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "type": "urn:plans:problem:rule-violation",
                    "title": "Unprocessable content",
                    "status": 422,
                    "detail": "the request breaks a rule of the treatment plan",
                    "errors": [
                        {"field": "measure.target", "message": "PHQ-9 scores range 0–27, got 30"}
                    ],
                }
            ]
        },
    )

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None


class ProblemError(Exception):
    """Raised anywhere in the API to answer with a problem."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        errors: Sequence[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.errors = list(errors) if errors is not None else None
        self.headers = headers or {}


def unavailable(detail: str, retry_after: str = RETRY_AFTER_SECONDS) -> ProblemError:
    return ProblemError(
        503, "unavailable", "Service unavailable", detail, headers={"Retry-After": retry_after}
    )


def problem_response(problem: ProblemError) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:plans:problem:{problem.slug}",
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    return JSONResponse(
        body, status_code=problem.status, headers=problem.headers, media_type=PROBLEM_MEDIA_TYPE
    )


# ------------------------------------------------------------------ mapping
def from_domain(error: errors.PlanError) -> ProblemError:
    if isinstance(error, errors.PlanErasedError):
        return ProblemError(410, "erased", "Plan erased", error.message)
    if isinstance(error, errors.NotFoundError):
        return ProblemError(404, "not-found", "Not found", error.message)
    if isinstance(error, errors.PlanClosedError):
        return ProblemError(409, "plan-closed", "Plan closed", error.message)
    if isinstance(error, errors.ConflictError):
        return ProblemError(409, "conflict", "Conflict", error.message)
    if isinstance(error, errors.StaleVersionError):
        return ProblemError(412, "stale-version", "Precondition failed", error.message)
    if isinstance(error, errors.RuleViolationError):
        return ProblemError(
            422,
            "rule-violation",
            "Unprocessable content",
            error.message,
            errors=[{"field": error.field or "body", "message": error.message}],
        )
    return unavailable(error.message)


def field_name(loc: Sequence[str | int]) -> str:
    """("body", "diagnoses", 0, "code") → "diagnoses[0].code"; headers keep their name."""
    parts = list(loc)
    where = parts.pop(0) if parts and parts[0] in ("body", "query", "path", "header") else None
    if where == "header" and parts:
        return "-".join(w.capitalize() for w in str(parts[0]).split("-"))
    if where == "body" and parts and isinstance(parts[0], int):
        return "body"  # a JSON decode error's character offset
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "body"


def from_validation(error: RequestValidationError) -> ProblemError:
    items = []
    for e in error.errors():
        message = str(e.get("msg", "invalid")).removeprefix("Value error, ")
        if e.get("type") == "json_invalid":
            message = "the body is not valid JSON"
        items.append({"field": field_name(e.get("loc", ())), "message": message})
    return ProblemError(
        422,
        "validation",
        "Unprocessable content",
        "the request is not valid: " + "; ".join(f"{i['field']}: {i['message']}" for i in items),
        errors=items,
    )


_HTTP_TITLES = {
    400: ("bad-request", "Bad request"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    413: ("too-large", "Content too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
}


def from_http(error: StarletteHTTPException) -> ProblemError:
    if error.status_code == 400:
        # FastAPI's answer to a body it could not parse at all (e.g. JSON nested
        # deeper than the parser allows): still bad input, so 422 like any JSON error.
        return ProblemError(
            422,
            "validation",
            "Unprocessable content",
            "the body is not valid JSON",
            errors=[{"field": "body", "message": "the body is not valid JSON"}],
        )
    slug, title = _HTTP_TITLES.get(error.status_code, ("http", "HTTP error"))
    detail = error.detail if isinstance(error.detail, str) else title
    if error.status_code == 404:
        detail = "no such resource"
    return ProblemError(error.status_code, slug, title, detail, headers=dict(error.headers or {}))


def to_problem(exc: BaseException) -> ProblemError | None:
    """The problem an exception answers with; None for the unexpected (500)."""
    if isinstance(exc, ProblemError):
        return exc
    if isinstance(exc, errors.PlanError):
        return from_domain(exc)
    if isinstance(exc, RequestValidationError):
        return from_validation(exc)
    if isinstance(exc, StarletteHTTPException):
        return from_http(exc)
    if isinstance(exc, QueryError):
        return ProblemError(
            422,
            "validation",
            "Unprocessable content",
            exc.message,
            errors=[{"field": exc.field, "message": exc.message}],
        )
    if isinstance(exc, DATABASE_ERRORS):
        return unavailable("the database is unreachable or busy; try again shortly")
    return None


def status_for(exc: BaseException) -> int:
    problem = to_problem(exc)
    return problem.status if problem else 500


def internal_error(reference: str) -> ProblemError:
    return ProblemError(
        500,
        "internal",
        "Internal server error",
        f"an unexpected error occurred (reference {reference})",
    )


# ----------------------------------------------------------------- handlers
async def handle(request: Request, exc: Exception) -> Response:
    problem = to_problem(exc)
    if problem is None:  # pragma: no cover - only registered for known types
        raise exc
    if problem.status == 405:
        problem.headers["Allow"] = ", ".join(allowed_methods(request))
    if problem.status == 503:
        log.warning(
            "503 on %s %s: %s", request.method, route_template(request.scope), type(exc).__name__
        )
    return problem_response(problem)


def allowed_methods(request: Request) -> list[str]:
    """Every method of every route at this path (Starlette names only the first route's)."""
    scope = {**request.scope, "method": "\x00"}  # no route has it: a path match is PARTIAL
    methods: set[str] = set()

    def visit(routes: Any) -> None:
        for route in routes:
            included = getattr(route, "original_router", None)  # routers are included whole
            if included is not None:
                visit(included.routes)
            elif route.matches(scope)[0] is not Match.NONE:
                methods.update(getattr(route, "methods", None) or ())

    visit(request.app.router.routes)
    return sorted(methods)


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    return getattr(route, "path", None) or "<unmatched>"


def install(app: FastAPI) -> None:
    for exc_class in (
        ProblemError,
        errors.PlanError,
        RequestValidationError,
        StarletteHTTPException,
        *DATABASE_ERRORS,
    ):
        app.add_exception_handler(exc_class, handle)  # type: ignore[arg-type]
    app.add_exception_handler(QueryError, handle)  # type: ignore[arg-type]


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problems a route can answer with."""
    descriptions = {
        401: "No token, or a bad, expired or incomplete one",
        403: "The caller's role may not do this",
        404: "No such plan or item in the caller's clinic",
        409: "The plan is closed, or the item's state refuses this change",
        412: "If-Match names a version that is not the plan's current one (on a create: "
        "any If-Match, as there is no version yet)",
        413: "The body is too large",
        422: "Invalid request (see `errors`)",
        503: "The database is unreachable, or the read model is not there yet (Retry-After)",
    }
    schema = {"$ref": "#/components/schemas/Problem"}
    return {
        s: {
            "model": Problem,
            "description": descriptions[s],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": schema}},
        }
        for s in statuses
    }
