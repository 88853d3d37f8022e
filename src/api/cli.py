"""The `plans` command: serve the API, run projections, rebuild, mint tokens, demo, verify.

Every command loads the settings first: a bad setting is one line on stderr
and exit code 2; a database that cannot be reached at start-up is one line and
exit code 1. Long work shows a progress bar on stderr and ends with a one-line
summary on stdout. Nothing printed here contains client data.
"""

from __future__ import annotations

import gc
import logging
import logging.config
import os
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
    # Whatever this process writes (database files, secrets, exports) is for
    # the service's user alone; the data dir itself is kept 0700 by settings.
    os.umask(0o077)
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


@contextmanager
def prepared_app(needs_key: str | None = None) -> Iterator[tuple[Settings, PlansApplication]]:
    """Settings and the application, the schema prepared; database trouble inside the
    block is one line and exit 1; the application is closed afterwards. With
    `needs_key`, exit 2 saying so when PLANS_CIPHER_KEY is not set."""
    settings = settings_or_exit()
    if needs_key is not None and settings.cipher_key is None:
        fail(needs_key, EXIT_BAD_SETTING)
    prepare(settings)
    app = open_app(settings)
    try:
        with database_errors(settings):
            yield settings, app
    finally:
        app.close()


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

    if log_level.lower() not in LOG_LEVELS:
        fail(f"unknown log level {log_level!r}; known: {', '.join(LOG_LEVELS)}", EXIT_BAD_SETTING)
    settings = settings_or_exit()
    if workers > 1 and projections:
        fail("--workers above 1 needs --no-projections (run `plans project` once)", 2)
    prepare(settings)
    # A store it cannot decode (missing or wrong PLANS_CIPHER_KEY): one line, exit 2,
    # rather than a traceback from inside the server's start-up.
    open_app(settings).close()
    options = uvicorn_options(settings, host, port, log_level)
    if workers > 1:
        uvicorn.run("api.cli:worker_app", factory=True, workers=workers, **options)
        return
    from api.app import create_app

    app = create_app(settings, projections=projections)
    steady_gc()
    uvicorn.run(app, **options)


