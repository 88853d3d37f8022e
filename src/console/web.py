"""The console's routes: sign-in, dashboard, plan, history, analytics.

Every page goes through `ConsoleRoute`: the caller comes from the session
cookie (none: to the sign-in page), the page's roles are checked (403 page),
domain errors become error pages with the API's status codes (another
clinic's plan is a 404 page), and each request is written to the access log
exactly like an API request (action `GET /console/plans/{plan_id}`, ...).
Pages read through the application service and the read models, as the API
routers do; there is no SQL here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Coroutine
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl
from uuid import UUID

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from api.auth import ANALYST, AUDITOR, CLINICIAN, ROLES, SUPERVISOR, Principal
from api.auth import mint_token as mint_session_token
from api.deps import NO_PLAN, Services
from api.problem_details import ProblemError, to_problem
from api.routing import record
from console import charts, links, session
from domain import errors
from domain.documents import plan_document
from eventstore import history as stored_history
from eventstore.recorders import datastore_of
from eventstore.utc import utc_today

HERE = Path(__file__).parent
PREFIX = "/console"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
MAX_FORM_BYTES = 16_384
SUPPRESS_BELOW = 11  # small-cell suppression: counts 1..10 are not shown

templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.autoescape = True

PLAN_READERS = frozenset({CLINICIAN, SUPERVISOR, AUDITOR})
LOG_READERS = frozenset({AUDITOR, SUPERVISOR})
HOME = {
    SUPERVISOR: "/console/dashboard",
    CLINICIAN: "/console/dashboard",
    AUDITOR: "/console/dashboard",
    ANALYST: "/console/analytics",
}


# ------------------------------------------------------------------ routing
def page(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a route as a console page for `roles` (none: open, e.g. the sign-in page)."""

    def mark(endpoint: Callable[..., Any]) -> Callable[..., Any]:
        endpoint.console_roles = frozenset(roles) if roles else None  # type: ignore[attr-defined]
        return endpoint

    return mark


R = TypeVar("R", bound=Response)


class Forbidden(Exception):
    pass


def secured(request: Request, response: R) -> R:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    session.finish(request, response)
    return response


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    who: Principal | None = getattr(request.state, "principal", None)
    context.update(
        who=who,
        csrf=session.csrf_token(request),
        nav=navigation(who),
        path=request.url.path,
    )
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    return secured(request, response)


def error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    return render(request, "error.html", status, status=status, title=title, detail=detail)


class ConsoleRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        roles: Collection[str] | None = getattr(self.endpoint, "console_roles", None)
        action = f"{next(iter(sorted(self.methods or {'GET'})))} {self.path}"

        async def open_page(request: Request) -> Response:
            request.state.principal = session.principal(request)
            try:
                return secured(request, await handler(request))
            except session.CsrfError as exc:
                return error_page(request, 403, "Form refused", str(exc))

        async def guarded(request: Request) -> Response:
            principal = session.principal(request)
            if principal is None:
                response: Response = RedirectResponse(f"{PREFIX}/sign-in", status_code=303)
                session.clear_session(request, response)
                return secured(request, response)
            request.state.principal = principal
            try:
                if principal.role not in (roles or ()):  # guarded only serves pages with roles
                    raise Forbidden
                response = await handler(request)
            except Forbidden:
                await record(request, principal, action, 403)
                return error_page(
                    request, 403, "Not for your role", f"A {principal.role} may not open this page."
                )
            except Exception as exc:
                problem = to_problem(exc)
                if problem is None or problem.status >= 500:
                    raise  # the API's handlers answer (and the store may be away: no log)
                await record(request, principal, action, problem.status)
                title = "Not found" if problem.status in (404, 410) else problem.title
                return error_page(request, problem.status, title, problem.detail)
            await record(request, principal, action, response.status_code)
            return secured(request, response)

        return guarded if roles is not None else open_page


router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)


