"""Auditors' tools: diffs between versions, chain verification, verifiable export.

Everything here reads the event store (never a read model), so answers always
include the caller's own writes.

The tamper-evidence chain lives in the recorder (`eventstore.recorders`): per
plan, hash_v = sha256(hash_{v-1} || canonical_record(id, v, topic, stored
bytes)), hash_0 = b"". It covers the stored, possibly encrypted, bytes, so
verifying needs no cipher key and is untouched by upcasting.

Verifying an export offline (one JSON object per line, oldest first)::

    import base64, hashlib, json, uuid

    def verify_export(path, plan_id):
        previous = b""
        for version, line in enumerate(open(path), start=1):
            item = json.loads(line)
            assert item["version"] == version, f"version {version} missing"
            assert item["prev_hash"] == previous.hex(), f"broken link at {version}"
            record = f"{uuid.UUID(plan_id)}\\n{version}\\n{item['topic']}\\n".encode()
            state = base64.b64decode(item["state_b64"])
            previous = hashlib.sha256(previous + record + state).digest()
            assert previous.hex() == item["hash"], f"version {version} altered"
        return previous.hex()  # compare with a head hash obtained independently

The returned head must match a head hash you trust from elsewhere (a
signature's `head_hash`, `GET /plans/{id}/verify`, an earlier export):
a chain alone cannot show that its newest events were cut off.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import jsonpatch
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import resolve_topic

from domain import errors
from domain.application import PlansApplication
from domain.documents import event_data, event_type, plan_document, summarize
from domain.plan import Plan
from eventstore.recorders import canonical_record, chain_hash
from eventstore.utc import utc_text

EXPORT_PAGE = 500

# Bookkeeping, not plan content: every event moves `version` and `updated_at`,
# and a signature's `changed_since` / `diff` link are derived from the version
# being read, so they would show as changes that nobody made.
NOT_CONTENT = ("version", "updated_at")
DERIVED_SIGNATURE_FIELDS = ("changed_since", "diff")


# ------------------------------------------------------------------ timeline
def timeline_item(event: Any) -> dict[str, Any]:
    """One timeline entry (the contract's shape) for a decoded plan event."""
    return {
        "version": event.originator_version,
        "type": event_type(event),
        "recorded_at": utc_text(event.timestamp),
        "actor": event.actor,
        "role": event.role,
        "reason": event.reason,
        "summary": summarize(event),
        "data": event_data(event),
    }


# ---------------------------------------------------------------------- diff
def _by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(item["id"]): item for item in items}


def content_document(document: dict[str, Any]) -> dict[str, Any]:
    """A plan document reshaped for diffing: collections keyed by id, no bookkeeping.

    Goals, problems, interventions, objectives (inside goals), diagnoses (by
    code) and signatures (by `role@version`) become objects keyed by id, so
    paths read /goals/<goal_id>/target_date and values in changes use the same
    keyed shape (an added goal's `objectives` is an object). Other lists
    (presenting_concerns, assessments, safety_flags, problem_ids) stay lists:
    they only grow at the end or change in place. Derived content that
    readers see (goal `progress`, `status`, `safety_flags`) stays in.
    """
    doc = {k: v for k, v in document.items() if k not in NOT_CONTENT}
    doc["problems"] = _by_id(document["problems"])
    doc["diagnoses"] = _by_id(document["diagnoses"])
    doc["interventions"] = _by_id(document["interventions"])
    doc["goals"] = {
        str(goal["id"]): {**goal, "objectives": _by_id(goal["objectives"])}
        for goal in document["goals"]
    }
    # A signer may sign again at a later version, so role alone is no key.
    doc["signatures"] = {
        f"{s['signer_role']}@{s['version']}": {
            k: v for k, v in s.items() if k not in DERIVED_SIGNATURE_FIELDS
        }
        for s in document["signatures"]
    }
    return doc


def _resolve(doc: Any, pointer: str) -> Any:
    return copy.deepcopy(jsonpatch.JsonPointer(pointer).resolve(doc, None))


