"""The `plans` command: serve the API, run projections, rebuild, mint tokens, demo, verify.

Every command loads the settings first: a bad setting is one line on stderr
and exit code 2; a database that cannot be reached at start-up is one line and
exit code 1. Long work shows a progress bar on stderr and ends with a one-line
summary on stdout. Nothing printed here contains client data.
"""

from __future__ import annotations

import logging
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from uuid import UUID

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from api.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from domain.application import PlansApplication

EXIT_UNREACHABLE, EXIT_BAD_SETTING = 1, 2

cli = typer.Typer(
    name="plans",
    help="Event-sourced treatment plans: the HTTP API, projections and operator tools.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
err = Console(stderr=True, highlight=False)


def main() -> None:
    cli()


# ------------------------------------------------------------------ plumbing
def fail(message: str, code: int) -> NoReturn:
    """One line on stderr, then exit with `code` (no traceback)."""
    first_line = (message.strip().splitlines() or ["error"])[0]
    print(f"plans: {first_line}", file=sys.stderr)
    raise typer.Exit(code)


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as e:
        name, _, rest = str(e).partition(": ")
        fail(rest if rest.startswith(f"{name}:") else str(e), EXIT_BAD_SETTING)


def where(settings: Settings) -> str:
    """The database's address without credentials, for messages."""
    p = settings.postgres_params()
    if p["backend"] == "sqlite":
        return f"SQLite file {p['path']}"
    return f"PostgreSQL at {p['host']}:{p['port']}/{p['dbname']}"


@contextmanager
def database_errors(settings: Settings) -> Iterator[None]:
    """Turn "cannot reach the database" into one line and exit code 1."""
    import psycopg
    from eventsourcing.persistence import InterfaceError, OperationalError

    try:
        yield
    except (psycopg.OperationalError, OperationalError, InterfaceError) as e:
        fail(f"database unreachable: {where(settings)}: {e}", EXIT_UNREACHABLE)
    except sqlite3.OperationalError as e:
        fail(f"database unusable: {where(settings)}: {e}", EXIT_UNREACHABLE)
    except OSError as e:
        fail(f"database unusable: {where(settings)}: {e.strerror or e}", EXIT_UNREACHABLE)


def prepare(settings: Settings) -> None:
    """Create the schema (idempotent; serialised across processes on PostgreSQL)."""
    import api.app  # noqa: F401 - registers the schema steps of every read model
    from api.runtime import init_schema

    with database_errors(settings):
        init_schema(settings)


def open_app(settings: Settings, *, check_readable: bool = True) -> PlansApplication:
    from api.runtime import StoreUnreadableError, open_application

    with database_errors(settings):
        try:
            return open_application(settings, check_readable=check_readable)
        except StoreUnreadableError as e:
            fail(str(e), EXIT_BAD_SETTING)


def progress_bar() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("[dim]{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def rate(count: int, started: float, unit: str = "events") -> str:
    elapsed = max(time.perf_counter() - started, 1e-6)
    return f"{count / elapsed:,.0f} {unit}/s"


# ------------------------------------------------------------------ commands
@cli.command()
def init() -> None:
    """Create the database schema once (what `serve` and `project` do at start-up)."""
    settings = settings_or_exit()
    prepare(settings)
    print(f"schema ready: {where(settings)}")


@cli.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
    projections: bool = typer.Option(
        True,
        "--projections/--no-projections",
        help="Run the projection workers in this process (off when `plans project` runs them).",
    ),
    workers: int = typer.Option(
        1, min=1, help="Worker processes (more than one requires --no-projections)."
    ),
    log_level: str = typer.Option("info", help="critical, error, warning, info or debug."),
) -> None:
    """Serve the HTTP API (and, by default, the projection workers)."""
    import uvicorn

    settings = settings_or_exit()
    if workers > 1 and projections:
        fail("--workers above 1 needs --no-projections (run `plans project` once)", 2)
    prepare(settings)
    # A store it cannot decode (missing or wrong PLANS_CIPHER_KEY): one line, exit 2,
    # rather than a traceback from inside the server's start-up.
    open_app(settings).close()
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_config": log_config(),
        "log_level": log_level,
        "server_header": False,
        "proxy_headers": True,
    }
    if workers > 1:
        uvicorn.run("api.cli:worker_app", factory=True, workers=workers, **options)
        return
    from api.app import create_app

    uvicorn.run(create_app(settings, projections=projections), **options)


def worker_app() -> Any:
    """The ASGI app of one `serve --workers N` process (projections run elsewhere)."""
    from api.app import create_app

    return create_app(load_settings(), projections=False)