def install(app: FastAPI) -> None:
    """Serve the console under /console on `app` (its pages and its static files)."""
    app.include_router(router)
    app.mount(
        f"{PREFIX}/static", StaticFiles(directory=str(HERE / "static")), name="console-static"
    )


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def caller(request: Request) -> Principal:
    found: Principal = request.state.principal
    return found


def plan_uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        return NO_PLAN


def navigation(who: Principal | None) -> list[tuple[str, str]]:
    if who is None:
        return []
    items = []
    if who.role in PLAN_READERS:
        items.append(("Dashboard", f"{PREFIX}/dashboard"))
    if who.role in (ANALYST, SUPERVISOR, AUDITOR):
        items.append(("Analytics", f"{PREFIX}/analytics"))
    return items


async def read_form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise session.CsrfError("the form is too large")
    form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    session.check_csrf(request, form)
    return form


# ------------------------------------------------------------------ sign-in
@router.get("")
@router.get("/")
@page()
def home(request: Request) -> Response:
    who = request.state.principal
    target = HOME.get(who.role, f"{PREFIX}/sign-in") if who else f"{PREFIX}/sign-in"
    return RedirectResponse(target, status_code=303)


@router.get("/sign-in")
@page()
def sign_in_form(request: Request) -> Response:
    return render(request, "sign_in.html", error=None)


@router.post("/sign-in")
@page()
async def sign_in(request: Request) -> Response:
    form = await read_form(request)
    token = form.get("token", "").strip()
    if token[:7].lower() == "bearer ":  # pasted with its scheme
        token = token[7:].strip()
    try:
        principal = request.app.state.verifier.decode(token) if token else None
    except ProblemError as exc:
        return render(request, "sign_in.html", 401, error=exc.detail)
    if principal is None:
        return render(request, "sign_in.html", 422, error="Paste your bearer token.")
    if principal.role not in ROLES:
        return render(request, "sign_in.html", 401, error="The token's role is not known.")
    response = RedirectResponse(HOME[principal.role], status_code=303)
    session.set_session(request, response, token)
    return response


@router.get("/link")
@page()
def link_form(request: Request, code: str = "") -> Response:
    """The page a sign-in link opens: one button, so a link preview cannot use the code up."""
    if not code or len(code) > 2000:
        return render(request, "link.html", 400, code="", error="This sign-in link is incomplete.")
    return render(request, "link.html", code=code, error=None)


@router.post("/link")
@page()
async def redeem_link(request: Request) -> Response:
    form = await read_form(request)
    svc = services(request)
    try:
        claims = links.read_link_code(form.get("code", ""), request.app.state.jwt_secret)
        datastore = datastore_of(svc.plans.store)
        redeemed = await run_in_threadpool(
            links.RedeemedLinks(datastore, svc.settings.backend).redeem, claims.nonce
        )
        if not redeemed:
            raise links.InvalidLinkError("this sign-in link has been used already")
    except links.InvalidLinkError as exc:
        return render(request, "link.html", 401, code="", error=str(exc))
    if claims.role not in ROLES:
        return render(request, "link.html", 401, code="", error="The link's role is not known.")
    token = mint_session_token(
        request.app.state.jwt_secret, claims.sub, claims.role, claims.clinic, claims.ttl_minutes
    )
    response = RedirectResponse(HOME[claims.role], status_code=303)
    session.set_session(request, response, token)
    return response


@router.post("/sign-out")
@page()
async def sign_out(request: Request) -> Response:
    await read_form(request)
    response = RedirectResponse(f"{PREFIX}/sign-in", status_code=303)
    session.clear_session(request, response)
    return response


# ---------------------------------------------------------------- dashboard
@dataclass
class Table:
    """A list of items rendered as a table (columns from the items' keys)."""

    key: str
    title: str
    items: list[dict[str, Any]]
    columns: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.columns:
            self.columns = list(dict.fromkeys(k for item in self.items for k in item))


@dataclass
class Panel:
    """An extra dashboard panel: `load` returns its tables (or None to leave it out)."""

    title: str
    load: Callable[[Services, Principal, dict[str, Any]], list[Table] | None]
    roles: frozenset[str] = PLAN_READERS


