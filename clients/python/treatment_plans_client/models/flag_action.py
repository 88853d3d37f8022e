from enum import StrEnum


class FlagAction(StrEnum):
    NO_ACTION_NEEDED = "no-action-needed"
    REFERRED = "referred"
    RISK_ASSESSED = "risk-assessed"
    SAFETY_PLAN_UPDATED = "safety-plan-updated"

    def __str__(self) -> str:
        return str(self.value)