def steady_gc() -> None:
    """Garbage collection for a long-running service process.

    With CPython's default thresholds (700, 10, 10), a server under load runs a
    young collection every 700 allocations and, every few seconds, a full one
    that walks every object alive (modules, classes, cached plans): pauses of
    90-120 ms under wrk, freeing nothing, for whichever requests are in
    flight, which is what the p99 of `bench --only wrk` was made of. What
    start-up built is frozen out of collections (`gc.freeze`), young
    collections run every 50,000 allocations, and full ones far more rarely.
    Reference counting still frees at once everything not in a cycle; cycles
    are still collected.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def uvicorn_options(settings: Settings, host: str, port: int, log_level: str) -> dict[str, Any]:
    """How `serve` runs uvicorn. X-Forwarded-For/-Proto are believed only from
    PLANS_TRUSTED_PROXIES (default: nobody), so a client cannot forge its address."""
    trusted = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    return {
        "host": host,
        "port": port,
        "log_config": log_config(log_level),
        "log_level": log_level,
        "server_header": False,
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or [],
    }


def worker_app() -> Any:
    """The ASGI app of one `serve --workers N` process (projections run elsewhere)."""
    from api.app import create_app

    app = create_app(load_settings(), projections=False)
    steady_gc()
    return app


LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


def log_config(level: str = "info") -> dict[str, Any]:
    """Structured logs at `level` and above: one JSON object per line on stderr.

    Each request is one line from `api.requests` (request id, method, route
    template, status, duration) at INFO, written by `api.observability`;
    uvicorn's own access line is off, since it would repeat it with the raw
    path. `serve --log-level warning` therefore drops the request lines, as it
    would drop uvicorn's access lines, and keeps warnings and errors.
    """
    chosen = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "api.observability.JsonFormatter"}},
        "handlers": {
            "default": {
                "formatter": "json",
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": chosen, "propagate": False},
            "uvicorn.error": {"level": chosen},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "api": {"handlers": ["default"], "level": chosen, "propagate": False},
            "plans": {"handlers": ["default"], "level": chosen, "propagate": False},
            "projections": {"handlers": ["default"], "level": chosen, "propagate": False},
        },
    }


@cli.command()
def project(
    read_models: list[str] = typer.Option(
        None,
        "--read-model",
        help="Follow only this read model (repeat for several; default: all). "
        "Run one process per read model to spread them over cores or hosts.",
    ),
) -> None:
    """Run the projection workers alone: catch up, then follow until SIGTERM or Ctrl-C."""
    from projections.catalog import MODELS

    unknown = [n for n in read_models or () if n not in MODELS]
    if unknown:
        fail(f"unknown read model {unknown[0]!r}; known: {', '.join(MODELS)}", EXIT_BAD_SETTING)
    # Only once it will run: logging is the process's, configured for good (an
    # in-process caller, such as a test's CLI runner, keeps its own otherwise).
    logging.config.dictConfig(log_config())
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
    chosen = ", ".join(read_models) if read_models else "every read model"
    err.print(f"projecting from {where(settings)} ({chosen}); SIGTERM or Ctrl-C stops")
    steady_gc()
    try:
        with database_errors(settings):
            run_projectors(
                settings.library_env(create_table=False), app, stop, names=read_models or None
            )
    finally:
        app.close()
    err.print("projections stopped")


@cli.command()
def status(
    max_lag: int = typer.Option(
        0, min=0, help="Also fail when a read model is more than this many events behind (0: off)."
    ),
    window: float = typer.Option(
        3.0, min=0.1, help="Seconds between the two looks that tell a stalled read model."
    ),
) -> None:
    """Each read model's position and lag; exit 1 if one is stalled (the projector's health check).

    Stalled: behind the log and not moving between two looks `window` seconds
    apart (followers poll at least every second), whichever process follows it.
    """
    settings = settings_or_exit()
    from projections.readmodels import ReadModels

    app = open_app(settings, check_readable=False)
    try:
        with database_errors(settings):
            read_models = ReadModels(settings.library_env(create_table=False), app)
            try:
                first = read_models.status()
                if any(row["lag"] for row in first.values()):
                    time.sleep(window)
                report = read_models.status()
            finally:
                read_models.close()
    finally:
        app.close()
    unhealthy = False
    for name, row in report.items():
        stalled = row["lag"] > 0 and row["position"] == first[name]["position"]
        too_far = max_lag > 0 and row["lag"] > max_lag
        unhealthy = unhealthy or stalled or too_far
        state = "STALLED" if stalled else "BEHIND" if too_far else "ok"
        print(f"{name}: position {row['position']:,}, lag {row['lag']:,}, {state}")
    if unhealthy:
        raise typer.Exit(1)


@cli.command()
def rebuild(
    names: list[str] = typer.Argument(None, help="Read models to rebuild (default: all)."),
    jobs: int | None = typer.Option(
        None,
        min=1,
        max=16,
        help="Builder processes (PostgreSQL): the plans split over them, each "
        "process reading its share of the log once and building every read model "
        "for it. Default: one per CPU this process may use (SQLite: 1).",
    ),
) -> None:
    """Rebuild read models from the event store beside the live ones, then switch.

    Queries keep answering from the live tables until the switch.
    """
    started = time.perf_counter()
    settings = settings_or_exit()
    if jobs is None:
        jobs = usable_cpus() if settings.backend == "postgres" else 1
    prepare(settings)
    from projections.catalog import MODELS
    from projections.runner import RebuildBusyError
    from projections.runner import rebuild as rebuild_read_models

    unknown = [n for n in names or () if n not in MODELS]
    if unknown:
        fail(f"unknown read model {unknown[0]!r}; known: {', '.join(MODELS)}", EXIT_BAD_SETTING)
    # A rebuild reads the log on one or two connections at a time (the builder
    # processes open their own): no pool of `pool_size` backends to start.
    app = open_app(settings.model_copy(update={"pool_size": 2}))
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
                    settings.library_env(create_table=False),
                    app,
                    names or None,
                    on_progress,
                    jobs=jobs,
                )
            except RebuildBusyError as e:
                fail(str(e), 1)
    finally:
        app.close()
    seconds = time.perf_counter() - started
    # Each read model reads the whole log: count a log event once, not once per read model.
    events = max((r.events for r in results.values()), default=0)
    busy = max((r.seconds for r in results.values()), default=0.0)
    print(
        f"rebuilt {', '.join(results)}: {events:,} log events in {seconds:.1f} s wall "
        f"from the command's start ({events / max(seconds, 1e-6):,.0f} log events/s "
        "for the whole command, "
        f"{events / max(busy, 1e-6):,.0f} while building)"
    )


@cli.command()
def backup(
    out: Path = typer.Option(..., "--out", help="File to write (pg_dump custom format or SQLite)."),
) -> None:
    """Write a consistent copy of the store (events, chain, read models, access log).

    Keys are not in it: back up PLANS_CIPHER_KEY and the JWT secret apart from it.
    """
    from api.backup import BackupError
    from api.backup import backup as make_backup

    settings = settings_or_exit()
    started = time.perf_counter()
    with database_errors(settings):
        try:
            size = make_backup(settings, out)
        except BackupError as e:
            fail(str(e), 1)
    print(f"backup of {where(settings)}: {out} ({size:,} bytes) in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip


@cli.command()
def restore(
    source: Path = typer.Option(..., "--from", help="A file written by `plans backup`."),
) -> None:
    """Restore a backup into the empty store named by PLANS_DATABASE_URL.

    Then check it: `plans verify` (every chain intact) and `plans rebuild`.
    """
    from api.backup import BackupError
    from api.backup import restore as restore_backup

    settings = settings_or_exit()
    with database_errors(settings):
        try:
            restore_backup(settings, source)
        except BackupError as e:
            fail(str(e), 1)
    print(f"restored {source} into {where(settings)}; now run `plans verify`")


@cli.command()
def token(
    sub: str = typer.Option(..., help="User id (the `sub` claim)."),
    role: str = typer.Option(..., help="clinician, supervisor, auditor or analyst."),
    clinic: str = typer.Option(..., help="Clinic id (the `clinic` claim)."),
    ttl_minutes: int = typer.Option(60, min=1, max=60 * 24 * 30, help="Lifetime in minutes."),
    link: bool = typer.Option(
        False,
        "--link",
        help="Print a one-time console sign-in link (valid 5 minutes) instead of the token.",
    ),
    base_url: str = typer.Option(
        "http://127.0.0.1:8000", help="Where `plans serve` answers (for --link)."
    ),
) -> None:
    """Print a bearer token signed with the service's secret (and nothing else)."""
    from api.auth import ROLES, mint_token

    settings = settings_or_exit()
    if role not in ROLES:
        fail(f"unknown role {role!r}: use one of {', '.join(ROLES)}", EXIT_BAD_SETTING)
    if ttl_minutes > settings.jwt_max_ttl_minutes:
        fail(
            f"--ttl-minutes {ttl_minutes} exceeds PLANS_JWT_MAX_TTL_MINUTES "
            f"({settings.jwt_max_ttl_minutes}): the service would refuse the token",
            EXIT_BAD_SETTING,
        )
    try:
        secret = settings.secret()
    except OSError as e:
        fail(f"cannot keep the JWT secret in {settings.data_dir}: {e.strerror}", 1)
    except SettingsError as e:
        fail(str(e), EXIT_BAD_SETTING)
    if link:
        from console.links import mint_link_code

        code = mint_link_code(secret, sub, role, clinic, min(ttl_minutes, 60 * 24))
        print(f"{base_url.rstrip('/')}/console/link?code={code}")
        return
    token = mint_token(
        secret,
        sub,
        role,
        clinic,
        ttl_minutes,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
    )
    print(token)


