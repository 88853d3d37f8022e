from enum import StrEnum


class InterventionStatus(StrEnum):
    ACTIVE = "active"
    DISCONTINUED = "discontinued"

    def __str__(self) -> str:
        return str(self.value)
