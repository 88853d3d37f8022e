"""The web console: server-rendered pages for supervisors, clinicians, auditors and analysts.

Served by `plans serve` under `/console` on the API's own origin. It signs
people in with the same bearer tokens (kept in an HttpOnly, SameSite=Strict
cookie), applies the same roles and tenancy, reads through the same
application service and read models, and writes the same access log.
"""

from console.web import install

__all__ = ["install"]
