"""Bodies and answers of the review-compliance endpoints (caseload, activation, figures)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.commands import Reason, examples
from api.schemas.common import Ident, RequestModel, RequiredText
from domain import commands


class AssignClinicianRequest(RequestModel):
    model_config = examples({"clinician": "dr-mensah", "reason": "Dr Okafor left the clinic"})
    clinician: Ident
    reason: RequiredText

    def command(self) -> commands.AssignClinician:
        return commands.AssignClinician(clinician=self.clinician, reason=self.reason)


class ActivatePlanRequest(RequestModel):
    model_config = examples({"reason": "Supervisor signature no longer required by policy"})
    reason: Reason = None

    def command(self) -> commands.ActivatePlan:
        return commands.ActivatePlan(reason=self.reason)


class ComplianceFigures(BaseModel):
    open_plans: int = Field(description="draft or active on as_of")
    reviews_overdue: int
    initial_plans_overdue: int
    signatures_not_current: int
    reviews_on_time_rate: float | None = Field(
        description="on-time / (on-time + late + overdue) over the 365 days up to as_of; "
        "null when there is nothing to count"
    )


class ClinicianCompliance(ComplianceFigures):
    clinician: str


FIGURES = {
    "open_plans": 42,
    "reviews_overdue": 3,
    "initial_plans_overdue": 1,
    "signatures_not_current": 2,
    "reviews_on_time_rate": 0.93,
}


class Compliance(ComplianceFigures):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **FIGURES,
                    "as_of": "2025-06-04",
                    "by_clinician": [{**FIGURES, "clinician": "dr-okafor"}],
                }
            ]
        }
    )
    as_of: str = Field(json_schema_extra={"format": "date"})
    by_clinician: list[ClinicianCompliance]
