"""The event store: recorders (events, hash chain, recorded-time index, written
in one transaction) and the reads of the stored history (timeline, diffs,
chain verification, verifiable export), and the keys and ciphers of
per-client envelope encryption (crypto-shredding).

May import the domain (it implements `domain.store.PlanEventStore`), the
eventsourcing library and the database drivers; never `projections` or `api`.
"""
