"""A realistic, deterministic demo data set, loaded through the application service.

Three clinics with different review policies; about 300 plans started over the
last twelve months, each with problems, SMART goals on PHQ-9 / GAD-7 / PCL-5,
objectives, interventions, frequency changes, monthly scores (most improve,
some worsen; some PHQ-9s positive on item 9, their flags acknowledged on time,
late, or still open; a few scores entered in error and corrected), strengths,
barriers, discharge criteria and safety plans, reviews (some late, some
missed, so today's review queue has overdue and due-soon plans), signatures,
and some closed plans.

Every change is a `PlansApplication` command, so every domain rule applies.
Each command carries a command id derived from the seed, the plan's index and
its step, so a second run replays instead of recording: it records nothing new.
Business dates are relative to an anchor day (today on the first run; on later
runs the anchor the first run used, read back from plan 0), so a second run
replays the exact same calendar.

All names and identifiers are fictitious.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast
from uuid import UUID

from domain import errors
from domain.application import CommandResult, PlansApplication
from domain.commands import (
    AcknowledgeSafetyFlag,
    AddDiagnosis,
    AddGoal,
    AddIntervention,
    AddObjective,
    AddProblem,
    AssignClinician,
    ChangeFrequency,
    ChangeGoalStatus,
    ClosePlan,
    CreatePlan,
    DiscontinueIntervention,
    MarkScoreEnteredInError,
    PlanCommand,
    RecordBarrier,
    RecordScore,
    RecordStrength,
    ResolveProblem,
    ReviewPlan,
    ReviseGoal,
    ScheduleAssessment,
    SetDischargeCriteria,
    SetReviewPolicy,
    SignPlan,
    UpdateSafetyPlan,
)
from domain.instruments import POSITIVE, safety_screen
from domain.plan import Actor, flag_id_for, recorded_outcome

Progress = Callable[[int, int, int], None]  # (plans done, plans total, events recorded)
DEFAULT_PLANS = 300
DEFAULT_SEED = 20240


@dataclass(frozen=True)
class Clinic:
    id: str
    review_interval_days: int
    due_soon_days: int
    required_signers: tuple[str, ...]
    clinicians: tuple[str, ...]
    supervisor: str
    weight: float


CLINICS = (
    Clinic("northside-counseling", 90, 14, ("clinician", "client"),
           ("a.okafor", "m.lindqvist", "r.patel", "s.nakamura"), "j.haddad", 0.40),
    Clinic("riverside-behavioral", 30, 7, ("clinician", "client"),
           ("d.moreau", "k.osei", "l.fernandez"), "t.brennan", 0.35),
    Clinic("harbor-trauma-center", 180, 21, ("clinician", "client", "supervisor"),
           ("e.kowalski", "n.adeyemi", "p.sato"), "c.whitfield", 0.25),
)  # fmt: skip


@dataclass(frozen=True)
class Condition:
    diagnosis: tuple[str, str]
    instrument: str
    baseline: tuple[int, int]
    concerns: tuple[str, ...]
    problems: tuple[str, ...]
    interventions: tuple[str, ...]
    secondary: tuple[tuple[str, str], ...] = ()


CONDITIONS = (
    Condition(("F33.1", "Major depressive disorder, recurrent, moderate"), "PHQ-9", (13, 22),
              ("Low mood most days for several months", "Withdrawn from friends and family",
               "Poor sleep and low energy", "Difficulty keeping up at work"),
              ("Persistent depressed mood", "Social withdrawal", "Sleep disturbance"),
              ("CBT", "Behavioral activation", "Mindfulness"),
              (("F41.1", "Generalized anxiety disorder"),)),
    Condition(("F32.1", "Major depressive disorder, single episode, moderate"), "PHQ-9", (11, 19),
              ("Low mood since a job loss", "Loss of interest in hobbies",
               "Trouble concentrating"),
              ("Depressed mood after job loss", "Anhedonia", "Low self-worth"),
              ("Behavioral activation", "CBT", "Motivational interviewing")),
    Condition(("F41.1", "Generalized anxiety disorder"), "GAD-7", (10, 19),
              ("Constant worry about health and finances", "Muscle tension and restlessness",
               "Difficulty falling asleep"),
              ("Excessive worry", "Somatic tension", "Avoidance of uncertainty"),
              ("CBT", "Mindfulness", "DBT skills"),
              (("F33.1", "Major depressive disorder, recurrent, moderate"),)),
    Condition(("F43.10", "Post-traumatic stress disorder, unspecified"), "PCL-5", (38, 64),
              ("Intrusive memories of a road traffic accident", "Avoids driving",
               "Nightmares and hypervigilance"),
              ("Intrusive re-experiencing", "Avoidance of trauma reminders", "Hyperarousal"),
              ("EMDR", "Exposure therapy", "CBT"),
              (("F32.1", "Major depressive disorder, single episode, moderate"),)),
    Condition(("F40.10", "Social phobia, unspecified"), "GAD-7", (10, 18),
              ("Fear of speaking in meetings", "Avoids social events",
               "Physical anxiety in groups"),
              ("Social avoidance", "Anticipatory anxiety", "Negative self-evaluation"),
              ("Exposure therapy", "CBT", "Mindfulness")),
)  # fmt: skip

OBJECTIVES = {
    "PHQ-9": ("Schedule three pleasant activities each week",
              "Keep a daily mood and activity log", "Walk 20 minutes on five days a week",
              "Contact one friend or family member weekly"),
    "GAD-7": ("Practise diaphragmatic breathing daily", "Use a worry period of 15 minutes",
              "Complete a thought record when worry exceeds 6/10",
              "Reduce reassurance seeking to once a day"),
    "PCL-5": ("Complete the trauma narrative", "Drive a short familiar route twice a week",
              "Use grounding skills during flashbacks", "Sleep at least six hours on most nights"),
}  # fmt: skip
CLIENT_NAMES = (
    "J. Rivera", "A. Chen", "M. Dubois", "S. Ibrahim", "L. Novak", "T. Mensah",
    "R. Silva", "K. Larsen", "D. Kaur", "E. Murphy", "H. Tanaka", "P. Rossi",
)  # fmt: skip
CLIENT_SIGNATURE = "Client signed the plan in session"
STRENGTHS = (
    "Supportive partner", "Stable employment", "Motivated for change", "Regular exercise",
    "Close friendship network", "Insight into triggers", "Engaged in faith community",
)  # fmt: skip
BARRIERS = (
    "Shift work limits session times", "Transport to the clinic", "Childcare",
    "Limited insurance coverage", "Ambivalence about medication", "Unstable housing",
)  # fmt: skip
DISCHARGE_CRITERIA = {
    "PHQ-9": ("PHQ-9 below 5 on two assessments a month apart",
              "Back to usual work and social routine", "Relapse-prevention plan written"),
    "GAD-7": ("GAD-7 below 5 on two assessments a month apart",
              "Worry no longer interferes with work", "Relapse-prevention plan written"),
    "PCL-5": ("PCL-5 at least 10 points below baseline", "Sleeping six hours on most nights",
              "Driving familiar routes without avoidance"),
}  # fmt: skip
# How a positive item 9 was followed up, and how reliably (the rest: late).
FLAG_FOLLOW_UP = (
    ("risk-assessed", "C-SSRS screen in session: passive ideation, no plan or intent"),
    ("safety-plan-updated", "Stanley-Brown safety plan reviewed with the client"),
    ("referred", "Referred to the crisis team for same-week assessment"),
)
SAFETY_PLAN = {
    "warning_signs": ["Not sleeping", "Withdrawing from friends", "Thoughts of being a burden"],
    "coping_strategies": ["Walk outside for 20 minutes", "Paced breathing", "Music playlist"],
    "social_contacts": ["Sister (evenings)", "Coffee with a neighbour"],
    "professional_contacts": ["Treating clinician, clinic line", "988 Suicide & Crisis Lifeline"],
    "means_safety": ["Medication kept by partner"],
    "reasons_for_living": ["Children", "Dog"],
}
CLOSE_CODES = {
    "Treatment goals met; discharged to primary care follow-up": "completed",
    "Client moved out of the area; records transferred": "transferred",
    "Referred to a higher level of care": "transferred",
}


@dataclass
class DemoSummary:
    plans: int = 0
    commands: int = 0
    recorded: int = 0
    replayed: int = 0
    closed: int = 0
    draft: int = 0
    anchor: date = field(default_factory=date.today)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "clinics": len(CLINICS),
            "plans": self.plans,
            "commands": self.commands,
            "recorded": self.recorded,
            "replayed": self.replayed,
            "closed": self.closed,
            "draft": self.draft,
            "anchor": self.anchor.isoformat(),
            "seconds": round(self.seconds, 2),
        }


def load_demo(
    app: PlansApplication,
    progress: Progress | None = None,
    *,
    plans: int = DEFAULT_PLANS,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
) -> dict[str, Any]:
    """Load the demo data set (or replay it, recording nothing) and summarise it."""
    started = time.perf_counter()
    anchor = today or previous_anchor(app, seed) or date.today()
    summary = DemoSummary(anchor=anchor)
    for clinic in CLINICS:
        _set_policies(app, clinic, seed, summary)
    for index in range(plans):
        PlanScript(app, seed, index, anchor, summary).run()
        summary.plans += 1
        if progress:
            progress(index + 1, plans, summary.recorded)
    summary.seconds = time.perf_counter() - started
    return summary.as_dict()


def previous_anchor(app: PlansApplication, seed: int) -> date | None:
    """The anchor day an earlier run used, read back from its plan 0 (or None)."""
    rng = random.Random(f"{seed}:0")
    clinic, age = _clinic_and_age(rng)
    plan_id = app.keyed_plan_id(clinic.id, _command_id(seed, 0, 0))
    if plan_id is None:
        return None
    try:
        plan = app.get_plan(plan_id, clinic.id, version=1)
    except errors.NotFoundError:
        return None
    return plan.start_date + timedelta(days=age)


def _set_policies(app: PlansApplication, clinic: Clinic, seed: int, summary: DemoSummary) -> None:
    by = Actor(clinic.supervisor, "supervisor", clinic.id)
    terms = [(clinic.review_interval_days, clinic.due_soon_days, clinic.required_signers)]
    if clinic.review_interval_days == 30:
        # Riverside tightened its policy: the policy's own history shows both.
        terms.insert(0, (45, 7, clinic.required_signers))
    for step, (interval, soon, signers) in enumerate(terms):
        command_id = f"demo:{seed}:policy:{clinic.id}:{step}"
        result = app.set_review_policy(
            Actor(by.user, by.role, by.clinic, command_id, _hash(command_id, interval, soon)),
            SetReviewPolicy(
                review_interval_days=interval,
                due_soon_days=soon,
                required_signers=signers,
                reason="Clinic review policy adopted by the clinical governance committee",
            ),
        )
        _count(summary, result)


def _count(summary: DemoSummary, result: CommandResult) -> None:
    summary.commands += 1
    if result.replayed:
        summary.replayed += 1
    else:
        summary.recorded += 1


def _command_id(seed: int, index: int, step: int) -> str:
    return f"demo:{seed}:{index:05d}:{step:03d}"


def _hash(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _clinic_and_age(rng: random.Random) -> tuple[Clinic, int]:
    clinic = rng.choices(CLINICS, weights=[c.weight for c in CLINICS])[0]
    return clinic, rng.randint(0, 364)


# The script names its commands as it always did: the names are part of the
# idempotency keys' request hashes, so a re-run recognises an earlier run's plans.
SCRIPT_COMMANDS: dict[str, type[PlanCommand]] = {
    "add_problem": AddProblem,
    "add_goal": AddGoal,
    "add_objective": AddObjective,
    "add_intervention": AddIntervention,
    "change_frequency": ChangeFrequency,
    "schedule_assessment": ScheduleAssessment,
    "record_strength": RecordStrength,
    "record_barrier": RecordBarrier,
    "set_discharge_criteria": SetDischargeCriteria,
    "update_safety_plan": UpdateSafetyPlan,
    "acknowledge_safety_flag": AcknowledgeSafetyFlag,
    "sign_plan": SignPlan,
    "record_score": RecordScore,
    "mark_score_entered_in_error": MarkScoreEnteredInError,
    "change_goal_status": ChangeGoalStatus,
    "resolve_problem": ResolveProblem,
    "review_plan": ReviewPlan,
    "assign_clinician": AssignClinician,
    "close_plan": ClosePlan,
    "discontinue_intervention": DiscontinueIntervention,
    "revise_goal": ReviseGoal,
    "add_diagnosis": AddDiagnosis,
}


class PlanScript:
    """One plan's life, simulated day by day from its start up to the anchor day."""

    def __init__(
        self, app: PlansApplication, seed: int, index: int, today: date, summary: DemoSummary
    ) -> None:
        self.app, self.seed, self.index, self.today, self.summary = app, seed, index, today, summary
        self.rng = random.Random(f"{seed}:{index}")
        self.clinic, age = _clinic_and_age(self.rng)
        self.start = today - timedelta(days=age)
        self.clinician = self.rng.choice(self.clinic.clinicians)
        self.condition = self.rng.choice(CONDITIONS)
        self.step = 0
        self.version = 0
        self.revisions = 0
        self.added_diagnosis = False
        self.plan_id: UUID | None = None
        self.closed = False
        self.recorded: dict[str, dict[str, Any]] = {}
        # Safety and person-centred content draw from their own stream, so the
        # rest of the data set stays what it was before they were added.
        self.care_rng = random.Random(f"{seed}:{index}:care")
        self.open_flags: list[tuple[str, date]] = []
        self.safety_plan = False
        self._load_earlier_run()

    def _load_earlier_run(self) -> None:
        plan_id = self.app.keyed_plan_id(self.clinic.id, _command_id(self.seed, self.index, 0))
        if plan_id is None:
            return
        try:
            plan = self.app.get_plan(plan_id, self.clinic.id)
        except errors.NotFoundError:
            return
        self.plan_id = plan.id
        self.recorded = dict(plan.commands)

    # ------------------------------------------------------------ plumbing
    def do(self, command: str, *, role: str = "clinician", **kwargs: Any) -> CommandResult:
        user = self.clinic.supervisor if role == "supervisor" else self.clinician
        command_id = _command_id(self.seed, self.index, self.step)
        self.step += 1
        by = Actor(user, role, self.clinic.id, command_id, _hash(command, sorted(kwargs.items())))
        if command_id in self.recorded:
            # An earlier run recorded this command: the plan answers as a retry
            # would (same rules as PlansApplication.execute), without a reload.
            outcome = recorded_outcome(self.recorded, command_id, by.request_hash) or {}
            result = CommandResult(
                cast(UUID, self.plan_id), outcome["version"], None, outcome["result"], True
            )
            _count(self.summary, result)
            self.version = result.version
            return result
        if self.plan_id is None:
            result = self.app.create_plan(by, CreatePlan(**kwargs))
            self.plan_id = result.plan_id
        else:
            result = self.app.handle(self.plan_id, by, SCRIPT_COMMANDS[command](**kwargs))
        _count(self.summary, result)
        self.version = result.version
        return result

    def day(self, offset: int) -> date:
        return min(self.start + timedelta(days=offset), self.today)

    # ------------------------------------------------------------- the plan
    def run(self) -> None:
        rng, cond = self.rng, self.condition
        diagnoses = [{"code": cond.diagnosis[0], "description": cond.diagnosis[1]}]
        if cond.secondary and rng.random() < 0.3:
            code, description = rng.choice(cond.secondary)
            diagnoses.append({"code": code, "description": description})
        self.diagnosis_codes = {d["code"] for d in diagnoses}
        own_interval = rng.choice((60, 120)) if rng.random() < 0.1 else None
        if own_interval is not None:
            # The clinic's policy is a ceiling on a plan's own interval.
            own_interval = min(own_interval, self.clinic.review_interval_days)
        self.interval = own_interval or self.clinic.review_interval_days
        self.do(
            "create_plan",
            client_id=f"MRN{(self.index * 7919 + 104729) % 9_000_000 + 1_000_000}",
            start_date=self.start,
            presenting_concerns=rng.sample(cond.concerns, k=2),
            diagnoses=diagnoses,
            review_interval_days=own_interval,
            reason="Initial treatment plan after intake assessment",
        )
        self.goals = self.set_up()
        self.sign_initial()
        self.follow_up()
        if self.closed:
            self.summary.closed += 1
        else:
            self.keep_compliance()

    def set_up(self) -> list[dict[str, Any]]:
        rng, cond, inst = self.rng, self.condition, self.condition.instrument
        problem_ids = [
            self.do("add_problem", description=text).result["problem_id"]
            for text in rng.sample(cond.problems, k=rng.randint(1, 3))
        ]
        baseline = rng.randint(*cond.baseline)
        target = max(baseline // 2, 4 if inst != "PCL-5" else 24)
        target_weeks = rng.choice((12, 16, 24))
        goal_id = self.do(
            "add_goal",
            problem_ids=problem_ids[:2],
            statement=(
                f"Reduce {inst} total from {baseline} to {target} or below "
                f"within {target_weeks} weeks"
            ),
            measure={"instrument": inst, "baseline": baseline, "target": target},
            target_date=self.start + timedelta(weeks=target_weeks),
        ).result["goal_id"]
        for text in rng.sample(OBJECTIVES[inst], k=rng.randint(1, 2)):
            self.do(
                "add_objective",
                goal_id=goal_id,
                statement=text,
                target_date=self.start + timedelta(weeks=rng.choice((4, 6, 8))),
            )
        self.interventions: list[str] = []
        for modality in rng.sample(cond.interventions, k=rng.randint(1, 2)):
            self.add_intervention(modality, goal_id, 0)
        self.do(
            "change_frequency",
            every=1,
            unit="week",
            session_minutes=rng.choice((45, 50, 60)),
            reason="Weekly sessions during the active phase of treatment",
        )
        self.do("schedule_assessment", instrument=inst, every_days=28)
        self.person_centred(inst)
        return [
            {
                "id": goal_id,
                "baseline": baseline,
                "target": target,
                "status": "active",
                "problem_id": problem_ids[0],
            }
        ]

    def person_centred(self, inst: str) -> None:
        """Strengths, barriers and discharge criteria, agreed at intake (before signing)."""
        rng = self.care_rng
        for text in rng.sample(STRENGTHS, k=rng.randint(1, 2)):
            self.do("record_strength", description=text)
        if rng.random() < 0.7:
            self.do("record_barrier", description=rng.choice(BARRIERS))
        if rng.random() < 0.8:
            criteria = list(DISCHARGE_CRITERIA[inst][: rng.randint(2, 3)])
            self.do("set_discharge_criteria", criteria=criteria)

    def follow_up_flag(self, flag_id: str, raised_on: date) -> None:
        """Most flags are acknowledged the same or the next day; some late; recent ones
        may still be open today."""
        rng = self.care_rng
        r = rng.random()
        if r < 0.15 and (self.today - raised_on).days <= 30:
            self.open_flags.append((flag_id, raised_on))
            return
        late = r > 0.8
        delay = rng.randint(5, 20) if late else rng.randint(0, 1)
        on = min(raised_on + timedelta(days=delay), self.today)
        action, reason = rng.choice(FLAG_FOLLOW_UP)
        if action == "safety-plan-updated" or (not self.safety_plan and rng.random() < 0.5):
            self.safety_plan = True
            self.do("update_safety_plan", parts=SAFETY_PLAN, reason="After a positive item 9")
        self.do(
            "acknowledge_safety_flag",
            flag_id=flag_id,
            action=action,
            reason=reason + (" (at the next session)" if late else ""),
            acknowledged_on=on,
        )

    def add_intervention(self, modality: str, goal_id: str, offset: int) -> None:
        result = self.do(
            "add_intervention",
            modality=modality,
            goal_ids=[goal_id],
            description=f"{modality}, delivered in individual sessions",
            reason=None if offset == 0 else "Plan revised at review",
        )
        self.interventions.append(result.result["intervention_id"])

    def sign_initial(self) -> None:
        age = (self.today - self.start).days
        signed_on = self.day(self.rng.randint(0, 3))
        self.do("sign_plan", signer_role="clinician", signed_on=signed_on)
        waiting = age < 21 and self.rng.random() < 0.5  # a recent plan awaiting the client
        if not waiting and 35 <= age <= 120 and self.rng.random() < 0.08:
            waiting = True  # never signed by the client: past the initial-plan deadline
        if waiting:
            self.summary.draft += 1
            return
        self.do(
            "sign_plan",
            signer_role="client",
            signed_on=signed_on,
            signer_name=self.rng.choice(CLIENT_NAMES),
            reason=CLIENT_SIGNATURE,
        )
        if "supervisor" in self.clinic.required_signers:
            self.do(
                "sign_plan",
                role="supervisor",
                signer_role="supervisor",
                signed_on=self.day(self.rng.randint(3, 10)),
            )

    # -------------------------------------------------------- follow-up
    def follow_up(self) -> None:
        """Monthly scores and periodic reviews, in date order, until today or discharge."""
        rng = self.rng
        course = rng.choices(("improving", "plateau", "worsening"), weights=(70, 15, 15))[0]
        goal = self.goals[0]
        score_day, month = 0, 0
        review_day = self.next_review_day(self.interval)
        while not self.closed:
            if review_day is not None and review_day <= score_day:
                if self.start + timedelta(days=review_day) > self.today:
                    break
                next_due = self.review(review_day, course, goal, month)
                review_day = self.next_review_day(next_due)
                continue
            if self.start + timedelta(days=score_day) > self.today:
                break
            self.record_score(score_day, month, course, goal)
            month += 1
            score_day = month * 30 + rng.randint(-3, 3)

    def next_review_day(self, due: int) -> int | None:
        """When the review due on day `due` happens: on time, late, or never (missed)."""
        r = self.rng.random()
        # Missed reviews are recent ones: a clinic notices within a few months.
        if r < 0.10 and (self.today - self.start).days - due <= 75:
            return None  # missed: the plan stays overdue from here on
        if r < 0.30:
            return due + self.rng.randint(3, 30)  # late
        return max(due - self.rng.randint(0, 7), 1)

    def trajectory(self, month: int, course: str, goal: dict[str, Any]) -> int:
        baseline, top = goal["baseline"], {"PHQ-9": 27, "GAD-7": 21, "PCL-5": 80}
        if course == "improving":
            value = baseline * (0.82**month)
        elif course == "plateau":
            value = baseline * (1 - 0.04 * min(month, 3))
        else:
            value = baseline + 1.2 * month
        noise = self.rng.randint(-2, 2) if month else 0
        return max(0, min(top[self.condition.instrument], round(value) + noise))

    def record_score(self, offset: int, month: int, course: str, goal: dict[str, Any]) -> None:
        inst = self.condition.instrument
        score = self.trajectory(month, course, goal)
        items = _phq9_items(self.rng, score) if inst == "PHQ-9" else None
        care = self.care_rng
        if items is not None and score >= 8 and care.random() < 0.25 and items[8] < 3:
            # Item 9 answered above 0 (a point moved from another item): a safety flag.
            known = items
            donor = max(range(8), key=lambda i: known[i])
            items = [*known[:donor], known[donor] - 1, *known[donor + 1 : 8], known[8] + 1]
        if care.random() < 0.03:
            # A score keyed into the wrong plan, corrected as entered in error.
            top = {"PHQ-9": 27, "GAD-7": 21, "PCL-5": 80}[inst]
            wrong = self.do(
                "record_score",
                instrument=inst,
                score=top - score // 2,
                administered_on=self.day(offset),
                goal_id=goal["id"],
            )
            self.do(
                "mark_score_entered_in_error",
                score_id=wrong.result["score_id"],
                reason="Another client's questionnaire keyed into this plan",
            )
        result = self.do(
            "record_score",
            instrument=inst,
            score=score,
            administered_on=self.day(offset),
            goal_id=goal["id"],
            item_scores=items,
        )
        if safety_screen(inst, items) == POSITIVE:
            self.follow_up_flag(flag_id_for(result.result["score_id"]), self.day(offset))
        goal["latest"] = score
        if goal["status"] == "active" and month >= 2 and score <= goal["target"]:
            goal["status"] = "achieved"
            self.do(
                "change_goal_status",
                goal_id=goal["id"],
                status="achieved",
                reason=f"{inst} at or below target at the monthly assessment",
            )
            self.do(
                "resolve_problem",
                problem_id=goal["problem_id"],
                reason="Symptoms in the minimal range on repeated measures",
            )
            self.do(
                "change_frequency",
                every=2,
                unit="week",
                session_minutes=50,
                reason="Stepping down to fortnightly sessions after the goal was met",
            )

    def review(self, offset: int, course: str, goal: dict[str, Any], month: int) -> int:
        """Review the plan on day `offset`; answer the day the next review is due."""
        rng, reviewed_on = self.rng, self.day(offset)
        # Per-review chances scale with the interval, so clinics that review
        # often do not discharge (or lose) clients faster.
        scale = self.interval / 180
        if goal["status"] == "achieved" and offset >= 150 and rng.random() < 0.6 * scale:
            self.do("review_plan", reviewed_on=reviewed_on, outcome="discharge",
                    summary="Goals met; relapse-prevention plan agreed")  # fmt: skip
            self.close(reviewed_on, "Treatment goals met; discharged to primary care follow-up")
        elif rng.random() < 0.03 * scale:
            self.close(reviewed_on, "Client moved out of the area; records transferred")
        elif course == "worsening" and month >= 2 and self.revisions < 2:
            self.revisions += 1
            self.do("review_plan", reviewed_on=reviewed_on, outcome="revise",
                    summary="Symptoms worsening; plan revised")  # fmt: skip
            self.revise_for_worsening(reviewed_on, goal)
            if self.revisions == 2 and rng.random() < 0.3:
                self.close(reviewed_on, "Referred to a higher level of care")
        else:
            soon = rng.random() < 0.2
            self.do(
                "review_plan",
                reviewed_on=reviewed_on,
                outcome="continue",
                summary="Progress reviewed with the client; plan continues",
                next_review_due=reviewed_on + timedelta(days=self.interval // 2) if soon else None,
            )
            return offset + (self.interval // 2 if soon else self.interval)
        return offset + self.interval

    def keep_compliance(self) -> None:
        """Re-sign most plans changed since they were signed, and transfer the
        caseload of the clinic's last-listed clinician, who has left."""
        rng = self.rng
        resign, transfer = rng.random() < 0.6, rng.random() < 0.5
        # The plan as this script left it (a re-run replays the same commands
        # and must decide the same, whatever was recorded after this point).
        plan = self.app.get_plan(cast(UUID, self.plan_id), self.clinic.id, self.version)
        if plan.stale_since is not None and resign:
            # A renewing signature is dated on or after the change was recorded.
            on = max(self.today, plan.last_change_on or self.today)
            for role in plan.signatures_missing:
                self.do(
                    "sign_plan",
                    role="supervisor" if role == "supervisor" else "clinician",
                    signer_role=role,
                    signed_on=on,
                    reason="Revised plan signed again" if role != "client" else CLIENT_SIGNATURE,
                )
        if self.clinician == self.clinic.clinicians[-1] and transfer:
            self.do(
                "assign_clinician",
                role="supervisor",
                clinician=self.clinic.clinicians[0],
                reason="Caseload transfer: the clinician left the clinic",
            )

    def close(self, on: date, reason: str) -> None:
        for flag_id, _ in self.open_flags:  # no discharge with a flag not followed up
            self.do(
                "acknowledge_safety_flag",
                flag_id=flag_id,
                action="risk-assessed",
                reason="Risk reassessed at discharge",
                acknowledged_on=on,
            )
        self.open_flags = []
        self.do("close_plan", closed_on=on, reason=reason, reason_code=CLOSE_CODES[reason])
        self.closed = True

    def revise_for_worsening(self, on: date, goal: dict[str, Any]) -> None:
        rng = self.rng
        if self.interventions and rng.random() < 0.6:
            self.do(
                "discontinue_intervention",
                intervention_id=self.interventions.pop(0),
                reason="No measurable benefit after an adequate trial",
            )
        options = [m for m in self.condition.interventions if m != "CBT"]
        self.add_intervention(rng.choice(options), goal["id"], 1)
        if goal["status"] == "active" and not goal.get("extended"):
            goal["extended"] = True
            self.do(
                "revise_goal",
                goal_id=goal["id"],
                target_date=on + timedelta(weeks=12),
                reason="Target date extended after slower than expected progress",
            )
        self.do("change_frequency", every=1, unit="week", session_minutes=60,
                reason="Longer weekly sessions while symptoms worsen")  # fmt: skip
        if self.condition.secondary and not self.added_diagnosis and rng.random() < 0.3:
            self.added_diagnosis = True
            code, description = self.condition.secondary[0]
            if code not in self.diagnosis_codes:
                self.do("add_diagnosis", code=code, description=description,
                        reason="Comorbid condition identified at review")  # fmt: skip


def _phq9_items(rng: random.Random, score: int) -> list[int] | None:
    """Nine item scores (0–3) summing to `score`, for about a third of PHQ-9s."""
    if rng.random() > 0.35:
        return None
    items = [0] * 9
    remaining = score
    while remaining:
        i = rng.randrange(8)  # item 9 (self-harm) stays 0 unless the rest are full
        if all(v == 3 for v in items[:8]):
            i = 8
        if items[i] < 3:
            items[i] += 1
            remaining -= 1
    return items
