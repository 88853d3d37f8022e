"""Key hierarchy: master keys (settings) wrap data keys (database), data keys encrypt events.

- Master keys come from PLANS_CIPHER_KEY (comma-separated base64 AES-256 keys).
  The first wraps new and rotated data keys; every one unwraps. A master key's
  id is a fingerprint of it (no secret), stored beside each key it wrapped.
- One data key per (clinic, client), plus one system key (clinic policies,
  erasure records). `data_keys` holds them wrapped; `plan_keys` says which
  data key a plan's events use (fixed when the plan is created).
- Erasure (crypto-shredding) overwrites a data key's wrapped bytes with NULL
  and stamps `erased_at`: its events stay in place, chained and unreadable.

The client id is PHI, so the tables hold only `client_ref`, an HMAC of the
clinic and client id under the system key (stable across master-key rotation).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.postgres import PostgresDatastore

from eventstore.connections import pooled_transaction
from eventstore.utc import utc_text_now

SYSTEM_KEY_ID = UUID(int=0)
NONCE = 12
# A process serving requests keeps unwrapped keys in memory; it re-reads a
# key's row at most this often, so an erasure made by another process (the
# `plans erase` command) takes effect there within this many seconds.
RECHECK_SECONDS = 1.0


class KeyError_(ValueError):  # noqa: N801 - not the builtin KeyError
    """A data key cannot be unwrapped with the configured master keys."""


class UnknownDataKeyError(KeyError_):
    """No such data key in the key store (e.g. a ciphertext of another format)."""


class DataKeyErasedError(LookupError):
    """The data key was destroyed (crypto-shredded); `clinic` is the key's clinic."""

    def __init__(self, key_id: UUID, clinic: str) -> None:
        super().__init__(f"data key {key_id} was erased")
        self.key_id = key_id
        self.clinic = clinic


def master_key_id(key: bytes) -> str:
    """A public fingerprint of a master key (which key wrapped a data key)."""
    return hashlib.sha256(b"plans master key id\x00" + key).hexdigest()[:16]


def parse_master_keys(text: str) -> list[bytes]:
    """PLANS_CIPHER_KEY's comma-separated base64 keys, each exactly 32 bytes."""
    keys = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        raw = base64.b64decode(part, validate=True)
        if len(raw) != 32:
            raise ValueError(f"each key must decode to 32 bytes (AES-256), not {len(raw)}")
        keys.append(raw)
    if not keys:
        raise ValueError("no key given")
    return keys


