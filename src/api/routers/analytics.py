"""Analytics of the clinic: revision counts, outcomes, and the analysts' export.

Counts from 1 to 10 are suppressed (`null`, `suppressed: true`); analysts'
months are months of the plan, never calendar months, and the export holds
the same de-identified rows as an analyst's `GET /revisions`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from api.auth import ANALYST, AUDITOR, SUPERVISOR, Allow, Principal
from api.deps import DayOrInstant, MinPosition, Svc, parse_bound, wait_for_position
from api.pseudonyms import pseudonyms
from api.routers.problem_sets import CLINIC_QUERY
from api.routing import AuditedRoute
from api.schemas.enums import Instrument, RevisionGrouping
from api.schemas.views import Outcomes, RevisionGroups
from projections.export import MEDIA_TYPE, parquet_chunks

router = APIRouter(route_class=AuditedRoute, tags=["analytics"])

AnalyticsReader = Annotated[Principal, Depends(Allow(ANALYST, SUPERVISOR, AUDITOR))]
Analyst = Annotated[Principal, Depends(Allow(ANALYST))]


@router.get(
    "/analytics/revisions",
    response_model=RevisionGroups,
    responses=CLINIC_QUERY,
    summary="Revision counts by type, month or role, small cells suppressed",
    description=(
        "Counts from 1 to 10 are `null` with `suppressed: true`. For analysts `month` is the "
        "month of the plan (`0` = days 0-29 from its start, `1` = days 30-59, ...) and `from`/"
        "`to` count in whole calendar years; for supervisors and auditors `month` is the "
        "calendar month (`2026-03`)."
    ),
)
def count_revisions(
    svc: Svc,
    principal: AnalyticsReader,
    group_by: RevisionGrouping,
    from_: Annotated[DayOrInstant, Query(alias="from")] = None,
    to: DayOrInstant = None,
    min_position: MinPosition = None,
) -> RevisionGroups:
    start = parse_bound(from_, "from", end=False)
    end = parse_bound(to, "to", end=True)
    wait_for_position(svc, min_position, "revisions")
    groups = svc.read_models.revision_groups(
        principal.clinic, group_by.value, start, end, analyst=principal.role == ANALYST
    )
    return RevisionGroups.model_validate({"groups": groups})


@router.get(
    "/analytics/outcomes",
    response_model=Outcomes,
    responses=CLINIC_QUERY,
    summary="Response and remission rates over the clinic's goals on one instrument",
    description=(
        "Over goals with at least two scores. Fewer than 11 goals: `goals`, the rates are "
        "`null` and `suppressed` is true. A rate the instrument does not define is `null`."
    ),
)
def get_outcomes(
    svc: Svc,
    principal: AnalyticsReader,
    instrument: Instrument,
    min_position: MinPosition = None,
) -> Outcomes:
    wait_for_position(svc, min_position, "plans")
    return Outcomes(**svc.read_models.outcomes(principal.clinic, instrument.value))


@router.get(
    "/analytics/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            "description": "a Parquet file",
        },
        **CLINIC_QUERY,
    },
    summary="The analyst's de-identified revisions as a Parquet file (streamed)",
)
def export_revisions(
    svc: Svc,
    principal: Analyst,
    format: Literal["parquet"],  # noqa: A002 - the contract's name
    min_position: MinPosition = None,
) -> StreamingResponse:
    wait_for_position(svc, min_position, "revisions")
    batches = svc.read_models.analyst_export(pseudonyms(svc.settings), principal.clinic)
    return StreamingResponse(
        parquet_chunks(batches),
        media_type=MEDIA_TYPE,
        headers={
            "Content-Disposition": 'attachment; filename="revisions.parquet"',
            "Cache-Control": "no-store",
        },
    )
