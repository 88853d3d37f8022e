"""Settings: one pydantic-settings class, translated to the library's keys here only."""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_BYTES = 32


class SettingsError(ValueError):
    """A setting is unusable; the message is one line, fit for a terminal."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PLANS_", env_file=".env", extra="ignore", frozen=True
    )

    database_url: str | None = Field(
        default=None,
        description="postgresql://user:pass@host:port/db or sqlite:///path/to/file.db",
    )
    data_dir: Path = Field(default=Path(".plans"), description="SQLite file and JWT secret")
    jwt_secret: SecretStr | None = None
    cipher_key: SecretStr | None = None
    # Key of the analysts' pseudonyms (`subject`); unset: generated once, kept in data_dir.
    pseudonym_secret: SecretStr | None = None
    snapshot_interval: int = Field(default=50, ge=2, le=10_000)
    # Commands on different plans share one commit (PostgreSQL; see domain.application).
    group_commit: bool = True
    pool_size: int = Field(default=8, ge=1, le=200)
    # Read-your-writes: how long a query with min_position waits before 503.
    min_position_wait_seconds: float = Field(default=5.0, ge=0, le=60)
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    # A static bearer that may read /metrics only (for a Prometheus credentials_file).
    metrics_token: SecretStr | None = None
    # --- security (README "Security")
    # Tokens: the longest lifetime (exp - now, and exp - iat) the server accepts.
    jwt_max_ttl_minutes: int = Field(default=24 * 60, ge=1, le=60 * 24 * 30)
    jwt_issuer: str | None = Field(default=None, description="required `iss` when set")
    jwt_audience: str | None = Field(default=None, description="required `aud` when set")
    # OIDC: RS256/ES256 tokens verified with the identity provider's published keys.
    oidc_jwks_url: str | None = None
    oidc_algorithms: str = "RS256,ES256"
    role_claim: str = Field(default="role", min_length=1, max_length=100)
    clinic_claim: str = Field(default="clinic", min_length=1, max_length=100)
    # Concurrent `min_position` waits; beyond this a query answers 503 at once.
    max_position_waiters: int = Field(default=32, ge=1, le=10_000)
    # Peers whose X-Forwarded-For / -Proto headers are believed (comma-separated
    # IPs or CIDRs, as uvicorn's forwarded_allow_ips). Empty: nobody's.
    trusted_proxies: str = ""
    # PostgreSQL: the login role `serve` and `project` use. `plans init`, run as
    # the tables' owner, grants it what it needs and no more (README "Security").
    service_role: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_$]{0,62}$")

    @field_validator("database_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        parse_database_url(value)
        return value

    @field_validator("jwt_secret")
    @classmethod
    def _check_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        for part in value.get_secret_value().split(","):
            if len(part.strip().encode("utf-8")) < MIN_SECRET_BYTES:
                raise ValueError(
                    f"each secret must be at least {MIN_SECRET_BYTES} bytes (HS256 needs 256 bits)"
                )
        return value

    @field_validator("cipher_key")
    @classmethod
    def _check_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        # Several comma-separated keys: the first encrypts, all decrypt (rotation).
        for n, part in enumerate(value.get_secret_value().split(","), start=1):
            which = f"key {n} of " if "," in value.get_secret_value() else ""
            try:
                raw = base64.b64decode(part.strip(), validate=True)
            except (binascii.Error, ValueError):
                raise ValueError(f"{which}PLANS_CIPHER_KEY is not valid base64") from None
            if len(raw) != 32:
                raise ValueError(
                    f"{which}PLANS_CIPHER_KEY must decode to 32 bytes (AES-256), not {len(raw)}"
                )
        return value

    # ----------------------------------------------------------------- derived
    @property
    def backend(self) -> Literal["sqlite", "postgres"]:
        return parse_database_url(self.database_url_or_default)["backend"]  # type: ignore[return-value]

    @property
    def database_url_or_default(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'plans.db').as_posix()}"

    def postgres_params(self) -> dict[str, str]:
        return parse_database_url(self.database_url_or_default)

    def secret(self) -> str:
        """The JWT secret that signs: the first configured one, or generated once
        and kept (0600) in data_dir."""
        return self.secrets()[0]

    def secrets(self) -> list[str]:
        """Every secret that verifies (rotation: the first signs, all verify)."""
        if self.jwt_secret is not None and self.jwt_secret.get_secret_value():
            parts = [p.strip() for p in self.jwt_secret.get_secret_value().split(",")]
            return [p for p in parts if p]
        path = self.data_dir / "jwt_secret"
        secure_dir(self.data_dir)
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
        os.chmod(path, 0o600)
        secret = path.read_text().strip()
        if len(secret.encode()) < MIN_SECRET_BYTES:
            raise SettingsError(f"{path}: the kept secret is shorter than {MIN_SECRET_BYTES} bytes")
        return [secret]

    def secure_files(self) -> None:
        """PHI stays with the service's user: the data dir 0700, its files 0600.

        The SQLite file is created 0600 before SQLite opens it; SQLite gives its
        -wal and -shm files the database file's mode.
        """
        if self.backend == "sqlite":
            db = Path(self.postgres_params()["path"])
            if not db.parent.exists() or db.parent.resolve() == self.data_dir.resolve():
                secure_dir(db.parent)
            if not db.exists():
                os.close(os.open(db, os.O_WRONLY | os.O_CREAT, 0o600))
            for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal")):
                if path.exists():
                    os.chmod(path, 0o600)
        if self.data_dir.is_dir():
            os.chmod(self.data_dir, 0o700)
            for path in self.data_dir.iterdir():
                if path.is_file():
                    os.chmod(path, 0o600)

    def pseudonym_key(self) -> bytes:
        """The analysts' pseudonym key: configured, or generated once and kept (0600)
        in data_dir. Changing it renames every subject (old exports no longer link)."""
        if self.pseudonym_secret is not None and self.pseudonym_secret.get_secret_value():
            return self.pseudonym_secret.get_secret_value().encode()
        path = self.data_dir / "pseudonym_secret"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it first
                return path.read_text().strip().encode()
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
        return path.read_text().strip().encode()

    def library_env(self, *, create_table: bool = False, name: str = "") -> dict[str, str]:
        """The eventsourcing library's environment for these settings."""
        params = self.postgres_params()
        env: dict[str, str] = {
            "CREATE_TABLE": "y" if create_table else "n",
            "SNAPSHOT_INTERVAL": str(self.snapshot_interval),
            "GROUP_COMMIT": "y" if self.group_commit else "n",
            "IS_SNAPSHOTTING_ENABLED": "y",
            # The library's JSON format, read with orjson (same objects, faster).
            "TRANSCODER_TOPIC": "eventstore.transcoding:OrjsonTranscoder",
        }
        if params["backend"] == "sqlite":
            self.secure_files()
            env.update(
                PERSISTENCE_MODULE="eventsourcing.sqlite",
                SQLITE_DBNAME=params["path"],
                SQLITE_LOCK_TIMEOUT="30",
            )
        else:
            env.update(
                PERSISTENCE_MODULE="eventsourcing.postgres",
                POSTGRES_DBNAME=params["dbname"],
                POSTGRES_HOST=params["host"],
                POSTGRES_PORT=params["port"],
                POSTGRES_USER=params["user"],
                POSTGRES_PASSWORD=params["password"],
                POSTGRES_SCHEMA=params["schema"],
                POSTGRES_POOL_SIZE=str(self.pool_size),
                POSTGRES_MAX_OVERFLOW=str(self.pool_size),
                POSTGRES_CONNECT_TIMEOUT="5",
                POSTGRES_LOCK_TIMEOUT="10",
                POSTGRES_PRE_PING="y",
                POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT="10",
            )
        # Which recorder class serves the backend is wiring, decided by the
        # composition root (by import, not by a class name written here).
        from api.composition import recorder_topic

        env["APPLICATION_RECORDER_TOPIC"] = recorder_topic(params["backend"])
        if self.cipher_key is not None:
            # Envelope encryption: per-client data keys wrapped by these master keys.
            env.update(
                CIPHER_TOPIC="eventstore.cipher:EnvelopeCipher",
                MAPPER_TOPIC="eventstore.cipher:EnvelopeMapper",
                CIPHER_KEY=self.cipher_key.get_secret_value(),
            )
        return env