@cli.command()
def demo(
    plans: int = typer.Option(300, min=1, max=100_000, help="How many plans."),
    seed: int = typer.Option(20240, help="Random seed (same seed, same data)."),
) -> None:
    """Load a realistic demo data set: 3 clinics, plans with up to a year of history.

    Running it again records nothing new.
    """
    from api.demo import load_demo

    with prepared_app() as (_, app):
        started = time.perf_counter()
        with progress_bar() as bar:
            task = bar.add_task("demo plans", total=plans, rate="")

            def on_progress(done: int, total: int, recorded: int) -> None:
                bar.update(task, completed=done, rate=rate(recorded, started))

            summary = load_demo(app, on_progress, plans=plans, seed=seed)
    print(
        f"demo: {summary['plans']} plans in {summary['clinics']} clinics, "
        f"{summary['recorded']:,} events recorded, {summary['replayed']:,} already there "
        f"({summary['closed']} closed, {summary['draft']} awaiting signatures) "
        f"in {summary['seconds']:.1f} s"
    )


@cli.command()
def verify(
    plan: UUID | None = typer.Option(None, "--plan", help="Check this plan only."),
    access_log: bool = typer.Option(
        False, "--access-log", help="Check the access log's hash chain instead of the plans'."
    ),
) -> None:
    """Check the tamper-evidence hash chain of one plan, or of every plan
    (or, with --access-log, of the access log).

    Exit code 1 when any chain is broken.
    """
    from domain.errors import NotFoundError
    from eventstore.history import verify_all, verify_plan

    settings = settings_or_exit()
    if access_log:
        verify_access_log(settings)
        return
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


