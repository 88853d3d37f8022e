"""FHIR export: the Bundle of a 1,000-event plan, and the bulk NDJSON export rate.

Bundle: a plan of `events` events (saved 100 at a time, as in production),
then `GET /plans/{id}/fhir`'s work without HTTP (`interop.export.bundle_bytes`:
load the plan as of a version, read its history, build the Bundle JSON) for
random versions, with the process's resource cache warm (each resource built
once, the steady state of a server) and, once per repetition, cold (every
resource built and validated by `fhir.resources`, every event decoded). The
server keeps decoded histories too (`HistoryCache`). Baseline, same run: the
reads alone (the plan as of that version and its history), no FHIR.

Bulk: `plans export --fhir` on the demo data set (`plans demo`), resources/s.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from bench.common import Figure, Spread, actor, bench_settings, percentile


def bench_fhir(
    url: str,
    *,
    reps: int,
    events: int,
    queries: int,
    demo_plans: int,
    log: Callable[[str], None],
) -> list[Figure]:
    from api.demo import CLINICS, load_demo
    from api.runtime import init_schema, open_application
    from bench.history import save_long_plan
    from interop.export import HistoryCache, bundle_bytes, export_bulk, plan_history
    from interop.fhir_json import ResourceCache

    settings = bench_settings(url)
    init_schema(settings)
    app = open_application(settings)
    by = actor()
    rng = random.Random(18)
    try:
        plan = save_long_plan(app, events, rng, by)
        plan_id = plan.id
        bundle = Figure(
            key="fhir_bundle",
            title=f"FHIR Bundle of a {plan.version}-event plan (warm cache), p99",
            unit="ms",
            higher_is_better=False,
            baseline=Spread(),
            baseline_name="the plan as of v and its history, no FHIR (p99)",
            goal="≤ 100 ms",
        )
        cold, p50 = Spread(), Spread()
        for _ in range(reps):
            cache, histories = ResourceCache(), HistoryCache(app)
            t0 = time.perf_counter()
            bundle_bytes(app, plan_id, by.clinic, cache=cache, histories=histories)
            cold.add((time.perf_counter() - t0) * 1000)
            versions = [plan.version] + [rng.randint(1, plan.version) for _ in range(queries)]
            for version in versions:  # warm the caches as a server would have
                bundle_bytes(app, plan_id, by.clinic, version, cache=cache, histories=histories)
            ours, raw = [], []
            for version in versions:
                t0 = time.perf_counter()
                bundle_bytes(app, plan_id, by.clinic, version, cache=cache, histories=histories)
                ours.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                app.get_plan(plan_id, by.clinic, version)
                plan_history(app, plan_id, version)
                raw.append((time.perf_counter() - t0) * 1000)
            bundle.ours.add(percentile(ours, 99))
            bundle.baseline.add(percentile(raw, 99))
            p50.add(percentile(ours, 50))
        bundle.goal_met = bundle.ours.median <= 100.0
        bundle.extra = {"p50_ms": p50.as_dict(), "cold_ms": cold.as_dict(), "queries": queries}
        log(
            f"fhir: bundle p50 {p50.median:.1f} / p99 {bundle.ours.median:.1f} ms warm, "
            f"{cold.median:.0f} ms cold"
        )

        bulk = Figure(
            key="fhir_bulk",
            title=f"FHIR bulk NDJSON export, demo data ({demo_plans} plans)",
            unit="resources/s",
        )
        load_demo(app, plans=demo_plans, today=date(2026, 1, 15))
        for _ in range(reps):
            total, seconds = 0, 0.0
            with tempfile.TemporaryDirectory(prefix="plans-fhir-") as out:
                for clinic in CLINICS:
                    t0 = time.perf_counter()
                    counts = export_bulk(app, clinic.id, Path(out) / clinic.id)
                    seconds += time.perf_counter() - t0
                    total += sum(counts.values())
            bulk.ours.add(total / seconds)
            bulk.extra["resources"] = total
        log(f"fhir: bulk export {bulk.ours.median:,.0f} resources/s")
        return [bundle, bulk]
    finally:
        app.close()
