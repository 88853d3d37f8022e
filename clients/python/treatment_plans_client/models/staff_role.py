from enum import StrEnum


class StaffRole(StrEnum):
    ANALYST = "analyst"
    AUDITOR = "auditor"
    CLINICIAN = "clinician"
    SUPERVISOR = "supervisor"

    def __str__(self) -> str:
        return str(self.value)
