"""Request size limits, enforced before any route sees the body.

A declared Content-Length above the cap is refused at once; otherwise the
body is read (counting the bytes actually streamed, which a client may send
chunked or under a false length) and refused as soon as it passes the cap.
Command bodies are small, so buffering them costs nothing worth saving.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problem_details import ProblemError, problem_response


def too_large(limit: int) -> ProblemError:
    return ProblemError(
        413, "too-large", "Content too large", f"request bodies are limited to {limit} bytes"
    )


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.limit = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length > self.limit:
                await self._refuse(scope, receive, send)
                return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        from api.routing import record_refusal  # routing imports the routers' world

        await record_refusal(scope, 413)
        response = problem_response(too_large(self.limit))
        response.headers["Connection"] = "close"
        await response(scope, receive, send)
