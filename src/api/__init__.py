"""The edges: FastAPI routers and schemas, dependencies, RFC 9457 problem
details, authentication, the access log, settings, the CLI, and the
composition root (`composition.build_services`) that builds everything else.

May import every other package; nothing imports `api`.
"""
