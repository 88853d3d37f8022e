"""Where a record_score command spends its time (wall clock per phase).

`python -m bench.profile_append [--commands N]` creates a throwaway database
and times, per command, at 1 and 8 writers:

- load: snapshot SELECT, events SELECT, replay (decode + apply), total;
- decide: the Plan method (rules + trigger_event);
- save: the insert transaction (pipeline: chain insert, SET LOCAL, LOCK TABLE,
  NOTIFY, INSERT … RETURNING, sync, COMMIT), the snapshot write every Nth;
- pool checkouts (each does a pre-ping round trip).

Then it breaks the insert transaction down by timing variants of it on raw
connections in the same database: plain INSERT; + LOCK TABLE; + chain
insert; + NOTIFY — at 1 and 8 writers, which shows the table lock turning
PostgreSQL's group commit off.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from bench.append import TOPIC, make_plans, ours_workload
from bench.common import (
    bench_settings,
    connect,
    run_threads,
    split,
    throwaway_database,
)


class PhaseClock:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.total: dict[str, float] = defaultdict(float)
        self.count: dict[str, int] = defaultdict(int)

    def wrap(self, obj: Any, attr: str, phase: str) -> None:
        inner = getattr(obj, attr)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                with self.lock:
                    self.total[phase] += elapsed
                    self.count[phase] += 1

        setattr(obj, attr, timed)

    def reset(self) -> None:
        self.total.clear()
        self.count.clear()


def instrument(app: Any, clock: PhaseClock) -> None:
    clock.wrap(app, "record_score", "command (total)")
    clock.wrap(app.repository, "get", "load (total)")
    clock.wrap(app.snapshots.recorder, "select_events", "load: snapshot SELECT")
    clock.wrap(app.recorder, "select_events", "load: events SELECT")
    clock.wrap(app.recorder, "insert_events", "save: insert transaction")
    clock.wrap(app, "_take_snapshots", "save: snapshots (every Nth)")
    clock.wrap(app.snapshots.recorder, "insert_events", "save: snapshot INSERT")
    clock.wrap(app.recorder.datastore.pool, "getconn", "pool checkout (+pre-ping)")
    clock.wrap(app.mapper, "to_domain_event", "load: decode event")
    clock.wrap(app.mapper, "to_stored_event", "save: encode event")


def profile_app(app: Any, plan_ids: list[Any], writers: int, commands: int) -> dict[str, Any]:
    clock = PhaseClock()
    instrument(app, clock)
    run_threads(1, ours_workload(app, plan_ids, 1, 20))
    clock.reset()
    elapsed, _ = run_threads(writers, ours_workload(app, plan_ids, writers, commands))
    rows = {}
    for phase in sorted(clock.total):
        rows[phase] = {
            "ms_per_command": round(clock.total[phase] / commands * 1000, 3),
            "calls_per_command": round(clock.count[phase] / commands, 3),
        }
    load = clock.total["load (total)"]
    selects = clock.total["load: snapshot SELECT"] + clock.total["load: events SELECT"]
    rows["load: replay (decode+apply)"] = {
        "ms_per_command": round((load - selects) / commands * 1000, 3),
        "calls_per_command": 1.0,
    }
    return {"writers": writers, "commands_per_s": round(commands / elapsed, 1), "phases": rows}


TXN_VARIANTS: dict[str, list[str]] = {
    "INSERT (autocommit)": ["INSERT"],
    "BEGIN; INSERT; COMMIT": ["BEGIN", "INSERT", "COMMIT"],
    "+ LOCK TABLE": ["BEGIN", "LOCK", "INSERT", "COMMIT"],
    "+ LOCK + chain insert": ["BEGIN", "CHAIN", "LOCK", "INSERT", "COMMIT"],
    "+ LOCK + chain + NOTIFY (= ours)": ["BEGIN", "CHAIN", "LOCK", "NOTIFY", "INSERT", "COMMIT"],
    "ours, 8 events per txn": ["BEGIN", "CHAIN8", "LOCK", "NOTIFY", "INSERT8", "COMMIT"],
}


def txn_variants(url: str, writers: int, txns: int) -> dict[str, float]:
    with connect(url) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS tx_events (originator_id uuid, originator_version bigint,"
            " topic text, state bytea, notification_id bigserial,"
            " PRIMARY KEY (originator_id, originator_version))"
        )
        conn.execute("CREATE UNIQUE INDEX IF NOT EXISTS tx_nid ON tx_events (notification_id)")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS tx_chain (originator_id uuid, originator_version bigint,"
            " recorded_at timestamptz, hash bytea, PRIMARY KEY (originator_id, originator_version))"
        )
    state = os.urandom(424)
    out: dict[str, float] = {}
    shares = split(txns, writers)
    for name, steps in TXN_VARIANTS.items():

        def body(i: int, steps: list[str] = steps) -> int:
            oid = uuid.uuid4()
            with connect(url) as conn:
                version = 0
                for _ in range(shares[i]):
                    with conn.pipeline():
                        for step in steps:
                            _step(conn, step, oid, version, state)
                    version += 8 if "INSERT8" in steps else 1
            return shares[i]

        elapsed, done = run_threads(writers, body)
        per_txn = sum(done) / elapsed
        events = 8 if "INSERT8" in steps else 1
        out[name] = round(per_txn * events, 1)
    return out


def _step(conn: Any, step: str, oid: Any, version: int, state: bytes) -> None:
    if step in ("BEGIN", "COMMIT"):
        conn.execute(step)
    elif step == "LOCK":
        conn.execute("LOCK TABLE tx_events IN EXCLUSIVE MODE", prepare=True)
    elif step == "NOTIFY":
        conn.execute("NOTIFY tx_events")
    elif step in ("INSERT", "INSERT8"):
        n = 8 if step == "INSERT8" else 1
        conn.execute(
            "INSERT INTO tx_events (originator_id, originator_version, topic, state)"
            " SELECT %s, v, %s, %s FROM generate_series(%s::bigint, %s::bigint) v"
            " RETURNING notification_id",
            (oid, TOPIC, state, version, version + n - 1),
            prepare=True,
        )
    elif step in ("CHAIN", "CHAIN8"):
        for k in range(8 if step == "CHAIN8" else 1):
            conn.execute(
                "INSERT INTO tx_chain SELECT %(id)s, %(v)s, now(), sha256(coalesce(("
                "SELECT hash FROM tx_chain WHERE originator_id=%(id)s AND"
                " originator_version=%(v)s - 1), ''::bytea) || %(r)s)",
                {"id": oid, "v": version + k, "r": state},
                prepare=True,
            )


# src's own switch, no prototypes: one transaction per command against group
# commit (with its owned plan cache and in-memory snapshots).
ABLATION: dict[str, dict[str, Any]] = {
    "src, GROUP_COMMIT=n": {"group_commit": False},
    "src, GROUP_COMMIT=y": {"group_commit": True},
}


def ablation(
    settings: Any, url: str, plan_ids: list[Any], writers: int, commands: int, rounds: int
) -> dict[str, dict[str, float]]:
    """src with and without group commit, interleaved with raw, `rounds` times."""
    import statistics

    from api.runtime import open_application
    from bench.append import create_raw_table, rate, raw_workload

    create_raw_table(url)
    runs: dict[str, list[float]] = {name: [] for name in ["raw", *ABLATION]}
    for _ in range(rounds):
        runs["raw"].append(rate(raw_workload(url, writers, commands, 424), writers))
        for name, options in ABLATION.items():
            app = open_application(settings.model_copy(update=options))
            try:
                rate(ours_workload(app, plan_ids, min(writers, 8), len(plan_ids)), min(writers, 8))
                runs[name].append(rate(ours_workload(app, plan_ids, writers, commands), writers))
            finally:
                app.close()
    raw = statistics.median(runs["raw"])
    return {
        name: {
            "commands_per_s": round(statistics.median(values), 1),
            "ratio_vs_raw": round(statistics.median(values) / raw, 3),
        }
        for name, values in runs.items()
    }


def run(
    commands: int = 1000, log: Callable[[str], None] = print, rounds: int = 3
) -> dict[str, Any]:
    from api.composition import build_application

    with throwaway_database() as url:
        settings = bench_settings(url)
        app = build_application(settings)
        try:
            plan_ids = make_plans(app, 200)
            profiles = [profile_app(app, plan_ids, w, commands) for w in (1, 8)]
        finally:
            app.close()
        variants = {w: txn_variants(url, w, commands) for w in (1, 8)}
        steps = {w: ablation(settings, url, plan_ids, w, commands, rounds) for w in (1, 8)}
    for p in profiles:
        log(f"\nrecord_score, {p['writers']} writer(s): {p['commands_per_s']} commands/s")
        for phase, row in p["phases"].items():
            log(
                f"  {phase:36s} {row['ms_per_command']:8.3f} ms/cmd"
                f"  ({row['calls_per_command']} calls/cmd)"
            )
    log("\ninsert transaction variants (events/s):")
    for name in TXN_VARIANTS:
        log(f"  {name:36s} 1w {variants[1][name]:8.0f}   8w {variants[8][name]:8.0f}")
    log("\ngroup commit off and on (commands/s, median of rounds; ratio to raw same rounds):")
    for name in steps[1]:
        log(
            f"  {name:36s} 1w {steps[1][name]['commands_per_s']:8.0f} "
            f"({steps[1][name]['ratio_vs_raw']:.2f})   8w {steps[8][name]['commands_per_s']:8.0f} "
            f"({steps[8][name]['ratio_vs_raw']:.2f})"
        )
    return {"profiles": profiles, "transaction_variants": variants, "ablation": steps}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commands", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    result = run(args.commands, rounds=args.rounds)
    if args.json:
        import json

        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
