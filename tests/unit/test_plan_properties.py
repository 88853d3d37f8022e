"""Property test: random valid command sequences keep the plan's invariants, and
replaying the stored events (with and without snapshots) gives the same state."""

from __future__ import annotations

import copy
from datetime import timedelta
from uuid import uuid4

from domain_support import CLINICIAN, POPO_ENV, REQUIRED, START, assert_refused, day, state
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from domain import errors
from domain.application import PlansApplication
from domain.documents import plan_document
from domain.instruments import INSTRUMENTS
from domain.plan import GOAL_STATUSES, SIGNER_ROLES, TERMINAL_GOAL_STATUSES, Plan

INSTRUMENT_CODES = sorted(INSTRUMENTS)
offsets = st.integers(min_value=0, max_value=400)


@st.composite
def goal_measures(draw, instrument=None):
    code = instrument or draw(st.sampled_from(INSTRUMENT_CODES))
    inst = INSTRUMENTS[code]
    baseline = draw(st.integers(inst.min_score + 1, inst.max_score))
    target = draw(st.integers(inst.min_score, baseline - 1))
    return {"instrument": code, "baseline": baseline, "target": target}


@st.composite
def scores(draw):
    """(instrument, total, item scores or None), always consistent."""
    code = draw(st.sampled_from(INSTRUMENT_CODES))
    inst = INSTRUMENTS[code]
    if inst.item_count and draw(st.booleans()):
        items = draw(
            st.lists(
                st.integers(inst.item_min, inst.item_max),
                min_size=inst.item_count,
                max_size=inst.item_count,
            )
        )
        return code, sum(items), items
    return code, draw(st.integers(inst.min_score, inst.max_score)), None