class PathOnlyAccessLog(logging.Filter):
    """Access log lines show method, path and status: never the query string
    (it can carry a client id) and never a body."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], args[2].split("?", 1)[0], args[3], args[4])
        return True


def log_config() -> dict[str, Any]:
    fmt = "%(asctime)s %(levelprefix)s %(message)s"
    access = '%(asctime)s %(levelprefix)s %(client_addr)s "%(request_line)s" %(status_code)s'
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"path_only": {"()": "api.cli.PathOnlyAccessLog"}},
        "formatters": {
            "default": {"()": "uvicorn.logging.DefaultFormatter", "fmt": fmt},
            "access": {"()": "uvicorn.logging.AccessFormatter", "fmt": access},
        },
        "handlers": {
            "default": {
                "formatter": "default",
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
            },
            "access": {
                "formatter": "access",
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "filters": ["path_only"],
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
            "api": {"handlers": ["default"], "level": "INFO", "propagate": False},
            "projections": {"handlers": ["default"], "level": "INFO", "propagate": False},
        },
    }


@cli.command()
def project() -> None:
    """Run the projection workers alone: catch up, then follow until SIGTERM or Ctrl-C."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = settings_or_exit()
    prepare(settings)
    from projections.runner import run_projectors

    app = open_app(settings)
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        err.print(f"{signal.Signals(signum).name}: stopping after the current event")
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    err.print(f"projecting from {where(settings)}; SIGTERM or Ctrl-C stops")
    try:
        with database_errors(settings):
            run_projectors(settings.library_env(create_table=False), app, stop)
    finally:
        app.close()
    err.print("projections stopped")


@cli.command()
def rebuild(
    names: list[str] = typer.Argument(None, help="Read models to rebuild (default: all)."),
) -> None:
    """Rebuild read models from the event store beside the live ones, then switch.

    Queries keep answering from the live tables until the switch.
    """
    settings = settings_or_exit()
    prepare(settings)
    from projections.catalog import MODELS
    from projections.runner import RebuildBusyError
    from projections.runner import rebuild as rebuild_read_models

    unknown = [n for n in names or () if n not in MODELS]
    if unknown:
        fail(f"unknown read model {unknown[0]!r}; known: {', '.join(MODELS)}", EXIT_BAD_SETTING)
    app = open_app(settings)
    started = time.perf_counter()
    try:
        with progress_bar() as bar, database_errors(settings):
            tasks: dict[str, Any] = {}

            def on_progress(name: str, position: int, head: int, per_second: float) -> None:
                if name not in tasks:
                    tasks[name] = bar.add_task(name, total=head, rate="")
                bar.update(tasks[name], completed=position, total=head,
                           rate=f"{per_second:,.0f} events/s")  # fmt: skip

            try:
                results = rebuild_read_models(
                    settings.library_env(create_table=False), app, names or None, on_progress
                )
            except RebuildBusyError as e:
                fail(str(e), 1)
    finally:
        app.close()
    seconds = time.perf_counter() - started
    events = sum(r.events for r in results.values())
    busy = max((r.seconds for r in results.values()), default=0.0)
    print(
        f"rebuilt {', '.join(results)}: {events:,} events in {seconds:.1f} s "
        f"({events / max(busy, 1e-6):,.0f} events/s while building)"
    )


@cli.command()
def token(
    sub: str = typer.Option(..., help="User id (the `sub` claim)."),
    role: str = typer.Option(..., help="clinician, supervisor, auditor or analyst."),
    clinic: str = typer.Option(..., help="Clinic id (the `clinic` claim)."),
    ttl_minutes: int = typer.Option(60, min=1, max=60 * 24 * 30, help="Lifetime in minutes."),
) -> None:
    """Print a bearer token signed with the service's secret (and nothing else)."""
    from api.auth import ROLES, mint_token

    settings = settings_or_exit()
    if role not in ROLES:
        fail(f"unknown role {role!r}: use one of {', '.join(ROLES)}", EXIT_BAD_SETTING)
    try:
        secret = settings.secret()
    except OSError as e:
        fail(f"cannot keep the JWT secret in {settings.data_dir}: {e.strerror}", 1)
    print(mint_token(secret, sub, role, clinic, ttl_minutes))


