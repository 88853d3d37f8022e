"""The write path's engine on its own: group commit, plan cache, snapshots from memory."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from uuid import UUID, uuid4

import pytest
from domain_support import CLINICIAN, POPO_ENV, START, add_problem, new_plan
from eventsourcing.persistence import IntegrityError

from domain.application import PlansApplication
from domain.group_commit import GroupCommitter, PlanCache


class FakeStore:
    """`put` for the committer: records each transaction; can hold or fail one."""

    def __init__(self) -> None:
        self.transactions: list[list[str]] = []
        self.hold = threading.Event()
        self.hold.set()
        self.entered = threading.Event()
        self.clash: set[str] = set()
        self.fail: BaseException | None = None

    def put(self, events: list[str]) -> list[str]:
        self.entered.set()
        self.hold.wait(timeout=30)
        if self.fail is not None:
            raise self.fail
        if len(events) > 1 and self.clash & set(events):
            raise IntegrityError("two saves of one version")
        if len(events) == 1 and events[0] in self.clash:
            raise IntegrityError("two saves of one version")
        self.transactions.append(list(events))
        return [f"recorded {e}" for e in events]


@dataclass
class Outcome:
    recordings: list[str] | None = None
    error: BaseException | None = None


def submit_in_thread(
    committer: GroupCommitter, events: list[str]
) -> tuple[threading.Thread, Outcome]:
    outcome = Outcome()

    def run() -> None:
        try:
            outcome.recordings = committer.submit(events)
        except BaseException as e:  # noqa: BLE001
            outcome.error = e

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def queued(committer: GroupCommitter, n: int) -> None:
    """Wait until n saves wait in the committer's queue."""
    for _ in range(10_000):
        if committer._queue.qsize() >= n:  # noqa: SLF001
            return
        threading.Event().wait(0.001)
    raise AssertionError(f"{n} saves never queued")


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def committer(store: FakeStore):
    engine = GroupCommitter(store.put)
    yield engine
    store.hold.set()
    engine.close(late_error=RuntimeError("closing"))


def test_a_lone_save_is_committed_and_gets_its_recordings(committer, store):
    assert committer.submit(["a1", "a2"]) == ["recorded a1", "recorded a2"]
    assert store.transactions == [["a1", "a2"]]


def test_saves_queued_during_a_commit_share_the_next_transaction(committer, store):
    store.hold.clear()
    first, first_outcome = submit_in_thread(committer, ["a1"])
    store.entered.wait(timeout=30)
    others = [submit_in_thread(committer, [f"{name}1", f"{name}2"]) for name in "bcd"]
    queued(committer, 3)
    store.hold.set()
    for thread, _ in [(first, first_outcome), *others]:
        thread.join(timeout=30)

    assert store.transactions[0] == ["a1"]
    assert len(store.transactions) == 2
    assert committer.stats() == (2, 4, 3)
    assert sorted(store.transactions[1]) == ["b1", "b2", "c1", "c2", "d1", "d2"]
    assert first_outcome.recordings == ["recorded a1"]
    for name, (_, outcome) in zip("bcd", others, strict=True):
        assert outcome.error is None
        assert outcome.recordings == [f"recorded {name}1", f"recorded {name}2"]


def test_a_clash_in_a_batch_fails_only_the_clashing_save(committer, store):
    store.hold.clear()
    blocker, _ = submit_in_thread(committer, ["a1"])
    store.entered.wait(timeout=30)
    store.clash = {"c1"}
    saves = {name: submit_in_thread(committer, [f"{name}1"]) for name in "bcd"}
    queued(committer, 3)
    store.hold.set()
    blocker.join(timeout=30)
    for thread, _ in saves.values():
        thread.join(timeout=30)

    assert isinstance(saves["c"][1].error, IntegrityError)
    assert saves["b"][1].recordings == ["recorded b1"]
    assert saves["d"][1].recordings == ["recorded d1"]
    assert ["c1"] not in store.transactions


def test_any_other_failure_reaches_every_save_of_the_batch(committer, store):
    store.fail = ConnectionError("database went away")
    with pytest.raises(ConnectionError):
        committer.submit(["a1"])
    store.fail = None
    assert committer.submit(["b1"]) == ["recorded b1"]


def test_a_save_whose_waiter_went_away_does_not_stop_the_committer(committer, store):
    store.hold.clear()
    blocker, _ = submit_in_thread(committer, ["a1"])
    store.entered.wait(timeout=30)
    gone = committer.submit_later(["b1"])
    queued(committer, 1)
    assert gone.cancel()  # what asyncio.wrap_future does when its request is cancelled
    store.hold.set()
    blocker.join(timeout=30)
    assert committer.submit(["c1"]) == ["recorded c1"]
    assert any("b1" in t for t in store.transactions)  # committed all the same


def test_close_commits_what_is_queued_and_stops(store):
    engine = GroupCommitter(store.put)
    assert engine.submit(["a1"]) == ["recorded a1"]
    engine.close(late_error=RuntimeError("closing"))
    engine.close(late_error=RuntimeError("closing"))  # twice is harmless
    assert store.transactions == [["a1"]]


def test_deciding_nests_and_is_given_back_after_the_commit(committer):
    with committer.deciding(), committer.deciding():
        assert committer._deciding == 1  # noqa: SLF001
        committer.submit(["a1"])
        assert committer._deciding == 1  # noqa: SLF001
    assert committer._deciding == 0  # noqa: SLF001


@dataclass
class Thing:
    id: UUID
    version: int


def test_the_cache_hands_a_plan_to_one_command_at_a_time():
    cache: PlanCache[Thing] = PlanCache()  # type: ignore[type-var]
    thing = Thing(uuid4(), 3)
    cache.keep(thing)
    assert cache.take(thing.id) is thing
    assert cache.take(thing.id) is None


def test_the_cache_never_replaces_a_plan_with_an_older_one():
    cache: PlanCache[Thing] = PlanCache()  # type: ignore[type-var]
    newer = Thing(uuid4(), 5)
    older = Thing(newer.id, 4)
    cache.keep(newer)
    cache.keep(older)
    assert cache.take(newer.id) is newer


def test_the_cache_drops_the_least_recently_kept_plan_when_full():
    cache: PlanCache[Thing] = PlanCache(size=2)  # type: ignore[type-var]
    a, b, c = (Thing(uuid4(), 1) for _ in range(3))
    for thing in (a, b, c):
        cache.keep(thing)
    assert len(cache) == 2
    assert cache.take(a.id) is None
    assert cache.take(b.id) is b and cache.take(c.id) is c


def test_snapshots_are_taken_from_the_saved_plan_at_each_interval():
    app = PlansApplication(env={**POPO_ENV, "SNAPSHOT_INTERVAL": "2"})
    try:
        plan = new_plan(start=START, by=CLINICIAN)
        add_problem(plan)
        add_problem(plan)
        app.save(plan)
        assert app.snapshots is not None
        snapshots = app.snapshots.get(plan.id)
        assert [s.originator_version for s in snapshots] == [2]
        restored = app.repository.get(plan.id)
        assert restored.version == 3 and len(restored.problems) == 2
    finally:
        app.close()
