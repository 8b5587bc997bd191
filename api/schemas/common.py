"""What every resource's schemas share: the constrained field types, the :class:`Input`
base of request bodies, problem documents, ``{data, count}`` pages, and the conversion of
engine numbers to JSON (numpy values become Python ones; non-finite floats never reach JSON).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from engine.profiles import MAX_TEXT_CHARS, MAX_TITLE_CHARS
from engine.taxonomy import ECOSYSTEMS

#: ecosystem ids as an enum, so that the OpenAPI schema lists them for forms
Ecosystem = StrEnum("Ecosystem", {eco: eco for eco in ECOSYSTEMS})  # type: ignore[misc]

Id = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@-]*$"),
]
RefId = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]
Title = Annotated[str, StringConstraints(max_length=MAX_TITLE_CHARS)]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS)]
Short = Annotated[str, StringConstraints(max_length=200)]
T = TypeVar("T")


def plain(value: Any) -> Any:
    """JSON-ready copy of engine output: numpy scalars and arrays become Python numbers and
    lists, tuples lists, and non-finite floats ``None``."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def finite(value: float) -> float:
    """``value`` as a float, with a non-finite one as 0.0 (JSON has no inf or NaN)."""
    return float(value) if math.isfinite(value) else 0.0


def finite_values(values: Mapping[str, float]) -> dict[str, float]:
    return {str(k): finite(v) for k, v in values.items()}


class Input(BaseModel):
    """Request bodies: unknown fields are refused, and JSON types are taken as the schema
    says (``0`` is not ``false``, ``"5"`` is not ``5``)."""

    model_config = ConfigDict(extra="forbid")


# ---- problems --------------------------------------------------------------------------
class FieldError(BaseModel):
    field: str = Field(description="the offending field, dotted for nested ones")
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details: every error response has this shape."""

    type: str = Field(examples=["urn:partner-search:problem:not-found"])
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = Field(None, description="for 422: each invalid field")


# ---- pages -----------------------------------------------------------------------------
class Page(BaseModel, Generic[T]):
    data: list[T]
    count: int = Field(description="items matching in all pages")
    offset: int
    limit: int
