"""The problems each kind of route may answer (OpenAPI `responses`), named once."""

from __future__ import annotations

from api.problem_details import problem_responses

# A command on one plan: not found, closed or conflicting, stale If-Match, too large, invalid.
PLAN_COMMAND = problem_responses(401, 403, 404, 409, 412, 413, 422, 503)
# A command that addresses no existing plan (create a plan, set the clinic's policy).
CLINIC_COMMAND = problem_responses(401, 403, 412, 413, 422, 503)
# A read of one plan.
PLAN_QUERY = problem_responses(401, 403, 404, 422, 503)
# A read of the clinic's lists and figures.
CLINIC_QUERY = problem_responses(401, 403, 422, 503)
