"""Helpers shared by the audit tests (no tests here): a small plan, raw SQL on the stores."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

import psycopg

from api.settings import Settings
from domain.application import PlansApplication
from domain.commands import AddGoal, AddProblem, CreatePlan, RecordScore
from domain.plan import Actor

CLINIC = "north"
CLINICIAN = Actor("dr-ada", "clinician", CLINIC)
START = date(2024, 1, 8)
PHQ9 = {"instrument": "PHQ-9", "baseline": 18, "target": 9}


def small_plan(app: PlansApplication, scores: int = 5) -> UUID:
    """A plan with 3 + `scores` events: created, problem, goal, then scores."""
    plan_id = app.create_plan(
        CLINICIAN,
        CreatePlan(client_id="client-7", start_date=START, presenting_concerns=["low mood"]),
    ).plan_id
    problem_id = app.handle(plan_id, CLINICIAN, AddProblem(description="Low mood")).result[
        "problem_id"
    ]
    goal_id = app.handle(
        plan_id,
        CLINICIAN,
        AddGoal(
            problem_ids=[problem_id],
            statement="Feel better",
            measure=PHQ9,
            target_date=date(2024, 6, 1),
        ),
    ).result["goal_id"]
    for i in range(scores):
        app.handle(
            plan_id,
            CLINICIAN,
            RecordScore(
                instrument="PHQ-9",
                score=20 - i,
                administered_on=date(2024, 1, 15 + i),
                goal_id=goal_id,
            ),
        )
    return plan_id


class RawStore:
    """Direct SQL on the events and chain tables, as someone with database access would."""

    def __init__(self, settings: Settings) -> None:
        self.backend = settings.backend
        params = settings.postgres_params()
        if self.backend == "postgres":
            self.url = settings.database_url_or_default
            self.events = "plans_events"
        else:
            self.path = params["path"]
            self.events = "stored_events"
        self.chain = f"{self.events}_chain"

    def _key(self, plan_id: UUID) -> Any:
        return plan_id if self.backend == "postgres" else plan_id.hex

    def run(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.backend == "postgres":
            with psycopg.connect(self.url, autocommit=True) as conn:
                cur = conn.execute(statement.replace("?", "%s"), params)
                return cur.fetchall() if cur.description else []
        conn = sqlite3.connect(self.path, timeout=30)
        try:
            with conn:
                cur = conn.execute(statement, params)
                return cur.fetchall()
        finally:
            conn.close()

    def state(self, plan_id: UUID, version: int) -> bytes:
        rows = self.run(
            f"SELECT state FROM {self.events} WHERE originator_id = ? AND originator_version = ?",
            (self._key(plan_id), version),
        )
        return bytes(rows[0][0])

    def edit_state(self, plan_id: UUID, version: int, edit: Callable[[bytes], bytes]) -> None:
        new = edit(self.state(plan_id, version))
        self.run(
            f"UPDATE {self.events} SET state = ? "
            "WHERE originator_id = ? AND originator_version = ?",
            (new, self._key(plan_id), version),
        )

    def delete_event(self, plan_id: UUID, version: int) -> None:
        self.run(
            f"DELETE FROM {self.events} WHERE originator_id = ? AND originator_version = ?",
            (self._key(plan_id), version),
        )

    def swap_versions(self, plan_id: UUID, a: int, b: int) -> None:
        # In three steps: the primary key is checked row by row.
        for old, new in ((a, -1), (b, a), (-1, b)):
            self.run(
                f"UPDATE {self.events} SET originator_version = ? "
                "WHERE originator_id = ? AND originator_version = ?",
                (new, self._key(plan_id), old),
            )

    def edit_link(self, plan_id: UUID, version: int) -> None:
        self.run(
            f"UPDATE {self.chain} SET hash = ? WHERE originator_id = ? AND originator_version = ?",
            (b"\x00" * 32, self._key(plan_id), version),
        )

    def delete_link(self, plan_id: UUID, version: int) -> None:
        self.run(
            f"DELETE FROM {self.chain} WHERE originator_id = ? AND originator_version = ?",
            (self._key(plan_id), version),
        )
