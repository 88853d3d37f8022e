"""Given events → rows, without a database: helpers for the read models' `rows()` tests."""

from __future__ import annotations

import json
from typing import Any

from domain.application import PlansApplication
from domain.plan import Plan
from projections.base import Op, ReadModelProjection


def history(*plans: Plan, first_position: int = 1) -> list[tuple[int, Plan.Event]]:
    """The plans' pending events as (position, event) pairs, in order."""
    events = [e for plan in plans for e in plan.collect_events()]
    return list(enumerate(events, start=first_position))  # type: ignore[arg-type]


def projection(
    cls: type[ReadModelProjection], app: PlansApplication | None = None
) -> ReadModelProjection:
    """The projection with no view: `rows()` never touches one."""
    return cls(None, app)


def params_of(ops: list[Op], statement: str) -> list[tuple[Any, ...]]:
    return [tuple(params) for text, params in ops if text == statement]


def loads(text: str) -> Any:
    return json.loads(text)
