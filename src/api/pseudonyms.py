"""The analysts' pseudonyms of this deployment, keyed by its pseudonym secret."""

from __future__ import annotations

import threading

from api.settings import Settings
from projections.revisions import Pseudonyms

_cache: dict[bytes, Pseudonyms] = {}
_lock = threading.Lock()


def pseudonyms(settings: Settings) -> Pseudonyms:
    key = settings.pseudonym_key()
    found = _cache.get(key)
    if found is None:
        with _lock:
            found = _cache.setdefault(key, Pseudonyms(key))
    return found
