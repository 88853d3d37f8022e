"""The event store: recorders, keys and ciphers (everything below the domain's events)."""