def open_safety_flags(svc: Services, who: Principal, filters: dict[str, Any]) -> list[Table]:
    """`GET /safety-flags?status=open`: the clinic's open flags, oldest first."""
    items = svc.read_models.safety_flags(who.clinic, filters["as_of"], "open", filters["clinician"])
    columns = ["plan_id", "client_id", "clinician", "raised_on", "days_open"]
    rows = [{c: item.get(c) for c in columns} for item in items]
    return [Table("open_safety_flags", "Open safety flags", rows, columns)]


def compliance_by_clinician(svc: Services, who: Principal, filters: dict[str, Any]) -> list[Table]:
    """`GET /compliance`: the clinic's figures, then one row per clinician."""
    policy = svc.plans.policy_for(who.clinic)
    figures = svc.read_models.compliance(who.clinic, filters["as_of"], policy.initial_plan_days)
    columns = ["clinician", "open_plans", "reviews_overdue", "initial_plans_overdue",
               "signatures_not_current", "reviews_on_time_rate"]  # fmt: skip
    clinic_row = {c: figures.get(c) for c in columns[1:]}
    rows = [
        {c: row.get(c) for c in columns}
        for row in figures.get("by_clinician", [])
        if filters["clinician"] is None or row.get("clinician") == filters["clinician"]
    ]
    return [
        Table("compliance", "Clinic", [clinic_row], columns[1:]),
        Table("compliance_by_clinician", "By clinician", rows, columns),
    ]


# Panels beyond the review queue: each `load` calls the read-model query its
# API route calls (GET /safety-flags, GET /compliance).
PANELS: list[Panel] = [
    Panel("Open safety flags", open_safety_flags, frozenset({CLINICIAN, SUPERVISOR, AUDITOR})),
    Panel("Review compliance", compliance_by_clinician, frozenset({SUPERVISOR, AUDITOR})),
]


def humanize(key: str) -> str:
    return key.replace("_", " ").capitalize()


def review_queue_tables(
    svc: Services, principal: Principal, as_of: date, clinician: str | None
) -> list[Table]:
    """Every list the review queue answers, whichever there are (overdue, due soon, ...)."""
    window = svc.plans.policy_for(principal.clinic).due_soon_days
    queue = svc.read_models.review_queue(principal.clinic, as_of, window)
    tables = []
    for key, value in queue.items():
        if not isinstance(value, list):
            continue
        items = [
            dict(item)
            for item in value
            if clinician is None or not isinstance(item, dict) or item.get("clinician") == clinician
        ]
        tables.append(Table(key, humanize(key), items))
    return tables


@router.get("/dashboard")
@page(*PLAN_READERS)
def dashboard(request: Request, clinician: str | None = None) -> Response:
    svc, who = services(request), caller(request)
    clinician = (clinician or "").strip()[:200] or None
    as_of = utc_today()
    queue = review_queue_tables(svc, who, as_of, clinician)
    filters = {"as_of": as_of, "clinician": clinician}
    panels = []
    for panel in PANELS:
        if who.role in panel.roles:
            tables = panel.load(svc, who, filters)
            if tables is not None:
                panels.append((panel.title, tables))
    plans, _ = svc.read_models.list_plans(who.clinic, None, clinician, None, 200, None)
    everyone, _ = svc.read_models.list_plans(who.clinic, None, None, None, 500, None)
    clinicians = sorted({p["clinician"] for p in everyone if p.get("clinician")})
    return render(
        request,
        "dashboard.html",
        queue=queue,
        panels=panels,
        plans=plans,
        clinicians=clinicians,
        clinician=clinician,
        as_of=as_of.isoformat(),
    )


