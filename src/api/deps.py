"""Dependencies shared by the routers: the services, plan ids, commands, read-your-writes."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Annotated, Any
from uuid import UUID

import orjson
from eventsourcing.persistence import IntegrityError
from fastapi import Depends, Header, Path, Query, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api.access_log import AccessLog
from api.auth import POLICY_WRITERS, WRITERS, Allow, Principal
from api.outage import DatabaseBreaker
from api.problem_details import ProblemError, unavailable
from api.schemas.common import EARLIEST, LATEST, plausible_date
from api.settings import Settings
from domain import errors
from domain.application import CommandResult, PlansApplication
from domain.commands import PlanCommand
from domain.plan import Actor
from projections.migrations import UpgradeRebuild
from projections.readmodels import ReadModels

# A malformed plan id names no plan: it becomes an id no plan can have, so the
# request still fails with 404 in its proper turn (after body validation).
NO_PLAN = UUID(int=0)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ETAG = re.compile(r'^\s*(?:W/)?"?\s*(\d{1,12})\s*"?\s*$')


@dataclass
class Services:
    """What the routers run on (built by `api.composition.build_services`)."""

    settings: Settings
    plans: PlansApplication
    read_models: ReadModels
    access_log: AccessLog
    breaker: DatabaseBreaker
    upgrade: UpgradeRebuild | None = None

    def close(self) -> None:
        """Close the read models, then the application (and its pool)."""
        try:
            self.access_log.close()
            self.read_models.close()
        finally:
            self.plans.close()


async def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


Svc = Annotated[Services, Depends(services)]


# The plan id as the path carries it (any text: see plan_id_of).
PlanIdText = Annotated[
    str,
    Path(description="the plan's id", examples=["5b0c1f36-2a4f-4c43-9d36-0d1a7e2b9a51"]),
]


def plan_id_of(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        return NO_PLAN


async def plan_uuid(plan_id: PlanIdText) -> UUID:
    return plan_id_of(plan_id)


async def _plan_uuid_of(request: Request) -> UUID:
    return plan_id_of(request.path_params["plan_id"])


# The same value without FastAPI's solving (`api.fast_path`).
plan_uuid.plain = _plan_uuid_of  # type: ignore[attr-defined]


PlanId = Annotated[UUID, Depends(plan_uuid)]


def json_response(
    body: BaseModel | dict[str, Any], status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """A JSON answer encoded once: a view model by pydantic's own serializer, a
    dict by orjson (the route's `response_model` still documents it; FastAPI's
    second validate-and-encode pass is what this skips)."""
    content = body.model_dump_json() if isinstance(body, BaseModel) else orjson.dumps(body)
    return Response(content, status_code, headers, media_type="application/json")


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(value: str | None) -> int | None:
    """`"7"`, `7`, `W/"7"` → 7; `*` or absent → None. The header's pattern refuses
    anything else (422); should it get through, it matches no version (412)."""
    if value is None or value.strip() in ("", "*"):
        return None
    match = _ETAG.match(value)
    return int(match.group(1)) if match else -1


def canonical_hash(body: BaseModel | dict[str, Any] | None) -> str:
    data = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def canonical_path(request: Request) -> str:
    """The request's path with every id spelled one way (lower case, dashes),
    so one idempotency key cannot be replayed past by respelling the plan id
    (upper case, no dashes, `urn:uuid:`)."""
    route = request.scope.get("route")
    template = getattr(route, "path_format", None)
    if not template:
        return request.url.path
    path = template
    for name, value in request.path_params.items():
        try:
            value = str(UUID(str(value)))
        except ValueError:
            value = str(value)
        path = path.replace("{" + name + "}", value)
    return path


@dataclass
class Command:
    """One command request: who, under which key, against which version."""

    services: Services
    principal: Principal
    request: Request
    idempotency_key: str | None
    expected_version: int | None

    @property
    def plans(self) -> PlansApplication:
        return self.services.plans

    def by(self, body: BaseModel | dict[str, Any] | None) -> Actor:
        command_id = request_hash = None
        if self.idempotency_key is not None:
            path = canonical_path(self.request)
            command_id = f"{self.request.method} {path}|{self.idempotency_key}"
            request_hash = canonical_hash(body)
        return Actor(
            self.principal.user,
            self.principal.role,
            self.principal.clinic,
            command_id,
            request_hash,
        )

    async def handle(self, plan_id: UUID, body: BaseModel, command: PlanCommand) -> CommandResult:
        """Carry out `command` on the plan for the caller, under If-Match and Idempotency-Key.

        On the event loop when the plan is cached (decide, queue the save, await
        the group commit: no worker thread), else on a worker thread."""
        by = self.by(body)
        # The request's access-log entry rides with its save, offered once
        # (api.routing: the route logs it itself unless it was written).
        state = self.request.state
        rider = getattr(state, "access_rider", None)
        if rider is not None:
            state.access_rider = None
        pending = self.plans.handle_now(plan_id, by, command, self.expected_version, rider)
        if pending is not None:
            try:
                recordings = await pending.future
            except IntegrityError:
                pass  # another process wrote the plan since it was cached: reload it
            else:
                if pending.snapshot_due:
                    return await run_in_threadpool(pending.finish, recordings)
                return pending.finish(recordings)
        return await run_in_threadpool(
            self.plans.handle, plan_id, by, command, self.expected_version
        )

    def answer(
        self, result: CommandResult, status_code: int = 200, *, of_plan: bool = True, **fields: Any
    ) -> Response:
        """The command's response: its ids, version and position; ETag; same on replay."""
        if of_plan:
            self.request.state.plan_id = str(result.plan_id)
        body = {**result.result, **fields, "version": result.version, "position": result.position}
        headers = {"ETag": etag(result.version)}
        if status_code == 201 and of_plan:
            headers["Location"] = f"/plans/{result.plan_id}"
        if result.replayed:
            headers["Idempotent-Replayed"] = "true"
        return json_response(body, status_code, headers)


