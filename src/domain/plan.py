"""The treatment plan aggregate: every change is an attributed, immutable event.

Public methods validate and raise; each event's `apply` only changes state, so
replaying history never re-runs a rule. State is kept in plain dicts and lists
(JSON-friendly) so that snapshots and documents need no custom encoders beyond
dates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain import errors
from domain.instruments import (
    INSTRUMENTS,
    NOT_ASSESSED,
    POSITIVE,
    SAFETY_ITEMS,
    Instrument,
    safety_flag,
    safety_screen,
)

GOAL_STATUSES = ("active", "on-hold", "achieved", "not-achieved", "cancelled")
TERMINAL_GOAL_STATUSES = ("achieved", "cancelled")
FREQUENCY_UNITS = ("day", "week", "month")
REVIEW_OUTCOMES = ("continue", "revise", "discharge")
SIGNER_ROLES = ("client", "clinician", "supervisor")
ICD10_CM = re.compile(r"^[A-Z][0-9][0-9AB](\.[0-9A-Z]{1,4})?$")
MIN_INTERVAL_DAYS, MAX_INTERVAL_DAYS = 1, 365
MIN_SESSION_MINUTES, MAX_SESSION_MINUTES = 15, 240
FLAG_ACTIONS = ("risk-assessed", "safety-plan-updated", "referred", "no-action-needed")
CLOSE_REASON_CODES = ("completed", "transferred", "dropped-out", "declined", "deceased", "other")
SAFETY_PLAN_PARTS = (
    "warning_signs",
    "coping_strategies",
    "social_contacts",
    "professional_contacts",
    "means_safety",
    "reasons_for_living",
)
LIVE_GOAL_STATUSES = ("active", "on-hold")
FLAG_NAMESPACE = uuid5(NAMESPACE_URL, "urn:plans:safety-flag")


def flag_id_for(score_id: str) -> str:
    """The id of the safety flag a score raised: derived, so old events get the same one."""
    return str(uuid5(FLAG_NAMESPACE, score_id))


@dataclass(frozen=True)
class Actor:
    """Who issues a command, and under which idempotency key."""

    user: str
    role: str
    clinic: str
    command_id: str | None = None
    request_hash: str | None = None

    def meta(self, reason: str | None) -> dict[str, Any]:
        return {
            "actor": self.user,
            "role": self.role,
            "clinic": self.clinic,
            "reason": reason,
            "command_id": self.command_id,
            "request_hash": self.request_hash,
        }


def recorded_outcome(
    commands: dict[str, dict[str, Any]], command_id: str | None, request_hash: str | None
) -> dict[str, Any] | None:
    """The first outcome of a command already recorded under this key, if any."""
    if not command_id or command_id not in commands:
        return None
    outcome = commands[command_id]
    if outcome["request_hash"] != request_hash:
        raise errors.IdempotencyKeyReusedError(
            "this Idempotency-Key was used with a different request", "Idempotency-Key"
        )
    return outcome


class AttributedEvent(Aggregate.Event):
    """An event of a command: who (in which clinic) did it, why, under which key."""

    actor: str
    role: str
    clinic: str
    reason: str | None
    command_id: str | None
    request_hash: str | None

    # The field the command answers with (e.g. "goal_id"), replayed on a retry.
    result_field: ClassVar[str | None] = None

    def remember(self, commands: dict[str, dict[str, Any]]) -> None:
        """Keep the command's outcome under its key: a retry answers the same."""
        if not self.command_id:
            return
        field = self.result_field
        commands[self.command_id] = {
            "request_hash": self.request_hash,
            "version": self.originator_version,
            "result": {field: getattr(self, field)} if field else {},
        }


def instrument(code: str, field: str) -> Instrument:
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise errors.UnknownInstrumentError(f"unknown instrument {code!r}", field) from None


