"""Field types shared by the schemas: bounded, clean strings, strict integers, ISO dates.

Strings are capped and refuse control characters and unpaired surrogates
(neither survives a round trip through PostgreSQL text or UTF-8); integers
are strict (no 5.0, no "5", no true); dates are exactly YYYY-MM-DD.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

MAX_TEXT = 2000
MAX_ID = 200
MAX_CODE = 20
MAX_ITEMS = 50

_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def clean(value: str) -> str:
    if _UNSAFE.search(value):
        raise ValueError("must not contain control characters or unpaired surrogates")
    return value


# Dates far outside a clinical lifetime are typos, and near the ends of the
# calendar they would overflow when a review interval is added to them.
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)


def iso_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


def plausible_date(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
    return value


# The JSON Schema says what the validators enforce, so generated clients and
# fuzzers send what the service accepts; the validators word the refusals.
SAFE_PATTERN = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"
DATE_PATTERN = r"^(19\d\d|2[01]\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
_SAFE: dict[str, Any] = {"pattern": SAFE_PATTERN}


def whole_number(value: Any) -> Any:
    """JSON Schema's integer: 5 or 5.0, never 5.5, "5" or true."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("must be a whole number")
        return int(value)
    return value


Text = Annotated[str, Field(max_length=MAX_TEXT, json_schema_extra=_SAFE), AfterValidator(clean)]
RequiredText = Annotated[
    str, Field(min_length=1, max_length=MAX_TEXT, json_schema_extra=_SAFE), AfterValidator(clean)
]
Ident = Annotated[
    str, Field(min_length=1, max_length=MAX_ID, json_schema_extra=_SAFE), AfterValidator(clean)
]
Name = Ident
Code = Annotated[
    str, Field(min_length=1, max_length=MAX_CODE, json_schema_extra=_SAFE), AfterValidator(clean)
]
Int = Annotated[int, BeforeValidator(whole_number), Field(json_schema_extra={"type": "integer"})]
IsoDate = Annotated[
    date,
    BeforeValidator(iso_date),
    AfterValidator(plausible_date),
    Field(json_schema_extra={"pattern": DATE_PATTERN}),
]


class RequestModel(BaseModel):
    """A command body: unknown fields are refused, so a typo is never silently ignored."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)


def ack_examples(**fields: Any) -> ConfigDict:
    """A command answer's example: its own fields, then version and position."""
    return ConfigDict(
        json_schema_extra={"examples": [{**fields, "version": 7, "position": 1042, **fields}]}
    )


class CommandAck(BaseModel):
    """What every command answers: the plan's new version and the event's global position."""

    model_config = ack_examples()

    version: int = Field(description="the plan's version after the command", examples=[7])
    position: int = Field(
        description="the event's position in the global order; pass as min_position",
        examples=[1042],
    )