class PlanMachine(RuleBasedStateMachine):
    """Drives the aggregate directly and saves after every command, as the service does."""

    def __init__(self) -> None:
        super().__init__()
        self.app = PlansApplication(env={**POPO_ENV, "SNAPSHOT_INTERVAL": "4"})
        self.counter = 0
        self.policy_interval = 90
        self.closed = False
        self.history: dict[int, dict] = {}

    # ----------------------------------------------------------- helpers
    def next_id(self, kind: str) -> str:
        self.counter += 1
        return f"{kind}-{self.counter}"

    def save(self) -> None:
        self.app.save(self.plan)
        self.history[self.plan.version] = copy.deepcopy(state(self.plan))

    def open_problems(self) -> list[str]:
        return sorted(k for k, p in self.plan.problems.items() if p["status"] != "resolved")

    def live_goals(self) -> list[str]:
        return sorted(k for k, g in self.plan.goals.items() if g["status"] != "cancelled")

    def review_floor(self) -> int:
        last = self.plan.review["last_reviewed_on"]
        return 0 if last is None else (last - START).days

    def teardown(self) -> None:
        self.app.close()

    # ------------------------------------------------------------- rules
    # The policy (90 days here) is a ceiling on a plan's own interval.
    @initialize(interval=st.one_of(st.none(), st.integers(1, 90)))
    def create(self, interval):
        self.plan = Plan.create(
            plan_id=uuid4(),
            by=CLINICIAN,
            client_id="client-1",
            start_date=START,
            review_interval_days=interval,
            policy_interval_days=self.policy_interval,
            presenting_concerns=["low mood"],
            diagnoses=[{"code": "F33.1", "description": None}],
        )
        self.model_interval = interval or self.policy_interval
        self.model_follows = interval is None
        self.model_due = day(self.model_interval)
        self.save()

    @rule(days=st.integers(1, 365))
    def set_policy_interval(self, days):
        # The policy lives apart from the plan; only the next review sees it.
        self.policy_interval = days

    @precondition(lambda self: not self.closed)
    @rule(text=st.text(min_size=1, max_size=20).filter(str.strip))
    def add_problem(self, text):
        self.plan.add_problem(CLINICIAN, self.next_id("problem"), text)
        self.save()

    @precondition(lambda self: not self.closed and self.open_problems())
    @rule(data=st.data())
    def resolve_problem(self, data):
        problem_id = data.draw(st.sampled_from(self.open_problems()))

        def command():
            self.plan.resolve_problem(CLINICIAN, problem_id, "resolved")

        # A live goal never loses its last open problem (the golden thread).
        orphaned = any(
            g["status"] in ("active", "on-hold")
            and problem_id in g["problem_ids"]
            and all(
                p == problem_id or self.plan.problems[p]["status"] == "resolved"
                for p in g["problem_ids"]
            )
            for g in self.plan.goals.values()
        )
        if orphaned:
            assert_refused(self.plan, errors.DependantsActiveError, command)
            return
        command()
        self.save()

    @precondition(lambda self: not self.closed and self.open_problems())
    @rule(data=st.data(), measure=goal_measures(), target_day=offsets)
    def add_goal(self, data, measure, target_day):
        problems = data.draw(
            st.lists(st.sampled_from(self.open_problems()), min_size=1, max_size=3)
        )
        goal_id = self.next_id("goal")
        self.plan.add_goal(CLINICIAN, goal_id, problems, "goal", measure, day(target_day))
        self.save()

    @precondition(lambda self: not self.closed and self.live_goals())
    @rule(
        data=st.data(),
        target_day=st.one_of(st.none(), offsets),
        new_measure=st.booleans(),
        any_instrument=st.booleans(),
    )
    def revise_goal(self, data, target_day, new_measure, any_instrument):
        goal_id = data.draw(st.sampled_from(self.live_goals()))
        current = self.plan.goals[goal_id]["measure"]["instrument"]
        measure = None
        if new_measure or target_day is None:
            measure = data.draw(goal_measures(None if any_instrument else current))
        target_date = None if target_day is None else day(target_day)

        def command():
            self.plan.revise_goal(
                CLINICIAN, goal_id, "revised", measure=measure, target_date=target_date
            )

        linked = any(s["goal_id"] == goal_id for s in self.plan.scores)
        if measure is not None and measure["instrument"] != current and linked:
            assert_refused(self.plan, errors.GoldenThreadError, command)
            return
        command()
        self.save()

    @precondition(
        lambda self: (
            not self.closed
            and any(g["status"] not in TERMINAL_GOAL_STATUSES for g in self.plan.goals.values())
        )
    )
    @rule(data=st.data())
    def change_goal_status(self, data):
        open_goals = sorted(
            k for k, g in self.plan.goals.items() if g["status"] not in TERMINAL_GOAL_STATUSES
        )
        goal_id = data.draw(st.sampled_from(open_goals))
        current = self.plan.goals[goal_id]["status"]
        status = data.draw(st.sampled_from([s for s in GOAL_STATUSES if s != current]))

        def command():
            self.plan.change_goal_status(CLINICIAN, goal_id, status, "clinical judgement")

        # An active intervention never loses its last goal that is not cancelled.
        orphaned = status == "cancelled" and any(
            i["status"] == "active"
            and goal_id in i["goal_ids"]
            and all(
                g == goal_id or self.plan.goals[g]["status"] == "cancelled" for g in i["goal_ids"]
            )
            for i in self.plan.interventions.values()
        )
        if orphaned:
            assert_refused(self.plan, errors.DependantsActiveError, command)
            return
        command()
        self.save()

    @precondition(lambda self: not self.closed and self.live_goals())
    @rule(data=st.data(), target_day=st.one_of(st.none(), offsets))
    def add_objective(self, data, target_day):
        goal_id = data.draw(st.sampled_from(self.live_goals()))
        self.plan.add_objective(
            CLINICIAN,
            goal_id,
            self.next_id("objective"),
            "objective",
            None if target_day is None else day(target_day),
        )
        self.save()

    @precondition(lambda self: not self.closed and self.live_goals())
    @rule(data=st.data(), modality=st.sampled_from(["CBT", "BA", "DBT", "EMDR", "MI"]))
    def add_intervention(self, data, modality):
        goals = data.draw(st.lists(st.sampled_from(self.live_goals()), min_size=1, max_size=3))
        self.plan.add_intervention(CLINICIAN, self.next_id("intervention"), modality, goals)
        self.save()

    @precondition(
        lambda self: (
            not self.closed
            and any(i["status"] == "active" for i in self.plan.interventions.values())
        )
    )
    @rule(data=st.data())
    def discontinue_intervention(self, data):
        active = sorted(k for k, i in self.plan.interventions.items() if i["status"] == "active")
        self.plan.discontinue_intervention(CLINICIAN, data.draw(st.sampled_from(active)), "stop")
        self.save()

    @precondition(lambda self: not self.closed)
    @rule(
        every=st.integers(1, 12),
        unit=st.sampled_from(["day", "week", "month"]),
        minutes=st.integers(15, 240),
    )
    def change_frequency(self, every, unit, minutes):
        self.plan.change_frequency(CLINICIAN, every, unit, minutes)
        self.save()

    @precondition(lambda self: not self.closed)
    @rule(code=st.sampled_from(INSTRUMENT_CODES), every_days=st.integers(1, 365))
    def schedule_assessment(self, code, every_days):
        self.plan.schedule_assessment(CLINICIAN, code, every_days)
        self.save()

    @precondition(lambda self: not self.closed)
    @rule(data=st.data(), score=scores(), on=offsets, link=st.booleans())
    def record_score(self, data, score, on, link):
        code, total, items = score
        matching = sorted(
            k for k, g in self.plan.goals.items() if g["measure"]["instrument"] == code
        )
        goal_id = data.draw(st.sampled_from(matching)) if link and matching else None
        self.plan.record_score(
            CLINICIAN, self.next_id("score"), code, total, day(on), goal_id, items
        )
        recorded = self.plan.scores[-1]
        assert recorded["severity"] == INSTRUMENTS[code].severity(total)
        expected_flag = code == "PHQ-9" and items is not None and items[8] > 0
        assert recorded["safety_flag"] is expected_flag
        self.save()

    @precondition(lambda self: not self.closed)
    @rule(
        after=st.integers(0, 120),
        earlier_by=st.one_of(st.none(), st.integers(0, 365)),
        outcome=st.sampled_from(["continue", "revise", "discharge"]),
    )
    def review(self, after, earlier_by, outcome):
        reviewed_on = day(self.review_floor() + after)
        interval = (
            self.policy_interval
            if self.model_follows
            else min(self.model_interval, self.policy_interval)
        )
        latest = reviewed_on + timedelta(days=interval)
        due = None
        if earlier_by is not None:
            due = max(reviewed_on, latest - timedelta(days=earlier_by))
        self.plan.review_plan(
            CLINICIAN, reviewed_on, outcome, self.policy_interval, next_review_due=due
        )
        self.model_interval = interval
        self.model_due = due or latest
        self.save()

    @precondition(lambda self: not self.closed)
    @rule(days=st.integers(1, 365))
    def change_review_interval(self, days):
        self.plan.change_review_interval(CLINICIAN, days, "clinical judgement")
        since = self.plan.review["last_reviewed_on"] or START
        self.model_interval, self.model_follows = days, False
        self.model_due = since + timedelta(days=days)
        self.save()

    @precondition(lambda self: not self.closed)
    @rule(role=st.sampled_from(SIGNER_ROLES), on=offsets)
    def sign(self, role, on):
        duplicate = any(
            s["signer_role"] == role and s["version"] >= self.plan.content_version
            for s in self.plan.signatures
        )
        command = lambda: self.plan.sign(CLINICIAN, role, day(on), REQUIRED, None)  # noqa: E731
        # Content changed after activation (recorded today): a renewing
        # signature dated before that day is refused.
        backdated = self.plan.last_change_on is not None and day(on) < self.plan.last_change_on
        if duplicate or backdated:
            assert_refused(self.plan, errors.SignatureError, command)
            return
        version = self.plan.version
        command()
        assert self.plan.signatures[-1]["version"] == version
        self.save()

    @precondition(lambda self: not self.closed)
    @rule(on=offsets)
    def close(self, on):
        def command():
            self.plan.close(CLINICIAN, max(day(on), START), "discharged")

        if any(f["status"] == "open" for f in self.plan.safety_flags.values()):
            assert_refused(self.plan, errors.DependantsActiveError, command)
            return
        command()
        self.closed = True
        self.save()

    @precondition(
        lambda self: (
            not self.closed and any(f["status"] == "open" for f in self.plan.safety_flags.values())
        )
    )
    @rule(data=st.data(), action=st.sampled_from(["risk-assessed", "referred"]))
    def acknowledge_safety_flag(self, data, action):
        open_flags = sorted(k for k, f in self.plan.safety_flags.items() if f["status"] == "open")
        flag_id = data.draw(st.sampled_from(open_flags))
        raised_on = self.plan.safety_flags[flag_id]["raised_on"]
        self.plan.acknowledge_safety_flag(CLINICIAN, flag_id, action, "followed up", raised_on)
        assert self.plan.safety_flags[flag_id]["status"] == "acknowledged"
        self.save()

    @precondition(lambda self: not self.closed)
    @rule(data=st.data())
    def invalid_command_is_refused(self, data):
        plan = self.plan
        choice = data.draw(st.integers(0, 5))
        if choice == 0:
            call = lambda: plan.add_goal(  # noqa: E731
                CLINICIAN, "g-x", ["no-such-problem"], "x", {"instrument": "PHQ-9",
                "baseline": 10, "target": 5}, day(1)
            )  # fmt: skip
            error = errors.GoldenThreadError
        elif choice == 1:
            call = lambda: plan.record_score(CLINICIAN, "s-x", "PHQ-9", 28, day(1))  # noqa: E731
            error = errors.ScoreOutOfRangeError
        elif choice == 2:
            call = lambda: plan.change_frequency(CLINICIAN, 0, "week", 50)  # noqa: E731
            error = errors.InvalidFrequencyError
        elif choice == 3:
            call = lambda: plan.add_intervention(CLINICIAN, "i-x", "CBT", ["no-goal"])  # noqa: E731
            error = errors.GoldenThreadError
        elif choice == 4:
            floor = self.review_floor()
            if floor == 0:
                return
            call = lambda: plan.review_plan(  # noqa: E731
                CLINICIAN, day(floor - 1), "continue", self.policy_interval
            )
            error = errors.ReviewOutOfOrderError
        else:
            call = lambda: plan.record_score(CLINICIAN, "s-x", "GAD-7", 3, day(-1))  # noqa: E731
            error = errors.DateBeforeStartError
        assert_refused(plan, error, call)

    @precondition(lambda self: self.closed)
    @rule(data=st.data())
    def closed_plan_refuses(self, data):
        plan = self.plan
        commands = [
            lambda: plan.add_problem(CLINICIAN, "p-x", "x"),
            lambda: plan.change_frequency(CLINICIAN, 1, "week", 50),
            lambda: plan.review_plan(CLINICIAN, day(500), "continue", 90),
            lambda: plan.sign(CLINICIAN, "client", day(500), REQUIRED, None),
            lambda: plan.close(CLINICIAN, day(500), "again"),
            lambda: plan.change_review_interval(CLINICIAN, 30, "x"),
        ]
        assert_refused(plan, errors.PlanClosedError, data.draw(st.sampled_from(commands)))

    # -------------------------------------------------------- invariants
    @invariant()
    def versions_are_contiguous(self):
        stored = [e.originator_version for e in self.app.events.get(self.plan.id)]
        assert stored == list(range(1, self.plan.version + 1))
        assert not self.plan.pending_events
        assert 1 <= self.plan.content_version <= self.plan.version

    @invariant()
    def golden_thread_holds(self):
        plan = self.plan
        for goal in plan.goals.values():
            assert goal["problem_ids"]
            assert set(goal["problem_ids"]) <= set(plan.problems)
            assert goal["target_date"] >= plan.start_date
            measure = goal["measure"]
            assert INSTRUMENTS[measure["instrument"]].is_improvement(
                measure["baseline"], measure["target"]
            )
        for intervention in plan.interventions.values():
            assert intervention["goal_ids"]
            assert set(intervention["goal_ids"]) <= set(plan.goals)
        for score in plan.scores:
            assert score["administered_on"] >= plan.start_date
            if score["goal_id"] is not None:
                goal = plan.goals[score["goal_id"]]
                assert goal["measure"]["instrument"] == score["instrument"]

    @invariant()
    def status_follows_signatures_and_closure(self):
        plan = self.plan
        signed = {s["signer_role"] for s in plan.signatures}
        if self.closed:
            assert plan.status == "closed" and plan.closed_on is not None
        else:
            assert plan.closed_on is None
            assert plan.status == ("active" if set(REQUIRED) <= signed else "draft")
        for s in plan.signatures:
            assert s["version"] < plan.version

    @invariant()
    def next_review_due_is_consistent(self):
        review = self.plan.review
        assert review["next_review_due"] == self.model_due
        assert review["interval_days"] == self.model_interval
        assert review["follows_policy"] is self.model_follows
        last = review["last_reviewed_on"] or START
        assert last <= review["next_review_due"] <= last + timedelta(days=review["interval_days"])

    @invariant()
    def replay_gives_the_same_state(self):
        plan_id = self.plan.id
        expected = state(self.plan)
        folded = None
        for event in self.app.events.get(plan_id):
            folded = event.mutate(folded)
        assert state(folded) == expected
        assert state(self.app.repository.get(plan_id)) == expected  # via snapshots
        assert plan_document(folded) == plan_document(self.plan)
        # an earlier version, read from the newest snapshot at or below it
        version = max(1, self.plan.version - 3)
        assert state(self.app.repository.get(plan_id, version=version)) == self.history[version]


PlanMachine.TestCase.settings = settings(
    max_examples=50,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestPlanProperties = PlanMachine.TestCase
