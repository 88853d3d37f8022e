"""Who is calling: bearer JWTs (HS256, or RS256/ES256 from an identity
provider's JWKS), the four roles, and route guards.

A token is refused (401) when its signature, algorithm, `exp`, lifetime
(longer than PLANS_JWT_MAX_TTL_MINUTES), `iss` or `aud` (when configured)
do not check out.

A guard (`Allow`) is declared on a route as a dependency; the route class in
`api.routing` finds it and runs it before the body is even parsed, so a
request without a valid token is 401 and a role not allowed is 403 whatever
else is wrong with it (the contract's precedence).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, cast

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPBearer

from api.problem_details import ProblemError

if TYPE_CHECKING:
    from api.settings import Settings

CLINICIAN, SUPERVISOR, AUDITOR, ANALYST = "clinician", "supervisor", "auditor", "analyst"
ROLES = (CLINICIAN, SUPERVISOR, AUDITOR, ANALYST)
REQUIRED_CLAIMS = ("sub", "role", "clinic", "exp")
ALGORITHM = "HS256"
ASYMMETRIC = frozenset({"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "EdDSA"})
JWKS_REFRESH_SECONDS = 30.0
# How many verified tokens are remembered, and for how long at most.
VERIFIED_TOKENS = 10_000
VERIFIED_SECONDS = 60.0
# Clock skew allowed when judging a token's lifetime (not its expiry).
LEEWAY_SECONDS = 30
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


def mint_token(
    secret: str,
    sub: str,
    role: str,
    clinic: str,
    ttl_minutes: int = 60,
    *,
    issuer: str | None = None,
    audience: str | None = None,
) -> str:
    """A signed bearer token for `sub` acting as `role` in `clinic`."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": sub,
        "role": role,
        "clinic": clinic,
        "iat": now,
        "exp": now + int(ttl_minutes) * 60,
    }
    if issuer:
        claims["iss"] = issuer
    if audience:
        claims["aud"] = audience
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
    """The caller named by a token signed with `secret`, or 401 (HS256 only)."""
    return Verifier([secret]).decode(token)


