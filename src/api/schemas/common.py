"""Field types shared by the schemas: bounded, clean strings, strict integers, ISO dates.

Strings are capped and refuse control characters and unpaired surrogates
(neither survives a round trip through PostgreSQL text or UTF-8); integers
are strict (no 5.0, no "5", no true); dates are exactly YYYY-MM-DD.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict

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


def iso_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


Text = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(clean)]
RequiredText = Annotated[str, Field(min_length=1, max_length=MAX_TEXT), AfterValidator(clean)]
Ident = Annotated[str, Field(min_length=1, max_length=MAX_ID), AfterValidator(clean)]
Name = Annotated[str, Field(min_length=1, max_length=MAX_ID), AfterValidator(clean)]
Code = Annotated[str, Field(min_length=1, max_length=MAX_CODE), AfterValidator(clean)]
Int = Annotated[int, Strict()]
IsoDate = Annotated[date, BeforeValidator(iso_date)]


class RequestModel(BaseModel):
    """A command body: unknown fields are refused, so a typo is never silently ignored."""

    model_config = ConfigDict(extra="forbid")


class CommandAck(BaseModel):
    """What every command answers: the plan's new version and the event's global position."""

    version: int = Field(description="the plan's version after the command", examples=[7])
    position: int | None = Field(
        description="the event's position in the global order; pass as min_position",
        examples=[1042],
    )