def document_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """add / remove / replace operations (with old and new values) turning before into after.

    jsonpatch may answer `move` or `copy`; they become remove + add and add,
    so readers handle three operations only. Old values are read from the
    document as the preceding operations left it (RFC 6902 order).
    """
    working = copy.deepcopy(before)
    changes: list[dict[str, Any]] = []
    for op in jsonpatch.make_patch(before, after).patch:
        kind, path = op["op"], op["path"]
        if kind == "add":
            changes.append({"path": path, "op": "add", "old": None, "new": op["value"]})
        elif kind == "remove":
            old = _resolve(working, path)
            changes.append({"path": path, "op": "remove", "old": old, "new": None})
        elif kind == "replace":
            old = _resolve(working, path)
            changes.append({"path": path, "op": "replace", "old": old, "new": op["value"]})
        elif kind in ("move", "copy"):
            value = _resolve(working, op["from"])
            if kind == "move":
                changes.append({"path": op["from"], "op": "remove", "old": value, "new": None})
            changes.append({"path": path, "op": "add", "old": None, "new": value})
        jsonpatch.apply_patch(working, [op], in_place=True)
    return [{**c, "new": copy.deepcopy(c["new"])} for c in changes]


def diff_plans(
    app: PlansApplication, plan_id: UUID, clinic: str, from_version: int, to_version: int
) -> dict[str, Any]:
    """What changed in a plan between two versions, and the events that changed it."""
    if from_version > to_version:
        raise errors.RuleViolationError(
            "from_version must not be greater than to_version", "from_version"
        )
    for name, version in (("from_version", from_version), ("to_version", to_version)):
        if version < 1:
            raise errors.VersionNotFoundError(f"plan {plan_id} has no version {version}", name)
    after = app.get_plan(plan_id, clinic, version=to_version)
    before = after if from_version == to_version else app.get_plan(plan_id, clinic, from_version)
    events = app.repository.event_store.get(plan_id, gt=from_version, lte=to_version)
    return {
        "from_version": from_version,
        "to_version": to_version,
        "changes": document_changes(
            content_document(plan_document(before)), content_document(plan_document(after))
        ),
        "events": [timeline_item(e) for e in events],
    }


# -------------------------------------------------------------- verification
def _stored_and_links(
    app: PlansApplication, plan_id: UUID
) -> tuple[dict[int, StoredEvent], dict[int, bytes], int]:
    """The plan's stored events and chain links as of one moment, and the highest
    version a snapshot says existed (0 if none).

    Read order matters on a live store: snapshot, then links, then events. An
    event and its link commit together, so an event newer than the links read
    gets its link on a second read; anything still unmatched was tampered with.
    """
    snapshot_version = 0
    if app.snapshots is not None:
        newest = app.snapshots.recorder.select_events(plan_id, desc=True, limit=1)
        snapshot_version = newest[0].originator_version if newest else 0
    recorder = app.store
    links = {v: h for v, _, h in recorder.chain_links(plan_id)}
    events = {e.originator_version: e for e in recorder.select_events(plan_id)}
    newest_link = max(links, default=0)
    if any(v > newest_link for v in events):
        horizon = max(max(events), newest_link)
        links = {v: h for v, _, h in recorder.chain_links(plan_id) if v <= horizon}
    return events, links, snapshot_version


def verify_plan(app: PlansApplication, plan_id: UUID) -> dict[str, Any]:
    """Recompute a plan's hash chain from the stored records.

    Each link is checked against its stored predecessor, so one altered row
    is located exactly; `first_invalid_version` is the lowest version whose
    event or link is missing or does not hash to its link (an event edited,
    deleted, given another version, or a link edited or deleted). A snapshot
    newer than every event shows events cut off the end. `head_hash` is the
    hash of the last version that verifies in an unbroken run from version 1
    (the whole chain's head when valid; None when version 1 is already bad).
    """
    events, links, snapshot_version = _stored_and_links(app, plan_id)
    if not events and not links:
        raise errors.PlanNotFoundError(f"plan {plan_id} not found")
    last = max(max(events, default=0), max(links, default=0))
    bad: list[int] = []
    for version in range(1, last + 1):
        stored, link = events.get(version), links.get(version)
        previous = b"" if version == 1 else links.get(version - 1)
        if stored is None or link is None or previous is None:
            bad.append(version)
            continue
        record = canonical_record(plan_id, version, stored.topic, stored.state)
        if chain_hash(previous, record) != link:
            bad.append(version)
    if snapshot_version > last:
        bad.append(last + 1)
    first_invalid = min(bad, default=None)
    trusted_up_to = last if first_invalid is None else first_invalid - 1
    head = links.get(trusted_up_to)
    return {
        "valid": first_invalid is None,
        "events_checked": len(events),
        "head_hash": head.hex() if head is not None else None,
        "first_invalid_version": first_invalid,
    }


