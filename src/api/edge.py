"""The one ASGI layer around the app: what every answer gets, whatever answered.

One pure ASGI middleware (one `send` wrapper per request, no task hop) does
what four separate layers used to, each rewriting the response headers:

- **request id**: the caller's `X-Request-ID` when it is a sane token, else a
  new one, echoed on every response (problems and 413s included);
- **no caching**: plans are PHI, and so are the problems, lists and logs
  around them: every response says `Cache-Control: no-store` unless a route
  set its own, so no browser, proxy or CDN keeps a copy;
- **body limit**: a declared Content-Length above the cap is refused at once;
  otherwise the body is read (counting the bytes actually streamed, which a
  client may send chunked or under a false length) and refused as soon as it
  passes the cap, before any route sees it (413; an authenticated attempt on
  an audited route is still logged);
- **last line of defence**: anything unexpected becomes a bare 500 problem
  (its type, route and a reference are logged, never its message);
- **metrics and one log line** per request, by route template
  (`api.observability`);
- **the shortcut**: a plain command request (a JSON body its model takes, no
  If-Match or Idempotency-Key) goes straight to its route (`api.fast_path`).
"""

from __future__ import annotations

import logging
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.fast_path import Shortcut
from api.observability import REQUEST_ID_HEADER, Metrics, incoming_request_id
from api.observability import log as request_log
from api.problem_details import (
    ProblemError,
    internal_error,
    problem_response,
    route_template,
    to_problem,
)

log = logging.getLogger("plans.api")
NO_STORE = (b"cache-control", b"no-store")


class BodyTooLarge(Exception):
    """The request body passes the cap (answered 413 before any route sees it)."""


def too_large(limit: int) -> ProblemError:
    return ProblemError(
        413, "too-large", "Content too large", f"request bodies are limited to {limit} bytes"
    )


class EdgeMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        metrics: Metrics,
        max_body_bytes: int,
        shortcut: Shortcut | None = None,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.limit = max_body_bytes
        self.shortcut = shortcut

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = incoming_request_id(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        began = time.perf_counter()
        status = 500
        started = False
        request_id_header = (REQUEST_ID_HEADER, request_id.encode("latin-1"))

        async def send_with_headers(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = int(message["status"])
                headers = [h for h in message.get("headers", ()) if h[0] != REQUEST_ID_HEADER]
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append(NO_STORE)
                headers.append(request_id_header)
                message["headers"] = headers
            await send(message)

        try:
            body = await self._read_body(scope, receive)
            if body is None:  # the client went away
                return
            receive_body = replay(body, receive)
            # A plain command request goes straight to its route (api.fast_path).
            shortcut = self.shortcut
            if shortcut is not None and await shortcut.answer(
                scope, body, receive_body, send_with_headers
            ):
                return
            await self.app(scope, receive_body, send_with_headers)
        except BodyTooLarge:
            await self._refuse(scope, receive, send_with_headers)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            problem = to_problem(exc)
            if problem is None:
                reference = uuid.uuid4().hex[:12]
                # Type and route only: exception messages may carry client data.
                log.error(
                    "unexpected %s on %s %s (reference %s)",
                    type(exc).__name__,
                    scope.get("method"),
                    route_template(scope),
                    reference,
                )
                problem = internal_error(reference)
            if not started:
                await problem_response(problem)(scope, receive, send_with_headers)
        finally:
            self._observe(scope, request_id, status, time.perf_counter() - began)

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body, or None when the client disconnected; BodyTooLarge as
        soon as the declared or the streamed size passes the cap."""
        for name, value in scope.get("headers") or ():
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    break
                if declared > self.limit:
                    raise BodyTooLarge
                break
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                raise BodyTooLarge
            chunks.append(chunk)
            more = message.get("more_body", False)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        from api.routing import record_refusal  # routing imports the routers' world

        await record_refusal(scope, 413)
        response = problem_response(too_large(self.limit))
        response.headers["Connection"] = "close"
        await response(scope, receive, send)

    def _observe(self, scope: Scope, request_id: str, status: int, seconds: float) -> None:
        method = scope.get("method", "")
        route = route_template(scope)
        self.metrics.observe(method, route, status, seconds)
        if request_log.isEnabledFor(logging.INFO):
            request_log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 3),
                },
            )


def replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the app the body already read, then the rest."""
    delivered = False

    async def receive_body() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return receive_body
