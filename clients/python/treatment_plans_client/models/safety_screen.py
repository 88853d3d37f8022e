from enum import StrEnum


class SafetyScreen(StrEnum):
    NEGATIVE = "negative"
    NOT_ASSESSED = "not_assessed"
    POSITIVE = "positive"

    def __str__(self) -> str:
        return str(self.value)
