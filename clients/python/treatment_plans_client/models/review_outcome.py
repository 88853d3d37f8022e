from enum import StrEnum


class ReviewOutcome(StrEnum):
    CONTINUE = "continue"
    DISCHARGE = "discharge"
    REVISE = "revise"

    def __str__(self) -> str:
        return str(self.value)
