"""Revisions: a clinic's cross-plan log of changes, for analysts (and auditors).

Each row keeps the event's full data. Auditors, supervisors and clinicians
read it as it is (version 1's items). Analysts read a Safe Harbor view built
at query time (`analyst_page`): a keyed pseudonym instead of the plan id, the
year and the day of the plan instead of instants, and only the fields the
per-event allowlist (`domain.deidentification`) names, dates turned into days
from the plan's start. Building it on read means an allowlist change applies
at once, with no rebuild. Paged by position in the global event order.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from domain.deidentification import deidentify_event
from domain.documents import event_type
from domain.plan import Plan
from eventstore.utc import utc_text
from projections.base import (
    Op,
    QueryError,
    ReadModelProjection,
    event_payload,
    loads,
)
from projections.store import Store

INSERT = (
    "INSERT INTO {t} (position, clinic, plan_id, version, type, recorded_at, role, data) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (position) DO NOTHING"
)

MAX_LIMIT = 1000
EXPORT_BATCH = 5000
# Plan months for analysts: 30-day blocks from the plan's start (month 0 = days 0-29).
PLAN_MONTH_DAYS = 30
SUPPRESS_BELOW = 11  # counts 1..10 are never shown


class RevisionsProjection(ReadModelProjection):
    name = "revisions"
    append_only = (INSERT,)
    ddl = (
        "CREATE TABLE IF NOT EXISTS {t} ("
        "position BIGINT PRIMARY KEY, "
        "clinic {key} NOT NULL, "
        "plan_id {uuid} NOT NULL, "
        "version INTEGER NOT NULL, "
        "type {key} NOT NULL, "
        "recorded_at {key} NOT NULL, "
        "role {key}, "
        "data TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS {ix}_clinic ON {t} (clinic, position)",
        # the analysts' view finds each plan's start on its first row
        "CREATE INDEX IF NOT EXISTS {ix}_plan ON {t} (plan_id, version)",
    )

    def rows(self, items: Sequence[tuple[int, Plan.Event]]) -> list[Op]:
        ops: list[Op] = []
        for position, e in items:
            payload = event_payload(e)
            kind = event_type(e)
            ops.append(
                (
                    INSERT,
                    (
                        position,
                        e.clinic,
                        payload.plan_id,
                        e.originator_version,
                        kind,
                        payload.recorded_at,
                        e.role,
                        payload.text,
                    ),
                )
            )
        return ops


# ------------------------------------------------------------------ bounds
def _parse(value: date | datetime | str, field: str) -> date | datetime:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value) if len(value) == 10 else _instant(value)
        except ValueError:
            raise QueryError("expected a date (YYYY-MM-DD) or an RFC 3339 instant", field) from None
    return value


def _bound(value: date | datetime | str | None, field: str, *, upper: bool) -> tuple[str, str]:
    """(operator, UTC text) for a date or instant bound; a date `to` takes the whole day."""
    value = _parse(value, field)  # type: ignore[arg-type]
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise QueryError("an instant needs a UTC offset", field)
        return ("<=" if upper else ">="), utc_text(value)
    assert isinstance(value, date)
    day = datetime.combine(value, time.min, tzinfo=UTC)
    if upper:
        return "<", utc_text(day + timedelta(days=1))
    return ">=", utc_text(day)


def _year_bound(value: date | datetime | str, field: str, *, upper: bool) -> tuple[str, str]:
    """Analysts' bounds widen to whole calendar years: a finer bound would let them
    find an event's instant by narrowing the window."""
    parsed = _parse(value, field)
    if isinstance(parsed, datetime):
        if parsed.tzinfo is None:
            raise QueryError("an instant needs a UTC offset", field)
        parsed = parsed.astimezone(UTC).date()
    year = parsed.year
    if upper:
        return "<", utc_text(datetime(year + 1, 1, 1, tzinfo=UTC))
    return ">=", utc_text(datetime(year, 1, 1, tzinfo=UTC))


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))


def _where(
    clinic: str,
    from_: Any,
    to: Any,
    type: str | None,  # noqa: A002
    role: str | None,
    *,
    coarse: bool,
    prefix: str = "",
) -> tuple[list[str], list[Any]]:
    bound = _year_bound if coarse else _bound
    where = [f"{prefix}clinic = %s"]
    params: list[Any] = [clinic]
    if from_ is not None:
        op, text = bound(from_, "from", upper=False)
        where.append(f"{prefix}recorded_at {op} %s")
        params.append(text)
    if to is not None:
        op, text = bound(to, "to", upper=True)
        where.append(f"{prefix}recorded_at {op} %s")
        params.append(text)
    if type is not None:
        where.append(f"{prefix}type = %s")
        params.append(type)
    if role is not None:
        where.append(f"{prefix}role = %s")
        params.append(role)
    return where, params