@dataclass
class Verifier:
    """Checks bearer tokens: HS256 with any of `secrets` (the first signs; all
    verify, for rotation), or, with `jwks_url`, the identity provider's keys."""

    secrets: list[str]
    max_ttl_seconds: int = 24 * 3600
    issuer: str | None = None
    audience: str | None = None
    jwks_url: str | None = None
    algorithms: tuple[str, ...] = ("RS256", "ES256")
    role_claim: str = "role"
    clinic_claim: str = "clinic"
    _jwks: Any = field(default=None, repr=False)
    _refreshed: float = field(default=float("-inf"), repr=False)
    # token → (its caller, until when that answer holds): a token verified
    # once is not decoded and its signature checked again on every request.
    _verified: dict[str, tuple[Principal, float]] = field(default_factory=dict, repr=False)

    @classmethod
    def for_settings(cls, settings: Settings) -> Verifier:
        algorithms = tuple(
            a.strip() for a in settings.oidc_algorithms.split(",") if a.strip() in ASYMMETRIC
        )
        return cls(
            secrets=settings.secrets(),
            max_ttl_seconds=settings.jwt_max_ttl_minutes * 60,
            issuer=settings.jwt_issuer or None,
            audience=settings.jwt_audience or None,
            jwks_url=settings.oidc_jwks_url or None,
            algorithms=algorithms or ("RS256", "ES256"),
            role_claim=settings.role_claim,
            clinic_claim=settings.clinic_claim,
        )

    def _options(self) -> dict[str, Any]:
        required = ["sub", "exp", self.role_claim, self.clinic_claim]
        if self.issuer:
            required.append("iss")
        if self.audience:
            required.append("aud")
        return {"require": required, "verify_aud": self.audience is not None}

    def _claims(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise unauthorized("the token is not valid") from None
        algorithm = header.get("alg")
        common: dict[str, Any] = {
            "options": self._options(),
            "issuer": self.issuer,
            "audience": self.audience,
        }
        if algorithm == ALGORITHM:
            last: jwt.InvalidTokenError | None = None
            for secret in self.secrets:
                try:
                    return jwt.decode(token, secret, algorithms=[ALGORITHM], **common)
                except jwt.InvalidSignatureError as e:
                    last = e  # perhaps signed with another of the secrets
            raise last or jwt.InvalidSignatureError()
        if self.jwks_url and algorithm in self.algorithms:
            key = self._signing_key(header.get("kid"))
            return jwt.decode(token, key.key, algorithms=list(self.algorithms), **common)
        raise jwt.InvalidAlgorithmError("the algorithm is not allowed")

    def _signing_key(self, kid: object) -> Any:
        """The provider's key named `kid`. The key set is cached; an unknown kid
        fetches it again at most every JWKS_REFRESH_SECONDS, so tokens with
        made-up kids cannot make the service hammer (and wait on) the provider."""
        if not isinstance(kid, str) or not kid:
            raise jwt.PyJWKClientError("the token names no key (kid)")
        client = self._key_client()
        for refresh in (False, True):
            if refresh:
                now = time.monotonic()
                if now - self._refreshed < JWKS_REFRESH_SECONDS:
                    break
                self._refreshed = now
            for key in client.get_signing_keys(refresh=refresh):
                if key.key_id == kid:
                    return key
        raise jwt.PyJWKClientError("the token's key is not the identity provider's")

    def _key_client(self) -> Any:
        if self._jwks is None:
            # Only called for a token the identity provider signed: jwks_url is set.
            self._jwks = jwt.PyJWKClient(
                cast(str, self.jwks_url),
                cache_keys=True,
                lifespan=300,
                timeout=5,  # type: ignore[arg-type]
            )
        return self._jwks

    def decode(self, token: str) -> Principal:
        """The caller named by a token, or 401. Never `alg: none`.

        A verified token is remembered until it expires, but for at most
        VERIFIED_SECONDS (so a key the identity provider withdrew stops
        working soon); an expired one is decoded again, and refused."""
        now = time.time()
        known = self._verified.get(token)
        if known is not None and now < known[1]:
            return known[0]
        principal, expires = self._verify(token)
        if len(self._verified) >= VERIFIED_TOKENS:
            self._verified.clear()
        self._verified[token] = (principal, min(expires, now + VERIFIED_SECONDS))
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            claims = self._claims(token)
        except jwt.ExpiredSignatureError:
            raise unauthorized("the token has expired") from None
        except jwt.MissingRequiredClaimError as e:
            raise unauthorized(f"the token lacks the {e.claim!r} claim") from None
        except jwt.PyJWKClientError:
            raise unauthorized("the token's signing key is not known") from None
        except jwt.InvalidTokenError:
            raise unauthorized("the token is not valid") from None
        self._check_lifetime(claims)
        values = []
        names = (("sub", "sub"), ("role", self.role_claim), ("clinic", self.clinic_claim))
        for name, claim in names:
            value = claims.get(claim)
            if not isinstance(value, str) or not _CLAIM.match(value):
                raise unauthorized(f"the token's {name!r} claim is not a valid string")
            values.append(value)
        return Principal(*values), float(claims["exp"])

    def _check_lifetime(self, claims: dict[str, Any]) -> None:
        now = int(time.time())
        exp, iat = claims.get("exp"), claims.get("iat", now)
        if not isinstance(iat, int | float) or isinstance(iat, bool):
            raise unauthorized("the token's 'iat' claim is not a number")
        limit = self.max_ttl_seconds + LEEWAY_SECONDS
        if exp - now > limit or exp - min(iat, now) > limit:  # type: ignore[operator]
            raise unauthorized("the token lives longer than this service accepts")


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
        verifier: Verifier = request.app.state.verifier
        return verifier.decode(token.strip())

    def authorize(self, principal: Principal) -> None:
        if principal.role not in self.roles:
            raise ProblemError(
                403,
                "forbidden",
                "Forbidden",
                f"the role {principal.role!r} may not do this",
            )

    async def __call__(self, request: Request) -> Principal:
        # The route class has usually checked already; this keeps the guard
        # correct on its own. (The bearer scheme is documented by
        # `api.openapi` on every guarded route: a security dependency here
        # would cost each request a second parse of the header and FastAPI's
        # scope bookkeeping.)
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
