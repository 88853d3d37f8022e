"""The route class every router uses: guard first, access log last.

FastAPI parses and validates a body before it resolves dependencies, so a
guard declared as a dependency alone would let a malformed body answer 422
to a caller with no token. This route class finds the route's `Allow` guard
and runs it before anything else (401, then 403), then runs the route, then
appends the access-log entry with the outcome. A request that cannot be
logged is not served: the logging failure replaces the answer (503).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from uuid import UUID

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from api.access_log import AccessEntry
from api.auth import Allow, Principal
from api.problem_details import status_for


def find_guard(dependant: Dependant) -> Allow | None:
    for dependency in dependant.dependencies:
        if isinstance(dependency.call, Allow):
            return dependency.call
        found = find_guard(dependency)
        if found is not None:
            return found
    return None


class AuditedRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        guard = find_guard(self.dependant)
        if guard is None:
            return handler
        action = f"{next(iter(sorted(self.methods or {'GET'})))} {self.path}"

        async def guarded(request: Request) -> Response:
            principal = guard.identify(request)  # 401: nobody to log
            request.state.principal = principal
            breaker = request.app.state.services.breaker
            try:
                guard.authorize(principal)
                if breaker.is_open:
                    await run_in_threadpool(breaker.check)
                response = await handler(request)
            except Exception as exc:
                breaker.failed(exc)
                if not breaker.is_open:  # with the database away there is nowhere to log
                    await record(request, principal, action, status_for(exc))
                raise
            try:
                await record(request, principal, action, response.status_code)
            except Exception as exc:
                breaker.failed(exc)
                raise
            return response

        return guarded


def valid_uuid(value: object) -> str | None:
    """Only a well-formed id goes into the log (a malformed one names no plan)."""
    if value is None:
        return None
    try:
        return str(UUID(str(value)))
    except ValueError:
        return None


async def record(request: Request, principal: Principal, action: str, outcome: int) -> None:
    plan_id = getattr(request.state, "plan_id", None) or request.path_params.get("plan_id")
    entry = AccessEntry(
        actor=principal.user,
        role=principal.role,
        clinic=principal.clinic,
        plan_id=valid_uuid(plan_id),
        action=action,
        outcome=outcome,
    )
    await run_in_threadpool(request.app.state.services.access_log.append, entry)
