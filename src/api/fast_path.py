"""Plain command requests without FastAPI's generic machinery.

FastAPI resolves a route's parameters generically on every request, and
reaches the route through its router, an exception layer and a request
wrapper: for a command such as POST /plans/{id}/scores that was over a third
of the CPU of the whole request. This module does the same work for the one
request shape that is most of the traffic, and only that (a *plain*
request):

* the body is `application/json` and parses with `json.loads` (what
  FastAPI uses) into an object that the body model validates
  (`model_validate`, python mode, as FastAPI's body field does);
* no `If-Match` or `Idempotency-Key` header (the command dependency's only
  parameters besides the request);
* no dependency overrides are installed (tests install them).

`FastCommand` is the route's handler once FastAPI has routed a request;
`Shortcut`, in the edge middleware, finds the command route itself and
calls the route's guard, command and access log directly. Anything else,
including every request with a body or header to refuse, goes to FastAPI,
so a 422 is FastAPI's word for word (the body is then validated again; the
request keeps the body it read). A route takes these paths only if its
signature is known: plan-id path parameters (plain text or `PlanId`), one
body model, the command dependency, and an `async` endpoint that returns a
`Response`.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.types import Receive, Scope, Send

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]
Argument = Callable[[Request], Awaitable[Any]]

# Request headers that need the command dependency's own validation.
COMMAND_HEADERS = frozenset({b"if-match", b"idempotency-key"})


class FastCommand:
    """One command route's plain requests, without FastAPI's solving."""

    def __init__(
        self,
        route: APIRoute,
        model: type[BaseModel],
        arguments: dict[str, Argument],
        body_name: str,
        handler: Handler,
    ) -> None:
        self.route = route
        self.model = model
        self.arguments = arguments
        self.body_name = body_name
        self.handler = handler  # FastAPI's own, for everything else

    def plain_body(self, scope: Scope, app: Any, raw: bytes) -> BaseModel | None:
        """The validated body of a plain request, else None (FastAPI's to answer)."""
        if getattr(self.route.dependency_overrides_provider, "dependency_overrides", None):
            return None
        if getattr(app, "dependency_overrides", None) or not is_plain(scope):
            return None
        try:
            data = json.loads(raw)
            return self.model.model_validate(data) if isinstance(data, dict) else None
        except Exception:  # noqa: BLE001 - any refusal (bad JSON, too deep, invalid) is FastAPI's to word
            return None

    async def __call__(self, request: Request) -> Response:
        """The route's handler when FastAPI routed the request."""
        body = self.plain_body(request.scope, request.app, await request.body())
        if body is None:  # FastAPI's handler says what is wrong
            return await self.handler(request)
        return await self.run(request, body)

    async def run(self, request: Request, body: BaseModel) -> Response:
        values = {name: await argument(request) for name, argument in self.arguments.items()}
        values[self.body_name] = body
        call = self.route.dependant.call
        assert call is not None
        response = await call(**values)
        if not isinstance(response, Response):  # the signature said it would be
            raise TypeError(f"{self.route.path} answered {type(response).__name__}")
        return response


def fast_command(route: APIRoute, handler: Handler) -> FastCommand | None:
    """The route's plain requests without FastAPI's solving (everything else goes
    to `handler`), or None when the route's signature is not one this knows."""
    dependant = route.dependant
    call = dependant.call
    if (
        call is None
        or not inspect.iscoroutinefunction(call)
        or inspect.signature(call).return_annotation not in (Response, "Response")
        or dependant.query_params
        or dependant.header_params
        or dependant.cookie_params
        or len(dependant.body_params) != 1
        or route._embed_body_fields  # noqa: SLF001 - how FastAPI reads this body
    ):
        return None
    body_field = dependant.body_params[0]
    model = body_field.field_info.annotation
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return None
    arguments: dict[str, Argument] = {}
    for field in dependant.path_params:
        if field.field_info.annotation is not str or field.field_info.metadata:
            return None
        arguments[field.name] = path_text(field.alias)
    for dependency in dependant.dependencies:
        plain = getattr(dependency.call, "plain", None)
        if dependency.name is None or plain is None or dependency.dependencies:
            return None
        arguments[dependency.name] = plain
    # Every parameter accounted for: none that FastAPI fills in itself (a Request,
    # a Response, background tasks) and this does not.
    if set(inspect.signature(call).parameters) != {*arguments, body_field.name}:
        return None
    return FastCommand(route, model, arguments, body_field.name, handler)


def path_text(name: str) -> Argument:
    async def argument(request: Request) -> Any:
        return request.path_params[name]

    return argument


def is_plain(scope: Scope) -> bool:
    """A JSON body and none of the command dependency's headers."""
    content_type = None
    for name, value in scope["headers"]:
        if name in COMMAND_HEADERS:
            return False
        if name == b"content-type" and content_type is None:  # the first, as FastAPI reads
            content_type = value
    if content_type is None:
        return False
    kind = content_type.split(b";", 1)[0].strip().lower()
    return kind == b"application/json"


class Shortcut:
    """The edge's way to a command route for a plain request: its route found
    by its path and method among the command routes alone, then the route's
    guard, command and access log as ever, without the router, its exception
    layer and FastAPI's request wrapper (a sixth of such a request's CPU).

    A refusal is answered by the same exception handler the app installs
    (`api.problem_details.handle`); anything else propagates to the edge's
    last line of defence, as it would have. Whatever is not a plain request
    to a command route (no match, a header the dependency validates, a body
    the model refuses) goes the usual way: `answer` returns False.
    """

    def __init__(self, routes: Callable[[], list[Any]], on_error: ErrorHandler) -> None:
        self._routes = routes
        self._on_error = on_error
        self._table: dict[str, list[Any]] | None = None

    def table(self) -> dict[str, list[Any]]:
        """The command routes with a fast path (only a guarded route has one), by method."""
        if self._table is None:
            table: dict[str, list[Any]] = {}
            for route in self._routes():
                if getattr(route, "fast", None) is None:
                    continue
                for method in route.methods or ():
                    table.setdefault(method, []).append(route)
            self._table = table
        return self._table

    async def answer(self, scope: Scope, body: bytes, receive: Receive, send: Send) -> bool:
        """Answer a plain command request here (True), or leave it to the app (False)."""
        candidates = self.table().get(scope["method"])
        if not candidates or scope.get("root_path"):
            return False
        path = scope["path"]
        for route in candidates:
            match = route.path_regex.match(path)
            if match is not None:
                break
        else:
            return False
        fast: FastCommand = route.fast
        validated = fast.plain_body(scope, scope.get("app"), body)
        if validated is None:
            return False
        scope["path_params"] = {
            key: route.param_convertors[key].convert(value)
            for key, value in match.groupdict().items()
        }
        scope["route"] = route
        scope["endpoint"] = route.endpoint
        request = Request(scope, receive, send)
        request._body = body  # noqa: SLF001 - read once, by the edge

        async def run(request: Request) -> Response:
            return await fast.run(request, validated)

        try:
            response = await route.guarded(request, run)
        except Exception as exc:  # noqa: BLE001 - the app's handler, which re-raises the unknown
            response = await self._on_error(request, exc)
        await response(scope, receive, send)
        return True
