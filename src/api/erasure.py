"""Operator services over the keys: erase a client (crypto-shredding), rotate master keys.

Both need PLANS_CIPHER_KEY (the envelope mapper of eventstore.cipher); the CLI
(`plans erase`, `plans rotate-key`) and the tests call these functions.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.application import PlansApplication
from domain.erasure import Erasure
from eventstore.keys import RECHECK_SECONDS, KeyStore
from projections.erasure import purge_plans
from projections.store import Store, construct_factory

ERASURE_TOPIC = "domain.erasure:Erasure.ClientErased"
OPERATOR_ROLE = "operator"


class NoCipherKeyError(RuntimeError):
    """The store is not envelope-encrypted: there is no client key to destroy."""


class ClientUnknownError(LookupError):
    """No data key for this client in this clinic: nothing to erase."""


@dataclass(frozen=True)
class ErasureReport:
    erasure_id: UUID | None  # None: the client was erased before (read models cleaned again)
    plan_ids: list[UUID]
    keys_destroyed: int
    rows_deleted: int


def key_store(app: PlansApplication) -> KeyStore:
    keys = getattr(app.mapper, "keys", None)
    if not isinstance(keys, KeyStore):
        raise NoCipherKeyError("erasure needs PLANS_CIPHER_KEY (the store is not encrypted)")
    return keys


def erase_client(
    app: PlansApplication,
    env: Mapping[str, str],
    *,
    clinic: str,
    client_id: str,
    reason: str,
    actor: str,
) -> ErasureReport:
    """Destroy the client's data key(s), record the erasure, empty the read models.

    The record comes first: a crash after it leaves a live key that a rerun
    destroys (recording again); a rerun after success finds no live key and
    only cleans the read models again.
    """
    keys = key_store(app)
    found = keys.client_keys(clinic, client_id)
    if not found:
        raise ClientUnknownError(f"no client with that id in clinic {clinic}")
    plan_ids = sorted({p for k in found for p in k["plan_ids"]})
    live = [UUID(k["key_id"]) for k in found if k["erased_at"] is None]
    erasure_id = None
    if live:
        erasure = Erasure.record(
            actor=actor,
            role=OPERATOR_ROLE,
            clinic=clinic,
            reason=reason,
            client_ref=found[0]["client_ref"],
            plan_ids=plan_ids,
        )
        app.save(erasure)
        erasure_id = erasure.id
    destroyed = sum(keys.destroy(key_id) for key_id in live)
    app.forget_plans(plan_ids)
    store = Store(construct_factory(env, POSTGRES_POOL_SIZE="1", POSTGRES_MAX_OVERFLOW="1"))
    try:
        rows = purge_plans(store, plan_ids)
        if destroyed:
            # A projection in another process may hold the key unwrapped for up to
            # RECHECK_SECONDS and write rows of these plans meanwhile; after that
            # it skips them. A second sweep removes what it wrote in between.
            time.sleep(RECHECK_SECONDS + 0.5)
            rows += purge_plans(store, plan_ids)
    finally:
        store.close()
    return ErasureReport(erasure_id, plan_ids, destroyed, rows)


def list_erasures(app: PlansApplication, clinic: str | None = None) -> list[dict[str, Any]]:
    """Every erasure recorded (oldest first), optionally one clinic's."""
    out: list[dict[str, Any]] = []
    start = 1
    while True:
        notes = app.recorder.select_notifications(start=start, limit=500, topics=[ERASURE_TOPIC])
        for note in notes:
            erasure: Any = app.repository.get(UUID(str(note.originator_id)))
            if isinstance(erasure, Erasure) and clinic in (None, erasure.clinic):
                out.append(erasure.as_dict())
        if len(notes) < 500:
            return out
        start = notes[-1].id + 1


def rotate_keys(app: PlansApplication) -> tuple[int, int]:
    """Re-wrap every live data key under the first master key: (re-wrapped, already)."""
    return key_store(app).rewrap_all()