IF_MATCH = 'refuse with 412 unless the plan is at this version: "7"'
IF_MATCH_ON_CREATE = "refused with 412: a new plan has no version to match (send none)"


def make_command(guard: Allow, *, creates: bool = False) -> Callable[..., Awaitable[Command]]:
    """The dependency of a command route whose callers must pass `guard`.

    A create (`creates=True`) refuses any If-Match with 412: there is no
    version yet, so a condition on one cannot hold (RFC 9110 §13.1.1)."""

    # `guard` is local: given as a default (evaluated now), not inside an annotation
    # (a string under `from __future__ import annotations`, resolved too late).
    async def command(
        request: Request,
        # Typed `str` with a None default: the schema then says "string" (not
        # "string or null"), so generated clients never send a literal "null".
        if_match: str = Header(  # a default, not an annotation: `creates` is local
            None,
            alias="If-Match",
            max_length=100,
            pattern=r'^\s*(\*|(W/)?"?\d{1,12}"?)\s*$',
            description=IF_MATCH_ON_CREATE if creates else IF_MATCH,
        ),
        idempotency_key: Annotated[
            str,
            Header(
                alias="Idempotency-Key",
                min_length=1,
                max_length=200,
                description="a retry with the same key returns the first response and "
                "records nothing new",
            ),
        ] = None,  # type: ignore[assignment]
    ) -> Command:
        principal = await guard(request)  # the route class has identified the caller
        if creates and if_match is not None:
            raise ProblemError(
                412,
                "precondition-failed",
                "Precondition failed",
                "a new plan has no version for If-Match to match: send no If-Match on create",
            )
        svc: Services = request.app.state.services
        return Command(svc, principal, request, idempotency_key, parse_if_match(if_match))

    # The guard is called, not declared as a sub-dependency (each one costs
    # every request FastAPI's solving); `api.routing.find_guard` finds it here.
    command.guard = guard  # type: ignore[attr-defined]

    async def without_headers(request: Request) -> Command:
        return await command(request, None, None)  # type: ignore[arg-type]

    # The same value for a request without either header (`api.fast_path`).
    command.plain = without_headers  # type: ignore[attr-defined]
    return command


Cmd = Annotated[Command, Depends(make_command(WRITERS))]
CreateCmd = Annotated[Command, Depends(make_command(WRITERS, creates=True))]
PolicyCmd = Annotated[Command, Depends(make_command(POLICY_WRITERS))]

# The read model each route reads (a route not listed waits for all of them).
READ_MODEL_OF_ROUTE = {
    "/plans": "plans",
    "/review-queue": "review_queue",
    "/revisions": "revisions",
    "/plans/{plan_id}/scores": "scores",
    "/plans/{plan_id}/timeline": "plan_timeline",
}


