"""The HTTP peer: a plain async FastAPI app on a psycopg async pool, nothing else.

POST /rows stores the request body as ONE row (one autocommit INSERT), GET
/rows/{id} reads one row back. No auth, no events, no projections, no access
log: what "a plain FastAPI endpoint" costs on this machine, served by the same
uvicorn (one process) as `plans serve`. Run by bench/wrk.py:

    PEER_DATABASE_URL=postgresql://... uvicorn bench.peer_http:app --port N
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, HTTPException, Request, Response
from psycopg_pool import AsyncConnectionPool

TABLE = "peer_rows"
DDL = f"CREATE TABLE IF NOT EXISTS {TABLE} (id BIGSERIAL PRIMARY KEY, body JSONB NOT NULL)"

pool = AsyncConnectionPool(
    os.environ.get("PEER_DATABASE_URL", ""),
    min_size=16,
    max_size=16,
    open=False,
    kwargs={"autocommit": True},
)


@asynccontextmanager
async def lifespan(_app: FastAPI) -> Any:
    await pool.open(wait=True)
    yield
    await pool.close()


app = FastAPI(lifespan=lifespan)


@app.post("/rows", status_code=201)
async def insert_row(request: Request) -> Response:
    body = await request.body()
    async with pool.connection() as conn:
        cur = await conn.execute(
            f"INSERT INTO {TABLE} (body) VALUES (%s) RETURNING id", (body.decode(),), prepare=True
        )
        row = await cur.fetchone()
    assert row is not None
    return Response(f'{{"id":{row[0]}}}', status_code=201, media_type="application/json")


@app.get("/rows/{row_id}")
async def read_row(row_id: int) -> Response:
    async with pool.connection() as conn:
        cur = await conn.execute(
            f"SELECT body::text FROM {TABLE} WHERE id = %s", (row_id,), prepare=True
        )
        row = await cur.fetchone()
    if row is None:
        raise HTTPException(404)
    return Response(row[0], media_type="application/json")
