"""`plans serve` with the proposals applied, for the HTTP figure's proposal row.

    PLANS_DATABASE_URL=... python -m bench.serve_proposal --port 8001

The same app (`api.app.create_app`, projections in process), with, by
subclassing and patching at start-up (src is not edited):
- the application: bench.groupcommit.BatchedPlansApplication (group commit,
  owned plan cache, in-memory snapshots, one-round-trip recorder, no pre-ping,
  followers woken once per batch);
- the access log: GroupAccessLog — entries of concurrent requests are written
  by one flusher in one transaction (still durable before the response);
"""

from __future__ import annotations

import argparse
import queue
import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class _Pending:
    params: tuple[Any, ...]
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


def group_access_log_class() -> type:
    from datetime import UTC, datetime

    from api.access_log import AccessLog

    class GroupAccessLog(AccessLog):
        """Proposal for api/access_log.py AccessLog.append: today every request
        pays its own durable INSERT transaction (a WAL flush each); here the
        entries waiting at the same moment share one transaction."""

        def __init__(self, datastore: Any, backend: str) -> None:
            super().__init__(datastore, backend)
            self._queue: queue.SimpleQueue[_Pending] = queue.SimpleQueue()
            self._flusher = threading.Thread(target=self._flush_loop, daemon=True)
            self._flusher.start()

        def append(self, entry: Any) -> None:
            if self.backend != "postgres":
                super().append(entry)
                return
            pending = _Pending(
                (
                    self._instant(datetime.now(tz=UTC)),
                    entry.actor,
                    entry.role,
                    entry.clinic,
                    entry.plan_id,
                    entry.action,
                    entry.outcome,
                )
            )
            self._queue.put(pending)
            pending.done.wait()
            if pending.error is not None:
                raise pending.error

        def _flush_loop(self) -> None:
            while True:
                batch = [self._queue.get()]
                while True:
                    try:
                        batch.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
                try:
                    with self.datastore.transaction(commit=True) as curs:
                        curs.executemany(self._insert, [p.params for p in batch])
                except BaseException as e:  # noqa: BLE001 - handed to each request
                    for p in batch:
                        p.error = e
                for p in batch:
                    p.done.set()

    return GroupAccessLog


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()

    import uvicorn

    import api.access_log
    import api.app
    from api.settings import load_settings
    from bench.groupcommit import open_batched_application

    api.app.open_application = open_batched_application  # type: ignore[assignment]
    api.access_log.AccessLog = group_access_log_class()  # type: ignore[misc]
    settings = load_settings()
    uvicorn.run(
        api.app.create_app(settings, projections=True),
        host=args.host,
        port=args.port,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
