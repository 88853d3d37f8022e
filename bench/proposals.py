"""A proposed change to src, prototyped here (src is not edited): the review
queue read in one round trip (`FastReviewQueue`), measured beside src's
`ReadModels.review_queue` by the queue figure.

Prototypes that src has since adopted (group commit, the one-statement
recorder) are gone: the figures measure src itself.
"""

from __future__ import annotations

from typing import Any

# --------------------------------------------------------------- review queue
QUEUE_IN_ONE = (
    "SELECT plan_id, client_id, clinician, next_review_due, next_review_due < %s AS overdue "
    "FROM {t} WHERE clinic = %s AND status <> 'closed' AND next_review_due <= %s "
    "ORDER BY next_review_due, plan_id"
)


class FastReviewQueue:
    """Proposal for ReadModels.review_queue (projections/readmodels.py, review_queue.py,
    store.py): ONE round trip instead of about twelve.

    Today a query costs: the registry lookup of the live generation, then two
    SELECTs, each in `Store.fetchall` = pool pre-ping + BEGIN + SELECT +
    ROLLBACK. Here: the live generation is cached for 0.5 s (a query that
    races a generation drop already retries after re-reading the registry),
    the pool does not pre-ping (the library retries a dropped connection), the
    read runs as one autocommit statement (a single SELECT needs no
    transaction block), prepared, and overdue and due-soon come from ONE index
    range scan (`next_review_due <= as_of + within`, flagged `< as_of`).
    """

    TTL = 0.5

    def __init__(self, env: Any) -> None:
        from projections.store import Store, construct_factory

        self.store = Store(construct_factory(env, POSTGRES_PRE_PING="n"))
        self._generation: tuple[int, float] = (0, 0.0)

    def close(self) -> None:
        self.store.close()

    def _table(self) -> str:
        import time

        from projections.catalog import tables_of

        generation, at = self._generation
        now = time.monotonic()
        if now - at > self.TTL:
            generation = self.store.live_generation("review_queue")
            self._generation = (generation, now)
        return tables_of(self.store, "review_queue", generation)["t"]

    def review_queue(self, clinic: str, as_of: Any, within_days: int) -> dict[str, list[Any]]:
        from datetime import timedelta

        from projections.review_queue import _item
        from projections.store import date_text

        day = date_text(as_of)
        until = date_text(as_of + timedelta(days=within_days))
        with self.store.datastore.get_connection() as conn:
            rows = conn.execute(
                QUEUE_IN_ONE.format(t=self._table()), (day, clinic, until), prepare=True
            ).fetchall()
        overdue, due_soon = [], []
        for row in rows:
            (overdue if row["overdue"] else due_soon).append(_item(row, as_of))
        return {"overdue": overdue, "due_soon": due_soon}
