"""The OpenAPI document as integrators read it: names, headers, descriptions.

`create_app` passes `operation_id` to FastAPI (operation ids are the route
function names: `create_plan`, `add_goal`, ...) and installs `document` as
`app.openapi`. `document` adds what FastAPI cannot infer, by rule, so a route
added later gets it without an edit here:

- every command (an operation taking `Idempotency-Key`) documents `ETag` and
  `Idempotent-Replayed` on its success response, and `Location` when it is a
  201 create;
- every 503 documents `Retry-After`;
- enumerations name their members (`x-enum-varnames`);
- `ge`/`le` bounds become standard `minimum`/`maximum`;
- a success response described as FastAPI's "Successful Response" gets the
  operation's summary instead.

Routes that send headers of their own (e.g. `ETag` on a read) declare them
with `headers(...)`; a create answers 201 with `CREATED` headers.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from api.auth import bearer_scheme

ETAG = {
    "description": "the plan's (or policy's) version as an entity tag, e.g. \"7\"; "
    "send it back as If-Match",
    "schema": {"type": "string", "examples": ['"7"']},
}
IDEMPOTENT_REPLAYED = {
    "description": "`true` when this is the stored answer to an earlier request with the "
    "same Idempotency-Key (nothing new was recorded)",
    "schema": {"type": "string", "enum": ["true"]},
}
LOCATION = {
    "description": "the created resource: the new plan (`/plans/{id}`), or for an item "
    "of a plan the plan that now holds it",
    "schema": {"type": "string", "format": "uri-reference", "examples": ["/plans/5b0c1f36"]},
}
RETRY_AFTER = {
    "description": "seconds to wait before retrying",
    "schema": {"type": "string", "examples": ["1"]},
}
HEADERS = {
    "ETag": ETAG,
    "Idempotent-Replayed": IDEMPOTENT_REPLAYED,
    "Location": LOCATION,
    "Retry-After": RETRY_AFTER,
}


def headers(*names: str) -> dict[str, Any]:
    """A response's `headers` entry: `responses={200: headers("ETag")}`."""
    return {"headers": {name: HEADERS[name] for name in names}}


def operation_id(route: APIRoute) -> str:
    """The route function's name: `create_plan`, not `create_plan_plans_post`."""
    return route.name


def _is_command(operation: dict[str, Any]) -> bool:
    return any(
        p.get("in") == "header" and p.get("name") == "Idempotency-Key"
        for p in operation.get("parameters", [])
    )


STANDARD_KEYWORDS = {
    "ge": "minimum",
    "le": "maximum",
    "gt": "exclusiveMinimum",
    "lt": "exclusiveMaximum",
}


def standard_bounds(node: Any) -> None:
    """Pydantic writes `ge`/`le` for bounds it cannot place (e.g. on a validated
    integer); JSON Schema's words are `minimum`/`maximum`."""
    if isinstance(node, dict):
        for short, standard in STANDARD_KEYWORDS.items():
            if short in node and isinstance(node[short], int | float):
                node.setdefault(standard, node.pop(short))
        for value in node.values():
            standard_bounds(value)
    elif isinstance(node, list):
        for value in node:
            standard_bounds(value)


def enum_names(components: dict[str, Any]) -> None:
    """Name each enumeration's members for generators (`x-enum-varnames`), as
    `api.schemas.enums` does: `EventType.PLAN_CREATED`, not `PLANCREATED`."""
    from api.schemas.enums import member_name

    for schema in components.get("schemas", {}).values():
        values = schema.get("enum")
        if values and all(isinstance(v, str) for v in values):
            schema.setdefault("x-enum-varnames", [member_name(v) for v in values])


def refine(schema: dict[str, Any]) -> dict[str, Any]:
    """Apply the rules above to a generated document (in place; returned for chaining)."""
    standard_bounds(schema.get("components", {}))
    enum_names(schema.get("components", {}))
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            command = _is_command(operation)
            for status, response in operation["responses"].items():
                found = response.setdefault("headers", {})
                if status.startswith("2"):
                    if response.get("description") == "Successful Response":
                        response["description"] = operation.get("summary", "OK")
                    if command:
                        found.setdefault("ETag", ETAG)
                        found.setdefault("Idempotent-Replayed", IDEMPOTENT_REPLAYED)
                    if command and status == "201":
                        found.setdefault("Location", LOCATION)
                if status == "503":
                    found.setdefault("Retry-After", RETRY_AFTER)
                if not found:
                    del response["headers"]
    return schema


def secure(schema: dict[str, Any], routes: list[Any]) -> dict[str, Any]:
    """Every guarded route takes the bearer token (`api.auth.bearer_scheme`)."""
    from api.routing import find_guard  # routing imports the routers' world

    guarded = [r for r in routes if isinstance(r, APIRoute) and find_guard(r.dependant)]
    if not guarded:
        return schema
    name = type(bearer_scheme).__name__
    schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
    schemes[name] = bearer_scheme.model.model_dump(mode="json", by_alias=True, exclude_none=True)
    for route in guarded:
        path_item = schema.get("paths", {}).get(route.path_format, {})
        for method in route.methods or ():
            operation = path_item.get(method.lower())
            if isinstance(operation, dict):
                operation["security"] = [{name: []}]
    return schema


def document(app: FastAPI) -> dict[str, Any]:
    """`app.openapi`: FastAPI's document, refined once and cached."""
    if app.openapi_schema is None:
        # The audited routes in the order they are documented, then the others.
        documented = list(getattr(app.state, "audited_routes", None) or [])
        routes = documented + [r for r in app.routes if r not in documented]
        app.openapi_schema = refine(
            secure(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    openapi_version=app.openapi_version,
                    description=app.description,
                    routes=routes,
                ),
                documented or app.routes,
            )
        )
    return app.openapi_schema


def main(argv: list[str] | None = None) -> None:
    """`python -m api.openapi [FILE]`: write the served document (no database needed)."""
    import json
    import sys
    import tempfile
    from pathlib import Path

    from pydantic import SecretStr

    from api.app import create_app
    from api.settings import Settings

    args = sys.argv[1:] if argv is None else argv
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(
            database_url=f"sqlite:///{scratch}/unused.db",
            data_dir=Path(scratch),
            jwt_secret=SecretStr("document-only-" + "x" * 32),
        )
        text = json.dumps(create_app(settings).openapi(), indent=2, ensure_ascii=False) + "\n"
    if args:
        with open(args[0], "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