def verify_access_log(settings: Settings) -> None:
    """`plans verify --access-log`: exit 1 when an entry was edited or deleted."""
    from api.access_log import AccessLog
    from eventstore.recorders import datastore_of

    app = open_app(settings, check_readable=False)
    try:
        with database_errors(settings):
            log = AccessLog(
                datastore_of(app.store), settings.backend, settings.postgres_params().get("path")
            )
            report = log.verify()
    finally:
        app.close()
    line = f"access log: {report['entries_checked']:,} entries checked"
    if report["unchained"]:
        line += f" ({report['unchained']:,} older entries written before the chain)"
    if report["valid"]:
        print(f"{line}: chain intact, head {report['head_hash']}")
        return
    if report["first_invalid_id"] is not None:
        print(f"{line}: INVALID from entry {report['first_invalid_id']} (edited or deleted)")
    else:
        print(f"{line}: INVALID: entries after {report['missing_after']} are missing")
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


@cli.command()
def erase(
    clinic: str = typer.Option(..., "--clinic", help="The client's clinic."),
    client_id: str = typer.Option(..., "--client-id", help="The client to erase."),
    reason: str = typer.Option(..., "--reason", help="Why (kept in the erasure record)."),
    actor: str | None = typer.Option(None, "--actor", help="Who erases (default: $USER)."),
) -> None:
    """Erase a client by crypto-shredding: destroy their data key, empty the read models.

    Their events stay (unreadable, still chained: `plans verify` passes); their plans
    answer 410. The erasure is recorded without the client id (GET /erasures).
    Exit code 2 without PLANS_CIPHER_KEY, 1 when the clinic has no such client.
    """
    import getpass

    from api.erasure import ClientUnknownError, erase_client
    from domain.errors import PlanError

    needs = "erasure needs PLANS_CIPHER_KEY: without it nothing is encrypted"
    with prepared_app(needs) as (settings, app):
        try:
            report = erase_client(
                app,
                settings.library_env(),
                clinic=clinic,
                client_id=client_id,
                reason=reason,
                actor=actor or getpass.getuser(),
            )
        except ClientUnknownError as e:
            fail(str(e), 1)
        except PlanError as e:
            fail(e.message, EXIT_BAD_SETTING)
    if report.erasure_id is None:
        print(f"already erased: {len(report.plan_ids)} plans; read models cleaned again "
              f"({report.rows_deleted} rows)")  # fmt: skip
        return
    print(
        f"erased: {len(report.plan_ids)} plans, {report.keys_destroyed} data key(s) destroyed, "
        f"{report.rows_deleted} read-model rows deleted; erasure {report.erasure_id}"
    )


