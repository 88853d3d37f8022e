"""Interoperability: the plan in other systems' vocabularies (FHIR R4)."""
