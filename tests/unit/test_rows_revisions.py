"""Revisions rows: the event data in full for auditors, de-identified for analysts."""

from __future__ import annotations

from domain_support import add_problem, new_plan
from rows_support import history, loads, projection

from projections.revisions import INSERT, RevisionsProjection


def test_each_event_is_kept_in_full_and_de_identified():
    plan = new_plan()
    add_problem(plan, "Hears voices at night")
    ops = projection(RevisionsProjection).rows(history(plan, first_position=7))

    assert [text for text, _ in ops] == [INSERT, INSERT]
    created, problem = (tuple(params) for _, params in ops)
    assert created[0:4] == (7, plan.clinic, str(plan.id), 1)
    assert problem[0:5] == (8, plan.clinic, str(plan.id), 2, "ProblemAdded")
    full, deidentified = loads(problem[7]), loads(problem[8])
    assert full["description"] == "Hears voices at night"
    assert "description" not in deidentified
    assert "problem_id" not in deidentified  # an id is an identifier too (allowlist)
    assert "client_id" not in loads(created[8]) and loads(created[7])["client_id"] == "client-123"
