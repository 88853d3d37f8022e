"""The domain: the Plan and ReviewPolicy aggregates with their events and errors,
the instrument registry, plan documents, the command service (`application`),
its write-path engine (`group_commit`) and the event-store interface it needs
(`store.PlanEventStore`).

May import the standard library and `eventsourcing` only: no I/O, no clock
reads, no settings (dates and actors come in as arguments).
"""
