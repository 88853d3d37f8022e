"""The web console: server-rendered pages for supervisors, clinicians, auditors and analysts.

Served by `plans serve` under `/console` on the API's own origin. It signs
people in with the same bearer tokens (kept in an HttpOnly, SameSite=Strict
cookie), applies the same roles and tenancy, reads through the same
application service and read models, and writes the same access log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["install"]


def install(app: FastAPI) -> None:
    """`console.web.install`, imported on first use: commands that only touch the
    sign-in links table (`plans init`, `plans rebuild`) never load the web stack."""
    from console.web import install as install_console

    install_console(app)
