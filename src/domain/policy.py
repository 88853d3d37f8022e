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
from domain.plan import SIGNER_ROLES, Actor, check_interval, recorded_outcome

POLICY_NAMESPACE = uuid5(NAMESPACE_URL, "urn:plans:review-policy")


@dataclass(frozen=True)
class PolicyTerms:
    review_interval_days: int = 90
    due_soon_days: int = 14
    required_signers: tuple[str, ...] = ("clinician", "client")


DEFAULT_POLICY = PolicyTerms()


def policy_id(clinic: str) -> UUID:
    return uuid5(POLICY_NAMESPACE, clinic)


def check_terms(
    review_interval_days: int, due_soon_days: int, required_signers: Sequence[str]
) -> None:
    check_interval(review_interval_days, "review_interval_days")
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
    class ReviewPolicySet(Aggregate.Event):
        actor: str
        role: str
        clinic: str
        reason: str | None
        command_id: str | None
        request_hash: str | None
        review_interval_days: int
        due_soon_days: int
        required_signers: list[str]

        def apply(self, policy: ReviewPolicy) -> None:
            policy.terms = PolicyTerms(
                self.review_interval_days, self.due_soon_days, tuple(self.required_signers)
            )
            if self.command_id:
                policy.commands[self.command_id] = {
                    "request_hash": self.request_hash,
                    "version": self.originator_version,
                    "result": {},
                }

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
    ) -> None:
        check_terms(review_interval_days, due_soon_days, required_signers)
        self.trigger_event(
            self.ReviewPolicySet,
            review_interval_days=review_interval_days,
            due_soon_days=due_soon_days,
            required_signers=list(dict.fromkeys(required_signers)),
            **by.meta(reason),
        )

    def outcome_of(self, command_id: str | None, request_hash: str | None) -> dict[str, Any] | None:
        return recorded_outcome(self.commands, command_id, request_hash)
