"""Timeline rows: one per plan event, with who, why, a summary and the data."""

from __future__ import annotations

from domain_support import CLINICIAN, START, add_problem, new_plan
from rows_support import history, loads, projection

from projections.timeline import INSERT, TimelineProjection


def test_each_event_gives_one_row_with_its_summary_and_position():
    plan = new_plan()
    add_problem(plan, "Low mood most days")
    items = history(plan, first_position=41)

    ops = projection(TimelineProjection).rows(items)

    assert [text for text, _ in ops] == [INSERT, INSERT]
    created, problem = (tuple(params) for _, params in ops)
    plan_id, version, clinic, kind, recorded_at, actor, role, _reason, summary, data, pos = problem
    assert (plan_id, version, clinic, pos) == (str(plan.id), 2, CLINICIAN.clinic, 42)
    assert (kind, actor, role) == ("ProblemAdded", CLINICIAN.user, CLINICIAN.role)
    assert "Low mood most days" in summary
    assert loads(data)["description"] == "Low mood most days"
    assert recorded_at.endswith("+00:00")
    assert created[1] == 1 and created[3] == "PlanCreated" and created[10] == 41
    assert loads(created[9])["start_date"] == START.isoformat()


def test_no_events_no_rows():
    assert projection(TimelineProjection).rows([]) == []
