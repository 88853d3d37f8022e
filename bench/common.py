"""Shared plumbing: the throwaway database, the machine, timing and statistics."""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

ADMIN_URL = os.environ.get("PLANS_BENCH_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/postgres")
JWT_SECRET = "bench-secret-with-enough-entropy-0123456789abcdef"


# ----------------------------------------------------------------- databases
def admin_connect() -> psycopg.Connection[Any]:
    return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5)


def database_url(name: str) -> str:
    return urlunsplit(urlsplit(ADMIN_URL)._replace(path=f"/{name}"))


@contextlib.contextmanager
def throwaway_database(prefix: str = "plans_bench") -> Iterator[str]:
    """Create a database, yield its URL, drop it (also on error or Ctrl-C)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin_connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(name)
    finally:
        with admin_connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_settings(url: str, **overrides: Any) -> Any:
    from api.settings import Settings

    data_dir = Path(tempfile.mkdtemp(prefix="plans-bench-"))
    values: dict[str, Any] = {
        "database_url": url,
        "data_dir": data_dir,
        "jwt_secret": JWT_SECRET,
    }
    values.update(overrides)
    return Settings(**values)


def connect(url: str, autocommit: bool = True) -> psycopg.Connection[Any]:
    return psycopg.connect(url, autocommit=autocommit, connect_timeout=5)


# ------------------------------------------------------------------- machine
def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram_gb: float | None = None
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    pg: dict[str, str] = {}
    with contextlib.suppress(psycopg.Error), admin_connect() as conn:
        row = conn.execute("SHOW server_version").fetchone()
        pg["version"] = row[0] if row else "?"
        for setting in ("synchronous_commit", "fsync", "shared_buffers", "max_connections"):
            row = conn.execute(f"SHOW {setting}").fetchone()
            pg[setting] = row[0] if row else "?"
    from importlib.metadata import version

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram_gb,
        "postgres": pg,
        "postgres_host": urlsplit(ADMIN_URL).hostname,
        "python": platform.python_version(),
        "eventsourcing": version("eventsourcing"),
        "psycopg": psycopg.__version__,
        "os": platform.platform(),
    }


# --------------------------------------------------------------- statistics
def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


@dataclass
class Spread:
    """min/median/max of one quantity over repetitions."""

    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.values.append(value)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    def as_dict(self) -> dict[str, Any]:
        if not self.values:
            return {"min": None, "median": None, "max": None, "runs": []}
        return {
            "min": min(self.values),
            "median": self.median,
            "max": max(self.values),
            "runs": [round(v, 4) for v in self.values],
        }


@dataclass
class Figure:
    """One line of the result table: our figure against its same-run baseline."""

    key: str
    title: str
    unit: str
    ours: Spread = field(default_factory=Spread)
    baseline: Spread | None = None
    baseline_name: str | None = None
    higher_is_better: bool = True
    goal: str | None = None
    goal_met: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    note: str | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or not self.baseline.values or not self.ours.values:
            return None
        if self.baseline.median == 0:
            return None
        return self.ours.median / self.baseline.median

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ours"] = self.ours.as_dict()
        data["baseline"] = self.baseline.as_dict() if self.baseline else None
        data["ratio"] = None if self.ratio is None else round(self.ratio, 4)
        # Per repetition (ours and baseline ran side by side): robust to drift.
        if self.baseline is not None and len(self.baseline.values) == len(self.ours.values) > 0:
            paired = [o / b for o, b in zip(self.ours.values, self.baseline.values) if b]
            data["ratio_per_run"] = Spread(paired).as_dict()
        return data


# ------------------------------------------------------------------ running
def run_threads(count: int, target: Callable[[int], Any]) -> tuple[float, list[Any]]:
    """Run target(i) in `count` threads started together; (wall seconds, results)."""
    results: list[Any] = [None] * count
    errors: list[BaseException] = []
    barrier = threading.Barrier(count + 1)

    def body(i: int) -> None:
        barrier.wait()
        try:
            results[i] = target(i)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(count)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return elapsed, results


def split(total: int, parts: int) -> list[int]:
    """`total` split into `parts` near-equal integers."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def actor(clinic: str = "bench-clinic", user: str = "bench-clinician") -> Any:
    from domain.plan import Actor

    return Actor(user=user, role="clinician", clinic=clinic)


START_DATE = date(2025, 1, 6)
SCORE_DAY = date(2025, 6, 2)
