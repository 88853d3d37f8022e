"""A clinic's review policy: how often plans are reviewed and who must sign.

One small aggregate per clinic, its id derived from the clinic id, so that the
policy's own history is as auditable as a plan's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain import errors
from domain.plan import SIGNER_ROLES, Actor, AttributedEvent, check_interval, recorded_outcome

POLICY_NAMESPACE = uuid5(NAMESPACE_URL, "urn:plans:review-policy")


@dataclass(frozen=True)
class PolicyTerms:
    review_interval_days: int = 90
    due_soon_days: int = 14
    required_signers: tuple[str, ...] = ("clinician", "client")
    # Days from a plan's start within which its initial plan is fully signed.
    initial_plan_days: int = 30


DEFAULT_POLICY = PolicyTerms()


def policy_id(clinic: str) -> UUID:
    return uuid5(POLICY_NAMESPACE, clinic)


def check_terms(
    review_interval_days: int,
    due_soon_days: int,
    required_signers: Sequence[str],
    initial_plan_days: int = DEFAULT_POLICY.initial_plan_days,
) -> None:
    check_interval(review_interval_days, "review_interval_days")
    if isinstance(initial_plan_days, bool) or not isinstance(initial_plan_days, int):
        raise errors.InvalidPolicyError(
            "initial_plan_days is a whole number of days", "initial_plan_days"
        )
    if not 1 <= initial_plan_days <= 90:
        raise errors.InvalidPolicyError("initial_plan_days must be 1–90", "initial_plan_days")
    if isinstance(due_soon_days, bool) or not isinstance(due_soon_days, int):
        raise errors.InvalidPolicyError("due_soon_days is a whole number of days", "due_soon_days")
    if not 0 <= due_soon_days <= 90:
        raise errors.InvalidPolicyError("due_soon_days must be 0–90", "due_soon_days")
    if not required_signers:
        raise errors.InvalidPolicyError("at least one signer is required", "required_signers")
    for i, role in enumerate(required_signers):
        if role not in SIGNER_ROLES:
            raise errors.InvalidPolicyError(
                f"signers are {', '.join(SIGNER_ROLES)}", f"required_signers[{i}]"
            )


class ReviewPolicy(Aggregate):
    class ReviewPolicySet(AttributedEvent):
        review_interval_days: int
        due_soon_days: int
        required_signers: list[str]
        initial_plan_days: int

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["initial_plan_days"] = DEFAULT_POLICY.initial_plan_days

        def apply(self, policy: ReviewPolicy) -> None:
            policy.terms = PolicyTerms(
                self.review_interval_days,
                self.due_soon_days,
                tuple(self.required_signers),
                self.initial_plan_days,
            )
            self.remember(policy.commands)

    class Registered(Aggregate.Created):
        clinic: str

    def __init__(self, clinic: str) -> None:
        self.clinic = clinic
        self.terms = DEFAULT_POLICY
        self.commands: dict[str, dict[str, Any]] = {}

    @classmethod
    def register(cls, clinic: str) -> ReviewPolicy:
        return cls._create(cls.Registered, id=policy_id(clinic), clinic=clinic)

    def set_terms(
        self,
        by: Actor,
        review_interval_days: int,
        due_soon_days: int,
        required_signers: Sequence[str],
        reason: str | None = None,
        initial_plan_days: int = DEFAULT_POLICY.initial_plan_days,
    ) -> None:
        check_terms(review_interval_days, due_soon_days, required_signers, initial_plan_days)
        self.trigger_event(
            self.ReviewPolicySet,
            review_interval_days=review_interval_days,
            due_soon_days=due_soon_days,
            required_signers=list(dict.fromkeys(required_signers)),
            initial_plan_days=initial_plan_days,
            **by.meta(reason),
        )

    def outcome_of(self, command_id: str | None, request_hash: str | None) -> dict[str, Any] | None:
        return recorded_outcome(self.commands, command_id, request_hash)