async def await_min_position(
    request: Request,
    min_position: Annotated[
        int | None,
        Query(
            ge=0,
            le=2**62,
            description="answer only once the read model has processed this position "
            "(a command's `position`); 503 with Retry-After if it takes too long",
        ),
    ] = None,
) -> int | None:
    """Read-your-writes, waited for on the event loop: a waiting query holds no
    worker thread (each check borrows one for a moment), and at most
    PLANS_MAX_POSITION_WAITERS queries wait at once; beyond that, 503 at once."""
    if min_position is None:
        return None
    svc: Services = request.app.state.services
    route = request.scope.get("route")
    name = READ_MODEL_OF_ROUTE.get(getattr(route, "path_format", ""))
    names = [name] if name else None
    if await run_in_threadpool(svc.read_models.wait_for, min_position, 0.0, names):
        return min_position
    waiters: list[int] = request.app.state.position_waiters  # [count], event loop only
    if waiters[0] >= svc.settings.max_position_waiters:
        raise unavailable("too many queries are waiting for the read models; retry", "1")
    waiters[0] += 1
    try:
        deadline = asyncio.get_running_loop().time() + svc.settings.min_position_wait_seconds
        interval = 0.005
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise unavailable(
                    f"the read model has not reached position {min_position} yet", "1"
                )
            await asyncio.sleep(min(interval, remaining))
            interval = min(interval * 2, 0.1)
            if await run_in_threadpool(svc.read_models.wait_for, min_position, 0.0, names):
                return min_position
    finally:
        waiters[0] -= 1


# The position a query waits for before it answers (see await_min_position);
# routes still call wait_for_position, which then finds it reached at once.
MinPosition = Annotated[int | None, Depends(await_min_position)]


def wait_for_position(svc: Services, position: int | None, read_model: str) -> None:
    """Read-your-writes: wait until `read_model` has processed `position`, else 503."""
    if position is None:
        return
    # A position beyond the log's head may belong to a write another replica is
    # committing right now: wait for it like any other, within the same bound.
    wait = svc.settings.min_position_wait_seconds
    if not svc.read_models.wait_for(position, wait, names=[read_model]):
        raise unavailable(f"the read model has not reached position {position} yet", "1")


def ensure_visible(svc: Services, plan_id: UUID, clinic: str) -> None:
    """404 unless the plan exists in the caller's clinic (read model first, else the store)."""
    if plan_id == NO_PLAN:
        raise errors.PlanNotFoundError(f"plan {plan_id} not found")
    row = svc.read_models.current_plan(plan_id)
    if row is not None:
        if row.get("clinic") != clinic:
            raise errors.PlanNotFoundError(f"plan {plan_id} not found")
        return
    svc.plans.get_plan(plan_id, clinic)


def refuse_both(**given: Any) -> None:
    names = [name for name, value in given.items() if value is not None]
    if len(names) > 1:
        raise ProblemError(
            422,
            "validation",
            "Unprocessable content",
            f"give only one of {', '.join(names)}",
            errors=[{"field": name, "message": "give only one of these"} for name in names],
        )


def invalid(field: str, message: str) -> ProblemError:
    return ProblemError(
        422,
        "validation",
        "Unprocessable content",
        f"{field}: {message}",
        errors=[{"field": field, "message": message}],
    )


def parse_instant(value: str, field: str) -> datetime:
    """An RFC 3339 instant with offset ('+' may arrive as a space from a raw query string)."""
    text = value.strip()
    if len(text) > 10 and " " in text[10:]:
        text = text[:10] + text[10:].replace(" ", "+")
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None or "T" not in text.upper():
        raise invalid(field, "must be an RFC 3339 instant with offset, e.g. 2025-03-01T12:00:00Z")
    if not EARLIEST.year <= instant.year <= LATEST.year:
        raise invalid(field, f"must be between {EARLIEST.year} and {LATEST.year}")
    return instant


def parse_bound(value: str | None, field: str, *, end: bool) -> datetime | None:
    """A date (the whole day, inclusive) or an instant."""
    if value is None:
        return None
    if _DATE.match(value.strip()):
        try:
            day = plausible_date(date.fromisoformat(value.strip()))
        except ValueError:
            raise invalid(field, "must be a valid date (YYYY-MM-DD) or instant") from None
        return datetime.combine(day, time.max if end else time.min, tzinfo=UTC)
    return parse_instant(value, field)


_TIME = r"[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+\- ]\d{2}:\d{2})"
_DAY = r"(19|2[01])\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
INSTANT_PATTERN = "^" + _DAY + _TIME + "$"
DAY_OR_INSTANT_PATTERN = "^" + _DAY + "(" + _TIME + ")?$"
# Typed `str` (callers default it to None): the schema then says "string, date-time"
# rather than "string or null", so generated clients take a datetime.
Instant = Annotated[
    str,
    Query(
        max_length=64,
        description="an RFC 3339 instant with offset, e.g. 2025-04-01T00:00:00Z",
        json_schema_extra={"pattern": INSTANT_PATTERN, "format": "date-time"},
    ),
]
DayOrInstant = Annotated[
    str | None,
    Query(
        max_length=64,
        description="a date (the whole day, inclusive) or an RFC 3339 instant",
        json_schema_extra={"pattern": DAY_OR_INSTANT_PATTERN},
    ),
]
