from enum import StrEnum


class CloseReason(StrEnum):
    COMPLETED = "completed"
    DECEASED = "deceased"
    DECLINED = "declined"
    DROPPED_OUT = "dropped-out"
    OTHER = "other"
    TRANSFERRED = "transferred"

    def __str__(self) -> str:
        return str(self.value)
