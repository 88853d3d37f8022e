"""Revisions rows: the event data in full for auditors (analysts' view is built on read)."""

from __future__ import annotations

from domain_support import add_problem, new_plan
from rows_support import history, loads, projection

from projections.revisions import INSERT, Pseudonyms, RevisionsProjection, analyst_item


def test_each_event_is_kept_in_full_for_auditors():
    """The row keeps the event's data in full; analysts' Safe Harbor view is built
    from it on read (tests/integration/test_projections.py), so nothing else is
    stored."""
    plan = new_plan()
    add_problem(plan, "Hears voices at night")
    ops = projection(RevisionsProjection).rows(history(plan, first_position=7))

    assert [text for text, _ in ops] == [INSERT, INSERT]
    created, problem = (tuple(params) for _, params in ops)
    assert created[0:4] == (7, plan.clinic, str(plan.id), 1)
    assert problem[0:5] == (8, plan.clinic, str(plan.id), 2, "ProblemAdded")
    assert len(problem) == 8
    full = loads(problem[7])
    assert full["description"] == "Hears voices at night"
    assert loads(created[7])["client_id"] == "client-123"

    # What analysts read of these rows is de-identified from that data.
    columns = ("position", "clinic", "plan_id", "version", "type", "recorded_at", "role", "data")
    start = loads(created[7])["start_date"]
    names = Pseudonyms(b"a test secret")
    seen = [analyst_item({**dict(zip(columns, r)), "start_date": start}, names)["data"]
            for r in (created, problem)]  # fmt: skip
    assert "description" not in seen[1]
    assert "problem_id" not in seen[1]  # an id is an identifier too (allowlist)
    assert "client_id" not in seen[0]