class MasterKeys:
    """The configured master keys: the first wraps, any of them unwraps."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        self.by_id = {master_key_id(k): AESGCM(k) for k in keys}
        self.current_id = master_key_id(keys[0])
        self.legacy = [AESGCM(k) for k in keys]  # the single-key format before envelopes

    def wrap(self, key_id: UUID, data_key: bytes) -> tuple[str, bytes]:
        nonce = os.urandom(NONCE)
        wrapped = self.by_id[self.current_id].encrypt(nonce, data_key, key_id.bytes)
        return self.current_id, nonce + wrapped

    def unwrap(self, key_id: UUID, master_id: str, wrapped: bytes) -> bytes:
        master = self.by_id.get(master_id)
        if master is None:
            raise KeyError_(
                f"data key {key_id} is wrapped by master key {master_id}, "
                "which is not in PLANS_CIPHER_KEY"
            )
        try:
            return master.decrypt(wrapped[:NONCE], wrapped[NONCE:], key_id.bytes)
        except InvalidTag:
            raise KeyError_(
                f"data key {key_id} does not unwrap with master key {master_id}"
            ) from None


@dataclass
class _Cached:
    aead: AESGCM | None  # None: erased
    clinic: str
    checked: float


class KeyStore:
    """The `data_keys` and `plan_keys` tables on the event store's own datastore."""

    def __init__(self, datastore: Any, masters: MasterKeys) -> None:
        self.datastore = datastore
        self.masters = masters
        self.is_postgres = isinstance(datastore, PostgresDatastore)
        schema = getattr(datastore, "schema", "") or "public"
        prefix = f'"{schema}".' if self.is_postgres else ""
        self.keys_table = f"{prefix}data_keys"
        self.plans_table = f"{prefix}plan_keys"
        self._keys: dict[UUID, _Cached] = {}
        self._plans: dict[UUID, UUID | None] = {}
        self._clients: dict[tuple[str, str], UUID] = {}
        self._system_ref: bytes | None = None
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- SQL
    def _cursor(self, *, commit: bool) -> AbstractContextManager[Any]:
        return pooled_transaction(self.datastore, commit=commit)

    def _sql(self, text: str) -> str:
        text = text.format(
            keys=self.keys_table,
            plans=self.plans_table,
            blob="BYTEA" if self.is_postgres else "BLOB",
        )
        return text if self.is_postgres else text.replace("%s", "?")

    def _fetch(self, text: str, params: Sequence[Any] = (), *, commit: bool = False) -> list[Any]:
        with self._cursor(commit=commit) as curs:
            curs.execute(self._sql(text), tuple(params))
            return [dict(r) for r in curs.fetchall()]

    def _execute(self, text: str, params: Sequence[Any] = ()) -> None:
        with self._cursor(commit=True) as curs:
            curs.execute(self._sql(text), tuple(params))

    def create_tables(self) -> None:
        for statement in (
            "CREATE TABLE IF NOT EXISTS {keys} (key_id TEXT PRIMARY KEY, clinic TEXT NOT NULL, "
            "client_ref TEXT NOT NULL, master_id TEXT, wrapped {blob}, "
            "created_at TEXT NOT NULL, erased_at TEXT)",
            "CREATE UNIQUE INDEX IF NOT EXISTS data_keys_client_idx ON {keys} "
            "(clinic, client_ref) WHERE erased_at IS NULL",
            "CREATE TABLE IF NOT EXISTS {plans} (plan_id TEXT PRIMARY KEY, key_id TEXT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS plan_keys_key_idx ON {plans} (key_id)",
        ):
            self._execute(statement)

    # -------------------------------------------------------------- reads
    def aead(self, key_id: UUID) -> AESGCM:
        """The data key's cipher (cached); DataKeyErasedError once it is destroyed."""
        cached = self._keys.get(key_id)
        if cached is None or time.monotonic() - cached.checked > RECHECK_SECONDS:
            cached = self._load(key_id, cached)
        if cached.aead is None:
            raise DataKeyErasedError(key_id, cached.clinic)
        return cached.aead

    def known_erased_clinic(self, key_id: UUID) -> tuple[bool, str | None]:
        """`erased_clinic` from memory only: (False, None) when that would mean
        reading the key's row (not cached, or checked too long ago)."""
        cached = self._keys.get(key_id)
        if cached is None or time.monotonic() - cached.checked > RECHECK_SECONDS:
            return False, None
        return True, (cached.clinic if cached.aead is None else None)

    def erased_clinic(self, key_id: UUID) -> str | None:
        """The clinic of an erased key, or None while the key lives (or is unknown)."""
        try:
            self.aead(key_id)
        except DataKeyErasedError as e:
            return e.clinic
        except UnknownDataKeyError:
            return None
        return None

    def _load(self, key_id: UUID, cached: _Cached | None) -> _Cached:
        rows = self._fetch(
            "SELECT clinic, master_id, wrapped, erased_at FROM {keys} WHERE key_id = %s",
            [key_id.hex],
        )
        if not rows:
            if key_id == SYSTEM_KEY_ID:
                return self._create_system_key()
            raise UnknownDataKeyError(f"data key {key_id} is not in the key store")
        row = rows[0]
        if row["wrapped"] is None:
            found = _Cached(None, row["clinic"], float("inf"))  # erasure is final
        elif cached is not None and cached.aead is not None:
            found = _Cached(cached.aead, row["clinic"], time.monotonic())
        else:
            raw = self.masters.unwrap(key_id, row["master_id"], bytes(row["wrapped"]))
            found = _Cached(AESGCM(raw), row["clinic"], time.monotonic())
        self._keys[key_id] = found
        return found

    def _create_system_key(self) -> _Cached:
        self._insert_key(SYSTEM_KEY_ID, "", "")
        return self._load(SYSTEM_KEY_ID, None)

    def _insert_key(self, key_id: UUID, clinic: str, client_ref: str) -> None:
        master_id, wrapped = self.masters.wrap(key_id, AESGCM.generate_key(256))
        self._execute(
            "INSERT INTO {keys} (key_id, clinic, client_ref, master_id, wrapped, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            [key_id.hex, clinic, client_ref, master_id, wrapped, utc_text_now()],
        )

    def client_ref(self, clinic: str, client_id: str) -> str:
        """A keyed hash naming a client without being PHI."""
        if self._system_ref is None:
            self.aead(SYSTEM_KEY_ID)
            row = self._fetch(
                "SELECT wrapped, master_id FROM {keys} WHERE key_id = %s", [SYSTEM_KEY_ID.hex]
            )[0]
            raw = self.masters.unwrap(SYSTEM_KEY_ID, row["master_id"], bytes(row["wrapped"]))
            self._system_ref = hashlib.sha256(b"plans client ref\x00" + raw).digest()
        message = f"{clinic}\x00{client_id}".encode()
        return hmac.new(self._system_ref, message, hashlib.sha256).hexdigest()

    def client_key(self, clinic: str, client_id: str) -> UUID:
        """The client's live data key, created on first use."""
        found = self._clients.get((clinic, client_id))
        if found is not None and self._keys.get(found, _Cached(None, "", 0)).aead is not None:
            return found
        ref = self.client_ref(clinic, client_id)
        select = (
            "SELECT key_id FROM {keys} WHERE clinic = %s AND client_ref = %s AND erased_at IS NULL"
        )
        rows = self._fetch(select, [clinic, ref])
        if not rows:
            self._insert_key(uuid4(), clinic, ref)  # a racing twin loses on the unique index
            rows = self._fetch(select, [clinic, ref])
        key_id = UUID(rows[0]["key_id"])
        self.aead(key_id)
        with self._lock:
            self._clients[(clinic, client_id)] = key_id
        return key_id

    def bind_plan(self, plan_id: UUID, key_id: UUID) -> None:
        """The plan's events use this key from now on (written before its first event)."""
        self._execute(
            "INSERT INTO {plans} (plan_id, key_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            [plan_id.hex, key_id.hex],
        )
        rows = self._fetch("SELECT key_id FROM {plans} WHERE plan_id = %s", [plan_id.hex])
        self._plans[plan_id] = UUID(rows[0]["key_id"])

    def known_plan_key(self, plan_id: UUID) -> tuple[bool, UUID | None]:
        """`plan_key` from memory only: (False, None) when it was never read."""
        if plan_id in self._plans:
            return True, self._plans[plan_id]
        return False, None

    def plan_key(self, plan_id: UUID) -> UUID | None:
        """The data key of a plan, or None for any other stream (they use the system key)."""
        if plan_id in self._plans:
            return self._plans[plan_id]
        rows = self._fetch("SELECT key_id FROM {plans} WHERE plan_id = %s", [plan_id.hex])
        found = UUID(rows[0]["key_id"]) if rows else None
        with self._lock:
            self._plans[plan_id] = found
        return found

    # ------------------------------------------------------------ changes
    def client_keys(self, clinic: str, client_id: str) -> list[dict[str, Any]]:
        """Every data key the client ever had (live or erased), with its plans."""
        ref = self.client_ref(clinic, client_id)
        keys = self._fetch(
            "SELECT key_id, erased_at FROM {keys} WHERE clinic = %s AND client_ref = %s",
            [clinic, ref],
        )
        for key in keys:
            plans = self._fetch("SELECT plan_id FROM {plans} WHERE key_id = %s", [key["key_id"]])
            key["plan_ids"] = sorted(UUID(p["plan_id"]) for p in plans)
            key["client_ref"] = ref
        return keys

    def destroy(self, key_id: UUID) -> bool:
        """Crypto-shred one data key; False when it was already gone."""
        with self._cursor(commit=True) as curs:
            curs.execute(
                self._sql(
                    "UPDATE {keys} SET wrapped = NULL, master_id = NULL, erased_at = %s "
                    "WHERE key_id = %s AND erased_at IS NULL"
                ),
                (utc_text_now(), key_id.hex),
            )
            changed = rowcount(curs)
        self.forget()
        return bool(changed)

    def forget(self) -> None:
        """Drop every unwrapped key from memory (after an erasure or rotation)."""
        with self._lock:
            self._keys.clear()
            self._clients.clear()

    def rewrap_all(self) -> tuple[int, int]:
        """Re-wrap every live data key under the first master key: (re-wrapped, already)."""
        done = already = 0
        with self._cursor(commit=True) as curs:
            curs.execute(
                self._sql("SELECT key_id, master_id, wrapped FROM {keys} WHERE wrapped IS NOT NULL")
            )
            rows = [dict(r) for r in curs.fetchall()]
            for row in rows:
                if row["master_id"] == self.masters.current_id:
                    already += 1
                    continue
                key_id = UUID(row["key_id"])
                raw = self.masters.unwrap(key_id, row["master_id"], bytes(row["wrapped"]))
                master_id, wrapped = self.masters.wrap(key_id, raw)
                curs.execute(
                    self._sql("UPDATE {keys} SET master_id = %s, wrapped = %s WHERE key_id = %s"),
                    (master_id, wrapped, row["key_id"]),
                )
                done += 1
        self.forget()
        return done, already

    def missing_master_ids(self) -> list[str]:
        """Ids of master keys that wrap live data keys but are not configured."""
        return sorted(set(self.master_ids_in_use()) - set(self.masters.by_id))

    def master_ids_in_use(self) -> dict[str, int]:
        rows = self._fetch(
            "SELECT master_id, count(*) AS n FROM {keys} WHERE wrapped IS NOT NULL "
            "GROUP BY master_id"
        )
        return {r["master_id"]: int(r["n"]) for r in rows}


def rowcount(curs: Any) -> int:
    """Rows changed by the last statement (the library's SQLite cursor wraps sqlite3's)."""
    return int(getattr(curs, "sqlite_cursor", curs).rowcount)