@cli.command("rotate-key")
def rotate_key() -> None:
    """Re-wrap every data key under the first PLANS_CIPHER_KEY key (events are not rewritten).

    Afterwards the other keys may be removed from PLANS_CIPHER_KEY.
    """
    from api.erasure import rotate_keys
    from eventstore.keys import KeyError_

    with prepared_app("rotate-key needs PLANS_CIPHER_KEY") as (_, app):
        try:
            done, already = rotate_keys(app)
        except KeyError_ as e:
            fail(str(e), EXIT_BAD_SETTING)
        current = app.mapper.keys.masters.current_id  # type: ignore[attr-defined]
    print(f"re-wrapped {done} data key(s) under master key {current} ({already} already were)")


@cli.command()
def export(
    clinic: str = typer.Option(..., "--clinic", help="Export this clinic's plans."),
    fhir_dir: Path | None = typer.Option(
        None,
        "--fhir",
        help="Directory for FHIR Bulk Data NDJSON (one file per resource type).",
        file_okay=False,
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Parquet file of the clinic's de-identified revisions (FILE.parquet)."
    ),
) -> None:
    """Export a clinic: --out FILE.parquet (analysts' de-identified revisions) and/or
    --fhir DIR (its current plans as FHIR R4 Bulk Data NDJSON).

    Parquet: what an analyst's `GET /revisions` shows, streamed in constant memory.
    FHIR: one file per resource type (CarePlan.ndjson, Condition.ndjson, Goal.ndjson,
    Observation.ndjson, Flag.ndjson, Provenance.ndjson), one resource a line.
    """
    if fhir_dir is None and out is None:
        fail("give --out FILE.parquet and/or --fhir DIR", EXIT_BAD_SETTING)
    if out is not None:
        export_parquet(clinic, out)
    if fhir_dir is not None:
        export_fhir(clinic, fhir_dir)


def export_fhir(clinic: str, fhir_dir: Path) -> None:
    from interop.export import export_bulk

    with prepared_app() as (settings, app):
        started = time.perf_counter()
        with progress_bar() as bar:
            task = bar.add_task("export plans", total=None, rate="")

            def on_progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total, rate=rate(done, started, "plans"))

            try:
                counts = export_bulk(
                    app, clinic, fhir_dir, on_progress, _log_export(settings, app, clinic)
                )
            except OSError as e:
                fail(f"cannot write {fhir_dir}: {e.strerror or e}", 1)
    seconds = max(time.perf_counter() - started, 1e-6)
    total = sum(counts.values())
    written = ", ".join(f"{n:,} {kind}" for kind, n in counts.items()) or "nothing"
    print(
        f"export: {counts.get('CarePlan', 0):,} plans of {clinic} as {total:,} FHIR resources "
        f"({written}) in {fhir_dir} in {seconds:.1f} s ({total / seconds:,.0f} resources/s)"
    )


def export_parquet(clinic: str, out: Path) -> None:
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
                behind = app.store.max_notification_id() or 0
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


def _log_export(settings: Settings, app: PlansApplication, clinic: str) -> Callable[..., None]:
    """An access-log entry per exported plan, written before the files are published."""
    import getpass

    from api.access_log import AccessEntry, AccessLog
    from eventstore.recorders import datastore_of

    try:
        operator = getpass.getuser()
    except (OSError, KeyError):
        operator = "operator"
    log = AccessLog(
        datastore_of(app.store), settings.backend, settings.postgres_params().get("path")
    )

    def record(plan_ids: list[UUID]) -> None:
        for plan_id in plan_ids:
            log.append(
                AccessEntry(operator, "operator", clinic, str(plan_id), "CLI export --fhir", 200)
            )

    return record
