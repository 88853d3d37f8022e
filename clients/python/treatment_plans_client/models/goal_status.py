from enum import StrEnum


class GoalStatus(StrEnum):
    ACHIEVED = "achieved"
    ACTIVE = "active"
    CANCELLED = "cancelled"
    NOT_ACHIEVED = "not-achieved"
    ON_HOLD = "on-hold"

    def __str__(self) -> str:
        return str(self.value)
