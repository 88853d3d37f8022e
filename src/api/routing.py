"""The route class every router uses: guard first, access log last.

FastAPI parses and validates a body before it resolves dependencies, so a
guard declared as a dependency alone would let a malformed body answer 422
to a caller with no token. This route class finds the route's `Allow` guard
and runs it before anything else (401, then 403), then runs the route, then
appends the access-log entry with the outcome. A request that cannot be
logged is not served: the logging failure replaces the answer (503). A
command on a plan first offers its entry, with the outcome it answers on
success, to ride in its events' transaction; when it did, that entry is the
request's.

A list or queue (a route without a plan in its path) also logs every plan it
disclosed, one entry per plan, so "who looked at this plan" finds searches.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any
from uuid import UUID

import orjson
from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.routing import Match
from starlette.types import Scope

from api.access_log import AccessEntry, AccessRider
from api.auth import Allow, Principal
from api.fast_path import FastCommand, Handler, fast_command
from api.problem_details import ProblemError, status_for

log = logging.getLogger("plans.api")


def find_guard(dependant: Dependant) -> Allow | None:
    """The route's guard: an `Allow` dependency, or one a dependency calls
    itself and names as its `guard` (the command dependency, `api.deps`)."""
    for dependency in dependant.dependencies:
        if isinstance(dependency.call, Allow):
            return dependency.call
        named = getattr(dependency.call, "guard", None)
        if isinstance(named, Allow):
            return named
        found = find_guard(dependency)
        if found is not None:
            return found
    return None


class AuditedRoute(APIRoute):
    fast: FastCommand | None = None
    guarded: Callable[[Request, Handler | None], Coroutine[Any, Any, Response]] | None = None

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        guard = find_guard(self.dependant)
        if guard is None:
            return handler
        # A plain command request skips FastAPI's generic solving (api.fast_path).
        self.fast = fast_command(self, handler)
        routed = self.fast or handler
        action = f"{next(iter(sorted(self.methods or {'GET'})))} {self.path}"
        lists_plans = "{plan_id}" not in self.path and self.path not in NOT_DISCLOSING
        # A command on a plan offers its entry, with the outcome it answers on
        # success, to ride in its events' transaction (api.access_log.AccessRider).
        rides = "{plan_id}" in self.path and bool((self.methods or set()) & COMMAND_METHODS)
        succeeded = self.status_code or 200

        async def guarded(request: Request, run: Handler | None = None) -> Response:
            """The route for `request`: FastAPI's handler, or `run` (a plain command
            request answered by the edge's shortcut, api.fast_path)."""
            principal = guard.identify(request)  # 401: nobody to log
            request.state.principal = principal
            breaker = request.app.state.services.breaker
            rider = None
            try:
                guard.authorize(principal)
                if breaker.is_open:
                    await run_in_threadpool(breaker.check)
                if rides:
                    rider = request.state.access_rider = AccessRider(
                        entry(request, principal, action, succeeded)
                    )
                response = await (run or routed)(request)
            except Exception as exc:
                breaker.failed(exc)
                if not breaker.is_open:  # with the database away there is nowhere to log
                    await record(request, principal, action, status_for(exc))
                raise
            if rider is not None and rider.written and response.status_code == succeeded:
                return response  # its entry committed with its events
            disclosed = disclosed_plans(response, self.path) if lists_plans else []
            try:
                await record(request, principal, action, response.status_code, disclosed)
            except Exception as exc:
                breaker.failed(exc)
                raise
            return response

        self.guarded = guarded
        return guarded


COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The access log lists plan ids, but reading it discloses no plan.
NOT_DISCLOSING = frozenset({"/access-log"})


def disclosed_plans(response: Response, path: str) -> list[str]:
    """The plan ids in a successful JSON answer's top-level lists (`plan_id`,
    or `id` for the plan list itself), in order, once each."""
    if response.status_code != 200 or not response.media_type or "json" not in response.media_type:
        return []
    try:
        body = orjson.loads(response.body)
    except (orjson.JSONDecodeError, AttributeError, TypeError):
        return []
    if not isinstance(body, dict):
        return []
    found: dict[str, None] = {}
    for value in body.values():
        if not isinstance(value, list):
            continue
        for item in value:
            if not isinstance(item, dict):
                continue
            plan_id = valid_uuid(
                item.get("plan_id") or (item.get("id") if path == "/plans" else None)
            )
            if plan_id is not None:
                found[plan_id] = None
    return list(found)


def valid_uuid(value: object) -> str | None:
    """Only a well-formed id goes into the log (a malformed one names no plan)."""
    if value is None:
        return None
    try:
        return str(UUID(str(value)))
    except ValueError:
        return None


async def record(
    request: Request,
    principal: Principal,
    action: str,
    outcome: int,
    disclosed: list[str] | None = None,
) -> None:
    await request.app.state.services.access_log.append_async(
        entry(request, principal, action, outcome), disclosed or ()
    )


def entry(request: Request, principal: Principal, action: str, outcome: int) -> AccessEntry:
    plan_id = getattr(request.state, "plan_id", None) or request.path_params.get("plan_id")
    return AccessEntry(
        actor=principal.user,
        role=principal.role,
        clinic=principal.clinic,
        plan_id=valid_uuid(plan_id),
        action=action,
        outcome=outcome,
    )


async def record_refusal(scope: Scope, outcome: int) -> None:
    """Log a request refused before routing (e.g. 413, body too large) when its
    caller holds a valid token and it names an audited route: a refused command
    on a plan is still an attempt on that plan."""
    app = scope.get("app")
    services = getattr(getattr(app, "state", None), "services", None)
    verifier = getattr(getattr(app, "state", None), "verifier", None)
    if app is None or services is None or verifier is None:
        return
    headers = dict(scope.get("headers") or [])
    scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return
    try:
        principal: Principal = verifier.decode(token.strip())
    except ProblemError:
        return
    for route in getattr(app.state, "audited_routes", None) or app.router.routes:
        if not isinstance(route, AuditedRoute) or find_guard(route.dependant) is None:
            continue
        match, child = route.matches(scope)
        if match != Match.FULL:
            continue
        entry = AccessEntry(
            actor=principal.user,
            role=principal.role,
            clinic=principal.clinic,
            plan_id=valid_uuid(child.get("path_params", {}).get("plan_id")),
            action=f"{scope.get('method', 'GET')} {route.path}",
            outcome=outcome,
        )
        try:
            await services.access_log.append_async(entry)
        except Exception:  # noqa: BLE001 - the request is refused either way
            log.warning("could not log a refused request (%s)", outcome)
        return
