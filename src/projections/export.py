"""The analysts' revisions as a Parquet file, written batch by batch.

Each batch of rows becomes one row group and is handed on (to an HTTP
response or a file) before the next batch is read, so memory stays flat
however many revisions a clinic has. `data` is a JSON string column: its
keys differ per event type (DuckDB reads it with `json_extract` / `->>`).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

MEDIA_TYPE = "application/vnd.apache.parquet"

SCHEMA = pa.schema(
    [
        pa.field("subject", pa.string(), nullable=False),
        pa.field("version", pa.int32(), nullable=False),
        pa.field("type", pa.string(), nullable=False),
        pa.field("year", pa.int16(), nullable=False),
        pa.field("plan_day", pa.int32()),
        pa.field("role", pa.string()),
        pa.field("data", pa.string(), nullable=False),
    ]
)


class _Chunks(io.RawIOBase):
    """A write-only sink that hands its bytes over as they come."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._written = 0

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        data = bytes(b)
        self._parts.append(data)
        self._written += len(data)
        return len(data)

    def tell(self) -> int:
        return self._written

    def take(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


def _table(rows: list[dict[str, Any]]) -> pa.Table:
    columns = {name: [r[name] for r in rows] for name in SCHEMA.names if name != "data"}
    columns["data"] = [orjson.dumps(r["data"]).decode() for r in rows]
    return pa.Table.from_pydict(columns, schema=SCHEMA)


def parquet_chunks(batches: Iterable[list[dict[str, Any]]]) -> Iterator[bytes]:
    """The Parquet file's bytes, one row group at a time, then the footer."""
    sink = _Chunks()
    with pq.ParquetWriter(pa.PythonFile(sink, mode="w"), SCHEMA, compression="zstd") as writer:
        for rows in batches:
            if rows:
                writer.write_table(_table(rows))
                yield sink.take()
    yield sink.take()


def write_parquet(batches: Iterable[list[dict[str, Any]]], out: BinaryIO) -> int:
    """Write the file to `out`; the number of rows written."""
    count = 0

    def counted() -> Iterator[list[dict[str, Any]]]:
        nonlocal count
        for rows in batches:
            count += len(rows)
            yield rows

    for chunk in parquet_chunks(counted()):
        out.write(chunk)
    return count