def _is_plan_topic(topic: str) -> bool:
    try:
        cls = resolve_topic(topic)
    except Exception:  # noqa: BLE001 - an unknown (tampered) topic must not hide a plan
        return True
    return isinstance(cls, type) and issubclass(cls, Plan.Event)


def verify_all(
    app: PlansApplication, progress: Callable[[int, int], None] | None = None
) -> dict[str, Any]:
    """Verify every plan in the store; `progress(done, total)` after each.

    Plans are found in the chain table and the events table together, so a
    plan whose events were all deleted, or events inserted without a link,
    are still checked. Only aggregates whose every stored event is known to
    be another aggregate's (the clinics' review policies) are left out.
    """
    topics: dict[UUID, set[str]] = app.store.originator_topics()
    plan_ids = sorted(
        (oid for oid, ts in topics.items() if not ts or any(_is_plan_topic(t) for t in ts)),
        key=str,
    )
    events_checked = 0
    invalid: list[dict[str, Any]] = []
    for done, plan_id in enumerate(plan_ids, start=1):
        report = verify_plan(app, plan_id)
        events_checked += report["events_checked"]
        if not report["valid"]:
            invalid.append(
                {"plan_id": str(plan_id), "first_invalid_version": report["first_invalid_version"]}
            )
        if progress is not None:
            progress(done, len(plan_ids))
    return {"plans_checked": len(plan_ids), "events_checked": events_checked, "invalid": invalid}


# -------------------------------------------------------------------- export
def _export_item(
    app: PlansApplication,
    stored: StoredEvent,
    link: tuple[datetime, bytes] | None,
    previous: bytes | None,
) -> dict[str, Any]:
    item: dict[str, Any]
    try:
        event = app.mapper.to_domain_event(stored)
    except Exception:  # noqa: BLE001 - undecodable (key destroyed, or tampered): bytes still export
        item = {
            "version": stored.originator_version,
            "type": stored.topic.rpartition(".")[2],
            "recorded_at": utc_text(link[0]) if link else None,
            "actor": None,
            "role": None,
            "reason": None,
            "summary": None,
            "data": None,
        }
    else:
        item = timeline_item(event)
    item.update(
        topic=stored.topic,
        state_b64=base64.b64encode(bytes(stored.state)).decode("ascii"),
        hash=link[1].hex() if link else None,
        prev_hash=previous.hex() if previous is not None else None,
    )
    return item


def timeline_export(app: PlansApplication, plan_id: UUID) -> Iterator[dict[str, Any]]:
    """The plan's whole history, oldest first, with what an auditor needs to
    recompute the chain offline (see the module docstring for the recipe).

    Each item is a timeline item plus `topic`, `state_b64` (the stored,
    possibly encrypted, bytes), `hash` (this version's link) and `prev_hash`
    (the previous link; "" for version 1). Raises PlanNotFoundError at once
    (before streaming) when the plan has no events; then pages through the
    events, so long plans stream. The caller checks the clinic first.
    """
    recorder = app.store
    first_page = recorder.select_events(plan_id, limit=EXPORT_PAGE)
    if not first_page:
        raise errors.PlanNotFoundError(f"plan {plan_id} not found")
    links = {v: (at, h) for v, at, h in recorder.chain_links(plan_id)}
    return _export_pages(app, plan_id, first_page, links)


def _export_pages(
    app: PlansApplication,
    plan_id: UUID,
    page: Sequence[StoredEvent],
    links: dict[int, tuple[datetime, bytes]],
) -> Iterator[dict[str, Any]]:
    recorder = app.store
    while page:
        for stored in page:
            version = stored.originator_version
            if version > max(links, default=0):  # appended since the links were read
                links = {v: (at, h) for v, at, h in recorder.chain_links(plan_id)}
            previous = b"" if version == 1 else (links.get(version - 1) or (None, None))[1]
            yield _export_item(app, stored, links.get(version), previous)
        if len(page) < EXPORT_PAGE:
            break
        page = recorder.select_events(plan_id, gt=page[-1].originator_version, limit=EXPORT_PAGE)