@cli.command()
def demo(
    plans: int = typer.Option(300, min=1, max=100_000, help="How many plans."),
    seed: int = typer.Option(20240, help="Random seed (same seed, same data)."),
) -> None:
    """Load a realistic demo data set: 3 clinics, plans with up to a year of history.

    Running it again records nothing new.
    """
    from api.demo import load_demo

    settings = settings_or_exit()
    prepare(settings)
    app = open_app(settings)
    started = time.perf_counter()
    try:
        with progress_bar() as bar, database_errors(settings):
            task = bar.add_task("demo plans", total=plans, rate="")

            def on_progress(done: int, total: int, recorded: int) -> None:
                bar.update(task, completed=done, rate=rate(recorded, started))

            summary = load_demo(app, on_progress, plans=plans, seed=seed)
    finally:
        app.close()
    print(
        f"demo: {summary['plans']} plans in {summary['clinics']} clinics, "
        f"{summary['recorded']:,} events recorded, {summary['replayed']:,} already there "
        f"({summary['closed']} closed, {summary['draft']} awaiting signatures) "
        f"in {summary['seconds']:.1f} s"
    )


@cli.command()
def export(
    clinic: str = typer.Option(..., help="The clinic whose revisions to export."),
    out: Path = typer.Option(..., "--out", help="The Parquet file to write (FILE.parquet)."),
) -> None:
    """Write a clinic's de-identified revisions (what an analyst's `GET /revisions` shows)
    to a Parquet file, streamed in constant memory.

    Exports what the revisions read model holds; it says so when that lags the event store.
    """
    from api.pseudonyms import pseudonyms
    from projections.export import write_parquet
    from projections.readmodels import ReadModels

    settings = settings_or_exit()
    prepare(settings)
    app = open_app(settings)
    started = time.perf_counter()
    partial = out.with_name(out.name + ".partial")
    try:
        with database_errors(settings):
            read_models = ReadModels(settings.library_env(create_table=False), app)
            try:
                behind = app.recorder.max_notification_id() or 0
                behind -= read_models.positions(["revisions"]).get("revisions", 0) or 0
                names = pseudonyms(settings)
                with partial.open("wb") as f:
                    rows = write_parquet(read_models.analyst_export(names, clinic), f)
                partial.replace(out)
            finally:
                read_models.close()
    except OSError as e:
        partial.unlink(missing_ok=True)
        fail(f"cannot write {out}: {e.strerror or e}", 1)
    finally:
        app.close()
    lag = f"; the revisions read model was {behind:,} events behind" if behind > 0 else ""
    print(f"exported {rows:,} revisions of {clinic} to {out} ({rate(rows, started, 'rows')}){lag}")


@cli.command()
def verify(
    plan: UUID | None = typer.Option(None, "--plan", help="Check this plan only."),
) -> None:
    """Check the tamper-evidence hash chain of one plan, or of every plan.

    Exit code 1 when any plan's chain is broken.
    """
    from domain.errors import NotFoundError
    from projections.audit import verify_all, verify_plan

    settings = settings_or_exit()
    # The chain covers the stored (encrypted) bytes: an auditor without the
    # cipher key, or a store whose key was destroyed, can still be verified.
    app = open_app(settings, check_readable=False)
    try:
        with database_errors(settings):
            if plan is not None:
                try:
                    report = verify_plan(app, plan)
                except NotFoundError:
                    fail(f"plan {plan} not found", 1)
                if report["valid"]:
                    print(
                        f"plan {plan}: valid, {report['events_checked']} events, "
                        f"head {report['head_hash']}"
                    )
                    return
                print(
                    f"plan {plan}: INVALID from version {report['first_invalid_version']} "
                    f"({report['events_checked']} events checked)"
                )
                raise typer.Exit(1)
            started = time.perf_counter()
            with progress_bar() as bar:
                task = bar.add_task("verify plans", total=None, rate="")
                summary = verify_all(app, _verify_progress(bar, task, started))
    finally:
        app.close()
    invalid = summary["invalid"]
    line = (
        f"verified {summary['plans_checked']:,} plans, {summary['events_checked']:,} events "
        f"in {time.perf_counter() - started:.1f} s: "
    )
    if not invalid:
        print(line + "every chain intact")
        return
    shown = ", ".join(_describe_invalid(i) for i in invalid[:5])
    more = f" and {len(invalid) - 5} more" if len(invalid) > 5 else ""
    print(line + f"{len(invalid)} INVALID: {shown}{more}")
    raise typer.Exit(1)


def _verify_progress(bar: Progress, task: Any, started: float) -> Callable[..., None]:
    def on_progress(done: int, total: int | None = None, *_: Any) -> None:
        bar.update(task, completed=done, total=total, rate=rate(done, started, "plans"))

    return on_progress


def _describe_invalid(item: Any) -> str:
    if isinstance(item, dict):
        plan_id = item.get("plan_id") or item.get("id")
        version = item.get("first_invalid_version")
        return f"{plan_id} (from version {version})" if version else str(plan_id)
    return str(item)
