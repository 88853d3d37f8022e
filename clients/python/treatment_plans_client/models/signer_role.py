from enum import StrEnum


class SignerRole(StrEnum):
    CLIENT = "client"
    CLINICIAN = "clinician"
    SUPERVISOR = "supervisor"

    def __str__(self) -> str:
        return str(self.value)
