"""Envelope encryption of stored events: each plan's events under its client's data key.

The stored state of an event (or snapshot) is

    0x01 | data key id (16 bytes) | nonce (12) | AES-256-GCM ciphertext and tag

with the first 17 bytes as associated data, so a ciphertext cannot be moved
under another key id. Ids, versions and topics stay plain (the library's
choice), so the hash chain and `plans verify` never need a key.

A plan's data key is chosen when its `PlanCreated` event is stored (the
event names the clinic and client) and recorded in `plan_keys`; the plan's
later events and snapshots look it up by originator id (cached). Streams
without a client (clinic policies, erasure records) use the system key.
"""

from __future__ import annotations

import os
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Cipher, Mapper, StoredEvent
from eventsourcing.utils import Environment, get_topic

from domain import errors
from eventstore.keys import (
    NONCE,
    SYSTEM_KEY_ID,
    DataKeyErasedError,
    KeyStore,
    MasterKeys,
    UnknownDataKeyError,
    parse_master_keys,
)

FORMAT = 0x01
HEADER = 17


def key_id_of(state: bytes) -> UUID | None:
    """The data key id in a stored state, or None for another format (e.g. plain)."""
    if len(state) < HEADER + NONCE + 16 or state[0] != FORMAT:
        return None
    return UUID(bytes=bytes(state[1:HEADER]))


class EnvelopeCipher(Cipher):
    """The master keys (CIPHER_KEY, comma-separated) and, once bound, the key store."""

    def __init__(self, environment: Environment) -> None:
        text = environment.get("CIPHER_KEY") or ""
        self.masters = MasterKeys(parse_master_keys(text))
        self.create_tables = (environment.get("CREATE_TABLE") or "n").lower() in ("y", "yes", "1")
        self.keys: KeyStore | None = None

    def bind(self, datastore: Any) -> KeyStore:
        if self.keys is None:
            self.keys = KeyStore(datastore, self.masters)
            if self.create_tables:
                self.keys.create_tables()
        return self.keys

    def encrypt(self, plaintext: bytes, key_id: UUID = SYSTEM_KEY_ID) -> bytes:
        assert self.keys is not None, "the cipher is not bound to a key store"
        aead = self.keys.aead(key_id)
        header = bytes([FORMAT]) + key_id.bytes
        nonce = os.urandom(NONCE)
        return header + nonce + aead.encrypt(nonce, plaintext, header)

    def decrypt(self, ciphertext: bytes) -> bytes:
        assert self.keys is not None, "the cipher is not bound to a key store"
        data = bytes(ciphertext)
        key_id = key_id_of(data)
        if key_id is None:
            return self._decrypt_legacy(data)
        try:
            aead = self.keys.aead(key_id)
        except UnknownDataKeyError:
            return self._decrypt_legacy(data)
        return aead.decrypt(data[HEADER : HEADER + NONCE], data[HEADER + NONCE :], data[:HEADER])

    def _decrypt_legacy(self, data: bytes) -> bytes:
        """Events written with one global key (the library's AESCipher layout)."""
        nonce, tag, body = data[:NONCE], data[NONCE : NONCE + 16], data[NONCE + 16 :]
        for aead in self.masters.legacy:
            try:
                return aead.decrypt(nonce, body + tag, None)
            except Exception:  # noqa: BLE001, S112 - try the next master key
                continue
        raise ValueError("the stored state does not decrypt with any configured key")


class EnvelopeMapper(Mapper[UUID]):
    """A mapper that encrypts each plan's events under its client's data key."""

    cipher: EnvelopeCipher  # type: ignore[assignment]

    @property
    def keys(self) -> KeyStore:
        assert self.cipher.keys is not None, "the mapper is not bound to a key store"
        return self.cipher.keys

    def bind_recorder(self, recorder: Any) -> None:
        """Keep the keys beside the events, in the recorder's database."""
        self.cipher.bind(recorder.datastore)

    def key_for(self, domain_event: Any) -> UUID:
        originator_id = domain_event.originator_id
        client_id = getattr(domain_event, "client_id", None)
        clinic = getattr(domain_event, "clinic", None)
        if domain_event.originator_version == 1 and client_id and clinic:
            key_id = self.keys.client_key(clinic, client_id)
            self.keys.bind_plan(originator_id, key_id)
            return key_id
        return self.keys.plan_key(originator_id) or SYSTEM_KEY_ID

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        """The library's encoding, then encryption under the event's data key."""
        key_id = self.key_for(domain_event)
        state = dict(vars(domain_event))
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        data = self.transcoder.encode(state)
        if self.compressor:
            data = self.compressor.compress(data)
        try:
            data = self.cipher.encrypt(data, key_id)
        except DataKeyErasedError as e:
            raise errors.PlanErasedError(originator_id, e.clinic) from None
        topic = get_topic(type(domain_event))
        return StoredEvent(originator_id, originator_version, topic, data)

    def is_erased(self, stored_event: StoredEvent) -> bool:
        """Whether the event's data key was destroyed (asked of the key store, not guessed
        from a decryption failure): projections skip such events by design."""
        key_id = key_id_of(bytes(stored_event.state))
        return key_id is not None and self.keys.erased_clinic(key_id) is not None

    def erased_clinic_of(self, plan_id: UUID) -> str | None:
        """The clinic whose erasure destroyed this plan's data key, or None."""
        key_id = self.keys.plan_key(plan_id)
        return self.keys.erased_clinic(key_id) if key_id is not None else None

    def known_erased_clinic_of(self, plan_id: UUID) -> tuple[bool, str | None]:
        """`erased_clinic_of` from memory only: (False, None) when that needs the database."""
        known, key_id = self.keys.known_plan_key(plan_id)
        if not known:
            return False, None
        return self.keys.known_erased_clinic(key_id) if key_id is not None else (True, None)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        key_id = key_id_of(bytes(stored_event.state))
        if key_id is not None:
            clinic = self.keys.erased_clinic(key_id)
            if clinic is not None:
                raise errors.PlanErasedError(stored_event.originator_id, clinic)
        return super().to_domain_event(stored_event)
