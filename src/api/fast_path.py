"""A plain command request without FastAPI's dependency solving.

FastAPI resolves a route's parameters generically on every request: for a
command such as POST /plans/{id}/scores that is a quarter of the CPU it
spends on the request, for a path parameter, one JSON body and the command
dependency. `FastCommand` does the same for the one request shape that is
most of the traffic, and only that:

* the body is `application/json` and parses with `json.loads` (what
  FastAPI uses) into an object that the body model validates
  (`model_validate`, python mode, as FastAPI's body field does);
* no `If-Match` or `Idempotency-Key` header (the command dependency's only
  parameters besides the request);
* no dependency overrides are installed (tests install them).

Anything else, including every request with an error to report, goes to
FastAPI's own handler, so a 422 is FastAPI's word for word and the body is
validated again there (the request keeps the body it read). A route takes
this path only if its signature is known: plan-id path parameters (plain
text or `PlanId`), one body model, the command dependency, and an `async`
endpoint that returns a `Response`.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
Argument = Callable[[Request], Awaitable[Any]]

# Request headers that need the command dependency's own validation.
COMMAND_HEADERS = frozenset({b"if-match", b"idempotency-key"})


def fast_command(route: APIRoute, handler: Handler) -> Handler | None:
    """A handler for the route's plain requests (else `handler`), or None when the
    route's signature is not one this knows."""
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
    body_name = body_field.name
    # Every parameter accounted for: none that FastAPI fills in itself (a Request,
    # a Response, background tasks) and this does not.
    if set(inspect.signature(call).parameters) != {*arguments, body_name}:
        return None
    overrides = route.dependency_overrides_provider

    async def plain_command(request: Request) -> Response:
        if (
            getattr(overrides, "dependency_overrides", None)
            or getattr(request.app, "dependency_overrides", None)
            or not is_plain(request)
        ):
            return await handler(request)
        try:
            data = json.loads(await request.body())
            body = model.model_validate(data) if isinstance(data, dict) else None
        except Exception:  # noqa: BLE001 - any refusal (bad JSON, too deep, invalid) is FastAPI's to word
            body = None
        if body is None:  # FastAPI's handler says what is wrong
            return await handler(request)
        values = {name: await argument(request) for name, argument in arguments.items()}
        values[body_name] = body
        response = await call(**values)
        if not isinstance(response, Response):  # the signature said it would be
            raise TypeError(f"{route.path} answered {type(response).__name__}, not a Response")
        return response

    return plain_command


def path_text(name: str) -> Argument:
    async def argument(request: Request) -> Any:
        return request.path_params[name]

    return argument


def is_plain(request: Request) -> bool:
    """A JSON body and none of the command dependency's headers."""
    content_type = None
    for name, value in request.scope["headers"]:
        if name in COMMAND_HEADERS:
            return False
        if name == b"content-type" and content_type is None:  # the first, as FastAPI reads
            content_type = value
    if content_type is None:
        return False
    kind = content_type.split(b";", 1)[0].strip().lower()
    return kind == b"application/json"
