"""Reading events with orjson gives exactly what the library's JSON decoder gives."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    TranscodingNotRegisteredError,
    UUIDAsHex,
)

from domain.application import DateAsISO
from eventstore.transcoding import OrjsonTranscoder


def transcoders() -> tuple[JSONTranscoder, OrjsonTranscoder]:
    library, fast = JSONTranscoder(), OrjsonTranscoder()
    for transcoder in (library, fast):
        # What PlansApplication registers.
        for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO(), DateAsISO()):
            transcoder.register(transcoding)
    return library, fast


def same(a: Any, b: Any) -> bool:
    """Equal, of the same types all the way down, keys in the same order (NaN = NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a:
        return b != b
    return bool(a == b)


EVENT_STATE = {
    "timestamp": datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=UTC),
    "actor": "c.whitfield",
    "reason": None,
    "administered_on": date(2026, 2, 14),
    "score": 16,
    "safety_flag": False,
    "required_signers": ["clinician", "client"],
    "measure": {"instrument": "PHQ-9", "baseline": 18, "target": 5},
    "nested": [[{"on": date(2026, 1, 1)}], {"id": UUID(int=7), "amount": Decimal("1.50")}],
    "text": 'quotes " and \\u escapes, "_type_" in a string, ünïcödé',
}


def test_an_event_state_decodes_to_the_same_objects() -> None:
    library, fast = transcoders()
    data = library.encode(EVENT_STATE)
    assert same(fast.decode(data), library.decode(data))
    assert same(fast.decode(data), EVENT_STATE)


@pytest.mark.parametrize(
    "text",
    [
        b'{"a":1,"a":2}',
        b"-0",
        b"1e400",
        b"[NaN, Infinity]",
        b'{"x":123456789012345678901234567890}',
        b"[18446744073709551616, -9223372036854775809]",
        b'"\\ud800"',
        b"1.0",
        b'{"a": 0.1, "b": 1.7976931348623157e308, "c": 5e-324}',
        b'{"_type_":"decimal_str","_data_":"1.5"}',
        b'{"_type_":"date_iso","_data_":"2026-01-01","x":1}',
        b'[{"_type_":"uuid_hex","_data_":"00000000000000000000000000000001"},{"_type_":1}]',
        b'{"t":{"_type_":"datetime_iso","_data_":"2020-01-01T00:00:00+00:00"},'
        b'"l":[[{"_type_":"date_iso","_data_":"2020-01-02"}]]}',
        b'{"_typ\\u0065_":"date_iso","_data_":"2020-01-02"}',
        b"[]",
        b"{}",
        b"null",
    ],
)
def test_what_orjson_would_read_differently_reads_as_the_library_reads_it(text: bytes) -> None:
    library, fast = transcoders()
    assert same(fast.decode(text), library.decode(text))


@pytest.mark.parametrize("text", [b'{"_type_":"nope","_data_":1}', b"{bad", b"\xff"])
def test_the_same_errors(text: bytes) -> None:
    library, fast = transcoders()
    with pytest.raises(Exception) as expected:
        library.decode(text)
    with pytest.raises(type(expected.value)):
        fast.decode(text)


def test_an_unknown_type_is_the_library_error() -> None:
    _, fast = transcoders()
    with pytest.raises(TranscodingNotRegisteredError):
        fast.decode(b'{"when":{"_type_":"nope","_data_":1}}')


def test_writing_is_the_library_s() -> None:
    library, fast = transcoders()
    assert fast.encode(EVENT_STATE) == library.encode(EVENT_STATE)
