from enum import StrEnum


class Instrument(StrEnum):
    BAI = "BAI"
    GAD_7 = "GAD-7"
    PCL_5 = "PCL-5"
    PHQ_2 = "PHQ-2"
    PHQ_9 = "PHQ-9"

    def __str__(self) -> str:
        return str(self.value)