def check_score(inst: Instrument, value: int, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise errors.ScoreOutOfRangeError(f"{inst.code} scores are integers", field)
    if not inst.in_range(value):
        raise errors.ScoreOutOfRangeError(
            f"{inst.code} scores range {inst.min_score}–{inst.max_score}, got {value}", field
        )


def check_measure(measure: dict[str, Any], field: str = "measure") -> dict[str, Any]:
    inst = instrument(measure.get("instrument", ""), f"{field}.instrument")
    check_score(inst, measure.get("baseline"), f"{field}.baseline")  # type: ignore[arg-type]
    check_score(inst, measure.get("target"), f"{field}.target")  # type: ignore[arg-type]
    if not inst.is_improvement(measure["baseline"], measure["target"]):
        raise errors.TargetNotImprovementError(
            f"target {measure['target']} is no improvement on baseline {measure['baseline']} "
            f"({inst.code}: lower is better)",
            f"{field}.target",
        )
    return {"instrument": inst.code, "baseline": measure["baseline"], "target": measure["target"]}


def check_interval(days: int, field: str) -> None:
    if isinstance(days, bool) or not isinstance(days, int):
        raise errors.InvalidIntervalError("review interval is a whole number of days", field)
    if not MIN_INTERVAL_DAYS <= days <= MAX_INTERVAL_DAYS:
        raise errors.InvalidIntervalError(
            f"review interval must be {MIN_INTERVAL_DAYS}–{MAX_INTERVAL_DAYS} days", field
        )


def require_reason(reason: str | None, field: str = "reason") -> str:
    if reason is None or not reason.strip():
        raise errors.MissingReasonError("a reason is required for this change", field)
    return reason


def check_not_future(value: date, today: date | None, field: str) -> None:
    """No future facts: a fact may be dated at most one day after `today` (time zones)."""
    if today is not None and value > today + timedelta(days=1):
        raise errors.FutureDateError(
            f"{value.isoformat()} is in the future (today is {today.isoformat()} UTC)", field
        )


def check_policy_ceiling(days: int, policy_interval_days: int, field: str) -> None:
    if days > policy_interval_days:
        raise errors.IntervalAbovePolicyError(
            f"review interval {days} days is longer than the clinic's policy "
            f"({policy_interval_days} days)",
            field,
        )


def require_text(value: str | None, field: str) -> str:
    if value is None or not value.strip():
        raise errors.RuleViolationError("must not be empty", field)
    return value


class Plan(Aggregate):
    """A client's treatment plan within one clinic."""

    # Version 2 of the state: signature currency (`required_signers`,
    # `stale_since`, `last_change_on`, `resigned`) and `activated_on`.
    # v2: safety flags, safety plan, strengths, barriers, discharge criteria,
    # coded close reason, scores entered in error.
    class_version = 2
    # Whether applying an event records its command's outcome (`commands`, which
    # answers retried commands). Read models keep plans only to read them: their
    # replays turn it off on the instance and skip that work.
    remembers_commands = True

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """A version-1 snapshot: no stale signatures (it counts as current), and the
        safety and person-centred parts absent (null / empty)."""
        signed = list(dict.fromkeys(s["signer_role"] for s in state.get("signatures", [])))
        state.setdefault("required_signers", signed)
        state.setdefault("stale_since", None)
        state.setdefault("last_change_on", None)
        state.setdefault("resigned", [])
        activated = [s["signed_on"] for s in state.get("signatures", [])]
        state.setdefault(
            "activated_on", max(activated) if activated and state["status"] != "draft" else None
        )
        flags: dict[str, dict[str, Any]] = {}
        for score in state.get("scores", []):
            score.setdefault("entered_in_error", False)
            if score.get("safety_flag"):
                flag_id = flag_id_for(score["id"])
                flags[flag_id] = new_flag(flag_id, score["id"], score["administered_on"])
        state.setdefault("safety_flags", flags)
        state.setdefault("safety_plan", None)
        state.setdefault("strengths", {})
        state.setdefault("barriers", {})
        state.setdefault("discharge_criteria", None)
        state.setdefault("close_reason_code", "other" if state.get("status") == "closed" else None)

    class Event(AttributedEvent):
        # True on events that change what the client and clinician signed
        # (problems, diagnoses, goals, objectives, interventions, frequency...):
        # after activation they make the signatures not current. New content
        # events declare it too.
        changes_content: ClassVar[bool] = False
        # False on events that leave the plan's content as it was signed (signing,
        # activation, assignment): `content_version` stays. A class attribute, not an
        # isinstance test: apply runs for every event of every replay.
        moves_content_version: ClassVar[bool] = True

        def apply(self, plan: Plan) -> None:
            self.change(plan)
            if self.changes_content:
                plan.note_content_change(self.timestamp.date())
            if self.moves_content_version:
                plan.content_version = self.originator_version
            if plan.remembers_commands:
                self.remember(plan.commands)

        def change(self, plan: Plan) -> None:  # pragma: no cover - overridden
            raise NotImplementedError

    class PlanCreated(Event, Aggregate.Created):
        client_id: str
        presenting_concerns: list[str]
        diagnoses: list[dict[str, Any]]
        start_date: date
        review_interval_days: int
        interval_follows_policy: bool

        def change(self, plan: Plan) -> None:
            """State is set by `Plan.__init__`, which the library calls first."""

    def __init__(
        self,
        *,
        client_id: str,
        presenting_concerns: list[str],
        diagnoses: list[dict[str, Any]],
        start_date: date,
        review_interval_days: int,
        interval_follows_policy: bool,
        actor: str,
        role: str,
        clinic: str,
        reason: str | None,
        command_id: str | None,
        request_hash: str | None,
    ) -> None:
        self.clinic = clinic
        self.client_id = client_id
        self.clinician = actor
        self.status = "draft"
        self.start_date = start_date
        self.presenting_concerns = list(presenting_concerns)
        self.diagnoses: dict[str, dict[str, Any]] = {
            d["code"]: {"id": d["code"], "code": d["code"], "description": d.get("description")}
            for d in diagnoses
        }
        self.problems: dict[str, dict[str, Any]] = {}
        self.goals: dict[str, dict[str, Any]] = {}
        self.interventions: dict[str, dict[str, Any]] = {}
        self.frequency: dict[str, Any] | None = None
        self.assessments: dict[str, dict[str, Any]] = {}
        self.scores: list[dict[str, Any]] = []
        self.review: dict[str, Any] = {
            "interval_days": review_interval_days,
            "follows_policy": interval_follows_policy,
            "last_reviewed_on": None,
            "next_review_due": start_date + timedelta(days=review_interval_days),
        }
        self.reviews: list[dict[str, Any]] = []
        self.signatures: list[dict[str, Any]] = []
        self.closed_on: date | None = None
        # Signature currency: after activation, a content change on `stale_since`
        # (the first not yet re-signed; `last_change_on` the latest) needs every
        # role of `required_signers` to sign again; `resigned` have.
        self.required_signers: list[str] = []
        self.stale_since: date | None = None
        self.last_change_on: date | None = None
        self.resigned: list[str] = []
        self.activated_on: date | None = None
        self.close_reason_code: str | None = None
        self.safety_flags: dict[str, dict[str, Any]] = {}
        self.safety_plan: dict[str, list[str]] | None = None
        self.strengths: dict[str, dict[str, Any]] = {}
        self.barriers: dict[str, dict[str, Any]] = {}
        self.discharge_criteria: list[str] | None = None
        # The last version that changed the plan's content (not a signature),
        # so readers can tell whether a signed version has since changed.
        self.content_version = 1
        self.commands: dict[str, dict[str, Any]] = {}

    # ---------------------------------------------------------------- creation
    @classmethod
    def create(
        cls,
        *,
        plan_id: UUID,
        by: Actor,
        client_id: str,
        start_date: date,
        review_interval_days: int | None,
        policy_interval_days: int,
        presenting_concerns: Sequence[str] = (),
        diagnoses: Sequence[dict[str, Any]] = (),
        reason: str | None = None,
    ) -> Plan:
        require_text(client_id, "client_id")
        if review_interval_days is not None:
            check_interval(review_interval_days, "review_interval_days")
            check_policy_ceiling(review_interval_days, policy_interval_days, "review_interval_days")
        codes: set[str] = set()
        for i, diagnosis in enumerate(diagnoses):
            code = diagnosis.get("code", "")
            check_diagnosis_code(code, f"diagnoses[{i}].code")
            if code in codes:
                raise errors.DiagnosisError(
                    f"diagnosis {code} listed twice", f"diagnoses[{i}].code"
                )
            codes.add(code)
        return cls._create(
            cls.PlanCreated,
            id=plan_id,
            client_id=client_id,
            presenting_concerns=list(presenting_concerns),
            diagnoses=[{"code": d["code"], "description": d.get("description")} for d in diagnoses],
            start_date=start_date,
            review_interval_days=review_interval_days or policy_interval_days,
            interval_follows_policy=review_interval_days is None,
            **by.meta(reason),
        )

    # ------------------------------------------------------------- bookkeeping
    def outcome_of(self, command_id: str | None, request_hash: str | None) -> dict[str, Any] | None:
        return recorded_outcome(self.commands, command_id, request_hash)

    def note_content_change(self, day: date) -> None:
        """Content changed on `day`: an active plan's signatures are no longer current."""
        if self.status != "active":
            return
        if self.stale_since is None:
            self.stale_since = day
        self.last_change_on = day
        self.resigned = []

    @property
    def signatures_current(self) -> bool:
        """Signed by every required role since the last content change (never for a draft)."""
        return self.status != "draft" and self.stale_since is None

    @property
    def signatures_missing(self) -> list[str]:
        """The roles still to sign again after a content change."""
        if self.stale_since is None:
            return []
        return [r for r in self.required_signers if r not in self.resigned]

    def _check_open(self) -> None:
        if self.status == "closed":
            raise errors.PlanClosedError("the plan is closed and refuses every change")

    def _check_date(self, value: date, field: str) -> None:
        if value < self.start_date:
            raise errors.DateBeforeStartError(
                f"{value.isoformat()} is before the plan's start {self.start_date.isoformat()}",
                field,
            )

    def _goal(self, goal_id: str) -> dict[str, Any]:
        try:
            return self.goals[goal_id]
        except KeyError:
            raise errors.GoalNotFoundError(f"goal {goal_id} not found", "goal_id") from None

    # ---------------------------------------------------------------- problems
    class ProblemAdded(Event):
        problem_id: str
        description: str
        changes_content = True
        result_field = "problem_id"

        def change(self, plan: Plan) -> None:
            plan.problems[self.problem_id] = {
                "id": self.problem_id,
                "description": self.description,
                "status": "active",
                "resolved_reason": None,
            }

    def add_problem(
        self, by: Actor, problem_id: str, description: str, reason: str | None = None
    ) -> None:
        self._check_open()
        require_text(description, "description")
        self.trigger_event(
            self.ProblemAdded, problem_id=problem_id, description=description, **by.meta(reason)
        )

    class ProblemResolved(Event):
        problem_id: str
        changes_content = True

        def change(self, plan: Plan) -> None:
            plan.problems[self.problem_id]["status"] = "resolved"
            plan.problems[self.problem_id]["resolved_reason"] = self.reason

    def resolve_problem(self, by: Actor, problem_id: str, reason: str | None = None) -> None:
        if problem_id not in self.problems:
            raise errors.ProblemNotFoundError(f"problem {problem_id} not found", "problem_id")
        self._check_open()
        if self.problems[problem_id]["status"] == "resolved":
            raise errors.ProblemAlreadyResolvedError("problem already resolved", "problem_id")
        # The golden thread: a live goal must keep at least one open problem.
        orphans = [
            g["id"]
            for g in self.goals.values()
            if g["status"] in LIVE_GOAL_STATUSES
            and problem_id in g["problem_ids"]
            and not any(
                p != problem_id and self.problems[p]["status"] != "resolved"
                for p in g["problem_ids"]
            )
        ]
        if orphans:
            raise errors.DependantsActiveError(
                f"goal(s) {', '.join(orphans)} still serve only this problem; "
                "close them (achieved, not-achieved, cancelled) first",
                "problem_id",
            )
        self.trigger_event(self.ProblemResolved, problem_id=problem_id, **by.meta(reason))

    # --------------------------------------------------------------- diagnoses
    class DiagnosisAdded(Event):
        code: str
        description: str | None
        changes_content = True

        def change(self, plan: Plan) -> None:
            plan.diagnoses[self.code] = {
                "id": self.code,
                "code": self.code,
                "description": self.description,
            }

    def add_diagnosis(
        self, by: Actor, code: str, description: str | None, reason: str | None = None
    ) -> None:
        self._check_open()
        check_diagnosis_code(code, "code")
        if code in self.diagnoses:
            raise errors.DiagnosisError(f"diagnosis {code} is already on the plan", "code")
        self.trigger_event(
            self.DiagnosisAdded, code=code, description=description, **by.meta(reason)
        )

    class DiagnosisRemoved(Event):
        code: str
        changes_content = True

        def change(self, plan: Plan) -> None:
            del plan.diagnoses[self.code]

    def remove_diagnosis(self, by: Actor, code: str, reason: str | None) -> None:
        if code not in self.diagnoses:
            raise errors.NotFoundError(f"diagnosis {code} not on the plan", "code")
        self._check_open()
        require_reason(reason)
        self.trigger_event(self.DiagnosisRemoved, code=code, **by.meta(reason))

    # ------------------------------------------------------------------- goals
    class GoalAdded(Event):
        goal_id: str
        problem_ids: list[str]
        statement: str
        measure: dict[str, Any]
        target_date: date
        changes_content = True
        result_field = "goal_id"

        def change(self, plan: Plan) -> None:
            plan.goals[self.goal_id] = {
                "id": self.goal_id,
                "problem_ids": list(self.problem_ids),
                "statement": self.statement,
                "measure": dict(self.measure),
                "target_date": self.target_date,
                "status": "active",
                "objectives": {},
            }

    def add_goal(
        self,
        by: Actor,
        goal_id: str,
        problem_ids: Sequence[str],
        statement: str,
        measure: dict[str, Any],
        target_date: date,
        reason: str | None = None,
    ) -> None:
        self._check_open()
        if not problem_ids:
            raise errors.GoldenThreadError("a goal needs at least one problem", "problem_ids")
        for i, problem_id in enumerate(problem_ids):
            problem = self.problems.get(problem_id)
            if problem is None:
                raise errors.GoldenThreadError(
                    f"problem {problem_id} is not on this plan", f"problem_ids[{i}]"
                )
            if problem["status"] == "resolved":
                raise errors.GoldenThreadError(
                    f"problem {problem_id} is resolved", f"problem_ids[{i}]"
                )
        require_text(statement, "statement")
        checked = check_measure(measure)
        self._check_date(target_date, "target_date")
        self.trigger_event(
            self.GoalAdded,
            goal_id=goal_id,
            problem_ids=list(dict.fromkeys(problem_ids)),
            statement=statement,
            measure=checked,
            target_date=target_date,
            **by.meta(reason),
        )

    class GoalRevised(Event):
        goal_id: str
        statement: str | None
        measure: dict[str, Any] | None
        target_date: date | None
        changes_content = True

        def change(self, plan: Plan) -> None:
            goal = plan.goals[self.goal_id]
            if self.statement is not None:
                goal["statement"] = self.statement
            if self.measure is not None:
                goal["measure"] = dict(self.measure)
            if self.target_date is not None:
                goal["target_date"] = self.target_date

    def revise_goal(
        self,
        by: Actor,
        goal_id: str,
        reason: str | None,
        statement: str | None = None,
        measure: dict[str, Any] | None = None,
        target_date: date | None = None,
    ) -> None:
        goal = self._goal(goal_id)
        self._check_open()
        require_reason(reason)
        if statement is None and measure is None and target_date is None:
            raise errors.RuleViolationError(
                "give at least one of statement, measure, target_date", "body"
            )
        if goal["status"] == "cancelled":
            raise errors.GoalStatusTransitionError("a cancelled goal cannot be revised", "goal_id")
        if statement is not None:
            require_text(statement, "statement")
        checked = check_measure(measure) if measure is not None else None
        if (
            checked is not None
            and checked["instrument"] != goal["measure"]["instrument"]
            and any(s["goal_id"] == goal_id for s in self.scores)
        ):
            raise errors.GoldenThreadError(
                f"scores of {goal['measure']['instrument']} are linked to this goal; "
                "its instrument cannot change (add a new goal instead)",
                "measure.instrument",
            )
        if target_date is not None:
            self._check_date(target_date, "target_date")
        self.trigger_event(
            self.GoalRevised,
            goal_id=goal_id,
            statement=statement,
            measure=checked,
            target_date=target_date,
            **by.meta(reason),
        )

    class GoalStatusChanged(Event):
        goal_id: str
        status: str
        previous_status: str
        changes_content = True

        def change(self, plan: Plan) -> None:
            plan.goals[self.goal_id]["status"] = self.status

    def change_goal_status(self, by: Actor, goal_id: str, status: str, reason: str | None) -> None:
        goal = self._goal(goal_id)
        self._check_open()
        if status not in GOAL_STATUSES:
            raise errors.GoalStatusTransitionError(
                f"status must be one of {', '.join(GOAL_STATUSES)}", "status"
            )
        require_reason(reason)
        if goal["status"] in TERMINAL_GOAL_STATUSES:
            raise errors.GoalStatusTransitionError(
                f"a goal that is {goal['status']} is not reopened; add a new goal", "status"
            )
        if goal["status"] == status:
            raise errors.GoalStatusTransitionError(f"the goal is already {status}", "status")
        if status == "cancelled":
            # An active intervention must keep at least one goal that is not cancelled.
            orphans = [
                i["id"]
                for i in self.interventions.values()
                if i["status"] == "active"
                and goal_id in i["goal_ids"]
                and not any(
                    g != goal_id and self.goals[g]["status"] != "cancelled" for g in i["goal_ids"]
                )
            ]
            if orphans:
                raise errors.DependantsActiveError(
                    f"intervention(s) {', '.join(orphans)} still serve only this goal; "
                    "discontinue them first",
                    "status",
                )
        self.trigger_event(
            self.GoalStatusChanged,
            goal_id=goal_id,
            status=status,
            previous_status=goal["status"],
            **by.meta(reason),
        )

    class ObjectiveAdded(Event):
        goal_id: str
        objective_id: str
        statement: str
        target_date: date | None
        changes_content = True
        result_field = "objective_id"

        def change(self, plan: Plan) -> None:
            plan.goals[self.goal_id]["objectives"][self.objective_id] = {
                "id": self.objective_id,
                "statement": self.statement,
                "target_date": self.target_date,
            }

    def add_objective(
        self,
        by: Actor,
        goal_id: str,
        objective_id: str,
        statement: str,
        target_date: date | None,
        reason: str | None = None,
    ) -> None:
        goal = self._goal(goal_id)
        self._check_open()
        if goal["status"] == "cancelled":
            raise errors.GoldenThreadError("a cancelled goal takes no objectives", "goal_id")
        require_text(statement, "statement")
        if target_date is not None:
            self._check_date(target_date, "target_date")
        self.trigger_event(
            self.ObjectiveAdded,
            goal_id=goal_id,
            objective_id=objective_id,
            statement=statement,
            target_date=target_date,
            **by.meta(reason),
        )

    # ----------------------------------------------------------- interventions
    class InterventionAdded(Event):
        intervention_id: str
        modality: str
        goal_ids: list[str]
        description: str | None
        changes_content = True
        result_field = "intervention_id"

        def change(self, plan: Plan) -> None:
            plan.interventions[self.intervention_id] = {
                "id": self.intervention_id,
                "modality": self.modality,
                "goal_ids": list(self.goal_ids),
                "description": self.description,
                "status": "active",
            }

    def add_intervention(
        self,
        by: Actor,
        intervention_id: str,
        modality: str,
        goal_ids: Sequence[str],
        description: str | None = None,
        reason: str | None = None,
    ) -> None:
        self._check_open()
        require_text(modality, "modality")
        if not goal_ids:
            raise errors.GoldenThreadError("an intervention needs at least one goal", "goal_ids")
        for i, goal_id in enumerate(goal_ids):
            goal = self.goals.get(goal_id)
            if goal is None:
                raise errors.GoldenThreadError(
                    f"goal {goal_id} is not on this plan", f"goal_ids[{i}]"
                )
            if goal["status"] == "cancelled":
                raise errors.GoldenThreadError(f"goal {goal_id} is cancelled", f"goal_ids[{i}]")
        self.trigger_event(
            self.InterventionAdded,
            intervention_id=intervention_id,
            modality=modality,
            goal_ids=list(dict.fromkeys(goal_ids)),
            description=description,
            **by.meta(reason),
        )

    class InterventionDiscontinued(Event):
        intervention_id: str
        changes_content = True

        def change(self, plan: Plan) -> None:
            plan.interventions[self.intervention_id]["status"] = "discontinued"

    def discontinue_intervention(self, by: Actor, intervention_id: str, reason: str | None) -> None:
        intervention = self.interventions.get(intervention_id)
        if intervention is None:
            raise errors.InterventionNotFoundError(
                f"intervention {intervention_id} not found", "intervention_id"
            )
        self._check_open()
        require_reason(reason)
        if intervention["status"] == "discontinued":
            raise errors.InterventionAlreadyDiscontinuedError(
                "intervention already discontinued", "intervention_id"
            )
        self.trigger_event(
            self.InterventionDiscontinued, intervention_id=intervention_id, **by.meta(reason)
        )

    # ------------------------------------------------- frequency, assessments
    class FrequencyChanged(Event):
        every: int
        unit: str
        session_minutes: int
        changes_content = True

        def change(self, plan: Plan) -> None:
            plan.frequency = {
                "every": self.every,
                "unit": self.unit,
                "session_minutes": self.session_minutes,
            }

    def change_frequency(
        self, by: Actor, every: int, unit: str, session_minutes: int, reason: str | None = None
    ) -> None:
        self._check_open()
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise errors.InvalidFrequencyError("every must be a whole number ≥ 1", "every")
        if unit not in FREQUENCY_UNITS:
            raise errors.InvalidFrequencyError(
                f"unit must be one of {', '.join(FREQUENCY_UNITS)}", "unit"
            )
        if (
            isinstance(session_minutes, bool)
            or not isinstance(session_minutes, int)
            or not MIN_SESSION_MINUTES <= session_minutes <= MAX_SESSION_MINUTES
        ):
            raise errors.InvalidFrequencyError(
                f"sessions last {MIN_SESSION_MINUTES}–{MAX_SESSION_MINUTES} minutes",
                "session_minutes",
            )
        self.trigger_event(
            self.FrequencyChanged,
            every=every,
            unit=unit,
            session_minutes=session_minutes,
            **by.meta(reason),
        )

    class AssessmentScheduled(Event):
        instrument: str
        every_days: int

        def change(self, plan: Plan) -> None:
            plan.assessments[self.instrument] = {
                "instrument": self.instrument,
                "every_days": self.every_days,
            }

    def schedule_assessment(
        self, by: Actor, instrument_code: str, every_days: int, reason: str | None = None
    ) -> None:
        self._check_open()
        inst = instrument(instrument_code, "instrument")
        if isinstance(every_days, bool) or not isinstance(every_days, int):
            raise errors.RuleViolationError("every_days is a whole number of days", "every_days")
        if not 1 <= every_days <= 365:
            raise errors.RuleViolationError("every_days must be 1–365", "every_days")
        self.trigger_event(
            self.AssessmentScheduled, instrument=inst.code, every_days=every_days, **by.meta(reason)
        )

    class ScoreRecorded(Event):
        score_id: str
        instrument: str
        score: int
        administered_on: date
        goal_id: str | None
        item_scores: list[int] | None
        severity: str
        safety_flag: bool
        safety_screen: str | None
        flag_id: str | None
        result_field = "score_id"
        # v2: the safety screen (item 9 known or not) and the flag a positive one raises.
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            items = state.setdefault("item_scores", None)
            if items:
                screen = safety_screen(state["instrument"], items)
            elif state["instrument"] in SAFETY_ITEMS:
                screen = POSITIVE if state.get("safety_flag") else NOT_ASSESSED
            else:
                screen = None
            state["safety_screen"] = screen
            state["flag_id"] = flag_id_for(state["score_id"]) if screen == POSITIVE else None

        def change(self, plan: Plan) -> None:
            plan.scores.append(
                {
                    "id": self.score_id,
                    "instrument": self.instrument,
                    "score": self.score,
                    "administered_on": self.administered_on,
                    "goal_id": self.goal_id,
                    "severity": self.severity,
                    "safety_flag": self.safety_flag,
                    "entered_in_error": False,
                }
            )
            if self.flag_id is not None:
                plan.safety_flags[self.flag_id] = new_flag(
                    self.flag_id, self.score_id, self.administered_on
                )

    def record_score(
        self,
        by: Actor,
        score_id: str,
        instrument_code: str,
        score: int,
        administered_on: date,
        goal_id: str | None = None,
        item_scores: Sequence[int] | None = None,
        reason: str | None = None,
        today: date | None = None,
    ) -> None:
        self._check_open()
        inst = instrument(instrument_code, "instrument")
        check_score(inst, score, "score")
        self._check_date(administered_on, "administered_on")
        check_not_future(administered_on, today, "administered_on")
        if goal_id is not None:
            goal = self.goals.get(goal_id)
            if goal is None:
                raise errors.GoldenThreadError(f"goal {goal_id} is not on this plan", "goal_id")
            if goal["measure"]["instrument"] != inst.code:
                raise errors.GoldenThreadError(
                    f"goal {goal_id} is measured by {goal['measure']['instrument']}, "
                    f"not {inst.code}",
                    "goal_id",
                )
        if item_scores is not None:
            problem = inst.item_problems(score, item_scores)
            if problem:
                raise errors.ItemScoresError(problem, "item_scores")
        screen = safety_screen(inst.code, item_scores)
        self.trigger_event(
            self.ScoreRecorded,
            score_id=score_id,
            instrument=inst.code,
            score=score,
            administered_on=administered_on,
            goal_id=goal_id,
            item_scores=list(item_scores) if item_scores is not None else None,
            severity=inst.severity(score),
            safety_flag=safety_flag(inst.code, item_scores),
            safety_screen=screen,
            flag_id=flag_id_for(score_id) if screen == POSITIVE else None,
            **by.meta(reason),
        )

    # ----------------------------------------------------------------- reviews
    class PlanReviewed(Event):
        reviewed_on: date
        outcome: str
        summary: str | None
        interval_days: int
        next_review_due: date

        def change(self, plan: Plan) -> None:
            plan.review["interval_days"] = self.interval_days
            plan.review["last_reviewed_on"] = self.reviewed_on
            plan.review["next_review_due"] = self.next_review_due
            plan.reviews.append(
                {
                    "reviewed_on": self.reviewed_on,
                    "outcome": self.outcome,
                    "next_review_due": self.next_review_due,
                }
            )

    def review_plan(
        self,
        by: Actor,
        reviewed_on: date,
        outcome: str,
        policy_interval_days: int,
        summary: str | None = None,
        next_review_due: date | None = None,
        reason: str | None = None,
        today: date | None = None,
    ) -> None:
        self._check_open()
        if outcome not in REVIEW_OUTCOMES:
            raise errors.RuleViolationError(
                f"outcome must be one of {', '.join(REVIEW_OUTCOMES)}", "outcome"
            )
        self._check_date(reviewed_on, "reviewed_on")
        check_not_future(reviewed_on, today, "reviewed_on")
        last = self.review["last_reviewed_on"]
        if last is not None and reviewed_on < last:
            raise errors.ReviewOutOfOrderError(
                f"a review on {reviewed_on.isoformat()} is before the last review "
                f"on {last.isoformat()}",
                "reviewed_on",
            )
        # A plan that follows its clinic's policy takes the policy's interval
        # from this review on; one with its own interval keeps it, as long as
        # the policy (a ceiling) is not shorter.
        interval = (
            policy_interval_days
            if self.review["follows_policy"]
            else min(self.review["interval_days"], policy_interval_days)
        )
        latest_allowed = reviewed_on + timedelta(days=interval)
        if next_review_due is not None:
            if next_review_due > latest_allowed:
                raise errors.NextReviewTooLateError(
                    f"next review is due by {latest_allowed.isoformat()} at the latest "
                    f"({interval}-day interval)",
                    "next_review_due",
                )
            if next_review_due < reviewed_on:
                raise errors.ReviewOutOfOrderError(
                    "the next review cannot be due before this review", "next_review_due"
                )
        self.trigger_event(
            self.PlanReviewed,
            reviewed_on=reviewed_on,
            outcome=outcome,
            summary=summary,
            interval_days=interval,
            next_review_due=next_review_due or latest_allowed,
            **by.meta(reason),
        )

    class ReviewIntervalChanged(Event):
        days: int
        next_review_due: date

        def change(self, plan: Plan) -> None:
            plan.review["interval_days"] = self.days
            plan.review["follows_policy"] = False
            plan.review["next_review_due"] = self.next_review_due

    def change_review_interval(
        self, by: Actor, days: int, reason: str | None, policy_interval_days: int | None = None
    ) -> None:
        self._check_open()
        check_interval(days, "days")
        if policy_interval_days is not None:
            check_policy_ceiling(days, policy_interval_days, "days")
        require_reason(reason)
        since = self.review["last_reviewed_on"] or self.start_date
        self.trigger_event(
            self.ReviewIntervalChanged,
            days=days,
            next_review_due=since + timedelta(days=days),
            **by.meta(reason),
        )

    # ------------------------------------------------------- signing, closing
    class PlanSigned(Event):
        moves_content_version = False

        signer_role: str
        signer_name: str | None
        signed_on: date
        signed_version: int
        signed_hash: str | None
        required_signers: list[str]
        # The day of the first content change this signature answers (a
        # re-signing of an active plan), else None.
        renews_since: date | None

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["renews_since"] = None

        def change(self, plan: Plan) -> None:
            plan.signatures.append(
                {
                    "signer_role": self.signer_role,
                    "signer_name": self.signer_name,
                    "signed_on": self.signed_on,
                    "version": self.signed_version,
                    "head_hash": self.signed_hash,
                }
            )
            plan.required_signers = list(self.required_signers)
            signed = {s["signer_role"] for s in plan.signatures}
            if plan.status == "draft" and set(self.required_signers) <= signed:
                plan.status = "active"
                plan.activated_on = self.signed_on
            elif plan.status == "active" and plan.stale_since is not None:
                if self.signer_role not in plan.resigned:
                    plan.resigned.append(self.signer_role)
                if set(self.required_signers) <= set(plan.resigned):
                    plan.stale_since = plan.last_change_on = None
                    plan.resigned = []

    def sign(
        self,
        by: Actor,
        signer_role: str,
        signed_on: date,
        required_signers: Sequence[str],
        head_hash: str | None,
        signer_name: str | None = None,
        reason: str | None = None,
        today: date | None = None,
    ) -> None:
        self._check_open()
        if signer_role not in SIGNER_ROLES:
            raise errors.SignatureError(
                f"signer_role must be one of {', '.join(SIGNER_ROLES)}", "signer_role"
            )
        self._check_date(signed_on, "signed_on")
        check_not_future(signed_on, today, "signed_on")
        renews = self.stale_since if self.status == "active" else None
        if renews is not None and self.last_change_on and signed_on < self.last_change_on:
            raise errors.SignatureError(
                f"the plan changed on {self.last_change_on.isoformat()}: a signature that "
                "renews it is dated on or after that day",
                "signed_on",
            )
        # A signature covers the content up to the version it signed; the same
        # role signing again before the content changed would be a duplicate.
        if any(
            s["signer_role"] == signer_role and s["version"] >= self.content_version
            for s in self.signatures
        ):
            raise errors.SignatureError(
                f"the {signer_role} already signed version {self.content_version}",
                "signer_role",
            )
        self.trigger_event(
            self.PlanSigned,
            signer_role=signer_role,
            signer_name=signer_name,
            signed_on=signed_on,
            signed_version=self.version,
            signed_hash=head_hash,
            required_signers=list(required_signers),
            renews_since=renews,
            **by.meta(reason),
        )

    class PlanActivated(Event):
        """A draft whose recorded signatures meet the clinic's current (relaxed) policy."""

        moves_content_version = False

        required_signers: list[str]
        activated_on: date

        def change(self, plan: Plan) -> None:
            plan.status = "active"
            plan.required_signers = list(self.required_signers)
            plan.activated_on = self.activated_on

    def activate(
        self, by: Actor, required_signers: Sequence[str], reason: str | None = None
    ) -> None:
        """Activate a draft whose signatures already suffice under the policy in force.

        A policy change moves no plan by itself: signatures are judged at each
        signature, and a draft that a relaxed policy now lets through is
        activated by this command (recorded, attributed), not silently.
        """
        self._check_open()
        if self.status != "draft":
            raise errors.ActivationError(f"the plan is {self.status}, not a draft", "status")
        signed = {s["signer_role"]: s["signed_on"] for s in self.signatures}
        missing = [r for r in required_signers if r not in signed]
        if missing:
            raise errors.ActivationError(
                f"the policy requires signatures of {', '.join(missing)}", "signatures"
            )
        self.trigger_event(
            self.PlanActivated,
            required_signers=list(required_signers),
            activated_on=max(signed[r] for r in required_signers),
            **by.meta(reason),
        )

    # ---------------------------------------------------------------- caseload
    class ClinicianAssigned(Event):
        moves_content_version = False

        clinician: str
        previous_clinician: str

        def change(self, plan: Plan) -> None:
            plan.clinician = self.clinician

    def assign_clinician(self, by: Actor, clinician: str, reason: str | None) -> None:
        self._check_open()
        require_text(clinician, "clinician")
        require_reason(reason)
        if clinician == self.clinician:
            raise errors.RuleViolationError(f"the plan is already {clinician}'s", "clinician")
        self.trigger_event(
            self.ClinicianAssigned,
            clinician=clinician,
            previous_clinician=self.clinician,
            **by.meta(reason),
        )

    class PlanClosed(Event):
        closed_on: date
        reason_code: str
        # v2: a coded reason analysts can count (the free-text reason stays).
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.setdefault("reason_code", "other")

        def change(self, plan: Plan) -> None:
            plan.status = "closed"
            plan.closed_on = self.closed_on
            plan.close_reason_code = self.reason_code

    def close(
        self,
        by: Actor,
        closed_on: date,
        reason: str | None,
        reason_code: str = "other",
        today: date | None = None,
    ) -> None:
        self._check_open()
        if reason_code not in CLOSE_REASON_CODES:
            raise errors.RuleViolationError(
                f"reason_code must be one of {', '.join(CLOSE_REASON_CODES)}", "reason_code"
            )
        require_reason(reason)
        self._check_date(closed_on, "closed_on")
        check_not_future(closed_on, today, "closed_on")
        open_flags = [f["id"] for f in self.safety_flags.values() if f["status"] == "open"]
        if open_flags:
            raise errors.DependantsActiveError(
                f"safety flag(s) {', '.join(open_flags)} are open; acknowledge them first",
                "safety_flags",
            )
        self.trigger_event(
            self.PlanClosed, closed_on=closed_on, reason_code=reason_code, **by.meta(reason)
        )

    # ------------------------------------------------------------------ safety
    class SafetyFlagAcknowledged(Event):
        flag_id: str
        score_id: str
        raised_on: date
        action: str
        acknowledged_on: date
        changes_content: ClassVar[bool] = False

        def change(self, plan: Plan) -> None:
            flag = plan.safety_flags[self.flag_id]
            flag["status"] = "acknowledged"
            flag["action"] = self.action
            flag["acknowledged_on"] = self.acknowledged_on
            flag["acknowledged_by"] = self.actor

    def acknowledge_safety_flag(
        self,
        by: Actor,
        flag_id: str,
        action: str,
        reason: str | None,
        acknowledged_on: date,
        today: date | None = None,
    ) -> None:
        """Record the follow-up of a flag; `today` (the caller's UTC date) bounds the date."""
        flag = self.safety_flags.get(flag_id)
        if flag is None:
            raise errors.SafetyFlagNotFoundError(f"safety flag {flag_id} not found", "flag_id")
        self._check_open()
        if flag["status"] != "open":
            raise errors.SafetyFlagAlreadyAcknowledgedError(
                f"safety flag {flag_id} was acknowledged on "
                f"{flag['acknowledged_on'].isoformat()} ({flag['action']})",
                "flag_id",
            )
        if action not in FLAG_ACTIONS:
            raise errors.RuleViolationError(
                f"action must be one of {', '.join(FLAG_ACTIONS)}", "action"
            )
        require_reason(reason)
        if acknowledged_on < flag["raised_on"]:
            raise errors.RuleViolationError(
                f"the flag was raised on {flag['raised_on'].isoformat()}; "
                "it cannot be acknowledged before",
                "acknowledged_on",
            )
        if today is not None and acknowledged_on > today + timedelta(days=1):
            raise errors.RuleViolationError(
                "an acknowledgement cannot be dated in the future", "acknowledged_on"
            )
        self.trigger_event(
            self.SafetyFlagAcknowledged,
            flag_id=flag_id,
            score_id=flag["score_id"],
            raised_on=flag["raised_on"],
            action=action,
            acknowledged_on=acknowledged_on,
            **by.meta(reason),
        )

    class SafetyPlanUpdated(Event):
        warning_signs: list[str]
        coping_strategies: list[str]
        social_contacts: list[str]
        professional_contacts: list[str]
        means_safety: list[str]
        reasons_for_living: list[str]
        changes_content: ClassVar[bool] = True

        def change(self, plan: Plan) -> None:
            plan.safety_plan = {part: list(getattr(self, part)) for part in SAFETY_PLAN_PARTS}

    def update_safety_plan(
        self, by: Actor, parts: dict[str, Sequence[str] | None], reason: str | None = None
    ) -> None:
        """Replace the Stanley–Brown safety plan; a part not given is empty."""
        self._check_open()
        lists: dict[str, list[str]] = {}
        for part in SAFETY_PLAN_PARTS:
            items = list(parts.get(part) or [])
            for i, item in enumerate(items):
                require_text(item, f"{part}[{i}]")
            lists[part] = items
        unknown = set(parts) - set(SAFETY_PLAN_PARTS)
        if unknown:
            raise errors.RuleViolationError("not a part of the safety plan", sorted(unknown)[0])
        if not any(lists.values()):
            raise errors.RuleViolationError(
                "a safety plan needs at least one non-empty part", "body"
            )
        self.trigger_event(self.SafetyPlanUpdated, **lists, **by.meta(reason))

    # -------------------------------------------------- person-centred content
    class StrengthRecorded(Event):
        strength_id: str
        description: str
        result_field = "strength_id"
        changes_content: ClassVar[bool] = True

        def change(self, plan: Plan) -> None:
            plan.strengths[self.strength_id] = {
                "id": self.strength_id,
                "description": self.description,
            }

    def record_strength(
        self, by: Actor, strength_id: str, description: str, reason: str | None = None
    ) -> None:
        self._check_open()
        require_text(description, "description")
        self.trigger_event(
            self.StrengthRecorded,
            strength_id=strength_id,
            description=description,
            **by.meta(reason),
        )

    class BarrierRecorded(Event):
        barrier_id: str
        description: str
        result_field = "barrier_id"
        changes_content: ClassVar[bool] = True

        def change(self, plan: Plan) -> None:
            plan.barriers[self.barrier_id] = {
                "id": self.barrier_id,
                "description": self.description,
            }

    def record_barrier(
        self, by: Actor, barrier_id: str, description: str, reason: str | None = None
    ) -> None:
        self._check_open()
        require_text(description, "description")
        self.trigger_event(
            self.BarrierRecorded, barrier_id=barrier_id, description=description, **by.meta(reason)
        )

    class DischargeCriteriaSet(Event):
        criteria: list[str]
        changes_content: ClassVar[bool] = True

        def change(self, plan: Plan) -> None:
            plan.discharge_criteria = list(self.criteria)

    def set_discharge_criteria(
        self, by: Actor, criteria: Sequence[str], reason: str | None = None
    ) -> None:
        self._check_open()
        if not criteria:
            raise errors.RuleViolationError("give at least one discharge criterion", "criteria")
        for i, criterion in enumerate(criteria):
            require_text(criterion, f"criteria[{i}]")
        self.trigger_event(self.DischargeCriteriaSet, criteria=list(criteria), **by.meta(reason))

    # ------------------------------------------------------------- corrections
    class ScoreEnteredInError(Event):
        score_id: str
        instrument: str
        administered_on: date
        changes_content: ClassVar[bool] = False

        def change(self, plan: Plan) -> None:
            for score in plan.scores:
                if score["id"] == self.score_id:
                    score["entered_in_error"] = True

    def mark_score_entered_in_error(self, by: Actor, score_id: str, reason: str | None) -> None:
        """FHIR's entered-in-error: the score stops counting; its event stays as recorded."""
        score = next((s for s in self.scores if s["id"] == score_id), None)
        if score is None:
            raise errors.ScoreNotFoundError(f"score {score_id} not found", "score_id")
        self._check_open()
        if score["entered_in_error"]:
            raise errors.ScoreAlreadyEnteredInError(
                f"score {score_id} is already marked entered in error", "score_id"
            )
        require_reason(reason)
        self.trigger_event(
            self.ScoreEnteredInError,
            score_id=score_id,
            instrument=score["instrument"],
            administered_on=score["administered_on"],
            **by.meta(reason),
        )


def new_flag(flag_id: str, score_id: str, raised_on: date) -> dict[str, Any]:
    return {
        "id": flag_id,
        "raised_on": raised_on,
        "score_id": score_id,
        "status": "open",
        "action": None,
        "acknowledged_on": None,
        "acknowledged_by": None,
    }


def check_diagnosis_code(code: str, field: str) -> None:
    if not isinstance(code, str) or not ICD10_CM.match(code):
        raise errors.DiagnosisError(f"{code!r} is not an ICD-10-CM code (e.g. F41.1)", field)


# The library adds a `Plan.Created` class of its own; plans are created with
# PlanCreated, so it is no event type of the timeline.
EVENT_TYPES: dict[str, type[Plan.Event]] = {
    cls.__name__: cls
    for cls in vars(Plan).values()
    if isinstance(cls, type)
    and issubclass(cls, Plan.Event)
    and cls not in (Plan.Event, Plan.Created)
}
