from enum import StrEnum


class Severity(StrEnum):
    BELOW_THRESHOLD = "below threshold"
    MILD = "mild"
    MINIMAL = "minimal"
    MODERATE = "moderate"
    MODERATELY_SEVERE = "moderately severe"
    NEGATIVE_SCREEN = "negative screen"
    POSITIVE_SCREEN = "positive screen"
    PROBABLE_PTSD = "probable PTSD"
    SEVERE = "severe"

    def __str__(self) -> str:
        return str(self.value)