# --------------------------------------------------------------------- plan
def signature_state(svc: Services, document: dict[str, Any]) -> list[dict[str, Any]]:
    """For each signer the clinic requires: the latest signature, and whether it still holds."""
    required = svc.plans.policy_for(document["clinic"]).required_signers
    rows = []
    for role in required:
        signed = [s for s in document.get("signatures", []) if s.get("signer_role") == role]
        latest = signed[-1] if signed else None
        rows.append(
            {
                "role": role,
                "signed_on": latest.get("signed_on") if latest else None,
                "current": bool(latest and not latest.get("changed_since", False)),
            }
        )
    return rows


@router.get("/plans/{plan_id}")
@page(*PLAN_READERS)
def plan_page(request: Request, plan_id: str) -> Response:
    svc, who = services(request), caller(request)
    uid = plan_uuid(plan_id)
    document = plan_document(svc.plans.get_plan(uid, who.clinic))
    scores = svc.read_models.scores(uid, who.clinic)
    return render(
        request,
        "plan.html",
        plan=document,
        charts=charts.score_charts(scores),
        score_goals=scores.get("goals", []),
        signers=signature_state(svc, document),
    )


# ------------------------------------------------------------------ history
def whole_timeline(svc: Services, plan_id: UUID, clinic: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        after = items[-1]["version"] if items else None
        page_items = svc.read_models.timeline(
            plan_id, after_version=after, limit=1000, clinic=clinic
        )
        items.extend(page_items)
        if len(page_items) < 1000:
            return items


def show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@router.get("/plans/{plan_id}/history")
@page(*PLAN_READERS)
def history(request: Request, plan_id: str, version: str | None = None) -> Response:
    svc, who = services(request), caller(request)
    uid = plan_uuid(plan_id)
    current = svc.plans.get_plan(uid, who.clinic)
    try:
        chosen = int(version) if version else current.version
    except ValueError:
        message = f"plan {uid} has no version {version!r}"
        raise errors.VersionNotFoundError(message, "version") from None
    chosen = min(max(chosen, 1), current.version)
    as_of = plan_document(svc.plans.get_plan(uid, who.clinic, chosen))
    timeline = whole_timeline(svc, uid, who.clinic)
    if chosen > 1:
        diff = stored_history.diff_plans(svc.plans, uid, who.clinic, chosen - 1, chosen)
    else:  # the first version: everything in it was added by its creation
        diff = stored_history.diff_plans(svc.plans, uid, who.clinic, 1, 1)
        first = stored_history.content_document(as_of)
        diff["changes"] = stored_history.document_changes({}, first)
        diff["events"] = timeline[:1]
    verification = stored_history.verify_plan(svc.plans, uid)
    access: list[dict[str, Any]] = []
    if who.role in LOG_READERS:
        entries: list[dict[str, Any]] = []
        after = 0
        while True:
            batch, cursor = svc.access_log.entries(who.clinic, str(uid), limit=1000, after=after)
            entries.extend(batch)
            if cursor is None:
                break
            after = int(cursor)
        access = list(reversed(entries[-50:]))
    return render(
        request,
        "history.html",
        plan=as_of,
        current_version=current.version,
        version=chosen,
        diff=diff,
        show=show,
        verification=verification,
        timeline=timeline,
        access=access,
        can_read_log=who.role in LOG_READERS,
    )


# ---------------------------------------------------------------- analytics
def revision_groups(svc: Services, who: Principal) -> dict[str, list[dict[str, Any]]]:
    """Revision counts by event type and by role: the `/analytics/revisions` figures,
    de-identified for analysts, small cells suppressed."""
    analyst = who.role == ANALYST
    return {
        group_by: svc.read_models.revision_groups(who.clinic, group_by, analyst=analyst)
        for group_by in ("type", "role")
    }


@router.get("/analytics")
@page(ANALYST, SUPERVISOR, AUDITOR)
def analytics(request: Request) -> Response:
    svc, who = services(request), caller(request)
    groups = revision_groups(svc, who)
    return render(
        request,
        "analytics.html",
        charts=[
            charts.bar_chart("Revisions by event type", groups["type"]),
            charts.bar_chart("Revisions by role", groups["role"]),
        ],
    )
