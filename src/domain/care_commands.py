"""Commands of measurement-based and person-centred care (contract v2, "Safety and
measurement-based care"): safety flags and the safety plan, strengths, barriers,
discharge criteria, and scores entered in error.

A mixin of `PlansApplication`: each command is one line of intent, and
`execute` (load → decide → save, If-Match, idempotency) does the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from domain.plan import Actor, Plan

if TYPE_CHECKING:
    from domain.application import CommandResult


class CareCommands:
    if TYPE_CHECKING:

        def execute(
            self,
            plan_id: UUID,
            by: Actor,
            decide: Callable[[Plan], None],
            expected_version: int | None = None,
            result: dict[str, Any] | None = None,
        ) -> CommandResult: ...

    def acknowledge_safety_flag(
        self,
        plan_id: UUID,
        by: Actor,
        flag_id: str,
        action: str,
        reason: str | None,
        acknowledged_on: date,
        today: date | None = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self.execute(
            plan_id,
            by,
            lambda p: p.acknowledge_safety_flag(
                by, flag_id, action, reason, acknowledged_on, today
            ),
            expected_version,
            {"flag_id": flag_id},
        )

    def update_safety_plan(
        self,
        plan_id: UUID,
        by: Actor,
        parts: dict[str, Sequence[str] | None],
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self.execute(
            plan_id, by, lambda p: p.update_safety_plan(by, parts, reason), expected_version
        )

    def record_strength(
        self,
        plan_id: UUID,
        by: Actor,
        description: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        strength_id = str(uuid4())
        return self.execute(
            plan_id,
            by,
            lambda p: p.record_strength(by, strength_id, description, reason),
            expected_version,
            {"strength_id": strength_id},
        )

    def record_barrier(
        self,
        plan_id: UUID,
        by: Actor,
        description: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        barrier_id = str(uuid4())
        return self.execute(
            plan_id,
            by,
            lambda p: p.record_barrier(by, barrier_id, description, reason),
            expected_version,
            {"barrier_id": barrier_id},
        )

    def set_discharge_criteria(
        self,
        plan_id: UUID,
        by: Actor,
        criteria: Sequence[str],
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self.execute(
            plan_id, by, lambda p: p.set_discharge_criteria(by, criteria, reason), expected_version
        )

    def mark_score_entered_in_error(
        self,
        plan_id: UUID,
        by: Actor,
        score_id: str,
        reason: str | None,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self.execute(
            plan_id,
            by,
            lambda p: p.mark_score_entered_in_error(by, score_id, reason),
            expected_version,
            {"score_id": score_id},
        )
