"""`plans rebuild --jobs N`: N builder processes, each with a share of the plans.

The rebuilding process forks its builders first, before it opens a connection
of its own for the rebuild; a builder never touches a connection it inherited:
it opens its own application and leaves through `os._exit` (multiprocessing's
fork start), so no inherited socket is ever written to or closed by a child.

The rebuilding process then creates and holds the new generations (locks,
tables), notes the head of the log, and hands each builder the generations,
that head and its share: the plans whose id hashes to it. A plan's events all
fall in one share, so every builder replays its plans whole and in order and
builds every read model's rows for them, exactly as one process would; the
shares split the reading, the decoding and the rows between the processes
(unlike a split by read model, where each process read and decoded the whole
log). Once all of them reached the head, the rebuilding process records that
position in each generation's tracking and reads what was written since.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
from collections.abc import Mapping
from typing import Any

from projections.base import Share

Progress = Any  # runner.Progress (not imported here: runner imports this module lazily)


def _builder(
    env: dict[str, str],
    index: int,
    count: int,
    batch_size: int,
    inbox: Any,
    out: Any,
) -> None:
    work = inbox.get()
    if work is None:  # the rebuild stopped before handing out any work
        return
    generations, upto = work
    from domain.application import PlansApplication
    from eventstore.utc import utc_today
    from projections.runner import fill_share

    share = Share(index, count, upto)

    def progress(name: str, position: int, head: int, rate: float) -> None:
        out.put(("progress", (index, name, position)))

    # The application only reads the log (two connections: the reader and its
    # read-ahead); the default pool would start `pool_size` backends per builder.
    env = {**env, "POSTGRES_POOL_SIZE": "2", "POSTGRES_MAX_OVERFLOW": "2"}
    try:
        app = PlansApplication(env=env, today=utc_today)
        try:
            events = fill_share(env, app, generations, share, progress, batch_size=batch_size)
        finally:
            app.close()
        out.put(("done", events))
    except BaseException as e:  # noqa: BLE001 - reported to the parent, by type only
        out.put(("error", type(e).__name__))


class Builders:
    """Builder processes, forked at once and idle until `fill` hands them work."""

    def __init__(self, env: Mapping[str, str], jobs: int, batch_size: int):
        context = multiprocessing.get_context("fork")
        self.out = context.Queue()
        self.inboxes = [context.Queue() for _ in range(jobs)]
        self.processes = [
            context.Process(
                target=_builder,
                args=(dict(env), index, jobs, batch_size, inbox, self.out),
                name=f"rebuild-share-{index + 1}-of-{jobs}",
                daemon=True,
            )
            for index, inbox in enumerate(self.inboxes)
        ]
        for p in self.processes:
            p.start()
        self.handed_out = False

    def fill(self, generations: Mapping[str, int], upto: int, progress: Progress = None) -> int:
        """Every builder fills its share of `generations` up to position `upto`; the
        log events they read together (each once). Raises when any of them failed."""
        self.handed_out = True
        for inbox in self.inboxes:
            inbox.put((dict(generations), upto))
        reached: dict[tuple[int, str], int] = {}
        started = time.perf_counter()
        events = 0
        failures: list[str] = []
        finished = 0
        while finished < len(self.processes):
            try:
                kind, payload = self.out.get(timeout=1.0)
            except queue.Empty:
                if all(not p.is_alive() for p in self.processes):
                    failures.append("a builder process died")
                    break
                continue
            if kind == "progress":
                index, name, position = payload
                reached[(index, name)] = position
                if progress is not None:
                    behind = min(reached.get((i, name), 0) for i in range(len(self.processes)))
                    rate = behind / max(time.perf_counter() - started, 1e-9)
                    progress(name, behind, upto, rate)
                continue
            finished += 1
            if kind == "done":
                events += int(payload)
            else:
                failures.append(str(payload))
        if failures:
            raise RuntimeError(f"rebuild failed in a builder process: {failures[0]}")
        return events

    def close(self) -> None:
        if not self.handed_out:
            for inbox in self.inboxes:
                inbox.put(None)
        for p in self.processes:
            p.join(10)
            if p.is_alive():
                p.terminate()
                p.join(5)
