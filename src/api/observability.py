"""Request ids, one structured log line per request, and Prometheus metrics.

The edge middleware (`api.edge`) gives every request an id (the caller's
`X-Request-ID` when it is a sane token, else a new one), echoes it on the
response, counts and times the request here by *route template*
(`/plans/{plan_id}`, never a plan id) and writes one JSON line to the
`api.requests` logger.

`/metrics` renders a registry of this app's own (so several apps in one test
process do not collide) plus a collector that reads, at scrape time, what
the service already knows: each read model's lag, the group-commit batch
sizes, connection-pool use and the database breaker's state.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import orjson
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import Scope

log = logging.getLogger("api.requests")


REQUEST_ID_HEADER = b"x-request-id"
# An incoming id is echoed only when it cannot smuggle anything into a log line.
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The app's own registry and the request instruments in it."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "plans_http_requests",
            "HTTP requests by method, route template and status code.",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "plans_http_request_duration_seconds",
            "HTTP request latency by method and route template.",
            ("method", "route"),
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        # (method, route template, status) -> (counter child, histogram child);
        # bounded by the routes' templates times the status codes they answer.
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def watch(self, collector: Collector) -> None:
        self.registry.register(collector)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count and time one request. Each label set's children are looked up
        once (`labels()` validates and locks on every call) and kept here."""
        key = (method, route, status)
        pair = self._children.get(key)
        if pair is None:
            pair = (
                self.requests.labels(method, route, str(status)),
                self.latency.labels(method, route),
            )
            self._children[key] = pair
        pair[0].inc()
        pair[1].observe(seconds)


def incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers") or ():
        if name == REQUEST_ID_HEADER:
            text = value.decode("latin-1").strip()
            return text if SANE_REQUEST_ID.match(text) else None
    return None


class ServiceCollector(Collector):
    """Gauges read at scrape time from the running service's parts."""

    def __init__(self, read_status: Callable[[], dict[str, dict[str, Any]]],
                 pools: Callable[[], dict[str, dict[str, int]]],
                 breaker_open: Callable[[], bool],
                 batches: Callable[[], tuple[int, int, int]]) -> None:  # fmt: skip
        self.read_status = read_status
        self.pools = pools
        self.breaker_open = breaker_open
        self.batches = batches

    def collect(self) -> Iterator[Metric]:
        breaker = GaugeMetricFamily(
            "plans_database_breaker_open", "1 while the database breaker refuses requests."
        )
        breaker.add_metric([], 1.0 if self.breaker_open() else 0.0)
        yield breaker

        lag = GaugeMetricFamily(
            "plans_projection_lag_events",
            "Events in the log not yet processed, per read model.",
            labels=["read_model"],
        )
        position = GaugeMetricFamily(
            "plans_projection_position",
            "Last processed log position, per read model.",
            labels=["read_model"],
        )
        try:
            status = self.read_status()
        except Exception:  # noqa: BLE001 - a scrape during an outage shows no lag, not a 500
            status = {}
        for name, row in status.items():
            lag.add_metric([name], float(row.get("lag", 0)))
            position.add_metric([name], float(row.get("position", 0)))
        yield lag
        yield position

        size = GaugeMetricFamily(
            "plans_pool_connections", "Connections of each pool by state.", labels=["pool", "state"]
        )
        for pool, stats in self.pools().items():
            for state, value in stats.items():
                size.add_metric([pool, state], float(value))
        yield size

        batches, saves, largest = self.batches()
        commits = GaugeMetricFamily(
            "plans_group_commit_batches", "Group-commit transactions since start."
        )
        commits.add_metric([], float(batches))
        yield commits
        grouped = GaugeMetricFamily(
            "plans_group_commit_saves", "Saves written by group commit since start."
        )
        grouped.add_metric([], float(saves))
        yield grouped
        biggest = GaugeMetricFamily(
            "plans_group_commit_largest_batch", "The most saves one group commit has written."
        )
        biggest.add_metric([], float(largest))
        yield biggest


def pool_stats(pools: dict[str, Any]) -> dict[str, dict[str, int]]:
    """psycopg_pool's own counters (size, available, waiting), per named pool."""
    out: dict[str, dict[str, int]] = {}
    for name, pool in pools.items():
        get_stats = getattr(pool, "get_stats", None)
        if get_stats is None:
            continue
        stats = get_stats()
        out[name] = {
            "size": int(stats.get("pool_size", 0)),
            "idle": int(stats.get("pool_available", 0)),
            "waiting": int(stats.get("requests_waiting", 0)),
        }
        out[name]["in_use"] = max(out[name]["size"] - out[name]["idle"], 0)
    return out


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any extras."""

    RESERVED = frozenset(vars(logging.makeLogRecord({})).keys()) | {
        "message",
        "asctime",
        "color_message",  # uvicorn's copy of the message with terminal colours
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._second = -1
        self._time = ""

    def _time_of(self, record: logging.LogRecord) -> str:
        """The record's local time to the second, formatted once per second."""
        second = int(record.created)
        if second != self._second:
            self._time = time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(second))
            self._second = second
        return self._time

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self._time_of(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in self.RESERVED and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()
