"""Console sessions and CSRF: the bearer token in a cookie, a double-submit CSRF token.

- `plans_session`: the bearer token itself, HttpOnly, SameSite=Strict, path
  `/console`, Secure over https. The API never reads cookies, so the cookie
  cannot drive an API write from another site.
- `plans_csrf`: a random token, also HttpOnly and SameSite=Strict; every
  console form carries it in a hidden field and every POST must send both,
  equal, and an `Origin` (when the browser sends one) of this very host.
"""

from __future__ import annotations

import hmac
import secrets
import time

import jwt
from fastapi import Request, Response

from api.auth import Principal
from api.problem_details import ProblemError

SESSION_COOKIE = "plans_session"
CSRF_COOKIE = "plans_csrf"
CSRF_FIELD = "csrf"
COOKIE_PATH = "/console"


class CsrfError(Exception):
    """A console POST without a matching CSRF token or from another origin."""


def principal(request: Request) -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        return request.app.state.verifier.decode(token)
    except ProblemError:
        return None


def token_lifetime(token: str) -> int:
    """Seconds until the (already verified) token expires."""
    claims = jwt.decode(token, options={"verify_signature": False})
    return max(0, int(claims.get("exp", 0)) - int(time.time()))


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=token_lifetime(token),
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )


def clear_session(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict", secure=_secure(request)
    )


def csrf_token(request: Request) -> str:
    """This browser's CSRF token (a new one is set on the response by `finish`)."""
    token = getattr(request.state, "csrf", None)
    if token is None:
        token = request.cookies.get(CSRF_COOKIE)
        if not token or len(token) > 100:
            token = secrets.token_urlsafe(32)
            request.state.new_csrf = True
        request.state.csrf = token
    return str(token)


def finish(request: Request, response: Response) -> None:
    if getattr(request.state, "new_csrf", False):
        response.set_cookie(
            CSRF_COOKIE,
            str(request.state.csrf),
            path=COOKIE_PATH,
            httponly=True,
            samesite="strict",
            secure=_secure(request),
        )


def check_csrf(request: Request, form: dict[str, str]) -> None:
    origin = request.headers.get("origin")
    if origin is not None and origin != "null":
        expected = f"{request.url.scheme}://{request.headers.get('host', '')}"
        if origin != expected:
            raise CsrfError("the form was posted from another origin")
    elif origin == "null":
        raise CsrfError("the form was posted from an opaque origin")
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = form.get(CSRF_FIELD, "")
    if not cookie or not sent or not hmac.compare_digest(cookie.encode(), sent.encode()):
        raise CsrfError("the form's security token is missing or stale; reload and try again")
