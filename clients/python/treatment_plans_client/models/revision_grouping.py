from enum import StrEnum


class RevisionGrouping(StrEnum):
    MONTH = "month"
    ROLE = "role"
    TYPE = "type"

    def __str__(self) -> str:
        return str(self.value)
