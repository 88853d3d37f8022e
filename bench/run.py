"""The benchmark harness: every figure against a baseline measured in the same run.

    python -m bench                 # full run (≈ 9 minutes on 2 cores)
    python -m bench --quick         # one short repetition of each, under a minute
    python -m bench --json out.json --only append,http

Each figure gets its own throwaway PostgreSQL database (created and dropped
here; admin URL from PLANS_BENCH_POSTGRES_URL, default
postgresql://root@127.0.0.1:5432/postgres). The table shows, per figure, our
median, the same-run baseline's median, the ratio, min–max over repetitions,
and the goal; the JSON holds every repetition and the machine.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import Figure, machine_info, throwaway_database


@dataclass(frozen=True)
class Plan:
    reps: int
    append_commands: dict[int, int]
    append_plans_per_writer: int
    http_requests: int
    catchup_events: int
    queue_sizes: list[int]
    queue_queries: int
    travel_events: int
    travel_queries: int
    lag_seconds: float
    bulk_plans: int
    console_plans: int = 300
    console_queries: int = 30
    wrk_seconds: float = 15.0


FULL = Plan(
    reps=3,
    append_commands={1: 1_500, 8: 3_000},
    append_plans_per_writer=50,
    http_requests=3_000,
    catchup_events=200_000,
    queue_sizes=[10_000, 100_000, 1_000_000],
    queue_queries=500,
    travel_events=1_000,
    travel_queries=200,
    lag_seconds=20.0,
    bulk_plans=5_000,
)
QUICK = Plan(
    reps=1,
    append_commands={1: 200, 8: 400},
    append_plans_per_writer=10,
    http_requests=400,
    catchup_events=10_000,
    queue_sizes=[10_000, 100_000],
    queue_queries=100,
    travel_events=1_000,
    travel_queries=30,
    lag_seconds=3.0,
    bulk_plans=500,
    console_plans=100,
    console_queries=10,
    wrk_seconds=5.0,
)
# Per figure: the module `bench.<module>` whose `bench_<module>(url, reps, log, ...)`
# measures it, and its other arguments for a plan. In the order of a full run.
BENCHES: dict[str, tuple[str, Callable[[Plan], dict[str, Any]]]] = {
    "append": (
        "append",
        lambda p: {
            "commands": p.append_commands,
            "plans_per_writer": p.append_plans_per_writer,
        },
    ),
    "http": ("http", lambda p: {"requests": p.http_requests, "clients": 16}),
    "catchup": ("catchup", lambda p: {"events": p.catchup_events}),
    "queue": ("queue", lambda p: {"sizes": p.queue_sizes, "queries": p.queue_queries}),
    "travel": (
        "timetravel",
        lambda p: {"events": p.travel_events, "queries": p.travel_queries},
    ),
    "lag": ("lag", lambda p: {"rate": 200.0, "seconds": p.lag_seconds}),
    "bulk": (
        "bulk",
        lambda p: {"plans": p.bulk_plans, "events_per_plan": 10, "chunk_events": 2_000},
    ),
    "keys": (
        "keys",
        lambda p: {
            "commands": p.append_commands[8],
            "writers": 8,
            "erase_plans": 10,
            "events_per_plan": 500,
        },
    ),
    "console": ("console", lambda p: {"plans": p.console_plans, "queries": p.console_queries}),
    "fhir": (
        "fhir",
        lambda p: {
            "events": p.travel_events,
            "queries": p.travel_queries,
            "demo_plans": 300 if p is FULL else 30,
        },
    ),
    "compliance": (
        "compliance",
        lambda p: {"plans": 100_000, "queries": 200 if p.reps > 1 else 50},
    ),
    "analysts": (
        "analysts",
        lambda p: {"rows": 1_000_000 if p.reps > 1 else 100_000, "queries": 200},
    ),
    "wrk": ("wrk", lambda p: {"seconds": p.wrk_seconds}),
}
FIGURES = tuple(BENCHES)


def run_figure(name: str, plan: Plan, log: Callable[[str], None]) -> list[Figure]:
    if name not in BENCHES:
        raise ValueError(f"unknown figure {name!r}")
    module, arguments = BENCHES[name]
    bench = getattr(importlib.import_module(f"bench.{module}"), f"bench_{module}")
    with throwaway_database() as url:
        figures: list[Figure] = bench(url, reps=plan.reps, log=log, **arguments(plan))
        return figures


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "ms":
        return f"{value:,.2f}"
    return f"{value:,.0f}"


def render(figures: list[Figure], machine: dict[str, Any], failures: dict[str, str]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 160))
    pg = machine.get("postgres", {})
    console.print(
        f"[bold]Machine[/]: {machine['cpu']}, {machine['cores']} cores, "
        f"{machine['ram_gb']} GB RAM; "
        f"PostgreSQL {pg.get('version', '?')} (fsync {pg.get('fsync', '?')}, synchronous_commit "
        f"{pg.get('synchronous_commit', '?')}); Python {machine['python']}; eventsourcing "
        f"{machine['eventsourcing']}"
    )
    table = Table(title="Benchmarks (median of repetitions; baseline measured in the same run)")
    table.add_column("figure")
    table.add_column("unit")
    table.add_column("ours", justify="right")
    table.add_column("min–max", justify="right")
    table.add_column("baseline", justify="right")
    table.add_column("baseline is", max_width=34)
    table.add_column("ratio", justify="right")
    table.add_column("goal")
    table.add_column("met")
    for f in figures:
        ours = f.ours.as_dict()
        spread = f"{fmt(ours['min'], f.unit)}–{fmt(ours['max'], f.unit)}"
        base = f.baseline.median if f.baseline and f.baseline.values else None
        ratio = f.ratio
        met = {True: "[green]yes[/]", False: "[red]no[/]", None: ""}[f.goal_met]
        table.add_row(
            f.title,
            f.unit,
            fmt(f.ours.median, f.unit),
            spread,
            fmt(base, f.unit),
            f.baseline_name or "",
            f"{ratio:.2f}" if ratio is not None else "–",
            f.goal or "",
            met,
        )
        peer = f.extra.get("peer")
        if peer and peer.get("median"):
            table.add_row(
                "  peer: plain eventsourcing app",
                f.unit,
                fmt(peer["median"], f.unit),
                f"{fmt(peer['min'], f.unit)}–{fmt(peer['max'], f.unit)}",
                "",
                "",
                f"ours/peer {f.extra['ratio_vs_peer']:.2f}",
                "",
                "",
            )
        p50 = f.extra.get("p50_ms")
        if p50 and p50.get("median") is not None:
            raw_p50 = f.extra.get("raw_p50_ms") or {}
            raw_text = fmt(raw_p50.get("median"), "ms") if raw_p50 else "–"
            table.add_row(
                "  p50",
                "ms",
                fmt(p50["median"], "ms"),
                f"{fmt(p50['min'], 'ms')}–{fmt(p50['max'], 'ms')}",
                raw_text,
                "",
                "",
                "",
                "",
            )
    console.print(table)
    for name, error in failures.items():
        console.print(f"[red]{name} failed[/]: {error}")


def markdown(results: dict[str, Any]) -> str:
    """The results as a Markdown table (for the README)."""
    m = results["machine"]
    pg = m.get("postgres", {})
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; PostgreSQL "
        f"{pg.get('version', '?')} (fsync {pg.get('fsync')}, synchronous_commit "
        f"{pg.get('synchronous_commit')}, shared_buffers {pg.get('shared_buffers')}); "
        f"Python {m['python']}; psycopg {m['psycopg']}. Mode: {results['mode']}, "
        f"{results['repetitions']} repetitions.",
        "",
        "| figure | ours (median) | min–max | baseline (median) | baseline is "
        "| ratio (per-run range) | goal "
        "| met |",
        "|---|---:|---:|---:|---|---:|---|---|",
    ]
    for f in results["figures"]:
        unit = f["unit"]
        ours, base = f["ours"], f["baseline"]
        p50 = f["extra"].get("p50_ms") or {}
        extra = f" (p50 {fmt(p50.get('median'), 'ms')})" if p50.get("median") is not None else ""
        peer = f["extra"].get("peer")
        if peer and peer.get("median"):
            extra += (
                f"; peer {fmt(peer['median'], unit)} (ours/peer {f['extra']['ratio_vs_peer']:.2f})"
            )
        met = "" if f["goal_met"] is None else ("yes" if f["goal_met"] else "no")
        ratio = f"{f['ratio']:.2f}" if f["ratio"] is not None else "–"
        paired = f.get("ratio_per_run") or {}
        if paired.get("min") is not None and len(paired.get("runs", [])) > 1:
            ratio += f" ({paired['min']:.2f}–{paired['max']:.2f})"
        baseline = fmt(base["median"], unit) if base and base["median"] is not None else "–"
        lines.append(
            f"| {f['title'].strip()} | {fmt(ours['median'], unit)} {unit}{extra} | "
            f"{fmt(ours['min'], unit)}–{fmt(ours['max'], unit)} | {baseline} | "
            f"{f['baseline_name'] or ''} | {ratio} | {f['goal'] or ''} | {met} |"
        )
    return "\n".join(lines)


def merge(paths: list[Path]) -> dict[str, Any]:
    """Several result files as one (later files replace figures of the same key)."""
    merged: dict[str, Any] = {}
    figures: dict[str, Any] = {}
    for path in paths:
        data = json.loads(path.read_text())
        merged = {**merged, **{k: v for k, v in data.items() if k != "figures"}}
        for fig in data["figures"]:
            figures[fig["key"]] = fig
        for name in list(merged.get("failures", {})):
            if any(k.startswith(name[:4]) for k in figures):
                merged["failures"].pop(name)
    merged["figures"] = list(figures.values())
    return merged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1 short repetition, < 1 minute")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    parser.add_argument(
        "--only", default=",".join(FIGURES), help=f"comma-separated subset of {','.join(FIGURES)}"
    )
    parser.add_argument("--reps", type=int, default=None, help="repetitions (default 3; quick 1)")
    parser.add_argument(
        "--markdown",
        nargs="+",
        type=Path,
        default=None,
        help="print result file(s) (merged) as a Markdown table and exit",
    )
    args = parser.parse_args(argv)
    if args.markdown:
        print(markdown(merge(args.markdown)))
        return 0
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    plan = QUICK if args.quick else FULL
    if args.reps:
        from dataclasses import replace

        plan = replace(plan, reps=args.reps)
    chosen = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in chosen if n not in FIGURES]
    if unknown:
        parser.error(f"unknown figure(s): {', '.join(unknown)}")

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    machine = machine_info()
    figures: list[Figure] = []
    failures: dict[str, str] = {}
    timings: dict[str, float] = {}
    started = time.perf_counter()
    for name in chosen:
        t0 = time.perf_counter()
        log(f"{name}: starting")
        try:
            figures.extend(run_figure(name, plan, log))
        except Exception as e:  # noqa: BLE001 - one figure failing must not lose the others
            failures[name] = f"{type(e).__name__}: {e}"
            log(f"{name}: FAILED {failures[name]}")
        timings[name] = round(time.perf_counter() - t0, 1)
    render(figures, machine, failures)
    if args.json:
        result = {
            "machine": machine,
            "mode": "quick" if args.quick else "full",
            "repetitions": plan.reps,
            "seconds": round(time.perf_counter() - started, 1),
            "seconds_per_figure": timings,
            "figures": [f.as_dict() for f in figures],
            "failures": failures,
        }
        args.json.write_text(json.dumps(result, indent=2, default=str))
        log(f"results written to {args.json}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
