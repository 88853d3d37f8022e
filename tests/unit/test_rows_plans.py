"""Current-plan rows: one upsert per plan per batch, its latest state and document."""

from __future__ import annotations

import pytest
from domain_support import add_problem, new_app, new_plan
from rows_support import history, loads, projection

from projections.plans import UPSERT, PlansProjection


@pytest.fixture
def app():
    application = new_app()
    yield application
    application.close()


def test_a_batch_gives_one_row_per_plan_with_its_latest_state(app):
    first, second = new_plan(), new_plan()
    add_problem(first, "Low mood")
    add_problem(first, "Poor sleep")
    items = history(first, second, first_position=10)

    ops = projection(PlansProjection, app).rows(items)

    assert [text for text, _ in ops] == [UPSERT, UPSERT]
    rows = {params[0]: tuple(params) for _, params in ops}
    row = rows[str(first.id)]
    assert row[1:6] == (first.clinic, "client-123", first.clinician, "draft", 3)
    assert row[-2] == 12  # the position of the plan's last event in the batch
    document = loads(row[-1])
    assert sorted(p["description"] for p in document["problems"]) == ["Low mood", "Poor sleep"]
    assert rows[str(second.id)][5] == 1 and rows[str(second.id)][-2] == 13


def test_a_plan_not_in_the_cache_is_loaded_as_of_the_previous_version(app):
    plan = new_plan()
    app.save(plan)  # version 1 is stored, but the projection never saw it
    add_problem(plan, "Worry")
    [(_, params)] = projection(PlansProjection, app).rows(history(plan, first_position=2))
    assert params[5] == 2
    assert [p["description"] for p in loads(params[-1])["problems"]] == ["Worry"]
