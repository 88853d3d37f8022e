"""The read models this service keeps, and how to open one generation of one."""

from __future__ import annotations

from projections.base import (
    Fence,
    PostgresReadModelView,
    ReadModelProjection,
    SQLiteReadModelView,
    ViewSpec,
    table_names,
    tracking_table_name,
)
from projections.compliance import ComplianceProjection
from projections.plans import PlansProjection
from projections.review_queue import ReviewQueueProjection
from projections.revisions import RevisionsProjection
from projections.safety_flags import SafetyFlagsProjection
from projections.scores import ScoresProjection
from projections.store import Store
from projections.timeline import TimelineProjection

MODELS: dict[str, type[ReadModelProjection]] = {
    cls.name: cls
    for cls in (
        PlansProjection,
        TimelineProjection,
        ReviewQueueProjection,
        ScoresProjection,
        RevisionsProjection,
        ComplianceProjection,
        SafetyFlagsProjection,
    )
}


def model(name: str) -> type[ReadModelProjection]:
    try:
        return MODELS[name]
    except KeyError:
        raise LookupError(f"unknown read model {name!r}; known: {', '.join(MODELS)}") from None


def tables_of(store: Store, name: str, generation: int) -> dict[str, str]:
    return table_names(store.dialect, name, generation, model(name).suffixes)


def open_view(
    store: Store, name: str, generation: int, fence: Fence | None = None
) -> PostgresReadModelView | SQLiteReadModelView:
    """The tracking recorder (tables + tracking) of one generation of one read model."""
    cls = model(name)
    view_cls = PostgresReadModelView if store.dialect.is_postgres else SQLiteReadModelView
    spec = ViewSpec(
        tracking_table_name=tracking_table_name(name, generation),
        dialect=store.dialect,
        tables=tables_of(store, name, generation),
        ddl=cls.ddl,
        fence=fence,
        append_only=cls.append_only,
        postgres_ddl=cls.postgres_ddl,
    )
    return view_cls(store.datastore, spec)
