from enum import StrEnum


class PlanStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"
    DRAFT = "draft"

    def __str__(self) -> str:
        return str(self.value)
