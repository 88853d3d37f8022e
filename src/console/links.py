"""One-time sign-in links: `plans token --link` mints a code, the console redeems it once.

The code is a short-lived token signed with a key derived from the service's
secret for this purpose only, so it is never accepted as an API bearer
token. Redeeming records its nonce (`jti`) in a table whose primary key
makes a second redemption fail, across restarts and processes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import jwt
from psycopg import sql

from api.settings import Settings
from eventstore.connections import connect

TABLE = "console_sign_in_links"
PURPOSE = "console-sign-in"
LINK_TTL_SECONDS = 300
ALGORITHM = "HS256"


def link_key(secret: str) -> str:
    """The key that signs sign-in codes: derived, so an API token never verifies as one."""
    return hmac.new(secret.encode(), PURPOSE.encode(), hashlib.sha256).hexdigest()


def mint_link_code(secret: str, sub: str, role: str, clinic: str, ttl_minutes: int) -> str:
    now = int(time.time())
    claims = {
        "sub": sub,
        "role": role,
        "clinic": clinic,
        "ttl": int(ttl_minutes),
        "purpose": PURPOSE,
        "jti": secrets.token_urlsafe(16),
        "iat": now,
        "exp": now + LINK_TTL_SECONDS,
    }
    return jwt.encode(claims, link_key(secret), algorithm=ALGORITHM)


@dataclass(frozen=True)
class LinkClaims:
    sub: str
    role: str
    clinic: str
    ttl_minutes: int
    nonce: str


class InvalidLinkError(ValueError):
    """The code is not one this service minted, has expired, or was used already."""


def read_link_code(code: str, secret: str) -> LinkClaims:
    try:
        claims = jwt.decode(
            code,
            link_key(secret),
            algorithms=[ALGORITHM],
            options={"require": ["sub", "role", "clinic", "exp", "jti", "ttl", "purpose"]},
        )
    except jwt.InvalidTokenError:
        raise InvalidLinkError("this sign-in link is not valid or has expired") from None
    if claims.get("purpose") != PURPOSE:
        raise InvalidLinkError("this sign-in link is not valid or has expired")
    values = [claims.get(k) for k in ("sub", "role", "clinic", "jti")]
    ttl = claims.get("ttl")
    if not all(isinstance(v, str) and 0 < len(v) <= 200 for v in values) or not isinstance(
        ttl, int
    ):
        raise InvalidLinkError("this sign-in link is not valid or has expired")
    subject, role, clinic, jti = cast(list[str], values)  # each checked a string above
    return LinkClaims(subject, role, clinic, max(1, min(ttl, 60 * 24)), jti)


def create_link_table(settings: Settings) -> None:
    params = settings.postgres_params()
    if settings.backend == "sqlite":
        with sqlite3.connect(params["path"], timeout=30) as db:
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} "
                "(nonce TEXT PRIMARY KEY, used_at TEXT NOT NULL)"
            )
        db.close()
        return
    with connect(params) as conn:
        conn.execute(
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {schema}.{table} "
                "(nonce text PRIMARY KEY, used_at timestamptz NOT NULL)"
            ).format(
                schema=sql.Identifier(params["schema"] or "public"), table=sql.Identifier(TABLE)
            )
        )


class RedeemedLinks:
    """Records redeemed nonces through the application's own datastore."""

    def __init__(self, datastore: Any, backend: str) -> None:
        self.datastore = datastore
        self.backend = backend
        if backend == "postgres":
            self._insert: Any = sql.SQL(
                "INSERT INTO {schema}.{table} (nonce, used_at) VALUES (%s, %s) "
                "ON CONFLICT DO NOTHING RETURNING nonce"
            ).format(
                schema=sql.Identifier(datastore.schema or "public"), table=sql.Identifier(TABLE)
            )
        else:
            self._insert = (
                f"INSERT INTO {TABLE} (nonce, used_at) VALUES (?, ?) "
                "ON CONFLICT DO NOTHING RETURNING nonce"
            )

    def redeem(self, nonce: str) -> bool:
        """True the first time a nonce is redeemed, False ever after."""
        now = datetime.now(tz=UTC)
        at: Any = now if self.backend == "postgres" else now.isoformat()
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(self._insert, (nonce, at))
            return len(curs.fetchall()) == 1
