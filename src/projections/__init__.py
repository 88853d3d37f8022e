"""Read models: one module per model (its tables, its pure `rows()` from events,
its queries) and the machinery that keeps them current and rebuilds them
(`base`, `runner`, `readmodels`, `store`, `catalog`).

May import `domain` and `eventstore` (connections, UTC text), the eventsourcing
library and the database drivers; never `api`.
"""