def secure_dir(path: Path) -> None:
    """Create `path` (and parents) if need be; make it 0700."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def parse_database_url(url: str) -> dict[str, str]:
    """Split a database URL into its parts, or raise SettingsError saying why."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if parts.netloc or not path or path == "/":
            raise SettingsError(
                f"PLANS_DATABASE_URL: expected sqlite:///path/to/file.db, got {url!r}"
            )
        # sqlite:///rel.db → "rel.db"; sqlite:////abs.db → "/abs.db"
        return {"backend": "sqlite", "path": path[1:] if path.startswith("/") else path}
    if parts.scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        dbname = parts.path.lstrip("/")
        if not parts.hostname or not dbname:
            raise SettingsError("PLANS_DATABASE_URL: expected postgresql://user:pass@host:port/db")
        try:
            port = parts.port or 5432
        except ValueError:
            raise SettingsError("PLANS_DATABASE_URL: the port is not a number") from None
        query = parse_qs(parts.query)
        return {
            "backend": "postgres",
            "host": parts.hostname,
            "port": str(port),
            "user": unquote(parts.username or "postgres"),
            "password": unquote(parts.password or ""),
            "dbname": unquote(dbname),
            "schema": query.get("schema", [""])[0],
        }
    raise SettingsError(
        f"PLANS_DATABASE_URL: unsupported scheme {parts.scheme!r} (use postgresql:// or sqlite:///)"
    )


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment and .env; raises SettingsError with one clear line."""
    from pydantic import ValidationError

    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as e:
        first = e.errors()[0]
        where = "PLANS_" + "_".join(str(p) for p in first["loc"]).upper()
        message = str(first["msg"]).removeprefix("Value error, ").removeprefix(f"{where}: ")
        raise SettingsError(f"{where}: {message}") from None