def _check_limit(limit: int) -> int:
    if limit < 1:
        raise QueryError("limit must be at least 1", "limit")
    return min(limit, MAX_LIMIT)


# ------------------------------------------------------------ full items
def revisions(
    store: Store,
    tables: dict[str, str],
    clinic: str,
    from_: date | datetime | str | None = None,
    to: date | datetime | str | None = None,
    type: str | None = None,  # noqa: A002 - the contract's name
    role: str | None = None,
    limit: int = 100,
    after: str | int | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """The clinic's revisions in global order, in full (not for analysts);
    `after` is the cursor of the previous page."""
    limit = _check_limit(limit)
    try:
        position = int(after) if after not in (None, "") else 0
        if not 0 <= position < 2**63:  # positions are 64-bit (SQLite would overflow)
            raise ValueError(position)
    except (TypeError, ValueError):
        raise QueryError("not a cursor this service gave out", "after") from None
    where, params = _where(clinic, from_, to, type, role, coarse=False)
    where.append("position > %s")
    params.extend([position, limit + 1])
    rows = store.fetchall(
        f"SELECT position, plan_id, version, type, recorded_at, role, data "
        f"FROM {{t}} WHERE {' AND '.join(where)} ORDER BY position LIMIT %s",
        params,
        tables,
    )
    items = [
        {
            "plan_id": str(r["plan_id"]),
            "version": r["version"],
            "type": r["type"],
            "recorded_at": r["recorded_at"],
            "role": r["role"],
            "data": loads(r["data"]),
        }
        for r in rows[:limit]
    ]
    following = str(rows[limit - 1]["position"]) if len(rows) > limit else None
    return items, following


# ------------------------------------------------------- analysts' items
class Pseudonyms:
    """Keyed, one-way names for analysts: a plan's `subject` and opaque cursors.

    `subject` is HMAC-SHA256 of clinic and plan id under the server's secret:
    stable for one plan, not derivable without the secret. Cursors are the
    position encrypted as one AES block, so a page boundary reveals no
    position a clinician could match against a command's answer.
    """

    CACHE_SIZE = 10_000

    def __init__(self, secret: bytes) -> None:
        subject_key = hashlib.sha256(b"plans subject\x00" + secret).digest()
        self._subject_mac = hmac.new(subject_key, digestmod=hashlib.sha256)
        self._cursor_key = hashlib.sha256(b"plans cursor\x00" + secret).digest()
        self._subjects: dict[tuple[str, str], str] = {}

    def subject(self, clinic: str, plan_id: str) -> str:
        found = self._subjects.get((clinic, plan_id))
        if found is None:
            mac = self._subject_mac.copy()
            mac.update(f"{clinic}\x00{plan_id}".encode())
            found = mac.hexdigest()[:32]
            if len(self._subjects) >= self.CACHE_SIZE:
                self._subjects.clear()
            self._subjects[(clinic, plan_id)] = found
        return found

    def cursor(self, position: int) -> str:
        block = position.to_bytes(16, "big")
        encryptor = Cipher(algorithms.AES(self._cursor_key), modes.ECB()).encryptor()  # noqa: S305 - one block, a keyed permutation
        sealed = encryptor.update(block) + encryptor.finalize()
        return base64.urlsafe_b64encode(sealed).decode().rstrip("=")

    def position(self, cursor: str | None) -> int:
        if cursor in (None, ""):
            return 0
        try:
            sealed = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            if len(sealed) != 16:
                raise ValueError
            decryptor = Cipher(algorithms.AES(self._cursor_key), modes.ECB()).decryptor()  # noqa: S305
            block = decryptor.update(sealed) + decryptor.finalize()
        except ValueError:
            raise QueryError("not a cursor this service gave out", "after") from None
        if block[:8] != bytes(8):
            raise QueryError("not a cursor this service gave out", "after")
        return int.from_bytes(block, "big")


def _start_of(store: Store) -> str:
    """SQL for the plan's start date, read from its PlanCreated row `c`."""
    if store.dialect.is_postgres:
        return "(c.data::jsonb ->> 'start_date')"
    return "json_extract(c.data, '$.start_date')"


def _analyst_rows(
    store: Store,
    tables: dict[str, str],
    where: list[str],
    params: list[Any],
    position: int,
    limit: int,
) -> list[dict[str, Any]]:
    return store.fetchall(
        f"SELECT r.position, r.clinic, r.plan_id, r.version, r.type, r.recorded_at, r.role, "
        f"r.data, {_start_of(store)} AS start_date "
        f"FROM {{t}} r LEFT JOIN {{t}} c ON c.plan_id = r.plan_id AND c.version = 1 "
        f"WHERE {' AND '.join(where)} AND r.position > %s ORDER BY r.position LIMIT %s",
        [*params, position, limit],
        tables,
    )


def analyst_item(row: dict[str, Any], names: Pseudonyms) -> dict[str, Any]:
    """One revision as an analyst sees it: no id, no date, no free text."""
    start = date.fromisoformat(row["start_date"]) if row["start_date"] else None
    recorded = date.fromisoformat(row["recorded_at"][:10])
    return {
        "subject": names.subject(row["clinic"], str(row["plan_id"])),
        "version": row["version"],
        "type": row["type"],
        "year": recorded.year,
        "plan_day": (recorded - start).days if start is not None else None,
        "role": row["role"],
        "data": deidentify_event(row["type"], loads(row["data"]), start),
    }


def analyst_page(
    store: Store,
    tables: dict[str, str],
    names: Pseudonyms,
    clinic: str,
    from_: date | datetime | str | None = None,
    to: date | datetime | str | None = None,
    type: str | None = None,  # noqa: A002
    role: str | None = None,
    limit: int = 100,
    after: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """The clinic's revisions for analysts (Safe Harbor); `from`/`to` count in whole years."""
    limit = _check_limit(limit)
    position = names.position(after)
    where, params = _where(clinic, from_, to, type, role, coarse=True, prefix="r.")
    rows = _analyst_rows(store, tables, where, params, position, limit + 1)
    items = [analyst_item(r, names) for r in rows[:limit]]
    following = names.cursor(rows[limit - 1]["position"]) if len(rows) > limit else None
    return items, following


def analyst_export(
    store: Store, tables: dict[str, str], names: Pseudonyms, clinic: str
) -> Iterator[list[dict[str, Any]]]:
    """Every analyst row of the clinic, a batch at a time (constant memory)."""
    where, params = _where(clinic, None, None, None, None, coarse=True, prefix="r.")
    position = 0
    while True:
        rows = _analyst_rows(store, tables, where, params, position, EXPORT_BATCH)
        if not rows:
            return
        yield [analyst_item(r, names) for r in rows]
        position = rows[-1]["position"]


# -------------------------------------------------------------- aggregates
def suppressed(key: str, count: int) -> dict[str, Any]:
    hide = 0 < count < SUPPRESS_BELOW
    return {"key": key, "count": None if hide else count, "suppressed": hide}


def revision_groups(
    store: Store,
    tables: dict[str, str],
    clinic: str,
    group_by: str,
    from_: date | datetime | str | None = None,
    to: date | datetime | str | None = None,
    *,
    analyst: bool,
) -> list[dict[str, Any]]:
    """Revision counts by type, role or month, small cells suppressed.

    `month` is the calendar month (`2026-03`) for supervisors and auditors; for
    analysts it is the month of the plan (`0`, `1`, ...: 30-day blocks from the
    plan's start), since a calendar month is a date element finer than the year.
    """
    where, params = _where(clinic, from_, to, None, None, coarse=analyst, prefix="r.")
    clause = " AND ".join(where)
    counts: dict[str, int] = {}
    if group_by in ("type", "role"):
        column = f"r.{group_by}"
        rows = store.fetchall(
            f"SELECT {column} AS key, count(*) AS n FROM {{t}} r WHERE {clause} GROUP BY {column}",
            params,
            tables,
        )
        counts = {str(r["key"]): int(r["n"]) for r in rows}
    elif not analyst:
        rows = store.fetchall(
            f"SELECT substr(r.recorded_at, 1, 7) AS key, count(*) AS n FROM {{t}} r "
            f"WHERE {clause} GROUP BY substr(r.recorded_at, 1, 7)",
            params,
            tables,
        )
        counts = {str(r["key"]): int(r["n"]) for r in rows}
    else:
        rows = store.fetchall(
            f"SELECT substr(r.recorded_at, 1, 10) AS day, {_start_of(store)} AS start_date, "
            f"count(*) AS n FROM {{t}} r "
            f"LEFT JOIN {{t}} c ON c.plan_id = r.plan_id AND c.version = 1 "
            f"WHERE {clause} GROUP BY substr(r.recorded_at, 1, 10), {_start_of(store)}",
            params,
            tables,
        )
        for r in rows:
            if r["start_date"]:
                days = (date.fromisoformat(r["day"]) - date.fromisoformat(r["start_date"])).days
                key = str(days // PLAN_MONTH_DAYS)
            else:
                key = "unknown"
            counts[key] = counts.get(key, 0) + int(r["n"])
    return [suppressed(k, n) for k, n in sorted(counts.items(), key=_group_order)]


def _group_order(item: tuple[str, int]) -> tuple[int, int, str]:
    key = item[0]
    if key.lstrip("-").isdigit():
        return (0, int(key), "")
    return (1, 0, key)
