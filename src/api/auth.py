"""Who is calling: bearer JWTs (HS256), the four roles, and route guards.

A guard (`Allow`) is declared on a route as a dependency; the route class in
`api.routing` finds it and runs it before the body is even parsed, so a
request without a valid token is 401 and a role not allowed is 403 whatever
else is wrong with it (the contract's precedence).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Annotated

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.problem_details import ProblemError

CLINICIAN, SUPERVISOR, AUDITOR, ANALYST = "clinician", "supervisor", "auditor", "analyst"
ROLES = (CLINICIAN, SUPERVISOR, AUDITOR, ANALYST)
REQUIRED_CLAIMS = ("sub", "role", "clinic", "exp")
ALGORITHM = "HS256"
# Claims end up in events and the access log: printable, bounded, no control characters.
_CLAIM = re.compile(r"^[^\x00-\x1f\x7f]{1,200}$")

bearer_scheme = HTTPBearer(
    auto_error=False,
    bearerFormat="JWT",
    description="HS256 JWT with claims sub, role, clinic, exp (`plans token` mints one).",
)


@dataclass(frozen=True)
class Principal:
    user: str
    role: str
    clinic: str


def mint_token(secret: str, sub: str, role: str, clinic: str, ttl_minutes: int = 60) -> str:
    """A signed bearer token for `sub` acting as `role` in `clinic`."""
    now = int(time.time())
    claims = {
        "sub": sub,
        "role": role,
        "clinic": clinic,
        "iat": now,
        "exp": now + int(ttl_minutes) * 60,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def unauthorized(detail: str) -> ProblemError:
    return ProblemError(
        401,
        "unauthorized",
        "Authentication required",
        detail,
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def decode_token(token: str, secret: str) -> Principal:
    """The caller named by a token, or 401. Only HS256 is accepted (never `none`)."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"require": list(REQUIRED_CLAIMS), "verify_aud": False},
        )
    except jwt.ExpiredSignatureError:
        raise unauthorized("the token has expired") from None
    except jwt.MissingRequiredClaimError as e:
        raise unauthorized(f"the token lacks the {e.claim!r} claim") from None
    except jwt.InvalidTokenError:
        raise unauthorized("the token is not valid") from None
    values = []
    for name in ("sub", "role", "clinic"):
        value = claims.get(name)
        if not isinstance(value, str) or not _CLAIM.match(value):
            raise unauthorized(f"the token's {name!r} claim is not a valid string")
        values.append(value)
    return Principal(*values)


class Allow:
    """Route guard: the caller must hold a valid token and one of `roles`."""

    def __init__(self, *roles: str) -> None:
        unknown = set(roles) - set(ROLES)
        assert not unknown, unknown
        self.roles = frozenset(roles)

    def identify(self, request: Request) -> Principal:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthorized("send Authorization: Bearer <token>")
        secret: str = request.app.state.jwt_secret
        return decode_token(token.strip(), secret)

    def authorize(self, principal: Principal) -> None:
        if principal.role not in self.roles:
            raise ProblemError(
                403,
                "forbidden",
                "Forbidden",
                f"the role {principal.role!r} may not do this",
            )

    def __call__(
        self,
        request: Request,
        _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    ) -> Principal:
        # The route class has usually checked already; this keeps the guard
        # correct on its own (and documents the bearer scheme in OpenAPI).
        principal = getattr(request.state, "principal", None)
        if not isinstance(principal, Principal):
            principal = self.identify(request)
            request.state.principal = principal
        self.authorize(principal)
        return principal


WRITERS = Allow(CLINICIAN, SUPERVISOR)
PLAN_READERS = Allow(CLINICIAN, SUPERVISOR, AUDITOR)
POLICY_WRITERS = Allow(SUPERVISOR)
EVERYONE = Allow(*ROLES)
LOG_READERS = Allow(AUDITOR, SUPERVISOR)

Writer = Annotated[Principal, Depends(WRITERS)]
PlanReader = Annotated[Principal, Depends(PLAN_READERS)]
PolicyWriter = Annotated[Principal, Depends(POLICY_WRITERS)]
AnyRole = Annotated[Principal, Depends(EVERYONE)]
LogReader = Annotated[Principal, Depends(LOG_READERS)]
